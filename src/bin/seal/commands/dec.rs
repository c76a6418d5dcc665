//! `seal dec`: decrypt INPUT to OUTPUT, releasing only authenticated plaintext.

use std::io::{self, Read};

use anyhow::Context;
use seal::{Decryptor, Error, Unlocked, unarmor};

use super::range::dec_range;
use super::transfer::{Produces, transfer};
use crate::args::{DecArgs, KeyArgs};
use crate::output::Target;

/// Recognises armored input, reads the header and unlocks the stream with the secret it needs.
/// Takes the input over (leaving `input` empty).
pub fn open_stream(
    keys: &KeyArgs,
    quiet: bool,
    input: &mut Box<dyn Read + Send>,
    name: &str,
) -> anyhow::Result<Unlocked<Box<dyn Read + Send>>> {
    let raw = std::mem::replace(input, Box::new(io::empty()));
    let (reader, armored) = unarmor(raw)
        .map_err(Error::from_read)
        .with_context(|| name.to_string())?;
    let decryptor = decryptor_of(reader, armored).with_context(|| name.to_string())?;
    let secret = keys
        .secret_for(decryptor.header(), quiet)
        .with_context(|| name.to_string())?;
    decryptor
        .unlock(secret.as_secret())
        .with_context(|| name.to_string())
}

/// Reads a stream's header. In armored text, which people copy by hand and through mail, a
/// version, cipher or key kind that seal does not know is most likely a changed character:
/// the message says so first (the exit status stays the format's, as a newer seal's stream
/// would give).
pub fn decryptor_of<R: Read>(input: R, armored: bool) -> anyhow::Result<Decryptor<R>> {
    Decryptor::new(input).map_err(|e| {
        let unknown = matches!(
            e,
            Error::UnsupportedVersion(_) | Error::UnsupportedCipher(_) | Error::UnsupportedKeyKind(_)
        );
        let e = anyhow::Error::new(e);
        if armored && unknown {
            e.context("the armored text is damaged (a changed character in its header), or from a newer seal")
        } else {
            e
        }
    })
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
