//! Writes the known-answer vectors in tests/vectors/. Run once when the format changes on
//! purpose (`cargo run --example make_vectors`); tests/vectors.rs then pins the bytes, and
//! tests/independent_decoder.py checks them against docs/FORMAT.md.

use std::fmt::Write as _;
use std::io::Cursor;

use seal::{Cipher, Encryptor, Key};

struct Vector {
    name: &'static str,
    what: &'static str,
    cipher: Cipher,
    chunk: u32,
    plaintext: Vec<u8>,
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
        },
        Vector {
            name: "aes-256-gcm-4-frames",
            what: "three full frames and a short final one",
            cipher: Cipher::Aes256Gcm,
            chunk: 64,
            plaintext: counting.clone(),
        },
        Vector {
            name: "chacha20-poly1305-4-frames",
            what: "three full frames and a short final one",
            cipher: Cipher::ChaCha20Poly1305,
            chunk: 64,
            plaintext: counting,
        },
        Vector {
            name: "aes-256-gcm-empty",
            what: "empty plaintext: one empty final frame",
            cipher: Cipher::Aes256Gcm,
            chunk: 1024,
            plaintext: Vec::new(),
        },
        Vector {
            name: "chacha20-poly1305-full-final",
            what: "two full frames, the second final",
            cipher: Cipher::ChaCha20Poly1305,
            chunk: 100,
            plaintext: vec![0xA5; 200],
        },
    ];
    for v in vectors {
        let mut stream = Vec::new();
        Encryptor::with_salt(&key, v.cipher, v.chunk, salt)?.encrypt(
            Cursor::new(v.plaintext.clone()),
            &mut stream,
            1,
        )?;
        let mut out = String::new();
        writeln!(out, "# seal v1 known-answer vector: {}", v.what)?;
        writeln!(out, "cipher: {}", v.cipher.name())?;
        writeln!(out, "key: {}", key.to_text().trim_end())?;
        writeln!(out, "salt: {}", hex(&salt))?;
        writeln!(out, "chunk_size: {}", v.chunk)?;
        writeln!(out, "plaintext: {}", hex(&v.plaintext))?;
        writeln!(out, "stream: {}", hex(&stream))?;
        std::fs::write(format!("tests/vectors/{}.txt", v.name), out)?;
    }
    Ok(())
}
