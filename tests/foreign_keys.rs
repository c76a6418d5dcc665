//! Keys seal did not make (issue 17), through the library: age's published example keys and
//! stanza (C2SP age.md; Debian's age 1.1.1 has no post-quantum keys), identity files with
//! comments and several identities, SSH identities, the refusal to mix post-quantum and
//! classical recipients, and the bound on the decoder's trial work.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test panics to report its failure"
)]

mod common;
#[allow(unused_imports)]
use common::{enc_key, enc_pass, enc_pass_salted, enc_salted, enc_to, enc_to_fixed};

use std::io::Cursor;

use seal::{
    Category, Cipher, Decryptor, Encryptor, Error, Identity, IdentityText, Recipient,
    RecipientKind, Secret, TextProblem, Unsupported,
};

fn spec_file(name: &str) -> String {
    let text = std::fs::read_to_string(format!("tests/age-spec/{name}")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

fn spec_seed() -> [u8; 32] {
    base16ct::lower::decode_vec(spec_file("seed-pq.txt").trim())
        .unwrap()
        .try_into()
        .unwrap()
}

/// The spec's example post-quantum identity, in age's text (Bech32, upper case).
fn spec_pq_identity_text() -> String {
    let hrp = bech32::Hrp::parse("AGE-SECRET-KEY-PQ-").unwrap();
    bech32::encode_upper::<bech32::Bech32>(hrp, &spec_seed()).unwrap()
}

#[test]
fn the_age_spec_post_quantum_example_is_seal_kind_01() {
    let text = spec_pq_identity_text();
    // The text the spec prints, as far as the spec's excerpt shows it.
    assert!(text.starts_with("AGE-SECRET-KEY-PQ-1XX76JRAL"), "{text}");
    assert!(text.ends_with("3SK3ZQFR"), "{text}");
    let identity = Identity::from_age_line(&text).unwrap();
    assert_eq!(identity.kind(), RecipientKind::MlKem768X25519);
    let published = spec_file("recipient-pq.txt");
    let published = published.trim();
    assert_eq!(published.len(), 1959);
    let recipient = Recipient::from_text(published).unwrap();
    assert_eq!(identity.recipient(), recipient);
    // The same key in seal's text is the same recipient.
    assert!(recipient.to_text().starts_with("sealpq1"));
    // A round trip through seal's stanza.
    let mut sealed = Vec::new();
    Encryptor::with_recipients(&[recipient])
        .unwrap()
        .encrypt(Cursor::new(b"post-quantum".to_vec()), &mut sealed)
        .unwrap();
    let mut out = Vec::new();
    Decryptor::new(Cursor::new(sealed))
        .unwrap()
        .unlock(Secret::from(&identity))
        .unwrap()
        .decrypt_to(&mut out)
        .unwrap();
    assert_eq!(out, b"post-quantum");
}

/// The spec's example stanza opens with the spec's identity through seal's X-Wing (the `hpke`
/// crate) and age's info string: seal's kind-01 key is age's MLKEM768-X25519 key, for
/// decapsulation too, not only key generation.
#[test]
fn the_age_spec_stanza_opens_with_seal_s_x_wing() {
    use base64ct::{Base64Unpadded, Encoding};
    use hpke::{Deserializable, Kem, OpModeR};
    let stanza = spec_file("stanza-pq.txt");
    let mut lines = stanza.lines();
    let args: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(args[..2], ["->", "mlkem768x25519"]);
    let enc = Base64Unpadded::decode_vec(args[2]).unwrap();
    let body = Base64Unpadded::decode_vec(lines.next().unwrap().trim()).unwrap();
    assert_eq!((enc.len(), body.len()), (1120, 32));
    let sk = <hpke::kem::XWing as Kem>::PrivateKey::from_bytes(&spec_seed()).unwrap();
    let enc = <hpke::kem::XWing as Kem>::EncappedKey::from_bytes(&enc).unwrap();
    let (ciphertext, tag) = body.split_at(16);
    let tag = hpke::aead::AeadTag::<hpke::aead::ChaCha20Poly1305>::from_bytes(tag).unwrap();
    let mut file_key = ciphertext.to_vec();
    hpke::single_shot_open_inout_detached::<
        hpke::aead::ChaCha20Poly1305,
        hpke::kdf::HkdfSha256,
        hpke::kem::XWing,
    >(
        &OpModeR::Base,
        &sk,
        &enc,
        b"age-encryption.org/mlkem768x25519",
        hpke::inout::InOutBuf::from(&mut file_key[..]),
        b"",
        &tag,
    )
    .unwrap();
    assert_eq!(
        base16ct::lower::encode_string(&file_key),
        "df56f61c8e496609c18d25c197451803"
    );
}

fn identities(text: &str) -> Vec<Identity> {
    match Identity::parse_file(text.as_bytes()).unwrap() {
        IdentityText::Identities(ids) => ids,
        other => panic!("{other:?}"),
    }
}

fn line_problem(text: &str) -> (usize, TextProblem) {
    match Identity::parse_file(text.as_bytes()) {
        Err(Error::IdentityLine { line, problem }) => (line, problem),
        other => panic!("{other:?}"),
    }
}

#[test]
fn identity_files_hold_comments_and_several_identities_of_both_families() {
    let seal_id = Identity::generate(RecipientKind::X25519).unwrap();
    let age_x = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
    let text = format!(
        "\u{feff}# created: 2026-12-06T00:00:00Z\r\n# public key: age1...\r\n{age_x}\r\n\n   \
         \t{}\t\n# pq\n{}\n",
        seal_id.to_text().unwrap().trim_end(),
        spec_pq_identity_text()
    );
    let ids = identities(&text);
    assert_eq!(ids.len(), 3);
    assert_eq!(ids[0].as_bytes(), Some(&[0x42; 32]));
    assert_eq!(ids[1].as_bytes(), seal_id.as_bytes());
    assert_eq!(ids[2].kind(), RecipientKind::MlKem768X25519);
    // An old one-line file is a file of this grammar.
    assert_eq!(identities(&seal_id.to_text().unwrap()).len(), 1);
    // Refusals name the line and never show it.
    assert_eq!(
        line_problem(&format!("{age_x}\nAGE-PLUGIN-YUBIKEY-1QQQQQQ\n")),
        (2, TextProblem::Unsupported(Unsupported::AgePlugin))
    );
    assert_eq!(
        line_problem(&format!("# c\n\nmy laptop\n{age_x}\n")),
        (3, TextProblem::NotRecognised)
    );
    assert_eq!(
        line_problem(&format!("{}\n", &age_x[..age_x.len() - 1])),
        (1, TextProblem::BadChecksum)
    );
    assert_eq!(
        line_problem("age-encryption.org/v1\n-> scrypt xyz 18\n"),
        (1, TextProblem::Unsupported(Unsupported::AgeEncrypted))
    );
    let e = Identity::parse_file(b"AGE-PLUGIN-YUBIKEY-1SECRETSECRET\n").unwrap_err();
    assert!(!e.to_string().contains("SECRET"), "{e}");
    assert!(matches!(
        Identity::parse_file(b"# only\n\n# comments\n"),
        Err(Error::NoIdentity)
    ));
    let many = format!("{age_x}\n").repeat(65);
    assert!(matches!(
        Identity::parse_file(many.as_bytes()),
        Err(Error::TooManyIdentities(65))
    ));
}

#[test]
fn mixing_post_quantum_and_classical_recipients_needs_the_opt_in() {
    let pq = Identity::generate(RecipientKind::MlKem768X25519).unwrap();
    let x = Identity::generate(RecipientKind::X25519).unwrap();
    let ssh = Identity::from_ssh_seed(&[0x80; 32]);
    let mixed = [pq.recipient(), x.recipient(), ssh.recipient()];
    match Encryptor::with_recipients(&mixed) {
        Err(
            e @ Error::MixedRecipients {
                post_quantum: 1,
                classical: 2,
            },
        ) => assert_eq!(e.category(), Category::Usage),
        other => panic!("{other:?}"),
    }
    // The rule itself, public so that a caller (the binary) can refuse before other work.
    assert!(matches!(
        Recipient::check_mix(&mixed),
        Err(Error::MixedRecipients {
            post_quantum: 1,
            classical: 2
        })
    ));
    assert!(Recipient::check_mix(&mixed[1..]).is_ok());
    assert!(Encryptor::with_recipients(&[x.recipient(), ssh.recipient()]).is_ok());
    assert!(Encryptor::with_recipients(&[pq.recipient()]).is_ok());
    let mut sealed = Vec::new();
    Encryptor::with_recipients_allowing_classical_mix(&mixed)
        .unwrap()
        .encrypt(Cursor::new(b"mixed".to_vec()), &mut sealed)
        .unwrap();
    // Decoding never refuses a mix.
    for id in [&pq, &x, &ssh] {
        let mut out = Vec::new();
        Decryptor::new(Cursor::new(sealed.clone()))
            .unwrap()
            .unlock(Secret::from(id))
            .unwrap()
            .decrypt_to(&mut out)
            .unwrap();
        assert_eq!(out, b"mixed");
    }
}

/// A kind-02 stanza to an SSH key's X25519 image is not opened by the SSH identity: kinds are
/// never cross-tried, and the SSH stanza's info binds the key.
#[test]
fn an_x25519_stanza_to_the_ssh_key_s_image_does_not_open_for_the_ssh_identity() {
    let ssh = Identity::from_ssh_seed(&[0x80; 32]);
    let a: [u8; 32] = ssh.recipient().to_bytes().try_into().unwrap();
    let u = curve25519_dalek::edwards::CompressedEdwardsY(a)
        .decompress()
        .unwrap()
        .to_montgomery();
    // The X25519 identity with the SSH identity's scalar, clamp(SHA-512(seed)[..32]), has the
    // same u.
    let mut scalar: [u8; 32] = <sha2::Sha512 as sha2::Digest>::digest([0x80; 32])[..32]
        .try_into()
        .unwrap();
    scalar[0] &= 248;
    scalar[31] &= 127;
    scalar[31] |= 64;
    let twin = Identity::from_bytes(RecipientKind::X25519, scalar).unwrap();
    assert_eq!(twin.recipient().to_bytes(), u.to_bytes());
    let mut sealed = Vec::new();
    Encryptor::with_recipients(&[twin.recipient()])
        .unwrap()
        .encrypt(Cursor::new(b"x".to_vec()), &mut sealed)
        .unwrap();
    let d = Decryptor::new(Cursor::new(sealed)).unwrap();
    assert!(matches!(
        d.unlock(Secret::from(&ssh)),
        Err(Error::NoIdentityMatches { .. })
    ));
}

#[test]
fn the_trial_work_is_bounded_before_the_first_attempt() {
    // 65 identities: refused whatever the header.
    let ids: Vec<Identity> = (0..65)
        .map(|_| Identity::generate(RecipientKind::X25519).unwrap())
        .collect();
    let mut sealed = Vec::new();
    Encryptor::with_recipients(&[ids[0].recipient()])
        .unwrap()
        .encrypt(Cursor::new(b"x".to_vec()), &mut sealed)
        .unwrap();
    let d = Decryptor::new(Cursor::new(sealed)).unwrap();
    match d.unlock(Secret::Identities(&ids)) {
        Err(e @ Error::TooManyIdentities(65)) => assert_eq!(e.category(), Category::Usage),
        Err(e) => panic!("{e:?}"),
        Ok(_) => panic!("65 identities accepted"),
    }
    // 1024 X-Wing stanzas × 5 X-Wing identities × 4 = 20480 > 16384: refused; 4 identities
    // (16384) are tried.
    let pq: Vec<Identity> = (0..5)
        .map(|_| Identity::generate(RecipientKind::MlKem768X25519).unwrap())
        .collect();
    let strangers: Vec<Recipient> = (0..1024)
        .map(|_| {
            Identity::generate(RecipientKind::MlKem768X25519)
                .unwrap()
                .recipient()
        })
        .collect();
    let mut sealed = Vec::new();
    enc_to(&strangers, Cipher::Aes256Gcm, 64)
        .unwrap()
        .encrypt(Cursor::new(b"x".to_vec()), &mut sealed)
        .unwrap();
    let d = Decryptor::new(Cursor::new(sealed.clone())).unwrap();
    match d.unlock(Secret::Identities(&pq)) {
        Err(Error::TooMuchTrialWork {
            stanzas: 1024,
            identities: 5,
            work: 20480,
        }) => {}
        Err(e) => panic!("{e:?}"),
        Ok(_) => panic!("opened"),
    }
    let d = Decryptor::new(Cursor::new(sealed)).unwrap();
    assert!(matches!(
        d.unlock(Secret::Identities(&pq[..4])),
        Err(Error::NoIdentityMatches { .. })
    ));
}

/// Every header byte of the SSH worked example (tests/vectors/), flipped in turn, is refused
/// before any plaintext: the stanza's kind, length, `enc`, wrapped key and tag, and every other
/// header field are bound.
#[test]
fn every_header_byte_of_the_ssh_example_flipped_is_refused() {
    let text = std::fs::read_to_string("tests/vectors/chacha20-poly1305-recipient-ssh-ed25519.txt")
        .unwrap();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap()
            .to_owned()
    };
    let stream = base16ct::lower::decode_vec(field("stream")).unwrap();
    let seed: [u8; 32] = base16ct::lower::decode_vec(
        field("identity_1")
            .strip_prefix("ssh-ed25519-seed ")
            .unwrap(),
    )
    .unwrap()
    .try_into()
    .unwrap();
    let identity = Identity::from_ssh_seed(&seed);
    let open = |bytes: Vec<u8>| -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        Decryptor::new(Cursor::new(bytes))?
            .unlock(Secret::from(&identity))?
            .decrypt_to(&mut out)?;
        Ok(out)
    };
    assert_eq!(
        open(stream.clone()).unwrap(),
        base16ct::lower::decode_vec(field("plaintext")).unwrap()
    );
    const HEADER_LEN: usize = 164;
    // Every header byte, with its lowest bit, its highest bit and all its bits flipped (a
    // length or count field takes other paths for each), is refused with the error its field
    // calls for (FORMAT.md's layout: 47 bytes of fixed header, the count at 47, the stanza's
    // kind at 49, its length at 50, its body at 52, the commitment at 132).
    let expected = |i: usize, mask: u8| match (i, mask) {
        (0..8, _) => "BadMagic",
        (8, _) => "UnsupportedVersion",
        (9, _) => "UnsupportedCipher",
        // 03 ^ 01 = 02, a passphrase stream, whose Argon2id cost is then read from the stanzas.
        (10, 0x01) => "KdfCostOutOfRange",
        (10, _) => "UnsupportedKeyKind",
        (11, _) => "ChunkSizeOutOfRange",
        // Another chunk size in range, or another salt: bound into the commitment.
        (12..47, _) => "HeaderModified",
        // 00 01 → 01 01 = 257 stanzas: the header ends inside them.
        (47, 0x01) => "StanzaLength",
        (47, _) => "RecipientCountOutOfRange",
        // 00 01 → 00 00: no stanza.
        (48, 0x01) => "RecipientCountOutOfRange",
        (48, _) => "StanzaLength",
        // Kind 02 is not tried with an SSH identity; 83 and FC are unknown kinds, passed over.
        (49, _) => "NoIdentityMatches",
        (50..52, _) => "StanzaLength",
        // The HPKE open fails.
        (52..132, _) => "NoIdentityMatches",
        (132..HEADER_LEN, _) => "HeaderModified",
        _ => unreachable!(),
    };
    for i in 0..HEADER_LEN {
        for mask in [0x01, 0x80, 0xff] {
            let mut bad = stream.clone();
            bad[i] ^= mask;
            let err = match open(bad) {
                Ok(_) => panic!("byte {i} ^ {mask:#04x} was accepted"),
                Err(e) => format!("{e:?}"),
            };
            let kind = err.split(|c: char| !c.is_alphanumeric()).next().unwrap();
            assert_eq!(kind, expected(i, mask), "byte {i} ^ {mask:#04x}: {err}");
        }
    }
    // The stanza's kind byte made 02 (X25519): the SSH identity does not open it.
    let mut relabelled = stream.clone();
    assert_eq!(relabelled[49], 3);
    relabelled[49] = 2;
    assert!(matches!(
        open(relabelled),
        Err(Error::NoIdentityMatches { .. })
    ));
}
