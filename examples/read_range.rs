//! Reads a range of a stream's plaintext back with the seeking reader: `Unlocked::reader`
//! gives a `std::io::Read + Seek` that authenticates the stream's length from its final frame,
//! then decrypts only the frames that hold the bytes asked for.
//!
//! ```text
//! cargo run --example read_range -- STREAM KEYFILE OFFSET LENGTH
//! ```
//!
//! STREAM is a binary stream with fixed framing, as `seal enc -k KEYFILE` writes it (not
//! armor, whose frames are not where the binary ones are, and not a live stream). The range
//! goes to stdout, as `seal dec --offset OFFSET --length LENGTH` would write it.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::process::ExitCode;

use seal::{Decryptor, Key};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [stream, key_file, offset, length] = args.as_slice() else {
        eprintln!("usage: read_range STREAM KEYFILE OFFSET LENGTH");
        return ExitCode::from(2);
    };
    let (Ok(offset), Ok(length)) = (offset.parse::<u64>(), length.parse::<u64>()) else {
        eprintln!("read_range: OFFSET and LENGTH are numbers of bytes");
        return ExitCode::from(2);
    };
    match read_range(stream, key_file, offset, length) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("read_range: {e}");
            ExitCode::FAILURE
        }
    }
}

fn read_range(
    stream: &str,
    key_file: &str,
    offset: u64,
    length: u64,
) -> Result<(), Box<dyn std::error::Error>> {
    let key = Key::from_reader(File::open(key_file)?)?;
    // The header is read and checked first; the key must be the one it was made for.
    let mut reader = Decryptor::new(File::open(stream)?)?.unlock(&key)?.reader();
    // The plaintext's length, from the final frame (read and authenticated first: a stream
    // cut after a frame boundary is found here, not reported as a shorter plaintext).
    let len = reader.plaintext_len()?;
    if offset > len {
        return Err(
            format!("offset {offset} is past the end of the plaintext ({len} bytes)").into(),
        );
    }
    reader.seek(SeekFrom::Start(offset))?;
    // Each byte read was authenticated with its frame before it is returned.
    let copied = io::copy(&mut reader.take(length), &mut io::stdout().lock())?;
    eprintln!("read_range: {copied} bytes from offset {offset} of {len}");
    Ok(())
}
