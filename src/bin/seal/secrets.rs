//! Where a stream's secret comes from: a key file or an identity file (`-k`,
//! `$SEAL_KEY_FILE`), key or identity text in an environment variable (`--key-env`), or a
//! passphrase (terminal, `--passphrase-env`, `--passphrase-fd`), chosen from the options and
//! from the kind the stream's header names. Key files and identities are told apart by their
//! text.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, Read};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use anyhow::Context;
use seal::{
    EncryptedSshKey, Error, Header, Identity, IdentityText, Key, KeyKind, Passphrase,
    RecipientKind, Secret, SecretKind, SignerSecret,
};
use zeroize::Zeroizing;

use crate::args::KeyArgs;
use crate::diag;
use crate::error::CliError;
use crate::files::is_stdio;
use crate::prompt::{PassphraseOptions, PassphraseSource};

/// The error for a secret of kind `given` for a stream whose header names `stream`.
fn mismatch(stream: KeyKind, given: SecretKind) -> Error {
    Error::WrongSecretKind {
        stream: stream.secret_kind(),
        given,
    }
}

impl KeyArgs {
    /// Whether no key, identity or passphrase was named at all (`seal verify --signed-by`
    /// then checks the signature alone).
    pub fn none_given(&self) -> bool {
        self.key_files().is_empty() && self.key_env.is_none() && self.passphrase_source().is_none()
    }

    /// The passphrase source the options name, if any.
    pub fn passphrase_source(&self) -> Option<PassphraseSource> {
        if let Some(name) = &self.passphrase_env {
            Some(PassphraseSource::Env(
                name.clone(),
                PassphraseOptions::STREAM,
            ))
        } else if let Some(fd) = self.passphrase_fd.filter(|_| self.key.is_empty()) {
            Some(PassphraseSource::Fd(fd, PassphraseOptions::STREAM))
        } else {
            self.passphrase
                .then_some(PassphraseSource::Terminal(PassphraseOptions::STREAM))
        }
    }

    /// The key files that `-k` (or else `$SEAL_KEY_FILE`) names, when the key or the
    /// identities are to come from files.
    pub fn key_files(&self) -> Vec<PathBuf> {
        if self.key_env.is_some() || self.passphrase_source().is_some() {
            return Vec::new();
        }
        if !self.key.is_empty() {
            return self.key.clone();
        }
        std::env::var_os("SEAL_KEY_FILE")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .into_iter()
            .collect()
    }

    /// Whether a key was named on the command line (not only through `$SEAL_KEY_FILE`).
    pub fn names_key(&self) -> bool {
        !self.key.is_empty() || self.key_env.is_some()
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
        let kind = header.key_kind();
        match kind {
            KeyKind::KeyFile | KeyKind::Recipients => {
                if self.passphrase_source().is_some() {
                    return Err(mismatch(kind, SecretKind::Passphrase).into());
                }
                let (missing, noun) = if kind == KeyKind::Recipients {
                    (
                        "no identity given: use -k IDENTITY_FILE, set SEAL_KEY_FILE, or use \
                         --key-env NAME",
                        "identity file",
                    )
                } else {
                    (
                        "no key given: use -k KEYFILE, set SEAL_KEY_FILE, or use --key-env NAME",
                        "key file",
                    )
                };
                match (kind, load_credential(self, quiet, missing, noun)?) {
                    (KeyKind::KeyFile, Credential::Key(key)) => Ok(OwnedSecret::Key(key)),
                    (KeyKind::Recipients, Credential::Identities(ids, encrypted)) => Ok(
                        OwnedSecret::Identities(self.unlock_ssh_keys(header, ids, encrypted)?),
                    ),
                    (_, Credential::Key(_)) => Err(mismatch(kind, SecretKind::Key).into()),
                    (_, Credential::Identities(..)) => {
                        Err(mismatch(kind, SecretKind::Identity).into())
                    }
                }
            }
            KeyKind::Passphrase(_) if self.names_key() => {
                Err(mismatch(kind, SecretKind::Key).into())
            }
            KeyKind::Passphrase(_) => {
                let source = self
                    .passphrase_source()
                    .unwrap_or(PassphraseSource::Terminal(PassphraseOptions::STREAM));
                Ok(OwnedSecret::Passphrase(read_passphrase(
                    &source, false, quiet,
                )?))
            }
        }
    }
}

impl KeyArgs {
    /// The identities to try on a stream whose header is `header`: the ready ones, and the
    /// passphrase-protected OpenSSH keys decrypted, but only when the header has an SSH
    /// stanza that no ready identity opens (so `-k ~/.ssh/id_ed25519 -k team.id` never asks
    /// for a stream that `team.id` opens). The passphrase comes from `--passphrase-fd` (read
    /// once, tried on every key) or the terminal (asked per key, naming its file); a key that
    /// does not decrypt is noted and the next one tried.
    fn unlock_ssh_keys(
        &self,
        header: &Header,
        mut ids: Vec<Identity>,
        encrypted: Vec<(String, EncryptedSshKey)>,
    ) -> anyhow::Result<Vec<Identity>> {
        if encrypted.is_empty() {
            return Ok(ids);
        }
        let ssh_kind = RecipientKind::SshEd25519.stanza_kind();
        let has_ssh = header.stanzas().iter().any(|s| s.kind() == ssh_kind);
        // The ready identities first; any error but "no identity matches" (a modified header,
        // a trial over its bounds) is one that no passphrase can mend: stop before asking.
        match header.try_identities(&ids) {
            Ok(()) => return Ok(ids),
            Err(Error::NoIdentityMatches { .. }) if has_ssh => {}
            Err(e @ Error::NoIdentityMatches { .. }) => {
                let n = encrypted.len();
                let keys = if n == 1 { "key" } else { "keys" };
                return Err(anyhow::Error::new(e).context(format!(
                    "{n} passphrase-protected ssh-ed25519 {keys} not unlocked (the stream has no \
                     ssh-ed25519 stanza)"
                )));
            }
            Err(e) => return Err(e.into()),
        }
        // With every locked key counted, the trial must stay within its bounds.
        let kinds: Vec<RecipientKind> = ids
            .iter()
            .map(Identity::kind)
            .chain(encrypted.iter().map(|_| RecipientKind::SshEd25519))
            .collect();
        header.check_trial(&kinds)?;
        let from_fd = match self.passphrase_fd {
            Some(fd) => Some(PassphraseSource::Fd(fd, PassphraseOptions::STREAM).read(false)?),
            None => None,
        };
        let mut failed = Vec::new();
        for (shown, key) in encrypted {
            let pass = match &from_fd {
                Some(pass) => pass.clone(),
                None => {
                    let prompt = format!("Enter passphrase for key file {shown}: ");
                    match crate::prompt::ask(&prompt, PassphraseOptions::STREAM) {
                        Ok(pass) => pass,
                        Err(e)
                            if e.downcast_ref::<CliError>()
                                .is_some_and(|c| matches!(c, CliError::Usage(_))) =>
                        {
                            return Err(CliError::KeySource(format!(
                                "key file {shown}: {}",
                                seal::SshKeyProblem::NeedsPassphrase
                            ))
                            .into());
                        }
                        Err(e) => return Err(e),
                    }
                }
            };
            match key.decrypt(pass.as_bytes()) {
                Ok(id) => {
                    // Only the new identity is tried: the others are known not to open it.
                    match header.try_identities(std::slice::from_ref(&id)) {
                        Ok(()) => {
                            ids.push(id);
                            return Ok(ids);
                        }
                        Err(Error::NoIdentityMatches { .. }) => ids.push(id),
                        Err(e) => return Err(e.into()),
                    }
                }
                Err(e) => failed.push(format!("key file {shown}: {e}")),
            }
        }
        if !failed.is_empty() {
            return Err(CliError::KeySource(failed.join("; ")).into());
        }
        Ok(ids)
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
    // Not registered with `diag::hide`: a passphrase typed or read from a descriptor is never
    // a name or an argument, so no message holds it (`--passphrase-env`'s value is registered
    // by `check_env_options`, before any name is quoted).
    let pass = source.read(confirm)?;
    if let PassphraseSource::Env(name, _) = source
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

/// A key, a passphrase or identities, owned.
pub enum OwnedSecret {
    Key(Key),
    Passphrase(Passphrase),
    Identities(Vec<Identity>),
}

impl OwnedSecret {
    pub fn as_secret(&self) -> Secret<'_> {
        match self {
            OwnedSecret::Key(key) => Secret::Key(key),
            OwnedSecret::Passphrase(pass) => Secret::Passphrase(pass),
            OwnedSecret::Identities(ids) => Secret::Identities(ids),
        }
    }
}

/// What `-k`, `--key-env` or `$SEAL_KEY_FILE` holds: a key file's key, or identities (and
/// passphrase-protected OpenSSH keys, each with its file's name for messages).
pub enum Credential {
    Key(Key),
    Identities(Vec<Identity>, Vec<(String, EncryptedSshKey)>),
}

/// The most of a key or identity file that is read: 64 KiB (an identity file with many
/// identities and comments, an OpenSSH private key), and one byte to tell a longer file.
const MAX_CREDENTIAL_LEN: u64 = (64 << 10) + 1;

/// Parses key or identity text, told apart by its prefix; `what` names where it came from. A
/// recipients file (public keys, for `enc -R`) is named as such.
fn parse_credential(text: &[u8], what: &str) -> anyhow::Result<Credential> {
    if holds_recipients(text) {
        return Err(CliError::KeySource(format!(
            "recipients {what}: public keys, not a key or an identity; to encrypt to them use \
             'seal enc -R FILE', to decrypt give the identity a recipient was made from"
        ))
        .into());
    }
    if holds_signer(text) {
        return Err(CliError::KeySource(format!(
            "signer {what}: a signing secret, for 'seal enc --sign', not a key or an identity"
        ))
        .into());
    }
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let body = &text[start..];
    // An identity file starts with an identity, a comment, or a private key's PEM line; a
    // symmetric key file (or anything else) is read as a key, whose errors say what one is.
    let starts = |prefix: &[u8]| {
        body.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    };
    let identity_like = [
        Identity::TEXT_PREFIX.as_bytes(),
        b"AGE-",
        b"#",
        b"-----BEGIN",
        b"age-encryption.org/",
        b"\xef\xbb\xbf",
    ]
    .iter()
    .any(|p| starts(p));
    if !identity_like {
        let key = Key::from_reader(text).with_context(|| format!("key {what}"))?;
        return Ok(Credential::Key(key));
    }
    match Identity::parse_file(text).with_context(|| format!("identity {what}"))? {
        IdentityText::Identities(ids) => Ok(Credential::Identities(ids, Vec::new())),
        IdentityText::EncryptedSsh(key) => Ok(Credential::Identities(
            Vec::new(),
            vec![(what.trim_start_matches("file ").to_string(), key)],
        )),
    }
}

/// Whether `text` is a recipients file's: its first line that is neither blank nor a comment
/// is a recipient.
fn holds_recipients(text: &[u8]) -> bool {
    first_line(text).is_some_and(|l| seal::Recipient::from_text(l).is_ok())
}

/// Whether `text` is a signer file's: its first line that is neither blank nor a comment
/// starts with a signer secret's prefix (in any case).
fn holds_signer(text: &[u8]) -> bool {
    let prefix = SignerSecret::TEXT_PREFIX;
    first_line(text).is_some_and(|l| {
        l.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    })
}

/// The first line of `text` that is neither blank nor a comment, trimmed.
fn first_line(text: &[u8]) -> Option<&str> {
    std::str::from_utf8(text)
        .ok()?
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
}

/// The key or identity from `--key-env`, `-k` or `$SEAL_KEY_FILE`, in that order; `missing`
/// is the usage error when none is given, `noun` what the file is expected to be ("key
/// file", "identity file"), for messages before its text tells.
pub fn load_credential(
    args: &KeyArgs,
    quiet: bool,
    missing: &str,
    noun: &str,
) -> anyhow::Result<Credential> {
    if let Some(name) = &args.key_env {
        let value = std::env::var_os(name).ok_or_else(|| {
            CliError::KeySource(format!(
                "environment variable {} (from --key-env) is not set",
                name.to_string_lossy()
            ))
        })?;
        let text = Zeroizing::new(value.into_vec());
        let what = format!("in environment variable {}", name.to_string_lossy());
        return parse_credential(&text, &what);
    }
    let paths = args.key_files();
    if paths.is_empty() {
        return Err(CliError::Usage(missing.into()).into());
    }
    let mut ids = Vec::new();
    let mut encrypted = Vec::new();
    let several = paths.len() > 1;
    for path in &paths {
        match load_file(path, quiet, noun)? {
            Credential::Key(_) if several => {
                return Err(CliError::Usage(format!(
                    "{} is a key file, which cannot be combined with other -k files (several -k \
                     give identities)",
                    diag::quote(path)
                ))
                .into());
            }
            Credential::Key(key) => return Ok(Credential::Key(key)),
            Credential::Identities(more, more_encrypted) => {
                ids.extend(more);
                encrypted.extend(more_encrypted);
            }
        }
    }
    if ids.len() + encrypted.len() > seal::MAX_IDENTITIES {
        return Err(Error::TooManyIdentities(ids.len() + encrypted.len()).into());
    }
    Ok(Credential::Identities(ids, encrypted))
}

/// Reads and parses one key or identity file.
fn load_file(path: &Path, quiet: bool, noun: &str) -> anyhow::Result<Credential> {
    let shown = diag::quote(path);
    let file = open_key_file(path, noun)?;
    let mode = file.metadata().map_or(0, |m| m.permissions().mode());
    let mut text = Zeroizing::new(Vec::new());
    file.take(MAX_CREDENTIAL_LEN)
        .read_to_end(&mut text)
        // Unreadable (a directory, an I/O error): a key problem, not an input problem.
        .map_err(|io| CliError::KeySource(format!("{noun} {shown}: {io}")))?;
    if text.len() as u64 >= MAX_CREDENTIAL_LEN {
        return Err(CliError::KeySource(format!(
            "{noun} {shown} is larger than 64 KiB: not a seal key file or identity file"
        ))
        .into());
    }
    let credential = parse_credential(&text, &format!("file {shown}"))?;
    if mode & 0o077 != 0 && !quiet {
        let noun = match credential {
            Credential::Key(_) => "key file",
            Credential::Identities(..) => "identity file",
        };
        diag::warn(format_args!(
            "{noun} {shown} is readable by others (mode {:o}); chmod 600 it",
            mode & 0o777
        ));
    }
    Ok(credential)
}

/// The key from `--key-env`, `-k` or `$SEAL_KEY_FILE`, in that order (for `enc`: an identity
/// there is refused with a pointer to `-r`).
pub fn load_key(args: &KeyArgs, quiet: bool) -> anyhow::Result<Key> {
    let missing = "no key given: use -k KEYFILE, -p for a passphrase, or -r/-R to encrypt to \
                   recipients (or name a key file in SEAL_KEY_FILE, key text with --key-env \
                   NAME)";
    match load_credential(args, quiet, missing, "key file")? {
        Credential::Key(key) => Ok(key),
        Credential::Identities(..) => Err(CliError::Usage(
            "that is an identity (a secret, for decrypting): to encrypt to it, give its \
             recipient with -r (see 'seal recipient IDENTITY_FILE')"
                .into(),
        )
        .into()),
    }
}

/// What messages call a signer file; [`open_key_file`] given it refuses signer text as a name
/// with its own words.
pub const SIGNER_FILE: &str = "signer file";

/// Whether a "file name" is really key text (`-k "$(cat key.seal)"`): then it must never be
/// printed, not even in an error message.
pub fn looks_like_key(path: &Path) -> bool {
    diag::is_secret(path.as_os_str().as_encoded_bytes())
}

/// The options that take an environment variable's name, and how to use each right.
const ENV_OPTIONS: [(&str, &str); 4] = [
    (
        "--signer-passphrase-env",
        "seal enc --sign ci.signer --signer-passphrase-env SIGNER_PASS ...",
    ),
    (
        "--new-passphrase-env",
        "seal signer old.signer -o new.signer --new-passphrase-env NEW_PASS",
    ),
    (
        "--key-env",
        "SEAL_KEY=\"$(cat key.seal)\" seal dec --key-env SEAL_KEY ...",
    ),
    (
        "--passphrase-env",
        "export SEAL_PASSPHRASE; seal dec --passphrase-env SEAL_PASSPHRASE ...",
    ),
];

/// Whether `name` can be an environment variable's name as a shell writes one:
/// `[A-Za-z_][A-Za-z0-9_]*`.
fn is_variable_name(name: &[u8]) -> bool {
    match name.split_first() {
        Some((first, rest)) => {
            (first.is_ascii_alphabetic() || *first == b'_')
                && rest.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        }
        None => false,
    }
}

/// Checks the raw arguments before anything parses or prints them: `--key-env` and
/// `--passphrase-env` take a variable's NAME, so a value that cannot be one (key or
/// identity text, a passphrase, anything with a space or a dash) was given by mistake, is a
/// secret, and is refused without a byte of it shown. The values of the variables named are
/// registered with [`diag::hide`], so that no message shows them either.
pub fn check_env_options(args: &[OsString]) -> anyhow::Result<()> {
    let mut args = args.iter().skip(1);
    while let Some(arg) = args.next() {
        let bytes = arg.as_encoded_bytes();
        if bytes == b"--" {
            break;
        }
        for (option, example) in ENV_OPTIONS {
            let value = if bytes == option.as_bytes() {
                args.next().map(|v| v.as_encoded_bytes())
            } else {
                bytes
                    .strip_prefix(option.as_bytes())
                    .and_then(|rest| rest.strip_prefix(b"="))
            };
            let Some(value) = value else { continue };
            if !is_variable_name(value) {
                return Err(CliError::Usage(format!(
                    "{option} takes the NAME of an environment variable that holds the secret, \
                     not the secret itself (what was given is not shown): {example}"
                ))
                .into());
            }
            let name = OsStr::from_bytes(value);
            if let Some(secret) = std::env::var_os(name) {
                diag::hide(secret.as_bytes());
            }
        }
    }
    Ok(())
}

/// Opens a key file: a regular file, opened without blocking (a FIFO or a device named as
/// the key neither hangs seal nor eats its input; `-k /dev/stdin` is refused), and read by
/// [`Key::from_reader`], which reads a bounded number of bytes. A name that is key text is
/// refused without being shown. `noun` names the file in messages ("key file", "identity
/// file", [`SIGNER_FILE`]).
pub fn open_key_file(path: &Path, noun: &str) -> anyhow::Result<File> {
    use rustix::fs::{Mode, OFlags};
    use std::os::unix::fs::FileTypeExt;
    if looks_like_key(path) && std::fs::symlink_metadata(path).is_err() {
        let message = if noun == SIGNER_FILE {
            "--sign and 'seal signer' take a signer file's name, and this looks like a signer \
             secret (not shown): keep it in a file (mode 0600) and give the file's name"
        } else {
            "-k takes a key file's name, and this looks like key text (not shown): keep the key \
             in a file, or put it in an environment variable and give the variable's name, as \
             in SEAL_KEY=\"$(cat key.seal)\" seal dec --key-env SEAL_KEY ..."
        };
        return Err(CliError::Usage(message.into()).into());
    }
    let shown = diag::quote(path);
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    let fd = rustix::fs::open(path, flags, Mode::empty())
        .map_err(|e| CliError::KeySource(format!("{noun} {shown}: {}", io::Error::from(e))))?;
    let file = File::from(fd);
    let meta = file
        .metadata()
        .map_err(|e| CliError::KeySource(format!("{noun} {shown}: {e}")))?;
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
        "{noun} {shown} is {what}: a {noun} must be a regular file (for its text from a pipe \
         or a secret store, use --key-env NAME)"
    ))
    .into())
}
