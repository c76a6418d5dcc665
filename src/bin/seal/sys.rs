//! The few operating-system calls that no safe API offers, each in one small audited
//! `unsafe` block. Nothing else in the binary uses `unsafe`.

use std::fs::File;
use std::io;
use std::os::fd::{BorrowedFd, IntoRawFd};
use std::sync::atomic::{AtomicBool, Ordering};

/// Makes seal undumpable, before anything else runs: no core file (which could hold a frame
/// key, a key file's key or a passphrase) whatever `ulimit -c` or a parent allows, and no
/// other process of the same user may read seal's memory through `/proc` or ptrace.
/// `PR_SET_DUMPABLE` 0 also stops a core handed to a `core_pattern` pipe, which a zero
/// `RLIMIT_CORE` alone does not. Best effort: neither call can fail for a valid argument.
pub fn forbid_core_dumps() {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let _ = rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable);
    let none = rustix::process::Rlimit {
        current: Some(0),
        maximum: Some(0),
    };
    let _ = rustix::process::setrlimit(rustix::process::Resource::Core, none);
}

/// Which of descriptors 0, 1 and 2 were closed when the process started, recorded by
/// [`record_closed_stdio`] before the Rust runtime puts `/dev/null` in their place.
static CLOSED_AT_START: [AtomicBool; 3] = [const { AtomicBool::new(false) }; 3];

/// Runs before `main` and before the Rust runtime's own start-up (an ELF constructor, run by
/// the dynamic loader or the static start code): that start-up opens `/dev/null` read-write
/// on a closed standard descriptor, which is then indistinguishable from the `/dev/null`
/// that Python's `subprocess.DEVNULL` or `daemon(3)` hand over on purpose.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
#[used]
#[unsafe(link_section = ".init_array")]
static RECORD_CLOSED_STDIO: extern "C" fn() = record_closed_stdio;

#[cfg_attr(
    not(any(target_os = "linux", target_os = "android", target_os = "freebsd")),
    allow(dead_code)
)]
extern "C" fn record_closed_stdio() {
    for (fd, closed) in CLOSED_AT_START.iter().enumerate() {
        // SAFETY: F_GETFD only reads a descriptor's flags; it fails (EBADF) only when the
        // descriptor is not open. Nothing else runs yet: no other thread exists.
        if unsafe { libc::fcntl(fd as i32, libc::F_GETFD) } == -1 {
            closed.store(true, Ordering::Relaxed);
        }
    }
}

/// Whether standard descriptor `fd` (0, 1 or 2) was closed when seal started, where the
/// platform lets seal know (see [`record_closed_stdio`]); `None` where it does not.
pub fn closed_at_start(fd: usize) -> Option<bool> {
    if cfg!(any(
        target_os = "linux",
        target_os = "android",
        target_os = "freebsd"
    )) {
        CLOSED_AT_START.get(fd).map(|c| c.load(Ordering::Relaxed))
    } else {
        None
    }
}

/// Ends the process by `signal`'s default action (a real signal death its parent can see):
/// the disposition is reset, the signal unblocked and raised. Falls back to exiting with
/// 128 + the number should the signal not end the process.
pub fn die_of(signal: i32) -> ! {
    // SAFETY: these calls change only the disposition and mask of `signal` in this process
    // and send it to the calling thread; `set` is a local sigset this function owns.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, signal);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::raise(signal);
    }
    std::process::exit(128 + signal)
}

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
