//! Known-answer vectors: a fixed key and salt must give exactly the bytes in tests/vectors/,
//! and those bytes must decrypt to the plaintext. Any change to the format breaks this test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test panics to report its failure"
)]

mod common;
#[path = "common/make_vectors.rs"]
mod make_vectors;
#[allow(unused_imports)]
use common::{enc_key, enc_pass, enc_pass_salted, enc_salted, enc_to, enc_to_fixed};

use std::collections::BTreeMap;
use std::io::{self, Cursor, Read};
use std::time::Duration;

use make_vectors::seal_live;
use seal::{
    Argon2Params, Cipher, Decryptor, Encryptor, Error, Framing, Identity, Key, KeyKind, Passphrase,
    Recipient, Secret,
};
use zeroize::Zeroizing;

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
    /// An encryptor with the vector's secret, cipher, chunk size and fixed salt.
    fn encryptor(&self) -> Encryptor {
        let salt: [u8; 32] = self.hex("salt").try_into().unwrap();
        let chunk: u32 = self.get("chunk_size").parse().unwrap();
        let cipher = cipher(self.get("cipher"));
        self.secret().encryptor(cipher, chunk, salt).unwrap()
    }
}

fn vectors() -> Vec<Vector> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            // tests/vectors/signed/ and primitives/: tests/signing_vectors.rs reads them.
            continue;
        }
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

/// The vector whose file name ends with `file`.
fn vector(file: &str) -> Vector {
    vectors()
        .into_iter()
        .find(|v| v.name.ends_with(file))
        .unwrap_or_else(|| panic!("no vector file {file}"))
}

fn cipher(name: &str) -> Cipher {
    Cipher::ALL.into_iter().find(|c| c.name() == name).unwrap()
}

#[test]
fn vectors_cover_both_ciphers_and_both_key_kinds() {
    let v = vectors();
    assert_eq!(v.len(), 15);
    for c in Cipher::ALL {
        assert!(v.iter().any(|v| v.get("cipher") == c.name()));
    }
    assert_eq!(v.iter().filter(|v| v.fields.contains_key("key")).count(), 7);
    assert_eq!(
        v.iter()
            .filter(|v| v.fields.contains_key("passphrase"))
            .count(),
        3
    );
    let live: Vec<&Vector> = v
        .iter()
        .filter(|v| v.fields.contains_key("frames"))
        .collect();
    assert_eq!(live.len(), 3);
    assert!(live.iter().any(|v| v.fields.contains_key("passphrase")));
    assert_eq!(
        v.iter()
            .filter(|v| v.fields.contains_key("identity_1"))
            .count(),
        5
    );
}

impl Vector {
    /// A recipient vector's identities, with the recipient each is for.
    fn identities(&self) -> Vec<(Identity, Recipient)> {
        (1..)
            .map_while(|i| {
                let id = self.fields.get(&format!("identity_{i}"))?;
                let r = self.get(&format!("recipient_{i}"));
                // An SSH identity is written as its Ed25519 seed (FORMAT.md's vectors).
                let identity = match id.strip_prefix("ssh-ed25519-seed ") {
                    Some(seed) => Identity::from_ssh_seed(
                        &base16ct::lower::decode_vec(seed)
                            .unwrap()
                            .try_into()
                            .unwrap(),
                    ),
                    None => Identity::from_text(id.as_bytes()).unwrap(),
                };
                Some((identity, r.parse::<Recipient>().unwrap()))
            })
            .collect()
    }
}

/// Fixed HPKE randomness that does not fit a recipient vector's recipients is refused, not
/// stretched or cut. (That the fitting randomness gives exactly the vector's bytes is
/// `fixed_secret_and_salt_give_exactly_the_vector_bytes`.)
#[test]
fn recipient_randomness_must_fit() {
    for v in vectors()
        .iter()
        .filter(|v| v.fields.contains_key("identity_1"))
    {
        let recipients: Vec<Recipient> = v.identities().into_iter().map(|(_, r)| r).collect();
        let file_key = Key::from_bytes(v.hex("file_key").try_into().unwrap());
        let randomness = v.hex("hpke_randomness");
        for wrong in [
            &randomness[1..],
            &[randomness.as_slice(), &[0]].concat()[..],
        ] {
            assert!(matches!(
                enc_to_fixed(
                    &recipients,
                    Cipher::Aes256Gcm,
                    64,
                    [0; 32],
                    &file_key,
                    wrong,
                )
                .and_then(|encryptor| encryptor.into_frame_sealer()),
                Err(Error::Random(_))
            ));
        }
    }
}

/// Each identity of a recipient vector decrypts it to the plaintext through the public API, its
/// recipient is the vector's, and another identity is refused.
#[test]
fn recipient_vectors_decrypt_with_each_identity() {
    let mut seen = 0;
    for v in vectors()
        .iter()
        .filter(|v| v.fields.contains_key("identity_1"))
    {
        let plaintext = v.hex("plaintext");
        let stream = v.hex("stream");
        let ids = v.identities();
        for (identity, recipient) in &ids {
            assert_eq!(&identity.recipient(), recipient, "{}", v.name);
            let input = Cursor::new(stream.clone());
            let decryptor = Decryptor::new(input).unwrap();
            assert_eq!(decryptor.key_kind(), KeyKind::Recipients);
            assert_eq!(decryptor.header().stanzas().len(), ids.len());
            let mut out = Vec::new();
            decryptor
                .unlock(Secret::from(identity))
                .unwrap()
                .threads(2)
                .decrypt_to(&mut out)
                .unwrap();
            assert!(out == plaintext, "{}: plaintext differs", v.name);
            seen += 1;
        }
        let stranger = match ids[0].0.kind() {
            seal::RecipientKind::SshEd25519 => Identity::from_ssh_seed(&[0x99; 32]),
            kind => Identity::from_bytes(kind, [0x99; 32]).unwrap(),
        };
        let input = Cursor::new(stream.clone());
        let decryptor = Decryptor::new(input).unwrap();
        let recipients = ids.len();
        assert!(matches!(
            decryptor.unlock(Secret::from(&stranger)),
            Err(Error::NoIdentityMatches { recipients: n, .. }) if n == recipients
        ));
    }
    assert_eq!(seen, 9);
}

/// A vector's secret: its key, or its passphrase and Argon2id cost.
enum VectorSecret {
    Key(Key),
    /// Recipients: the identities with their recipients, the file key and HPKE's randomness.
    Recipients(Vec<(Identity, Recipient)>, Key, Vec<u8>),
    Passphrase(Passphrase, Argon2Params),
}

impl Vector {
    fn secret(&self) -> VectorSecret {
        if self.fields.contains_key("identity_1") {
            return VectorSecret::Recipients(
                self.identities(),
                Key::from_bytes(self.hex("file_key").try_into().unwrap()),
                self.hex("hpke_randomness"),
            );
        }
        if self.fields.contains_key("key") {
            return VectorSecret::Key(Key::from_text(self.get("key").as_bytes()).unwrap());
        }
        let pass = Passphrase::new(Zeroizing::new(self.hex("passphrase"))).unwrap();
        let number = |field: &str| self.get(field).parse::<u32>().unwrap();
        let params = Argon2Params::new(
            number("kdf_memory_kib"),
            number("kdf_passes"),
            number("kdf_lanes"),
        )
        .unwrap();
        VectorSecret::Passphrase(pass, params)
    }

    /// The plaintext length of each frame of a live vector, the last one final.
    fn frames(&self) -> Option<Vec<usize>> {
        let list = self.fields.get("frames")?;
        Some(list.split(',').map(|n| n.parse().unwrap()).collect())
    }
}

impl VectorSecret {
    /// The encryptor of the vector, with its fixed salt (and file key and HPKE randomness).
    fn encryptor(&self, cipher: Cipher, chunk: u32, salt: [u8; 32]) -> Result<Encryptor, Error> {
        match self {
            VectorSecret::Key(key) => enc_salted(key, cipher, chunk, salt),
            VectorSecret::Passphrase(pass, params) => {
                enc_pass_salted(pass, *params, cipher, chunk, salt)
            }
            VectorSecret::Recipients(ids, file_key, randomness) => {
                let recipients: Vec<Recipient> = ids.iter().map(|(_, r)| r.clone()).collect();
                enc_to_fixed(&recipients, cipher, chunk, salt, file_key, randomness)
            }
        }
    }

    /// Unlocks `decryptor`, checking the header's key kind first (with the first identity, for
    /// recipients).
    fn unlock(&self, decryptor: Decryptor<Cursor<Vec<u8>>>) -> seal::Unlocked<Cursor<Vec<u8>>> {
        match self {
            VectorSecret::Key(key) => {
                assert_eq!(decryptor.key_kind(), KeyKind::KeyFile);
                decryptor.unlock(Secret::Key(key))
            }
            VectorSecret::Passphrase(pass, params) => {
                assert_eq!(decryptor.key_kind(), KeyKind::Passphrase(*params));
                decryptor.unlock(Secret::Passphrase(pass))
            }
            VectorSecret::Recipients(ids, _, _) => {
                assert_eq!(decryptor.key_kind(), KeyKind::Recipients);
                decryptor.unlock(Secret::from(&ids[0].0))
            }
        }
        .unwrap()
    }
}

/// Gives its pieces one `read` each.
struct Pieces(Vec<Vec<u8>>);

impl Read for Pieces {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.0.is_empty() {
            return Ok(0);
        }
        let piece = self.0.remove(0);
        assert!(piece.len() <= buf.len());
        buf[..piece.len()].copy_from_slice(&piece);
        Ok(piece.len())
    }
}

#[test]
fn fixed_secret_and_salt_give_exactly_the_vector_bytes() {
    for v in vectors() {
        let plaintext = v.hex("plaintext");
        let expected = v.hex("stream");
        let encryptor = || v.encryptor();
        match v.frames() {
            None => {
                for threads in [1, 3] {
                    let mut stream = Vec::new();
                    encryptor()
                        .threads(threads)
                        .encrypt(Cursor::new(plaintext.clone()), &mut stream)
                        .unwrap();
                    assert!(
                        stream == expected,
                        "{}: bytes differ (threads {threads})",
                        v.name
                    );
                }
            }
            Some(frames) => {
                assert!(
                    seal_live(encryptor(), &plaintext, &frames) == expected,
                    "{}",
                    v.name
                );
                // With no delay, the live encoder makes one frame per read (and an empty final
                // frame at end of input): it writes the vector's bytes when reads give its
                // frames.
                if frames.last() == Some(&0) {
                    let mut pieces = Vec::new();
                    let mut at = 0;
                    for &len in &frames[..frames.len() - 1] {
                        pieces.push(plaintext[at..at + len].to_vec());
                        at += len;
                    }
                    for threads in [1, 3] {
                        let mut stream = Vec::new();
                        encryptor()
                            .max_delay(Duration::ZERO)
                            .threads(threads)
                            .encrypt(Pieces(pieces.clone()), &mut stream)
                            .unwrap();
                        assert!(
                            stream == expected,
                            "{}: live encoder (threads {threads})",
                            v.name
                        );
                    }
                }
            }
        }
        let input = Cursor::new(expected);
        let decryptor = Decryptor::new(input).unwrap();
        let framing = match v.frames() {
            None => Framing::Fixed,
            Some(_) => Framing::Live,
        };
        assert_eq!(decryptor.header().framing(), framing);
        let dec = v.secret().unlock(decryptor);
        let mut out = Vec::new();
        dec.threads(2).decrypt_to(&mut out).unwrap();
        assert!(out == plaintext, "{}: plaintext differs", v.name);
    }
}

/// The hex dump lines (`0000: 89 53 ...`) of the part of FORMAT.md between two headings.
fn doc_dump(from: &str, to: &str) -> String {
    let doc = include_str!("../docs/FORMAT.md");
    let section = doc
        .split(from)
        .nth(1)
        .and_then(|rest| rest.split(to).next())
        .unwrap();
    section
        .lines()
        .filter_map(|l| l.split_once(": "))
        .filter(|(offset, _)| offset.len() == 4 && offset.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|(_, bytes)| bytes.replace(' ', ""))
        .collect()
}

/// Asserts that the hex dump in FORMAT.md between the headings `from` and `to` is the stream
/// of `example`, byte for byte, and `len` bytes long.
fn assert_doc_dump_is_stream(from: &str, to: &str, example: &Vector, len: usize) {
    let dump = doc_dump(from, to);
    assert_eq!(dump.len(), 2 * len, "{from}");
    assert_eq!(dump, example.get("stream"), "{from}");
}

#[test]
fn format_doc_recipient_example_is_its_vector() {
    let doc = include_str!("../docs/FORMAT.md");
    let example = vector("chacha20-poly1305-recipient-x25519.txt");
    assert_doc_dump_is_stream("### Recipient example", "## Frames", &example, 290);
    assert!(doc.contains(example.get("identity_1")));
    assert!(doc.contains(example.get("recipient_1")));
    let pq = vector("aes-256-gcm-recipient-pq.txt");
    assert!(doc.contains(pq.get("identity_1")));
    // The X-Wing values: its enc's first bytes and its commitment are the vector's.
    let section = doc.split("For the X-Wing stream").nth(1).unwrap();
    let compact: String = section.split_whitespace().collect();
    let stream = pq.get("stream");
    assert!(compact.contains(&format!("enc_first_32={}", &stream[2 * 52..2 * 84])));
    assert!(compact.contains(&format!("commitment={}", &stream[2 * 1220..2 * 1252])));
}

#[test]
fn format_doc_worked_example_is_what_seal_writes() {
    let doc = include_str!("../docs/FORMAT.md");
    let example = vector("aes-256-gcm-worked-example.txt");
    assert_doc_dump_is_stream("## Worked example", "### Passphrase example", &example, 205);
    assert!(doc.contains(example.get("key")));
}

#[test]
fn format_doc_passphrase_example_matches_its_vector() {
    let doc = include_str!("../docs/FORMAT.md");
    let section = doc
        .split("### Passphrase example")
        .nth(1)
        .and_then(|rest| rest.split("## ").next())
        .unwrap();
    let compact: String = section.split_whitespace().collect();
    let v = vector("aes-256-gcm-passphrase.txt");
    let stream = v.get("stream");
    assert!(compact.contains(&format!("bound={}", &stream[..2 * 59])));
    assert!(compact.contains(&format!("commitment={}", &stream[2 * 59..2 * 91])));
    assert_eq!(v.get("kdf_memory_kib"), "64");
    // The whole stream, byte for byte.
    assert_doc_dump_is_stream("### Passphrase example", "## ASCII armor", &v, 325);
}

#[test]
fn format_doc_armor_example_is_what_seal_writes() {
    use std::io::Write;
    let doc = include_str!("../docs/FORMAT.md");
    let begin = doc.rfind("-----BEGIN SEAL ENCRYPTED FILE-----").unwrap();
    let end_marker = "-----END SEAL ENCRYPTED FILE-----\n";
    let end = doc[begin..].find(end_marker).unwrap() + begin + end_marker.len();
    let example = vector("aes-256-gcm-worked-example.txt");
    let mut writer = seal::ArmorWriter::new(Vec::new());
    writer.write_all(&example.hex("stream")).unwrap();
    assert_eq!(
        String::from_utf8(writer.finish().unwrap()).unwrap(),
        doc[begin..end]
    );
}

#[test]
fn adapters_write_and_read_every_vector() {
    use std::io::{Read, Seek, SeekFrom, Write};
    // The adapters write and read fixed framing only (a live stream is cut by time).
    for v in vectors().into_iter().filter(|v| v.frames().is_none()) {
        let secret = v.secret();
        let plaintext = v.hex("plaintext");
        let expected = v.hex("stream");
        for threads in [1, 2, 5] {
            let mut writer = v
                .encryptor()
                .threads(threads)
                .wrap_output(Vec::new())
                .unwrap();
            for piece in plaintext.chunks(33) {
                writer.write_all(piece).unwrap();
            }
            let stream = writer.finish().unwrap();
            assert!(
                stream == expected,
                "{}: writer bytes (threads {threads})",
                v.name
            );
        }
        let open = || {
            let input = Cursor::new(expected.clone());
            let decryptor = Decryptor::new(input).unwrap();
            secret.unlock(decryptor).reader()
        };
        let mut plain = Vec::new();
        open().read_to_end(&mut plain).unwrap();
        assert!(plain == plaintext, "{}: reader plaintext", v.name);
        let mut reader = open();
        assert_eq!(reader.plaintext_len().unwrap(), plaintext.len() as u64);
        for start in 0..=plaintext.len() {
            reader.seek(SeekFrom::Start(start as u64)).unwrap();
            let mut rest = Vec::new();
            reader.read_to_end(&mut rest).unwrap();
            assert!(rest == plaintext[start..], "{}: from {start}", v.name);
        }
    }
}

#[test]
fn format_doc_live_example_is_what_seal_writes() {
    let doc = include_str!("../docs/FORMAT.md");
    let section = doc.split("## Live framing").nth(1).unwrap();
    let section = section.split("\n## ").next().unwrap();
    let dump: String = section
        .lines()
        .filter_map(|l| l.strip_prefix("00").and_then(|rest| rest.split_once(": ")))
        .map(|(_, bytes)| bytes.replace(' ', ""))
        .collect();
    let example = vector("aes-256-gcm-live-worked-example.txt");
    assert_eq!(dump.len(), 2 * 194);
    assert_eq!(dump, example.get("stream"));
    let compact: String = section.split_whitespace().collect();
    let stream = example.get("stream");
    assert!(compact.contains(&format!("commitment={}", &stream[2 * 47..2 * 79])));
}

/// tests/vectors/ holds exactly the files the generator (tests/common/make_vectors.rs, where
/// every vector's inputs are) writes, byte for byte, and no others. With SEAL_WRITE_VECTORS
/// set, it rewrites them instead: only for a deliberate format change.
#[test]
fn the_vector_files_are_what_the_generator_writes() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let files = make_vectors::generate().unwrap();
    if std::env::var_os("SEAL_WRITE_VECTORS").is_some() {
        for (name, text) in &files {
            std::fs::write(dir.join(format!("{name}.txt")), text).unwrap();
        }
        return;
    }
    let mut names: Vec<String> = files.iter().map(|(n, _)| format!("{n}.txt")).collect();
    names.sort();
    // tests/vectors/signed/ is the generator's too; tests/vectors/primitives/ holds published
    // vectors of the primitives (BLAKE3, the composite draft, ACVP, Wycheproof, speccheck),
    // copied, not made; tests/vectors/signer-files/ is rebuilt byte for byte by
    // tests/signer_files.rs.
    let mut present: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        match name.as_str() {
            "primitives" | "signer-files" => {}
            "signed" => present.extend(
                std::fs::read_dir(dir.join("signed"))
                    .unwrap()
                    .map(|e| format!("signed/{}", e.unwrap().file_name().to_string_lossy())),
            ),
            _ => present.push(name),
        }
    }
    present.sort();
    assert_eq!(present, names);
    for (name, text) in files {
        let on_disk = std::fs::read_to_string(dir.join(format!("{name}.txt"))).unwrap();
        assert!(
            on_disk == text,
            "tests/vectors/{name}.txt is not what the generator writes"
        );
    }
}
