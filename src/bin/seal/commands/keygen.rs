//! `seal keygen`: a new random key, or with `--identity` a new identity, as one line of text,
//! to stdout or a new 0600 file; and `seal recipient`: the recipient of an identity.

use std::fs;
use std::io::{Read, Write};
use std::path::Path;

use anyhow::Context;
use seal::{Identity, IdentityText, Key, RecipientKind};
use zeroize::Zeroizing;

use super::write_stdout;
use crate::args::KindArg;
use crate::diag;
use crate::error::CliError;
use crate::files::is_stdio;
use crate::secrets::open_key_file;
use crate::staged::Staged;

pub fn keygen(output: Option<&Path>, identity: Option<KindArg>) -> anyhow::Result<()> {
    let what = if identity.is_some() {
        "identity file"
    } else {
        "key file"
    };
    let file = output
        .map(|path| NewSecretFile::create(path, what))
        .transpose()?;
    let (text, recipient) = match identity {
        None => (Key::generate()?.to_text(), None),
        Some(kind) => {
            let kind = match kind {
                KindArg::MlKem768X25519 => RecipientKind::MlKem768X25519,
                KindArg::X25519 => RecipientKind::X25519,
            };
            let id = Identity::generate(kind)?;
            // `KindArg` has no SSH kind, and only an SSH identity has no text.
            let text = id
                .to_text()
                .ok_or(seal::Error::Misuse(seal::Misuse::SshIdentityFromFile))?;
            (text, Some(id.recipient()))
        }
    };
    match file {
        None => {
            write_stdout(text.as_bytes())?;
        }
        Some(file) => {
            // An identity file says when it was made and what its recipient is, above the
            // secret (as age-keygen's does), so the public half is never lost.
            let text = match &recipient {
                Some(r) => {
                    let mut with =
                        Zeroizing::new(format!("# created: {}\n# recipient: {r}\n", rfc3339_now()));
                    with.push_str(&text);
                    with
                }
                None => text,
            };
            file.write(text.as_bytes())?;
        }
    }
    if let Some(recipient) = recipient {
        // Public: on stderr, so that stdout holds only the identity when it goes there.
        diag::note(format_args!("recipient: {recipient}"));
    }
    Ok(())
}

/// A new file for a secret (`keygen -o`, `keygen --signer -o`), created before the secret is
/// made, a passphrase asked for or Argon2id run, so that a name that cannot be used is refused
/// first. The secret is written into an unnamed (or temporary) 0600 file, synced, then linked
/// to the name, which must not exist: no window where it is readable by others, no partial
/// file after a crash or a signal, never an overwrite.
pub struct NewSecretFile {
    staged: Staged,
    /// "key file", "identity file", "signer file", and the name, quoted: for messages.
    what: &'static str,
    shown: String,
}

impl NewSecretFile {
    /// Refuses a name ending in `/` and a name that exists (whatever it is), then stages the
    /// file in the name's directory (which must exist and be writable). `what` names the file
    /// in messages.
    pub fn create(path: &Path, what: &'static str) -> anyhow::Result<NewSecretFile> {
        let shown = diag::quote(path);
        if path.as_os_str().as_encoded_bytes().ends_with(b"/") {
            return Err(CliError::Refused(format!(
                "{what} {shown} names a directory: -o takes a file name"
            ))
            .into());
        }
        if fs::symlink_metadata(path).is_ok() {
            return Err(CliError::Refused(format!(
                "creating {what} {shown}: it already exists, and seal never overwrites a key"
            ))
            .into());
        }
        let staged = Staged::create(path, 0o600, None)?;
        Ok(NewSecretFile {
            staged,
            what,
            shown,
        })
    }

    /// Writes `text`, syncs it and links it to the name (which must still not exist).
    pub fn write(self, text: &[u8]) -> anyhow::Result<()> {
        let (what, shown) = (self.what, &self.shown);
        let mut file = self.staged.file();
        file.write_all(text)
            .map_err(seal::Error::Write)
            .with_context(|| format!("writing {what} {shown}"))?;
        self.staged.commit_new()
    }
}

/// The most of an identity file `seal recipient` reads (as `-k` does): 64 KiB.
const MAX_IDENTITY_TEXT: u64 = 64 << 10;

/// The current time in UTC as RFC 3339 with seconds and `Z` (`2026-12-06T02:37:38Z`).
fn rfc3339_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86400, secs % 86400);
    // Days since 1970-01-01 to a civil date (proleptic Gregorian; H. Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

pub fn recipient(path: &Path) -> anyhow::Result<()> {
    let mut text = Zeroizing::new(Vec::new());
    let name = if is_stdio(Some(path)) {
        std::io::stdin()
            .lock()
            .take(MAX_IDENTITY_TEXT + 1)
            .read_to_end(&mut text)
            .context("reading the identity from stdin")?;
        "stdin".to_string()
    } else {
        open_key_file(path, "identity file")?
            .take(MAX_IDENTITY_TEXT + 1)
            .read_to_end(&mut text)
            .with_context(|| format!("reading identity file {}", diag::quote(path)))?;
        format!("identity file {}", diag::quote(path))
    };
    if text.len() as u64 > MAX_IDENTITY_TEXT {
        return Err(seal::Error::Identity(seal::TextProblem::WrongLength)).with_context(|| name);
    }
    let mut out = String::new();
    match Identity::parse_file(&text).with_context(|| name.clone())? {
        IdentityText::Identities(ids) => {
            for id in ids {
                out.push_str(&format!("{}\n", id.recipient()));
            }
        }
        // Its public half is in the clear part of the file: no passphrase needed.
        IdentityText::EncryptedSsh(key) => match key.public_line() {
            Some(line) => out.push_str(&format!("{line}\n")),
            None => {
                return Err(seal::Error::SshKey(seal::SshKeyProblem::Malformed))
                    .with_context(|| name);
            }
        },
    }
    write_stdout(out.as_bytes())
}
