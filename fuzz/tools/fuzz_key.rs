//! Prints, for the seed corpus script fuzz/make_seeds.sh (`cargo run --manifest-path
//! fuzz/Cargo.toml --bin fuzz_key [ARG]`), the key text of the fixed key the fuzz targets use
//! (0x42 × 32); with `ed25519` or `mldsa65-ed25519`, the signer file of `signed_decode`'s
//! allowed signer of that kind (from the seed 7 × 32 or 8 × 32); with `protected-ed25519` or
//! `protected-mldsa65-ed25519`, that signer's file protected by the passphrase `signer_text`
//! tries ("fuzz") at the cheapest Argon2id cost (8 KiB, one pass). Not a fuzz target.

use seal::{Argon2Params, Passphrase, SignatureKind, SignerFile, SignerSecret, Zeroizing};

fn main() {
    let arg = std::env::args().nth(1);
    let (kind, protected) = match arg.as_deref() {
        None => {
            print!("{}", seal::Key::from_bytes([0x42; 32]).to_text().as_str());
            return;
        }
        Some("ed25519") => (SignatureKind::Ed25519, false),
        Some("mldsa65-ed25519") => (SignatureKind::MlDsa65Ed25519, false),
        Some("protected-ed25519") => (SignatureKind::Ed25519, true),
        Some("protected-mldsa65-ed25519") => (SignatureKind::MlDsa65Ed25519, true),
        Some(other) => {
            eprintln!("fuzz_key: unknown argument {other:?}");
            std::process::exit(2);
        }
    };
    let seed = match kind {
        SignatureKind::Ed25519 => [7; 32],
        _ => [8; 32],
    };
    let signer = SignerSecret::from_seed(kind, &seed);
    if !protected {
        print!("{}", signer.to_file_text().as_str());
        return;
    }
    let pass = Passphrase::new(Zeroizing::new(b"fuzz".to_vec())).unwrap();
    let text = signer
        .to_protected_file_text(&pass, Argon2Params::new(8, 1, 1).unwrap())
        .unwrap();
    // The text must open with that passphrase, or signer_text never reaches its unlock.
    match SignerFile::from_text(text.as_bytes()).unwrap() {
        SignerFile::Protected(locked) => {
            assert_eq!(locked.unlock(&pass).unwrap().public(), signer.public())
        }
        SignerFile::Plain(_) => panic!("protected text read as plain"),
    }
    print!("{}", text.as_str());
}
