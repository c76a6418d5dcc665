//! Damaged streams: every byte flipped, every truncation, frames swapped, dropped and
//! duplicated, header fields changed, wrong key. Each case must fail with its exact kind, and
//! only plaintext of frames before the damaged one may have been released.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test panics to report its failure"
)]

mod common;
#[allow(unused_imports)]
use common::{enc_key, enc_pass, enc_pass_salted, enc_salted, enc_to, enc_to_fixed};

use common::*;
use common::{FRAME_OVERHEAD, HEADER_LEN};
use seal::Cipher;
use seal::Position;

/// Plaintext a decoder may release before failing with `kind`: frames before the damage.
fn released_before(kind: Kind, plain: &[u8]) -> &[u8] {
    let frames = match kind {
        Kind::OutOfPlace(f) | Kind::Auth(f) | Kind::Truncated(f) | Kind::EmptyFinal(f) => f,
        _ => 0,
    };
    &plain[..(frames as usize * CHUNK).min(plain.len())]
}

fn check(plain: &[u8], damaged: &[u8], expected: Kind, what: &str) {
    for threads in [1, 4] {
        let (result, released) = open_all(&key(), damaged, threads);
        let got = match result {
            Ok(_) => panic!("{what}: decryption succeeded"),
            Err(e) => kind(&e),
        };
        assert_eq!(got, expected, "{what} (threads {threads})");
        assert!(
            released == released_before(expected, plain),
            "{what}: released {} bytes, expected {}",
            released.len(),
            released_before(expected, plain).len()
        );
    }
}

#[test]
fn every_byte_flipped_fails_with_its_kind() {
    for cipher in Cipher::ALL {
        let (plain, sealed) = stream(cipher);
        for offset in 0..sealed.len() {
            for mask in [0x01, 0x80] {
                let mut damaged = sealed.clone();
                damaged[offset] ^= mask;
                let expected = expect_flip(&sealed, offset, mask);
                check(
                    &plain,
                    &damaged,
                    expected,
                    &format!("{cipher:?} flip {mask:#x} at {offset}"),
                );
            }
        }
    }
}

#[test]
fn every_truncation_fails_with_its_kind() {
    for cipher in Cipher::ALL {
        let (plain, sealed) = stream(cipher);
        for len in 0..sealed.len() {
            check(
                &plain,
                &sealed[..len],
                expect_cut(len),
                &format!("{cipher:?} cut at {len}"),
            );
        }
    }
}

#[test]
fn frames_swapped_dropped_and_duplicated() {
    let (plain, sealed) = stream(Cipher::Aes256Gcm);
    let h = &sealed[..HEADER_LEN];
    let f = frames(&sealed);
    let cases: [(&str, Vec<&Vec<u8>>, Kind); 8] = [
        (
            "swap 0 and 1",
            vec![&f[1], &f[0], &f[2]],
            Kind::OutOfPlace(0),
        ),
        (
            "swap 1 and 2",
            vec![&f[0], &f[2], &f[1]],
            Kind::OutOfPlace(1),
        ),
        ("drop 0", vec![&f[1], &f[2]], Kind::OutOfPlace(0)),
        ("drop 1", vec![&f[0], &f[2]], Kind::OutOfPlace(1)),
        ("drop final", vec![&f[0], &f[1]], Kind::Truncated(2)),
        (
            "duplicate 0",
            vec![&f[0], &f[0], &f[1], &f[2]],
            Kind::OutOfPlace(1),
        ),
        (
            "duplicate 1",
            vec![&f[0], &f[1], &f[1], &f[2]],
            Kind::OutOfPlace(2),
        ),
        // The short final frame and its copy are read as one frame, whose tag fails.
        (
            "duplicate final",
            vec![&f[0], &f[1], &f[2], &f[2]],
            Kind::Auth(2),
        ),
    ];
    for (what, order, expected) in cases {
        check(&plain, &assemble(h, &order), expected, what);
    }
}

#[test]
fn header_of_another_stream_under_the_same_key_fails_frame_0() {
    let (plain, sealed) = stream(Cipher::Aes256Gcm);
    let mut other = Vec::new();
    enc_key(&key(), Cipher::Aes256Gcm, CHUNK as u32)
        .unwrap()
        .threads(1)
        .encrypt(std::io::Cursor::new(plain.clone()), &mut other)
        .unwrap();
    let mut spliced = other[..HEADER_LEN].to_vec();
    spliced.extend_from_slice(&sealed[HEADER_LEN..]);
    // Same key, so the commitment checks out; the frame key differs, so frame 0 fails.
    check(&plain, &spliced, Kind::Auth(0), "header of another stream");
}

#[test]
fn cipher_switched_to_the_other_valid_one_is_a_wrong_key() {
    let (plain, mut sealed) = stream(Cipher::Aes256Gcm);
    sealed[9] = Cipher::ChaCha20Poly1305.id();
    check(&plain, &sealed, Kind::WrongKey, "cipher 1 -> 2");
}

#[test]
fn wrong_key_is_refused_before_any_frame() {
    for cipher in Cipher::ALL {
        let (_, sealed) = stream(cipher);
        let (result, released) = open_all(&other_key(), &sealed, 2);
        assert_eq!(kind(&result.unwrap_err()), Kind::WrongKey);
        assert!(released.is_empty());
    }
}

#[test]
fn data_after_a_full_final_frame_is_trailing_data() {
    let plain = data(3 * CHUNK, 5);
    let mut sealed = seal_fixed(&key(), Cipher::Aes256Gcm, CHUNK as u32, &plain, 1);
    let end = sealed.len() as u64;
    for extra in [&[0u8][..], &[1, 2, 3], &sealed.clone()[..]] {
        let mut longer = sealed.clone();
        longer.extend_from_slice(extra);
        for threads in [1, 3] {
            let (result, released) = open_all(&key(), &longer, threads);
            assert_eq!(kind(&result.unwrap_err()), Kind::Trailing(end));
            // Every frame authenticated and is released; the error comes where the data does.
            assert!(released == plain);
        }
    }
    sealed.push(0);
    assert_eq!(open_err(&key(), &sealed, 2), Kind::Trailing(end));
}

#[test]
fn data_after_a_short_final_frame_fails_its_tag() {
    let (plain, mut sealed) = stream(Cipher::ChaCha20Poly1305);
    sealed.push(0);
    check(
        &plain,
        &sealed,
        Kind::Auth(2),
        "byte after short final frame",
    );
}

#[test]
fn authentic_empty_final_frame_after_data_is_refused() {
    // Build, with the per-frame API, a stream no seal encoder writes: a full frame 0 and an
    // empty (but authentic) final frame 1.
    let enc = enc_salted(&key(), Cipher::Aes256Gcm, CHUNK as u32, SALT).unwrap();
    let (stream_header, mut sealer) = enc.into_frame_sealer().unwrap();
    let header = stream_header.to_bytes();
    let plain = data(CHUNK, 1);
    let mut f0 = vec![0u8; FULL];
    f0[12..12 + CHUNK].copy_from_slice(&plain);
    let ticket = sealer.next_frame(Position::More).unwrap();
    sealer.seal(ticket, &mut f0, CHUNK).unwrap();
    let mut f1 = vec![0u8; FULL];
    let ticket = sealer.next_frame(Position::Final).unwrap();
    let n = sealer.seal(ticket, &mut f1, 0).unwrap();
    f1.truncate(n);
    let stream = assemble(&header, &[&f0, &f1]);
    check(&plain, &stream, Kind::EmptyFinal(1), "empty final frame 1");
}

#[test]
fn empty_stream_is_one_empty_final_frame() {
    let sealed = seal_fixed(&key(), Cipher::Aes256Gcm, CHUNK as u32, b"", 1);
    assert_eq!(sealed.len(), HEADER_LEN + FRAME_OVERHEAD);
    assert_eq!(
        &sealed[HEADER_LEN..HEADER_LEN + 12],
        &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    );
    assert!(open_ok(&key(), &sealed, 1).is_empty());
}

#[test]
fn not_a_seal_stream() {
    for input in [
        &b"hello world, this is not a seal stream at all......"[..],
        b"\x89SEAX",
    ] {
        assert_eq!(open_err(&key(), input, 1), Kind::BadMagic);
    }
    let key_text = key().to_text();
    assert_eq!(open_err(&key(), key_text.as_bytes(), 1), Kind::BadMagic);
}
