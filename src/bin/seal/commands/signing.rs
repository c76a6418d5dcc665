//! What signing adds to the commands: `keygen --signer`, `seal signer`, loading a signer for
//! `enc --sign`, the allowed signers of `--signed-by`, the spool of a streamed verified
//! decryption, and the lines that report a signature.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::Context;
use seal::{
    AllowedSigner, AllowedSigners, Argon2Params, Decryptor, SignatureKind, SignedBy, SignerFile,
    SignerSecret, Verifying,
};

use super::keygen::NewSecretFile;
use super::write_stdout;
use crate::args::{NewPassphraseArgs, SignedByArgs, SignerKindArg, SignerProtectArgs};
use crate::diag;
use crate::error::CliError;
use crate::prompt::{self, PassphraseOptions, PassphraseSource};
use crate::secrets::{SIGNER_FILE, open_key_file, read_passphrase};

/// `seal keygen --signer`: a new signing secret, to stdout or a new 0600 file; its public key
/// on stderr.
/// With `--passphrase` (or `--passphrase-env`/`-fd`) the secret is protected by a passphrase
/// (asked twice on the terminal), stretched by Argon2id at `--kdf-memory`/`--kdf-passes`.
/// Everything cheap (the cost, `-o`) is checked before the passphrase is read.
pub fn keygen_signer(
    output: Option<&Path>,
    kind: SignerKindArg,
    protect: &SignerProtectArgs,
) -> anyhow::Result<()> {
    let kind = match kind {
        SignerKindArg::MlDsa65Ed25519 => SignatureKind::MlDsa65Ed25519,
        SignerKindArg::Ed25519 => SignatureKind::Ed25519,
    };
    let source = passphrase_source(
        protect.passphrase_env.as_ref(),
        protect.passphrase_fd,
        protect.passphrase,
        PassphraseOptions::NEW_SIGNER,
    );
    if source.is_none() && (protect.kdf_memory.is_some() || protect.kdf_passes.is_some()) {
        return Err(CliError::Usage(
            "--kdf-memory and --kdf-passes set the cost of a passphrase: add --passphrase".into(),
        )
        .into());
    }
    let params = match &source {
        Some(_) => Some(kdf_params(protect.kdf_memory, protect.kdf_passes)?),
        None => None,
    };
    let file = output
        .map(|path| NewSecretFile::create(path, SIGNER_FILE))
        .transpose()?;
    // The passphrase is read before the key is made, so a refusal leaves nothing behind.
    let passphrase = match &source {
        Some(source) => Some(read_passphrase(source, true, false)?),
        None => None,
    };
    let signer = SignerSecret::generate(kind)?;
    let text = match (&passphrase, params) {
        (Some(passphrase), Some(params)) => signer.to_protected_file_text(passphrase, params)?,
        _ => signer.to_file_text(),
    };
    match file {
        None => write_stdout(text.as_bytes())?,
        Some(file) => file.write(text.as_bytes())?,
    }
    diag::note(format_args!("signer public key: {}", signer.public()));
    diag::note(format_args!(
        "fingerprint: {}",
        signer.public().fingerprint_text()
    ));
    Ok(())
}

/// The Argon2id cost that `--kdf-memory` and `--kdf-passes` give (the default where one is
/// not given), checked against the bounds: a cost out of them is a usage error (exit 2).
pub fn kdf_params(memory_kib: Option<u32>, passes: Option<u32>) -> anyhow::Result<Argon2Params> {
    let default = Argon2Params::DEFAULT;
    Argon2Params::new(
        memory_kib.unwrap_or(default.memory_kib()),
        passes.unwrap_or(default.passes()),
        default.lanes(),
    )
    .map_err(|e| CliError::Usage(format!("--kdf-memory and --kdf-passes: {e}")).into())
}

/// Where a signer file's passphrase comes from: an environment variable, a descriptor, or
/// (with `terminal`, or when a protected file needs one) the terminal; `options` are the
/// options that name the first two, for messages.
pub fn passphrase_source(
    env: Option<&std::ffi::OsString>,
    fd: Option<u32>,
    terminal: bool,
    options: PassphraseOptions,
) -> Option<PassphraseSource> {
    match (env, fd) {
        (Some(name), _) => Some(PassphraseSource::Env(name.clone(), options)),
        (None, Some(fd)) => Some(PassphraseSource::Fd(fd, options)),
        (None, None) => terminal.then_some(PassphraseSource::Terminal(options)),
    }
}

/// Reads the signer file at `path`; a protected one is opened with the passphrase from
/// `source`, or asked for on the terminal, naming the file (without a terminal, the refusal
/// names `options`). The Argon2id cost is checked before the passphrase is asked for. A
/// passphrase given for a file that has none is not used, with a warning unless `quiet`.
pub fn load_signer(
    path: &Path,
    source: Option<&PassphraseSource>,
    options: PassphraseOptions,
    quiet: bool,
) -> anyhow::Result<SignerSecret> {
    let name = format!("{SIGNER_FILE} {}", diag::quote(path));
    let file = open_key_file(path, SIGNER_FILE)?;
    match SignerFile::from_reader(file).with_context(|| name.clone())? {
        SignerFile::Plain(signer) => {
            let given = match source {
                Some(PassphraseSource::Env(..)) => Some(options.env),
                Some(PassphraseSource::Fd(..)) => Some(options.fd),
                _ => None,
            };
            if let Some(option) = given
                && !quiet
            {
                diag::warn(format_args!(
                    "{name} is not protected by a passphrase: {option} not used"
                ));
            }
            Ok(signer)
        }
        SignerFile::Protected(locked) => {
            let passphrase = match source {
                None | Some(PassphraseSource::Terminal(_)) => {
                    prompt::ask(&format!("Passphrase for {name}: "), options)
                        .with_context(|| format!("{name} is protected by a passphrase"))?
                }
                Some(source) => read_passphrase(source, false, quiet)?,
            };
            locked.unlock(&passphrase).with_context(|| name)
        }
    }
}

/// `seal signer FILE`: the public key on stdout, the fingerprint on stderr. With `-o NEW`
/// (`output`), also a copy of the signer in the new 0600 file NEW, under the passphrase that
/// `new` gives or, with `--no-passphrase`, none: a signer file's passphrase added, changed
/// (with a fresh salt) or removed, the key kept. Everything cheap (the options, NEW, the
/// cost) is checked before a passphrase is asked for.
pub fn signer(
    path: &Path,
    source: Option<&PassphraseSource>,
    output: Option<&Path>,
    new: &NewPassphraseArgs,
) -> anyhow::Result<()> {
    let copy = match output {
        None => None,
        Some(output) => {
            let new_source = passphrase_source(
                new.new_passphrase_env.as_ref(),
                new.new_passphrase_fd,
                new.new_passphrase,
                PassphraseOptions::COPY_SIGNER,
            );
            if new_source.is_none() && !new.no_passphrase {
                return Err(CliError::Usage(
                    "-o writes a copy of the signer: give its passphrase (--new-passphrase, \
                     --new-passphrase-env or --new-passphrase-fd) or --no-passphrase"
                        .into(),
                )
                .into());
            }
            if new.no_passphrase && (new.kdf_memory.is_some() || new.kdf_passes.is_some()) {
                return Err(CliError::Usage(
                    "--kdf-memory and --kdf-passes set the cost of a passphrase, and \
                     --no-passphrase writes none"
                        .into(),
                )
                .into());
            }
            if let (Some(PassphraseSource::Fd(old, _)), Some(new)) = (source, new.new_passphrase_fd)
                && *old == new
            {
                return Err(CliError::Usage(
                    "--passphrase-fd and --new-passphrase-fd name the same descriptor: give the \
                     old passphrase and the new one on different ones"
                        .into(),
                )
                .into());
            }
            let params = match &new_source {
                Some(_) => Some(kdf_params(new.kdf_memory, new.kdf_passes)?),
                None => None,
            };
            let file = NewSecretFile::create(output, SIGNER_FILE)?;
            Some((file, new_source, params))
        }
    };
    let signer = load_signer(path, source, PassphraseOptions::STREAM, false)?;
    if let Some((file, new_source, params)) = copy {
        let text = match (new_source, params) {
            (Some(new_source), Some(params)) => {
                let passphrase = read_passphrase(&new_source, true, false)?;
                signer.to_protected_file_text(&passphrase, params)?
            }
            _ => signer.to_file_text(),
        };
        file.write(text.as_bytes())?;
    }
    write_stdout(format!("{}\n", signer.public()).as_bytes())?;
    diag::note(format_args!(
        "fingerprint: {}",
        signer.public().fingerprint_text()
    ));
    Ok(())
}

/// The allowed signers that `--signed-by` and `--signed-by-file` name.
pub fn allowed(args: &SignedByArgs) -> anyhow::Result<AllowedSigners> {
    let mut allowed = AllowedSigners::new();
    for text in &args.signed_by {
        let signer = AllowedSigner::from_text(text.trim()).context("--signed-by")?;
        allowed.push(signer, None)?;
    }
    for path in &args.signed_by_files {
        let name = format!("allowed-signers file {}", diag::quote(path));
        let file = File::open(path)
            .map_err(seal::Error::Read)
            .with_context(|| name.clone())?;
        let before = allowed.len();
        allowed.add_file(file).with_context(|| name.clone())?;
        if allowed.len() == before {
            // Every stream would be refused as "not an allowed signer": say what is wrong.
            return Err(CliError::Usage(format!(
                "{name} names no signer (only blank or # lines): add a public key or fingerprint, one a line"
            ))
            .into());
        }
    }
    Ok(allowed)
}

/// The policy of `--signed-by` and `--expect-comment` on the header of the stream `name`:
/// the stream, held for its verification, with its signature block and the allowed signer's
/// name (what [`report`] prints).
pub fn require<R>(
    decryptor: Decryptor<R>,
    allowed: &AllowedSigners,
    args: &SignedByArgs,
    name: &str,
) -> anyhow::Result<(Verifying<R>, SignedBy, Option<String>)> {
    let mut verifying = decryptor
        .require_signers(allowed)
        .with_context(|| name.to_string())?;
    if let Some(comment) = &args.expect_comment {
        verifying = verifying
            .expect_comment(comment)
            .with_context(|| name.to_string())?;
    }
    let signed = verifying.signed().clone();
    let signer_name = verifying.signer_name().map(str::to_owned);
    Ok((verifying, signed, signer_name))
}

/// Where a streamed verified decryption spools the ciphertext: `$TMPDIR`, or `/tmp`.
pub fn spool_dir() -> PathBuf {
    std::env::var_os("TMPDIR")
        .filter(|d| !d.is_empty())
        .map_or_else(|| PathBuf::from("/tmp"), PathBuf::from)
}

/// An unnamed file for the spool (`O_TMPFILE`; where the file system lacks it, a file
/// created and unlinked at once): it has no name, so nothing is left behind on any exit.
pub fn spool(quiet: bool) -> seal::Result<File> {
    let dir = spool_dir();
    if !quiet {
        diag::note(format_args!(
            "holding the ciphertext in an unnamed file in {} until the signature is checked (it needs as much space as the input)",
            diag::quote(&dir)
        ));
    }
    unnamed_file(&dir).map_err(seal::Error::Write)
}

/// The stderr line for a verified signature.
pub fn report(signed: &SignedBy, name: Option<&str>, trusted: bool, quiet: bool) {
    if quiet {
        return;
    }
    let who = signed.signer().fingerprint_text();
    let who = match name {
        Some(name) => format!("{who} ({name})"),
        None => who,
    };
    let trust = if trusted {
        "good signature"
    } else {
        "signature checked but not trusted: no --signed-by"
    };
    let comment = if signed.comment().is_empty() {
        String::new()
    } else {
        format!("; signed comment: {}", diag::quote_str(signed.comment()))
    };
    diag::note(format_args!("signed by {who}: {trust}{comment}"));
}

/// An unnamed read-write file in `dir`: `O_TMPFILE`, or a new file unlinked at once.
fn unnamed_file(dir: &Path) -> std::io::Result<File> {
    use rustix::fs::{CWD, Mode, OFlags};
    let mode = Mode::from_raw_mode(0o600);
    let anonymous = OFlags::TMPFILE | OFlags::RDWR | OFlags::CLOEXEC;
    if let Ok(fd) = rustix::fs::openat(CWD, dir, anonymous, mode) {
        return Ok(File::from(fd));
    }
    let flags = OFlags::CREATE | OFlags::EXCL | OFlags::RDWR | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let mut last = std::io::Error::other("no name found");
    for attempt in 0..100u32 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = dir.join(format!(
            ".seal-spool-{}-{nanos}-{attempt}",
            std::process::id()
        ));
        match rustix::fs::openat(CWD, &name, flags, mode) {
            Ok(fd) => {
                let file = File::from(fd);
                std::fs::remove_file(&name)?;
                return Ok(file);
            }
            Err(e) => last = e.into(),
        }
    }
    Err(last)
}

/// INPUT (or stdin) when it is a regular file holding a binary (not armored) stream, opened,
/// with its metadata; `None` for anything else (a pipe, armor), which is spooled.
pub fn regular_binary_input(
    path: Option<&Path>,
) -> anyhow::Result<Option<(File, std::fs::Metadata)>> {
    use std::os::fd::AsFd;
    use std::os::unix::fs::FileExt;
    let file = if crate::files::is_stdio(path) {
        let fd = std::io::stdin().as_fd().try_clone_to_owned();
        File::from(fd.context("using stdin")?)
    } else {
        let path = path.unwrap_or(Path::new("-"));
        match File::open(path) {
            Ok(file) => file,
            // Input::open, on the general path, says why.
            Err(_) => return Ok(None),
        }
    };
    let Ok(meta) = file.metadata() else {
        return Ok(None);
    };
    if !meta.is_file() {
        return Ok(None);
    }
    let mut file = file;
    let here = std::io::Seek::stream_position(&mut file).unwrap_or(0);
    let mut first = [0u8; 1];
    if file.read_at(&mut first, here).ok() == Some(1) && seal::looks_armored(first[0]) {
        return Ok(None);
    }
    Ok(Some((file, meta)))
}
