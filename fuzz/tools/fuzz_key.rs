//! Prints the key text of the fixed key the fuzz targets use (0x42 × 32), or with an argument
//! `ed25519` or `mldsa65-ed25519` the signer file of `signed_decode`'s allowed signer of that
//! kind (from the seed 7 × 32 or 8 × 32), for the seed corpus script fuzz/make_seeds.sh
//! (`cargo run --manifest-path fuzz/Cargo.toml --bin fuzz_key [KIND]`). Not a fuzz target.

use seal::{SignatureKind, SignerSecret};

fn main() {
    match std::env::args().nth(1).as_deref() {
        None => print!("{}", seal::Key::from_bytes([0x42; 32]).to_text().as_str()),
        Some("ed25519") => signer(SignatureKind::Ed25519, [7; 32]),
        Some("mldsa65-ed25519") => signer(SignatureKind::MlDsa65Ed25519, [8; 32]),
        Some(other) => {
            eprintln!("fuzz_key: unknown signer kind {other:?}");
            std::process::exit(2);
        }
    }
}

fn signer(kind: SignatureKind, seed: [u8; 32]) {
    print!(
        "{}",
        SignerSecret::from_seed(kind, &seed).to_file_text().as_str()
    );
}
