//! The worker pool under failure: damage deep in a large stream, inputs and outputs that fail
//! midway, and an input that blocks forever. Every case runs at several thread counts, must
//! report the first error in stream order, and must not hang.
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
use std::time::Duration;

use common::*;
use common::{FRAME_OVERHEAD, HEADER_LEN};
use seal::Cipher;

const CHUNK: usize = 64 * 1024;
const THREADS: [usize; 4] = [1, 2, 3, 8];

/// Gives `limit` bytes of `inner`, then fails.
struct FailingReader {
    inner: Cursor<Vec<u8>>,
    limit: u64,
}

impl Read for FailingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.inner.position() >= self.limit {
            return Err(io::Error::other("disk on fire"));
        }
        let room = (self.limit - self.inner.position()) as usize;
        let n = buf.len().min(room);
        self.inner.read(&mut buf[..n])
    }
}

/// Accepts `limit` bytes, then fails.
struct FailingWriter {
    taken: Vec<u8>,
    limit: usize,
}

impl Write for FailingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.taken.len() >= self.limit {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"));
        }
        let n = buf.len().min(self.limit - self.taken.len());
        self.taken.extend_from_slice(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Runs `f` on another thread and fails the test if it takes more than a minute (a hang).
fn within_a_minute<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("the pipeline hung")
}

#[test]
fn corrupt_frame_deep_inside_a_large_stream() {
    let plain = data(8 * 1024 * 1024 + 1234, 11);
    let sealed = seal_fixed(&key(), Cipher::Aes256Gcm, CHUNK as u32, &plain, 4);
    for bad in [0usize, 1, 77, 128] {
        let mut damaged = sealed.clone();
        damaged[HEADER_LEN + bad * (CHUNK + FRAME_OVERHEAD) + 500] ^= 0x20;
        // A second, later corruption must not be the one reported.
        let later = (bad + 5).min(128);
        damaged[HEADER_LEN + later * (CHUNK + FRAME_OVERHEAD) + 40] ^= 0x01;
        for threads in THREADS {
            let (result, released) = within_a_minute({
                let damaged = damaged.clone();
                move || open_all(&key(), &damaged, threads)
            });
            assert_eq!(
                kind(&result.unwrap_err()),
                Kind::Auth(bad as u64),
                "threads {threads}"
            );
            assert!(
                released == plain[..bad * CHUNK],
                "frame {bad}, threads {threads}"
            );
        }
    }
}

#[test]
fn input_that_fails_midway_while_encrypting_and_decrypting() {
    let plain = data(3 * 1024 * 1024, 12);
    let sealed = seal_fixed(&key(), Cipher::ChaCha20Poly1305, CHUNK as u32, &plain, 2);
    for threads in THREADS {
        let reader = FailingReader {
            inner: Cursor::new(plain.clone()),
            limit: 1_000_000,
        };
        let mut out = Vec::new();
        let err = enc_salted(&key(), Cipher::ChaCha20Poly1305, CHUNK as u32, SALT)
            .unwrap()
            .threads(threads)
            .encrypt(reader, &mut out)
            .unwrap_err();
        assert_eq!(kind(&err), Kind::Read, "enc threads {threads}");
        // What was written is a prefix of the real stream: whole frames, in order.
        assert!(out == sealed[..out.len()]);

        let input = FailingReader {
            inner: Cursor::new(sealed.clone()),
            limit: 1_500_000,
        };
        let decryptor = seal::Decryptor::new(input)
            .and_then(|d| d.unlock(&key()))
            .unwrap();
        let mut out = Vec::new();
        let err = decryptor.threads(threads).decrypt_to(&mut out).unwrap_err();
        assert_eq!(kind(&err), Kind::Read, "dec threads {threads}");
        assert_eq!(out.len() % CHUNK, 0);
        assert!(out == plain[..out.len()]);
    }
}

#[test]
fn output_that_fails_midway() {
    let plain = data(2 * 1024 * 1024, 13);
    let sealed = seal_fixed(&key(), Cipher::Aes256Gcm, CHUNK as u32, &plain, 2);
    for threads in THREADS {
        for limit in [0, 10, 300_000] {
            let mut out = FailingWriter {
                taken: Vec::new(),
                limit,
            };
            let err = enc_salted(&key(), Cipher::Aes256Gcm, CHUNK as u32, SALT)
                .unwrap()
                .threads(threads)
                .encrypt(Cursor::new(plain.clone()), &mut out)
                .unwrap_err();
            assert_eq!(kind(&err), Kind::Write);
            assert!(out.taken == sealed[..limit]);

            let input = Cursor::new(sealed.clone());
            let d = seal::Decryptor::new(input)
                .and_then(|d| d.unlock(&key()))
                .unwrap();
            let mut out = FailingWriter {
                taken: Vec::new(),
                limit,
            };
            assert_eq!(
                kind(&d.threads(threads).decrypt_to(&mut out).unwrap_err()),
                Kind::Write
            );
            assert!(out.taken == plain[..limit]);
        }
    }
}

#[test]
fn failing_output_with_input_blocked_forever_does_not_hang() {
    for threads in THREADS {
        let (reader, mut writer) = io::pipe().unwrap();
        // Three small chunks arrive (they fit in the pipe's buffer), then the input stays
        // open and silent.
        const SMALL: usize = 4096;
        writer.write_all(&data(3 * SMALL, 14)).unwrap();
        let err = within_a_minute(move || {
            let mut out = FailingWriter {
                taken: Vec::new(),
                limit: HEADER_LEN + 100,
            };
            enc_key(&key(), Cipher::Aes256Gcm, SMALL as u32)
                .unwrap()
                .threads(threads)
                .encrypt(reader, &mut out)
                .unwrap_err()
        });
        assert_eq!(kind(&err), Kind::Write, "threads {threads}");
        drop(writer);
    }
}
