//! seal's own text forms of identities and recipients: Bech32m (BIP 350), identities upper
//! case (`SEAL-IDENTITY-PQ-1…`, `SEAL-IDENTITY-X25519-1…`), recipients lower case (`sealpq1…`,
//! `sealx1…`). See the parent module for what the checksum guarantees at these lengths.

use std::io::Read;

use bech32::primitives::checksum::Checksum;
use bech32::primitives::decode::{CheckedHrpstring, CheckedHrpstringError, ChecksumError};
use bech32::primitives::iter::{ByteIterExt, Fe32IterExt};
use bech32::{Bech32m, Hrp};
use hpke::kem::{X25519HkdfSha256, XWing};
use zeroize::Zeroizing;

use super::hpke::public_key;
use super::{IDENTITY_LEN, Identity, PublicKey, Recipient, RecipientKind, age, ssh};
use crate::error::{Error, Result, TextProblem};

/// What every identity text starts with.
pub(crate) const IDENTITY_PREFIX: &str = "SEAL-IDENTITY-";
/// How much of an identity file is read at most: the longest identity line (80 bytes, an
/// X25519 identity's) and 1,024 bytes of whitespace after it, as for a key file. Anything
/// longer is not an identity.
const MAX_IDENTITY_FILE_LEN: usize = 80 + 1024;

/// Bech32m (BIP 350) as `bech32` implements it, allowed beyond its 1023-character code length
/// for the long post-quantum recipients (see the module documentation for what that costs).
/// Every constant is Bech32m's own.
pub(crate) enum Bech32mLong {}

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

impl RecipientKind {
    /// The human-readable part of seal's identity text of this kind (SSH keys have none).
    pub(super) fn identity_hrp(self) -> Option<&'static str> {
        match self {
            RecipientKind::MlKem768X25519 => Some("SEAL-IDENTITY-PQ-"),
            RecipientKind::X25519 => Some("SEAL-IDENTITY-X25519-"),
            RecipientKind::SshEd25519 => None,
        }
    }

    /// The human-readable part of seal's recipient text of this kind (SSH keys have none).
    pub(super) fn recipient_hrp(self) -> Option<&'static str> {
        match self {
            RecipientKind::MlKem768X25519 => Some("sealpq"),
            RecipientKind::X25519 => Some("sealx"),
            RecipientKind::SshEd25519 => None,
        }
    }
}

/// `hrp`, the separator `1`, the data and the checksum, in lower case.
pub(crate) fn bech32_text(hrp: &str, data: &[u8]) -> Zeroizing<String> {
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
pub(crate) fn bech32_parse(
    text: &str,
) -> std::result::Result<(Hrp, Zeroizing<Vec<u8>>), TextProblem> {
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
pub(super) fn kind_of(
    hrp: &Hrp,
    name: fn(RecipientKind) -> Option<&'static str>,
) -> Option<RecipientKind> {
    RecipientKind::ALL
        .into_iter()
        .find(|&k| name(k).is_some_and(|n| hrp.as_str().eq_ignore_ascii_case(n)))
}

/// Whether `text` starts with one of seal's texts of `name`'s kind and the separator `1`.
fn starts_known(text: &str, name: fn(RecipientKind) -> Option<&'static str>) -> bool {
    RecipientKind::ALL
        .into_iter()
        .filter_map(name)
        .any(|hrp| text.starts_with(&format!("{hrp}1")))
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
    /// The text form (`sealpq1…` or `sealx1…`; an SSH key's `ssh-ed25519 AAAA…` line
    /// without a comment), without a line ending. An age recipient is written in seal's text
    /// of the same key.
    pub fn to_text(&self) -> String {
        match (&self.0, self.kind().recipient_hrp()) {
            (PublicKey::SshEd25519(pk), _) => pk.to_line(),
            (_, Some(hrp)) => bech32_text(hrp, &self.to_bytes()).to_string(),
            (_, None) => String::new(),
        }
    }

    /// Parses a recipient text, exactly (no surrounding whitespace): seal's (`sealpq1…`,
    /// `sealx1…`), age's (`age1pq1…`, `age1…`), or one OpenSSH public-key line
    /// (`ssh-ed25519 AAAA… [comment]`, authorized_keys options allowed before it). Upper
    /// case is accepted as Bech32 allows, mixed case is not. A known key type seal does not
    /// use (`ssh-rsa`, ECDSA, …) is [`TextProblem::Unsupported`], naming it.
    pub fn from_text(text: &str) -> Result<Self> {
        let problem = Error::Recipient;
        if ssh::looks_like_ssh_line(text) {
            return ssh::parse_line(text)
                .map(|pk| Recipient(PublicKey::SshEd25519(Box::new(pk))))
                .map_err(problem);
        }
        if age::is_recipient_text(text) {
            return age::recipient(text).map(Recipient).map_err(problem);
        }
        let lower = text.to_ascii_lowercase();
        if !starts_known(&lower, RecipientKind::recipient_hrp) {
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
            // `kind_of` finds no seal text for SSH keys.
            RecipientKind::SshEd25519 => Err(TextProblem::NotRecognised),
        };
        key.map(Recipient).map_err(problem)
    }
}

impl Identity {
    /// The text form, with a trailing newline. An SSH identity has no seal text (it lives in
    /// its OpenSSH key file): empty.
    pub fn to_text(&self) -> Zeroizing<String> {
        let Some(hrp) = self.kind().identity_hrp() else {
            return Zeroizing::new(String::new());
        };
        let mut text = bech32_text(hrp, self.as_bytes());
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
        if !starts_known(line, RecipientKind::identity_hrp) {
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
}
