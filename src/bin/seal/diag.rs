//! Diagnostics on stderr: `seal: …` error lines and `seal: warning: …` lines, and the quoting
//! of file names inside them, which never shows a secret.
//!
//! Writing a diagnostic never panics (unlike `eprintln!`, which panics when stderr is a pipe
//! whose reader is gone), never changes the exit status, and takes no lock: each line goes to
//! descriptor 2 with plain `write` calls, outside `std`'s stderr lock, so that a stderr that
//! blocks (a full pipe nobody reads) can never hold up another thread that wants that lock.
//! Every diagnostic of the binary goes through here; a failure to write one is ignored.

use std::fmt::Display;
use std::io;
use std::os::fd::AsFd;
use std::path::Path;
use std::sync::Mutex;

use seal::{Identity, Key, SignerSecret};
use zeroize::Zeroizing;

/// Prints `seal: {message}`.
pub fn error(message: impl Display) {
    emit(&format!("seal: {message}\n"));
}

/// Prints `seal: {message}`: a line of information, such as progress into a log. Callers
/// honour `--quiet` themselves.
pub fn note(message: impl Display) {
    emit(&format!("seal: {message}\n"));
}

/// Prints `seal: warning: {message}`. Callers honour `--quiet` themselves.
pub fn warn(message: impl Display) {
    emit(&format!("seal: warning: {message}\n"));
}

/// Writes one whole line to descriptor 2, retrying after a signal and after a short write;
/// gives up silently on any error (a closed pipe, a closed descriptor, a full disk). A stderr
/// left non-blocking by another process is waited for, but at most a second per line.
fn emit(line: &str) {
    let stderr = io::stderr();
    let fd = stderr.as_fd();
    let mut rest = line.as_bytes();
    while !rest.is_empty() {
        match rustix::io::write(fd, rest) {
            Ok(0) => return,
            Ok(n) => rest = &rest[n..],
            Err(rustix::io::Errno::INTR) => {}
            Err(rustix::io::Errno::AGAIN) => {
                let mut fds = [rustix::event::PollFd::new(
                    &fd,
                    rustix::event::PollFlags::OUT,
                )];
                let second = rustix::event::Timespec {
                    tv_sec: 1,
                    tv_nsec: 0,
                };
                match rustix::event::poll(&mut fds, Some(&second)) {
                    Ok(n) if n > 0 => {}
                    _ => return,
                }
            }
            Err(_) => return,
        }
    }
}

/// What a message shows instead of text that looks like a secret.
pub const REDACTED: &str = "(secret text, not shown)";

/// The values of the environment variables that `--key-env` and `--passphrase-env` name:
/// never shown where they are given as a name or argument (see [`is_secret`]).
static HIDDEN: Mutex<Vec<Zeroizing<Vec<u8>>>> = Mutex::new(Vec::new());

/// Registers `secret` (a variable's value) as never to be shown in a message.
pub fn hide(secret: &[u8]) {
    if !secret.is_empty() {
        lock_hidden().push(Zeroizing::new(secret.to_vec()));
    }
}

fn lock_hidden() -> std::sync::MutexGuard<'static, Vec<Zeroizing<Vec<u8>>>> {
    HIDDEN
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Whether `text` (a name or an argument given where a name goes) looks like a secret: it
/// holds key, identity or signer text (seal's key, identity and signer prefixes, the last
/// covering protected signers too; age's `AGE-SECRET-KEY-` (so
/// also `-PQ-`) and `AGE-PLUGIN-`, a PEM or OpenSSH `PRIVATE KEY-----` line; in any case), or
/// the value of a variable registered with [`hide`] as the whole text or as one whole token of
/// it (a path component or a word: `-o "$PASS"`, `-o "dir/$PASS"`).
///
/// Only whole names are compared, never pieces of a message: blanking a secret wherever its
/// bytes occur in a line would blank fixed wording too ("wrong", "file"), and where the
/// wording is missing would give the secret away.
pub fn is_secret(text: &[u8]) -> bool {
    let has = |needle: &[u8]| {
        text.windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    let secret_prefixes = [
        Key::TEXT_PREFIX,
        Identity::TEXT_PREFIX,
        SignerSecret::TEXT_PREFIX,
        "AGE-SECRET-KEY-",
        "AGE-PLUGIN-",
        "PRIVATE KEY-----",
    ];
    if secret_prefixes.iter().any(|p| has(p.as_bytes())) {
        return true;
    }
    let tokens = |secret: &[u8]| {
        text == secret
            || text
                .split(|b| *b == b'/' || b.is_ascii_whitespace())
                .any(|token| token == secret)
    };
    lock_hidden().iter().any(|secret| tokens(secret))
}

/// A path for a message, in single quotes, with control and format characters escaped so
/// that a hostile file name cannot move the cursor, clear the screen, reverse the text that
/// follows or forge a second line in a log. A "file name" that looks like a secret (key,
/// identity or signer text, a passphrase variable's value given where a name goes) is not shown at all:
/// every message that names a file goes through here.
pub fn quote(path: &Path) -> String {
    if is_secret(path.as_os_str().as_encoded_bytes()) {
        return REDACTED.into();
    }
    quote_str(&path.to_string_lossy())
}

/// [`quote`] for a name that is already text.
pub fn quote_str(text: &str) -> String {
    if is_secret(text.as_bytes()) {
        return REDACTED.into();
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        if c.is_control() || is_invisible(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// A line that quotes other text in single quotes (clap's errors quote the arguments they
/// did not expect), with each quoted piece that looks like a secret replaced; a line that
/// still holds one is not shown at all.
pub fn redact_quoted(line: &str) -> String {
    let redacted: String = line
        .split('\'')
        .enumerate()
        .map(|(i, piece)| {
            if i % 2 == 1 && is_secret(piece.as_bytes()) {
                REDACTED.to_string()
            } else if i % 2 == 1 {
                format!("'{piece}'")
            } else {
                piece.to_string()
            }
        })
        .collect();
    if is_secret(redacted.as_bytes()) {
        format!("invalid arguments {REDACTED}")
    } else {
        redacted
    }
}

/// Unicode format characters (general category Cf: bidirectional overrides and isolates,
/// zero-width characters, invisible operators, tags) and the line and paragraph separators
/// (Zl, Zp): invisible, yet they reorder or break what a terminal or a log viewer shows.
/// The Cf ranges are those of Unicode 16.0 (DerivedGeneralCategory.txt).
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_characters_are_escaped() {
        assert_eq!(quote_str("a\u{202E}b\u{200B}c"), r"'a\u{202e}b\u{200b}c'");
        assert_eq!(quote_str("é ü 中"), "'é ü 中'");
    }
}
