//! Key-file, identity and recipient parsing on arbitrary bytes: must never panic, and a key or
//! identity that parses must print back to the same text (up to the line ending; an identity
//! may also be followed by whitespace), a recipient to the same text up to case.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seal::{Identity, Key, Recipient};

fuzz_target!(|data: &[u8]| {
    if let Ok(key) = Key::from_text(data) {
        let text = key.to_text();
        let line = data
            .strip_suffix(b"\n")
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
        assert_eq!(text.trim_end().as_bytes(), line.unwrap_or(data));
    }
    let _ = Key::from_reader(data);
    if let Ok(identity) = Identity::from_text(data) {
        let text = identity.to_text();
        assert_eq!(text.trim_end().as_bytes(), data.trim_ascii_end());
    }
    let _ = Identity::from_reader(data);
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(recipient) = Recipient::from_text(text) {
            assert!(recipient.to_text().eq_ignore_ascii_case(text));
        }
    }
});
