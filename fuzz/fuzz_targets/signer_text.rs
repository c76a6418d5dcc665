//! Signer texts on arbitrary bytes: signer files, public keys and fingerprints, allowed-signers
//! files. Must never panic; a public key that parses prints back to the same text up to case,
//! and a signer file that parses gives a secret whose own file text parses to the same key. A
//! passphrase-protected one parses only with its Argon2id cost within bounds, and (when cheap
//! enough to try) refuses a wrong passphrase or opens to a secret that protects again. The
//! passphrases tried are "fuzz" and the known-answer vectors' (the protected seeds of
//! fuzz/make_seeds.sh), so that the opening path is reached, not only the refusal.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seal::{
    AllowedSigner, AllowedSigners, Argon2Params, Passphrase, SignerFile, SignerPublic,
    SignerSecret, Zeroizing,
};

/// The passphrases tried on a protected text: the fuzzer's own, and the one of the
/// known-answer vectors in tests/vectors/signer-files/.
const PASSPHRASES: [&[u8]; 2] = [b"fuzz", b"correct horse battery staple"];

fuzz_target!(|data: &[u8]| {
    if let Ok(signer) = SignerSecret::from_text(data) {
        let again = SignerSecret::from_text(signer.to_file_text().as_bytes()).unwrap();
        assert_eq!(again.public(), signer.public());
    }
    let _ = SignerSecret::from_reader(data);
    if let Ok(SignerFile::Protected(locked)) = SignerFile::from_text(data) {
        let p = locked.params();
        assert!(p.memory_kib() <= Argon2Params::MAX_MEMORY_KIB);
        // Argon2id only at a cost a fuzzer can afford.
        if u64::from(p.memory_kib()) * u64::from(p.passes()) <= 64 {
            for pass in PASSPHRASES {
                let pass = Passphrase::new(Zeroizing::new(pass.to_vec())).unwrap();
                if let Ok(signer) = locked.unlock(&pass) {
                    let cheap = Argon2Params::new(8, 1, 1).unwrap();
                    let text = signer.to_protected_file_text(&pass, cheap).unwrap();
                    match SignerFile::from_text(text.as_bytes()).unwrap() {
                        SignerFile::Protected(again) => {
                            assert_eq!(again.unlock(&pass).unwrap().public(), signer.public())
                        }
                        SignerFile::Plain(_) => panic!("protected text read as plain"),
                    }
                }
            }
        }
    }
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
