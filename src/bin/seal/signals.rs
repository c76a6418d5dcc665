//! What seal does when a terminating signal arrives: a named temporary output file is
//! removed, a terminal whose echo is off for a passphrase prompt gets its settings back, a
//! line says what happened, and seal dies of the same signal so that its parent (a shell, a
//! CI runner) sees a real signal death.
//!
//! Handled: SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM, SIGUSR1, SIGUSR2, SIGXCPU, SIGXFSZ,
//! except those that were ignored when seal started (`nohup` ignores SIGHUP; they stay
//! ignored). SIGQUIT, SIGXCPU and SIGXFSZ would dump core by default, and a core file of seal
//! may hold key material: for these seal exits with 128 + the signal's number instead.
//! SIGKILL cannot be handled: it leaves a named temporary file (only where `O_TMPFILE` is not
//! available) and nothing else.
//!
//! Once the output is in place (renamed or linked), a signal changes nothing: the run is
//! complete and seal exits 0 as it would have.
//!
//! One thread, started on first need, waits for the signals. The output's state is changed
//! under the same lock the thread takes, so a signal comes either before the output is put in
//! place (and it never will be) or after (and it stays).

use std::fs::{self, File};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, OnceLock};

use anyhow::Context;
use rustix::termios::{OptionalActions, Termios, tcsetattr};
use signal_hook::consts::{
    SIGALRM, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGXCPU, SIGXFSZ,
};
use signal_hook::iterator::Signals;

use crate::diag;
use crate::sys;

/// The signals seal handles (unless ignored at start).
const HANDLED: [i32; 9] = [
    SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM, SIGUSR1, SIGUSR2, SIGXCPU, SIGXFSZ,
];

/// Where the `-o` output stands.
enum State {
    /// No output file is being written (stdout, or not yet).
    Idle,
    /// An output file is being written; its name, if it has one yet.
    Writing(Option<PathBuf>),
    /// The output is in place: signals change nothing any more.
    Committed,
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
    let wanted: Vec<i32> = HANDLED
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

/// Undoes what a signal must undo; false when the run is already complete.
fn terminate(signal: i32) -> bool {
    let mut state = lock(&STATE);
    let had_output = match &*state {
        State::Committed => return false,
        State::Dying => return true,
        State::Idle => false,
        State::Writing(path) => {
            if let Some(path) = path {
                let _ = fs::remove_file(path);
            }
            true
        }
    };
    *state = State::Dying;
    drop(state);
    if let Some((tty, settings)) = lock(&TERMINAL).as_ref() {
        let _ = tcsetattr(tty, OptionalActions::Now, settings);
    }
    let name = signal_hook::low_level::signal_name(signal).unwrap_or("a signal");
    if had_output {
        diag::error(format_args!("interrupted by {name}; no output was written"));
    } else {
        diag::error(format_args!("interrupted by {name}"));
    }
    true
}

/// Ends seal as `signal` would, without a core dump.
fn die(signal: i32) -> ! {
    if ![SIGQUIT, SIGXCPU, SIGXFSZ].contains(&signal) {
        let _ = signal_hook::low_level::emulate_default_handler(signal);
    }
    std::process::exit(128 + signal);
}

/// A registered output file; unregistered on drop (the file itself is removed by its owner).
pub struct PendingFile;

impl PendingFile {
    /// Runs `create` under the lock and registers the path it returns (if any), so that a
    /// signal arriving meanwhile waits and then finds the file to remove.
    pub fn register<T>(
        create: impl FnOnce() -> anyhow::Result<(T, Option<PathBuf>)>,
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
        name: impl FnOnce() -> anyhow::Result<(T, PathBuf)>,
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
    /// is committed and later signals change nothing. A signal that came first has removed the
    /// file and is ending seal: `complete` is then never run.
    pub fn complete<T, E>(self, complete: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let mut state = lock(&STATE);
        if matches!(*state, State::Dying) {
            drop(state);
            park_forever();
        }
        let done = complete();
        *state = if done.is_ok() {
            State::Committed
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
