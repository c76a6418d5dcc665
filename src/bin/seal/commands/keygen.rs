//! `seal keygen`: a new random key as one line of text, to stdout or a new 0600 file.

use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use anyhow::Context;
use seal::Key;

use super::write_stdout;
use crate::diag;

pub fn keygen(output: Option<&Path>) -> anyhow::Result<()> {
    let key = Key::generate()?;
    let text = key.to_text();
    match output {
        None => {
            write_stdout(text.as_bytes())?;
        }
        Some(path) => {
            // create_new: never overwrite; mode 0600 from creation, so no window where the
            // file is readable by others.
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .with_context(|| format!("creating key file {}", diag::quote(path)))?;
            file.write_all(text.as_bytes())
                .and_then(|()| file.sync_all())
                .with_context(|| format!("writing key file {}", diag::quote(path)))?;
        }
    }
    Ok(())
}
