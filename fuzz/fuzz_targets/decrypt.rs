//! Whole-stream decryption of arbitrary bytes under a fixed key (the key of the seed corpus).
//!
//! Must never panic or hang, and must stay within libFuzzer's memory limits. A stream that is
//! accepted must be the canonical encoding of its plaintext: encrypting that plaintext again
//! with the header's salt, cipher and chunk size (and, for a live stream, the frame lengths it
//! declares) gives back exactly the input. On a fixed-framing stream the
//! `DecryptingReader` must agree with the pool: the same plaintext released, the same error;
//! and on an accepted stream a seek to any offset reads the rest of the plaintext.
#![no_main]

use std::io::{Cursor, Read, Seek, SeekFrom};

use libfuzzer_sys::fuzz_target;
use seal::{Decryptor, Encryptor, Error, Framing, Key, Position};

/// Bytes a live frame adds: length, nonce and tag (docs/FORMAT.md).
const LIVE_FRAME_OVERHEAD: usize = 32;

/// Seals `plain` as a live stream with the frame lengths that the accepted `stream` declares.
fn reseal_live(encryptor: Encryptor, stream: &[u8], plain: &[u8]) -> Vec<u8> {
    let encryptor = encryptor.max_delay(std::time::Duration::ZERO);
    let (stream_header, mut sealer) = encryptor.into_frame_sealer().unwrap();
    let mut out = stream_header.to_bytes();
    let (mut at, mut taken) = (out.len(), 0);
    while at < stream.len() {
        let len = u32::from_be_bytes(stream[at..at + 4].try_into().unwrap()) as usize;
        let end = at + len + LIVE_FRAME_OVERHEAD;
        let position = if end == stream.len() {
            Position::Final
        } else {
            Position::More
        };
        let mut frame = vec![0u8; len + LIVE_FRAME_OVERHEAD];
        frame[16..16 + len].copy_from_slice(&plain[taken..taken + len]);
        let ticket = sealer.next_frame(position).unwrap();
        sealer.seal(ticket, &mut frame, len).unwrap();
        out.extend_from_slice(&frame);
        (at, taken) = (end, taken + len);
    }
    out
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the thread count, so the pool is fuzzed too, and a seek offset.
    let Some((&knob, stream)) = data.split_first() else {
        return;
    };
    let threads = 1 + usize::from(knob % 3);
    let key = Key::from_bytes([0x42; 32]);
    let input = Cursor::new(stream.to_vec());
    let Ok(decryptor) = Decryptor::new(input).and_then(|d| d.unlock(&key)) else {
        return;
    };
    let header = decryptor.header().clone();
    if header.framing() == Framing::Live {
        let mut plain = Vec::new();
        if decryptor.threads(threads).decrypt_to(&mut plain).is_ok() {
            let encryptor = Encryptor::with_key(&key)
                .unwrap()
                .cipher(header.cipher())
                .chunk_size(header.chunk_size())
                .insecure_fixed_salt(*header.salt())
                .unwrap();
            let again = reseal_live(encryptor, stream, &plain);
            assert!(again == stream, "accepted a live stream that is not canonical");
        }
        return;
    }
    let reader_input = Cursor::new(stream.to_vec());
    let mut reader = Decryptor::new(reader_input)
        .and_then(|d| d.unlock(&key))
        .unwrap()
        .reader();
    let mut plain = Vec::new();
    let result = decryptor.threads(threads).decrypt_to(&mut plain);

    let mut read = Vec::new();
    let read_result = reader.read_to_end(&mut read).map_err(Error::from_io);
    assert!(read == plain, "the reader released other bytes than the pool");
    match (&result, &read_result) {
        (Ok(_), Ok(_)) => {}
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "different errors"),
        _ => panic!("the reader and the pool disagree: {result:?} against {read_result:?}"),
    }

    if result.is_ok() {
        let offset = u64::from(knob) * 37 % (plain.len() as u64 + 1);
        reader.seek(SeekFrom::Start(offset)).unwrap();
        let mut rest = Vec::new();
        reader.read_to_end(&mut rest).unwrap();
        assert!(rest == plain[offset as usize..], "a seek read other bytes");

        let mut again = Vec::new();
        Encryptor::with_key(&key)
            .unwrap()
            .cipher(header.cipher())
            .chunk_size(header.chunk_size())
            .insecure_fixed_salt(*header.salt())
            .unwrap()
            .threads(1)
            .encrypt(Cursor::new(plain), &mut again)
            .unwrap();
        assert!(again == stream, "accepted a stream that is not canonical");
    }
});
