//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::io::{Cursor, Write};
use std::process::{Command, Output};

use seal::{Cipher, Decryptor, Encryptor, Error, Key};
use seal::{MAX_CHUNK_SIZE, MIN_CHUNK_SIZE};

/// Deterministic test data (splitmix64), so failures reproduce.
pub fn data(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        out.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out.truncate(len);
    out
}

pub fn key() -> Key {
    Key::from_bytes([0x42; 32])
}

pub fn other_key() -> Key {
    Key::from_bytes([0x43; 32])
}

pub const SALT: [u8; 32] = [0x5a; 32];

/// Encrypts with the fixed test salt.
pub fn seal_fixed(key: &Key, cipher: Cipher, chunk: u32, plain: &[u8], threads: usize) -> Vec<u8> {
    let mut out = Vec::new();
    enc_salted(key, cipher, chunk, SALT)
        .unwrap()
        .threads(threads)
        .encrypt(Cursor::new(plain.to_vec()), &mut out)
        .unwrap();
    out
}

/// Decrypts, returning the result and every byte that was released before it.
pub fn open_all(key: &Key, sealed: &[u8], threads: usize) -> (Result<u64, Error>, Vec<u8>) {
    let input = Cursor::new(sealed.to_vec());
    let mut out = Vec::new();
    let result = Decryptor::new(input)
        .and_then(|d| d.unlock(key))
        .and_then(|d| d.threads(threads).decrypt_to(&mut out));
    (result, out)
}

/// Decrypts and insists on success.
pub fn open_ok(key: &Key, sealed: &[u8], threads: usize) -> Vec<u8> {
    let (result, out) = open_all(key, sealed, threads);
    if let Err(e) = result {
        panic!("decryption failed: {e}");
    }
    out
}

/// The error kinds the tests expect, comparable with `==`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    BadMagic,
    HeaderTruncated,
    Version,
    Cipher,
    KeyKindByte,
    /// A signed header's signature kind byte this version does not know.
    SignatureKindByte,
    ChunkRange,
    WrongKey,
    OutOfPlace(u64),
    Auth(u64),
    Truncated(u64),
    Trailing(u64),
    EmptyFinal(u64),
    FrameLength(u64),
    Read,
    Write,
    Other,
}

impl Kind {
    /// The exit status `seal` gives for this kind.
    pub fn exit_code(self) -> i32 {
        match self {
            Kind::BadMagic
            | Kind::SignatureKindByte
            | Kind::Version
            | Kind::Cipher
            | Kind::KeyKindByte
            | Kind::ChunkRange => 4,
            Kind::WrongKey => 3,
            Kind::HeaderTruncated
            | Kind::OutOfPlace(_)
            | Kind::Auth(_)
            | Kind::Truncated(_)
            | Kind::Trailing(_)
            | Kind::EmptyFinal(_)
            | Kind::FrameLength(_) => 5,
            Kind::Read | Kind::Write | Kind::Other => 1,
        }
    }
}

pub fn kind(e: &Error) -> Kind {
    match e {
        Error::BadMagic => Kind::BadMagic,
        Error::HeaderTruncated { .. } => Kind::HeaderTruncated,
        Error::UnsupportedVersion(_) => Kind::Version,
        Error::UnsupportedCipher(_) => Kind::Cipher,
        Error::UnsupportedKeyKind(_) => Kind::KeyKindByte,
        Error::UnsupportedSignatureKind(_) => Kind::SignatureKindByte,
        Error::ChunkSizeOutOfRange(_) => Kind::ChunkRange,
        Error::WrongKey => Kind::WrongKey,
        Error::FrameOutOfPlace { frame, .. } => Kind::OutOfPlace(*frame),
        Error::FrameAuth { frame, .. } => Kind::Auth(*frame),
        Error::Truncated { frame, .. } => Kind::Truncated(*frame),
        Error::TrailingData { offset } => Kind::Trailing(*offset),
        Error::EmptyFinalFrame { frame, .. } => Kind::EmptyFinal(*frame),
        Error::FrameLength { frame, .. } => Kind::FrameLength(*frame),
        Error::Read(_) => Kind::Read,
        Error::Write(_) => Kind::Write,
        _ => Kind::Other,
    }
}

/// Decrypts and returns the error kind, failing the test if decryption succeeded.
pub fn open_err(key: &Key, sealed: &[u8], threads: usize) -> Kind {
    match open_all(key, sealed, threads).0 {
        Ok(_) => panic!("decryption of a damaged stream succeeded"),
        Err(e) => kind(&e),
    }
}

// The small 3-frame stream that the damage tests work on.

/// Chunk size of the small damaged-stream tests.
pub const CHUNK: usize = 64;
pub const FULL: usize = CHUNK + FRAME_OVERHEAD;
/// Two full frames and a final one of 10 bytes.
pub const PLAIN_LEN: usize = 2 * CHUNK + 10;

pub fn stream(cipher: Cipher) -> (Vec<u8>, Vec<u8>) {
    let plain = data(PLAIN_LEN, 99);
    let sealed = seal_fixed(&key(), cipher, CHUNK as u32, &plain, 1);
    assert_eq!(sealed.len(), HEADER_LEN + 3 * FRAME_OVERHEAD + PLAIN_LEN);
    (plain, sealed)
}

/// The frames of a sealed stream, as slices.
pub fn frames(sealed: &[u8]) -> Vec<Vec<u8>> {
    sealed[HEADER_LEN..]
        .chunks(FULL)
        .map(<[u8]>::to_vec)
        .collect()
}

pub fn assemble(header: &[u8], frames: &[&Vec<u8>]) -> Vec<u8> {
    let mut out = header.to_vec();
    for f in frames {
        out.extend_from_slice(f);
    }
    out
}

/// What flipping `mask` into byte `offset` of the 3-frame stream must give.
pub fn expect_flip(sealed: &[u8], offset: usize, mask: u8) -> Kind {
    let flipped = sealed[offset] ^ mask;
    match offset {
        0..8 => Kind::BadMagic,
        8 => Kind::Version,
        9 if flipped == 1 || flipped == 2 => Kind::WrongKey,
        9 => Kind::Cipher,
        10 => Kind::KeyKindByte,
        11..15 => {
            let mut size = [0u8; 4];
            size.copy_from_slice(&sealed[11..15]);
            size[offset - 11] = flipped;
            let size = u32::from_be_bytes(size);
            if (MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&size) {
                Kind::WrongKey
            } else {
                Kind::ChunkRange
            }
        }
        15..HEADER_LEN => Kind::WrongKey,
        _ => {
            let frame = ((offset - HEADER_LEN) / FULL) as u64;
            let within = (offset - HEADER_LEN) % FULL;
            match within {
                0..11 => Kind::OutOfPlace(frame),
                11 if flipped > 1 => Kind::OutOfPlace(frame),
                // A full frame now claiming to be final, with more after it: its tag fails.
                11 if frame < 2 => Kind::Auth(frame),
                // The short final frame now claiming more follow: the stream ends early.
                11 => Kind::Truncated(frame),
                _ => Kind::Auth(frame),
            }
        }
    }
}

/// What cutting the 3-frame stream to its first `len` bytes must give.
pub fn expect_cut(len: usize) -> Kind {
    if len < HEADER_LEN {
        return Kind::HeaderTruncated;
    }
    let frame = ((len - HEADER_LEN) / FULL) as u64;
    let within = (len - HEADER_LEN) % FULL;
    match (frame, within) {
        // The last full frame present says more follow: frame `frame` is missing.
        (_, 0) => Kind::Truncated(frame),
        (_, 1..FRAME_OVERHEAD) => Kind::Truncated(frame),
        (0 | 1, _) => Kind::Truncated(frame),
        // Cut inside the final frame: indistinguishable from a forged one.
        _ => Kind::Auth(frame),
    }
}

// The real binary.

/// Runs `cmd` (whose stdin must be piped) with `stdin` fed from another thread, so that a large
/// input cannot deadlock against the output.
pub fn run_cmd(mut cmd: Command, stdin: &[u8]) -> Output {
    let mut child = cmd.spawn().unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts a failure: the exit status, and stderr exactly one `seal: ` line containing
/// `needle`, with no backtrace.
pub fn assert_fails(out: &Output, code: i32, needle: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "expected one error line, got: {err}");
    assert!(lines[0].starts_with("seal: "), "{err}");
    assert!(
        lines[0].contains(needle),
        "{err:?} does not mention {needle:?}"
    );
    assert!(!err.contains("panicked") && !err.contains("backtrace"));
}

/// Asserts success with nothing on stderr, and returns stdout.
pub fn ok(out: &Output) -> &[u8] {
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(out));
    assert!(out.stderr.is_empty(), "unexpected stderr: {}", stderr(out));
    &out.stdout
}

// The stream layout of docs/FORMAT.md, stated again here (the library keeps its own private).
/// Bytes of a key-file header.
pub const HEADER_LEN: usize = 79;
/// Bytes of a header's fixed prefix (magic, version, cipher, chunk size, key kind).
pub const PREFIX_LEN: usize = 15;
/// Bytes of a stored nonce.
pub const NONCE_LEN: usize = 12;
/// Bytes a fixed frame adds to its plaintext: nonce and tag.
pub const FRAME_OVERHEAD: usize = 28;
/// Bytes a live frame adds: length, nonce and tag.
pub const LIVE_FRAME_OVERHEAD: usize = 32;

/// The encryptors the tests build, with the options as arguments and the chunk size checked
/// at once.
pub fn enc_salted(
    key: &Key,
    cipher: Cipher,
    chunk: u32,
    salt: [u8; 32],
) -> Result<Encryptor, Error> {
    seal::check_chunk_size(u64::from(chunk))?;
    Encryptor::with_key(key)?
        .cipher(cipher)
        .chunk_size(chunk)
        .insecure_fixed_salt(salt)
}

pub fn enc_key(key: &Key, cipher: Cipher, chunk: u32) -> Result<Encryptor, Error> {
    seal::check_chunk_size(u64::from(chunk))?;
    Ok(Encryptor::with_key(key)?.cipher(cipher).chunk_size(chunk))
}

pub fn enc_pass(
    pass: &seal::Passphrase,
    params: seal::Argon2Params,
    cipher: Cipher,
    chunk: u32,
) -> Result<Encryptor, Error> {
    seal::check_chunk_size(u64::from(chunk))?;
    Ok(Encryptor::with_passphrase_cost(pass, params)?
        .cipher(cipher)
        .chunk_size(chunk))
}

pub fn enc_pass_salted(
    pass: &seal::Passphrase,
    params: seal::Argon2Params,
    cipher: Cipher,
    chunk: u32,
    salt: [u8; 32],
) -> Result<Encryptor, Error> {
    enc_pass(pass, params, cipher, chunk)?.insecure_fixed_salt(salt)
}

pub fn enc_to(
    recipients: &[seal::Recipient],
    cipher: Cipher,
    chunk: u32,
) -> Result<Encryptor, Error> {
    // The format's tests mix kinds on purpose; the refusal of a mix by default is
    // tests/foreign_keys.rs's subject.
    let encryptor = Encryptor::with_recipients_allowing_classical_mix(recipients)?;
    seal::check_chunk_size(u64::from(chunk))?;
    Ok(encryptor.cipher(cipher).chunk_size(chunk))
}

pub fn enc_to_fixed(
    recipients: &[seal::Recipient],
    cipher: Cipher,
    chunk: u32,
    salt: [u8; 32],
    file_key: &Key,
    hpke_randomness: &[u8],
) -> Result<Encryptor, Error> {
    // Known-answer vectors mix kinds on purpose (one stanza of each).
    seal::check_chunk_size(u64::from(chunk))?;
    Encryptor::with_recipients_allowing_classical_mix(recipients)?
        .cipher(cipher)
        .chunk_size(chunk)
        .insecure_fixed_salt(salt)?
        .insecure_fixed_file_key(file_key, hpke_randomness)
}

/// Reads the header of `sealed` and unlocks it with `secret`.
pub fn unlock<'s>(
    sealed: &[u8],
    secret: impl Into<seal::Secret<'s>>,
) -> Result<seal::Unlocked<Cursor<Vec<u8>>>, Error> {
    Decryptor::new(Cursor::new(sealed.to_vec()))?.unlock(secret)
}

/// The header of `sealed`.
pub fn header_of(sealed: &[u8]) -> Result<seal::Header, Error> {
    Ok(Decryptor::new(sealed)?.header().clone())
}

/// Bytes from hex text (white space ignored), as the vector files write them.
pub fn unhex(hex: &str) -> Vec<u8> {
    let hex: String = hex.split_whitespace().collect();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

/// The `name: value` fields of a vector file (tests/vectors/), comments and blank lines
/// skipped.
pub fn vector_fields(path: &str) -> std::collections::HashMap<String, String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (k, v) = l.split_once(": ").unwrap();
            (k.to_string(), v.to_string())
        })
        .collect()
}
