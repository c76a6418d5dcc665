//! Whole decryption of arbitrary bytes under `--signed-by` semantics, with a fixed key and an
//! allowed Ed25519 signer: header parsing, the signature block, the trailer held back from the
//! frames (one pass, and two passes over a seekable input), the signature check. Must never
//! panic, and never release a byte unless the whole stream verified (a fuzzer cannot sign for
//! the fixed signer, so every verifying path must fail with nothing written).
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use seal::{AllowedSigner, AllowedSigners, Decryptor, Key, SignatureKind, SignerSecret};

fuzz_target!(|data: &[u8]| {
    let key = Key::from_bytes([0x42; 32]);
    let signer = SignerSecret::from_seed(SignatureKind::Ed25519, &[7; 32]);
    let mut allowed = AllowedSigners::new();
    allowed
        .push(AllowedSigner::Key(signer.public().clone()), None)
        .unwrap();
    let verifying = Decryptor::new(Cursor::new(data.to_vec()))
        .and_then(|d| d.require_signers(&allowed))
        .and_then(|v| v.unlock(&key));
    if let Ok(stream) = verifying {
        let mut out = Vec::new();
        let result = stream.threads(2).decrypt_verified(&mut out);
        assert!(result.is_err() && out.is_empty(), "unsigned bytes released");
    }
    // Without required signers: the one-pass path, the signature checked at the end.
    if let Ok(stream) = Decryptor::new(Cursor::new(data.to_vec())).and_then(|d| d.unlock(&key)) {
        let mut out = Vec::new();
        let _ = stream.threads(2).decrypt_to(&mut out);
    }
});
