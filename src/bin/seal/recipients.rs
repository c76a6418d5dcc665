//! The recipients of `seal enc -r RECIPIENT` and `-R FILE`: each parsed and checked before any
//! input is read, a bad one named by where it came from (an argument, or a file and line).

use std::io::Read;
use std::path::Path;

use anyhow::Context;
use seal::{Encryptor, Error, Identity, MAX_RECIPIENTS, Recipient, RecipientKind};

use crate::diag;
use crate::error::CliError;

/// The most of a recipients file that is read: room for the most recipients of the longest
/// kind, with comments.
const MAX_RECIPIENTS_FILE_LEN: u64 = 8 << 20;

/// A recipient text for a message: public, but a post-quantum one is 1959 characters. Text
/// that looks like a key or an identity given by mistake is a secret: not even its start is
/// shown (its first 24 characters hold up to 52 bits of a key, 30 of an identity).
fn shorten(text: &str) -> String {
    if crate::secrets::looks_like_key(Path::new(text)) {
        return "(key or identity text, not shown)".into();
    }
    let shown: String = text.chars().take(24).collect();
    let shown = diag::quote_str(&shown);
    if text.chars().count() > 24 {
        format!("{shown}...")
    } else {
        shown
    }
}

/// Parses one recipient; `place` says where it came from, for the error.
fn parse(text: &str, place: impl Fn() -> String) -> anyhow::Result<Recipient> {
    if text.starts_with(Identity::TEXT_PREFIX) {
        // Never echoed: it is a secret.
        return Err(CliError::Usage(format!(
            "{}: that is an identity (a secret), not a recipient: give its recipient instead \
             ('seal recipient IDENTITY_FILE' prints it), and keep the identity out of the \
             encrypting side",
            place()
        ))
        .into());
    }
    let recipient = Recipient::from_text(text).with_context(&place)?;
    // An X25519 point of low order parses, but no stanza can be made for it (RFC 9180,
    // 7.1.4): found here, where the recipient can still be named, rather than when the
    // stream's stanzas are made.
    if recipient.kind() == RecipientKind::X25519 {
        Encryptor::with_recipients(std::slice::from_ref(&recipient)).with_context(&place)?;
    }
    Ok(recipient)
}

/// The recipients of `-r` (in order) and then of each `-R` file (in order), without
/// duplicates. Refuses a bad recipient, an empty recipients file, and more than
/// [`MAX_RECIPIENTS`] in all.
pub fn gather(args: &[String], files: &[impl AsRef<Path>]) -> anyhow::Result<Vec<Recipient>> {
    let mut out: Vec<Recipient> = Vec::new();
    for (i, text) in args.iter().enumerate() {
        let r = parse(text, || {
            format!("-r {} (recipient {})", shorten(text), i + 1)
        })?;
        if !out.contains(&r) {
            out.push(r);
        }
    }
    for path in files {
        let path = path.as_ref();
        let shown = diag::quote(path);
        let file = std::fs::File::open(path)
            .with_context(|| format!("recipients file {shown}"))
            .map_err(|e| CliError::KeySource(format!("{e:#}")))?;
        let mut bytes = Vec::new();
        file.take(MAX_RECIPIENTS_FILE_LEN + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| CliError::KeySource(format!("recipients file {shown}: {e}")))?;
        if bytes.len() as u64 > MAX_RECIPIENTS_FILE_LEN {
            return Err(CliError::KeySource(format!(
                "recipients file {shown} is larger than {} MiB",
                MAX_RECIPIENTS_FILE_LEN >> 20
            ))
            .into());
        }
        let mut found = 0;
        for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
            let place = || format!("recipients file {shown}, line {}", n + 1);
            let Ok(line) = std::str::from_utf8(line) else {
                return Err(
                    anyhow::Error::new(Error::Recipient(seal::TextProblem::BadCharacter))
                        .context(place()),
                );
            };
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let r = parse(line, place)?;
            found += 1;
            if !out.contains(&r) {
                out.push(r);
            }
        }
        if found == 0 {
            return Err(CliError::KeySource(format!(
                "recipients file {shown} has no recipients (only blank lines and comments)"
            ))
            .into());
        }
    }
    if out.len() > MAX_RECIPIENTS {
        return Err(CliError::Usage(format!(
            "{} recipients: a stream can have at most {MAX_RECIPIENTS}",
            out.len()
        ))
        .into());
    }
    Ok(out)
}
