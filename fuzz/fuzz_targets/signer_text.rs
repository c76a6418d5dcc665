//! Signer texts on arbitrary bytes: signer files, public keys and fingerprints, allowed-signers
//! files. Must never panic; a public key that parses prints back to the same text up to case,
//! and a signer file that parses gives a secret whose own file text parses to the same key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seal::{AllowedSigner, AllowedSigners, SignerPublic, SignerSecret};

fuzz_target!(|data: &[u8]| {
    if let Ok(signer) = SignerSecret::from_text(data) {
        let again = SignerSecret::from_text(signer.to_file_text().as_bytes()).unwrap();
        assert_eq!(again.public(), signer.public());
    }
    let _ = SignerSecret::from_reader(data);
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(public) = SignerPublic::from_text(text) {
            assert!(public.to_text().eq_ignore_ascii_case(text));
        }
        if let Ok(AllowedSigner::Key(key)) = AllowedSigner::from_text(text) {
            assert!(key.to_text().eq_ignore_ascii_case(text));
        }
    }
    let mut list = AllowedSigners::new();
    let _ = list.add_file(data);
});
