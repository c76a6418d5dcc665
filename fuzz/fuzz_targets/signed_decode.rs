//! Whole decryption of arbitrary bytes under `--signed-by` semantics, with a fixed key and two
//! allowed signers (Ed25519 and the hybrid, from fixed seeds: fuzz/make_seeds.sh signs the seed
//! corpus with them, so the fuzzer starts from streams that verify): header parsing, the
//! signature block, the trailer held back from the frames, the keyless check, both passes over
//! a seekable input, the spooled passes, the verified reader, and the one-pass check without
//! required signers. Must never panic, never release a byte from a verifying path unless the
//! signature verified, and every path that succeeds must give the same plaintext.
#![no_main]

use std::fs::File;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use seal::{AllowedSigner, AllowedSigners, Decryptor, Key, SignatureKind, SignerSecret, Verifying};

/// The allowed signers, and whose seeds fuzz/tools/fuzz_key.rs prints as signer files.
const SIGNERS: [(SignatureKind, [u8; 32]); 2] = [
    (SignatureKind::Ed25519, [7; 32]),
    (SignatureKind::MlDsa65Ed25519, [8; 32]),
];

fn allowed() -> &'static AllowedSigners {
    static ALLOWED: OnceLock<AllowedSigners> = OnceLock::new();
    ALLOWED.get_or_init(|| {
        let mut allowed = AllowedSigners::new();
        for (kind, seed) in SIGNERS {
            let signer = SignerSecret::from_seed(kind, &seed);
            allowed
                .push(AllowedSigner::Key(signer.public().clone()), None)
                .unwrap();
        }
        allowed
    })
}

/// An empty unnamed file for `decrypt_spooled` (one per process, emptied for each input).
fn spool() -> File {
    static SPOOL: OnceLock<File> = OnceLock::new();
    let file = SPOOL.get_or_init(|| {
        let dir = if std::path::Path::new("/dev/shm").is_dir() {
            std::path::PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let path = dir.join(format!("seal-fuzz-spool-{}", std::process::id()));
        let file = File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .unwrap();
        std::fs::remove_file(&path).unwrap();
        file
    });
    let mut spool = file.try_clone().unwrap();
    spool.set_len(0).unwrap();
    spool.seek(SeekFrom::Start(0)).unwrap();
    spool
}

fn verifying(data: &[u8]) -> Option<Verifying<Cursor<Vec<u8>>>> {
    Decryptor::new(Cursor::new(data.to_vec()))
        .and_then(|d| d.require_signers(allowed()))
        .ok()
}

fuzz_target!(|data: &[u8]| {
    let key = Key::from_bytes([0x42; 32]);

    // Without required signers: the one-pass path, the signature checked at the end (the
    // plaintext goes out as it is opened, so nothing is asserted of `out` on failure).
    let mut one_pass = Vec::new();
    let one_pass_ok = Decryptor::new(Cursor::new(data.to_vec()))
        .and_then(|d| d.unlock(&key))
        .and_then(|s| s.threads(1).decrypt_to(&mut one_pass))
        .is_ok();

    let Some(v) = verifying(data) else {
        return;
    };
    // The keyless check (no key: hashes the frames as stored, checks the signature).
    let keyless_ok = v.verify_signature(2).is_ok();

    // Two passes over the seekable input.
    let Ok(unlocked) = verifying(data).unwrap().unlock(&key) else {
        return;
    };
    let mut verified = Vec::new();
    let verified_ok = unlocked.threads(2).decrypt_verified(&mut verified).is_ok();
    assert!(
        verified_ok || verified.is_empty(),
        "decrypt_verified released unverified bytes"
    );
    assert!(
        !verified_ok || keyless_ok,
        "decrypt_verified accepted what the keyless check refused"
    );
    assert_eq!(
        verified_ok, one_pass_ok,
        "the one-pass and two-pass checks disagree"
    );
    if verified_ok {
        assert_eq!(
            verified, one_pass,
            "the one-pass and two-pass plaintexts differ"
        );
    }

    // The spooled passes (an input that does not seek).
    let mut spooled = Vec::new();
    let spooled_ok = verifying(data)
        .unwrap()
        .unlock(&key)
        .unwrap()
        .threads(3)
        .decrypt_spooled(spool(), &mut spooled)
        .is_ok();
    assert!(
        spooled_ok || spooled.is_empty(),
        "decrypt_spooled released unverified bytes"
    );
    assert_eq!(
        spooled_ok, verified_ok,
        "the spooled and seeking passes disagree"
    );
    assert_eq!(spooled, verified);

    // The verified reader: made only once the signature verified; read in order, then a seek
    // to the middle reads the rest.
    if let Ok(mut reader) = verifying(data)
        .unwrap()
        .unlock(&key)
        .unwrap()
        .verified_reader()
    {
        assert!(
            keyless_ok,
            "verified_reader made for a signature the keyless check refused"
        );
        let mut read = Vec::new();
        if reader.read_to_end(&mut read).is_ok() {
            assert!(
                verified_ok,
                "verified_reader read a stream decrypt_verified refused"
            );
            assert_eq!(read, verified);
            let mid = read.len() / 2;
            let mut rest = Vec::new();
            reader.seek(SeekFrom::Start(mid as u64)).unwrap();
            reader.read_to_end(&mut rest).unwrap();
            assert_eq!(rest, read[mid..]);
        }
    }
});
