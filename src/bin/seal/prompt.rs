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

/// The two options that give one passphrase without a terminal, named in the messages about
/// it, and what the terminal's prompt calls it: the stream's (`--passphrase-env`,
/// `--passphrase-fd`; also `seal signer`'s), the signer file's in `enc --sign`, and a new
/// signer file's (`keygen --signer`, `seal signer -o`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PassphraseOptions {
    /// The option that names an environment variable.
    pub env: &'static str,
    /// The option that names a file descriptor.
    pub fd: &'static str,
    /// The terminal's prompt, without its `: `.
    pub prompt: &'static str,
}

impl PassphraseOptions {
    /// `--passphrase-env`, `--passphrase-fd`.
    pub const STREAM: PassphraseOptions = PassphraseOptions {
        env: "--passphrase-env",
        fd: "--passphrase-fd",
        prompt: "Passphrase",
    };
    /// The stream's, in `enc --sign`, where the signer file's is asked for too.
    pub const STREAM_BESIDE_SIGNER: PassphraseOptions = PassphraseOptions {
        prompt: "Passphrase for the stream",
        ..PassphraseOptions::STREAM
    };
    /// `--signer-passphrase-env`, `--signer-passphrase-fd` (`enc --sign`).
    pub const SIGNER: PassphraseOptions = PassphraseOptions {
        env: "--signer-passphrase-env",
        fd: "--signer-passphrase-fd",
        prompt: "Passphrase for the signer file",
    };
    /// `keygen --signer`'s `--passphrase-env`, `--passphrase-fd`.
    pub const NEW_SIGNER: PassphraseOptions = PassphraseOptions {
        prompt: "Passphrase for the new signer file",
        ..PassphraseOptions::STREAM
    };
    /// `seal signer -o`'s `--new-passphrase-env`, `--new-passphrase-fd`.
    pub const COPY_SIGNER: PassphraseOptions = PassphraseOptions {
        env: "--new-passphrase-env",
        fd: "--new-passphrase-fd",
        prompt: "New passphrase for the copy",
    };
}

/// Where to read a passphrase, and the options that name it (for messages).
#[derive(Debug, Clone)]
pub enum PassphraseSource {
    /// Ask on the controlling terminal (`/dev/tty`), whatever stdin and stdout are.
    Terminal(PassphraseOptions),
    /// The whole value of this environment variable, byte for byte.
    Env(OsString, PassphraseOptions),
    /// The first line read from this file descriptor, without its line ending.
    Fd(u32, PassphraseOptions),
}

impl PassphraseSource {
    /// Reads the passphrase. With `confirm` (when encrypting), the terminal asks twice and
    /// refuses two different answers.
    pub fn read(&self, confirm: bool) -> anyhow::Result<Passphrase> {
        match self {
            PassphraseSource::Terminal(options) => {
                let first = ask(&format!("{}: ", options.prompt), *options)?;
                if confirm {
                    let again = ask(&format!("{} (again): ", options.prompt), *options)?;
                    if !first.same_as(&again) {
                        return Err(CliError::KeySource("the two passphrases differ".into()).into());
                    }
                }
                Ok(first)
            }
            PassphraseSource::Env(name, options) => {
                let shown = name.to_string_lossy();
                let value = std::env::var_os(name).ok_or_else(|| {
                    CliError::KeySource(format!(
                        "environment variable {shown} (from {}) is not set",
                        options.env
                    ))
                })?;
                Passphrase::new(Zeroizing::new(value.into_vec()))
                    .with_context(|| format!("passphrase in environment variable {shown}"))
            }
            PassphraseSource::Fd(fd, options) => read_fd(*fd, options.fd),
        }
    }
}

/// The refusal when a passphrase is needed and there is no terminal: it names the options
/// that give one instead.
pub fn no_terminal(options: PassphraseOptions) -> anyhow::Error {
    CliError::Usage(format!(
        "a passphrase is needed and there is no terminal to ask on: use {} NAME or {} N",
        options.env, options.fd
    ))
    .into()
}

/// Asks once on the terminal, with echo off; without a terminal, refuses naming `options`. If
/// a signal ends seal meanwhile, the signal thread restores the terminal's settings before
/// exiting.
pub fn ask(prompt: &str, options: PassphraseOptions) -> anyhow::Result<Passphrase> {
    let tty = File::options()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(|_| no_terminal(options))?;
    let settings = rustix::termios::tcgetattr(&tty).map_err(|_| no_terminal(options))?;
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
/// nothing after the line is consumed. A descriptor left non-blocking is waited on. `option`
/// (`--passphrase-fd`) is what messages name.
fn read_fd(fd: u32, option: &str) -> anyhow::Result<Passphrase> {
    let failed = |e: io::Error| CliError::KeySource(format!("{option} {fd}: {e}"));
    let read = crate::sys::with_fd(fd, |desc| read_line(desc, fd, option)).map_err(failed)?;
    let mut line = read?;
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Passphrase::new(line).with_context(|| format!("passphrase from descriptor {fd}"))
}

fn read_line(desc: BorrowedFd<'_>, fd: u32, option: &str) -> anyhow::Result<Zeroizing<Vec<u8>>> {
    use rustix::io::Errno;
    let mut line = Zeroizing::new(Vec::with_capacity(MAX_PASSPHRASE_LEN + 2));
    let mut byte = [0u8; 1];
    loop {
        match rustix::io::read(desc, &mut byte) {
            Ok(0) => return Ok(line),
            Ok(_) if byte[0] == b'\n' => return Ok(line),
            Ok(_) if line.len() > MAX_PASSPHRASE_LEN => {
                return Err(CliError::KeySource(format!(
                    "{option} {fd}: the passphrase is longer than \
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
                return Err(
                    CliError::KeySource(format!("{option} {fd}: {}", io::Error::from(e))).into(),
                );
            }
        }
    }
}
