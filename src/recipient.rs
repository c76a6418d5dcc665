//! Public-key recipients: an [`Identity`] (secret, kept by whoever decrypts) and its
//! [`Recipient`] (public, given to whoever encrypts), their text forms, and the wrapping of a
//! stream's file key for each recipient with HPKE (RFC 9180).
//!
//! A recipient stream's key is a fresh random 32-byte *file key*. For each recipient, HPKE in
//! base mode (suite: the recipient kind's KEM, HKDF-SHA256, ChaCha20-Poly1305; info
//! `"seal v1 file key"`, empty associated data) encrypts the file key, and the encapsulated key,
//! the wrapped file key and its tag make that recipient's stanza in the header. The file key
//! then takes the place of a key file's key in the key derivation (`kdf`), whose derivation binds every
//! header byte, stanzas included.
//!
//! Two kinds:
//! - ML-KEM-768 + X25519 (X-Wing, HPKE KEM `0x647a`), the default: a post-quantum hybrid,
//!   secure while either ML-KEM-768 or X25519 is. Recipients are long (1216-byte public key).
//! - X25519 (DHKEM(X25519, HKDF-SHA256), HPKE KEM `0x0020`): classical, short recipients.
//!
//! Text forms are Bech32m (BIP 350): identities upper case, `SEAL-IDENTITY-PQ-1…` and
//! `SEAL-IDENTITY-X25519-1…` (32 secret bytes each: the X-Wing seed, the X25519 scalar);
//! recipients lower case, `sealpq1…` and `sealx1…`. The checksum refuses a mistyped or truncated
//! text instead of silently encrypting to the wrong key. Bech32m's guarantees (every error of up
//! to 4 characters caught) hold for texts up to 1023 characters; the 1959-character
//! post-quantum recipient uses the same checksum beyond that length, where any single changed
//! character is still always caught and other damage is missed with a chance of about 2^-30.
//!
//! Invariant: identity bytes, and every buffer this module fills with them or with a file key,
//! are zeroized when dropped.

use std::convert::Infallible;
use std::io::Read;

use bech32::primitives::checksum::Checksum;
use bech32::primitives::decode::{CheckedHrpstring, CheckedHrpstringError, ChecksumError};
use bech32::primitives::iter::{ByteIterExt, Fe32IterExt};
use bech32::{Bech32m, Hrp};
use hpke::aead::{AeadTag, ChaCha20Poly1305};
use hpke::inout::InOutBuf;
use hpke::kdf::HkdfSha256;
use hpke::kem::{X25519HkdfSha256, XWing};
use hpke::rand_core::{CryptoRng, TryCryptoRng, TryRng};
use hpke::{Deserializable, Kem, OpModeR, OpModeS, Serializable};
use zeroize::Zeroizing;

use crate::error::{Error, Result, Tally, TextProblem};
use crate::format::{
    Cipher, Header, RECIPIENT_KIND_MLKEM768_X25519, RECIPIENT_KIND_X25519, SALT_LEN, Stanza,
};
use crate::kdf::{self, StreamKeys};
use crate::keys::{KEY_LEN, Key, fill_random};

/// HPKE `info` of every stanza.
const HPKE_INFO: &[u8] = b"seal v1 file key";
/// HPKE associated data of every stanza.
const HPKE_AAD: &[u8] = b"";
/// Length of an identity's secret bytes, for both kinds.
pub(crate) const IDENTITY_LEN: usize = 32;
/// What every identity text starts with.
pub(crate) const IDENTITY_PREFIX: &str = "SEAL-IDENTITY-";
/// How much of an identity file is read at most; anything longer is not an identity.
const MAX_IDENTITY_FILE_LEN: usize = 256;

type Aead = ChaCha20Poly1305;
type Kdf = HkdfSha256;

/// Bech32m (BIP 350) as `bech32` implements it, allowed beyond its 1023-character code length
/// for the long post-quantum recipients (see the module documentation for what that costs).
/// Every constant is Bech32m's own.
enum Bech32mLong {}

impl Checksum for Bech32mLong {
    type MidstateRepr = <Bech32m as Checksum>::MidstateRepr;
    type CorrectionField = <Bech32m as Checksum>::CorrectionField;
    const ROOT_GENERATOR: Self::CorrectionField = Bech32m::ROOT_GENERATOR;
    const ROOT_EXPONENTS: core::ops::RangeInclusive<usize> = Bech32m::ROOT_EXPONENTS;
    const CODE_LENGTH: usize = 4096;
    const CHECKSUM_LENGTH: usize = Bech32m::CHECKSUM_LENGTH;
    const GENERATOR_SH: [u32; 5] = Bech32m::GENERATOR_SH;
    const TARGET_RESIDUE: u32 = Bech32m::TARGET_RESIDUE;
}

/// The kind of a recipient or identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecipientKind {
    /// ML-KEM-768 + X25519 (X-Wing), post-quantum hybrid: the default.
    MlKem768X25519,
    /// X25519, classical.
    X25519,
}

impl RecipientKind {
    /// Both kinds, the default first.
    pub const ALL: [RecipientKind; 2] = [RecipientKind::MlKem768X25519, RecipientKind::X25519];

    /// Its short name, for display and machine-readable reports.
    pub fn name(self) -> &'static str {
        match self {
            RecipientKind::MlKem768X25519 => "mlkem768x25519",
            RecipientKind::X25519 => "x25519",
        }
    }

    /// The recipient kind byte of its stanzas.
    pub fn stanza_kind(self) -> u8 {
        match self {
            RecipientKind::MlKem768X25519 => RECIPIENT_KIND_MLKEM768_X25519,
            RecipientKind::X25519 => RECIPIENT_KIND_X25519,
        }
    }

    /// The kind a stanza's kind byte names, if this build knows it.
    pub fn from_stanza_kind(byte: u8) -> Option<Self> {
        RecipientKind::ALL
            .into_iter()
            .find(|k| k.stanza_kind() == byte)
    }

    fn identity_hrp(self) -> &'static str {
        match self {
            RecipientKind::MlKem768X25519 => "SEAL-IDENTITY-PQ-",
            RecipientKind::X25519 => "SEAL-IDENTITY-X25519-",
        }
    }

    fn recipient_hrp(self) -> &'static str {
        match self {
            RecipientKind::MlKem768X25519 => "sealpq",
            RecipientKind::X25519 => "sealx",
        }
    }
}

/// `hrp`, the separator `1`, the data and the checksum, in lower case.
fn bech32_text(hrp: &str, data: &[u8]) -> Zeroizing<String> {
    let hrp = Hrp::parse_unchecked(hrp);
    let mut text = Zeroizing::new(String::new());
    text.extend(
        data.iter()
            .copied()
            .bytes_to_fes()
            .with_checksum::<Bech32mLong>(&hrp)
            .chars(),
    );
    text
}

/// The human-readable part and data of a Bech32m text; the text must be canonical (the
/// encoding of the bytes it decodes to, in one case).
fn bech32_parse(text: &str) -> std::result::Result<(Hrp, Zeroizing<Vec<u8>>), TextProblem> {
    let checked = CheckedHrpstring::new::<Bech32mLong>(text).map_err(|e| match e {
        CheckedHrpstringError::Checksum(ChecksumError::CodeLength(_)) => TextProblem::WrongLength,
        // A wrong residue, or a length no checksummed text has: both mean damage.
        CheckedHrpstringError::Checksum(_) => TextProblem::BadChecksum,
        _ => TextProblem::BadCharacter,
    })?;
    let hrp = checked.hrp();
    let data = Zeroizing::new(checked.byte_iter().collect::<Vec<u8>>());
    if !bech32_text(hrp.as_str(), &data).eq_ignore_ascii_case(text) {
        // Non-zero padding bits: not the text any encoder writes.
        return Err(TextProblem::BadCharacter);
    }
    Ok((hrp, data))
}

/// The kind whose human-readable part (upper or lower case) `hrp` is.
fn kind_of(hrp: &Hrp, name: fn(RecipientKind) -> &'static str) -> Option<RecipientKind> {
    RecipientKind::ALL
        .into_iter()
        .find(|&k| hrp.as_str().eq_ignore_ascii_case(name(k)))
}

/// A public key to encrypt to.
#[derive(Clone, PartialEq, Eq)]
pub struct Recipient(PublicKey);

#[derive(Clone, PartialEq, Eq)]
enum PublicKey {
    MlKem768X25519(Box<<XWing as Kem>::PublicKey>),
    X25519(<X25519HkdfSha256 as Kem>::PublicKey),
}

impl std::fmt::Debug for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Recipient({})", self.to_text().as_str())
    }
}

impl std::fmt::Display for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl std::str::FromStr for Recipient {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self> {
        Recipient::from_text(text)
    }
}

impl Recipient {
    /// Its kind.
    pub fn kind(&self) -> RecipientKind {
        match self.0 {
            PublicKey::MlKem768X25519(_) => RecipientKind::MlKem768X25519,
            PublicKey::X25519(_) => RecipientKind::X25519,
        }
    }

    /// The public key bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        match &self.0 {
            PublicKey::MlKem768X25519(pk) => pk.to_bytes().to_vec(),
            PublicKey::X25519(pk) => pk.to_bytes().to_vec(),
        }
    }

    /// The text form (`sealpq1…` or `sealx1…`), without a line ending.
    pub fn to_text(&self) -> String {
        bech32_text(self.kind().recipient_hrp(), &self.to_bytes()).to_string()
    }

    /// Parses a recipient text, exactly (no surrounding whitespace). Upper case is accepted
    /// as Bech32 allows, mixed case is not.
    pub fn from_text(text: &str) -> Result<Self> {
        let problem = Error::Recipient;
        let lower = text.to_ascii_lowercase();
        let known = RecipientKind::ALL
            .into_iter()
            .any(|k| lower.starts_with(&format!("{}1", k.recipient_hrp())));
        if !known {
            return Err(problem(TextProblem::NotRecognised));
        }
        let (hrp, data) = bech32_parse(text).map_err(problem)?;
        let kind = kind_of(&hrp, RecipientKind::recipient_hrp)
            .ok_or(problem(TextProblem::NotRecognised))?;
        let key = match kind {
            RecipientKind::MlKem768X25519 => {
                public_key::<XWing>(&data).map(|pk| PublicKey::MlKem768X25519(Box::new(pk)))
            }
            RecipientKind::X25519 => public_key::<X25519HkdfSha256>(&data).map(PublicKey::X25519),
        };
        key.map(Recipient).map_err(problem)
    }

    /// The stanza that wraps `file_key` for this recipient.
    fn wrap(&self, file_key: &Key, rng: &mut impl CryptoRng) -> Result<Stanza> {
        let body = match &self.0 {
            PublicKey::MlKem768X25519(pk) => wrap::<XWing>(pk, file_key, rng),
            PublicKey::X25519(pk) => wrap::<X25519HkdfSha256>(pk, file_key, rng),
        }
        // X25519 encapsulation fails for a low-order public key, which parses.
        .ok_or(Error::Recipient(TextProblem::InvalidKey))?;
        Ok(Stanza::new(self.kind().stanza_kind(), body))
    }
}

fn public_key<K: Kem>(bytes: &[u8]) -> std::result::Result<K::PublicKey, TextProblem> {
    if bytes.len() != <K::PublicKey as Serializable>::size() {
        return Err(TextProblem::WrongLength);
    }
    K::PublicKey::from_bytes(bytes).map_err(|_| TextProblem::InvalidKey)
}

/// HPKE-seals `file_key` to `pk`: the stanza body `enc || ciphertext || tag`.
fn wrap<K: Kem>(pk: &K::PublicKey, file_key: &Key, rng: &mut impl CryptoRng) -> Option<Vec<u8>> {
    let mut wrapped = Zeroizing::new(*file_key.as_bytes());
    let (enc, tag) = hpke::single_shot_seal_inout_detached_with_rng::<Aead, Kdf, K>(
        &OpModeS::Base,
        pk,
        HPKE_INFO,
        InOutBuf::from(&mut wrapped[..]),
        HPKE_AAD,
        rng,
    )
    .ok()?;
    let mut body = enc.to_bytes().to_vec();
    body.extend_from_slice(wrapped.as_ref());
    body.extend_from_slice(&tag.to_bytes());
    Some(body)
}

/// Opens a stanza body with `sk`: the file key, or `None` if the stanza is not for `sk` (or
/// was altered).
fn unwrap<K: Kem>(sk: &K::PrivateKey, body: &[u8]) -> Option<Key> {
    let enc_len = <K::EncappedKey as Serializable>::size();
    let (enc, rest) = body.split_at_checked(enc_len)?;
    let (wrapped, tag) = rest.split_at_checked(KEY_LEN)?;
    let enc = K::EncappedKey::from_bytes(enc).ok()?;
    let tag = AeadTag::<Aead>::from_bytes(tag).ok()?;
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    key.copy_from_slice(wrapped);
    hpke::single_shot_open_inout_detached::<Aead, Kdf, K>(
        &OpModeR::Base,
        sk,
        &enc,
        HPKE_INFO,
        InOutBuf::from(&mut key[..]),
        HPKE_AAD,
        &tag,
    )
    .ok()?;
    Some(Key::from_zeroizing(key))
}

/// A secret key that opens the stanzas of its recipient. Zeroized on drop.
pub struct Identity {
    kind: RecipientKind,
    secret: Zeroizing<[u8; IDENTITY_LEN]>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Identity({}, <secret>)", self.kind.name())
    }
}

impl Identity {
    /// What an identity's text starts with.
    pub const TEXT_PREFIX: &'static str = IDENTITY_PREFIX;

    /// A fresh identity of `kind` from the operating system's CSPRNG. (For X-Wing this is
    /// its key generation: the secret key is 32 random bytes.)
    pub fn generate(kind: RecipientKind) -> Result<Self> {
        let mut secret = Zeroizing::new([0u8; IDENTITY_LEN]);
        fill_random(secret.as_mut())?;
        Ok(Identity { kind, secret })
    }

    /// The identity of `kind` with these secret bytes (for tests and known-answer vectors).
    pub fn from_bytes(kind: RecipientKind, bytes: [u8; IDENTITY_LEN]) -> Self {
        Identity {
            kind,
            secret: Zeroizing::new(bytes),
        }
    }

    /// Its kind.
    pub fn kind(&self) -> RecipientKind {
        self.kind
    }

    /// The secret bytes.
    pub fn as_bytes(&self) -> &[u8; IDENTITY_LEN] {
        &self.secret
    }

    /// The recipient whose stanzas this identity opens.
    pub fn recipient(&self) -> Recipient {
        Recipient(match self.kind {
            RecipientKind::MlKem768X25519 => {
                PublicKey::MlKem768X25519(Box::new(XWing::sk_to_pk(&self.private_key::<XWing>())))
            }
            RecipientKind::X25519 => PublicKey::X25519(X25519HkdfSha256::sk_to_pk(
                &self.private_key::<X25519HkdfSha256>(),
            )),
        })
    }

    /// The HPKE private key. Both kinds' private keys are 32 bytes, which is all
    /// `from_bytes` checks, so this cannot fail.
    fn private_key<K: Kem>(&self) -> K::PrivateKey {
        match K::PrivateKey::from_bytes(self.secret.as_ref()) {
            Ok(sk) => sk,
            Err(_) => unreachable!("HPKE private keys of both kinds are 32 bytes"),
        }
    }

    /// The text form, with a trailing newline.
    pub fn to_text(&self) -> Zeroizing<String> {
        let mut text = bech32_text(self.kind.identity_hrp(), self.secret.as_ref());
        text.make_ascii_uppercase();
        text.push('\n');
        text
    }

    /// Parses an identity text: one line, optionally followed by spaces, tabs and line endings
    /// (as a key file may be).
    pub fn from_text(text: &[u8]) -> Result<Self> {
        let problem = Error::Identity;
        let Some(rest) = text.strip_prefix(IDENTITY_PREFIX.as_bytes()) else {
            return Err(problem(TextProblem::NotRecognised));
        };
        // The same trailing space a key file may have: spaces, tabs and line endings.
        let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
        let end = rest.iter().position(space).unwrap_or(rest.len());
        if !rest[end..].iter().all(space) {
            return Err(problem(TextProblem::ExtraText));
        }
        let line = &text[..IDENTITY_PREFIX.len() + end];
        let line = std::str::from_utf8(line).map_err(|_| problem(TextProblem::BadCharacter))?;
        let known = RecipientKind::ALL
            .into_iter()
            .any(|k| line.starts_with(&format!("{}1", k.identity_hrp())));
        if !known {
            return Err(problem(TextProblem::NotRecognised));
        }
        let (hrp, data) = bech32_parse(line).map_err(problem)?;
        let kind = kind_of(&hrp, RecipientKind::identity_hrp)
            .ok_or(problem(TextProblem::NotRecognised))?;
        let secret: [u8; IDENTITY_LEN] = data
            .as_slice()
            .try_into()
            .map_err(|_| problem(TextProblem::WrongLength))?;
        let identity = Identity::from_bytes(kind, secret);
        let mut secret = secret;
        zeroize::Zeroize::zeroize(&mut secret);
        Ok(identity)
    }

    /// Reads an identity text from a reader, reading no more than an identity file can hold.
    pub fn from_reader(mut reader: impl Read) -> Result<Self> {
        let mut buf = Zeroizing::new(Vec::with_capacity(MAX_IDENTITY_FILE_LEN + 1));
        reader
            .by_ref()
            .take(MAX_IDENTITY_FILE_LEN as u64 + 1)
            .read_to_end(&mut buf)
            .map_err(Error::Read)?;
        if buf.len() > MAX_IDENTITY_FILE_LEN {
            return Err(Error::Identity(
                if buf.starts_with(IDENTITY_PREFIX.as_bytes()) {
                    TextProblem::ExtraText
                } else {
                    TextProblem::NotRecognised
                },
            ));
        }
        Identity::from_text(&buf)
    }

    /// The file key in `stanza` if this identity opens it (a stanza of another kind never
    /// opens).
    fn unwrap_stanza(&self, stanza: &Stanza) -> Option<Key> {
        if stanza.kind() != self.kind.stanza_kind() {
            return None;
        }
        match self.kind {
            RecipientKind::MlKem768X25519 => {
                unwrap::<XWing>(&self.private_key::<XWing>(), stanza.body())
            }
            RecipientKind::X25519 => {
                unwrap::<X25519HkdfSha256>(&self.private_key::<X25519HkdfSha256>(), stanza.body())
            }
        }
    }
}

/// The stream keys of the recipient stream that `header` begins, for `identities`: each
/// stanza is tried with every identity of its kind, and the first file key whose key
/// commitment then matches (checked in constant time) gives the keys. None opening is
/// [`Error::NoIdentityMatches`], with how many identities and stanzas of which kinds were
/// tried; one opening whose commitment does not match is [`Error::HeaderModified`].
pub(crate) fn open_stream_keys(identities: &[Identity], header: &Header) -> Result<StreamKeys> {
    let mut opened = false;
    for stanza in header.stanzas() {
        for identity in identities {
            if let Some(file_key) = identity.unwrap_stanza(stanza) {
                opened = true;
                if let Ok(keys) = kdf::derive_checked(&file_key, header) {
                    return Ok(keys);
                }
            }
        }
    }
    if opened {
        return Err(Error::HeaderModified);
    }
    let mut tried = Tally::default();
    for identity in identities {
        tried.add(identity.kind.stanza_kind(), Some(identity.kind.name()));
    }
    let mut stanzas = Tally::default();
    for stanza in header.stanzas() {
        let name = RecipientKind::from_stanza_kind(stanza.kind()).map(RecipientKind::name);
        stanzas.add(stanza.kind(), name);
    }
    Err(Error::NoIdentityMatches {
        recipients: header.stanzas().len(),
        tried,
        stanzas,
    })
}

/// A new recipient header wrapping `file_key` for each of `recipients`, in order, with the
/// randomness of `rng`, and its stream keys (the header's commitment is filled in).
pub(crate) fn seal_header(
    recipients: &[Recipient],
    cipher: Cipher,
    chunk_size: u32,
    salt: [u8; SALT_LEN],
    file_key: &Key,
    rng: &mut impl CryptoRng,
) -> Result<(Header, StreamKeys)> {
    let stanzas = recipients
        .iter()
        .map(|r| r.wrap(file_key, rng))
        .collect::<Result<Vec<_>>>()?;
    let mut header = Header::with_stanzas(cipher, chunk_size, salt, stanzas)?;
    let keys = kdf::derive(file_key, &header);
    header.set_commitment(keys.commitment);
    Ok((header, keys))
}

/// The operating system's CSPRNG in the infallible form HPKE asks for. A failure is not
/// hidden: it is remembered (the bytes handed out are then zeros) and [`OsRandom::check`]
/// reports it, after which the caller throws away everything made with those bytes.
pub(crate) struct OsRandom {
    failed: Option<Error>,
}

impl OsRandom {
    pub(crate) fn new() -> Self {
        OsRandom { failed: None }
    }

    /// `Err` if the operating system failed to give any of the bytes handed out.
    pub(crate) fn check(self) -> Result<()> {
        match self.failed {
            None => Ok(()),
            Some(e) => Err(e),
        }
    }
}

impl TryRng for OsRandom {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> std::result::Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> std::result::Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> std::result::Result<(), Infallible> {
        if let Err(e) = fill_random(dst) {
            dst.fill(0);
            self.failed.get_or_insert(e);
        }
        Ok(())
    }
}

impl TryCryptoRng for OsRandom {}

/// Fixed bytes handed out as HPKE's randomness, for known-answer vectors only (behind the
/// `test-vectors` feature). Running out is reported by [`FixedRandom::check`] like a failing
/// operating system generator.
#[cfg(feature = "test-vectors")]
pub(crate) struct FixedRandom<'a> {
    bytes: &'a [u8],
    short: bool,
}

#[cfg(feature = "test-vectors")]
impl<'a> FixedRandom<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        FixedRandom {
            bytes,
            short: false,
        }
    }

    /// `Err` if more bytes were asked for than given, or fewer used.
    pub(crate) fn check(self) -> Result<()> {
        if self.short || !self.bytes.is_empty() {
            return Err(Error::Random(Box::new(std::io::Error::other(
                "the fixed HPKE randomness does not match the recipients",
            ))));
        }
        Ok(())
    }
}

#[cfg(feature = "test-vectors")]
impl TryRng for FixedRandom<'_> {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> std::result::Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> std::result::Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> std::result::Result<(), Infallible> {
        match self.bytes.split_at_checked(dst.len()) {
            Some((now, rest)) => {
                dst.copy_from_slice(now);
                self.bytes = rest;
            }
            None => {
                dst.fill(0);
                self.short = true;
            }
        }
        Ok(())
    }
}

#[cfg(feature = "test-vectors")]
impl TryCryptoRng for FixedRandom<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::stanza_body_len;

    fn body_len(kind: RecipientKind) -> Option<usize> {
        stanza_body_len(kind.stanza_kind())
    }

    #[test]
    fn checksum_constants_are_bech32m() {
        Bech32mLong::sanity_check();
        // Short texts are plain Bech32m: the crate's own encoder agrees.
        let hrp = Hrp::parse("sealx").unwrap();
        let data = [0x5a; 32];
        assert_eq!(
            bech32_text("sealx", &data).as_str(),
            bech32::encode::<Bech32m>(hrp, &data).unwrap()
        );
    }

    #[test]
    fn stanza_lengths_are_hpke_sizes() {
        let xwing = <<XWing as Kem>::EncappedKey as Serializable>::size();
        let x25519 = <<X25519HkdfSha256 as Kem>::EncappedKey as Serializable>::size();
        assert_eq!((xwing, x25519), (1120, 32));
        assert_eq!(body_len(RecipientKind::MlKem768X25519), Some(xwing + 48));
        assert_eq!(body_len(RecipientKind::X25519), Some(x25519 + 48));
        for kind in RecipientKind::ALL {
            let identity = Identity::generate(kind).unwrap();
            let stanza = identity
                .recipient()
                .wrap(&Key::generate().unwrap(), &mut OsRandom::new())
                .unwrap();
            assert_eq!(Some(stanza.body().len()), body_len(kind));
        }
    }

    #[test]
    fn texts_round_trip_and_have_their_prefixes() {
        for (kind, id_prefix, r_prefix, r_len) in [
            (
                RecipientKind::MlKem768X25519,
                "SEAL-IDENTITY-PQ-1",
                "sealpq1",
                1959,
            ),
            (
                RecipientKind::X25519,
                "SEAL-IDENTITY-X25519-1",
                "sealx1",
                64,
            ),
        ] {
            let identity = Identity::generate(kind).unwrap();
            let text = identity.to_text();
            assert!(text.starts_with(id_prefix), "{}", text.as_str());
            assert!(text.ends_with('\n'));
            let back = Identity::from_text(text.as_bytes()).unwrap();
            assert_eq!(back.as_bytes(), identity.as_bytes());
            assert_eq!(back.kind(), kind);
            let recipient = identity.recipient();
            let r = recipient.to_text();
            assert!(r.starts_with(r_prefix));
            assert_eq!(r.len(), r_len);
            assert_eq!(Recipient::from_text(&r).unwrap(), recipient);
            assert_eq!(Recipient::from_text(&r.to_uppercase()).unwrap(), recipient);
        }
    }

    fn identity_problem(text: &[u8]) -> TextProblem {
        match Identity::from_text(text) {
            Err(Error::Identity(p)) => p,
            other => panic!("expected an identity problem, got {other:?}"),
        }
    }

    fn recipient_problem(text: &str) -> TextProblem {
        match Recipient::from_text(text) {
            Err(Error::Recipient(p)) => p,
            other => panic!("expected a recipient problem, got {other:?}"),
        }
    }

    #[test]
    fn damaged_texts_are_refused() {
        let identity = Identity::from_bytes(RecipientKind::X25519, [7; 32]);
        let text = identity.to_text();
        let line = text.trim_end();
        assert!(Identity::from_text(format!("{line}\r\n\n  \n").as_bytes()).is_ok());
        assert!(Identity::from_text(line.as_bytes()).is_ok());
        // Only spaces, tabs and line endings may follow, as after a key.
        assert_eq!(
            identity_problem(format!("{line}\x0c").as_bytes()),
            TextProblem::BadCharacter
        );
        assert_eq!(
            identity_problem(format!("{line} \x0c").as_bytes()),
            TextProblem::ExtraText
        );
        assert_eq!(identity_problem(b""), TextProblem::NotRecognised);
        assert_eq!(
            identity_problem(b"SEAL-KEY-1-00"),
            TextProblem::NotRecognised
        );
        assert_eq!(
            identity_problem(b"SEAL-IDENTITY-FOO-1QQQQ"),
            TextProblem::NotRecognised
        );
        assert_eq!(
            identity_problem(format!("{line}\nmore").as_bytes()),
            TextProblem::ExtraText
        );
        // Truncated by one character, or one character changed: the checksum catches it.
        assert_eq!(
            identity_problem(&line.as_bytes()[..line.len() - 1]),
            TextProblem::BadChecksum
        );
        let mut typo = line.as_bytes().to_vec();
        let at = line.len() - 20;
        typo[at] = if typo[at] == b'Q' { b'P' } else { b'Q' };
        assert_eq!(identity_problem(&typo), TextProblem::BadChecksum);
        let mut mixed = line.as_bytes().to_vec();
        mixed[at] = mixed[at].to_ascii_lowercase();
        if mixed[at] != line.as_bytes()[at] {
            assert_eq!(identity_problem(&mixed), TextProblem::BadCharacter);
        }
        // A valid Bech32m text of the wrong length for an identity.
        let mut short = bech32_text("SEAL-IDENTITY-X25519-", &[7; 31]);
        short.make_ascii_uppercase();
        assert_eq!(identity_problem(short.as_bytes()), TextProblem::WrongLength);

        for kind in RecipientKind::ALL {
            let r = Identity::generate(kind).unwrap().recipient().to_text();
            assert_eq!(
                recipient_problem(&r[..r.len() - 1]),
                TextProblem::BadChecksum
            );
            assert_eq!(
                recipient_problem(&r[..r.len() / 2]),
                TextProblem::BadChecksum
            );
            let mut chars: Vec<char> = r.chars().collect();
            let at = chars.len() / 3;
            chars[at] = if chars[at] == 'q' { 'p' } else { 'q' };
            let typo: String = chars.iter().collect();
            assert_eq!(recipient_problem(&typo), TextProblem::BadChecksum);
            let swapped = {
                let mut c: Vec<char> = r.chars().collect();
                let i = (c.len() / 2..c.len()).find(|&i| c[i] != c[i + 1]).unwrap();
                c.swap(i, i + 1);
                c.into_iter().collect::<String>()
            };
            assert_eq!(recipient_problem(&swapped), TextProblem::BadChecksum);
            assert_eq!(
                recipient_problem(&format!(" {r}")),
                TextProblem::NotRecognised
            );
            assert_eq!(
                recipient_problem(&format!("{r}x")),
                TextProblem::BadChecksum
            );
            assert_eq!(
                recipient_problem(&format!("{r}b")),
                TextProblem::BadCharacter
            );
        }
        assert_eq!(recipient_problem("age1qqqq"), TextProblem::NotRecognised);
        assert_eq!(
            recipient_problem(&bech32_text("sealx", &[9; 33])),
            TextProblem::WrongLength
        );
    }

    #[test]
    fn wrap_and_open() {
        let alice = Identity::generate(RecipientKind::MlKem768X25519).unwrap();
        let bob = Identity::generate(RecipientKind::X25519).unwrap();
        let carol = Identity::generate(RecipientKind::X25519).unwrap();
        let file_key = Key::generate().unwrap();
        let mut rng = OsRandom::new();
        let (header, keys) = seal_header(
            &[alice.recipient(), bob.recipient()],
            Cipher::Aes256Gcm,
            64,
            [3; 32],
            &file_key,
            &mut rng,
        )
        .unwrap();
        rng.check().unwrap();
        assert_eq!(header.stanzas().len(), 2);
        for id in [&alice, &bob] {
            let opened = open_stream_keys(std::slice::from_ref(id), &header).unwrap();
            assert_eq!(*opened.frame_key, *keys.frame_key);
        }
        assert!(matches!(
            open_stream_keys(std::slice::from_ref(&carol), &header),
            Err(Error::NoIdentityMatches { recipients: 2, .. })
        ));
        // Another stream's header with bob's stanza: it opens, the commitment does not.
        let parsed = Header::parse(&header.to_bytes()).unwrap();
        assert_eq!(parsed, header);
        let mut bytes = header.to_bytes();
        bytes[20] ^= 1; // in the salt
        let altered = Header::parse(&bytes).unwrap();
        assert!(matches!(
            open_stream_keys(std::slice::from_ref(&bob), &altered),
            Err(Error::HeaderModified)
        ));
    }

    #[test]
    fn unknown_stanza_kinds_are_skipped_and_bound() {
        let bob = Identity::generate(RecipientKind::X25519).unwrap();
        let file_key = Key::generate().unwrap();
        let stanzas = vec![
            Stanza::new(0x7f, vec![1, 2, 3]),
            bob.recipient()
                .wrap(&file_key, &mut OsRandom::new())
                .unwrap(),
            Stanza::new(0xff, Vec::new()),
        ];
        let mut header = Header::with_stanzas(Cipher::Aes256Gcm, 64, [1; 32], stanzas).unwrap();
        let keys = kdf::derive(&file_key, &header);
        header.set_commitment(keys.commitment);
        let parsed = Header::parse(&header.to_bytes()).unwrap();
        assert_eq!(parsed.stanzas().len(), 3);
        assert_eq!(
            *open_stream_keys(std::slice::from_ref(&bob), &parsed)
                .unwrap()
                .frame_key,
            *keys.frame_key
        );
        let other = Identity::generate(RecipientKind::MlKem768X25519).unwrap();
        assert!(matches!(
            open_stream_keys(std::slice::from_ref(&other), &parsed),
            Err(Error::NoIdentityMatches { recipients: 3, .. })
        ));
    }
}
