//! What seal does when a terminating signal arrives: a named temporary output file is
//! removed, a terminal whose echo is off for a passphrase prompt gets its settings back, a
//! line says what happened, and seal dies of the same signal so that its parent (a shell, a
//! CI runner) sees a real signal death.
//!
//! The handling is in place from the start of `main`, for every command and every output
//! kind. Handled: every signal whose default action ends a process and that can come from
//! outside (SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM, SIGSTKFLT, SIGXCPU,
//! SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO, SIGPWR and the real-time range SIGRTMIN..=SIGRTMAX),
//! except those that were ignored when seal started (`nohup` ignores SIGHUP; SIGPIPE, which
//! the Rust runtime ignores so that a closed pipe is a write error; they stay ignored).
//! SIGQUIT, SIGXCPU and SIGXFSZ would dump core by default: for these seal exits with 128 +
//! the signal's number instead (and seal is undumpable anyway, see `sys::forbid_core_dumps`).
//! Not handled, and so leaving a named temporary file where one is used: SIGKILL, and the
//! signals that report a fault of the process itself (SIGSEGV, SIGBUS, SIGILL, SIGFPE,
//! SIGTRAP, SIGSYS, SIGABRT), after which no code of seal can be trusted to run.
//!
//! Once the output is in place (renamed or linked), a first signal changes nothing: the run
//! is complete and seal exits 0 as it would have. While the directory is being synced after
//! that (which a stuck network file system can make last), the first signal only says what
//! seal is waiting for, and a second one ends seal; the output stays in place.
//!
//! One thread, started at the start of `main`, waits for the signals. The output's state is
//! changed under the same lock the thread takes, so a signal comes either before the output is
//! put in place (and it never will be) or after (and it stays).

use std::ffi::OsString;
use std::fs::File;
use std::sync::{Mutex, MutexGuard, OnceLock};

use anyhow::Context;
use rustix::fs::AtFlags;
use rustix::termios::{OptionalActions, Termios, tcsetattr};
use signal_hook::consts::{
    SIGALRM, SIGHUP, SIGINT, SIGIO, SIGPROF, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGVTALRM,
    SIGXCPU, SIGXFSZ,
};
use signal_hook::iterator::Signals;

use crate::diag;
use crate::sys;

/// The signals seal handles (unless ignored at start): every one whose default action ends a
/// process, but SIGKILL and the fault signals.
fn handled() -> Vec<i32> {
    let mut all = vec![
        SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM, SIGXCPU, SIGXFSZ, SIGVTALRM,
        SIGPROF, SIGIO,
    ];
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        all.extend([libc::SIGSTKFLT, libc::SIGPWR]);
        all.extend(libc::SIGRTMIN()..=libc::SIGRTMAX());
    }
    all
}

/// The signals whose default action would dump core.
const CORE: [i32; 3] = [SIGQUIT, SIGXCPU, SIGXFSZ];

/// A named temporary file: the directory it is in, and its name there.
pub type TempName = (File, OsString);

/// Where the `-o` output stands.
enum State {
    /// No output file is being written (stdout, or not yet).
    Idle,
    /// An output file is being written; its name, if it has one yet.
    Writing(Option<TempName>),
    /// The output is in place and its directory being synced; whether a signal came already.
    Syncing { signalled: bool },
    /// The output is in place and synced: signals change nothing any more.
    Done,
    /// A signal is ending seal: the output must never be put in place.
    Dying,
}

static STATE: Mutex<State> = Mutex::new(State::Idle);
/// The terminal to restore, with the settings it had before the prompt.
static TERMINAL: Mutex<Option<(File, Termios)>> = Mutex::new(None);

pub fn lock<T>(mutex: &'static Mutex<T>) -> MutexGuard<'static, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Starts the signal thread, once.
pub fn install() -> anyhow::Result<()> {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    if INSTALLED.get().is_some() {
        return Ok(());
    }
    let wanted: Vec<i32> = handled()
        .into_iter()
        .filter(|&s| !sys::signal_ignored(s))
        .collect();
    let mut signals = Signals::new(&wanted).context("installing signal handlers")?;
    std::thread::Builder::new()
        .name("seal-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                if terminate(signal) {
                    die(signal);
                }
            }
        })
        .context("starting the signal thread")?;
    let _ = INSTALLED.set(());
    Ok(())
}

/// Undoes what a signal must undo; false when the run is already complete (or, during the
/// directory sync, for the first signal).
fn terminate(signal: i32) -> bool {
    let name = signal_name(signal);
    let mut state = lock(&STATE);
    let had_output = match &mut *state {
        State::Done => return false,
        State::Dying => return true,
        State::Syncing { signalled } if !*signalled => {
            *signalled = true;
            drop(state);
            diag::note(format_args!(
                "{name}: the output is in place; waiting for its directory to be synced \
                 (a second signal stops waiting)"
            ));
            return false;
        }
        State::Syncing { .. } => {
            *state = State::Dying;
            drop(state);
            diag::error(format_args!(
                "interrupted by {name} while syncing the directory: the output is in place, \
                 but a crash may still undo it"
            ));
            return true;
        }
        State::Idle => false,
        State::Writing(temp) => {
            if let Some((dir, name)) = temp {
                let _ = rustix::fs::unlinkat(&*dir, name.as_os_str(), AtFlags::empty());
            }
            true
        }
    };
    *state = State::Dying;
    drop(state);
    if let Some((tty, settings)) = lock(&TERMINAL).as_ref() {
        let _ = tcsetattr(tty, OptionalActions::Now, settings);
    }
    if had_output {
        diag::error(format_args!("interrupted by {name}; no output was written"));
    } else {
        diag::error(format_args!("interrupted by {name}"));
    }
    true
}

/// The signal's name, `SIGRTMIN+n` for the real-time ones.
fn signal_name(signal: i32) -> String {
    if let Some(name) = signal_hook::low_level::signal_name(signal) {
        return name.to_string();
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        if signal == libc::SIGPWR {
            return "SIGPWR".into();
        }
        if signal == libc::SIGSTKFLT {
            return "SIGSTKFLT".into();
        }
        if (libc::SIGRTMIN()..=libc::SIGRTMAX()).contains(&signal) {
            return format!("SIGRTMIN+{}", signal - libc::SIGRTMIN());
        }
    }
    format!("signal {signal}")
}

/// Ends seal as `signal` would, without a core dump.
fn die(signal: i32) -> ! {
    if CORE.contains(&signal) {
        std::process::exit(128 + signal);
    }
    sys::die_of(signal)
}

/// A registered output file; unregistered on drop (the file itself is removed by its owner).
pub struct PendingFile;

impl PendingFile {
    /// Runs `create` under the lock and registers the path it returns (if any), so that a
    /// signal arriving meanwhile waits and then finds the file to remove.
    pub fn register<T>(
        create: impl FnOnce() -> anyhow::Result<(T, Option<TempName>)>,
    ) -> anyhow::Result<(T, PendingFile)> {
        install()?;
        let mut state = lock(&STATE);
        if matches!(*state, State::Dying) {
            drop(state);
            park_forever();
        }
        let (made, path) = create()?;
        *state = State::Writing(path);
        Ok((made, PendingFile))
    }

    /// Names the registered file (an anonymous file about to be linked): runs `name` under
    /// the lock and registers the path it returns.
    pub fn name<T>(
        &self,
        name: impl FnOnce() -> anyhow::Result<(T, TempName)>,
    ) -> anyhow::Result<T> {
        let mut state = lock(&STATE);
        if matches!(*state, State::Dying) {
            drop(state);
            park_forever();
        }
        let (made, path) = name()?;
        *state = State::Writing(Some(path));
        Ok(made)
    }

    /// Runs `complete` (the rename or link into place) under the lock; on success the output
    /// is in place and its directory is to be synced ([`synced`] when done). A signal that
    /// came first has removed the file and is ending seal: `complete` is then never run.
    pub fn complete<T, E>(self, complete: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let mut state = lock(&STATE);
        if matches!(*state, State::Dying) {
            drop(state);
            park_forever();
        }
        let done = complete();
        *state = if done.is_ok() {
            State::Syncing { signalled: false }
        } else {
            State::Idle
        };
        std::mem::forget(self);
        done
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        let mut state = lock(&STATE);
        if matches!(*state, State::Writing(_)) {
            *state = State::Idle;
        }
    }
}

/// The directory sync after the output was put in place is over (done or failed): signals
/// change nothing any more.
pub fn synced() {
    let mut state = lock(&STATE);
    if matches!(*state, State::Syncing { .. }) {
        *state = State::Done;
    }
}

/// Waits for the signal thread to end the process.
fn park_forever() -> ! {
    loop {
        std::thread::park();
    }
}

/// A terminal whose settings are restored if a signal ends seal; unregistered on drop.
pub struct SavedTerminal;

impl SavedTerminal {
    /// Registers `tty` and its current `settings`.
    pub fn register(tty: File, settings: Termios) -> anyhow::Result<SavedTerminal> {
        install()?;
        *lock(&TERMINAL) = Some((tty, settings));
        Ok(SavedTerminal)
    }
}

impl Drop for SavedTerminal {
    fn drop(&mut self) {
        *lock(&TERMINAL) = None;
    }
}

#[cfg(test)]
mod tests {
    use super::{handled, signal_name};

    /// The exit-status table's signals row names every signal seal handles.
    #[test]
    fn the_status_table_names_every_handled_signal() {
        let row = crate::status::SIGNALS;
        #[cfg(any(target_os = "linux", target_os = "android"))]
        let realtime = libc::SIGRTMIN()..=libc::SIGRTMAX();
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        let realtime = 0..=-1;
        for signal in handled() {
            if realtime.contains(&signal) {
                assert!(row.contains("SIGRTMIN to SIGRTMAX"), "{row}");
                continue;
            }
            let name = signal_name(signal);
            assert!(row.contains(&name), "{name} is not in the status table");
        }
    }
}
