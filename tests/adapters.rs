//! The std::io adapters: EncryptingWriter writes exactly what Encryptor::encrypt writes, at
//! every thread count and however the writes are cut; DecryptingReader reads it back, fails
//! damaged and truncated streams with the decoder's error kinds, and seeks.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test panics to report its failure"
)]

mod common;
#[allow(unused_imports)]
use common::{enc_key, enc_pass, enc_pass_salted, enc_salted, enc_to, enc_to_fixed};

use std::io::{self, Cursor, Read, Seek, SeekFrom, Write};

use common::HEADER_LEN;
use common::*;
use seal::{Cipher, DecryptingReader, Decryptor, EncryptingWriter, Error};

fn writer<W: Write + Send + 'static>(chunk: u32, out: W, threads: usize) -> EncryptingWriter<W> {
    enc_salted(&key(), Cipher::Aes256Gcm, chunk, SALT)
        .unwrap()
        .threads(threads)
        .wrap_output(out)
        .unwrap()
}

/// Writes `plain` in pieces of `piece` bytes (0: one write_all).
fn write_in_pieces(chunk: u32, plain: &[u8], piece: usize, threads: usize) -> Vec<u8> {
    let mut w = writer(chunk, Vec::new(), threads);
    if piece == 0 {
        w.write_all(plain).unwrap();
    } else {
        for part in plain.chunks(piece) {
            w.write_all(part).unwrap();
            w.flush().unwrap();
        }
    }
    w.finish().unwrap()
}

fn reader(sealed: &[u8]) -> DecryptingReader<Cursor<Vec<u8>>> {
    let input = Cursor::new(sealed.to_vec());
    Decryptor::new(input)
        .and_then(|d| d.unlock(&key()))
        .unwrap()
        .reader()
}

/// The seal error inside an adapter's io::Error, as the tests' kind.
fn io_kind(e: io::Error) -> Kind {
    kind(&Error::from_io(e))
}

#[test]
fn writer_bytes_are_encrypts_at_every_size_thread_count_and_write_size() {
    for (chunk, sizes) in [
        (
            64u32,
            &[0usize, 1, 63, 64, 65, 127, 128, 129, 640, 1000][..],
        ),
        (4096, &[0, 4095, 4096, 4097, 70_000][..]),
    ] {
        for &size in sizes {
            let plain = data(size, size as u64);
            let expected = seal_fixed(&key(), Cipher::Aes256Gcm, chunk, &plain, 1);
            for threads in [1, 2, 3, 8] {
                for piece in [0, 1, 7, 64, 100] {
                    if piece == 1 && size > 2000 {
                        continue;
                    }
                    let got = write_in_pieces(chunk, &plain, piece, threads);
                    assert!(
                        got == expected,
                        "chunk {chunk} size {size} threads {threads} piece {piece}"
                    );
                }
            }
        }
    }
}

#[test]
fn inline_writer_takes_borrowed_and_non_send_writers() {
    let plain = data(1000, 9);
    let expected = seal_fixed(&key(), Cipher::Aes256Gcm, 64, &plain, 1);
    let encryptor = || enc_salted(&key(), Cipher::Aes256Gcm, 64, SALT).unwrap();
    // A borrowed Vec.
    let mut out = Vec::new();
    let mut w = encryptor().wrap_output_inline(&mut out).unwrap();
    w.write_all(&plain).unwrap();
    w.finish().unwrap();
    assert!(out == expected);
    // A writer that is not Send (an Rc inside).
    let shared = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    struct Local(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);
    impl Write for Local {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut w = encryptor()
        .wrap_output_inline(Local(shared.clone()))
        .unwrap();
    for part in plain.chunks(10) {
        w.write_all(part).unwrap();
    }
    drop(w.finish().unwrap());
    assert!(*shared.borrow() == expected);
}

#[test]
fn writer_round_trips_a_large_stream_through_the_reader() {
    let plain = data(3 * 1024 * 1024 + 17, 5);
    for threads in [1, 4] {
        let mut w = enc_key(&key(), Cipher::ChaCha20Poly1305, 65536)
            .unwrap()
            .threads(threads)
            .wrap_output(Vec::new())
            .unwrap();
        w.write_all(&plain).unwrap();
        let sealed = w.finish().unwrap();
        assert_eq!(open_ok(&key(), &sealed, 2), plain);
        let mut back = Vec::new();
        reader(&sealed).read_to_end(&mut back).unwrap();
        assert!(back == plain);
    }
}

#[test]
fn writer_dropped_unfinished_leaves_a_stream_that_is_not_complete() {
    for threads in [1, 3] {
        for size in [0, 10, 64, 200] {
            // A Vec shared with the test, so that the bytes written before the drop are seen.
            let out = Shared::default();
            let mut w = writer(64, out.clone(), threads);
            w.write_all(&data(size, 1)).unwrap();
            drop(w);
            // The pool's background thread may still be writing its last non-final frames.
            let frames = size.saturating_sub(1) / 64;
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while out.0.lock().unwrap().len() < HEADER_LEN + frames * FULL
                && std::time::Instant::now() < deadline
            {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            let sealed = out.0.lock().unwrap().clone();
            assert_eq!(sealed.len(), HEADER_LEN + frames * FULL, "size {size}");
            assert_eq!(
                open_err(&key(), &sealed, 1),
                Kind::Truncated(frames as u64),
                "size {size} threads {threads}"
            );
        }
    }
}

#[derive(Clone, Default)]
struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Accepts `limit` bytes, then fails.
struct Failing {
    limit: usize,
}

impl Write for Failing {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.len() > self.limit {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"));
        }
        self.limit -= buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn writer_reports_a_failing_inner_writer_and_keeps_failing() {
    let plain = data(64 * 20, 3);
    for threads in [1, 2] {
        // The header fails at once.
        let err = enc_key(&key(), Cipher::Aes256Gcm, 64)
            .unwrap()
            .threads(threads)
            .wrap_output(Failing { limit: 10 })
            .err()
            .unwrap();
        assert_eq!(kind(&err), Kind::Write);
        // A frame fails later: seen by a later write (inline) or by finish (pool).
        let mut w = writer(
            64,
            Failing {
                limit: HEADER_LEN + 3 * FULL,
            },
            threads,
        );
        let mut failed = None;
        for part in plain.chunks(64) {
            if let Err(e) = w.write_all(part) {
                failed = Some(e);
                break;
            }
        }
        match failed {
            Some(e) => {
                assert_eq!(e.kind(), io::ErrorKind::StorageFull);
                assert_eq!(io_kind(e), Kind::Write);
                let again = w.write(b"x").unwrap_err();
                assert_eq!(io_kind(again), Kind::Write, "errors are sticky");
                assert_eq!(kind(&w.finish().err().unwrap()), Kind::Write);
            }
            None => assert_eq!(kind(&w.finish().err().unwrap()), Kind::Write),
        }
    }
}

#[test]
fn reader_round_trips_at_many_sizes_and_read_sizes() {
    for cipher in Cipher::ALL {
        for size in [0usize, 1, 63, 64, 65, 128, 129, 1000, 5000] {
            let plain = data(size, 7);
            let sealed = seal_fixed(&key(), cipher, 64, &plain, 1);
            for read_size in [1usize, 5, 64, 100, 8192] {
                let mut r = reader(&sealed);
                let mut back = Vec::new();
                let mut buf = vec![0u8; read_size];
                loop {
                    let n = r.read(&mut buf).unwrap();
                    if n == 0 {
                        break;
                    }
                    back.extend_from_slice(&buf[..n]);
                }
                assert!(back == plain, "{cipher:?} size {size} reads of {read_size}");
                assert_eq!(r.read(&mut buf).unwrap(), 0, "end of file stays");
            }
        }
    }
}

/// What a reader releases before failing, and its error's kind.
fn read_all(mut r: impl Read) -> (Vec<u8>, Option<Kind>) {
    let mut out = Vec::new();
    let mut buf = [0u8; 50];
    loop {
        match r.read(&mut buf) {
            Ok(0) => return (out, None),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) => {
                let first = io_kind(e);
                let again = io_kind(r.read(&mut buf).unwrap_err());
                assert_eq!(first, again, "errors are sticky");
                return (out, Some(first));
            }
        }
    }
}

#[test]
fn reader_fails_damage_and_truncation_with_the_decoders_kinds() {
    for cipher in Cipher::ALL {
        let (plain, sealed) = stream(cipher);
        for offset in HEADER_LEN..sealed.len() {
            for mask in [0x01, 0x80] {
                let mut damaged = sealed.clone();
                damaged[offset] ^= mask;
                let expected = expect_flip(&sealed, offset, mask);
                let (released, got) = read_all(reader(&damaged));
                assert_eq!(got, Some(expected), "flip {mask:#x} at {offset}");
                let (result, by_decoder) = open_all(&key(), &damaged, 1);
                assert!(result.is_err());
                assert!(
                    released == by_decoder,
                    "flip at {offset}: what the decoder releases"
                );
                assert!(plain.starts_with(&released));
            }
        }
        for len in HEADER_LEN..sealed.len() {
            let (released, got) = read_all(reader(&sealed[..len]));
            assert_eq!(got, Some(expect_cut(len)), "cut at {len}");
            assert!(plain.starts_with(&released));
        }
        let mut trailing = sealed.clone();
        trailing.extend_from_slice(&[0; 40]);
        let (released, got) = read_all(reader(&trailing));
        assert_eq!(got, Some(Kind::Auth(2)));
        assert!(released == plain[..2 * CHUNK]);
    }
}

#[test]
fn io_errors_carry_the_typed_error_and_a_fitting_kind() {
    let (_, sealed) = stream(Cipher::Aes256Gcm);
    let mut r = reader(&sealed[..sealed.len() - 40]);
    let e = r.read_to_end(&mut Vec::new()).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
    assert!(matches!(
        Error::from_io(e),
        Error::Truncated { frame: 1, .. }
    ));
    let mut damaged = sealed.clone();
    damaged[HEADER_LEN + 20] ^= 1;
    let e = reader(&damaged).read_to_end(&mut Vec::new()).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidData);
    assert!(matches!(
        Error::from_io(e),
        Error::FrameAuth { frame: 0, .. }
    ));
    // A reader's error read by the library again (here: re-encrypting a damaged stream) is
    // the typed error again, not an opaque read error.
    let r = reader(&damaged);
    let err = enc_key(&key(), Cipher::Aes256Gcm, 64)
        .unwrap()
        .threads(2)
        .encrypt(r, &mut Vec::new())
        .unwrap_err();
    assert_eq!(kind(&err), Kind::Auth(0));
}

/// A 64-byte-chunk stream of 5 full frames and a short one, for the seek tests.
fn seek_stream() -> (Vec<u8>, Vec<u8>) {
    let plain = data(5 * 64 + 10, 11);
    let sealed = seal_fixed(&key(), Cipher::ChaCha20Poly1305, 64, &plain, 1);
    (plain, sealed)
}

/// Counts the bytes read through it.
struct Metered<R> {
    inner: R,
    read: std::rc::Rc<std::cell::Cell<usize>>,
}

impl<R: Read> Read for Metered<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n);
        Ok(n)
    }
}

impl<R: Seek> Seek for Metered<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        self.inner.seek(to)
    }
}

#[test]
fn every_seek_position_across_frame_boundaries_reads_the_right_bytes() {
    let (plain, sealed) = seek_stream();
    let len = plain.len() as u64;
    for start in 0..=len {
        for want in [0u64, 1, 2, 63, 64, 65, 129, 400] {
            let mut r = reader(&sealed);
            assert_eq!(r.seek(SeekFrom::Start(start)).unwrap(), start);
            let mut got = Vec::new();
            r.by_ref().take(want).read_to_end(&mut got).unwrap();
            let end = (start + want).min(len) as usize;
            assert!(got == plain[start as usize..end], "{start}+{want}");
            assert_eq!(r.stream_position().unwrap(), end as u64);
        }
    }
    // Relative seeks, both ways, on one reader.
    let mut r = reader(&sealed);
    let mut byte = [0u8; 1];
    for back in 1..=len as i64 {
        assert_eq!(r.seek(SeekFrom::End(-back)).unwrap(), len - back as u64);
        r.read_exact(&mut byte).unwrap();
        assert_eq!(byte[0], plain[(len as i64 - back) as usize]);
        r.seek(SeekFrom::Current(-1)).unwrap();
        r.read_exact(&mut byte).unwrap();
        assert_eq!(byte[0], plain[(len as i64 - back) as usize]);
    }
    assert_eq!(r.seek(SeekFrom::End(0)).unwrap(), len);
    assert_eq!(r.read(&mut byte).unwrap(), 0);
    assert_eq!(r.seek(SeekFrom::Start(len + 100)).unwrap(), len + 100);
    assert_eq!(
        r.read(&mut byte).unwrap(),
        0,
        "past the end reads as end of file"
    );
    let e = r.seek(SeekFrom::End(-(len as i64) - 1)).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    assert_eq!(
        r.stream_position().unwrap(),
        len + 100,
        "a failed seek moves nothing"
    );
}

#[test]
fn seeking_reads_only_the_final_frame_and_the_frames_asked_for() {
    let plain = data(100 * 64, 12);
    let sealed = seal_fixed(&key(), Cipher::Aes256Gcm, 64, &plain, 1);
    let read = std::rc::Rc::new(std::cell::Cell::new(0));
    let input = Metered {
        inner: Cursor::new(sealed),
        read: read.clone(),
    };
    let dec = Decryptor::new(input)
        .and_then(|d| d.unlock(&key()))
        .unwrap();
    let mut r = dec.reader();
    read.set(0);
    assert_eq!(r.plaintext_len().unwrap(), 6400);
    assert_eq!(read.get(), FULL, "the final frame only");
    r.seek(SeekFrom::Start(50 * 64 + 60)).unwrap();
    let mut got = [0u8; 10];
    r.read_exact(&mut got).unwrap();
    assert_eq!(got, plain[50 * 64 + 60..50 * 64 + 70]);
    assert_eq!(read.get(), 3 * FULL, "and frames 50 and 51");
}

#[test]
fn seeking_after_reading_in_order_and_streams_not_at_offset_zero() {
    let (plain, sealed) = seek_stream();
    // The stream starts 7 bytes into the file.
    let mut file = vec![0xEE; 7];
    file.extend_from_slice(&sealed);
    let mut input = Cursor::new(file);
    input.seek(SeekFrom::Start(7)).unwrap();
    let mut r = Decryptor::new(input)
        .and_then(|d| d.unlock(&key()))
        .unwrap()
        .reader();
    let mut first = vec![0u8; 100];
    r.read_exact(&mut first).unwrap();
    assert!(first == plain[..100]);
    assert_eq!(r.plaintext_len().unwrap(), plain.len() as u64);
    let mut rest = Vec::new();
    r.read_to_end(&mut rest).unwrap();
    assert!(rest == plain[100..], "reading goes on where it was");
    r.seek(SeekFrom::Start(3)).unwrap();
    let mut three = [0u8; 3];
    r.read_exact(&mut three).unwrap();
    assert_eq!(three, plain[3..6]);
}

#[test]
fn seeks_on_damaged_streams_fail_with_the_damaged_frames_kind() {
    let (plain, sealed) = stream(Cipher::Aes256Gcm);
    let last = 2;
    for offset in HEADER_LEN..sealed.len() {
        for mask in [0x01, 0x80] {
            let mut damaged = sealed.clone();
            damaged[offset] ^= mask;
            let expected = expect_flip(&sealed, offset, mask);
            let frame = ((offset - HEADER_LEN) / FULL) as u64;
            let what = format!("flip {mask:#x} at {offset}");
            let mut r = reader(&damaged);
            if frame == last {
                // The first seek authenticates the final frame.
                let e = r.seek(SeekFrom::Start(0)).unwrap_err();
                assert_eq!(io_kind(e), expected, "{what}");
                let e = r.read(&mut [0u8; 1]).unwrap_err();
                assert_eq!(io_kind(e), expected, "{what}: reading after fails too");
                continue;
            }
            // Every frame but the damaged one reads; the damaged one fails with its kind.
            for f in 0..3u64 {
                r.seek(SeekFrom::Start(f * CHUNK as u64)).unwrap();
                let mut got = Vec::new();
                let result = r.by_ref().take(CHUNK as u64).read_to_end(&mut got);
                let end = ((f as usize + 1) * CHUNK).min(plain.len());
                if f == frame {
                    assert_eq!(io_kind(result.unwrap_err()), expected, "{what}");
                    assert!(got.is_empty(), "{what}: nothing of a damaged frame");
                } else {
                    result.unwrap();
                    assert!(got == plain[f as usize * CHUNK..end], "{what} frame {f}");
                }
            }
        }
    }
}

#[test]
fn seeks_on_truncated_streams_fail_with_the_truncations_kind() {
    let (_, sealed) = stream(Cipher::ChaCha20Poly1305);
    for len in HEADER_LEN..sealed.len() {
        let mut r = reader(&sealed[..len]);
        let e = r.seek(SeekFrom::End(0)).unwrap_err();
        assert_eq!(io_kind(e), expect_cut(len), "cut at {len}");
        let e = r.plaintext_len().unwrap_err();
        assert_eq!(io_kind(e), expect_cut(len), "cut at {len}, asked again");
    }
}

#[test]
fn reading_a_range_of_a_file() {
    // The doc example's shape, on a real file.
    let plain = data(10_000, 4);
    let mut file = tempfile::tempfile().unwrap();
    let mut w = writer(256, file.try_clone().unwrap(), 2);
    w.write_all(&plain).unwrap();
    w.finish().unwrap();
    file.seek(SeekFrom::Start(0)).unwrap();
    let mut r = Decryptor::new(file.try_clone().unwrap())
        .and_then(|d| d.unlock(&key()))
        .unwrap()
        .reader();
    r.seek(SeekFrom::Start(4000)).unwrap();
    let mut range = vec![0u8; 3000];
    r.read_exact(&mut range).unwrap();
    assert!(range == plain[4000..7000]);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// However the writes are cut and at any thread count, the writer's bytes are encrypt's;
        /// any sequence of seeks and reads on them gives the plaintext's bytes.
        #[test]
        fn writes_cut_anyhow_and_seeks_anywhere(
            len in 0usize..1500,
            chunk in 64u32..200,
            cuts in proptest::collection::vec(1usize..300, 1..20),
            threads in 1usize..4,
            seeks in proptest::collection::vec((0u64..1600, 0usize..300), 0..12),
        ) {
            let plain = data(len, len as u64 ^ u64::from(chunk));
            let expected = seal_fixed(&key(), Cipher::Aes256Gcm, chunk, &plain, 1);
            let mut w = writer(chunk, Vec::new(), threads);
            let mut at = 0;
            for &cut in cuts.iter().cycle() {
                if at >= plain.len() {
                    break;
                }
                let end = (at + cut).min(plain.len());
                w.write_all(&plain[at..end]).unwrap();
                at = end;
            }
            let sealed = w.finish().unwrap();
            prop_assert!(sealed == expected);
            let mut r = reader(&sealed);
            for (to, want) in seeks {
                prop_assert_eq!(r.seek(SeekFrom::Start(to)).unwrap(), to);
                let mut got = Vec::new();
                r.by_ref().take(want as u64).read_to_end(&mut got).unwrap();
                let from = (to as usize).min(len);
                let end = (to as usize + want).min(len).max(from);
                prop_assert!(got == plain[from..end], "seek {} read {}", to, want);
            }
        }
    }
}

/// A seekable reader whose reads fail while `fail` is set, as a disk or a network file system
/// may in the middle of a frame.
struct Flaky {
    inner: Cursor<Vec<u8>>,
    fail: std::rc::Rc<std::cell::Cell<bool>>,
}

impl Read for Flaky {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.fail.get() {
            // Part of the frame arrives first, then the error.
            if buf.len() > 1 {
                let half = buf.len() / 2;
                let n = self.inner.read(&mut buf[..half])?;
                if n > 0 {
                    return Ok(n);
                }
            }
            return Err(io::Error::other("the disk went away"));
        }
        self.inner.read(buf)
    }
}

impl Seek for Flaky {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        self.inner.seek(to)
    }
}

#[test]
fn a_read_error_inside_a_frame_then_a_seek_back_reads_authentic_bytes_again() {
    let (plain, sealed) = seek_stream();
    let fail = std::rc::Rc::new(std::cell::Cell::new(false));
    let input = Flaky {
        inner: Cursor::new(sealed),
        fail: fail.clone(),
    };
    let mut r = Decryptor::new(input)
        .and_then(|d| d.unlock(&key()))
        .unwrap()
        .reader();
    r.seek(SeekFrom::Start(0)).unwrap();
    let mut first = vec![0u8; CHUNK];
    r.read_exact(&mut first).unwrap();
    assert!(first == plain[..CHUNK]);
    // Frame 1 fails half-way through being read (its first half has overwritten whatever
    // buffer it was read into).
    fail.set(true);
    let e = r.read(&mut [0u8; 8]).unwrap_err();
    assert_eq!(io_kind(e), Kind::Read);
    assert_eq!(io_kind(r.read(&mut [0u8; 8]).unwrap_err()), Kind::Read);
    fail.set(false);
    // Back into frame 0, which was opened before the error: its bytes, not a panic and not
    // the ciphertext of frame 1.
    for (at, len) in [(10, 20), (0, CHUNK), (CHUNK - 3, 3 + CHUNK + 5)] {
        r.seek(SeekFrom::Start(at as u64)).unwrap();
        let mut got = vec![0u8; len];
        r.read_exact(&mut got).unwrap();
        assert!(got == plain[at..at + len], "{at}+{len}");
    }
    // Reading in order from the start, then failing inside frame 1 the same way.
    let fail = std::rc::Rc::new(std::cell::Cell::new(false));
    let (plain, sealed) = seek_stream();
    let input = Flaky {
        inner: Cursor::new(sealed),
        fail: fail.clone(),
    };
    let mut r = Decryptor::new(input)
        .and_then(|d| d.unlock(&key()))
        .unwrap()
        .reader();
    r.read_exact(&mut first).unwrap();
    fail.set(true);
    let mut rest = Vec::new();
    assert_eq!(io_kind(r.read_to_end(&mut rest).unwrap_err()), Kind::Read);
    assert!(plain[CHUNK..].starts_with(&rest), "only authentic bytes");
    fail.set(false);
    r.seek(SeekFrom::Start(5)).unwrap();
    let mut got = vec![0u8; 100];
    r.read_exact(&mut got).unwrap();
    assert!(got == plain[5..105]);
}

#[test]
fn writer_takes_any_thread_count_like_encrypt() {
    // encrypt clamps the thread count to seal::MAX_THREADS; the writer must too, rather than
    // sizing anything by what it is asked for.
    let plain = data(64 * 5 + 3, 21);
    let expected = seal_fixed(&key(), Cipher::Aes256Gcm, 64, &plain, 1);
    for threads in [0, 65, 10_000, usize::MAX] {
        let mut w = writer(64, Vec::new(), threads);
        w.write_all(&plain).unwrap();
        assert!(w.finish().unwrap() == expected, "threads {threads}");
    }
}

/// Lets `pass` bytes through, then blocks every write until opened.
struct Gate {
    pass: usize,
    open: std::sync::Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>,
    written: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Write for Gate {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.pass == 0 {
            let (lock, opened) = &*self.open;
            let mut open = lock.lock().unwrap();
            while !*open {
                open = opened.wait(open).unwrap();
            }
        }
        let n = if self.pass > 0 {
            buf.len().min(self.pass)
        } else {
            buf.len()
        };
        self.pass -= n.min(self.pass);
        self.written
            .fetch_add(n, std::sync::atomic::Ordering::SeqCst);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_writer_whose_output_stalls_holds_at_most_the_frame_buffer_budget() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Condvar, Mutex};
    use std::time::{Duration, Instant};
    // 4 MiB chunks: the pool alone may hold 63 frame buffers (2 × 31 workers + 1), about
    // 252 MiB; whatever the writer keeps besides must still fit in the 256 MiB budget.
    let chunk = 4 << 20;
    let open = Arc::new((Mutex::new(false), Condvar::new()));
    let written = Arc::new(AtomicUsize::new(0));
    let gate = Gate {
        pass: HEADER_LEN,
        open: open.clone(),
        written: written.clone(),
    };
    let mut w = enc_key(&key(), Cipher::Aes256Gcm, chunk)
        .unwrap()
        .threads(64)
        .wrap_output(gate)
        .unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    // More than the budget, so that a writer without a bound would take it all.
    let total = 72 * chunk as usize;
    let feeder = {
        let accepted = accepted.clone();
        std::thread::spawn(move || {
            let piece = vec![0x33u8; chunk as usize];
            while accepted.load(Ordering::SeqCst) < total {
                w.write_all(&piece).unwrap();
                accepted.fetch_add(piece.len(), Ordering::SeqCst);
            }
            w.finish().unwrap()
        })
    };
    // Wait until the feeder is stuck: past the floor below (the pool holds most of what the
    // bound allows, so the check is real: on a loaded machine the workers seal slowly, and
    // two seconds without progress alone can come early) and nothing accepted for two
    // seconds, for at most two minutes.
    let floor = 200 << 20;
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seen = usize::MAX;
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_secs(2));
        let now = accepted.load(Ordering::SeqCst);
        if now == seen && now >= floor {
            break;
        }
        seen = now;
    }
    assert!(
        seen <= seal::MAX_FRAME_BUFFER_BYTES,
        "{} MiB of plaintext held while the output stalls",
        seen >> 20
    );
    assert!(
        seen >= floor,
        "only {} MiB taken: not measured?",
        seen >> 20
    );
    *open.0.lock().unwrap() = true;
    open.1.notify_all();
    feeder.join().unwrap();
    let frames = total / chunk as usize;
    assert_eq!(
        written.load(Ordering::SeqCst),
        HEADER_LEN + total + frames * common::FRAME_OVERHEAD
    );
}

#[test]
fn data_after_a_full_final_frame_is_trailing_data_when_sought_as_for_the_pool() {
    // Three full frames, the last one final: bytes appended after it are "data after the
    // final frame" for the pool; a seek, which reads the end first, must say the same.
    let plain = data(3 * CHUNK, 8);
    let sealed = seal_fixed(&key(), Cipher::Aes256Gcm, CHUNK as u32, &plain, 1);
    let final_frame = sealed[sealed.len() - FULL..].to_vec();
    let end = sealed.len() as u64;
    for extra in [
        vec![0u8; 1],
        vec![0; 27],
        vec![0; 28],
        vec![0; 40],
        vec![0x5a; FULL],
        final_frame,
    ] {
        let mut s = sealed.clone();
        s.extend_from_slice(&extra);
        let what = format!("{} bytes appended", extra.len());
        assert_eq!(open_err(&key(), &s, 1), Kind::Trailing(end), "{what}");
        let (released, in_order) = read_all(reader(&s));
        assert_eq!(in_order, Some(Kind::Trailing(end)), "{what}, read in order");
        assert!(released == plain);
        let mut r = reader(&s);
        let e = r.seek(SeekFrom::End(0)).unwrap_err();
        assert_eq!(io_kind(e), Kind::Trailing(end), "{what}, sought");
        let e = r.read(&mut [0u8; 1]).unwrap_err();
        assert_eq!(io_kind(e), Kind::Trailing(end), "{what}, read after");
    }
    // The full final frame itself damaged, with data after it: that frame failed, for both.
    let mut s = sealed.clone();
    let at = s.len() - 5;
    s[at] ^= 1;
    s.extend_from_slice(&[0; 10]);
    assert_eq!(open_err(&key(), &s, 1), Kind::Auth(2));
    let e = reader(&s).plaintext_len().unwrap_err();
    assert_eq!(io_kind(e), Kind::Auth(2));
    // A frame out of place before the piece at the end: the pool reaches it first.
    let mut s = sealed.clone();
    s[HEADER_LEN + 2 * FULL] ^= 1;
    s.extend_from_slice(&[0; 10]);
    assert_eq!(open_err(&key(), &s, 1), Kind::OutOfPlace(2));
    let e = reader(&s).plaintext_len().unwrap_err();
    assert_eq!(io_kind(e), Kind::OutOfPlace(2));
}
