//! The command line's own errors, and which exit status (`status.rs`) each error gets.
//!
//! Library errors ([`seal::Error`]) carry their class ([`seal::Category`]); the command line adds
//! the few failures that only it can have (bad usage, refusals, where a key comes from, an
//! interruption). [`exit_code`] maps the first typed error in an `anyhow` chain to a status.

use std::io;

use seal::{Category, Error};

use crate::status as exit;

/// The refusal of ciphertext to a terminal, wherever it is found.
pub const CIPHERTEXT_TO_TERMINAL: &str = "refusing to write ciphertext to a terminal: use -o \
     FILE, redirect stdout, or -a for ASCII armor (text that a terminal shows)";

/// Errors of the command line itself, beside the library's.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad arguments or a missing one (exit 2).
    #[error("{0}")]
    Usage(String),
    /// seal refuses to do what was asked, to protect the user (exit 1).
    #[error("{0}")]
    Refused(String),
    /// A key or passphrase could not be had from where it was to come from (exit 3).
    #[error("{0}")]
    KeySource(String),
    /// Ctrl-C at a prompt (exit 130).
    #[error("interrupted")]
    Interrupted,
}

/// The exit status for an error, from the first typed error in its chain.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<CliError>() {
            return match e {
                CliError::Usage(_) => exit::USAGE,
                CliError::Refused(_) => exit::IO,
                CliError::KeySource(_) => exit::KEY,
                CliError::Interrupted => exit::INTERRUPTED,
            };
        }
        if let Some(e) = cause.downcast_ref::<Error>() {
            return match e.category() {
                Category::Io => exit::IO,
                Category::Key => exit::KEY,
                Category::Format => exit::FORMAT,
                Category::Integrity => exit::INTEGRITY,
                Category::Signature => exit::SIGNATURE,
                Category::Usage => exit::USAGE,
            };
        }
    }
    exit::IO
}

/// Whether the error is our stdout's reader going away (`seal dec … | head`).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|cause| match cause.downcast_ref::<Error>() {
            Some(Error::Write(e)) => e.kind() == io::ErrorKind::BrokenPipe,
            _ => false,
        })
}
