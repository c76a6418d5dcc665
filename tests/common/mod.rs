//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::io::Cursor;

use seal::{Cipher, Decryptor, Encryptor, Error, Key};

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
    Encryptor::with_salt(key, cipher, chunk, SALT)
        .unwrap()
        .encrypt(Cursor::new(plain.to_vec()), &mut out, threads)
        .unwrap();
    out
}

/// Decrypts, returning the result and every byte that was released before it.
pub fn open_all(key: &Key, sealed: &[u8], threads: usize) -> (Result<u64, Error>, Vec<u8>) {
    let mut input = Cursor::new(sealed.to_vec());
    let mut out = Vec::new();
    let result = Decryptor::new(key, &mut input).and_then(|d| d.decrypt(input, &mut out, threads));
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
    ChunkRange,
    WrongKey,
    OutOfPlace(u64),
    Auth(u64),
    Truncated(u64),
    Trailing(u64),
    EmptyFinal(u64),
    Read,
    Write,
    Other,
}

impl Kind {
    /// The exit status `seal` gives for this kind.
    pub fn exit_code(self) -> i32 {
        match self {
            Kind::BadMagic
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
            | Kind::EmptyFinal(_) => 5,
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
        Error::ChunkSizeOutOfRange(_) => Kind::ChunkRange,
        Error::WrongKey => Kind::WrongKey,
        Error::FrameOutOfPlace { frame, .. } => Kind::OutOfPlace(*frame),
        Error::FrameAuth { frame, .. } => Kind::Auth(*frame),
        Error::Truncated { frame, .. } => Kind::Truncated(*frame),
        Error::TrailingData { offset } => Kind::Trailing(*offset),
        Error::EmptyFinalFrame { frame, .. } => Kind::EmptyFinal(*frame),
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
