//! Armor parsing on arbitrary text: must never panic, and whatever it accepts must be what
//! armoring its output again gives, up to the line endings and blank lines it tolerates.
#![no_main]

use std::io::{Read, Write};

use libfuzzer_sys::fuzz_target;
use seal::armor::{ArmorWriter, Dearmor};

fuzz_target!(|data: &[u8]| {
    let mut out = Vec::new();
    if Dearmor::new(data).read_to_end(&mut out).is_ok() {
        let mut writer = ArmorWriter::new(Vec::new());
        writer.write_all(&out).unwrap();
        let canonical = writer.finish().unwrap();
        let relaxed: Vec<u8> = data.iter().copied().filter(|&b| b != b'\r').collect();
        let relaxed = String::from_utf8_lossy(&relaxed);
        let trimmed: Vec<&str> = relaxed
            .lines()
            .filter(|l| !l.chars().all(|c| c == ' ' || c == '\t'))
            .collect();
        assert_eq!(trimmed.join("\n") + "\n", String::from_utf8_lossy(&canonical));
    }
});
