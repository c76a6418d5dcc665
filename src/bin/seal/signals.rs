//! What seal undoes when SIGINT, SIGTERM or SIGHUP ends it: a temporary output file is
//! removed, and a terminal whose echo is off for a passphrase prompt gets its settings back.
//!
//! One thread, started on first need, waits for the signals, undoes what is registered and
//! exits with 128 + the signal's number, as the signal itself would. Registering and
//! unregistering happen under the same locks as the undoing, so they never interleave.

use std::fs::{self, File};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, OnceLock};

use anyhow::Context;
use rustix::termios::{OptionalActions, Termios, tcsetattr};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::diag;

/// The temporary output file to remove.
static PENDING_FILE: Mutex<Option<PathBuf>> = Mutex::new(None);
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
    let mut signals =
        Signals::new([SIGINT, SIGTERM, SIGHUP]).context("installing signal handlers")?;
    std::thread::Builder::new()
        .name("seal-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let terminal = lock(&TERMINAL);
                if let Some((tty, settings)) = terminal.as_ref() {
                    let _ = tcsetattr(tty, OptionalActions::Now, settings);
                }
                let pending = lock(&PENDING_FILE);
                if let Some(path) = pending.as_ref() {
                    let _ = fs::remove_file(path);
                }
                // The locks stay held until exit, so that no rename can follow the removal;
                // the message takes no lock and cannot panic.
                diag::error(format_args!(
                    "interrupted by signal {signal}; no output was written"
                ));
                std::process::exit(128 + signal);
            }
        })
        .context("starting the signal thread")?;
    let _ = INSTALLED.set(());
    Ok(())
}

/// A registered temporary file; unregistered on drop (the file itself is removed by its
/// `NamedTempFile`).
pub struct PendingFile;

impl PendingFile {
    /// Runs `create` under the lock and registers the path it returns, so that a signal
    /// arriving meanwhile waits and then finds the file to remove.
    pub fn register<T>(
        create: impl FnOnce() -> anyhow::Result<(T, PathBuf)>,
    ) -> anyhow::Result<(T, PendingFile)> {
        install()?;
        let mut pending = lock(&PENDING_FILE);
        let (made, path) = create()?;
        *pending = Some(path);
        Ok((made, PendingFile))
    }

    /// Runs `complete` (a rename into place) under the lock and unregisters the file: a signal
    /// either comes first (and removes it) or after (and finds nothing left to remove).
    pub fn complete<T>(self, complete: impl FnOnce() -> T) -> T {
        let mut pending = lock(&PENDING_FILE);
        let done = complete();
        *pending = None;
        done
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        *lock(&PENDING_FILE) = None;
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
