//! Where a stream's secret comes from: a key file (`-k`, `$SEAL_KEY_FILE`), a key in an
//! environment variable (`--key-env`), or a passphrase (terminal, `--passphrase-env`,
//! `--passphrase-fd`), chosen from the options and from the kind the stream's header names.

use std::fs::File;
use std::io;
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use anyhow::Context;
use seal::keys::KEY_PREFIX;
use seal::{Error, Header, Key, KeyKind, Passphrase, Secret};
use zeroize::Zeroizing;

use crate::args::KeyArgs;
use crate::diag;
use crate::error::CliError;
use crate::files::is_stdio;
use crate::prompt::PassphraseSource;

impl KeyArgs {
    /// The passphrase source the options name, if any.
    pub fn passphrase_source(&self) -> Option<PassphraseSource> {
        if let Some(name) = &self.passphrase_env {
            Some(PassphraseSource::Env(name.clone()))
        } else if let Some(fd) = self.passphrase_fd {
            Some(PassphraseSource::Fd(fd))
        } else {
            self.passphrase.then_some(PassphraseSource::Terminal)
        }
    }

    /// The key file that `-k` or `$SEAL_KEY_FILE` names, when the key is to come from a file.
    pub fn key_file(&self) -> Option<PathBuf> {
        if self.key_env.is_some() || self.passphrase_source().is_some() {
            return None;
        }
        match &self.key {
            Some(path) => Some(path.clone()),
            None => std::env::var_os("SEAL_KEY_FILE")
                .filter(|p| !p.is_empty())
                .map(PathBuf::from),
        }
    }

    /// Whether a key was named on the command line (not only through `$SEAL_KEY_FILE`).
    pub fn names_key(&self) -> bool {
        self.key.is_some() || self.key_env.is_some()
    }

    /// Refuses `--passphrase-fd 0` when stdin is also the input.
    pub fn check_fd(&self, input: Option<&Path>) -> anyhow::Result<()> {
        if self.passphrase_fd == Some(0) && is_stdio(input) {
            return Err(CliError::Usage(
                "--passphrase-fd 0 reads stdin, which is also the input: name an INPUT file".into(),
            )
            .into());
        }
        Ok(())
    }

    /// The secret for a stream whose header is `header`: the kind it names, from the options,
    /// asking on the terminal for a passphrase none of them gives.
    pub fn secret_for(&self, header: &Header, quiet: bool) -> anyhow::Result<OwnedSecret> {
        match header.key_kind() {
            KeyKind::KeyFile => match self.passphrase_source() {
                None => Ok(OwnedSecret::Key(load_key(self, quiet)?)),
                Some(_) => Err(header.key_kind().wrong_secret().into()),
            },
            KeyKind::Passphrase(_) if self.names_key() => {
                Err(header.key_kind().wrong_secret().into())
            }
            KeyKind::Recipients => Err(KeyKind::Recipients.mismatch("a key file").into()),
            KeyKind::Passphrase(_) => {
                let source = self
                    .passphrase_source()
                    .unwrap_or(PassphraseSource::Terminal);
                Ok(OwnedSecret::Passphrase(read_passphrase(
                    &source, false, quiet,
                )?))
            }
        }
    }
}

/// Reads a passphrase from `source` (asking twice on a terminal with `confirm`). The value of
/// `--passphrase-env` is used byte for byte; when it ends in a line ending (`PASS=$'pw\n'`,
/// or a file's content with its newline), the passphrase will not be what is typed at a
/// prompt or read by `--passphrase-fd`, so seal warns unless `quiet`.
pub fn read_passphrase(
    source: &PassphraseSource,
    confirm: bool,
    quiet: bool,
) -> anyhow::Result<Passphrase> {
    let pass = source.read(confirm)?;
    if let PassphraseSource::Env(name) = source
        && !quiet
        && matches!(pass.as_bytes().last(), Some(b'\n' | b'\r'))
    {
        let name = name.to_string_lossy();
        diag::warn(format_args!(
            "the passphrase in environment variable {name} ends in a line ending, which is \
             part of the passphrase (typing it or --passphrase-fd will not match); to drop it, \
             set the variable with {name}=\"$(cat FILE)\""
        ));
    }
    Ok(pass)
}

/// A key or a passphrase, owned.
pub enum OwnedSecret {
    Key(Key),
    Passphrase(Passphrase),
}

impl OwnedSecret {
    pub fn as_secret(&self) -> Secret<'_> {
        match self {
            OwnedSecret::Key(key) => Secret::Key(key),
            OwnedSecret::Passphrase(pass) => Secret::Passphrase(pass),
        }
    }
}

/// The key from `--key-env`, `-k` or `$SEAL_KEY_FILE`, in that order.
pub fn load_key(args: &KeyArgs, quiet: bool) -> anyhow::Result<Key> {
    if let Some(name) = &args.key_env {
        let value = std::env::var_os(name).ok_or_else(|| {
            CliError::KeySource(format!(
                "environment variable {} (from --key-env) is not set",
                name.to_string_lossy()
            ))
        })?;
        let text = Zeroizing::new(value.into_vec());
        return Key::from_text(&text)
            .with_context(|| format!("key in environment variable {}", name.to_string_lossy()));
    }
    let Some(path) = args.key_file() else {
        return Err(CliError::Usage(
            "no key given: use -k KEYFILE, set SEAL_KEY_FILE, or use --key-env NAME".into(),
        )
        .into());
    };
    let shown = diag::quote(&path);
    let file = open_key_file(&path)?;
    if let Ok(meta) = file.metadata()
        && meta.permissions().mode() & 0o077 != 0
        && !quiet
    {
        diag::warn(format_args!(
            "key file {shown} is readable by others (mode {:o}); chmod 600 it",
            meta.permissions().mode() & 0o777
        ));
    }
    Key::from_reader(file).map_err(|e| match e {
        // Unreadable (a directory, an I/O error): a key problem, not an input problem.
        Error::Read(io) => CliError::KeySource(format!("key file {shown}: {io}")).into(),
        other => anyhow::Error::new(other).context(format!("key file {shown}")),
    })
}

/// Whether a "file name" is really key text (`-k "$(cat key.seal)"`): then it must never be
/// printed, not even in an error message.
pub fn looks_like_key(path: &Path) -> bool {
    let text = path.as_os_str().as_encoded_bytes();
    text.windows(KEY_PREFIX.len())
        .any(|w| w.eq_ignore_ascii_case(KEY_PREFIX.as_bytes()))
}

/// Opens a key file: a regular file, opened without blocking (a FIFO or a device named as
/// the key neither hangs seal nor eats its input; `-k /dev/stdin` is refused), and read by
/// [`Key::from_reader`], which reads a bounded number of bytes. A name that is key text is
/// refused without being shown.
pub fn open_key_file(path: &Path) -> anyhow::Result<File> {
    use rustix::fs::{Mode, OFlags};
    use std::os::unix::fs::FileTypeExt;
    if looks_like_key(path) && std::fs::symlink_metadata(path).is_err() {
        return Err(CliError::Usage(
            "this looks like a key, not a file name: use --key-env NAME to pass key text (seal \
             never prints it)"
                .into(),
        )
        .into());
    }
    let shown = diag::quote(path);
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    let fd = rustix::fs::open(path, flags, Mode::empty())
        .map_err(|e| CliError::KeySource(format!("key file {shown}: {}", io::Error::from(e))))?;
    let file = File::from(fd);
    let meta = file
        .metadata()
        .map_err(|e| CliError::KeySource(format!("key file {shown}: {e}")))?;
    let kind = meta.file_type();
    let what = if kind.is_file() {
        return Ok(file);
    } else if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a pipe (FIFO)"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    };
    Err(CliError::KeySource(format!(
        "key file {shown} is {what}: a key file must be a regular file (for key text from a \
         pipe or a secret store, use --key-env NAME)"
    ))
    .into())
}
