//! OpenSSH private key files whose binary body is arbitrary (issue 17): seal reads the key type
//! and the bcrypt rounds from the clear part itself, then hands the file to the `ssh-key`
//! crate. Must never panic; an encrypted key is never decrypted here (its rounds, up to 512,
//! would make each run slow), only checked to be within the bound.
#![no_main]

use base64ct::{Base64, Encoding};
use libfuzzer_sys::fuzz_target;
use seal::{Identity, IdentityText};

fuzz_target!(|data: &[u8]| {
    let mut body = b"openssh-key-v1\0".to_vec();
    body.extend_from_slice(data);
    let b64 = Base64::encode_string(&body);
    let mut text = String::from("-----BEGIN OPENSSH PRIVATE KEY-----\n");
    for line in b64.as_bytes().chunks(70) {
        text.push_str(std::str::from_utf8(line).unwrap_or(""));
        text.push('\n');
    }
    text.push_str("-----END OPENSSH PRIVATE KEY-----\n");
    if let Ok(IdentityText::EncryptedSsh(key)) = Identity::parse_file(text.as_bytes()) {
        let _ = key.public_line();
    }
});
