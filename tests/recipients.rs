//! Recipient streams through the library: round trips to one and many recipients, every
//! header byte of a recipient stream altered in turn, and the header reader on hostile and
//! dribbled input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test panics to report its failure"
)]

mod common;
#[allow(unused_imports)]
use common::{enc_key, enc_pass, enc_pass_salted, enc_salted, enc_to, enc_to_fixed};

use std::io::{Cursor, Read};

use common::PREFIX_LEN;
use seal::MAX_RECIPIENTS;
use seal::{Category, Cipher, Decryptor, Error, Identity, Key, Recipient, RecipientKind, Secret};

fn seal_to(recipients: &[Recipient], plain: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    enc_to(recipients, Cipher::ChaCha20Poly1305, 64)
        .unwrap()
        .threads(2)
        .encrypt(Cursor::new(plain.to_vec()), &mut out)
        .unwrap();
    out
}

fn open_with(identity: &Identity, stream: &[u8]) -> Result<Vec<u8>, Error> {
    let input = Cursor::new(stream.to_vec());
    let decryptor = Decryptor::new(input)?;
    let mut out = Vec::new();
    decryptor
        .unlock(Secret::from(identity))?
        .threads(2)
        .decrypt_to(&mut out)?;
    Ok(out)
}

#[test]
fn each_identity_decrypts_and_others_are_refused() {
    let plain = common::data(1000, 1);
    let ids: Vec<Identity> = [
        RecipientKind::MlKem768X25519,
        RecipientKind::X25519,
        RecipientKind::MlKem768X25519,
    ]
    .into_iter()
    .map(|k| Identity::generate(k).unwrap())
    .collect();
    let recipients: Vec<Recipient> = ids.iter().map(Identity::recipient).collect();
    let stream = seal_to(&recipients, &plain);
    for id in &ids {
        assert_eq!(open_with(id, &stream).unwrap(), plain);
    }
    // One recipient, each kind.
    for id in &ids[..2] {
        let single = seal_to(&[id.recipient()], &plain);
        assert_eq!(open_with(id, &single).unwrap(), plain);
        let stranger = Identity::generate(id.kind()).unwrap();
        let err = open_with(&stranger, &single).unwrap_err();
        assert!(matches!(
            err,
            Error::NoIdentityMatches { recipients: 1, .. }
        ));
        assert_eq!(err.category(), Category::Key);
        assert_eq!(
            err.to_string(),
            "no identity matches the stream's recipient"
        );
    }
    for kind in RecipientKind::ALL {
        let stranger = match kind {
            RecipientKind::SshEd25519 => Identity::from_ssh_seed(&[0x99; 32]),
            _ => Identity::generate(kind).unwrap(),
        };
        assert!(matches!(
            open_with(&stranger, &stream),
            Err(Error::NoIdentityMatches { recipients: 3, .. })
        ));
    }
    // A key file for a recipient stream, an identity for a key-file stream.
    let key = Key::generate().unwrap();
    let input = Cursor::new(stream.clone());
    let decryptor = Decryptor::new(input).unwrap();
    assert_eq!(
        decryptor
            .unlock(Secret::Key(&key))
            .err()
            .unwrap()
            .to_string(),
        "this stream was encrypted with public-key recipients (decrypt it with an identity), not a key file"
    );
    let keyed = common::seal_fixed(&key, Cipher::Aes256Gcm, 64, b"x", 1);
    let input = Cursor::new(keyed);
    let decryptor = Decryptor::new(input).unwrap();
    assert_eq!(
        decryptor
            .unlock(Secret::from(&ids[0]))
            .err()
            .unwrap()
            .to_string(),
        "this stream was encrypted with a key file, not an identity"
    );
}

#[test]
fn every_header_byte_altered_is_refused_before_any_frame() {
    let alice = Identity::generate(RecipientKind::X25519).unwrap();
    let bob = Identity::generate(RecipientKind::MlKem768X25519).unwrap();
    let plain = common::data(100, 2);
    let stream = seal_to(&[alice.recipient(), bob.recipient()], &plain);
    let header_len = common::header_of(&stream).unwrap().len();
    assert_eq!(header_len, 47 + 2 + (3 + 80) + (3 + 1168) + 32);
    for offset in 0..header_len {
        for mask in [0x01, 0x80] {
            let mut bad = stream.clone();
            bad[offset] ^= mask;
            for id in [&alice, &bob] {
                // Refused at the header: never a frame error, never plaintext.
                let input = Cursor::new(bad.clone());
                let refused = seal::Decryptor::new(input).and_then(|h| h.unlock(Secret::from(id)));
                let err = match refused {
                    Err(e) => e,
                    Ok(_) => panic!("byte {offset} ^ {mask:#x}: header accepted"),
                };
                assert!(
                    !matches!(err, Error::FrameAuth { .. } | Error::FrameOutOfPlace { .. }),
                    "byte {offset}: {err}"
                );
            }
        }
    }
    // Stanzas swapped: each still opens, the commitment does not match.
    let input = Cursor::new(stream.clone());
    let decryptor = Decryptor::new(input).unwrap();
    let bytes = decryptor.header().to_bytes();
    let (a, b) = (49..49 + 83, 49 + 83..header_len - 32);
    let mut swapped = bytes[..49].to_vec();
    swapped.extend_from_slice(&bytes[b]);
    swapped.extend_from_slice(&bytes[a]);
    swapped.extend_from_slice(&bytes[header_len - 32..]);
    swapped.extend_from_slice(&stream[header_len..]);
    for id in [&alice, &bob] {
        assert!(matches!(
            open_with(id, &swapped),
            Err(Error::HeaderModified)
        ));
    }
    // A stanza removed (count lowered to match) or the other stanza dropped likewise.
    let mut removed = bytes[..49].to_vec();
    removed[48] = 1;
    removed.extend_from_slice(&bytes[49..49 + 83]);
    removed.extend_from_slice(&bytes[header_len - 32..]);
    removed.extend_from_slice(&stream[header_len..]);
    assert!(matches!(
        open_with(&alice, &removed),
        Err(Error::HeaderModified)
    ));
    assert!(matches!(
        open_with(&bob, &removed),
        Err(Error::NoIdentityMatches { recipients: 1, .. })
    ));
}

/// Hands out one byte per read.
struct Dribble<R>(R);

impl<R: Read> Read for Dribble<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(1);
        self.0.read(&mut buf[..n])
    }
}

#[test]
fn header_reader_stops_at_the_header_and_bounds_what_it_holds() {
    let ids: Vec<Identity> = (0..5)
        .map(|_| Identity::generate(RecipientKind::X25519).unwrap())
        .collect();
    let recipients: Vec<Recipient> = ids.iter().map(Identity::recipient).collect();
    let stream = seal_to(&recipients, b"after the header");
    let mut input = Dribble(Cursor::new(stream.clone()));
    let header = Decryptor::new(&mut input).unwrap().header().clone();
    assert_eq!(header.stanzas().len(), 5);
    assert_eq!(input.0.position() as usize, header.len());
    let decryptor = Decryptor::new(Dribble(Cursor::new(stream.clone()))).unwrap();
    let mut rest = Vec::new();
    decryptor
        .unlock(Secret::from(&ids[4]))
        .unwrap()
        .threads(1)
        .decrypt_to(&mut rest)
        .unwrap();
    assert_eq!(rest, b"after the header");

    // A header claiming the most stanzas, then input ends: truncation, having read all there was.
    let mut hostile = stream[..PREFIX_LEN + 32].to_vec();
    hostile.extend_from_slice(&(MAX_RECIPIENTS as u16).to_be_bytes());
    hostile.extend_from_slice(&[0x7f, 0x08, 0x00]);
    let err = common::header_of(&hostile).unwrap_err();
    assert!(
        matches!(err, Error::HeaderTruncated { got: 52, need } if need == 52 + 2048 + 3),
        "{err:?}"
    );
    // One more than the most stanzas: refused from the count alone.
    hostile[47..49].copy_from_slice(&(MAX_RECIPIENTS as u16 + 1).to_be_bytes());
    assert!(matches!(
        common::header_of(&hostile),
        Err(Error::RecipientCountOutOfRange(1025))
    ));
}

#[test]
fn a_hundred_recipients_and_the_bound() {
    let ids: Vec<Identity> = (0..100)
        .map(|i| {
            let kind = RecipientKind::ALL[i % 2];
            Identity::generate(kind).unwrap()
        })
        .collect();
    let recipients: Vec<Recipient> = ids.iter().map(Identity::recipient).collect();
    let stream = seal_to(&recipients, b"to many");
    assert_eq!(open_with(&ids[99], &stream).unwrap(), b"to many");
    assert_eq!(open_with(&ids[0], &stream).unwrap(), b"to many");
    let r = ids[1].recipient();
    let too_many = vec![r; MAX_RECIPIENTS + 1];
    assert!(matches!(
        enc_to(&too_many, Cipher::Aes256Gcm, 64),
        Err(Error::RecipientCountOutOfRange(1025))
    ));
    assert!(matches!(
        enc_to(&[], Cipher::Aes256Gcm, 64),
        Err(Error::RecipientCountOutOfRange(0))
    ));
}

#[test]
fn several_identities_of_mixed_kinds_at_once() {
    let plain = common::data(300, 7);
    let pq = Identity::generate(RecipientKind::MlKem768X25519).unwrap();
    let x = Identity::generate(RecipientKind::X25519).unwrap();
    let stream = seal_to(&[x.recipient()], &plain);
    // Strangers of both kinds before the one that opens the stream: every stanza is tried
    // with every identity of its kind.
    let mine = [
        Identity::generate(RecipientKind::MlKem768X25519).unwrap(),
        Identity::generate(RecipientKind::X25519).unwrap(),
        pq,
        x,
    ];
    let mut out = Vec::new();
    Decryptor::new(Cursor::new(stream.clone()))
        .unwrap()
        .unlock(&mine)
        .unwrap()
        .reader()
        .read_to_end(&mut out)
        .unwrap();
    assert_eq!(out, plain);

    // None of them: the error counts the identities tried and the stanzas, by kind.
    let strangers = [
        Identity::generate(RecipientKind::X25519).unwrap(),
        Identity::generate(RecipientKind::MlKem768X25519).unwrap(),
        Identity::generate(RecipientKind::X25519).unwrap(),
    ];
    let both = seal_to(
        &[
            mine[0].recipient(),
            mine[1].recipient(),
            mine[3].recipient(),
        ],
        &plain,
    );
    let err = Decryptor::new(Cursor::new(both))
        .unwrap()
        .unlock(&strangers[..])
        .unwrap_err();
    let Error::NoIdentityMatches {
        recipients,
        tried,
        stanzas,
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(*recipients, 3);
    let counts = |t: &seal::Tally| -> Vec<(Option<&str>, usize)> {
        t.entries().iter().map(|e| (e.name, e.count)).collect()
    };
    assert_eq!(
        counts(tried),
        [(Some("x25519"), 2), (Some("mlkem768x25519"), 1)]
    );
    assert_eq!(
        counts(stanzas),
        [(Some("mlkem768x25519"), 1), (Some("x25519"), 2)]
    );
    assert_eq!(
        err.to_string(),
        "no identity matches any of the stream's 3 recipients (stanzas: 1 mlkem768x25519, \
         2 x25519; identities tried: 2 x25519, 1 mlkem768x25519)"
    );
    assert_eq!(err.category(), Category::Key);

    // A secret of another kind is refused by kind, before anything is tried.
    let err = Decryptor::new(Cursor::new(stream))
        .unwrap()
        .unlock(&Key::from_bytes([1; 32]))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::WrongSecretKind {
                stream: seal::SecretKind::Identity,
                given: seal::SecretKind::Key
            }
        ),
        "{err:?}"
    );
}
