//! Round trips through the library for both ciphers, many sizes and thread counts.
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

const CHUNK: usize = 4096;

fn sizes() -> Vec<usize> {
    vec![
        0,
        1,
        CHUNK - 1,
        CHUNK,
        CHUNK + 1,
        5 * CHUNK,
        5 * CHUNK + 17,
        3 * 1024 * 1024 + 5,
    ]
}

/// Frames a plaintext of `len` bytes takes: one for empty input, else one per started chunk.
fn frame_count(len: usize, chunk: usize) -> usize {
    len.div_ceil(chunk).max(1)
}

#[test]
fn round_trips_every_size_cipher_and_thread_count() {
    let key = key();
    for cipher in Cipher::ALL {
        for len in sizes() {
            let plain = data(len, len as u64);
            let sealed = seal_fixed(&key, cipher, CHUNK as u32, &plain, 1);
            assert_eq!(
                sealed.len(),
                HEADER_LEN + len + frame_count(len, CHUNK) * FRAME_OVERHEAD,
                "{cipher:?} {len}"
            );
            for threads in [1, 2, 3, 8] {
                assert_eq!(
                    open_ok(&key, &sealed, threads),
                    plain,
                    "{cipher:?} {len} {threads}"
                );
            }
        }
    }
}

#[test]
fn output_bytes_do_not_depend_on_thread_count() {
    let key = key();
    for cipher in Cipher::ALL {
        for len in [0, CHUNK, 7 * CHUNK + 3, 1024 * 1024] {
            let plain = data(len, 7);
            let one = seal_fixed(&key, cipher, CHUNK as u32, &plain, 1);
            for threads in [2, 4, 8] {
                assert!(
                    one == seal_fixed(&key, cipher, CHUNK as u32, &plain, threads),
                    "{cipher:?} {len} bytes with {threads} threads differ from 1 thread"
                );
            }
        }
    }
}

#[test]
fn fresh_salt_per_stream() {
    let key = key();
    let seal_random = || {
        let mut out = Vec::new();
        enc_key(&key, Cipher::Aes256Gcm, 1024)
            .unwrap()
            .threads(1)
            .encrypt(&b"same plaintext"[..], &mut out)
            .unwrap();
        out
    };
    let (a, b) = (seal_random(), seal_random());
    assert_ne!(a[15..47], b[15..47], "salts repeat");
    assert_ne!(a[HEADER_LEN..], b[HEADER_LEN..], "ciphertexts repeat");
    assert_eq!(open_ok(&key, &a, 1), b"same plaintext");
    assert_eq!(open_ok(&key, &b, 2), b"same plaintext");
}

#[test]
fn default_and_extreme_chunk_sizes_round_trip() {
    let key = key();
    let plain = data(200_000, 3);
    for chunk in [64, 1000, 65536, seal::DEFAULT_CHUNK_SIZE] {
        let sealed = seal_fixed(&key, Cipher::ChaCha20Poly1305, chunk, &plain, 2);
        assert_eq!(open_ok(&key, &sealed, 2), plain, "chunk {chunk}");
    }
}

#[test]
fn writing_into_a_file_at_offsets_gives_the_same_bytes_as_streaming() {
    use std::io::{Cursor, Read, Seek};
    let key = key();
    for cipher in Cipher::ALL {
        for len in [0, 1, CHUNK, 9 * CHUNK + 5, 2 * 1024 * 1024] {
            let plain = data(len, 21);
            let expected = seal_fixed(&key, cipher, CHUNK as u32, &plain, 1);
            for threads in [1, 2, 8] {
                let mut file = tempfile::tempfile().unwrap();
                let n = enc_salted(&key, cipher, CHUNK as u32, SALT)
                    .unwrap()
                    .threads(threads)
                    .encrypt_to_file(Cursor::new(plain.clone()), &file)
                    .unwrap();
                let mut got = Vec::new();
                file.rewind().unwrap();
                file.read_to_end(&mut got).unwrap();
                assert_eq!(n as usize, expected.len());
                assert!(got == expected, "{cipher:?} {len} threads {threads}");

                let input = Cursor::new(expected.clone());
                let dec = seal::Decryptor::new(input)
                    .and_then(|d| d.unlock(&key))
                    .unwrap();
                let mut out = tempfile::tempfile().unwrap();
                assert_eq!(
                    dec.threads(threads).decrypt_to_file(&out).unwrap() as usize,
                    len
                );
                let mut back = Vec::new();
                out.read_to_end(&mut back).unwrap();
                assert!(back == plain, "{cipher:?} {len} threads {threads}: decrypt");
            }
        }
    }
}
