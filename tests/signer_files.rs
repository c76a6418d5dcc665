//! Passphrase-protected signer files (docs/FORMAT.md "Protected signer files"): the
//! known-answer vectors of tests/vectors/signer-files/ rebuilt byte for byte (fixed salt,
//! Argon2id m = 8 KiB, t = 1, p = 1), opened, and refused with a wrong passphrase, with any
//! byte of the protected data changed, or with a cost out of bounds.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test panics to report its failure"
)]

mod common;
use common::{unhex, vector_fields};

use bech32::Hrp;
use bech32::primitives::checksum::Checksum;
use bech32::primitives::decode::CheckedHrpstring;
use bech32::primitives::iter::{ByteIterExt, Fe32IterExt};

use seal::{
    Argon2Params, Error, Passphrase, SignatureKind, SignerFile, SignerSecret, TextProblem,
    Zeroizing,
};

fn pass(text: &str) -> Passphrase {
    Passphrase::new(Zeroizing::new(text.as_bytes().to_vec())).unwrap()
}

const VECTORS: [(&str, SignatureKind); 2] = [
    ("ed25519", SignatureKind::Ed25519),
    ("mldsa65-ed25519", SignatureKind::MlDsa65Ed25519),
];

fn protected(file: &str) -> seal::ProtectedSigner {
    match SignerFile::from_text(file.as_bytes()).unwrap() {
        SignerFile::Protected(p) => p,
        SignerFile::Plain(_) => panic!("read as unprotected"),
    }
}

#[test]
fn protected_signer_vectors_are_rebuilt_and_open() {
    for (name, kind) in VECTORS {
        let v = vector_fields(&format!("tests/vectors/signer-files/{name}-passphrase.txt"));
        let seed: [u8; 32] = unhex(&v["signer_seed"]).try_into().unwrap();
        let salt: [u8; 32] = unhex(&v["salt"]).try_into().unwrap();
        let params = Argon2Params::new(
            v["memory_kib"].parse().unwrap(),
            v["passes"].parse().unwrap(),
            v["lanes"].parse().unwrap(),
        )
        .unwrap();
        let signer = SignerSecret::from_seed(kind, &seed);
        let file = signer
            .to_protected_file_text_with_salt(&pass(&v["passphrase"]), params, &salt)
            .unwrap();
        let secret_line = file.lines().last().unwrap();
        assert_eq!(secret_line, v["secret"], "{name}");
        assert_eq!(signer.public().to_text(), v["signer_public"]);
        let locked = protected(&file);
        assert_eq!(locked.kind(), kind);
        assert_eq!(locked.params(), params);
        let opened = locked.unlock(&pass(&v["passphrase"])).unwrap();
        assert_eq!(opened.to_text(), signer.to_text());
        // Without a passphrase the plain reader refuses it, naming the reason.
        assert!(matches!(
            SignerSecret::from_text(file.as_bytes()),
            Err(Error::SignerPassphraseNeeded)
        ));
        assert!(matches!(
            locked.unlock(&pass("not the passphrase")),
            Err(Error::WrongSignerPassphrase)
        ));
    }
}

#[test]
fn a_fresh_protected_file_has_a_fresh_salt_and_round_trips() {
    let signer = SignerSecret::generate(SignatureKind::Ed25519).unwrap();
    let params = Argon2Params::new(8, 1, 1).unwrap();
    let a = signer.to_protected_file_text(&pass("pw"), params).unwrap();
    let b = signer.to_protected_file_text(&pass("pw"), params).unwrap();
    assert_ne!(*a, *b);
    let opened = protected(&a).unlock(&pass("pw")).unwrap();
    assert_eq!(opened.public(), signer.public());
}

#[test]
fn every_signer_secret_text_starts_with_the_one_prefix() {
    // The binary redacts any name holding this prefix: every secret text must carry it.
    let params = Argon2Params::new(8, 1, 1).unwrap();
    for (_, kind) in VECTORS {
        let signer = SignerSecret::generate(kind).unwrap();
        assert!(signer.to_text().starts_with(SignerSecret::TEXT_PREFIX));
        let file = signer.to_protected_file_text(&pass("pw"), params).unwrap();
        let secret = file.lines().last().unwrap();
        assert!(secret.starts_with(SignerSecret::TEXT_PREFIX), "{secret}");
    }
}

#[test]
fn parsed_signer_files_print_redacted() {
    let v = vector_fields("tests/vectors/signer-files/ed25519-passphrase.txt");
    let shown = format!("{:?}", protected(&v["secret"]));
    assert_eq!(
        shown,
        "ProtectedSigner(ed25519, Argon2Params { memory_kib: 8, passes: 1, lanes: 1 }, [redacted])"
    );
    let seed: [u8; 32] = unhex(&v["signer_seed"]).try_into().unwrap();
    let plain = SignerSecret::from_seed(SignatureKind::Ed25519, &seed).to_file_text();
    let shown = format!("{:?}", SignerFile::from_text(plain.as_bytes()).unwrap());
    assert_eq!(shown, "Plain(SignerSecret(ed25519, [redacted]))");
}

/// Bech32m as seal uses it, beyond the 1023-character code length (as tests/spec.rs).
enum Bech32mLong {}

impl Checksum for Bech32mLong {
    type MidstateRepr = <bech32::Bech32m as Checksum>::MidstateRepr;
    type CorrectionField = <bech32::Bech32m as Checksum>::CorrectionField;
    const ROOT_GENERATOR: Self::CorrectionField = bech32::Bech32m::ROOT_GENERATOR;
    const ROOT_EXPONENTS: core::ops::RangeInclusive<usize> = bech32::Bech32m::ROOT_EXPONENTS;
    const CODE_LENGTH: usize = 4096;
    const CHECKSUM_LENGTH: usize = bech32::Bech32m::CHECKSUM_LENGTH;
    const GENERATOR_SH: [u32; 5] = bech32::Bech32m::GENERATOR_SH;
    const TARGET_RESIDUE: u32 = bech32::Bech32m::TARGET_RESIDUE;
}

/// `data` under `hrp`, checksummed again: a test edits the decoded bytes, so the AEAD (not
/// the checksum) must catch the change.
fn reencode(hrp: &str, data: &[u8]) -> String {
    let hrp = Hrp::parse(hrp).unwrap();
    let text: String = data
        .iter()
        .copied()
        .bytes_to_fes()
        .with_checksum::<Bech32mLong>(&hrp)
        .chars()
        .collect();
    text.to_ascii_uppercase()
}

fn decode(text: &str) -> Vec<u8> {
    CheckedHrpstring::new::<Bech32mLong>(text)
        .unwrap()
        .byte_iter()
        .collect()
}

#[test]
fn every_protected_byte_changed_is_refused() {
    let v = vector_fields("tests/vectors/signer-files/ed25519-passphrase.txt");
    let hrp = "SEAL-SIGNER-ED25519-PASSPHRASE-";
    let data = decode(&v["secret"]);
    assert_eq!(data.len(), 92);
    for i in 0..data.len() {
        let mut edited = data.clone();
        edited[i] ^= 0x01;
        let text = reencode(hrp, &edited);
        match SignerFile::from_text(text.as_bytes()) {
            // The cost fields: out of bounds is refused before any work; within bounds, the
            // AD binds them, so the tag fails.
            Err(Error::SignerKdfCostOutOfRange { .. }) => assert!(i < 12, "byte {i}"),
            Ok(SignerFile::Protected(p)) => assert!(
                matches!(
                    p.unlock(&pass(&v["passphrase"])),
                    Err(Error::WrongSignerPassphrase)
                ),
                "byte {i}"
            ),
            other => panic!("byte {i}: {other:?}"),
        }
    }
    // The other kind's prefix on the same bytes: the AD binds the kind.
    let swapped = reencode("SEAL-SIGNER-PQ-PASSPHRASE-", &data);
    assert!(matches!(
        protected(&swapped).unlock(&pass(&v["passphrase"])),
        Err(Error::WrongSignerPassphrase)
    ));
    // One character changed in the text: the checksum.
    let mut text = v["secret"].clone();
    let last = text.pop().unwrap();
    text.push(if last == 'Q' { 'P' } else { 'Q' });
    assert!(matches!(
        SignerFile::from_text(text.as_bytes()),
        Err(Error::SignerText(TextProblem::BadChecksum))
    ));
}

#[test]
fn a_cost_out_of_bounds_is_refused_before_any_work() {
    let v = vector_fields("tests/vectors/signer-files/ed25519-passphrase.txt");
    let mut data = decode(&v["secret"]);
    // 4 GiB - 1 KiB of memory: refused at parse time, so no Argon2id run.
    data[0..4].copy_from_slice(&u32::MAX.to_be_bytes());
    let text = reencode("SEAL-SIGNER-ED25519-PASSPHRASE-", &data);
    assert!(matches!(
        SignerFile::from_text(text.as_bytes()),
        Err(Error::SignerKdfCostOutOfRange {
            memory_kib: u32::MAX,
            passes: 1,
            lanes: 1
        })
    ));
}

#[test]
fn a_mismatched_public_line_is_refused_once_unlocked() {
    let v = vector_fields("tests/vectors/signer-files/ed25519-passphrase.txt");
    let other = SignerSecret::generate(SignatureKind::Ed25519).unwrap();
    let text = format!("# public: {}\n{}\n", other.public(), v["secret"]);
    assert!(matches!(
        protected(&text).unlock(&pass(&v["passphrase"])),
        Err(Error::SignerPublicMismatch)
    ));
}

#[test]
fn the_public_line_is_compared_as_a_key_and_only_one_is_taken() {
    let v = vector_fields("tests/vectors/signer-files/ed25519-passphrase.txt");
    let public = &v["signer_public"];
    // The same key in upper case (valid Bech32m) matches.
    let text = format!("# public: {}\n{}\n", public.to_uppercase(), v["secret"]);
    let opened = protected(&text).unlock(&pass(&v["passphrase"])).unwrap();
    assert_eq!(opened.public().to_text(), *public);
    // A claim that names no key does not match.
    let text = format!("# public: not a key\n{}\n", v["secret"]);
    assert!(matches!(
        protected(&text).unlock(&pass(&v["passphrase"])),
        Err(Error::SignerPublicMismatch)
    ));
    // Two claims, even the same one twice, are refused when read.
    let text = format!("# public: {public}\n# public: {public}\n{}\n", v["secret"]);
    assert!(matches!(
        SignerFile::from_text(text.as_bytes()),
        Err(Error::SignerText(TextProblem::ExtraText))
    ));
}

#[test]
fn a_lower_case_secret_line_reads_as_the_same_signer() {
    let v = vector_fields("tests/vectors/signer-files/ed25519-passphrase.txt");
    let lower = v["secret"].to_lowercase();
    let opened = protected(&lower).unlock(&pass(&v["passphrase"])).unwrap();
    assert_eq!(opened.public().to_text(), v["signer_public"]);
    let plain = opened.to_text().to_lowercase();
    let again = SignerSecret::from_text(plain.as_bytes()).unwrap();
    assert_eq!(again.public(), opened.public());
    // Mixed case is not Bech32m.
    let mut mixed = v["secret"].clone();
    mixed.replace_range(..1, "s");
    assert!(matches!(
        SignerFile::from_text(mixed.as_bytes()),
        Err(Error::SignerText(_))
    ));
}
