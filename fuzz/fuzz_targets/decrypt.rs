//! Whole-stream decryption of arbitrary bytes under a fixed key (the key of the seed corpus).
//!
//! Must never panic or hang, and must stay within libFuzzer's memory limits. A stream that is
//! accepted must be the canonical encoding of its plaintext: encrypting that plaintext again
//! with the header's salt, cipher and chunk size gives back exactly the input.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use seal::{Decryptor, Encryptor, Key};

fuzz_target!(|data: &[u8]| {
    // The first byte picks the thread count, so the pool is fuzzed too.
    let Some((&knob, stream)) = data.split_first() else {
        return;
    };
    let threads = 1 + usize::from(knob % 3);
    let key = Key::from_bytes([0x42; 32]);
    let mut input = Cursor::new(stream.to_vec());
    let Ok(decryptor) = Decryptor::new(&key, &mut input) else {
        return;
    };
    let header = decryptor.header().clone();
    let mut plain = Vec::new();
    if decryptor.decrypt(input, &mut plain, threads).is_ok() {
        let mut again = Vec::new();
        Encryptor::insecure_with_salt(&key, header.cipher(), header.chunk_size(), *header.salt())
            .unwrap()
            .encrypt(Cursor::new(plain), &mut again, 1)
            .unwrap();
        assert!(again == stream, "accepted a stream that is not canonical");
    }
});
