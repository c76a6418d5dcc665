//! Header parsing and the key check on arbitrary bytes: must never panic, a header that parses
//! must serialise back to the bytes it was parsed from, and the streaming reader must agree with
//! the parser. (A passphrase header stops at the key-kind check here: stretching is Argon2id's
//! own business, and its cost is bounded by the parse this target exercises.) A recipient
//! header is tried with a fixed identity of each kind, and with both at once, which open no
//! stanza a fuzzer can make without them: that exercises the count and length bounds, the
//! stanza walk and HPKE's decapsulation of hostile bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seal::{Decryptor, Identity, Key, KeyKind, RecipientKind};

fuzz_target!(|data: &[u8]| {
    let parsed = seal::fuzzing::parse_header(data);
    if let Ok(header) = &parsed {
        assert_eq!(header.to_bytes(), data[..header.len()]);
    }
    let mut reader = data;
    let read = Decryptor::new(&mut reader).map(|d| d.header().clone());
    match (&parsed, &read) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b);
            assert_eq!(data.len() - reader.len(), a.len(), "read past the header");
        }
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        _ => panic!("parse and read_header disagree: {parsed:?} / {read:?}"),
    }
    let key = Key::from_bytes([0x42; 32]);
    let _ = Decryptor::new(data).and_then(|d| d.unlock(&key));
    if let Ok(header) = read {
        if header.key_kind() == KeyKind::Recipients {
            let identities: Vec<Identity> = RecipientKind::ALL
                .into_iter()
                .filter_map(|kind| Identity::from_bytes(kind, [0x42; 32]).ok())
                .chain([Identity::from_ssh_seed(&[0x42; 32])])
                .collect();
            for identity in &identities {
                let _ = Decryptor::new(data).and_then(|d| d.unlock(identity));
            }
            let _ = Decryptor::new(data).and_then(|d| d.unlock(&identities));
        }
    }
});
