//! Signer keys: the secret (one 32-byte seed, from which each kind derives its halves with
//! HKDF-SHA-256), the public key, fingerprints, their Bech32m texts, and allowed-signer lists.

use std::io::Read;

use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::kind::{self, FixedRnd, MLDSA_PUBLIC_LEN, SignatureKind, SigningKeys};
use super::transcript::fingerprint;
use crate::aead::FrameAead;
use crate::error::{Error, Result, TextProblem};
use crate::format::{ARGON2_PARAMS_LEN, Argon2Params, Cipher, NONCE_LEN, SALT_LEN, TAG_LEN};
use crate::limits::{
    MAX_ALLOWED_SIGNERS, MAX_ALLOWED_SIGNERS_FILE_LEN, MAX_SIGNER_FILE_LEN, MAX_SIGNER_NAME_LEN,
};
use crate::passphrase::{Passphrase, stretch};
use crate::recipient::{bech32_parse, bech32_text};

/// HKDF `info` of the ML-DSA-65 seed of a hybrid signer.
const HYBRID_MLDSA_INFO: &[u8] = b"seal signer v1 ML-DSA-65 seed";
/// HKDF `info` of the Ed25519 secret of a hybrid signer.
const HYBRID_ED25519_INFO: &[u8] = b"seal signer v1 hybrid Ed25519 seed";
/// HKDF `info` of the Ed25519 secret of an Ed25519-only signer.
const ED25519_INFO: &[u8] = b"seal signer v1 Ed25519 seed";
/// Human-readable part of fingerprint texts.
const FINGERPRINT_HRP: &str = "sealsigfp";

/// Human-readable part of a plain secret text; it and [`protected_hrp`] start with
/// [`SignerSecret::TEXT_PREFIX`] (checked in tests/signer_files.rs).
fn secret_hrp(kind: SignatureKind) -> &'static str {
    match kind {
        SignatureKind::MlDsa65Ed25519 => "SEAL-SIGNER-PQ-",
        SignatureKind::Ed25519 => "SEAL-SIGNER-ED25519-",
    }
}

/// Human-readable part of a passphrase-protected secret text.
fn protected_hrp(kind: SignatureKind) -> &'static str {
    match kind {
        SignatureKind::MlDsa65Ed25519 => "SEAL-SIGNER-PQ-PASSPHRASE-",
        SignatureKind::Ed25519 => "SEAL-SIGNER-ED25519-PASSPHRASE-",
    }
}

/// Bytes of a protected secret: memory ‖ passes ‖ lanes ‖ salt ‖ wrapped seed ‖ tag.
const PROTECTED_LEN: usize = ARGON2_PARAMS_LEN + SALT_LEN + 32 + TAG_LEN;

fn public_hrp(kind: SignatureKind) -> &'static str {
    match kind {
        SignatureKind::MlDsa65Ed25519 => "sealsigpq",
        SignatureKind::Ed25519 => "sealsiged",
    }
}

const KINDS: [SignatureKind; 2] = [SignatureKind::MlDsa65Ed25519, SignatureKind::Ed25519];

fn hkdf32(seed: &[u8; 32], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    // 32 bytes is within HKDF-SHA-256's output bound: cannot fail.
    let _ = Hkdf::<Sha256>::new(None, seed).expand(info, out.as_mut());
    out
}

/// A signer's public key: its kind and bytes (`pk_m ‖ pk_e`, 1984 bytes, or `pk_e`, 32).
///
/// Invariant: the Ed25519 part decodes, is canonical and is not of small order, so that two
/// keys are the same key exactly when their bytes are equal.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SignerPublic {
    kind: SignatureKind,
    bytes: Vec<u8>,
}

impl std::fmt::Debug for SignerPublic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SignerPublic({}, {})",
            self.kind.name(),
            self.fingerprint_text()
        )
    }
}

impl std::fmt::Display for SignerPublic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_text())
    }
}

/// Checks that `bytes` is a public key of `kind` (see [`SignerPublic`]'s invariant).
pub(crate) fn validate_public(kind: SignatureKind, bytes: &[u8]) -> bool {
    bytes.len() == kind.public_len()
        && kind::ed25519_public(&bytes[bytes.len() - kind::ED25519_PUBLIC_LEN..]).is_some()
}

impl SignerPublic {
    /// A public key of `kind` from its bytes ([`Error::BadSignerKey`] unless valid).
    pub fn from_bytes(kind: SignatureKind, bytes: &[u8]) -> Result<Self> {
        if !validate_public(kind, bytes) {
            return Err(Error::BadSignerKey);
        }
        Ok(SignerPublic {
            kind,
            bytes: bytes.to_vec(),
        })
    }

    /// The signature kind.
    pub fn kind(&self) -> SignatureKind {
        self.kind
    }

    /// The key's bytes, as in the header.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The fingerprint: `BLAKE3-derive_key("seal 2026-12-06 signer fingerprint", kind ‖ key)`.
    pub fn fingerprint(&self) -> [u8; 32] {
        fingerprint(self.kind.id(), &self.bytes)
    }

    /// The fingerprint's text (`sealsigfp1…`), which `--signed-by` accepts as well as the key.
    pub fn fingerprint_text(&self) -> String {
        bech32_text(FINGERPRINT_HRP, &self.fingerprint()).to_string()
    }

    /// The text form (`sealsigpq1…` or `sealsiged1…`).
    pub fn to_text(&self) -> String {
        bech32_text(public_hrp(self.kind), &self.bytes).to_string()
    }

    /// Parses a public key text exactly (no surrounding whitespace).
    pub fn from_text(text: &str) -> Result<Self> {
        match AllowedSigner::from_text(text)? {
            AllowedSigner::Key(key) => Ok(key),
            AllowedSigner::Fingerprint(_) => Err(Error::SignerText(TextProblem::NotRecognised)),
        }
    }
}

/// One signer a decoder accepts: a public key, or its fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowedSigner {
    /// The full public key.
    Key(SignerPublic),
    /// The 32-byte fingerprint of the key ([`SignerPublic::fingerprint`]).
    Fingerprint([u8; 32]),
}

impl AllowedSigner {
    /// Parses a public key text (`sealsigpq1…`, `sealsiged1…`) or a fingerprint text
    /// (`sealsigfp1…`).
    pub fn from_text(text: &str) -> Result<Self> {
        let problem = Error::SignerText;
        let lower = text.to_ascii_lowercase();
        let is = |hrp: &str| lower.starts_with(&format!("{hrp}1"));
        if !(KINDS.into_iter().any(|k| is(public_hrp(k))) || is(FINGERPRINT_HRP)) {
            return Err(problem(TextProblem::NotRecognised));
        }
        let (hrp, data) = bech32_parse(text).map_err(problem)?;
        if hrp.as_str().eq_ignore_ascii_case(FINGERPRINT_HRP) {
            let fp: [u8; 32] = data
                .as_slice()
                .try_into()
                .map_err(|_| problem(TextProblem::WrongLength))?;
            return Ok(AllowedSigner::Fingerprint(fp));
        }
        let kind = KINDS
            .into_iter()
            .find(|&k| hrp.as_str().eq_ignore_ascii_case(public_hrp(k)))
            .ok_or(problem(TextProblem::NotRecognised))?;
        if data.len() != kind.public_len() {
            return Err(problem(TextProblem::WrongLength));
        }
        let key =
            SignerPublic::from_bytes(kind, &data).map_err(|_| problem(TextProblem::InvalidKey))?;
        Ok(AllowedSigner::Key(key))
    }

    /// Whether `key` is this signer.
    pub fn matches(&self, key: &SignerPublic) -> bool {
        match self {
            AllowedSigner::Key(k) => k == key,
            AllowedSigner::Fingerprint(fp) => *fp == key.fingerprint(),
        }
    }
}

/// The signers a decoder accepts, each with an optional name (from an allowed-signers file).
#[derive(Debug, Clone, Default)]
pub struct AllowedSigners {
    entries: Vec<(AllowedSigner, Option<String>)>,
}

impl AllowedSigners {
    /// An empty list.
    pub fn new() -> Self {
        AllowedSigners::default()
    }

    /// Adds one signer (at most 1024 in all: [`Error::TooManySigners`]).
    pub fn push(&mut self, signer: AllowedSigner, name: Option<String>) -> Result<()> {
        if self.entries.len() >= MAX_ALLOWED_SIGNERS {
            return Err(Error::TooManySigners);
        }
        self.entries.push((signer, name));
        Ok(())
    }

    /// Adds the signers of an allowed-signers file: one key or fingerprint text per line,
    /// optionally followed by spaces or tabs and a name (printable UTF-8, at most 128 bytes);
    /// blank lines and lines starting with `#` are ignored. A malformed line is an error naming
    /// its number (never its content, which might be a secret given by mistake). Reads at
    /// most 4 MiB.
    pub fn add_file(&mut self, reader: impl Read) -> Result<()> {
        let mut buf = Zeroizing::new(Vec::new());
        reader
            .take(MAX_ALLOWED_SIGNERS_FILE_LEN as u64 + 1)
            .read_to_end(&mut buf)
            .map_err(Error::Read)?;
        if buf.len() > MAX_ALLOWED_SIGNERS_FILE_LEN {
            return Err(Error::AllowedSignersTooLong);
        }
        for (number, line) in buf.split(|&b| b == b'\n').enumerate() {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let bad = || Error::AllowedSignersLine(number + 1);
            let line = std::str::from_utf8(line).map_err(|_| bad())?;
            let line = line.trim_matches([' ', '\t']);
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, name) = match line.split_once([' ', '\t']) {
                Some((key, name)) => (key, Some(name.trim_matches([' ', '\t']))),
                None => (line, None),
            };
            let signer = AllowedSigner::from_text(key).map_err(|_| bad())?;
            let name = match name {
                Some(name)
                    if name.len() > MAX_SIGNER_NAME_LEN
                        || super::check_comment(name.as_bytes()).is_err() =>
                {
                    return Err(bad());
                }
                name => name.map(str::to_owned),
            };
            self.push(signer, name)?;
        }
        Ok(())
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many signers the list holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entry that `key` matches: `Some(name)` if allowed (the name if the list gave one).
    pub fn find(&self, key: &SignerPublic) -> Option<Option<&str>> {
        self.entries
            .iter()
            .find(|(s, _)| s.matches(key))
            .map(|(_, name)| name.as_deref())
    }
}

/// A signer's secret: one 32-byte seed and the signing keys its kind derives from it. Prints
/// redacted; zeroized when dropped.
pub struct SignerSecret {
    kind: SignatureKind,
    seed: Zeroizing<[u8; 32]>,
    keys: SigningKeys,
    public: SignerPublic,
}

impl std::fmt::Debug for SignerSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SignerSecret({}, [redacted])", self.kind.name())
    }
}

impl SignerSecret {
    /// What every signer secret's text starts with, plain or passphrase-protected
    /// (`SEAL-SIGNER-PQ-`, `SEAL-SIGNER-ED25519-`, and their `-PASSPHRASE-` forms): text that
    /// holds it is a secret, never to be shown where a file name was expected.
    pub const TEXT_PREFIX: &'static str = "SEAL-SIGNER-";

    /// A new signer of `kind`, from the operating system's generator.
    pub fn generate(kind: SignatureKind) -> Result<Self> {
        let mut seed = Zeroizing::new([0u8; 32]);
        crate::keys::fill_random(seed.as_mut())?;
        Ok(SignerSecret::from_seed(kind, &seed))
    }

    /// The signer of `kind` with seed `seed`: HKDF-SHA-256 (salt empty) derives the ML-DSA-65
    /// seed and the Ed25519 secret, under labels that differ between kinds, so a hybrid key
    /// never shares its Ed25519 half with an Ed25519-only key.
    pub fn from_seed(kind: SignatureKind, seed: &[u8; 32]) -> Self {
        let (keys, public) = match kind {
            SignatureKind::MlDsa65Ed25519 => {
                let xi = hkdf32(seed, HYBRID_MLDSA_INFO);
                let e = hkdf32(seed, HYBRID_ED25519_INFO);
                kind::keys_from_seeds(Some(&xi), &e)
            }
            SignatureKind::Ed25519 => kind::keys_from_seeds(None, &hkdf32(seed, ED25519_INFO)),
        };
        debug_assert_eq!(public.len(), kind.public_len());
        debug_assert!(kind != SignatureKind::MlDsa65Ed25519 || public.len() > MLDSA_PUBLIC_LEN);
        SignerSecret {
            kind,
            seed: Zeroizing::new(*seed),
            keys,
            // A key made from a secret is valid by construction (Ed25519 public keys of
            // secret scalars are canonical and of large order).
            public: SignerPublic {
                kind,
                bytes: public,
            },
        }
    }

    /// The same signer again (its keys derived again from the seed).
    pub(crate) fn duplicate(&self) -> Self {
        SignerSecret::from_seed(self.kind, &self.seed)
    }

    /// The signature kind.
    pub fn kind(&self) -> SignatureKind {
        self.kind
    }

    /// The public key.
    pub fn public(&self) -> &SignerPublic {
        &self.public
    }

    /// Signs the message `m` (hedged).
    pub(crate) fn sign(&self, m: &[u8], rnd: FixedRnd) -> Result<Vec<u8>> {
        self.keys.sign(m, rnd)
    }

    /// The secret's text (`SEAL-SIGNER-PQ-1…` or `SEAL-SIGNER-ED25519-1…`), one line.
    pub fn to_text(&self) -> Zeroizing<String> {
        let mut text = bech32_text(secret_hrp(self.kind), self.seed.as_ref());
        text.make_ascii_uppercase();
        text
    }

    /// A signer file: two comment lines (the kind, and `# public: …`) and the secret.
    pub fn to_file_text(&self) -> Zeroizing<String> {
        self.file_text(&self.to_text())
    }

    fn file_text(&self, secret: &str) -> Zeroizing<String> {
        let mut text = Zeroizing::new(format!(
            "# seal signer: {}\n# public: {}\n",
            self.kind.description(),
            self.public.to_text()
        ));
        text.push_str(secret);
        text.push('\n');
        text
    }

    /// A signer file whose secret is protected by `passphrase` (docs/FORMAT.md "Signer
    /// files"): Argon2id at `params`' cost with a fresh random salt stretches the passphrase
    /// into a ChaCha20-Poly1305 key that wraps the seed. Costs one Argon2id run.
    ///
    /// Any cost within [`Argon2Params`]' bounds is accepted, down to 8 KiB and one pass, which
    /// are for tests only: a real file wants [`Argon2Params::DEFAULT`] (256 MiB, 6 passes),
    /// what `seal keygen --signer` writes (its command line goes no lower than 1 MiB).
    pub fn to_protected_file_text(
        &self,
        passphrase: &Passphrase,
        params: Argon2Params,
    ) -> Result<Zeroizing<String>> {
        let mut salt = [0u8; SALT_LEN];
        crate::keys::fill_random(&mut salt)?;
        self.protected_with_salt(passphrase, params, &salt)
    }

    /// [`SignerSecret::to_protected_file_text`] with a given salt, for known-answer vectors:
    /// only with the `test-vectors` feature, not an API.
    #[cfg(feature = "test-vectors")]
    #[doc(hidden)]
    pub fn to_protected_file_text_with_salt(
        &self,
        passphrase: &Passphrase,
        params: Argon2Params,
        salt: &[u8; SALT_LEN],
    ) -> Result<Zeroizing<String>> {
        self.protected_with_salt(passphrase, params, salt)
    }

    fn protected_with_salt(
        &self,
        passphrase: &Passphrase,
        params: Argon2Params,
        salt: &[u8; SALT_LEN],
    ) -> Result<Zeroizing<String>> {
        let hrp = protected_hrp(self.kind);
        let aead = FrameAead::new(
            Cipher::ChaCha20Poly1305,
            stretch(passphrase, params, salt)?.as_bytes(),
        );
        let mut data = Zeroizing::new(Vec::with_capacity(PROTECTED_LEN));
        data.extend_from_slice(&params.to_bytes());
        data.extend_from_slice(salt);
        let mut wrapped = Zeroizing::new(*self.seed);
        let tag = aead
            .seal(
                &[0; NONCE_LEN],
                &protected_ad(hrp, params),
                wrapped.as_mut(),
            )
            .map_err(|_| Error::SigningFailed)?;
        data.extend_from_slice(wrapped.as_ref());
        data.extend_from_slice(&tag);
        let mut line = bech32_text(hrp, &data);
        line.make_ascii_uppercase();
        Ok(self.file_text(&line))
    }

    /// Parses a signer file without a passphrase ([`SignerFile::from_text`]): a protected
    /// one is [`Error::SignerPassphraseNeeded`].
    pub fn from_text(text: &[u8]) -> Result<Self> {
        match SignerFile::from_text(text)? {
            SignerFile::Plain(signer) => Ok(signer),
            SignerFile::Protected(_) => Err(Error::SignerPassphraseNeeded),
        }
    }

    /// Reads a signer file without a passphrase (at most 8192 bytes).
    pub fn from_reader(reader: impl Read) -> Result<Self> {
        match SignerFile::from_reader(reader)? {
            SignerFile::Plain(signer) => Ok(signer),
            SignerFile::Protected(_) => Err(Error::SignerPassphraseNeeded),
        }
    }
}

/// The associated data of a protected secret: its text's human-readable part (so its kind)
/// and its Argon2id parameters.
fn protected_ad(hrp: &str, params: Argon2Params) -> Vec<u8> {
    let mut ad = hrp.as_bytes().to_vec();
    ad.extend_from_slice(&params.to_bytes());
    ad
}

/// A parsed signer file: its secret, or the secret still protected by a passphrase.
#[derive(Debug)]
pub enum SignerFile {
    /// An unprotected secret.
    Plain(SignerSecret),
    /// A passphrase-protected secret: [`ProtectedSigner::unlock`] opens it.
    Protected(ProtectedSigner),
}

impl SignerFile {
    /// Parses a signer file: LF or CRLF lines; blank lines and lines starting with `#`
    /// ignored; exactly one other line, the secret (trailing spaces and tabs allowed), plain
    /// or passphrase-protected. A `# public: …` line, if present, must name the key the
    /// secret derives ([`Error::SignerPublicMismatch`], checked once a protected secret is
    /// unlocked); it is never trusted otherwise. A protected secret's Argon2id cost is
    /// checked here, before any work ([`Error::SignerKdfCostOutOfRange`]).
    pub fn from_text(text: &[u8]) -> Result<Self> {
        let problem = Error::SignerText;
        let text = std::str::from_utf8(text).map_err(|_| problem(TextProblem::BadCharacter))?;
        let mut secret = None;
        let mut claimed = None;
        for line in text.split('\n') {
            let line = line
                .strip_suffix('\r')
                .unwrap_or(line)
                .trim_end_matches([' ', '\t']);
            if line.is_empty() {
                continue;
            }
            if let Some(comment) = line.strip_prefix('#') {
                if let Some(public) = comment.trim_start().strip_prefix("public:")
                    && claimed.replace(public.trim().to_owned()).is_some()
                {
                    // Which of two claims would count is a guess: refuse both.
                    return Err(problem(TextProblem::ExtraText));
                }
                continue;
            }
            if secret.replace(line).is_some() {
                return Err(problem(TextProblem::ExtraText));
            }
        }
        let line = secret.ok_or(problem(TextProblem::NotRecognised))?;
        // Bech32m's one case, upper (as seal writes it) or lower, as `bech32_parse` checks.
        let is = |hrp: &str| {
            line.get(..=hrp.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(&format!("{hrp}1")))
        };
        if let Some(kind) = KINDS.into_iter().find(|&k| is(protected_hrp(k))) {
            let (_, data) = bech32_parse(line).map_err(problem)?;
            if data.len() != PROTECTED_LEN {
                return Err(problem(TextProblem::WrongLength));
            }
            let (params, rest) = data.split_at(ARGON2_PARAMS_LEN);
            let word = |i: usize| {
                u32::from_be_bytes([params[i], params[i + 1], params[i + 2], params[i + 3]])
            };
            let params = Argon2Params::new(word(0), word(4), word(8)).map_err(|_| {
                Error::SignerKdfCostOutOfRange {
                    memory_kib: word(0),
                    passes: word(4),
                    lanes: word(8),
                }
            })?;
            let (salt, rest) = rest.split_at(SALT_LEN);
            let (wrapped, tag) = rest.split_at(32);
            let copy = |b: &[u8]| -> [u8; 32] {
                let mut out = [0u8; 32];
                out.copy_from_slice(b);
                out
            };
            let mut tag_bytes = [0u8; TAG_LEN];
            tag_bytes.copy_from_slice(tag);
            return Ok(SignerFile::Protected(ProtectedSigner {
                kind,
                params,
                salt: copy(salt),
                wrapped: copy(wrapped),
                tag: tag_bytes,
                claimed,
            }));
        }
        let kind = KINDS
            .into_iter()
            .find(|&k| is(secret_hrp(k)))
            .ok_or(problem(TextProblem::NotRecognised))?;
        let (_, data) = bech32_parse(line).map_err(problem)?;
        if data.len() != 32 {
            return Err(problem(TextProblem::WrongLength));
        }
        // Copied straight into wiped memory: no unwiped array on the way.
        let mut seed = Zeroizing::new([0u8; 32]);
        seed.copy_from_slice(&data);
        let signer = SignerSecret::from_seed(kind, &seed);
        check_claimed(&signer, claimed.as_deref())?;
        Ok(SignerFile::Plain(signer))
    }

    /// Reads a signer file (at most 8192 bytes).
    pub fn from_reader(reader: impl Read) -> Result<Self> {
        let mut buf = Zeroizing::new(Vec::new());
        reader
            .take(MAX_SIGNER_FILE_LEN as u64 + 1)
            .read_to_end(&mut buf)
            .map_err(Error::Read)?;
        if buf.len() > MAX_SIGNER_FILE_LEN {
            return Err(Error::SignerText(TextProblem::ExtraText));
        }
        SignerFile::from_text(&buf)
    }
}

/// Checks a `# public:` claim by the key it names (so in either case of its text); one that
/// names no key does not match.
fn check_claimed(signer: &SignerSecret, claimed: Option<&str>) -> Result<()> {
    match claimed {
        Some(claimed) if SignerPublic::from_text(claimed).ok().as_ref() != Some(&signer.public) => {
            Err(Error::SignerPublicMismatch)
        }
        _ => Ok(()),
    }
}

/// A passphrase-protected signer secret, parsed and its Argon2id cost within bounds, not yet
/// opened. Holds no secret in the clear (the seed is encrypted); prints redacted anyway.
pub struct ProtectedSigner {
    kind: SignatureKind,
    params: Argon2Params,
    salt: [u8; SALT_LEN],
    wrapped: [u8; 32],
    tag: [u8; TAG_LEN],
    claimed: Option<String>,
}

impl std::fmt::Debug for ProtectedSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ProtectedSigner({}, {:?}, [redacted])",
            self.kind.name(),
            self.params
        )
    }
}

impl ProtectedSigner {
    /// The signature kind.
    pub fn kind(&self) -> SignatureKind {
        self.kind
    }

    /// The Argon2id cost of opening it.
    pub fn params(&self) -> Argon2Params {
        self.params
    }

    /// Opens the secret with `passphrase` (one Argon2id run at [`ProtectedSigner::params`]):
    /// [`Error::WrongSignerPassphrase`] if the tag does not verify (a wrong passphrase, or
    /// any byte of the protected data changed).
    pub fn unlock(&self, passphrase: &Passphrase) -> Result<SignerSecret> {
        let hrp = protected_hrp(self.kind);
        let key = stretch(passphrase, self.params, &self.salt)?;
        let aead = FrameAead::new(Cipher::ChaCha20Poly1305, key.as_bytes());
        let mut seed = Zeroizing::new(self.wrapped);
        aead.open(
            &[0; NONCE_LEN],
            &protected_ad(hrp, self.params),
            seed.as_mut(),
            &self.tag,
        )
        .map_err(|_| Error::WrongSignerPassphrase)?;
        let signer = SignerSecret::from_seed(self.kind, &seed);
        check_claimed(&signer, self.claimed.as_deref())?;
        Ok(signer)
    }
}
