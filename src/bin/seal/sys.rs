//! The few operating-system calls that no safe API offers, each in one small audited
//! `unsafe` block. Nothing else in the binary uses `unsafe`.

use std::fs::File;
use std::io;
use std::os::fd::IntoRawFd;

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
