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
use super::{IDENTITY_LEN, Identity, PublicKey, Recipient, RecipientKind};
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
    pub(super) fn identity_hrp(self) -> &'static str {
        match self {
            RecipientKind::MlKem768X25519 => "SEAL-IDENTITY-PQ-",
            RecipientKind::X25519 => "SEAL-IDENTITY-X25519-",
        }
    }

    pub(super) fn recipient_hrp(self) -> &'static str {
        match self {
            RecipientKind::MlKem768X25519 => "sealpq",
            RecipientKind::X25519 => "sealx",
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
pub(super) fn kind_of(hrp: &Hrp, name: fn(RecipientKind) -> &'static str) -> Option<RecipientKind> {
    RecipientKind::ALL
        .into_iter()
        .find(|&k| hrp.as_str().eq_ignore_ascii_case(name(k)))
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
}

impl Identity {
    /// The text form, with a trailing newline.
    pub fn to_text(&self) -> Zeroizing<String> {
        let mut text = bech32_text(self.kind().identity_hrp(), self.as_bytes());
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
}
