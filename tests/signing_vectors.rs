//! Known answers for signed streams: seal's own vectors (tests/vectors/signed/, made by
//! tests/common/make_vectors.rs) rebuilt byte for byte, and the primitives checked against
//! published vectors (tests/vectors/primitives/, each file naming its source): the IETF
//! composite signatures draft (ML-DSA-65 + Ed25519), NIST ACVP ML-DSA-65 key generation and
//! signing, Wycheproof ML-DSA-65 and Ed25519 verification, ed25519-speccheck's Ed25519 edge
//! cases, and BLAKE3's official vectors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test panics to report its failure"
)]

mod common;
use common::{unhex, vector_fields};

use std::io::Cursor;

use seal::signing_primitives as prim;
use seal::{AllowedSigner, AllowedSigners, Decryptor, Encryptor, Key, SignatureKind, SignerSecret};

#[test]
fn signed_vectors_are_rebuilt_byte_for_byte_and_verify() {
    for (name, kind) in [
        ("aes-256-gcm-signed-ed25519", SignatureKind::Ed25519),
        (
            "aes-256-gcm-signed-mldsa65-ed25519",
            SignatureKind::MlDsa65Ed25519,
        ),
    ] {
        let v = vector_fields(&format!("tests/vectors/signed/{name}.txt"));
        let key = Key::from_text(v["key"].as_bytes()).unwrap();
        let seed: [u8; 32] = unhex(&v["signer_seed"]).try_into().unwrap();
        let rnd: [u8; 32] = unhex(&v["mldsa_rnd"]).try_into().unwrap();
        let salt: [u8; 32] = unhex(&v["salt"]).try_into().unwrap();
        let signer = SignerSecret::from_seed(kind, &seed);
        assert_eq!(signer.public().to_text(), v["signer_public"]);
        let comment = String::from_utf8(unhex(&v["comment"])).unwrap();
        let plain = unhex(&v["plaintext"]);
        let mut stream = Vec::new();
        Encryptor::with_key(&key)
            .unwrap()
            .chunk_size(64)
            .insecure_fixed_salt(salt)
            .unwrap()
            .sign(&signer, &comment)
            .unwrap()
            .insecure_fixed_signing_randomness(rnd)
            .encrypt(Cursor::new(plain.clone()), &mut stream)
            .unwrap();
        assert_eq!(stream, unhex(&v["stream"]), "{name}");
        let mut allowed = AllowedSigners::new();
        allowed
            .push(AllowedSigner::from_text(&v["signer_public"]).unwrap(), None)
            .unwrap();
        let mut out = Vec::new();
        Decryptor::new(Cursor::new(stream))
            .unwrap()
            .require_signers(&allowed)
            .unwrap()
            .unlock(&key)
            .unwrap()
            .decrypt_verified(&mut out)
            .unwrap();
        assert_eq!(out, plain);
    }
}

#[test]
fn the_composite_drafts_published_vector_checks_out() {
    let v = vector_fields("tests/vectors/primitives/composite-mldsa65-ed25519.txt");
    let sk: [u8; 64] = unhex(&v["sk"]).try_into().unwrap();
    let pk = unhex(&v["pk"]);
    let (m, ctx) = (unhex(&v["m"]), unhex(&v["ctx"]));
    assert_eq!(
        prim::composite_public(&sk),
        pk,
        "key generation from the seeds"
    );
    for (sig, ctx) in [
        (unhex(&v["s"]), &b""[..]),
        (unhex(&v["sWithContext"]), &ctx[..]),
    ] {
        assert!(prim::composite_verify(&pk, &m, ctx, &sig));
        // Ed25519 is deterministic: the half is rebuilt exactly.
        assert_eq!(prim::composite_ed25519_half(&sk, &m, ctx), sig[3309..]);
        // Either half changed: refused.
        for at in [0, 3308, 3309, 3372] {
            let mut bad = sig.clone();
            bad[at] ^= 1;
            assert!(!prim::composite_verify(&pk, &m, ctx, &bad), "byte {at}");
        }
        assert!(!prim::composite_verify(&pk, b"another message", ctx, &sig));
    }
}

#[test]
fn blake3_matches_its_official_vectors() {
    let text = std::fs::read_to_string("tests/vectors/primitives/blake3.txt").unwrap();
    let mut n = 0;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let parts: Vec<&str> = line.split(' ').collect();
        let len: usize = parts[0].parse().unwrap();
        let input: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let mut out = vec![0u8; 131];
        let mut h = blake3::Hasher::new();
        h.update(&input);
        h.finalize_xof().fill(&mut out);
        assert_eq!(out, unhex(parts[1]), "hash {len}");
        let mut h =
            blake3::Hasher::new_derive_key("BLAKE3 2019-12-27 16:29:52 test vectors context");
        h.update(&input);
        h.finalize_xof().fill(&mut out);
        assert_eq!(out, unhex(parts[2]), "derive_key {len}");
        n += 1;
    }
    assert_eq!(n, 5);
}

#[test]
fn ed25519_refuses_non_canonical_s_and_small_order_keys() {
    // A valid signature (RFC 8032 test 1), then S + L (the group order): the same point
    // equation holds, so only a canonical-S check refuses it. If a dependency enabled
    // ed25519-dalek's `legacy_compatibility`, this would pass verification: the test fails.
    let pk = unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    let sig = unhex(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    );
    assert!(prim::ed25519_verify(&pk, b"", &sig));
    let l = unhex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
    let mut s_plus_l = sig.clone();
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(sig[32 + i]) + u16::from(l[i]) + carry;
        s_plus_l[32 + i] = sum as u8;
        carry = sum >> 8;
    }
    assert!(!prim::ed25519_verify(&pk, b"", &s_plus_l));
    // A small-order public key (the identity point) is refused as a signer key.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert!(seal::SignerPublic::from_bytes(SignatureKind::Ed25519, &identity).is_err());
    // A non-canonical encoding (y = p) is refused too.
    let p = unhex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    assert!(seal::SignerPublic::from_bytes(SignatureKind::Ed25519, &p).is_err());
}

#[test]
fn ml_dsa_65_agrees_with_wycheproof() {
    let text =
        std::fs::read_to_string("tests/vectors/primitives/wycheproof-mldsa65-verify.txt").unwrap();
    let mut pk = Vec::new();
    let mut n = 0;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let parts: Vec<&str> = line.split(' ').collect();
        if parts[0] == "pk" {
            pk = unhex(parts[1]);
            continue;
        }
        let field = |s: &str| if s == "-" { Vec::new() } else { unhex(s) };
        let (ctx, msg, sig) = (field(parts[2]), field(parts[3]), field(parts[4]));
        let valid = parts[1] == "valid";
        assert_eq!(
            prim::mldsa65_verify(&pk, &msg, &ctx, &sig),
            valid,
            "tcId {}",
            parts[0]
        );
        n += 1;
    }
    assert_eq!(n, 13);
}

/// The non-comment lines of a vector file in tests/vectors/primitives/, split at spaces.
fn vector_lines(name: &str) -> Vec<Vec<String>> {
    std::fs::read_to_string(format!("tests/vectors/primitives/{name}"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split(' ').map(str::to_owned).collect())
        .collect()
}

#[test]
fn ml_dsa_65_key_generation_agrees_with_acvp() {
    let mut n = 0;
    for case in vector_lines("acvp-mldsa65-keygen.txt") {
        let seed: [u8; 32] = unhex(&case[1]).try_into().unwrap();
        let (pk, sk) = prim::mldsa65_from_seed(&seed);
        assert_eq!(pk, unhex(&case[2]), "tcId {} public key", case[0]);
        assert_eq!(sk, unhex(&case[3]), "tcId {} secret key", case[0]);
        n += 1;
    }
    assert_eq!(n, 3);
}

#[test]
fn ml_dsa_65_signing_agrees_with_acvp() {
    let mut hedged = 0;
    for case in vector_lines("acvp-mldsa65-siggen.txt") {
        // Deterministic ML-DSA is the hedged algorithm with rnd = 32 zero bytes (FIPS 204 3.4).
        let rnd: [u8; 32] = match case[2].as_str() {
            "-" => [0; 32],
            rnd => {
                hedged += 1;
                unhex(rnd).try_into().unwrap()
            }
        };
        let (sk, m, sig) = (unhex(&case[3]), unhex(&case[4]), unhex(&case[5]));
        assert_eq!(
            prim::mldsa65_sign_internal(&sk, &m, rnd).unwrap(),
            sig,
            "tcId {}",
            case[0]
        );
    }
    assert_eq!(hedged, 2, "two of the four cases are hedged");
}

#[test]
fn ed25519_agrees_with_wycheproof() {
    let mut pk = Vec::new();
    let mut n = 0;
    for case in vector_lines("wycheproof-ed25519-verify.txt") {
        if case[0] == "pk" {
            pk = unhex(&case[1]);
            continue;
        }
        let field = |s: &str| if s == "-" { Vec::new() } else { unhex(s) };
        let (msg, sig) = (field(&case[3]), field(&case[4]));
        let valid = match case[1].as_str() {
            "valid" => true,
            "invalid" => false,
            other => panic!("tcId {}: result {other}", case[0]),
        };
        assert_eq!(
            prim::ed25519_verify(&pk, &msg, &sig),
            valid,
            "tcId {} ({})",
            case[0],
            case[2]
        );
        n += 1;
    }
    assert_eq!(n, 74);
}

#[test]
fn ed25519_agrees_with_the_speccheck_edge_cases() {
    // Only case 3 (mixed-order A and R, canonical, S < L) verifies under verify_strict; the
    // others have a small-order A or R, S ≥ L, or a non-canonical R or A.
    let mut accepted = Vec::new();
    for case in vector_lines("speccheck-ed25519.txt") {
        let (msg, pk, sig) = (unhex(&case[2]), unhex(&case[3]), unhex(&case[4]));
        let valid = match case[1].as_str() {
            "V" => true,
            "X" => false,
            other => panic!("case {}: result {other}", case[0]),
        };
        assert_eq!(
            prim::ed25519_verify(&pk, &msg, &sig),
            valid,
            "case {}",
            case[0]
        );
        if valid {
            accepted.push(case[0].clone());
        }
        // A small-order A (cases 0 and 1, speccheck's README) or a non-canonical one (10, 11)
        // is refused as a signer key before any signature is looked at.
        let key_refused = ["0", "1", "10", "11"].contains(&case[0].as_str());
        assert_eq!(
            seal::SignerPublic::from_bytes(SignatureKind::Ed25519, &pk).is_err(),
            key_refused,
            "case {} public key",
            case[0]
        );
    }
    assert_eq!(accepted, ["3"]);
}
