//! Signed streams through the library: round trips, the verify-first typestate, tampering.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test panics to report its failure"
)]

use std::io::Cursor;

use seal::{
    AllowedSigner, AllowedSigners, Decryptor, Encryptor, Error, Key, SignatureKind, SignerSecret,
    VerifiedUnlocked, Verifying,
};

fn signer(kind: SignatureKind, byte: u8) -> SignerSecret {
    SignerSecret::from_seed(kind, &[byte; 32])
}

fn allowed(s: &SignerSecret) -> AllowedSigners {
    let mut a = AllowedSigners::new();
    a.push(AllowedSigner::Key(s.public().clone()), None)
        .unwrap();
    a
}

fn sealed(key: &Key, s: &SignerSecret, plain: &[u8], chunk: u32) -> Vec<u8> {
    let mut out = Vec::new();
    Encryptor::with_key(key)
        .unwrap()
        .chunk_size(chunk)
        .threads(3)
        .sign(s, "app 1.0")
        .unwrap()
        .encrypt(Cursor::new(plain.to_vec()), &mut out)
        .unwrap();
    out
}

/// `input` opened as a signed stream whose signer must be `s`.
fn verifying<R: std::io::Read>(input: R, s: &SignerSecret) -> Verifying<R> {
    Decryptor::new(input)
        .unwrap()
        .require_signers(&allowed(s))
        .unwrap()
}

/// `input` opened as a signed stream whose signer must be `s`, unlocked with `key`.
fn verified_unlocked<R: std::io::Read>(
    input: R,
    s: &SignerSecret,
    key: &Key,
) -> VerifiedUnlocked<R> {
    verifying(input, s).unlock(key).unwrap()
}

fn plain(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + 3) as u8).collect()
}

#[test]
fn signed_streams_round_trip_every_way() {
    let key = Key::generate().unwrap();
    for kind in [SignatureKind::MlDsa65Ed25519, SignatureKind::Ed25519] {
        let s = signer(kind, 1);
        for len in [0, 1, 64, 65, 1000, 5000] {
            let data = plain(len);
            let stream = sealed(&key, &s, &data, 64);
            assert_eq!(stream[8], 3, "version byte");
            // No signers required: one pass, signature checked at the end.
            let mut out = Vec::new();
            Decryptor::new(Cursor::new(stream.clone()))
                .unwrap()
                .unlock(&key)
                .unwrap()
                .decrypt_to(&mut out)
                .unwrap();
            assert_eq!(out, data);
            // Verify first, seekable.
            let d = Decryptor::new(Cursor::new(stream.clone())).unwrap();
            assert_eq!(d.signed().unwrap().comment(), "app 1.0");
            let mut out = Vec::new();
            d.require_signers(&allowed(&s))
                .unwrap()
                .unlock(&key)
                .unwrap()
                .threads(2)
                .decrypt_verified(&mut out)
                .unwrap();
            assert_eq!(out, data);
            // Spooled.
            let mut out = Vec::new();
            let spool = tempfile::tempfile().unwrap();
            verified_unlocked(Cursor::new(stream.clone()), &s, &key)
                .decrypt_spooled(spool, &mut out)
                .unwrap();
            assert_eq!(out, data);
            // To a file.
            let file = tempfile::tempfile().unwrap();
            verified_unlocked(Cursor::new(stream.clone()), &s, &key)
                .decrypt_to_file(&file)
                .unwrap();
            assert_eq!(
                std::fs::read(format!(
                    "/proc/self/fd/{}",
                    std::os::fd::AsRawFd::as_raw_fd(&file)
                ))
                .unwrap(),
                data
            );
            // Keyless.
            verifying(Cursor::new(stream.clone()), &s)
                .verify_signature(2)
                .unwrap();
        }
    }
}

#[test]
fn a_bad_signature_releases_nothing_through_the_verifying_type() {
    let key = Key::generate().unwrap();
    let s = signer(SignatureKind::Ed25519, 2);
    let mut stream = sealed(&key, &s, &plain(1000), 64);
    let last = stream.len() - 1;
    stream[last] ^= 1;
    let mut out = Vec::new();
    let r = verified_unlocked(Cursor::new(stream.clone()), &s, &key).decrypt_verified(&mut out);
    assert!(matches!(r, Err(Error::BadSignature)), "{r:?}");
    assert!(out.is_empty());
    let mut out = Vec::new();
    let r = verified_unlocked(Cursor::new(stream.clone()), &s, &key)
        .decrypt_spooled(tempfile::tempfile().unwrap(), &mut out);
    assert!(matches!(r, Err(Error::BadSignature)), "{r:?}");
    assert!(out.is_empty());
    let r = verifying(Cursor::new(stream.clone()), &s).verify_signature(2);
    assert!(matches!(r, Err(Error::BadSignature)), "{r:?}");
    // Without required signers the signature is still checked, at the end.
    let mut out = Vec::new();
    let r = Decryptor::new(Cursor::new(stream))
        .unwrap()
        .unlock(&key)
        .unwrap()
        .decrypt_to(&mut out);
    assert!(matches!(r, Err(Error::BadSignature)), "{r:?}");
}

#[test]
fn policy_is_checked_before_any_secret() {
    let key = Key::generate().unwrap();
    let s = signer(SignatureKind::Ed25519, 3);
    let other = signer(SignatureKind::Ed25519, 4);
    let stream = sealed(&key, &s, b"x", 64);
    let r = Decryptor::new(Cursor::new(stream.clone()))
        .unwrap()
        .require_signers(&allowed(&other));
    assert!(matches!(r, Err(Error::SignerNotAllowed { .. })));
    let mut unsigned = Vec::new();
    Encryptor::with_key(&key)
        .unwrap()
        .encrypt(&b"x"[..], &mut unsigned)
        .unwrap();
    let r = Decryptor::new(Cursor::new(unsigned))
        .unwrap()
        .require_signers(&allowed(&s));
    assert!(matches!(r, Err(Error::NotSigned)));
    // A fingerprint is accepted in place of the key.
    let mut by_fp = AllowedSigners::new();
    by_fp
        .push(
            AllowedSigner::from_text(&s.public().fingerprint_text()).unwrap(),
            None,
        )
        .unwrap();
    let v = Decryptor::new(Cursor::new(stream.clone()))
        .unwrap()
        .require_signers(&by_fp)
        .unwrap();
    assert!(matches!(
        v.expect_comment("app 0.9"),
        Err(Error::CommentMismatch)
    ));
}

/// A reader that changes one byte of frame `k` the second time it is read.
struct ChangesBetweenPasses {
    inner: Cursor<Vec<u8>>,
    at: u64,
    reads_at: u32,
}

impl std::io::Read for ChangesBetweenPasses {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let pos = self.inner.position();
        let n = self.inner.read(buf)?;
        if (pos..pos + n as u64).contains(&self.at) {
            self.reads_at += 1;
            if self.reads_at == 2 {
                buf[(self.at - pos) as usize] ^= 1;
            }
        }
        Ok(n)
    }
}

impl std::io::Seek for ChangesBetweenPasses {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(to)
    }
}

#[test]
fn a_frame_changed_between_the_passes_is_refused_and_nothing_after_it_released() {
    let key = Key::generate().unwrap();
    let s = signer(SignatureKind::Ed25519, 5);
    let data = plain(64 * 10);
    let stream = sealed(&key, &s, &data, 64);
    let header = Decryptor::new(Cursor::new(stream.clone()))
        .unwrap()
        .header()
        .len() as u64;
    let k = 6u64;
    let input = ChangesBetweenPasses {
        inner: Cursor::new(stream),
        at: header + k * 92 + 40,
        reads_at: 0,
    };
    let mut out = Vec::new();
    let r = verified_unlocked(input, &s, &key)
        .threads(1)
        .decrypt_verified(&mut out);
    assert!(
        matches!(r, Err(Error::FrameChanged { frame: 6, .. })),
        "{r:?}"
    );
    assert_eq!(out, &data[..64 * 6]);
}

#[test]
fn hedged_signing_differs_and_both_verify() {
    let key = Key::generate().unwrap();
    let s = signer(SignatureKind::MlDsa65Ed25519, 6);
    let enc = || {
        let mut out = Vec::new();
        Encryptor::with_key(&key)
            .unwrap()
            .insecure_fixed_salt([9; 32])
            .unwrap()
            .sign(&s, "")
            .unwrap()
            .encrypt(&b"same"[..], &mut out)
            .unwrap();
        out
    };
    let (a, b) = (enc(), enc());
    let sig = 3309 + 64;
    assert_eq!(
        a[..a.len() - sig],
        b[..b.len() - sig],
        "same header and frames"
    );
    assert_ne!(
        a[a.len() - sig..a.len() - 64],
        b[b.len() - sig..b.len() - 64],
        "ML-DSA halves differ (hedged)"
    );
    for stream in [a, b] {
        verifying(Cursor::new(stream), &s)
            .verify_signature(1)
            .unwrap();
    }
}

#[test]
fn signer_texts_round_trip_and_are_checked() {
    for kind in [SignatureKind::MlDsa65Ed25519, SignatureKind::Ed25519] {
        let s = SignerSecret::generate(kind).unwrap();
        let file = s.to_file_text();
        let again = SignerSecret::from_text(file.as_bytes()).unwrap();
        assert_eq!(again.public(), s.public());
        let public = s.public().to_text();
        assert_eq!(seal::SignerPublic::from_text(&public).unwrap(), *s.public());
        let other = SignerSecret::generate(kind).unwrap();
        let lying = format!("# public: {}\n{}\n", other.public(), s.to_text().as_str());
        assert!(matches!(
            SignerSecret::from_text(lying.as_bytes()),
            Err(Error::SignerPublicMismatch)
        ));
    }
    // The same seed gives unrelated Ed25519 keys in the two kinds.
    let h = signer(SignatureKind::MlDsa65Ed25519, 7);
    let e = signer(SignatureKind::Ed25519, 7);
    assert_ne!(&h.public().as_bytes()[1952..], e.public().as_bytes());
    assert_eq!(h.public().as_bytes().len(), 1984);
}

#[test]
fn allowed_signers_files_take_keys_fingerprints_and_names_and_name_bad_lines() {
    let hybrid = signer(SignatureKind::MlDsa65Ed25519, 8);
    let ed = signer(SignatureKind::Ed25519, 9);
    let stranger = signer(SignatureKind::Ed25519, 10);
    let file = format!(
        "# deploy keys\n\n{} ci-hybrid\r\n  {}\t release bot \n",
        hybrid.public(),
        ed.public().fingerprint_text()
    );
    let mut allowed = AllowedSigners::new();
    allowed.add_file(file.as_bytes()).unwrap();
    assert_eq!(allowed.find(hybrid.public()), Some(Some("ci-hybrid")));
    assert_eq!(allowed.find(ed.public()), Some(Some("release bot")));
    assert_eq!(allowed.find(stranger.public()), None);
    // A secret pasted by mistake: refused by line number, never echoed.
    let secret = ed.to_text();
    let bad = format!("{}\n{}\n", hybrid.public(), secret.as_str());
    let e = AllowedSigners::new().add_file(bad.as_bytes()).unwrap_err();
    assert!(matches!(e, Error::AllowedSignersLine(2)), "{e:?}");
    assert!(!e.to_string().contains(&secret[..30]));
    // Real hybrid keys fit: 1024 of them (3191 characters each) are within the file bound.
    let line = format!("{} name\n", hybrid.public());
    let many = line.repeat(1024);
    let mut big = AllowedSigners::new();
    big.add_file(many.as_bytes()).unwrap();
    let e = big.add_file(line.as_bytes()).unwrap_err();
    assert!(matches!(e, Error::TooManySigners), "{e:?}");
}

#[test]
fn the_verified_reader_checks_everything_first_and_every_frame_it_reads() {
    use std::io::{Read, Seek, SeekFrom};
    let key = Key::generate().unwrap();
    let s = signer(SignatureKind::Ed25519, 11);
    let data = plain(64 * 10 + 5);
    let stream = sealed(&key, &s, &data, 64);
    // A range, after the whole stream was verified.
    let mut r = verified_unlocked(Cursor::new(stream.clone()), &s, &key)
        .threads(2)
        .verified_reader()
        .unwrap();
    r.seek(SeekFrom::Start(130)).unwrap();
    let mut got = vec![0u8; 200];
    r.read_exact(&mut got).unwrap();
    assert_eq!(got, &data[130..330]);
    // Read to the end in order, with no seek first: the whole plaintext, no false "changed".
    let mut r = verified_unlocked(Cursor::new(stream.clone()), &s, &key)
        .threads(2)
        .verified_reader()
        .unwrap();
    let mut all = Vec::new();
    r.read_to_end(&mut all).unwrap();
    assert_eq!(all, data);
    // A bad signature: no reader at all.
    let mut bad = stream.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    let r = verified_unlocked(Cursor::new(bad), &s, &key).verified_reader();
    assert!(matches!(r, Err(Error::BadSignature)), "{r:?}");
    // A frame changed after the verification pass: refused when read.
    let header = Decryptor::new(Cursor::new(stream.clone()))
        .unwrap()
        .header()
        .len() as u64;
    let input = ChangesBetweenPasses {
        inner: Cursor::new(stream),
        at: header + 3 * 92 + 50,
        reads_at: 0,
    };
    let mut r = verified_unlocked(input, &s, &key)
        .threads(1)
        .verified_reader()
        .unwrap();
    r.seek(SeekFrom::Start(3 * 64 + 1)).unwrap();
    let mut one = [0u8; 1];
    let e = Error::from_io(r.read_exact(&mut one).unwrap_err());
    assert!(matches!(e, Error::FrameChanged { frame: 3, .. }), "{e:?}");
}
