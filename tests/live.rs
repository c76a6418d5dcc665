//! Live streams (format version 2): frames of any length up to the chunk size, each carrying its
//! length. Round trips through the live encoder, its latency bound with a slow producer, and the
//! tamper matrix of the live framing: every byte flipped, every cut, frames swapped, dropped,
//! duplicated and spliced from another stream, hostile lengths and trailing data, each failing
//! with its exact kind and releasing only the frames before the damage.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test panics to report its failure"
)]

mod common;
#[allow(unused_imports)]
use common::{enc_key, enc_pass, enc_pass_salted, enc_salted, enc_to, enc_to_fixed};

use std::io::{self, Cursor, Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;
use common::{HEADER_LEN, LIVE_FRAME_OVERHEAD};
use seal::{Cipher, Decryptor, Error, Framing, Key, Position};

const OVERHEAD: usize = LIVE_FRAME_OVERHEAD;

/// A live stream sealed frame by frame: `more` are the non-final frames' plaintexts, `last`
/// the final frame's.
fn live_stream(
    key: &Key,
    salt: [u8; 32],
    cipher: Cipher,
    chunk: u32,
    more: &[&[u8]],
    last: &[u8],
) -> Vec<u8> {
    let enc = enc_salted(key, cipher, chunk, salt)
        .unwrap()
        .max_delay(Duration::ZERO);
    let (stream_header, mut sealer) = enc.into_frame_sealer().unwrap();
    assert_eq!(stream_header.framing(), Framing::Live);
    let mut out = stream_header.to_bytes();
    let frames = more
        .iter()
        .map(|p| (*p, Position::More))
        .chain([(last, Position::Final)]);
    for (i, (plain, position)) in frames.enumerate() {
        let mut buf = vec![0u8; plain.len() + OVERHEAD];
        buf[16..16 + plain.len()].copy_from_slice(plain);
        let ticket = sealer.next_frame(position).unwrap();
        assert_eq!(ticket.index(), i as u64);
        let n = sealer.seal(ticket, &mut buf, plain.len()).unwrap();
        assert_eq!(n, buf.len());
        out.extend_from_slice(&buf);
    }
    out
}

/// A reader that returns the given pieces one `read` at a time, then end of input.
struct Pieces(Vec<Vec<u8>>);

impl Read for Pieces {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.0.is_empty() {
            return Ok(0);
        }
        let piece = &mut self.0[0];
        let n = piece.len().min(buf.len());
        buf[..n].copy_from_slice(&piece[..n]);
        piece.drain(..n);
        if piece.is_empty() {
            self.0.remove(0);
        }
        Ok(n)
    }
}

fn seal_live_reads(pieces: &[Vec<u8>], chunk: u32, threads: usize) -> Vec<u8> {
    let mut out = Vec::new();
    enc_salted(&key(), Cipher::Aes256Gcm, chunk, SALT)
        .unwrap()
        .max_delay(Duration::ZERO)
        .threads(threads)
        .encrypt(Pieces(pieces.to_vec()), &mut out)
        .unwrap();
    out
}

#[test]
fn with_no_delay_each_read_is_a_frame_and_input_end_an_empty_final_frame() {
    let pieces = vec![data(5, 1), data(64, 2), data(1, 3), data(150, 4)];
    for threads in [1, 2, 4] {
        let sealed = seal_live_reads(&pieces, 64, threads);
        // 150 bytes are cut at the chunk size: 64 + 64 + 22.
        let (p, q) = (&pieces[3][..64], &pieces[3][64..128]);
        let more: [&[u8]; 6] = [&pieces[0], &pieces[1], &pieces[2], p, q, &pieces[3][128..]];
        assert!(sealed == live_stream(&key(), SALT, Cipher::Aes256Gcm, 64, &more, b""));
        assert_eq!(open_ok(&key(), &sealed, threads), pieces.concat());
    }
}

#[test]
fn live_round_trips_at_every_size_and_thread_count() {
    for len in [0, 1, 63, 64, 65, 200, 70_000] {
        let plain = data(len, len as u64);
        for threads in [1, 2, 3] {
            let mut sealed = Vec::new();
            enc_key(&key(), Cipher::ChaCha20Poly1305, 1024)
                .unwrap()
                .max_delay(Duration::from_millis(50))
                .threads(threads)
                .encrypt(Cursor::new(plain.clone()), &mut sealed)
                .unwrap();
            assert_eq!(sealed[8], 2, "version byte of a live stream");
            assert_eq!(
                open_ok(&key(), &sealed, threads),
                plain,
                "{len} bytes, {threads} threads"
            );
        }
    }
}

#[test]
fn frames_do_not_cross_between_fixed_and_live_streams_of_one_key_and_salt() {
    // Same key, salt, cipher and chunk size: only the version byte differs, and it is bound
    // into the frame key (and a live frame's length is its associated data). A fixed stream's
    // frame given a live frame's length field, and a live frame without it in a fixed
    // stream, are both refused at frame 0, never released.
    let plain = b"abc";
    let fixed = seal_fixed(&key(), Cipher::Aes256Gcm, 64, plain, 1);
    let live = live_stream(&key(), SALT, Cipher::Aes256Gcm, 64, &[], plain);
    let mut fixed_frame_in_live = live[..HEADER_LEN].to_vec();
    fixed_frame_in_live.extend_from_slice(&3u32.to_be_bytes());
    fixed_frame_in_live.extend_from_slice(&fixed[HEADER_LEN..]);
    assert_eq!(fixed_frame_in_live.len(), live.len());
    let mut live_frame_in_fixed = fixed[..HEADER_LEN].to_vec();
    live_frame_in_fixed.extend_from_slice(&live[HEADER_LEN + 4..]);
    assert_eq!(live_frame_in_fixed.len(), fixed.len());
    for threads in [1, 2] {
        assert_eq!(
            open_err(&key(), &fixed_frame_in_live, threads),
            Kind::Auth(0)
        );
        assert_eq!(
            open_err(&key(), &live_frame_in_fixed, threads),
            Kind::Auth(0)
        );
    }
}

#[test]
fn a_delay_longer_than_the_clock_can_count_is_no_panic() {
    // `Instant + Duration::MAX` overflows: the encoder must not compute a deadline that way.
    // With so long a delay, frames go out when full and at end of input.
    let plain = data(150, 9);
    for threads in [1, 2] {
        let mut sealed = Vec::new();
        enc_key(&key(), Cipher::Aes256Gcm, 64)
            .unwrap()
            .max_delay(Duration::MAX)
            .threads(threads)
            .encrypt(Cursor::new(plain.clone()), &mut sealed)
            .unwrap();
        assert_eq!(
            sealed.len(),
            HEADER_LEN + 150 + 3 * OVERHEAD,
            "64 + 64 + 22"
        );
        assert_eq!(open_ok(&key(), &sealed, threads), plain);
    }
}

#[test]
fn a_live_stream_and_a_fixed_one_differ_in_header_and_keys() {
    let fixed = seal_fixed(&key(), Cipher::Aes256Gcm, 64, b"abc", 1);
    let live = live_stream(&key(), SALT, Cipher::Aes256Gcm, 64, &[], b"abc");
    assert_eq!((fixed[8], live[8]), (1, 2));
    // Same salt and key: only the version byte differs in what is bound, yet the commitment
    // (and the frame key) differ, so neither header can be relabelled as the other.
    assert_eq!(fixed[..8], live[..8]);
    assert_eq!(fixed[9..47], live[9..47]);
    assert_ne!(fixed[47..79], live[47..79]);
    let mut relabelled = live.clone();
    relabelled[8] = 1;
    assert_eq!(open_err(&key(), &relabelled, 1), Kind::WrongKey);
}

/// Plaintext written to a channel, with the time each write arrived.
struct Timed(mpsc::Sender<(Instant, Vec<u8>)>);

impl Write for Timed {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let _ = self.0.send((Instant::now(), buf.to_vec()));
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn each_line_of_a_slow_producer_reaches_the_consumer_before_the_next_is_written() {
    // producer → pipe → live encoder → pipe → decoder → consumer, all in this process.
    let (plain_rx, mut plain_tx) = io::pipe().unwrap();
    let (sealed_rx, mut sealed_tx) = io::pipe().unwrap();
    let encoder = std::thread::spawn(move || {
        enc_key(&key(), Cipher::Aes256Gcm, 1 << 20)
            .unwrap()
            .max_delay(Duration::from_millis(200))
            .threads(2)
            .encrypt(plain_rx, &mut sealed_tx)
    });
    let (got_tx, got_rx) = mpsc::channel();
    let decoder = std::thread::spawn(move || {
        let input = sealed_rx;
        let d = Decryptor::new(input).and_then(|d| d.unlock(&key()))?;
        d.threads(2).decrypt_to(&mut Timed(got_tx))
    });
    let mut received = Vec::new();
    for k in 0..3 {
        let line = format!("line {k}\n");
        plain_tx.write_all(line.as_bytes()).unwrap();
        let written = Instant::now();
        // The line must come out well within the producer's pause (max delay 200 ms).
        let mut got = Vec::new();
        while got.len() < line.len() {
            let (at, bytes) = got_rx
                .recv_timeout(Duration::from_secs(5))
                .unwrap_or_else(|_| panic!("line {k} did not arrive within 5 s"));
            assert!(at.duration_since(written) < Duration::from_secs(5));
            got.extend_from_slice(&bytes);
        }
        assert_eq!(got, line.as_bytes());
        received.extend_from_slice(&got);
    }
    drop(plain_tx);
    encoder.join().unwrap().unwrap();
    assert_eq!(decoder.join().unwrap().unwrap(), received.len() as u64);
}

// The tamper matrix of the live framing, on one stream: frames of 5, 64 and 1 bytes, then a
// final frame of 10.

const SIZES: [usize; 4] = [5, 64, 1, 10];

fn sample(cipher: Cipher) -> (Vec<u8>, Vec<u8>) {
    let plain = data(SIZES.iter().sum(), 7);
    let (a, rest) = plain.split_at(5);
    let (b, rest) = rest.split_at(64);
    let (c, last) = rest.split_at(1);
    (
        plain.clone(),
        live_stream(&key(), SALT, cipher, 64, &[a, b, c], last),
    )
}

/// Start of frame `i` of the sample stream.
fn start(i: usize) -> usize {
    HEADER_LEN + SIZES[..i].iter().map(|n| n + OVERHEAD).sum::<usize>()
}

/// Frame of the sample stream that holds byte `offset` (past the header), and where in it.
fn locate(offset: usize) -> (usize, usize) {
    let i = (0..SIZES.len())
        .rev()
        .find(|&i| start(i) <= offset)
        .unwrap();
    (i, offset - start(i))
}

fn check(plain: &[u8], damaged: &[u8], expected: Kind, what: &str) {
    for threads in [1, 4] {
        let (result, released) = open_all(&key(), damaged, threads);
        let got = match result {
            Ok(_) => panic!("{what}: decryption succeeded"),
            Err(e) => kind(&e),
        };
        assert_eq!(got, expected, "{what} (threads {threads})");
        let frames = match expected {
            Kind::OutOfPlace(f) | Kind::Auth(f) | Kind::Truncated(f) | Kind::FrameLength(f) => {
                f as usize
            }
            Kind::Trailing(_) => SIZES.len(),
            _ => 0,
        };
        let before: usize = SIZES[..frames].iter().sum();
        assert!(
            released == plain[..before],
            "{what}: released {} bytes, expected {before}",
            released.len()
        );
    }
}

/// What flipping `mask` into byte `offset` of the sample stream must give.
fn expect_flip(sealed: &[u8], offset: usize, mask: u8) -> Kind {
    if offset < HEADER_LEN {
        return match offset {
            0..8 => Kind::BadMagic,
            // 2 → 3: a signed header (version 3), whose signature kind byte would come where
            // this header's commitment starts.
            8 if sealed[8] ^ mask == 3 => match sealed[HEADER_LEN - 32] {
                1 | 2 => Kind::HeaderTruncated,
                _ => Kind::SignatureKindByte,
            },
            8 => Kind::Version,
            // Other header fields: as for fixed framing (see tests/tamper.rs).
            _ => common::expect_flip(sealed, offset, mask),
        };
    }
    let (i, within) = locate(offset);
    let flipped = sealed[offset] ^ mask;
    let final_frame = i == SIZES.len() - 1;
    match within {
        0..4 => {
            let mut len = [0u8; 4];
            len.copy_from_slice(&sealed[offset - within..offset - within + 4]);
            len[within] = flipped;
            let len = u32::from_be_bytes(len) as usize;
            if len > 64 || (len == 0 && !final_frame) {
                Kind::FrameLength(i as u64)
            } else if start(i) + len + OVERHEAD > sealed.len() {
                Kind::Truncated(i as u64)
            } else {
                Kind::Auth(i as u64)
            }
        }
        4..15 => Kind::OutOfPlace(i as u64),
        15 if flipped > 1 => Kind::OutOfPlace(i as u64),
        _ => Kind::Auth(i as u64),
    }
}

#[test]
fn every_byte_flipped_in_a_live_stream_fails_with_its_kind() {
    for cipher in Cipher::ALL {
        let (plain, sealed) = sample(cipher);
        assert_eq!(open_ok(&key(), &sealed, 2), plain);
        for offset in 0..sealed.len() {
            for mask in [0x01, 0x80, 0xff] {
                let mut damaged = sealed.clone();
                damaged[offset] ^= mask;
                let what = format!("{cipher:?} flip {mask:#x} at {offset}");
                check(&plain, &damaged, expect_flip(&sealed, offset, mask), &what);
            }
        }
    }
}

#[test]
fn every_cut_of_a_live_stream_fails_with_its_kind() {
    let (plain, sealed) = sample(Cipher::Aes256Gcm);
    for len in 0..sealed.len() {
        let expected = if len < HEADER_LEN {
            Kind::HeaderTruncated
        } else {
            // Every frame says its length: a cut anywhere in frame i, or right before it, is
            // a truncation of frame i.
            Kind::Truncated(locate(len).0 as u64)
        };
        check(&plain, &sealed[..len], expected, &format!("cut at {len}"));
    }
}

#[test]
fn live_frames_swapped_dropped_duplicated_spliced_and_extended() {
    let (plain, sealed) = sample(Cipher::Aes256Gcm);
    let f: Vec<&[u8]> = (0..SIZES.len())
        .map(|i| &sealed[start(i)..start(i) + SIZES[i] + OVERHEAD])
        .collect();
    let h = &sealed[..HEADER_LEN];
    let join = |frames: &[&[u8]]| [&[h][..], frames].concat().concat();
    // The same frames from a stream with another salt (so another frame key).
    let other = live_stream(
        &key(),
        [0x77; 32],
        Cipher::Aes256Gcm,
        64,
        &[&plain[..5], &plain[5..69], &plain[69..70]],
        &plain[70..],
    );
    let other_frame = |i: usize| other[start(i)..start(i) + SIZES[i] + OVERHEAD].to_vec();
    let cases: Vec<(&str, Vec<u8>, Kind)> = vec![
        (
            "swap 0 and 1",
            join(&[f[1], f[0], f[2], f[3]]),
            Kind::OutOfPlace(0),
        ),
        (
            "swap 1 and 2",
            join(&[f[0], f[2], f[1], f[3]]),
            Kind::OutOfPlace(1),
        ),
        ("drop 1", join(&[f[0], f[2], f[3]]), Kind::OutOfPlace(1)),
        (
            "drop the final frame",
            join(&[f[0], f[1], f[2]]),
            Kind::Truncated(3),
        ),
        (
            "duplicate 0",
            join(&[f[0], f[0], f[1], f[2], f[3]]),
            Kind::OutOfPlace(1),
        ),
        (
            "final frame twice",
            join(&[f[0], f[1], f[2], f[3], f[3]]),
            Kind::Trailing(sealed.len() as u64),
        ),
        (
            "frame 2 of another stream",
            join(&[f[0], f[1], &other_frame(2), f[3]]),
            Kind::Auth(2),
        ),
        (
            "the header of another stream",
            [&other[..HEADER_LEN], &sealed[HEADER_LEN..]].concat(),
            Kind::Auth(0),
        ),
        (
            "one byte after the end",
            [&sealed[..], b"x"].concat(),
            Kind::Trailing(sealed.len() as u64),
        ),
    ];
    for (what, damaged, expected) in cases {
        check(&plain, &damaged, expected, what);
    }
}

#[test]
fn hostile_lengths_are_refused_before_anything_is_read_for_them() {
    // A 16 MiB-chunk live stream whose first frame claims 4 GiB, or one byte over the chunk:
    // refused from the 16 bytes of length and nonce, with nothing allocated for the body.
    let chunk = 16 << 20;
    let sealed = live_stream(&key(), SALT, Cipher::Aes256Gcm, chunk, &[b"abc"], b"");
    for len in [u32::MAX, chunk + 1] {
        let mut damaged = sealed.clone();
        damaged[HEADER_LEN..HEADER_LEN + 4].copy_from_slice(&len.to_be_bytes());
        let (result, released) = open_all(&key(), &damaged, 2);
        match result {
            Err(Error::FrameLength {
                frame: 0,
                offset,
                len: got,
            }) => {
                assert_eq!((offset, got), (HEADER_LEN as u64, len));
            }
            other => panic!("{other:?}"),
        }
        assert!(released.is_empty());
    }
    // A non-final frame of length 0, correctly sealed, cannot even be made.
    let enc = enc_salted(&key(), Cipher::Aes256Gcm, 64, SALT)
        .unwrap()
        .max_delay(Duration::ZERO);
    let (_, mut sealer) = enc.into_frame_sealer().unwrap();
    let mut buf = vec![0u8; OVERHEAD];
    let ticket = sealer.next_frame(Position::More).unwrap();
    assert!(matches!(
        sealer.seal(ticket, &mut buf, 0),
        Err(Error::SealRefused { frame: Some(0), .. })
    ));
}

#[test]
fn the_std_io_adapters_refuse_live_streams() {
    let live = enc_key(&key(), Cipher::Aes256Gcm, 64)
        .unwrap()
        .max_delay(Duration::ZERO);
    assert!(matches!(
        live.threads(1).wrap_output(Vec::new()).err(),
        Some(Error::LiveUnsupported(_))
    ));
    let sealed = live_stream(&key(), SALT, Cipher::Aes256Gcm, 64, &[b"abc"], b"");
    let input = Cursor::new(sealed);
    let mut reader = Decryptor::new(input)
        .and_then(|d| d.unlock(&key()))
        .unwrap()
        .reader();
    let err = reader.read(&mut [0u8; 8]).unwrap_err();
    let inner = err.get_ref().and_then(|e| e.downcast_ref::<Error>());
    assert!(matches!(inner, Some(Error::LiveUnsupported(_))), "{err}");
}

#[test]
fn every_key_kind_makes_live_streams() {
    use seal::{Argon2Params, Identity, Passphrase, RecipientKind, Secret};
    let plain = data(300, 5);
    let identity = Identity::generate(RecipientKind::X25519).unwrap();
    let pass = Passphrase::new(zeroize::Zeroizing::new(b"live and let live".to_vec())).unwrap();
    let params = Argon2Params::new(64, 1, 1).unwrap();
    let encryptors = [
        enc_key(&key(), Cipher::Aes256Gcm, 64).unwrap(),
        enc_pass(&pass, params, Cipher::Aes256Gcm, 64).unwrap(),
        enc_to(&[identity.recipient()], Cipher::ChaCha20Poly1305, 64).unwrap(),
    ];
    let secrets = [
        Secret::Key(&key()),
        Secret::Passphrase(&pass),
        Secret::from(&identity),
    ];
    for (encryptor, secret) in encryptors.into_iter().zip(secrets) {
        let mut sealed = Vec::new();
        encryptor
            .max_delay(Duration::from_millis(10))
            .threads(2)
            .encrypt(Cursor::new(plain.clone()), &mut sealed)
            .unwrap();
        assert_eq!(sealed[8], 2);
        let input = Cursor::new(sealed);
        let decryptor = Decryptor::new(input).unwrap();
        assert_eq!(decryptor.header().framing(), Framing::Live);
        let mut out = Vec::new();
        decryptor
            .unlock(secret)
            .unwrap()
            .threads(2)
            .decrypt_to(&mut out)
            .unwrap();
        assert_eq!(out, plain);
    }
}
