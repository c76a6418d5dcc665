//! The few operating-system calls that no safe API offers, each in one small audited
//! `unsafe` block. Nothing else in the binary uses `unsafe`.

use std::fs::File;
use std::io;
use std::os::fd::{BorrowedFd, IntoRawFd};

/// Closes `file` and reports the result of `close(2)`, which `File`'s drop ignores. On NFS
/// and some FUSE file systems a failed write surfaces only here.
pub fn close(file: File) -> io::Result<()> {
    let fd = file.into_raw_fd();
    // SAFETY: `fd` came from `into_raw_fd`, so this function owns it and nothing else will
    // use or close it; it is closed exactly once, here. close(2) is not retried on EINTR: on
    // Linux the descriptor is released whatever close returns.
    let result = unsafe { libc::close(fd) };
    if result == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Whether `signal` was set to be ignored when seal started (as `nohup` does for SIGHUP, and
/// a shell for SIGINT and SIGQUIT of a background job): such a signal must stay ignored.
pub fn signal_ignored(signal: i32) -> bool {
    // SAFETY: sigaction with a null new action only reads the current disposition into
    // `old`, a zeroed (valid) sigaction that this function owns; it changes nothing.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut old) == 0
            && old.sa_sigaction == libc::SIG_IGN
    }
}

/// Runs `f` with descriptor `fd` borrowed, if it is open: `--passphrase-fd N` reads the
/// descriptor itself (from its current position, whatever it is: a pipe, a socket, a file
/// opened by a parent of another user), not a reopening of `/dev/fd/N`.
pub fn with_fd<R>(fd: u32, f: impl FnOnce(BorrowedFd<'_>) -> R) -> io::Result<R> {
    let fd = i32::try_from(fd).map_err(|_| io::Error::from_raw_os_error(libc::EBADF))?;
    // SAFETY: F_GETFD only reads the descriptor's flags; it fails with EBADF if `fd` is not
    // open, and then nothing is borrowed.
    if unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` is open (checked just above) and seal never closes a descriptor it did
    // not open itself, so it stays open while `f` runs; the borrow cannot outlive `f`.
    let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
    Ok(f(borrowed))
}
