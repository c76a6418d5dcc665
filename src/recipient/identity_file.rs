//! Identity files: what `-k FILE` (or a variable's text) may hold when it is not a symmetric
//! key. One grammar for seal's and age's identity files, so that a file may hold both:
//! lines split on LF (a CR before it dropped), spaces and tabs around a line dropped, blank
//! lines and `#` comments skipped (age-keygen's `# created:` and `# public key:`, seal's
//! `# recipient:`), every other line one identity (`SEAL-IDENTITY-…`, `AGE-SECRET-KEY-1…`,
//! `AGE-SECRET-KEY-PQ-1…`). Or an OpenSSH private key file, plain or passphrase-protected.
//!
//! No message shows a line of an identity file: it may be a secret.

use super::ssh::{self, PrivateKeyFile};
use super::{Identity, IdentityKey, SealIdentity, age, seal};
use crate::error::{Error, Result, SshKeyProblem, TextProblem, Unsupported};
use crate::limits::MAX_IDENTITIES;

/// The most an identity file may hold: 64 KiB.
pub(crate) const MAX_IDENTITY_FILE_LEN: usize = 64 << 10;
/// The longest line of an identity file.
const MAX_LINE_LEN: usize = 4096;

/// What an identity file holds.
#[derive(Debug)]
pub enum IdentityText {
    /// Identities ready to use, in file order.
    Identities(Vec<Identity>),
    /// A passphrase-protected OpenSSH private key.
    EncryptedSsh(EncryptedSshKey),
}

/// A passphrase-protected OpenSSH Ed25519 private key, its bcrypt-pbkdf rounds already checked
/// against [`crate::MAX_SSH_BCRYPT_ROUNDS`]: nothing is computed until [`Self::decrypt`].
pub struct EncryptedSshKey(Box<ssh_key::PrivateKey>);

impl std::fmt::Debug for EncryptedSshKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EncryptedSshKey(<encrypted>)")
    }
}

impl EncryptedSshKey {
    /// The identity inside, with `passphrase`; any failure is
    /// [`SshKeyProblem::WrongPassphrase`] ("wrong passphrase, or the key file is damaged").
    pub fn decrypt(&self, passphrase: &[u8]) -> Result<Identity> {
        let ssh = ssh::decrypt(&self.0, passphrase)?;
        Ok(Identity(IdentityKey::Ssh(Box::new(ssh))))
    }

    /// Its public key line as the file's clear part states it (`ssh-ed25519 AAAA…`), for
    /// messages only: the identity is built from the decrypted key, never from this.
    pub fn public_line(&self) -> Option<String> {
        ssh::outer_line(&self.0)
    }
}

impl Identity {
    /// Reads an identity file's text (see the module documentation of `identity_file.rs` in
    /// the sources, and docs/FORMAT.md "Identity files"). Errors name the line
    /// ([`Error::IdentityLine`]) and never show it.
    pub fn parse_file(text: &[u8]) -> Result<IdentityText> {
        if text.len() > MAX_IDENTITY_FILE_LEN {
            return Err(Error::Identity(TextProblem::WrongLength));
        }
        let text = text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(text);
        let start = text
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(text.len());
        let body = &text[start..];
        if body.starts_with(ssh::PRIVATE_KEY_BEGIN.as_bytes()) {
            return Ok(match ssh::read_private_key(body)? {
                PrivateKeyFile::Ready(ssh) => {
                    IdentityText::Identities(vec![Identity(IdentityKey::Ssh(Box::new(ssh)))])
                }
                PrivateKeyFile::Encrypted(key) => IdentityText::EncryptedSsh(EncryptedSshKey(key)),
            });
        }
        if body.starts_with(crate::Key::TEXT_PREFIX.as_bytes()) {
            return Err(Error::Identity(TextProblem::NotRecognised));
        }
        if body.starts_with(b"-----BEGIN ") {
            return Err(Error::SshKey(SshKeyProblem::Malformed));
        }
        if body.starts_with(b"age-encryption.org/v1") || body.starts_with(b"-----BEGIN AGE") {
            return Err(Error::IdentityLine {
                line: 1,
                problem: TextProblem::Unsupported(Unsupported::AgeEncrypted),
            });
        }
        let mut identities = Vec::new();
        for (n, line) in text.split(|&b| b == b'\n').enumerate() {
            let line_no = n + 1;
            let problem = |problem| Error::IdentityLine {
                line: line_no,
                problem,
            };
            if line.len() > MAX_LINE_LEN {
                return Err(problem(TextProblem::WrongLength));
            }
            let line = std::str::from_utf8(line).map_err(|_| problem(TextProblem::BadCharacter))?;
            let line = line.trim_matches([' ', '\t', '\r']);
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let identity = identity_line(line).map_err(problem)?;
            identities.push(identity);
            if identities.len() > MAX_IDENTITIES {
                return Err(Error::TooManyIdentities(identities.len()));
            }
        }
        if identities.is_empty() {
            return Err(Error::NoIdentity);
        }
        Ok(IdentityText::Identities(identities))
    }

    /// An identity of age's text (`AGE-SECRET-KEY-1…`, `AGE-SECRET-KEY-PQ-1…`).
    pub fn from_age_line(line: &str) -> Result<Self> {
        let (kind, secret) = age::identity(line).map_err(Error::Identity)?;
        Ok(Identity(IdentityKey::Seal(SealIdentity { kind, secret })))
    }
}

fn identity_line(line: &str) -> std::result::Result<Identity, TextProblem> {
    let starts = |prefix: &str| {
        line.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    };
    if starts(seal::IDENTITY_PREFIX) {
        return match Identity::from_text(line.as_bytes()) {
            Ok(identity) => Ok(identity),
            Err(Error::Identity(problem)) => Err(problem),
            Err(_) => Err(TextProblem::NotRecognised),
        };
    }
    if starts(age::AGE_SECRET_PREFIX) || starts(age::AGE_PLUGIN_PREFIX) {
        let (kind, secret) = age::identity(line)?;
        return Ok(Identity(IdentityKey::Seal(SealIdentity { kind, secret })));
    }
    Err(TextProblem::NotRecognised)
}
