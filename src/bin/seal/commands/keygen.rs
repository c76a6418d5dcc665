//! `seal keygen`: a new random key, or with `--identity` a new identity, as one line of text,
//! to stdout or a new 0600 file; and `seal recipient`: the recipient of an identity.

use std::fs;
use std::io::{Read, Write};
use std::path::Path;

use anyhow::Context;
use seal::{Identity, Key, RecipientKind};
use zeroize::Zeroizing;

use super::write_stdout;
use crate::args::KindArg;
use crate::diag;
use crate::error::CliError;
use crate::files::is_stdio;
use crate::secrets::open_key_file;
use crate::staged::Staged;

pub fn keygen(output: Option<&Path>, identity: Option<KindArg>) -> anyhow::Result<()> {
    let (text, recipient, what) = match identity {
        None => (Key::generate()?.to_text(), None, "key file"),
        Some(kind) => {
            let kind = match kind {
                KindArg::MlKem768X25519 => RecipientKind::MlKem768X25519,
                KindArg::X25519 => RecipientKind::X25519,
            };
            let id = Identity::generate(kind)?;
            (id.to_text(), Some(id.recipient()), "identity file")
        }
    };
    match output {
        None => {
            write_stdout(text.as_bytes())?;
        }
        Some(path) => {
            // Written into an unnamed (or temporary) 0600 file, synced, then linked to PATH,
            // which must not exist: no window where the key is readable by others, no partial
            // key file after a crash or a signal, never an overwrite.
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
            let mut file = staged.file();
            file.write_all(text.as_bytes())
                .map_err(seal::Error::Write)
                .with_context(|| format!("writing {what} {shown}"))?;
            staged.commit_new()?;
        }
    }
    if let Some(recipient) = recipient {
        // Public: on stderr, so that stdout holds only the identity when it goes there.
        diag::note(format_args!("recipient: {recipient}"));
    }
    Ok(())
}

/// The most of an identity file `seal recipient` reads.
const MAX_IDENTITY_TEXT: u64 = 4096;

pub fn recipient(path: &Path) -> anyhow::Result<()> {
    let mut text = Zeroizing::new(Vec::new());
    let name = if is_stdio(Some(path)) {
        std::io::stdin()
            .lock()
            .take(MAX_IDENTITY_TEXT)
            .read_to_end(&mut text)
            .context("reading the identity from stdin")?;
        "stdin".to_string()
    } else {
        open_key_file(path, "identity file")?
            .take(MAX_IDENTITY_TEXT)
            .read_to_end(&mut text)
            .with_context(|| format!("reading identity file {}", diag::quote(path)))?;
        format!("identity file {}", diag::quote(path))
    };
    let identity = Identity::from_reader(&text[..]).with_context(|| name)?;
    write_stdout(format!("{}\n", identity.recipient()).as_bytes())
}
