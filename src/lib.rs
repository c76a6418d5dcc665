//! seal: chunked, parallel authenticated encryption of streams and files.
//!
//! This crate is seal's format and streaming engine: it reads and writes seal streams
//! (docs/FORMAT.md is the format's normative description) through `std::io`, on a pool of
//! worker threads with bounded memory, and releases no plaintext byte before it is
//! authenticated. It never touches a terminal, an environment variable or a file name: where
//! bytes come from and go to is the caller's (the `seal` command, under `src/bin/seal/` behind
//! the default `cli` feature, is one such caller, built only on this public API).
//! `cargo build --lib --no-default-features` builds the library alone.
//!
//! # Three ways in
//!
//! Every stream is encrypted with a key, a passphrase, or to public-key recipients, through
//! [`Encryptor`]; every stream is decrypted through [`Decryptor::new`], which reads the header
//! once and tells which secret the stream needs, then [`Decryptor::unlock`] with it.
//!
//! With a key:
//!
//! ```
//! use seal::{Decryptor, Encryptor, Key};
//! let key = Key::generate()?;
//! let mut sealed = Vec::new();
//! Encryptor::with_key(&key)?.encrypt(&b"hello"[..], &mut sealed)?;
//! let mut plain = Vec::new();
//! Decryptor::new(std::io::Cursor::new(sealed))?.unlock(&key)?.decrypt_to(&mut plain)?;
//! assert_eq!(plain, b"hello");
//! # Ok::<(), seal::Error>(())
//! ```
//!
//! With a passphrase (stretched with Argon2id; the cost is written in the header, so the
//! decoder learns it, and that a passphrase is needed at all, before asking for one):
//!
//! ```
//! use seal::{Argon2Params, Decryptor, Encryptor, KeyKind, Passphrase, Zeroizing};
//! let passphrase = Passphrase::new(Zeroizing::new(b"correct horse".to_vec()))?;
//! // A tiny cost to keep this example fast; `Encryptor::with_passphrase` uses the default.
//! let cost = Argon2Params::new(64, 1, 1)?;
//! let mut sealed = Vec::new();
//! Encryptor::with_passphrase_cost(&passphrase, cost)?
//!     .encrypt(&b"hello"[..], &mut sealed)?;
//! let decryptor = Decryptor::new(std::io::Cursor::new(sealed))?;
//! assert_eq!(decryptor.key_kind(), KeyKind::Passphrase(cost)); // now ask for it
//! let mut plain = Vec::new();
//! decryptor.unlock(&passphrase)?.decrypt_to(&mut plain)?;
//! assert_eq!(plain, b"hello");
//! # Ok::<(), seal::Error>(())
//! ```
//!
//! To recipients, decrypted with any number of identities of any kinds (each stanza is tried
//! with every identity of its kind):
//!
//! ```
//! use std::io::Read;
//! use seal::{Decryptor, Encryptor, Identity, RecipientKind};
//! let alice = Identity::generate(RecipientKind::MlKem768X25519)?;
//! let bob = Identity::generate(RecipientKind::X25519)?;
//! let mut sealed = Vec::new();
//! Encryptor::with_recipients(&[alice.recipient()])?
//!     .encrypt(&b"hello"[..], &mut sealed)?;
//! let mine = [bob, alice];
//! let mut plain = Vec::new();
//! Decryptor::new(&sealed[..])?.unlock(&mine)?.reader().read_to_end(&mut plain)?;
//! assert_eq!(plain, b"hello");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Signed (format version 3, docs/FORMAT.md "Signed streams"): the encryptor signs in the same
//! pass, and a decryptor that requires signers releases nothing before the signature verified
//! (it has no reader or one-pass decryption to a writer):
//!
//! ```
//! use std::io::Cursor;
//! use seal::{AllowedSigner, AllowedSigners, Decryptor, Encryptor, Key, SignatureKind, SignerSecret};
//! let key = Key::generate()?;
//! let ci = SignerSecret::generate(SignatureKind::MlDsa65Ed25519)?;
//! let mut sealed = Vec::new();
//! Encryptor::with_key(&key)?.sign(&ci, "app 1.0")?.encrypt(&b"hello"[..], &mut sealed)?;
//! let mut allowed = AllowedSigners::new();
//! allowed.push(AllowedSigner::Key(ci.public().clone()), None)?;
//! let mut plain = Vec::new();
//! Decryptor::new(Cursor::new(sealed))?
//!     .require_signers(&allowed)? // exit 6 in the CLI: not signed, or by someone else
//!     .unlock(&key)?
//!     .decrypt_verified(&mut plain)?; // verify first, then decrypt re-checking every frame
//! assert_eq!(plain, b"hello");
//! # Ok::<(), seal::Error>(())
//! ```
//!
//! Beside the whole-stream calls: [`Encryptor::wrap_output`] gives an [`EncryptingWriter`]
//! (`std::io::Write`), [`Unlocked::reader`] a [`DecryptingReader`] (`std::io::Read`, and
//! `std::io::Seek` to read a range without the frames before it), and [`ArmorWriter`],
//! [`ArmorReader`] and [`unarmor`] the ASCII armor around a stream.
//!
//! # Data path
//!
//! ```text
//! encrypt: input ─▶ chunks ─▶ pipeline (FrameSealer on every worker) ─▶ header ‖ frames ─▶ output
//! decrypt: input ─▶ header ─▶ secret ─▶ commitment check ─▶ frames (one decoder per framing)
//!          ─▶ pipeline (FrameOpener) ─▶ plaintext, in order, only once authenticated ─▶ output
//! write(): EncryptingWriter ─▶ chunks ─▶ the same pipeline (or inline) ─▶ inner Write
//! read():  DecryptingReader ─▶ the same fixed-framing decoder ─▶ FrameOpener, one frame at a
//!          time ─▶ caller (Seek: the final frame first, then only the frames asked for)
//! ```
//!
//! # Map of the sources
//!
//! The one map of the repository's sources (the README and the binary's `main.rs` point here).
//! Modules are private: what a user needs is re-exported at the crate root, one path per type.
//!
//! | library (`src/`) | what it holds |
//! |---|---|
//! | `lib.rs` | this overview, and the public surface |
//! | `stream.rs` | the entry points: [`Encryptor`], [`Decryptor`], [`Unlocked`] |
//! | `secret.rs` | [`Secret`]: which secret opens which key kind |
//! | `format.rs` | the bytes: header layout and parsing, frame layout, nonces |
//! | `limits.rs` | the format's bounds, each stated once |
//! | `keys.rs` | [`Key`]: generating, writing and parsing key text |
//! | `passphrase.rs` | [`Passphrase`] and its Argon2id stretching into a key |
//! | `recipient/` | [`Identity`] and [`Recipient`]: `mod.rs` the types and the mixing policy, `trial.rs` opening stanzas with many identities (bounded), `hpke.rs` HPKE wrapping of the file key, `seal.rs` seal's text forms, `age.rs` age's keys, `ssh.rs` OpenSSH Ed25519 keys (stanza kind `03`), `identity_file.rs` identity files |
//! | `kdf.rs` | per-stream keys and the key commitment (HKDF-SHA-256 over the header) |
//! | `aead.rs` | the two AEADs behind one interface |
//! | `frame.rs` | one frame at a time: [`FrameSealer`], [`FrameOpener`] |
//! | `framing/` | input to header and frames for both framings, shared by the pool and the adapters: `mod.rs` (the header reader, the whole-stream runs), `io.rs`, `fixed.rs` (version 1: the chunker, [`check_frame`] and the one decoder), `live.rs` (version 2), `signed.rs` (what signing adds: workers hashing frames into one transcript, the signature held back from the frames, the spool's tee) |
//! | `signing/` | signed streams: `kind.rs` the signature kinds and the composite ML-DSA-65 + Ed25519 combiner over `ml-dsa` and `ed25519-dalek`, `keys.rs` [`SignerSecret`], [`SignerPublic`], [`AllowedSigners`] and their texts, `transcript.rs` frame digests, the transcript and the signed message (BLAKE3) |
//! | `pipeline.rs` | the worker pool: reader, workers, in-order writer, bounded memory |
//! | `writer.rs` | [`EncryptingWriter`]: encrypt through `std::io::Write`, on the pool |
//! | `reader.rs` | [`DecryptingReader`]: decrypt through `std::io::Read`, and `Seek` |
//! | `armor.rs` | PEM-style ASCII armor, and telling armor from binary ([`sniff`], [`unarmor`]) |
//! | `error.rs` | the one error type, [`Error`], its [`Category`], the problem enums, every English message |
//!
//! | command line (`src/bin/seal/`) | what it holds |
//! |---|---|
//! | `main.rs` | entry, exit |
//! | `args.rs` | the clap definitions of every command and option, and the size parser |
//! | `commands/` | one file per command (`enc`, `dec`, `range`, `verify`, `info`, `keygen`), `header` (armor recognised and the header read, the one way for every command that reads a stream), `signing` (`keygen --signer`, `signer`, `--signed-by`, the spool), `transfer` (input → job → output) and the dispatcher in `mod.rs` |
//! | `secrets.rs`, `prompt.rs`, `recipients.rs` | where a key, passphrase or recipient comes from; asking on the terminal |
//! | `files.rs`, `output.rs`, `staged.rs` | input and the refusals around it; where output lands; the atomic, synced file behind `-o` |
//! | `sys.rs` | the few system calls that need `unsafe` |
//! | `man.rs` | the manual page, from the same definitions as `--help` |
//! | `progress.rs`, `signals.rs` | the progress display; what a terminating signal undoes |
//! | `status.rs` | the one table of exit statuses (the man page renders it; a test checks the README's against it) |
//! | `error.rs`, `diag.rs` | the command line's errors and the status each gets; writing errors and warnings without panicking |
//!
//! | elsewhere | what it holds |
//! |---|---|
//! | `tests/*.rs` | library tests (round trips, tampering, the pool, adapters, live streams, recipients, known-answer vectors, properties) |
//! | `tests/cli/` | the command line through the real binary |
//! | `tests/common/` | helpers shared by the tests, and the armor oracle |
//! | `tests/vectors/`, `tests/common/make_vectors.rs`, `tests/independent_decoder.py` | known-answer vectors, the inputs that make them (`SEAL_WRITE_VECTORS=1 cargo test --test vectors` rewrites them), and a decoder written apart from this crate that reads them |
//! | `fuzz/` | fuzz targets (they reach the header parser through `cfg(fuzzing)`), the seed script and its `fuzz_key` tool |
//! | `benches/` | the framer benchmark and the speed and memory scripts |
//! | `examples/` | the library in use: `encrypt_file` (the writer), `read_range` (the seeking reader), `decrypt_with_identities` |

// Stricter than Cargo.toml's `unsafe_code = "deny"`: no module of the library may allow it.
#![forbid(unsafe_code)]

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
mod signing;
mod stream;
mod writer;

pub use armor::{ArmorReader, ArmorWriter, Sniffed, looks_armored, sniff, unarmor};
pub use error::{
    ArmorError, ArmorProblem, Category, Error, Internal, KeyProblem, Misuse, PassphraseProblem,
    Result, SecretKind, SshKeyProblem, Tally, TallyEntry, TextProblem, Unsupported,
};
pub use format::{
    Argon2Params, Cipher, DEFAULT_CHUNK_SIZE, Framing, Header, KeyKind, MAX_CHUNK_SIZE,
    MAX_RECIPIENTS, MIN_CHUNK_SIZE, Position, Stanza, check_chunk_size,
};
pub use frame::{FrameOpener, FrameSealer, FrameTicket};
pub use framing::{Checked, check_frame};
pub use keys::Key;
pub use passphrase::{MAX_PASSPHRASE_LEN, Passphrase};
pub use pipeline::{MAX_FRAME_BUFFER_BYTES, MAX_THREADS, workers_for};
pub use reader::DecryptingReader;
pub use recipient::{
    EncryptedSshKey, Identity, IdentityText, MAX_IDENTITIES, MAX_SSH_BCRYPT_ROUNDS, MAX_TRIAL_WORK,
    Recipient, RecipientKind,
};
pub use secret::Secret;
/// The signature primitives alone, to check them against published vectors: only with the
/// `test-vectors` feature, not part of the API.
#[cfg(feature = "test-vectors")]
#[doc(hidden)]
pub use signing::primitives as signing_primitives;
pub use signing::{
    AllowedSigner, AllowedSigners, MAX_SIGNED_COMMENT_LEN, ProtectedSigner, SignatureKind,
    SignedBy, SignerFile, SignerPublic, SignerSecret, check_comment,
};
pub use stream::{Decryptor, Encryptor, Unlocked, VerifiedUnlocked, Verifying, default_threads};
pub use writer::EncryptingWriter;
/// The zeroizing wrapper that holds secrets in this API ([`Passphrase::new`], [`Key::to_text`]):
/// re-exported so that no other crate is needed to call them.
pub use zeroize::Zeroizing;

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
