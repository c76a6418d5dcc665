//! Reading helpers shared by every framing: fill a buffer, look one byte ahead.

use std::io::{self, Read};

use crate::error::{Error, Result};

/// Reads until `buf` is full or input ends. Returns the bytes read and whether input ended.
pub(crate) fn fill<R: Read + ?Sized>(reader: &mut R, buf: &mut [u8]) -> io::Result<(usize, bool)> {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..]) {
            Ok(0) => return Ok((n, true)),
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok((n, false))
}

/// Reads one byte: whether input goes on, and the byte if it does.
pub(crate) fn peek<R: Read + ?Sized>(reader: &mut R) -> Result<Option<u8>> {
    let mut one = [0u8; 1];
    let (got, _) = fill(reader, &mut one).map_err(Error::from_read)?;
    Ok((got == 1).then_some(one[0]))
}

/// The index after `index`, or [`Error::TooManyFrames`].
pub(crate) fn next_index(index: u64) -> Result<u64> {
    index.checked_add(1).ok_or(Error::TooManyFrames)
}
