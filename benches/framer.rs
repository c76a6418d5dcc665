//! Sealing and opening single frames, per cipher and chunk size: the AEAD's share of the
//! pipeline's cost. `cargo bench --bench framer`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark panics to report a failed setup"
)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use seal::{Cipher, Decryptor, Encryptor, Key, Position, check_frame};

/// docs/FORMAT.md's frame layout: a 12-byte nonce, the ciphertext, a 16-byte tag.
const NONCE_LEN: usize = 12;
const FRAME_OVERHEAD: usize = 28;

fn framer(c: &mut Criterion) {
    let key = Key::from_bytes([7; 32]);
    for cipher in Cipher::ALL {
        let mut group = c.benchmark_group(cipher.name());
        for chunk in [64 * 1024usize, 1024 * 1024, 4 * 1024 * 1024] {
            group.throughput(Throughput::Bytes(chunk as u64));
            let enc = Encryptor::with_key(&key)
                .unwrap()
                .cipher(cipher)
                .chunk_size(chunk as u32);
            let (stream_header, mut sealer) = enc.into_frame_sealer().unwrap();
            let header = stream_header.to_bytes();
            // Open needs an authentic frame: seal one (frame 0), then open a fresh copy each time.
            let mut sealed = vec![0u8; chunk + FRAME_OVERHEAD];
            sealed[NONCE_LEN..NONCE_LEN + chunk].fill(0x33);
            let ticket = sealer.next_frame(Position::More).unwrap();
            sealer.seal(ticket, &mut sealed, chunk).unwrap();

            let mut frame = vec![0x5au8; chunk + FRAME_OVERHEAD];
            group.bench_function(BenchmarkId::new("seal", chunk), |b| {
                b.iter(|| {
                    let ticket = sealer.next_frame(Position::More).unwrap();
                    sealer.seal(ticket, &mut frame, chunk).unwrap()
                })
            });

            let dec = Decryptor::new(&header[..]).unwrap().unlock(&key).unwrap();
            let (header, opener, _) = dec.into_frame_opener();
            let checked = check_frame(&header, 0, &sealed, false).unwrap();
            let mut work = sealed.clone();
            group.bench_function(BenchmarkId::new("open", chunk), |b| {
                b.iter(|| {
                    work.copy_from_slice(&sealed);
                    opener.open(0, checked.position, &mut work).unwrap()
                })
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = framer
}
criterion_main!(benches);
