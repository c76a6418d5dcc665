//! `seal dec --offset N --length M`: a range of a seekable stream's plaintext. Reads the final
//! frame first (authenticating the stream's length) and then only the frames that hold the
//! range, so the cost does not grow with the stream. Live streams (format version 2), whose
//! frames lie where their lengths say, are refused like pipes and armor.

use std::fs::{File, Metadata};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;

use anyhow::Context;
use seal::{Decryptor, Error, Framing};

use super::input_name;
use crate::args::{IoArgs, SignedByArgs};
use crate::error::CliError;
use crate::files::is_stdio;
use crate::output::{self, Output, Target};

/// Writes plaintext bytes `offset..offset + length` (or to the end) of INPUT to OUTPUT.
pub fn dec_range(
    args: &IoArgs,
    offset: u64,
    length: Option<u64>,
    signers: &SignedByArgs,
) -> anyhow::Result<()> {
    // Parsed before any input is read.
    let allowed = if signers.required() {
        Some(super::signing::allowed(signers)?)
    } else {
        None
    };
    args.keys.check_fd(args.input.as_deref())?;
    let name = input_name(args.input.as_deref());
    let (mut file, meta) = seekable_input(args.input.as_deref(), &name)?;
    output::preflight(args.output.as_deref(), Some(&meta), false)?;
    for key in args.keys.key_files() {
        crate::files::refuse_key_file(&key, args.output.as_deref(), Some(&meta))?;
    }
    refuse_armor(&mut file, &name)?;
    let decryptor = Decryptor::new(file).with_context(|| name.clone())?;
    if decryptor.header().framing() == Framing::Live {
        // Refused before any passphrase is asked for and stretched.
        return Err(CliError::Usage(format!(
            "--offset and --length need a stream with fixed framing, and {name} is a live \
             stream (seal enc --max-delay): decrypt the whole stream and cut the range from it"
        ))
        .into());
    }
    let mut verified = None;
    let mut reader = match &allowed {
        // With --signed-by: the whole stream is hashed and its signature checked first; then
        // every frame read for the range is compared with its digest before it is opened.
        Some(allowed) => {
            let (verifying, signed, signer_name) =
                super::signing::require(decryptor, allowed, signers, &name)?;
            verified = Some((signed, signer_name));
            let secret = args
                .keys
                .secret_for(verifying.header(), args.ui.quiet)
                .with_context(|| name.clone())?;
            verifying
                .unlock(secret.as_secret())
                .with_context(|| name.clone())?
                .threads(super::threads_or_default(args.threads))
                .verified_reader()
                .with_context(|| name.clone())?
        }
        None => {
            if let Some(signed) = decryptor.signed()
                && !args.ui.quiet
            {
                crate::diag::warn(format_args!(
                    "{name} is signed by {}; its signature was not checked (range read: use --signed-by to check it)",
                    signed.signer().fingerprint_text()
                ));
            }
            let secret = args
                .keys
                .secret_for(decryptor.header(), args.ui.quiet)
                .with_context(|| name.clone())?;
            decryptor
                .unlock(secret.as_secret())
                .with_context(|| name.clone())?
                .reader()
        }
    };
    let len = reader
        .plaintext_len()
        .map_err(Error::from_io)
        .with_context(|| name.clone())?;
    if offset > len {
        return Err(CliError::Usage(format!(
            "--offset {offset} is past the end of the plaintext of {name} ({})",
            super::count(len, "byte")
        ))
        .into());
    }
    reader
        .seek(SeekFrom::Start(offset))
        .map_err(Error::from_io)
        .with_context(|| name.clone())?;
    let want = length.map_or(len - offset, |l| l.min(len - offset));
    let mut output = Output::open(args.output.as_deref(), Some(&meta), false)?;
    let out_name = output.name();
    let mut range = reader.take(want);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = match range.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::from_read(e)).with_context(|| name.clone()),
        };
        let written = match output.target() {
            Target::Stream(out) => out.write_all(&buf[..n]),
            Target::File(mut out) => out.write_all(&buf[..n]),
        };
        written
            .map_err(Error::Write)
            .with_context(|| out_name.clone())?;
    }
    output.finish()?;
    if let Some((signed, signer)) = verified {
        super::signing::report(&signed, signer.as_deref(), true, args.ui.quiet);
    }
    Ok(())
}

/// INPUT (or stdin) as a file that can seek, or a usage error saying what it is instead.
fn seekable_input(path: Option<&Path>, name: &str) -> anyhow::Result<(File, Metadata)> {
    let file = if is_stdio(path) {
        let fd = io::stdin().as_fd().try_clone_to_owned();
        File::from(fd.context("using stdin")?)
    } else {
        let path = path.unwrap_or(Path::new("-"));
        File::open(path).with_context(|| format!("opening input {}", crate::diag::quote(path)))?
    };
    let meta = file.metadata().with_context(|| name.to_string())?;
    let kind = meta.file_type();
    let what = if kind.is_file() {
        return Ok((file, meta));
    } else if kind.is_fifo() {
        "a pipe"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() {
        "a terminal or character device"
    } else if kind.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    };
    Err(CliError::Usage(format!(
        "--offset and --length need a seekable input file, and {name} is {what}: decrypt the \
         whole stream and cut the range from it"
    ))
    .into())
}

/// Armored text cannot be read at an offset: its frames are not where the binary ones are.
fn refuse_armor(file: &mut File, name: &str) -> anyhow::Result<()> {
    if super::header::is_armored(file, name)? {
        return Err(CliError::Usage(format!(
            "--offset and --length need a binary stream, and {name} is ASCII armor: decrypt \
             the whole stream and cut the range from it"
        ))
        .into());
    }
    Ok(())
}
