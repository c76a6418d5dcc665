//! seal: chunked, parallel authenticated encryption of streams and files.
//!
//! The library is the whole of seal but its command line: [`keys`] makes and reads key files,
//! [`passphrase`] stretches passphrases into keys, [`format`] describes the bytes, [`frame`] seals and opens single frames, [`stream`] runs
//! whole streams through the worker pool in `pipeline`. docs/FORMAT.md is the format's
//! normative description.
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

mod aead;
pub mod armor;
pub mod cli;
pub mod error;
mod files;
pub mod format;
pub mod frame;
mod kdf;
pub mod keys;
pub mod passphrase;
mod pipeline;
mod progress;
mod prompt;
mod signals;
pub mod stream;

pub use error::{Category, Error, KeyProblem, Result};
pub use format::{Argon2Params, Cipher, Header, KeyKind, Position};
pub use keys::Key;
pub use passphrase::Passphrase;
pub use stream::{Decryptor, Encryptor, Secret, read_header};
