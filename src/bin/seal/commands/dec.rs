//! `seal dec`: decrypt INPUT to OUTPUT, releasing only authenticated plaintext.

use std::io;

use anyhow::Context;
use seal::{Decryptor, Error, Unlocked};

use super::header::{self, Input};
use super::range::dec_range;
use super::signing;
use super::transfer::{Produces, transfer};
use crate::args::{DecArgs, IoArgs, KeyArgs, SignedByArgs};
use crate::output::Target;

/// Recognises armored input, reads the header and unlocks the stream with the secret it needs.
/// Takes the input over (leaving `input` empty).
pub fn open_stream(
    keys: &KeyArgs,
    quiet: bool,
    input: &mut Input,
    name: &str,
) -> anyhow::Result<Unlocked<Input>> {
    let raw = std::mem::replace(input, Box::new(io::empty()));
    let (decryptor, _) = header::read(raw, name)?;
    let secret = keys
        .secret_for(decryptor.header(), quiet)
        .with_context(|| name.to_string())?;
    decryptor
        .unlock(secret.as_secret())
        .with_context(|| name.to_string())
}

pub fn dec(args: &DecArgs) -> anyhow::Result<()> {
    if args.armor {
        return Err(crate::args::armor_is_recognised("dec").into());
    }
    if let Some((offset, length)) = args.range() {
        return dec_range(&args.io, offset, length, &args.signers);
    }
    let signers = &args.signers;
    let args = &args.io;
    args.keys.check_fd(args.input.as_deref())?;
    let quiet = args.ui.quiet;
    if signers.required() && !signers.insecure_release_unverified {
        return dec_verified(args, signers);
    }
    // Parsed before any input is read.
    let allowed = if signers.required() {
        quiet_or_warn(quiet);
        Some(signing::allowed(signers)?)
    } else {
        None
    };
    transfer(args, Produces::Plaintext, |input, name| {
        let raw = std::mem::replace(input, Box::new(io::empty()));
        let (decryptor, _) = header::read(raw, name)?;
        let signed = decryptor.signed().cloned();
        let mut name_of_signer = None;
        if let Some(allowed) = &allowed {
            // The escape hatch: policy now, the signature only at the end.
            let verifying = decryptor_policy(decryptor.signed(), allowed, signers)
                .with_context(|| name.to_string())?;
            name_of_signer = verifying;
        }
        let secret = args
            .keys
            .secret_for(decryptor.header(), quiet)
            .with_context(|| name.to_string())?;
        let stream = decryptor
            .unlock(secret.as_secret())
            .with_context(|| name.to_string())?;
        let trusted = allowed.is_some();
        // The stream holds the input now: the one handed back to the job is empty.
        Ok(move |_input, output: Target<'_>, threads| {
            let stream = stream.threads(threads);
            match output {
                Target::Stream(out) => stream.decrypt_to(out).map(drop),
                Target::File(file) => stream.decrypt_to_file(file).map(drop),
            }?;
            if let Some(signed) = &signed {
                signing::report(signed, name_of_signer.flatten().as_deref(), trusted, quiet);
            }
            Ok(())
        })
    })
}

fn quiet_or_warn(quiet: bool) {
    if !quiet {
        crate::diag::warn(
            "--insecure-release-unverified: plaintext is written before the signature is checked; a bad signature fails only at the end",
        );
    }
}

/// The policy of `--signed-by` on a header's signature block, for the escape hatch: the
/// allowed signer's name, if any.
fn decryptor_policy(
    signed: Option<&seal::SignedBy>,
    allowed: &seal::AllowedSigners,
    args: &SignedByArgs,
) -> seal::Result<Option<Option<String>>> {
    let signed = signed.ok_or(Error::NotSigned)?;
    let name = allowed
        .find(signed.signer())
        .ok_or_else(|| Error::SignerNotAllowed {
            fingerprint: signed.signer().fingerprint_text(),
        })?;
    if let Some(expected) = &args.expect_comment
        && expected != signed.comment()
    {
        return Err(Error::CommentMismatch);
    }
    Ok(Some(name.map(str::to_owned)))
}

/// `dec --signed-by`: nothing is released before the signature verified. A staged `-o` file
/// is written in one pass and appears only once verified; any streamed output (stdout, a
/// FIFO, a device) gets the plaintext only after the ciphertext was spooled and verified.
fn dec_verified(args: &IoArgs, signers: &SignedByArgs) -> anyhow::Result<()> {
    let allowed = signing::allowed(signers)?;
    let quiet = args.ui.quiet;
    if let Some((file, meta)) = signing::regular_binary_input(args.input.as_deref())? {
        return dec_verified_seekable(args, signers, &allowed, file, meta);
    }
    transfer(args, Produces::Plaintext, |input, name| {
        let raw = std::mem::replace(input, Box::new(io::empty()));
        let (decryptor, _) = header::read(raw, name)?;
        // Policy before the secret: no passphrase is asked for a stream refused anyway.
        let (verifying, signed, signer_name) =
            signing::require(decryptor, &allowed, signers, name)?;
        let secret = args
            .keys
            .secret_for(verifying.header(), quiet)
            .with_context(|| name.to_string())?;
        let stream = verifying
            .unlock(secret.as_secret())
            .with_context(|| name.to_string())?;
        Ok(move |_input, output: Target<'_>, threads| {
            let stream = stream.threads(threads);
            match output {
                Target::Stream(out) => stream.decrypt_spooled(signing::spool(quiet)?, out),
                Target::File(file) => stream.decrypt_to_file(file),
            }?;
            signing::report(&signed, signer_name.as_deref(), true, quiet);
            Ok(())
        })
    })
}

/// `dec --signed-by` of a regular file: to a streamed output, two passes over the file (hash
/// and verify, then decrypt with every frame compared to its digest), no spool; to `-o FILE`,
/// one pass into the staged file.
fn dec_verified_seekable(
    args: &IoArgs,
    signers: &SignedByArgs,
    allowed: &seal::AllowedSigners,
    file: std::fs::File,
    meta: std::fs::Metadata,
) -> anyhow::Result<()> {
    let quiet = args.ui.quiet;
    let name = super::input_name(args.input.as_deref());
    crate::output::preflight(args.output.as_deref(), Some(&meta), false)?;
    for key in args.keys.key_files() {
        crate::files::refuse_key_file(&key, args.output.as_deref(), Some(&meta))?;
    }
    let decryptor = Decryptor::new(file).with_context(|| name.clone())?;
    let (verifying, signed, signer_name) = signing::require(decryptor, allowed, signers, &name)?;
    let secret = args
        .keys
        .secret_for(verifying.header(), quiet)
        .with_context(|| name.clone())?;
    let stream = verifying
        .unlock(secret.as_secret())
        .with_context(|| name.clone())?
        .threads(super::threads_or_default(args.threads));
    let mut output = crate::output::Output::open(args.output.as_deref(), Some(&meta), false)?;
    let out_name = output.name();
    let result = match output.target() {
        Target::Stream(out) => stream.decrypt_verified(out),
        Target::File(file) => stream.decrypt_to_file(file),
    };
    result.map_err(|e| {
        let context = match &e {
            Error::Write(_) => out_name.clone(),
            _ => name.clone(),
        };
        anyhow::Error::new(e).context(context)
    })?;
    output.finish()?;
    signing::report(&signed, signer_name.as_deref(), true, quiet);
    Ok(())
}
