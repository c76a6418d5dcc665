//! Identity files on arbitrary bytes: seal's and age's identity lines with comments, blank
//! lines and CRLF, and OpenSSH private keys (issue 17). Must never panic; every identity read
//! has a recipient, and a seal or age identity's text reads back to the same secret.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seal::{Identity, IdentityText};

fuzz_target!(|data: &[u8]| {
    if let Ok(IdentityText::Identities(ids)) = Identity::parse_file(data) {
        for id in ids {
            let _ = id.recipient();
            // An SSH identity has no text of its own (it comes from its OpenSSH key file).
            if let Some(text) = id.to_text() {
                let again = Identity::from_text(text.as_bytes()).expect("its own text parses");
                assert_eq!(again.as_bytes(), id.as_bytes());
            }
        }
    }
});
