//! age's native keys (C2SP age.md, "Native recipient types"), read as seal's own kinds: an
//! `age1…` recipient and an `AGE-SECRET-KEY-1…` identity are an X25519 public key and scalar
//! (kind `02`); an `age1pq1…` recipient and an `AGE-SECRET-KEY-PQ-1…` identity are an X-Wing
//! (MLKEM768-X25519, HPKE KEM `0x647a`) public key and seed (kind `01`). The stanzas are seal's,
//! unchanged; only the texts differ: age's are Bech32 (BIP 173, checksum constant 1) where
//! seal's are Bech32m, so each text is checked with its own family's checksum and the other is
//! refused ("checksum mismatch").
//!
//! age's plugin and tagged (hardware) keys are recognised and refused by name.

use bech32::primitives::checksum::Checksum;
use bech32::primitives::decode::{CheckedHrpstring, CheckedHrpstringError, ChecksumError};
use bech32::primitives::iter::{ByteIterExt, Fe32IterExt};
use bech32::{Bech32, Hrp};
use hpke::kem::{X25519HkdfSha256, XWing};
use zeroize::Zeroizing;

use super::hpke::public_key;
use super::{IDENTITY_LEN, PublicKey, RecipientKind};
use crate::error::{TextProblem, Unsupported};

/// Bech32 (BIP 173) beyond its 1023-character code length, for the 1959-character `age1pq1…`
/// (age's specification: "Bech32 … without length limits"). Every constant is Bech32's own.
pub(super) enum Bech32Long {}

impl Checksum for Bech32Long {
    type MidstateRepr = <Bech32 as Checksum>::MidstateRepr;
    type CorrectionField = <Bech32 as Checksum>::CorrectionField;
    const ROOT_GENERATOR: Self::CorrectionField = Bech32::ROOT_GENERATOR;
    const ROOT_EXPONENTS: core::ops::RangeInclusive<usize> = Bech32::ROOT_EXPONENTS;
    const CODE_LENGTH: usize = 4096;
    const CHECKSUM_LENGTH: usize = Bech32::CHECKSUM_LENGTH;
    const GENERATOR_SH: [u32; 5] = Bech32::GENERATOR_SH;
    const TARGET_RESIDUE: u32 = Bech32::TARGET_RESIDUE;
}

/// What an age identity line starts with (any case).
pub(crate) const AGE_SECRET_PREFIX: &str = "AGE-SECRET-KEY-";
/// What an age plugin identity starts with (any case).
pub(crate) const AGE_PLUGIN_PREFIX: &str = "AGE-PLUGIN-";

/// An age text in lower case, for tests and messages.
#[cfg(test)]
pub(super) fn text(hrp: &str, data: &[u8]) -> String {
    let hrp = Hrp::parse_unchecked(hrp);
    data.iter()
        .copied()
        .bytes_to_fes()
        .with_checksum::<Bech32Long>(&hrp)
        .chars()
        .collect()
}

/// The human-readable part (lower case) and data of an age text; canonical only.
fn parse(text: &str) -> Result<(String, Zeroizing<Vec<u8>>), TextProblem> {
    let checked = CheckedHrpstring::new::<Bech32Long>(text).map_err(|e| match e {
        CheckedHrpstringError::Checksum(ChecksumError::CodeLength(_)) => TextProblem::WrongLength,
        CheckedHrpstringError::Checksum(_) => TextProblem::BadChecksum,
        _ => TextProblem::BadCharacter,
    })?;
    let hrp = checked.hrp().as_str().to_ascii_lowercase();
    let data = Zeroizing::new(checked.byte_iter().collect::<Vec<u8>>());
    let again: Zeroizing<String> = Zeroizing::new(
        data.iter()
            .copied()
            .bytes_to_fes()
            .with_checksum::<Bech32Long>(&Hrp::parse_unchecked(&hrp))
            .chars()
            .collect(),
    );
    if !again.eq_ignore_ascii_case(text) {
        return Err(TextProblem::BadCharacter);
    }
    Ok((hrp, data))
}

/// Whether `text` is meant as an age recipient (it starts `age1`, any case).
pub(super) fn is_recipient_text(text: &str) -> bool {
    text.get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("age1"))
}

/// An age recipient: `age1…` or `age1pq1…`.
pub(super) fn recipient(text: &str) -> Result<PublicKey, TextProblem> {
    let (hrp, data) = parse(text)?;
    match hrp.as_str() {
        "age" => public_key::<X25519HkdfSha256>(&data).map(PublicKey::X25519),
        "age1pq" => public_key::<XWing>(&data).map(|pk| PublicKey::MlKem768X25519(Box::new(pk))),
        "age1tag" | "age1tagpq" => Err(TextProblem::Unsupported(Unsupported::AgeTagged)),
        _ => Err(TextProblem::Unsupported(Unsupported::AgePlugin)),
    }
}

/// An age identity line: its kind and secret bytes.
pub(super) fn identity(
    line: &str,
) -> Result<(RecipientKind, Zeroizing<[u8; IDENTITY_LEN]>), TextProblem> {
    if line
        .get(..AGE_PLUGIN_PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(AGE_PLUGIN_PREFIX))
    {
        return Err(TextProblem::Unsupported(Unsupported::AgePlugin));
    }
    let (hrp, data) = parse(line)?;
    let kind = match hrp.as_str() {
        "age-secret-key-" => RecipientKind::X25519,
        "age-secret-key-pq-" => RecipientKind::MlKem768X25519,
        _ => return Err(TextProblem::NotRecognised),
    };
    let mut secret = Zeroizing::new([0u8; IDENTITY_LEN]);
    if data.len() != IDENTITY_LEN {
        return Err(TextProblem::WrongLength);
    }
    secret.copy_from_slice(&data);
    Ok((kind, secret))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipient::{Identity, Recipient};

    /// C2SP age.md's X25519 example: the identity of 32 bytes 0x42 and its recipient.
    const X25519_IDENTITY: &str =
        "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
    const X25519_RECIPIENT: &str = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";

    #[test]
    fn checksum_constants_are_bech32() {
        Bech32Long::sanity_check();
    }

    #[test]
    fn the_spec_x25519_example_is_seal_kind_02() {
        let id = Identity::from_age_line(X25519_IDENTITY).unwrap();
        assert_eq!(id.kind(), RecipientKind::X25519);
        assert_eq!(id.as_bytes(), &[0x42; 32]);
        let r = Recipient::from_text(X25519_RECIPIENT).unwrap();
        assert_eq!(id.recipient(), r);
        assert_eq!(text("age", &r.to_bytes()), X25519_RECIPIENT);
        // seal's own text of the same key is the same recipient.
        assert_eq!(Recipient::from_text(&r.to_text()).unwrap(), r);
        // A Bech32m checksum on an age text (and the reverse) is refused.
        let seal_text = r.to_text();
        let swapped = format!("age1{}", &seal_text["sealx1".len()..]);
        assert_eq!(recipient(&swapped).err(), Some(TextProblem::BadChecksum));
    }

    #[test]
    fn plugin_and_tagged_keys_are_named() {
        let plugin = text("age1yubikey", &[1; 33]);
        assert_eq!(
            recipient(&plugin).err(),
            Some(TextProblem::Unsupported(Unsupported::AgePlugin))
        );
        let tagged = text("age1tag", &[1; 33]);
        assert_eq!(
            recipient(&tagged).err(),
            Some(TextProblem::Unsupported(Unsupported::AgeTagged))
        );
        assert_eq!(
            identity("AGE-PLUGIN-YUBIKEY-1QQQQ").err(),
            Some(TextProblem::Unsupported(Unsupported::AgePlugin))
        );
    }
}
