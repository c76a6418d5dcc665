//! Decrypts a stream encrypted to public-key recipients (`seal enc -r RECIPIENT`) with any
//! number of identities: `Decryptor::new` reads the header, `unlock` tries every stanza with
//! every identity of its kind, and the plaintext goes to stdout.
//!
//! ```text
//! cargo run --example decrypt_with_identities -- STREAM IDENTITY_FILE...
//! ```
//!
//! Each IDENTITY_FILE holds an identity as `seal keygen --identity` writes it. Armored
//! streams are read too: `seal::unarmor` recognises armor from the first byte, as `seal dec`
//! does.

use std::fs::File;
use std::io::{self, BufReader};
use std::process::ExitCode;

use seal::{Decryptor, Identity, KeyKind, unarmor};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((stream, identity_files)) = args.split_first().filter(|(_, ids)| !ids.is_empty())
    else {
        eprintln!("usage: decrypt_with_identities STREAM IDENTITY_FILE...");
        return ExitCode::from(2);
    };
    match decrypt(stream, identity_files) {
        Ok(bytes) => {
            eprintln!("decrypted {bytes} bytes");
            ExitCode::SUCCESS
        }
        Err(e) => {
            // Nothing after the first damaged frame was written; what was written before it
            // was authentic. A caller that needs all or nothing writes to a temporary file and
            // renames it only on success, as `seal dec -o` does.
            eprintln!("decrypt_with_identities: {e}");
            ExitCode::FAILURE
        }
    }
}

fn decrypt(stream: &str, identity_files: &[String]) -> Result<u64, Box<dyn std::error::Error>> {
    let identities = identity_files
        .iter()
        .map(|path| {
            let text = std::fs::read(path)?;
            Ok(Identity::from_text(&text)?)
        })
        .collect::<Result<Vec<Identity>, Box<dyn std::error::Error>>>()?;
    let (input, _armored) = unarmor(BufReader::new(File::open(stream)?))?;
    let decryptor = Decryptor::new(input)?;
    // The header says which secret the stream needs before any is used.
    if decryptor.key_kind() != KeyKind::Recipients {
        return Err(format!("{stream} was not encrypted to recipients").into());
    }
    // Identities of any kinds, in any order; `NoIdentityMatches` if none opens a stanza.
    let unlocked = decryptor.unlock(identities.as_slice())?;
    Ok(unlocked.decrypt_to(&mut io::stdout().lock())?)
}
