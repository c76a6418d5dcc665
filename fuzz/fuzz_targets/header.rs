//! Header parsing and the key check on arbitrary bytes: must never panic, and a header that
//! parses must serialise back to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seal::format::{HEADER_LEN, Header};
use seal::{Decryptor, Key};

fuzz_target!(|data: &[u8]| {
    if let Ok(bytes) = <[u8; HEADER_LEN]>::try_from(data.get(..HEADER_LEN).unwrap_or(&[])) {
        if let Ok(header) = Header::parse(&bytes) {
            assert_eq!(header.to_bytes(), bytes);
        }
    }
    let key = Key::from_bytes([0x42; 32]);
    let mut input = data;
    let _ = Decryptor::new(&key, &mut input);
});
