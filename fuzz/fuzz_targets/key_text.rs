//! Key-file, identity and recipient parsing on arbitrary bytes: must never panic, and a key or
//! identity that parses must print back to the same text up to the trailing spaces, tabs and
//! line endings both may end in; a recipient to the same text up to case.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seal::{Identity, Key, Recipient};

fuzz_target!(|data: &[u8]| {
    let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let end = data.iter().rposition(|b| !space(b)).map_or(0, |i| i + 1);
    let line = &data[..end];
    if let Ok(key) = Key::from_text(data) {
        assert_eq!(key.to_text().trim_end().as_bytes(), line);
    }
    let _ = Key::from_reader(data);
    if let Ok(identity) = Identity::from_text(data) {
        let text = identity.to_text().expect("an identity read from text has a text");
        assert_eq!(text.trim_end().as_bytes(), line);
    }
    let _ = Identity::from_reader(data);
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(recipient) = Recipient::from_text(text) {
            assert!(recipient.to_text().eq_ignore_ascii_case(text));
        }
    }
});
