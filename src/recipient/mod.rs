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

//!
//! | file | what it holds |
//! |---|---|
//! | `mod.rs` | the public [`Identity`], [`Recipient`] and [`RecipientKind`]; opening a header's stanzas with many identities |
//! | `hpke.rs` | HPKE wrapping of the file key into a stanza body and opening it; HPKE's randomness |
//! | `seal.rs` | seal's own text forms (Bech32m) |
//! | `age.rs` | age's native keys (Bech32), read as seal's kinds `01` and `02` |
//! | `ssh.rs` | OpenSSH Ed25519 keys: the public-key line, the private key file, kind `03` |
//! | `identity_file.rs` | identity files: comments, several identities, OpenSSH private keys |
//! | `trial.rs` | opening a header's stanzas with many identities, its work bounded |
//!
//! A third kind, SSH Ed25519 (stanza kind `03`, see `ssh.rs`), is classical like X25519.
//! Encrypting to post-quantum and classical recipients together is refused unless asked for
//! ([`check_mix`]): a stream is only as strong as its weakest stanza.

mod age;
mod hpke;
mod identity_file;
mod seal;
mod ssh;
mod trial;

use ::hpke::kem::{X25519HkdfSha256, XWing};
use ::hpke::rand_core::CryptoRng;
use ::hpke::{Deserializable, Kem, Serializable};
use hpke::SEAL_INFO;
use zeroize::Zeroizing;

use crate::error::{Error, Result, TextProblem};
use crate::format::{
    RECIPIENT_KIND_MLKEM768_X25519, RECIPIENT_KIND_SSH_ED25519, RECIPIENT_KIND_X25519, Stanza,
};
use crate::keys::{Key, fill_random};
#[cfg(feature = "test-vectors")]
pub(crate) use hpke::FixedRandom;
pub(crate) use hpke::OsRandom;
pub use identity_file::{EncryptedSshKey, IdentityText};
pub(crate) use seal::IDENTITY_PREFIX;
pub(crate) use seal::{bech32_parse, bech32_text};
use ssh::{SshIdentity, SshPublic};
pub(crate) use trial::open_stream_keys;

/// Most identities one decryption takes, from every file and line together.
pub const MAX_IDENTITIES: usize = crate::limits::MAX_IDENTITIES;
/// Most trial work spent opening one header (see [`Error::TooMuchTrialWork`]).
pub const MAX_TRIAL_WORK: u64 = crate::limits::MAX_TRIAL_WORK;
/// Most bcrypt-pbkdf rounds of a passphrase-protected OpenSSH key.
pub const MAX_SSH_BCRYPT_ROUNDS: u32 = crate::limits::MAX_SSH_BCRYPT_ROUNDS;

/// Length of an identity's secret bytes, for both kinds.
pub(crate) const IDENTITY_LEN: usize = 32;

/// The kind of a recipient or identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecipientKind {
    /// ML-KEM-768 + X25519 (X-Wing), post-quantum hybrid: the default.
    MlKem768X25519,
    /// X25519, classical.
    X25519,
    /// An OpenSSH Ed25519 key, through its X25519 image: classical.
    SshEd25519,
}

impl RecipientKind {
    /// Every kind, the default first.
    pub const ALL: [RecipientKind; 3] = [
        RecipientKind::MlKem768X25519,
        RecipientKind::X25519,
        RecipientKind::SshEd25519,
    ];

    /// Whether its stanzas resist a quantum attacker (only X-Wing's do).
    pub fn is_post_quantum(self) -> bool {
        self == RecipientKind::MlKem768X25519
    }

    /// The relative cost of one attempt to open a stanza of this kind (see
    /// [`MAX_TRIAL_WORK`]): an X-Wing decapsulation expands its key each time, about four
    /// X25519 operations.
    pub(crate) fn trial_cost(self) -> u64 {
        match self {
            RecipientKind::MlKem768X25519 => 4,
            RecipientKind::X25519 | RecipientKind::SshEd25519 => 1,
        }
    }

    /// Its short name, for display and machine-readable reports.
    pub fn name(self) -> &'static str {
        match self {
            RecipientKind::MlKem768X25519 => "mlkem768x25519",
            RecipientKind::X25519 => "x25519",
            RecipientKind::SshEd25519 => "ssh-ed25519",
        }
    }

    /// The recipient kind byte of its stanzas.
    pub fn stanza_kind(self) -> u8 {
        match self {
            RecipientKind::MlKem768X25519 => RECIPIENT_KIND_MLKEM768_X25519,
            RecipientKind::X25519 => RECIPIENT_KIND_X25519,
            RecipientKind::SshEd25519 => RECIPIENT_KIND_SSH_ED25519,
        }
    }

    /// The kind a stanza's kind byte names, if this build knows it.
    pub fn from_stanza_kind(byte: u8) -> Option<Self> {
        RecipientKind::ALL
            .into_iter()
            .find(|k| k.stanza_kind() == byte)
    }
}

/// A public key to encrypt to.
#[derive(Clone, PartialEq, Eq)]
pub struct Recipient(PublicKey);

#[derive(Clone, PartialEq, Eq)]
enum PublicKey {
    MlKem768X25519(Box<<XWing as Kem>::PublicKey>),
    X25519(<X25519HkdfSha256 as Kem>::PublicKey),
    SshEd25519(Box<SshPublic>),
}

impl std::fmt::Debug for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Recipient({})", self.to_text().as_str())
    }
}

impl Recipient {
    /// Its kind.
    pub fn kind(&self) -> RecipientKind {
        match self.0 {
            PublicKey::MlKem768X25519(_) => RecipientKind::MlKem768X25519,
            PublicKey::X25519(_) => RecipientKind::X25519,
            PublicKey::SshEd25519(_) => RecipientKind::SshEd25519,
        }
    }

    /// The public key bytes (an SSH key's: its 32-byte Ed25519 key).
    pub fn to_bytes(&self) -> Vec<u8> {
        match &self.0 {
            PublicKey::MlKem768X25519(pk) => pk.to_bytes().to_vec(),
            PublicKey::X25519(pk) => pk.to_bytes().to_vec(),
            PublicKey::SshEd25519(pk) => pk.a.to_vec(),
        }
    }

    /// The stanza that wraps `file_key` for this recipient.
    fn wrap(&self, file_key: &Key, rng: &mut impl CryptoRng) -> Result<Stanza> {
        let body = match &self.0 {
            PublicKey::MlKem768X25519(pk) => hpke::wrap::<XWing>(pk, SEAL_INFO, file_key, rng),
            PublicKey::X25519(pk) => hpke::wrap::<X25519HkdfSha256>(pk, SEAL_INFO, file_key, rng),
            PublicKey::SshEd25519(pk) => {
                hpke::wrap::<X25519HkdfSha256>(&pk.u, &pk.info, file_key, rng)
            }
        }
        // X25519 encapsulation fails for a low-order public key, which parses.
        .ok_or(Error::Recipient(TextProblem::InvalidKey))?;
        Ok(Stanza::new(self.kind().stanza_kind(), body))
    }
}

/// A secret key that opens the stanzas of its recipient. Zeroized on drop.
pub struct Identity(IdentityKey);

/// The key families an identity holds: seal's own (and age's, which are the same keys), or an
/// OpenSSH Ed25519 key's X25519 image.
enum IdentityKey {
    Seal(SealIdentity),
    Ssh(Box<SshIdentity>),
}

/// seal's own identity: the X-Wing seed or the X25519 scalar.
pub(super) struct SealIdentity {
    kind: RecipientKind,
    /// Zeroized on drop.
    secret: Zeroizing<[u8; IDENTITY_LEN]>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Identity({}, <secret>)", self.kind().name())
    }
}

impl Identity {
    /// What an identity's text starts with.
    pub const TEXT_PREFIX: &'static str = IDENTITY_PREFIX;

    /// A fresh identity of `kind` from the operating system's CSPRNG. (For X-Wing this is
    /// its key generation: the secret key is 32 random bytes; for SSH Ed25519, a random
    /// Ed25519 seed.)
    pub fn generate(kind: RecipientKind) -> Result<Self> {
        let mut secret = Zeroizing::new([0u8; IDENTITY_LEN]);
        fill_random(secret.as_mut())?;
        Ok(Identity::from_secret(kind, secret))
    }

    /// The identity of `kind` with these secret bytes (for tests and known-answer vectors):
    /// the X-Wing seed, the X25519 scalar, or for SSH Ed25519 the Ed25519 seed (of which only
    /// the derived X25519 scalar is kept).
    pub fn from_bytes(kind: RecipientKind, bytes: [u8; IDENTITY_LEN]) -> Self {
        Identity::from_secret(kind, Zeroizing::new(bytes))
    }

    fn from_secret(kind: RecipientKind, secret: Zeroizing<[u8; IDENTITY_LEN]>) -> Self {
        if kind == RecipientKind::SshEd25519 {
            // A seed's own public key passes every check: an error cannot happen; the
            // all-zero scalar below is never reached.
            if let Ok(ssh) = SshIdentity::from_seed(&secret, None) {
                return Identity(IdentityKey::Ssh(Box::new(ssh)));
            }
        }
        Identity(IdentityKey::Seal(SealIdentity { kind, secret }))
    }

    /// Its kind.
    pub fn kind(&self) -> RecipientKind {
        match &self.0 {
            IdentityKey::Seal(key) => key.kind,
            IdentityKey::Ssh(_) => RecipientKind::SshEd25519,
        }
    }

    /// The secret bytes: the X-Wing seed or the X25519 scalar; for an SSH identity, the X25519
    /// scalar derived from its seed (itself an Ed25519 signing key: keep it as secret).
    pub fn as_bytes(&self) -> &[u8; IDENTITY_LEN] {
        match &self.0 {
            IdentityKey::Seal(key) => &key.secret,
            IdentityKey::Ssh(key) => &key.secret,
        }
    }

    /// The recipient whose stanzas this identity opens.
    pub fn recipient(&self) -> Recipient {
        Recipient(match &self.0 {
            IdentityKey::Seal(key) => match key.kind {
                RecipientKind::MlKem768X25519 => PublicKey::MlKem768X25519(Box::new(
                    XWing::sk_to_pk(&key.private_key::<XWing>()),
                )),
                // `from_secret` makes every SSH identity an `IdentityKey::Ssh`.
                RecipientKind::X25519 | RecipientKind::SshEd25519 => PublicKey::X25519(
                    X25519HkdfSha256::sk_to_pk(&key.private_key::<X25519HkdfSha256>()),
                ),
            },
            IdentityKey::Ssh(key) => PublicKey::SshEd25519(Box::new(key.public.clone())),
        })
    }
}

impl SealIdentity {
    /// The HPKE private key. Both kinds' private keys are 32 bytes, which is all
    /// `from_bytes` checks, so this cannot fail.
    fn private_key<K: Kem>(&self) -> K::PrivateKey {
        match K::PrivateKey::from_bytes(self.secret.as_ref()) {
            Ok(sk) => sk,
            Err(_) => unreachable!("HPKE private keys of both kinds are 32 bytes"),
        }
    }
}

/// Refuses post-quantum and classical recipients together ([`Error::MixedRecipients`]): one
/// classical stanza gives a quantum attacker the file key that the post-quantum ones protect.
pub(crate) fn check_mix(recipients: &[Recipient]) -> Result<()> {
    let post_quantum = recipients
        .iter()
        .filter(|r| r.kind().is_post_quantum())
        .count();
    let classical = recipients.len() - post_quantum;
    if post_quantum > 0 && classical > 0 {
        return Err(Error::MixedRecipients {
            post_quantum,
            classical,
        });
    }
    Ok(())
}

/// The stanzas wrapping `file_key` for each of `recipients`, in order, with the randomness of
/// `rng` (a recipient no stanza can be made for, such as a low-order X25519 point, is
/// [`Error::Recipient`]).
pub(crate) fn wrap_file_key(
    recipients: &[Recipient],
    file_key: &Key,
    rng: &mut impl CryptoRng,
) -> Result<Vec<Stanza>> {
    recipients.iter().map(|r| r.wrap(file_key, rng)).collect()
}

#[cfg(test)]
mod tests {
    use super::hpke::*;
    use super::seal::*;
    use super::*;
    use crate::format::{Cipher, SALT_LEN};
    use crate::format::{Header, stanza_body_len};
    use crate::kdf::{self, StreamKeys};
    use bech32::primitives::checksum::Checksum;
    use bech32::{Bech32m, Hrp};

    /// A new recipient header wrapping `file_key` for each of `recipients`, in order, with the
    /// randomness of `rng`, and its stream keys (the header's commitment is filled in).
    fn seal_header(
        recipients: &[Recipient],
        cipher: Cipher,
        chunk_size: u32,
        salt: [u8; SALT_LEN],
        file_key: &Key,
        rng: &mut impl CryptoRng,
    ) -> Result<(Header, StreamKeys)> {
        let stanzas = wrap_file_key(recipients, file_key, rng)?;
        let mut header = Header::with_stanzas(cipher, chunk_size, salt, stanzas)?;
        let keys = kdf::derive(file_key, &header);
        header.set_commitment(keys.commitment);
        Ok((header, keys))
    }

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

        // seal's own texts (an SSH line's damage is ssh.rs's test).
        for kind in [RecipientKind::MlKem768X25519, RecipientKind::X25519] {
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
        // age1… is age's (damaged here); anything else is no recipient at all.
        assert_eq!(recipient_problem("age1qqqq"), TextProblem::BadChecksum);
        assert_eq!(recipient_problem("rage1qqqq"), TextProblem::NotRecognised);
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
    fn a_sender_can_split_recipients_but_not_give_them_different_plaintexts() {
        // Alice's stanza wraps the stream's key, bob's another: alice opens the stream, bob
        // is told that his stanza's key is not the stream's. No key opens it for both, so
        // they can never read two different plaintexts of one stream.
        let alice = Identity::generate(RecipientKind::X25519).unwrap();
        let bob = Identity::generate(RecipientKind::X25519).unwrap();
        let (key, other) = (Key::generate().unwrap(), Key::generate().unwrap());
        let mut rng = OsRandom::new();
        let stanzas = vec![
            alice.recipient().wrap(&key, &mut rng).unwrap(),
            bob.recipient().wrap(&other, &mut rng).unwrap(),
        ];
        let mut header = Header::with_stanzas(Cipher::Aes256Gcm, 64, [1; 32], stanzas).unwrap();
        let keys = kdf::derive(&key, &header);
        header.set_commitment(keys.commitment);
        let opened = open_stream_keys(std::slice::from_ref(&alice), &header).unwrap();
        assert_eq!(*opened.frame_key, *keys.frame_key);
        assert!(matches!(
            open_stream_keys(std::slice::from_ref(&bob), &header),
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
