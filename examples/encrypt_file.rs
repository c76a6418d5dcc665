//! Encrypts a file with the writer: `Encryptor::wrap_output` gives a `std::io::Write` that
//! seals what is written to it on a pool of worker threads, and `finish` ends the stream.
//!
//! ```text
//! cargo run --example encrypt_file -- INPUT OUTPUT KEYFILE
//! ```
//!
//! KEYFILE is a key as `seal keygen` writes it; `seal dec -k KEYFILE OUTPUT` decrypts the
//! result. (To encrypt a whole file or stream at once, `Encryptor::encrypt(input, &mut
//! output)` does the same without the copy loop; the writer is for data that a program
//! produces piece by piece, as `tar` or a serializer does.)

use std::fs::File;
use std::io::{self, BufReader};
use std::process::ExitCode;

use seal::{Encryptor, Key};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output, key_file] = args.as_slice() else {
        eprintln!("usage: encrypt_file INPUT OUTPUT KEYFILE");
        return ExitCode::from(2);
    };
    match encrypt_file(input, output, key_file) {
        Ok(bytes) => {
            eprintln!("wrote {bytes} bytes of ciphertext to {output}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("encrypt_file: {e}");
            ExitCode::FAILURE
        }
    }
}

fn encrypt_file(
    input: &str,
    output: &str,
    key_file: &str,
) -> Result<u64, Box<dyn std::error::Error>> {
    // A key file holds one line of key text (with a checksum); `Key::from_reader` reads at
    // most a bounded number of bytes and checks it.
    let key = Key::from_reader(File::open(key_file)?)?;
    let mut plaintext = BufReader::new(File::open(input)?);
    let out = File::create(output)?;
    // Defaults: AES-256-GCM, 1 MiB chunks, one worker per core. `.cipher(…)`, `.chunk_size(…)`
    // and `.threads(…)` change them.
    let mut writer = Encryptor::with_key(&key)?.wrap_output(out)?;
    // Anything that writes to a `std::io::Write` can write here.
    io::copy(&mut plaintext, &mut writer)?;
    // Seals the last (final) frame and hands the file back. Without `finish` the stream has no
    // final frame and a decoder reports it truncated, as it must.
    let file = writer.finish()?;
    // What seal reports as written should be on disk.
    file.sync_all()?;
    Ok(file.metadata()?.len())
}
