//! Reading a stream's header from INPUT, the one way `dec`, `verify`, `info` and `dec
//! --offset` do it: armor is recognised by the library's one rule ([`seal::unarmor`], from the
//! first byte, as the decoder reads it), then the header is read, with errors named after the
//! input. (`enc` asks another question, whether its input is already a seal stream, with
//! [`seal::sniff`].)

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use anyhow::Context;
use seal::{Decryptor, Error, unarmor};

/// An input as the commands hold it.
pub type Input = Box<dyn Read + Send>;

/// Recognises armor in `input` and reads the stream's header: the decryptor, and whether the
/// input was armored.
pub fn read(input: Input, name: &str) -> anyhow::Result<(Decryptor<Input>, bool)> {
    let (reader, armored) = unarmor(input)
        .map_err(Error::from_read)
        .with_context(|| name.to_owned())?;
    let decryptor = decryptor_of(reader, armored).with_context(|| name.to_owned())?;
    Ok((decryptor, armored))
}

/// Whether a seekable `file` holds armor, by the same rule as [`read`]; the file is left where
/// it was.
pub fn is_armored(file: &mut File, name: &str) -> anyhow::Result<bool> {
    let here = file.stream_position().with_context(|| name.to_owned())?;
    let clone = file.try_clone().with_context(|| name.to_owned())?;
    let (_, armored) = unarmor(clone)
        .map_err(Error::from_read)
        .with_context(|| name.to_owned())?;
    file.seek(SeekFrom::Start(here))
        .with_context(|| name.to_owned())?;
    Ok(armored)
}

/// Reads a stream's header. In armored text, which people copy by hand and through mail, a
/// version, cipher or key kind that seal does not know is most likely a changed character:
/// the message says so first (the exit status stays the format's, as a newer seal's stream
/// would give).
fn decryptor_of<R: Read>(input: R, armored: bool) -> anyhow::Result<Decryptor<R>> {
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
