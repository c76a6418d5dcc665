//! The recipients of `seal enc -r RECIPIENT` and `-R FILE`: each parsed and checked before any
//! input is read, a bad one named by where it came from (an argument, or a file and line).

use std::io::Read;
use std::path::Path;

use anyhow::Context;
use seal::{Encryptor, Error, MAX_RECIPIENTS, Recipient, RecipientKind, TextProblem, Unsupported};

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
        return "(secret text, not shown)".into();
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
    let is_key = text
        .get(..seal::Key::TEXT_PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(seal::Key::TEXT_PREFIX));
    if is_key {
        // Never echoed: it is a secret.
        return Err(CliError::Usage(format!(
            "{}: that is a key (a secret), not a recipient: a recipient is a public key \
             (sealpq1..., sealx1..., age1..., ssh-ed25519 ...)",
            place()
        ))
        .into());
    }
    let is_signer = text
        .get(..seal::SignerSecret::TEXT_PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(seal::SignerSecret::TEXT_PREFIX));
    if is_signer {
        // Never echoed: it is a secret.
        return Err(CliError::Usage(format!(
            "{}: that is a signer secret, not a recipient: it signs streams (--sign FILE); a \
             recipient is a public key (sealpq1..., sealx1..., age1..., ssh-ed25519 ...)",
            place()
        ))
        .into());
    }
    if diag::is_secret(text.as_bytes()) {
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
    check_usable(&recipient, place)?;
    Ok(recipient)
}

/// An X25519 point of low order parses, but no stanza can be made for it (RFC 9180, 7.1.4):
/// found here, where the recipient can still be named by `place`, rather than when the
/// stream's stanzas are made.
fn check_usable(recipient: &Recipient, place: impl Fn() -> String) -> anyhow::Result<()> {
    if recipient.kind() == RecipientKind::X25519 {
        Encryptor::with_recipients(std::slice::from_ref(recipient)).with_context(place)?;
    }
    Ok(())
}

/// Whether a recipients-file line's problem is an SSH key of a type seal does not use, which
/// a recipients file may hold beside usable ones (GitHub's USER.keys): skipped with a warning.
fn skippable(e: &Error) -> Option<Unsupported> {
    match e {
        Error::Recipient(TextProblem::Unsupported(
            u @ (Unsupported::SshRsa
            | Unsupported::Ecdsa(_)
            | Unsupported::SecurityKey(_)
            | Unsupported::SshDss
            | Unsupported::Certificate),
        )) => Some(*u),
        _ => None,
    }
}

/// The recipients of `-r` (in order) and then of each `-R` file (in order; "-" is stdin,
/// refused when stdin is also the input), without duplicates. Refuses a bad recipient, a
/// recipients file with no usable recipient, and more than [`MAX_RECIPIENTS`] in all.
pub fn gather(
    args: &[String],
    files: &[impl AsRef<Path>],
    input: Option<&Path>,
) -> anyhow::Result<Vec<Recipient>> {
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
        let stdin = path == Path::new("-");
        let shown = if stdin {
            "stdin".to_string()
        } else {
            diag::quote(path)
        };
        let file: Box<dyn Read> = if stdin {
            if crate::files::is_stdio(input) {
                return Err(CliError::Usage(
                    "-R - reads stdin, which is also the input: name an INPUT file".into(),
                )
                .into());
            }
            Box::new(std::io::stdin())
        } else {
            Box::new(
                std::fs::File::open(path)
                    .with_context(|| format!("recipients file {shown}"))
                    .map_err(|e| CliError::KeySource(format!("{e:#}")))?,
            )
        };
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
        // A UTF-8 byte-order mark (Windows editors) is not part of the first line.
        if bytes.starts_with(b"\xef\xbb\xbf") {
            bytes.drain(..3);
        }
        let first = bytes
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map_or(&bytes[..0], |i| &bytes[i..]);
        if first.starts_with(b"-----BEGIN") {
            // Not one byte of it is shown.
            return Err(CliError::Usage(format!(
                "recipients file {shown} is a private key, not a recipients file: use {} (its \
                 public key)",
                diag::quote(Path::new(&{
                    let mut public = path.as_os_str().to_owned();
                    public.push(".pub");
                    public
                }))
            ))
            .into());
        }
        let mut found = 0;
        let mut skipped = Vec::new();
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
            if diag::is_secret(line.as_bytes()) {
                // Refused as a usage error, never echoed.
                parse(line, place)?;
            }
            let r = match Recipient::from_text(line) {
                Ok(r) => {
                    check_usable(&r, place)?;
                    r
                }
                Err(e) => match skippable(&e) {
                    Some(u) => {
                        // Never silent, whatever -q says: a skipped key is someone who
                        // cannot decrypt.
                        diag::warn(format_args!(
                            "recipients file {shown}, line {}: skipping {} key: {e}",
                            n + 1,
                            u.name()
                        ));
                        skipped.push(n + 1);
                        continue;
                    }
                    None => return Err(anyhow::Error::new(e).context(place())),
                },
            };
            found += 1;
            if !out.contains(&r) {
                out.push(r);
            }
        }
        if found == 0 && !skipped.is_empty() {
            let lines: Vec<String> = skipped.iter().map(usize::to_string).collect();
            return Err(CliError::KeySource(format!(
                "recipients file {shown} has no usable recipient: line(s) {} hold SSH keys of \
                 types seal does not use (see the warnings above)",
                lines.join(", ")
            ))
            .into());
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
