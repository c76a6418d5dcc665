//! Diagnostics on stderr: `seal: …` error lines and `seal: warning: …` lines, and the quoting
//! of file names inside them.
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

/// A path for a message, in single quotes, with control characters escaped so that a hostile
/// file name cannot move the cursor, clear the screen or forge a second line in a log.
pub fn quote(path: &Path) -> String {
    quote_str(&path.to_string_lossy())
}

/// [`quote`] for a name that is already text.
pub fn quote_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}
