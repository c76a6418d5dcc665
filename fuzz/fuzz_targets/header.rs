//! Header parsing and the key check on arbitrary bytes: must never panic, and a header that
//! parses must serialise back to the bytes it was parsed from. (A passphrase header stops at
//! the key-kind check here: stretching is Argon2id's own business, and its cost is bounded by
//! the parse this target exercises.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use seal::format::Header;
use seal::{Decryptor, Key};

fuzz_target!(|data: &[u8]| {
    if let Ok(header) = Header::parse(data) {
        assert_eq!(header.to_bytes(), data[..header.len()]);
    }
    let key = Key::from_bytes([0x42; 32]);
    let mut input = data;
    let _ = Decryptor::new(&key, &mut input);
});
