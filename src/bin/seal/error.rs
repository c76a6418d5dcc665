//! The command line's own errors and the documented exit statuses.
//!
//! Library errors ([`seal::Error`]) carry their class ([`seal::Category`]); the command line adds
//! the few failures that only it can have (bad usage, refusals, where a key comes from, an
//! interruption). [`exit_code`] maps the first typed error in an `anyhow` chain to a status.

use std::io;

use seal::{Category, Error};

/// Exit statuses of `seal`, as documented in the README and the man page (`man.rs`).
pub mod exit {
    /// The whole input was processed.
    pub const OK: i32 = 0;
    /// Reading or writing failed, or seal refused (terminal output, same file in and out).
    pub const IO: i32 = 1;
    /// Bad command-line arguments, or no key given, or a request seal refuses by policy
    /// (post-quantum and classical recipients mixed without --allow-classical-mix, too many
    /// identities).
    pub const USAGE: i32 = 2;
    /// The key file is missing, unreadable or malformed, or the key is not the stream's key.
    pub const KEY: i32 = 3;
    /// The input is not a seal stream this version reads.
    pub const FORMAT: i32 = 4;
    /// The stream is damaged: a frame failed authentication, or the stream is truncated, has
    /// frames out of place, or data after its end.
    pub const INTEGRITY: i32 = 5;
    /// A signature requirement is not met (`--signed-by`): the stream is not signed, is signed
    /// by a signer not allowed, its signature does not verify, its signed comment is not the
    /// expected one, or it changed after its signature was checked; also a signed stream whose
    /// signature fails when no `--signed-by` was given.
    pub const SIGNATURE: i32 = 6;
    /// Standard output was closed before seal finished (as in `seal dec … | head`); nothing
    /// is printed. 141 is the status a shell shows for a process ended by SIGPIPE.
    pub const BROKEN_PIPE: i32 = 141;
    /// Ctrl-C at a prompt when the signal thread did not end seal first. A terminating
    /// signal otherwise ends seal by the signal itself (a shell shows 128 + its number), or
    /// with 128 + its number for SIGQUIT, SIGXCPU and SIGXFSZ; see `signals`.
    pub const INTERRUPTED: i32 = 130;
}

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
