//! `seal dec`: decrypt INPUT to OUTPUT, releasing only authenticated plaintext.

use std::io::{self, Read};

use anyhow::Context;
use seal::{Decryptor, Error, Header, armor, read_header};

use super::range::dec_range;
use super::transfer::{Produces, transfer};
use crate::args::{DecArgs, KeyArgs};
use crate::output::Target;

/// Recognises armored input (replacing `input` with the stream it holds), reads the header and
/// opens the stream with the secret it needs.
pub fn open_stream(
    keys: &KeyArgs,
    quiet: bool,
    input: &mut Box<dyn Read + Send>,
    name: &str,
) -> anyhow::Result<Decryptor> {
    let raw = std::mem::replace(input, Box::new(io::empty()));
    let (reader, armored) = armor::auto(raw)
        .map_err(Error::from_read)
        .with_context(|| name.to_string())?;
    *input = reader;
    let header = read_header_of(input, armored).with_context(|| name.to_string())?;
    let secret = keys
        .secret_for(&header, quiet)
        .with_context(|| name.to_string())?;
    Decryptor::with_header(header, secret.as_secret()).with_context(|| name.to_string())
}

/// Reads a stream's header. In armored text, which people copy by hand and through mail, a
/// version, cipher or key kind that seal does not know is most likely a changed character:
/// the message says so first (the exit status stays the format's, as a newer seal's stream
/// would give).
pub fn read_header_of(input: &mut impl Read, armored: bool) -> anyhow::Result<Header> {
    read_header(input).map_err(|e| {
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
        let decryptor = open_stream(&args.keys, args.ui.quiet, input, name)?;
        Ok(move |input, output: Target<'_>, threads| match output {
            Target::Stream(out) => decryptor.decrypt(input, out, threads).map(drop),
            Target::File(file) => decryptor.decrypt_to_file(input, file, threads).map(drop),
        })
    })
}
