//! Where a passphrase comes from: the terminal (never echoed), an environment variable or a
//! file descriptor. Never the command line, where other users can read it in `ps`.

use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::os::fd::BorrowedFd;
use std::os::unix::ffi::OsStringExt;
use std::time::Duration;

use anyhow::Context;
use zeroize::Zeroizing;

use crate::error::CliError;
use crate::signals::SavedTerminal;
use seal::{MAX_PASSPHRASE_LEN, Passphrase};

/// Where to read a passphrase.
#[derive(Debug, Clone)]
pub enum PassphraseSource {
    /// Ask on the controlling terminal (`/dev/tty`), whatever stdin and stdout are.
    Terminal,
    /// The whole value of this environment variable, byte for byte.
    Env(OsString),
    /// The first line read from this file descriptor, without its line ending.
    Fd(u32),
}

impl PassphraseSource {
    /// Reads the passphrase. With `confirm` (when encrypting), the terminal asks twice and
    /// refuses two different answers.
    pub fn read(&self, confirm: bool) -> anyhow::Result<Passphrase> {
        match self {
            PassphraseSource::Terminal => {
                let first = ask("Passphrase: ")?;
                if confirm {
                    let again = ask("Passphrase (again): ")?;
                    if !first.same_as(&again) {
                        return Err(CliError::KeySource("the two passphrases differ".into()).into());
                    }
                }
                Ok(first)
            }
            PassphraseSource::Env(name) => {
                let shown = name.to_string_lossy();
                let value = std::env::var_os(name).ok_or_else(|| {
                    CliError::KeySource(format!(
                        "environment variable {shown} (from --passphrase-env) is not set"
                    ))
                })?;
                Passphrase::new(Zeroizing::new(value.into_vec()))
                    .with_context(|| format!("passphrase in environment variable {shown}"))
            }
            PassphraseSource::Fd(fd) => read_fd(*fd),
        }
    }
}

pub fn no_terminal() -> anyhow::Error {
    CliError::Usage(
        "a passphrase is needed and there is no terminal to ask on: use --passphrase-env NAME \
         or --passphrase-fd N"
            .into(),
    )
    .into()
}

/// Asks once on the terminal, with echo off. If a signal ends seal meanwhile, the signal
/// thread restores the terminal's settings before exiting.
pub fn ask(prompt: &str) -> anyhow::Result<Passphrase> {
    let tty = File::options()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(|_| no_terminal())?;
    let settings = rustix::termios::tcgetattr(&tty).map_err(|_| no_terminal())?;
    let _saved = SavedTerminal::register(tty, settings)?;
    match rpassword::prompt_password(prompt) {
        Ok(text) => {
            let text = Zeroizing::new(text);
            Passphrase::new(Zeroizing::new(text.as_bytes().to_vec()))
                .context("passphrase from the terminal")
        }
        Err(e) if e.kind() == io::ErrorKind::Interrupted => {
            // Ctrl-C: rpassword raised SIGINT, and the signal thread restores the terminal
            // and ends seal by SIGINT. Give it the time to; exit 130 if it does not.
            std::thread::sleep(Duration::from_secs(2));
            Err(CliError::Interrupted.into())
        }
        Err(e) => Err(CliError::KeySource(format!(
            "reading the passphrase from the terminal: {e}"
        ))
        .into()),
    }
}

/// Reads one line from descriptor `fd` itself, from where it stands, a byte at a time so that
/// nothing after the line is consumed. A descriptor left non-blocking is waited on.
pub fn read_fd(fd: u32) -> anyhow::Result<Passphrase> {
    let failed = |e: io::Error| CliError::KeySource(format!("--passphrase-fd {fd}: {e}"));
    let read = crate::sys::with_fd(fd, |desc| read_line(desc, fd)).map_err(failed)?;
    let mut line = read?;
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Passphrase::new(line).with_context(|| format!("passphrase from descriptor {fd}"))
}

fn read_line(desc: BorrowedFd<'_>, fd: u32) -> anyhow::Result<Zeroizing<Vec<u8>>> {
    use rustix::io::Errno;
    let mut line = Zeroizing::new(Vec::with_capacity(MAX_PASSPHRASE_LEN + 2));
    let mut byte = [0u8; 1];
    loop {
        match rustix::io::read(desc, &mut byte) {
            Ok(0) => return Ok(line),
            Ok(_) if byte[0] == b'\n' => return Ok(line),
            Ok(_) if line.len() > MAX_PASSPHRASE_LEN => {
                return Err(CliError::KeySource(format!(
                    "--passphrase-fd {fd}: the passphrase is longer than \
                     {MAX_PASSPHRASE_LEN} bytes"
                ))
                .into());
            }
            Ok(_) => line.push(byte[0]),
            Err(Errno::INTR) => {}
            Err(Errno::AGAIN) => {
                let mut fds = [rustix::event::PollFd::new(
                    &desc,
                    rustix::event::PollFlags::IN,
                )];
                let _ = rustix::event::poll(&mut fds, None);
            }
            Err(e) => {
                return Err(CliError::KeySource(format!(
                    "--passphrase-fd {fd}: {}",
                    io::Error::from(e)
                ))
                .into());
            }
        }
    }
}
