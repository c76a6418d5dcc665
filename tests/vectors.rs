//! Known-answer vectors: a fixed key and salt must give exactly the bytes in tests/vectors/,
//! and those bytes must decrypt to the plaintext. Any change to the format breaks this test.

mod common;

use std::collections::BTreeMap;
use std::io::Cursor;

use seal::{Cipher, Decryptor, Encryptor, Key};

struct Vector {
    name: String,
    fields: BTreeMap<String, String>,
}

impl Vector {
    fn get(&self, field: &str) -> &str {
        self.fields
            .get(field)
            .unwrap_or_else(|| panic!("{}: no field {field}", self.name))
    }
    fn hex(&self, field: &str) -> Vec<u8> {
        base16ct::lower::decode_vec(self.get(field)).unwrap()
    }
}

fn vectors() -> Vec<Vector> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let fields = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once(": "))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        out.push(Vector {
            name: path.display().to_string(),
            fields,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn cipher(name: &str) -> Cipher {
    Cipher::ALL.into_iter().find(|c| c.name() == name).unwrap()
}

#[test]
fn vectors_cover_both_ciphers() {
    let v = vectors();
    assert_eq!(v.len(), 5);
    for c in Cipher::ALL {
        assert!(v.iter().any(|v| v.get("cipher") == c.name()));
    }
}

#[test]
fn fixed_key_and_salt_give_exactly_the_vector_bytes() {
    for v in vectors() {
        let key = Key::from_text(v.get("key").as_bytes()).unwrap();
        let salt: [u8; 32] = v.hex("salt").try_into().unwrap();
        let chunk: u32 = v.get("chunk_size").parse().unwrap();
        let plaintext = v.hex("plaintext");
        let expected = v.hex("stream");
        for threads in [1, 3] {
            let mut stream = Vec::new();
            Encryptor::with_salt(&key, cipher(v.get("cipher")), chunk, salt)
                .unwrap()
                .encrypt(Cursor::new(plaintext.clone()), &mut stream, threads)
                .unwrap();
            assert!(
                stream == expected,
                "{}: bytes differ (threads {threads})",
                v.name
            );
        }
        let mut input = Cursor::new(expected);
        let dec = Decryptor::new(&key, &mut input).unwrap();
        let mut out = Vec::new();
        dec.decrypt(input, &mut out, 2).unwrap();
        assert!(out == plaintext, "{}: plaintext differs", v.name);
    }
}

#[test]
fn format_doc_worked_example_is_what_seal_writes() {
    let doc = include_str!("../docs/FORMAT.md");
    let dump: String = doc
        .lines()
        .filter_map(|l| l.strip_prefix("00").and_then(|rest| rest.split_once(": ")))
        .map(|(_, bytes)| bytes.replace(' ', ""))
        .collect();
    let example = vectors()
        .into_iter()
        .find(|v| v.name.ends_with("aes-256-gcm-worked-example.txt"))
        .unwrap();
    assert_eq!(dump.len(), 2 * 205);
    assert_eq!(dump, example.get("stream"));
    assert!(doc.contains(example.get("key")));
}
