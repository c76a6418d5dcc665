//! Recipient text (`-r`, a line of `-R`) on arbitrary input: seal's, age's and OpenSSH
//! public-key lines with authorized_keys options (issue 17). Must never panic; a text that is
//! accepted gives a recipient whose own text is accepted again as the same recipient.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seal::Recipient;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(recipient) = Recipient::from_text(text) {
        let again = Recipient::from_text(&recipient.to_text()).expect("its own text parses");
        assert_eq!(again, recipient);
    }
});
