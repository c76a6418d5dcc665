//! seal: chunked, parallel authenticated encryption of streams and files.
//!
//! This crate is seal's format and streaming engine; the `seal` command line (under
//! `src/bin/seal/`, behind the default `cli` feature) is a thin layer on this public API.
//! `cargo build --lib --no-default-features` builds the library without any command-line crate.
//! docs/FORMAT.md is the format's normative description.
//!
//! # Map
//!
//! | module | what it holds |
//! |---|---|
//! | [`format`](mod@format) | the bytes: header layout and parsing, frame layout, nonces, bounds |
//! | [`keys`] | key files: generating, writing and parsing key text |
//! | [`passphrase`] | passphrases and their Argon2id stretching into a key |
//! | [`recipient`] | identities and recipients: their text, HPKE wrapping of a stream's file key |
//! | `kdf` | per-stream keys and the key commitment (HKDF-SHA-256 over the header) |
//! | `aead` | the two AEADs behind one interface |
//! | [`frame`] | one frame at a time: seal, structural checks, open |
//! | `pipeline` | the worker pool: reader, workers, in-order writer, bounded memory |
//! | [`stream`] | whole streams: [`Encryptor`], [`Decryptor`], [`read_header`] |
//! | [`writer`] | [`EncryptingWriter`]: encrypt through `std::io::Write`, on the pool |
//! | [`reader`] | [`DecryptingReader`]: decrypt through `std::io::Read`, and `Seek` for random access |
//! | [`armor`] | PEM-style ASCII armor around a stream |
//! | [`error`] | the one error type, [`Error`], and its [`Category`] |
//!
//! # Data path
//!
//! ```text
//! encrypt: input ─▶ chunks ─▶ pipeline (FrameSealer on every worker) ─▶ header ‖ frames ─▶ output
//! decrypt: input ─▶ read_header ─▶ commitment check ─▶ check_frame ─▶ pipeline (FrameOpener)
//!          ─▶ plaintext, in order, only once authenticated ─▶ output
//! write(): EncryptingWriter ─▶ chunks ─▶ the same pipeline (or inline) ─▶ inner Write
//! read():  DecryptingReader ─▶ check_frame ─▶ FrameOpener, one frame at a time ─▶ caller
//!          (Seek: the final frame first, then only the frames asked for)
//! ```
//!
//! ```
//! use seal::{Cipher, Decryptor, Encryptor, Key};
//! let key = Key::generate()?;
//! let mut sealed = Vec::new();
//! Encryptor::new(&key, Cipher::Aes256Gcm, 64 * 1024)?.encrypt(&b"hello"[..], &mut sealed, 2)?;
//! let mut input = std::io::Cursor::new(sealed);
//! let decryptor = Decryptor::new(&key, &mut input)?;
//! let mut plain = Vec::new();
//! decryptor.decrypt(input, &mut plain, 2)?;
//! assert_eq!(plain, b"hello");
//! # Ok::<(), seal::Error>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![warn(missing_debug_implementations)]

mod aead;
mod armor;
mod error;
mod format;
mod frame;
mod framing;
mod kdf;
mod keys;
mod limits;
mod passphrase;
mod pipeline;
mod reader;
mod recipient;
mod secret;
mod stream;
mod writer;

pub use armor::{ArmorReader, ArmorWriter, Sniffed, looks_armored, sniff, unarmor};
pub use error::{
    ArmorError, ArmorProblem, Category, Error, Internal, KeyProblem, Misuse, PassphraseProblem,
    Result, SecretKind, Tally, TallyEntry, TextProblem,
};
pub use format::{
    Argon2Params, Cipher, DEFAULT_CHUNK_SIZE, Framing, Header, KeyKind, MAX_CHUNK_SIZE,
    MAX_RECIPIENTS, MIN_CHUNK_SIZE, Position, Stanza, check_chunk_size,
};
pub use frame::{Checked, FrameOpener, FrameSealer, FrameTicket, check_frame};
pub use keys::Key;
pub use passphrase::{MAX_PASSPHRASE_LEN, Passphrase};
pub use pipeline::{MAX_FRAME_BUFFER_BYTES, MAX_THREADS, workers_for};
pub use reader::DecryptingReader;
pub use recipient::{Identity, Recipient, RecipientKind};
pub use secret::Secret;
pub use stream::{Decryptor, Encryptor, Unlocked, default_threads};
pub use writer::EncryptingWriter;

/// The internal parsers the fuzz targets (`fuzz/`) drive, compiled only under `cfg(fuzzing)`
/// (which `cargo fuzz` sets): not part of the API.
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing {
    use crate::{Header, Result};

    /// Parses a header from bytes that hold it whole ([`crate::Decryptor::new`] reads one).
    pub fn parse_header(bytes: &[u8]) -> Result<Header> {
        Header::parse(bytes)
    }
}
