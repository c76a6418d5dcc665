//! `seal dec`: decrypt INPUT to OUTPUT, releasing only authenticated plaintext.

use std::io;

use anyhow::Context;
use seal::Unlocked;

use super::header::{self, Input};
use super::range::dec_range;
use super::transfer::{Produces, transfer};
use crate::args::{DecArgs, KeyArgs};
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
        return dec_range(&args.io, offset, length);
    }
    let args = &args.io;
    args.keys.check_fd(args.input.as_deref())?;
    transfer(args, Produces::Plaintext, |input, name| {
        let stream = open_stream(&args.keys, args.ui.quiet, input, name)?;
        // The stream holds the input now: the one handed back to the job is empty.
        Ok(move |_input, output: Target<'_>, threads| {
            let stream = stream.threads(threads);
            match output {
                Target::Stream(out) => stream.decrypt_to(out).map(drop),
                Target::File(file) => stream.decrypt_to_file(file).map(drop),
            }
        })
    })
}
