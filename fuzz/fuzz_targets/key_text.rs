//! Key-file parsing on arbitrary bytes: must never panic, and a key that parses must print
//! back to the same text (up to the line ending).
#![no_main]

use libfuzzer_sys::fuzz_target;
use seal::Key;

fuzz_target!(|data: &[u8]| {
    if let Ok(key) = Key::from_text(data) {
        let text = key.to_text();
        let line = data
            .strip_suffix(b"\n")
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
        assert_eq!(text.trim_end().as_bytes(), line.unwrap_or(data));
    }
    let _ = Key::from_reader(data);
});
