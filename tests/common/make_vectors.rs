//! The known-answer vectors of tests/vectors/: every vector's inputs (in one place) and the
//! text of its file. tests/vectors.rs checks that the files are exactly what this writes, and
//! rewrites them when asked, only for a deliberate format change:
//! `SEAL_WRITE_VECTORS=1 cargo test --test vectors`. tests/independent_decoder.py then checks
//! them against docs/FORMAT.md.

use std::fmt::Write as _;
use std::io::Cursor;
use std::time::Duration;

use seal::{
    Argon2Params, Cipher, Encryptor, Identity, Key, Passphrase, Position, Recipient, RecipientKind,
};
use zeroize::Zeroizing;

use crate::common::{LIVE_FRAME_OVERHEAD, enc_pass_salted, enc_salted};

/// A vector's file name (without `.txt`) and its text.
pub type VectorFile = (&'static str, String);

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
    /// For a live stream (version 2): the plaintext length of every frame, the last one final.
    frames: Option<&'static [usize]>,
}

/// Seals a live stream frame by frame, with the frame lengths given (a live encoder cuts
/// frames by time, so a vector fixes them instead).
pub fn seal_live(encryptor: Encryptor, plaintext: &[u8], frames: &[usize]) -> Vec<u8> {
    assert_eq!(frames.iter().sum::<usize>(), plaintext.len());
    let encryptor = encryptor.max_delay(Duration::ZERO);
    let (stream_header, mut sealer) = encryptor.into_frame_sealer().unwrap();
    let mut out = stream_header.to_bytes();
    let mut at = 0;
    for (i, &len) in frames.iter().enumerate() {
        let position = if i + 1 == frames.len() {
            Position::Final
        } else {
            Position::More
        };
        let mut buf = vec![0u8; len + LIVE_FRAME_OVERHEAD];
        buf[16..16 + len].copy_from_slice(&plaintext[at..at + len]);
        let ticket = sealer.next_frame(position).unwrap();
        assert_eq!(ticket.index(), i as u64);
        let n = sealer.seal(ticket, &mut buf, len).unwrap();
        out.extend_from_slice(&buf[..n]);
        at += len;
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    base16ct::lower::encode_string(bytes)
}

/// Every vector file, in the order they are made.
pub fn generate() -> Result<Vec<VectorFile>, Box<dyn std::error::Error>> {
    let mut files = Vec::new();
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
            frames: None,
        },
        Vector {
            name: "aes-256-gcm-4-frames",
            what: "three full frames and a short final one",
            cipher: Cipher::Aes256Gcm,
            chunk: 64,
            plaintext: counting.clone(),
            secret: Secret::Key,
            frames: None,
        },
        Vector {
            name: "chacha20-poly1305-4-frames",
            what: "three full frames and a short final one",
            cipher: Cipher::ChaCha20Poly1305,
            chunk: 64,
            plaintext: counting.clone(),
            secret: Secret::Key,
            frames: None,
        },
        Vector {
            name: "aes-256-gcm-empty",
            what: "empty plaintext: one empty final frame",
            cipher: Cipher::Aes256Gcm,
            chunk: 1024,
            plaintext: Vec::new(),
            secret: Secret::Key,
            frames: None,
        },
        Vector {
            name: "chacha20-poly1305-full-final",
            what: "two full frames, the second final",
            cipher: Cipher::ChaCha20Poly1305,
            chunk: 100,
            plaintext: vec![0xA5; 200],
            secret: Secret::Key,
            frames: None,
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
            frames: None,
        },
        Vector {
            name: "chacha20-poly1305-passphrase-2-lanes",
            what: "a UTF-8 passphrase (Argon2id 256 KiB, 1 pass, 2 lanes), one full final frame",
            cipher: Cipher::ChaCha20Poly1305,
            chunk: 100,
            plaintext: vec![0x5A; 100],
            secret: Secret::Passphrase("pässwörd ✓ 🔑", Argon2Params::new(256, 1, 2)?),
            frames: None,
        },
        Vector {
            name: "aes-256-gcm-live-worked-example",
            what: "the live worked example of docs/FORMAT.md: two short lines, then input ends",
            cipher: Cipher::Aes256Gcm,
            chunk: 64,
            plaintext: b"live line 1\nline 2\n".to_vec(),
            secret: Secret::Key,
            frames: Some(&[12, 7, 0]),
        },
        Vector {
            name: "chacha20-poly1305-live",
            what: "a live stream: frames of 1, 64 (a whole chunk) and 30 bytes, a final frame of 10",
            cipher: Cipher::ChaCha20Poly1305,
            chunk: 64,
            plaintext: counting[..105].to_vec(),
            secret: Secret::Key,
            frames: Some(&[1, 64, 30, 10]),
        },
        Vector {
            name: "aes-256-gcm-live-passphrase",
            what: "a live passphrase stream (Argon2id 64 KiB, 2 passes, 1 lane): 3 bytes, then a full final frame",
            cipher: Cipher::Aes256Gcm,
            chunk: 64,
            plaintext: counting[..67].to_vec(),
            secret: Secret::Passphrase(
                "correct horse battery staple",
                Argon2Params::new(64, 2, 1)?,
            ),
            frames: Some(&[3, 64]),
        },
    ];
    for v in vectors {
        let mut stream = Vec::new();
        let encryptor = match &v.secret {
            Secret::Key => enc_salted(&key, v.cipher, v.chunk, salt)?,
            Secret::Passphrase(text, params) => {
                let pass = Passphrase::new(Zeroizing::new(text.as_bytes().to_vec()))?;
                enc_pass_salted(&pass, *params, v.cipher, v.chunk, salt)?
            }
        };
        match v.frames {
            None => {
                encryptor
                    .threads(1)
                    .encrypt(Cursor::new(v.plaintext.clone()), &mut stream)?;
            }
            Some(frames) => stream = seal_live(encryptor, &v.plaintext, frames),
        }
        let mut out = String::new();
        match v.frames {
            None => writeln!(out, "# seal v1 known-answer vector: {}", v.what)?,
            Some(_) => writeln!(
                out,
                "# seal live (version 2) known-answer vector: {}",
                v.what
            )?,
        }
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
        if let Some(frames) = v.frames {
            let lengths: Vec<String> = frames.iter().map(usize::to_string).collect();
            writeln!(out, "frames: {}", lengths.join(","))?;
        }
        writeln!(out, "plaintext: {}", hex(&v.plaintext))?;
        writeln!(out, "stream: {}", hex(&stream))?;
        files.push((v.name, out));
    }
    files.extend(recipient_vectors(salt)?);
    files.extend(signed_vectors(&key, salt)?);
    Ok(files)
}

/// The signed vectors (format version 3) in tests/vectors/signed/: the worked example signed
/// by an Ed25519 signer (docs/FORMAT.md shows its hex dump) and by a hybrid one, signer seed
/// `80 81 … 9f`, ML-DSA randomness `e0 e1 … ff`, comment "app 1.0".
fn signed_vectors(
    key: &Key,
    salt: [u8; 32],
) -> Result<Vec<VectorFile>, Box<dyn std::error::Error>> {
    use seal::{SignatureKind, SignerSecret};
    let seed = counting_from(0x80);
    let rnd = counting_from(0xe0);
    let text = b"seal v1 worked example: 64 bytes fill frame 0; the last 6 go in frm 1.".to_vec();
    let mut files = Vec::new();
    for (name, kind) in [
        ("signed/aes-256-gcm-signed-ed25519", SignatureKind::Ed25519),
        (
            "signed/aes-256-gcm-signed-mldsa65-ed25519",
            SignatureKind::MlDsa65Ed25519,
        ),
    ] {
        let signer = SignerSecret::from_seed(kind, &seed);
        let mut stream = Vec::new();
        Encryptor::with_key(key)?
            .chunk_size(64)
            .insecure_fixed_salt(salt)?
            .sign(&signer, "app 1.0")?
            .insecure_fixed_signing_randomness(rnd)
            .encrypt(Cursor::new(text.clone()), &mut stream)?;
        let mut out = String::new();
        writeln!(
            out,
            "# seal signed known-answer vector: the worked example of docs/FORMAT.md, signed ({})",
            kind.description()
        )?;
        writeln!(out, "cipher: aes-256-gcm")?;
        writeln!(out, "key: {}", key.to_text().trim_end())?;
        writeln!(out, "salt: {}", hex(&salt))?;
        writeln!(out, "chunk_size: 64")?;
        writeln!(out, "signature_kind: {}", kind.name())?;
        writeln!(out, "signer_seed: {}", hex(&seed))?;
        writeln!(out, "signer_public: {}", signer.public())?;
        writeln!(out, "mldsa_rnd: {}", hex(&rnd))?;
        writeln!(out, "comment: {}", hex(b"app 1.0"))?;
        writeln!(out, "plaintext: {}", hex(&text))?;
        writeln!(out, "stream: {}", hex(&stream))?;
        files.push((name, out));
    }
    Ok(files)
}

/// 32 bytes counting up from `first`.
fn counting_from(first: u8) -> [u8; 32] {
    std::array::from_fn(|i| first.wrapping_add(i as u8))
}

/// The recipient vectors: fixed identities (secrets counting from 0x40, 0x60 and 0x80; an SSH
/// identity's is its Ed25519 seed, written `ssh-ed25519-seed HEX`), file key (from 0xa0) and
/// HPKE randomness (from 0xc0: 64 bytes per X-Wing recipient, 32 per X25519 or SSH one, in
/// stanza order). Mixed vectors are made with the mix allowed on purpose.
fn recipient_vectors(salt: [u8; 32]) -> Result<Vec<VectorFile>, Box<dyn std::error::Error>> {
    let mut files = Vec::new();
    use RecipientKind::{MlKem768X25519 as Pq, SshEd25519 as Ssh, X25519};
    let example =
        b"seal v1 worked example: 64 bytes fill frame 0; the last 6 go in frm 1.".to_vec();
    /// File name, description, cipher, identities (kind, first secret byte), plaintext.
    type Spec = (
        &'static str,
        &'static str,
        Cipher,
        &'static [(RecipientKind, u8)],
        Vec<u8>,
    );
    let specs: [Spec; 5] = [
        (
            "chacha20-poly1305-recipient-x25519",
            "the recipient worked example of docs/FORMAT.md: one X25519 recipient",
            Cipher::ChaCha20Poly1305,
            &[(X25519, 0x60)],
            example.clone(),
        ),
        (
            "aes-256-gcm-recipient-pq",
            "one ML-KEM-768 + X25519 (X-Wing) recipient",
            Cipher::Aes256Gcm,
            &[(Pq, 0x40)],
            example,
        ),
        (
            "aes-256-gcm-recipients-3",
            "three recipients (X-Wing, X25519, X-Wing); each identity decrypts",
            Cipher::Aes256Gcm,
            &[(Pq, 0x40), (X25519, 0x60), (Pq, 0x80)],
            (0..150u8).collect(),
        ),
        (
            "chacha20-poly1305-recipient-ssh-ed25519",
            "the SSH recipient worked example of docs/FORMAT.md: one ssh-ed25519 recipient",
            Cipher::ChaCha20Poly1305,
            &[(Ssh, 0x80)],
            b"seal v1 worked example: 64 bytes fill frame 0; the last 6 go in frm 1.".to_vec(),
        ),
        (
            "aes-256-gcm-recipients-mixed",
            "one recipient of each kind (X-Wing, X25519, SSH Ed25519); each identity decrypts",
            Cipher::Aes256Gcm,
            &[(Pq, 0x40), (X25519, 0x60), (Ssh, 0x80)],
            (0..150u8).collect(),
        ),
    ];
    let file_key = Key::from_bytes(counting_from(0xa0));
    for (name, what, cipher, ids, plaintext) in specs {
        let identities: Vec<Identity> = ids
            .iter()
            .map(|&(kind, first)| match kind {
                Ssh => Ok(Identity::from_ssh_seed(&counting_from(first))),
                _ => Identity::from_bytes(kind, counting_from(first)),
            })
            .collect::<Result<_, _>>()?;
        let recipients: Vec<Recipient> = identities.iter().map(Identity::recipient).collect();
        let used: usize = ids
            .iter()
            .map(|(kind, _)| if *kind == Pq { 64 } else { 32 })
            .sum();
        let randomness: Vec<u8> = (0..used).map(|i| 0xc0u8.wrapping_add(i as u8)).collect();
        let mut stream = Vec::new();
        Encryptor::with_recipients_allowing_classical_mix(&recipients)?
            .cipher(cipher)
            .chunk_size(64)
            .insecure_fixed_salt(salt)?
            .insecure_fixed_file_key(&file_key, &randomness)?
            .threads(1)
            .encrypt(Cursor::new(plaintext.clone()), &mut stream)?;
        let mut out = String::new();
        writeln!(out, "# seal v1 known-answer vector: {what}")?;
        writeln!(out, "cipher: {}", cipher.name())?;
        for (i, (id, r)) in identities.iter().zip(&recipients).enumerate() {
            match id.to_text() {
                Some(text) => write!(out, "identity_{}: {}", i + 1, text.as_str())?,
                // An SSH identity has no text: its seed stands for its OpenSSH key file.
                None => writeln!(
                    out,
                    "identity_{}: ssh-ed25519-seed {}",
                    i + 1,
                    hex(&counting_from(ids[i].1))
                )?,
            }
            writeln!(out, "recipient_{}: {r}", i + 1)?;
        }
        writeln!(out, "file_key: {}", hex(file_key.as_bytes()))?;
        writeln!(out, "hpke_randomness: {}", hex(&randomness))?;
        writeln!(out, "salt: {}", hex(&salt))?;
        writeln!(out, "chunk_size: 64")?;
        writeln!(out, "plaintext: {}", hex(&plaintext))?;
        writeln!(out, "stream: {}", hex(&stream))?;
        files.push((name, out));
    }
    Ok(files)
}
