//! Library-level answers to the questions docs/FORMAT.md and SECURITY.md settle for a second
//! implementer (issue 16, "a spec with no guesses"), each pinned to the exact error: low-order
//! X25519 points (RFC 9180 section 7.1.4 for DHKEM; none checked for X-Wing), the identity and
//! key file bounds, armor cut inside its BEGIN or END line and the 66-byte rule, which HPKE
//! randomness and cipher each recipient vector fixes, and the per-frame overheads.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test panics to report its failure"
)]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use bech32::Hrp;
use bech32::primitives::checksum::Checksum;
use bech32::primitives::decode::CheckedHrpstring;
use bech32::primitives::iter::{ByteIterExt, Fe32IterExt};
use chacha20poly1305::ChaCha20Poly1305;
use chacha20poly1305::aead::{AeadInOut, KeyInit};
use hkdf::{Hkdf, HkdfExtract};
use hpke::kem::MlKem768;
use hpke::rand_core::{TryCryptoRng, TryRng};
use hpke::{Deserializable, Kem, Serializable};
use seal::{
    ArmorError, ArmorProblem, ArmorReader, Decryptor, Encryptor, Error, Framing, Identity, Key,
    KeyProblem, Recipient, RecipientKind, TextProblem,
};
use sha2::Sha256;
use sha3::{Digest, Sha3_256};
use std::convert::Infallible;

fn vector(name: &str) -> BTreeMap<String, String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(name);
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn unhex(hex: &str) -> Vec<u8> {
    let hex: String = hex.split_whitespace().collect();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

fn array<const N: usize>(hex: &str) -> [u8; N] {
    unhex(hex).try_into().unwrap()
}

// HPKE base mode for DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and ChaCha20-Poly1305 (RFC 9180
// sections 4, 4.1 and 5.1), composed here from its primitives so that a stanza can be built
// from any Diffie-Hellman output, the all-zero one included, which the `hpke` crate refuses to
// produce.

fn labeled_extract(suite: &[u8], salt: &[u8], label: &[u8], ikm: &[u8]) -> [u8; 32] {
    let mut extract = HkdfExtract::<Sha256>::new(Some(salt));
    for part in [b"HPKE-v1".as_slice(), suite, label, ikm] {
        extract.input_ikm(part);
    }
    extract.finalize().0.into()
}

fn labeled_expand(suite: &[u8], prk: &[u8; 32], label: &[u8], info: &[u8], out: &mut [u8]) {
    let len = u16::try_from(out.len()).unwrap().to_be_bytes();
    Hkdf::<Sha256>::from_prk(prk)
        .unwrap()
        .expand_multi_info(&[&len, b"HPKE-v1", suite, label, info], out)
        .unwrap();
}

/// The HPKE key and base nonce of a seal X25519 stanza whose DH output is `dh`.
fn hpke_key_and_nonce(dh: &[u8; 32], enc: &[u8; 32], pk_r: &[u8; 32]) -> ([u8; 32], [u8; 12]) {
    let kem: &[u8] = b"KEM\x00\x20";
    let eae_prk = labeled_extract(kem, b"", b"eae_prk", dh);
    let mut shared = [0u8; 32];
    labeled_expand(
        kem,
        &eae_prk,
        b"shared_secret",
        &[&enc[..], pk_r].concat(),
        &mut shared,
    );
    key_schedule(0x0020, &shared)
}

/// RFC 9180 section 5.1, base mode, KDF HKDF-SHA256, AEAD ChaCha20-Poly1305, seal's `info`:
/// the key and base nonce for KEM `kem_id`'s shared secret `shared`.
fn key_schedule(kem_id: u16, shared: &[u8; 32]) -> ([u8; 32], [u8; 12]) {
    let suite = [&b"HPKE"[..], &kem_id.to_be_bytes(), &[0, 1, 0, 3]].concat();
    let suite = suite.as_slice();
    let psk_id_hash = labeled_extract(suite, b"", b"psk_id_hash", b"");
    let info_hash = labeled_extract(suite, b"", b"info_hash", b"seal v1 file key");
    let context = [&[0u8][..], &psk_id_hash, &info_hash].concat();
    let secret = labeled_extract(suite, shared, b"secret", b"");
    let mut key = [0u8; 32];
    let mut nonce = [0u8; 12];
    labeled_expand(suite, &secret, b"key", &context, &mut key);
    labeled_expand(suite, &secret, b"base_nonce", &context, &mut nonce);
    (key, nonce)
}

/// The X25519 recipient vector's header with its stanza replaced by `enc` and `file_key`
/// wrapped under the HPKE key of `dh`. The commitment is left as it was, so it no longer
/// matches: a stanza that opens gives `HeaderModified`, one that does not `NoIdentityMatches`.
fn x25519_header_with_stanza(enc: &[u8; 32], dh: &[u8; 32], file_key: &[u8; 32]) -> Vec<u8> {
    let v = vector("chacha20-poly1305-recipient-x25519.txt");
    let identity = Identity::from_text(v["identity_1"].as_bytes()).unwrap();
    let pk_r: [u8; 32] = identity.recipient().to_bytes().try_into().unwrap();
    let (key, nonce) = hpke_key_and_nonce(dh, enc, &pk_r);
    let mut wrapped = *file_key;
    let tag = ChaCha20Poly1305::new(&key.into())
        .encrypt_inout_detached(&nonce.into(), b"", wrapped.as_mut_slice().into())
        .unwrap();
    let mut stream = unhex(&v["stream"]);
    // Count 1, kind 02, length 80, then enc || wrapped || tag, at 49.
    assert_eq!(stream[47..52], [0, 1, 2, 0, 80]);
    stream[52..84].copy_from_slice(enc);
    stream[84..116].copy_from_slice(&wrapped);
    stream[116..132].copy_from_slice(&tag);
    stream.truncate(164);
    stream
}

fn open_x25519(header: &[u8]) -> Error {
    let v = vector("chacha20-poly1305-recipient-x25519.txt");
    let identity = Identity::from_text(v["identity_1"].as_bytes()).unwrap();
    match Decryptor::new(header).unwrap().unlock(&identity) {
        Ok(_) => panic!("a header with a stale commitment opened"),
        Err(e) => e,
    }
}

/// X25519 points of low order (u-coordinates, little-endian): X25519 of any clamped scalar
/// with them is all zeros. 0, 1, the two points of order 8, p − 1, p and p + 1.
const LOW_ORDER: [&str; 7] = [
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
    "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
];

#[test]
fn hpke_composed_here_matches_the_format_example() {
    // docs/FORMAT.md, "Recipient example": enc, recipient_public, dh, hpke_key, base_nonce.
    let enc = array("0a4244187e020c1b51d515025933220012 17c1db3b c91bf837491c9b71807605");
    let pk_r = array("675dd574ed7789310b3d2e7681f3790b466c773b1521fecf36577958371ea52f");
    let dh = array("ea3d7c0985559c6325405616aac39f6e5fd0d86816af5231fd85f24ee5673e2e");
    let (key, nonce) = hpke_key_and_nonce(&dh, &enc, &pk_r);
    assert_eq!(
        key,
        array("e73facb0a82f4d3e6d1291c48e42a63f22e9ae721b6c67c7d4c295e3d3595f79")
    );
    assert_eq!(nonce, array("4df4d2fa81c1f1ef2d205623"));
}

// Item 8, DHKEM: RFC 9180 section 7.1.4, "recipients MUST check whether the Diffie-Hellman
// shared secret is the all-zero value and abort if so". A stanza made for the all-zero
// secret would open for every X25519 identity if the check were skipped; seal refuses it.
#[test]
fn an_x25519_stanza_whose_enc_is_of_low_order_never_opens() {
    let enc = array("0a4244187e020c1b51d515025933220012 17c1db3b c91bf837491c9b71807605");
    let dh = array("ea3d7c0985559c6325405616aac39f6e5fd0d86816af5231fd85f24ee5673e2e");
    // Control: built the same way from the example's real DH output, with another file key,
    // the stanza opens and only the commitment fails.
    let header = x25519_header_with_stanza(&enc, &dh, &[0x55; 32]);
    assert!(matches!(open_x25519(&header), Error::HeaderModified));
    for point in LOW_ORDER {
        let header = x25519_header_with_stanza(&array(point), &[0; 32], &[0x55; 32]);
        assert!(
            matches!(
                open_x25519(&header),
                Error::NoIdentityMatches { recipients: 1, .. }
            ),
            "{point}"
        );
    }
}

// Item 8, DHKEM, as a sender: a low-order recipient is refused with the exact error.
#[test]
fn encrypting_to_a_low_order_x25519_recipient_is_refused() {
    for point in LOW_ORDER {
        let text = bech32_long("sealx", &unhex(point));
        let recipient = Recipient::from_text(&text).unwrap();
        assert!(matches!(
            Encryptor::with_recipients(&[recipient]),
            Err(Error::Recipient(TextProblem::InvalidKey))
        ));
    }
}

/// Bech32m as seal uses it, beyond the 1023-character code length.
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

fn bech32_long(hrp: &str, data: &[u8]) -> String {
    let hrp = Hrp::parse(hrp).unwrap();
    data.iter()
        .copied()
        .bytes_to_fes()
        .with_checksum::<Bech32mLong>(&hrp)
        .chars()
        .collect()
}

// Item 8, X-Wing: the draft takes X25519 from RFC 7748 section 5 without section 6.1's
// optional all-zero check, and seal checks neither half: a recipient whose X25519 half is of
// low order is encrypted to (ML-KEM-768 still protects the file key).
#[test]
fn an_x_wing_recipient_with_a_low_order_x25519_half_is_used_as_given() {
    let pq = Identity::from_bytes(RecipientKind::MlKem768X25519, [0x40; 32])
        .unwrap()
        .recipient()
        .to_text();
    let checked = CheckedHrpstring::new::<Bech32mLong>(&pq).unwrap();
    let mut key: Vec<u8> = checked.byte_iter().collect();
    assert_eq!(key.len(), 1216);
    for point in LOW_ORDER {
        key[1184..].copy_from_slice(&unhex(point));
        let recipient = Recipient::from_text(&bech32_long("sealpq", &key)).unwrap();
        let encryptor = Encryptor::with_recipients(&[recipient]).unwrap();
        let mut stream = Vec::new();
        encryptor
            .chunk_size(64)
            .threads(1)
            .encrypt(&b"hello"[..], &mut stream)
            .unwrap();
        let decryptor = Decryptor::new(&stream[..]).unwrap();
        assert_eq!(decryptor.header().stanzas().len(), 1);
    }
}

/// Fixed bytes as randomness (counting up from a start), for a reproducible encapsulation.
struct Counting(u8);

impl TryRng for Counting {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for byte in dst {
            *byte = self.0;
            self.0 = self.0.wrapping_add(1);
        }
        Ok(())
    }
}

impl TryCryptoRng for Counting {}

/// The X-Wing recipient vector's header with its stanza replaced by one whose `ct_X` is
/// `ct_x` and whose shared secret is X-Wing's combiner over a real ML-KEM-768 encapsulation,
/// the X25519 secret `ss_x`, `ct_x` and the identity's `pk_X`. The commitment is stale, as in
/// `x25519_header_with_stanza`.
fn xwing_header_with_stanza(ct_x: &[u8; 32], ss_x: &[u8; 32]) -> (Vec<u8>, Identity) {
    let v = vector("aes-256-gcm-recipient-pq.txt");
    let identity = Identity::from_text(v["identity_1"].as_bytes()).unwrap();
    let pk = identity.recipient().to_bytes();
    let (pk_m, pk_x) = pk.split_at(1184);
    let pk_m = <MlKem768 as Kem>::PublicKey::from_bytes(pk_m).unwrap();
    let (ss_m, ct_m) = MlKem768::encap_with_rng(&pk_m, None, &mut Counting(0x11)).unwrap();
    let ss: [u8; 32] = Sha3_256::new()
        .chain_update(ss_m.0)
        .chain_update(ss_x)
        .chain_update(ct_x)
        .chain_update(pk_x)
        .chain_update(br"\.//^\")
        .finalize()
        .into();
    let (key, nonce) = key_schedule(0x647a, &ss);
    let mut wrapped = [0x55u8; 32];
    let tag = ChaCha20Poly1305::new(&key.into())
        .encrypt_inout_detached(&nonce.into(), b"", wrapped.as_mut_slice().into())
        .unwrap();
    let mut stream = unhex(&v["stream"]);
    // Count 1, kind 01, length 1168, then ct_M || ct_X || wrapped || tag, at 49.
    assert_eq!(stream[47..52], [0, 1, 1, 0x04, 0x90]);
    let body = [&ct_m.to_bytes()[..], ct_x, &wrapped, &tag[..]].concat();
    assert_eq!(body.len(), 1168);
    stream[52..52 + 1168].copy_from_slice(&body);
    stream.truncate(52 + 1168 + 32);
    (stream, identity)
}

fn open_xwing(ct_x: &[u8; 32], ss_x: &[u8; 32]) -> Error {
    let (header, identity) = xwing_header_with_stanza(ct_x, ss_x);
    match Decryptor::new(&header[..]).unwrap().unlock(&identity) {
        Ok(_) => panic!("a header with a stale commitment opened"),
        Err(e) => e,
    }
}

// Item 8, X-Wing, as a recipient: a stanza whose `ct_X` is of low order opens (X25519 gives
// the all-zero secret, which X-Wing does not refuse), as FORMAT.md says.
#[test]
fn an_x_wing_stanza_whose_ct_x_is_of_low_order_opens() {
    let v = vector("aes-256-gcm-recipient-pq.txt");
    let identity = Identity::from_text(v["identity_1"].as_bytes()).unwrap();
    let pk_x: [u8; 32] = identity.recipient().to_bytes()[1184..].try_into().unwrap();
    // Controls: with the base point as `ct_X`, X25519(sk_X, 9) is the identity's own `pk_X`,
    // so the stanza built with that secret opens and one built with another does not: the
    // construction here is X-Wing's.
    let mut base = [0u8; 32];
    base[0] = 9;
    assert!(matches!(open_xwing(&base, &pk_x), Error::HeaderModified));
    assert!(matches!(
        open_xwing(&base, &[1; 32]),
        Error::NoIdentityMatches { recipients: 1, .. }
    ));
    for point in LOW_ORDER {
        let point = array(point);
        assert!(
            matches!(open_xwing(&point, &[0; 32]), Error::HeaderModified),
            "{point:02x?}"
        );
    }
}

// Item 5: the key file and identity file bounds, stated once in FORMAT.md and SECURITY.md.
#[test]
fn key_files_hold_1107_bytes_and_identity_files_1104() {
    let key = Key::from_bytes([7; 32]).to_text();
    let line = key.trim_end();
    assert_eq!(line.len(), 83);
    let with = |n: usize| format!("{line}{}", " ".repeat(n));
    assert!(Key::from_reader(with(1024).as_bytes()).is_ok());
    assert!(matches!(
        Key::from_reader(with(1025).as_bytes()),
        Err(Error::Key(KeyProblem::ExtraText))
    ));
    for (kind, len) in [
        (RecipientKind::X25519, 80),
        (RecipientKind::MlKem768X25519, 76),
    ] {
        let text = Identity::from_bytes(kind, [7; 32])
            .unwrap()
            .to_text()
            .unwrap();
        let line = text.trim_end();
        assert_eq!(line.len(), len);
        let with = |n: usize| format!("{line}{}", "\n".repeat(n));
        assert!(Identity::from_reader(with(1104 - len).as_bytes()).is_ok());
        assert!(matches!(
            Identity::from_reader(with(1105 - len).as_bytes()),
            Err(Error::Identity(TextProblem::ExtraText))
        ));
        for more in ["\n# laptop\n", "\nSEAL-IDENTITY-X25519-1\n"] {
            assert!(matches!(
                Identity::from_text(format!("{line}{more}").as_bytes()),
                Err(Error::Identity(TextProblem::ExtraText))
            ));
        }
        // Upper case only.
        assert!(matches!(
            Identity::from_text(line.to_lowercase().as_bytes()),
            Err(Error::Identity(TextProblem::NotRecognised))
        ));
    }
}

fn dearmor(text: &[u8]) -> Result<Vec<u8>, ArmorError> {
    let mut out = Vec::new();
    ArmorReader::new(text).read_to_end(&mut out).map_err(|e| {
        *e.into_inner()
            .and_then(|inner| inner.downcast::<ArmorError>().ok())
            .expect("an armor error")
    })?;
    Ok(out)
}

// Items 1 and 3, in the library's own terms.
#[test]
fn armor_cut_inside_begin_or_end_and_the_66_byte_rule() {
    // docs/FORMAT.md's BEGIN and END lines, stated again.
    let begin = "-----BEGIN SEAL ENCRYPTED FILE-----";
    let end = "-----END SEAL ENCRYPTED FILE-----";
    let e = |line, problem| ArmorError { line, problem };
    let body = format!("{begin}\nc2VhbA==\n");
    assert_eq!(dearmor(format!("{body}{end}").as_bytes()).unwrap(), b"seal");
    for cut in 1..end.len() {
        assert_eq!(
            dearmor(format!("{body}{}", &end[..cut]).as_bytes()),
            Err(e(3, ArmorProblem::NoEnd)),
            "{cut}"
        );
    }
    assert_eq!(
        dearmor(format!("{body}{end}\r").as_bytes()),
        Err(e(3, ArmorProblem::NoEnd))
    );
    for cut in 1..begin.len() {
        assert_eq!(
            dearmor(&begin.as_bytes()[..cut]),
            Err(e(1, ArmorProblem::NoEnd)),
            "{cut}"
        );
    }
    // With an LF, a part of END is a line that is not END: malformed, not cut.
    assert!(
        dearmor(format!("{body}{}\n", &end[..9]).as_bytes())
            .is_err_and(|a| a.problem != ArmorProblem::NoEnd)
    );
    // The first 66 bytes decide: `-----` within them, or not.
    let line = |spaces: usize| format!("{}{begin}\nc2VhbA==\n{end}\n", " ".repeat(spaces));
    assert_eq!(
        dearmor(line(61).as_bytes()),
        Err(e(1, ArmorProblem::BadBegin))
    );
    assert_eq!(
        dearmor(line(62).as_bytes()),
        Err(e(1, ArmorProblem::NoBegin))
    );
}

// Item 10: which HPKE randomness each recipient vector fixes, and for which cipher it is.
#[test]
fn recipient_vectors_fix_the_randomness_and_cipher_format_md_names() {
    let counting = |from: u8, len: usize| -> Vec<u8> {
        (0..len).map(|i| from.wrapping_add(i as u8)).collect()
    };
    let seed = |v: &BTreeMap<String, String>, n: usize| {
        *Identity::from_text(v[&format!("identity_{n}")].as_bytes())
            .unwrap()
            .as_bytes()
            .unwrap()
    };
    let x = vector("chacha20-poly1305-recipient-x25519.txt");
    assert_eq!(x["cipher"], "chacha20-poly1305");
    assert_eq!(unhex(&x["hpke_randomness"]), counting(0xc0, 32));
    assert_eq!(seed(&x, 1).to_vec(), counting(0x60, 32));
    let pq = vector("aes-256-gcm-recipient-pq.txt");
    assert_eq!(pq["cipher"], "aes-256-gcm");
    assert_eq!(unhex(&pq["hpke_randomness"]), counting(0xc0, 64));
    assert_eq!(seed(&pq, 1).to_vec(), counting(0x40, 32));
    let three = vector("aes-256-gcm-recipients-3.txt");
    assert_eq!(three["cipher"], "aes-256-gcm");
    assert_eq!(unhex(&three["hpke_randomness"]), counting(0xc0, 160));
    for (n, from) in [(1, 0x40), (2, 0x60), (3, 0x80)] {
        assert_eq!(seed(&three, n).to_vec(), counting(from, 32), "identity_{n}");
    }
    assert_eq!(unhex(&three["plaintext"]), counting(0, 150));
    for v in [&x, &pq, &three] {
        assert_eq!(v["file_key"], hex_of(&counting(0xa0, 32)));
        assert_eq!(v["salt"], hex_of(&counting(0x20, 32)));
        assert_eq!(v["chunk_size"], "64");
    }
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// Item 11: 28 bytes a frame, 32 a live frame (SECURITY.md and FORMAT.md alike), and the named
// error.
#[test]
fn frame_overheads_and_the_frame_length_error_as_format_md_names_them() {
    assert_eq!(
        (Framing::Fixed.overhead(), Framing::Live.overhead()),
        (28, 32)
    );
    let e = Error::FrameLength {
        frame: 3,
        offset: 200,
        len: 65,
    };
    assert!(
        e.to_string()
            .starts_with("frame 3 at byte offset 200: frame length out of range")
    );
    assert_eq!(e.category(), seal::Category::Integrity);
}
