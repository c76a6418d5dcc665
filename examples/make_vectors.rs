//! Writes the known-answer vectors in tests/vectors/. Run once when the format changes on
//! purpose (`cargo run --example make_vectors`); tests/vectors.rs then pins the bytes, and
//! tests/independent_decoder.py checks them against docs/FORMAT.md.

use std::fmt::Write as _;
use std::io::Cursor;

use seal::{Argon2Params, Cipher, Encryptor, Key, Passphrase};
use zeroize::Zeroizing;

/// The secret of a vector: the fixed key, or a passphrase at a (cheap) Argon2id cost.
enum Secret {
    Key,
    Passphrase(&'static str, Argon2Params),
}

struct Vector {
    name: &'static str,
    what: &'static str,
    cipher: Cipher,
    chunk: u32,
    plaintext: Vec<u8>,
    secret: Secret,
}

fn hex(bytes: &[u8]) -> String {
    base16ct::lower::encode_string(bytes)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key_bytes: [u8; 32] = std::array::from_fn(|i| i as u8);
    let salt: [u8; 32] = std::array::from_fn(|i| 0x20 + i as u8);
    let key = Key::from_bytes(key_bytes);
    let text = b"seal v1 worked example: 64 bytes fill frame 0; the last 6 go in frm 1.".to_vec();
    assert_eq!(text.len(), 70);
    let counting: Vec<u8> = (0..=255u8).cycle().take(3 * 64 + 10).collect();
    let vectors = [
        Vector {
            name: "aes-256-gcm-worked-example",
            what: "the worked example of docs/FORMAT.md",
            cipher: Cipher::Aes256Gcm,
            chunk: 64,
            plaintext: text,
            secret: Secret::Key,
        },
        Vector {
            name: "aes-256-gcm-4-frames",
            what: "three full frames and a short final one",
            cipher: Cipher::Aes256Gcm,
            chunk: 64,
            plaintext: counting.clone(),
            secret: Secret::Key,
        },
        Vector {
            name: "chacha20-poly1305-4-frames",
            what: "three full frames and a short final one",
            cipher: Cipher::ChaCha20Poly1305,
            chunk: 64,
            plaintext: counting.clone(),
            secret: Secret::Key,
        },
        Vector {
            name: "aes-256-gcm-empty",
            what: "empty plaintext: one empty final frame",
            cipher: Cipher::Aes256Gcm,
            chunk: 1024,
            plaintext: Vec::new(),
            secret: Secret::Key,
        },
        Vector {
            name: "chacha20-poly1305-full-final",
            what: "two full frames, the second final",
            cipher: Cipher::ChaCha20Poly1305,
            chunk: 100,
            plaintext: vec![0xA5; 200],
            secret: Secret::Key,
        },
        Vector {
            name: "aes-256-gcm-passphrase",
            what: "a passphrase stream (Argon2id 64 KiB, 2 passes, 1 lane), two full frames and a short final one",
            cipher: Cipher::Aes256Gcm,
            chunk: 64,
            plaintext: counting[..150].to_vec(),
            secret: Secret::Passphrase(
                "correct horse battery staple",
                Argon2Params::new(64, 2, 1)?,
            ),
        },
        Vector {
            name: "chacha20-poly1305-passphrase-2-lanes",
            what: "a UTF-8 passphrase (Argon2id 256 KiB, 1 pass, 2 lanes), one full final frame",
            cipher: Cipher::ChaCha20Poly1305,
            chunk: 100,
            plaintext: vec![0x5A; 100],
            secret: Secret::Passphrase("pässwörd ✓ 🔑", Argon2Params::new(256, 1, 2)?),
        },
    ];
    for v in vectors {
        let mut stream = Vec::new();
        let encryptor = match &v.secret {
            Secret::Key => Encryptor::insecure_with_salt(&key, v.cipher, v.chunk, salt)?,
            Secret::Passphrase(text, params) => {
                let pass = Passphrase::new(Zeroizing::new(text.as_bytes().to_vec()))?;
                Encryptor::insecure_with_passphrase_and_salt(
                    &pass, *params, v.cipher, v.chunk, salt,
                )?
            }
        };
        encryptor.encrypt(Cursor::new(v.plaintext.clone()), &mut stream, 1)?;
        let mut out = String::new();
        writeln!(out, "# seal v1 known-answer vector: {}", v.what)?;
        writeln!(out, "cipher: {}", v.cipher.name())?;
        match &v.secret {
            Secret::Key => writeln!(out, "key: {}", key.to_text().trim_end())?,
            Secret::Passphrase(text, params) => {
                writeln!(out, "passphrase: {}", hex(text.as_bytes()))?;
                writeln!(out, "kdf_memory_kib: {}", params.memory_kib())?;
                writeln!(out, "kdf_passes: {}", params.passes())?;
                writeln!(out, "kdf_lanes: {}", params.lanes())?;
            }
        }
        writeln!(out, "salt: {}", hex(&salt))?;
        writeln!(out, "chunk_size: {}", v.chunk)?;
        writeln!(out, "plaintext: {}", hex(&v.plaintext))?;
        writeln!(out, "stream: {}", hex(&stream))?;
        std::fs::write(format!("tests/vectors/{}.txt", v.name), out)?;
    }
    Ok(())
}
