//! Signed streams through the real binary: the recipe, and the tamper matrix under
//! `--signed-by` (each case refused, nothing on stdout, nothing at `-o`).

use std::io::Cursor;
use std::path::Path;
use std::process::Output;

use chacha20poly1305::ChaCha20Poly1305;
use chacha20poly1305::aead::{AeadInOut, KeyInit};
use seal::{Encryptor, SignatureKind, SignerSecret};

use crate::SEAL;
use crate::common::{HEADER_LEN, data, key, other_key, stderr};
use crate::kit::{as_root, seal, seal_no_stdin};

const KEY_TEXT_NAME: &str = "k";

/// A scratch directory with the key files `k` (the test key) and `other`, private as keygen
/// makes them (no warning on stderr), and two Ed25519 signers.
fn setup() -> (tempfile::TempDir, SignerSecret, SignerSecret) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(KEY_TEXT_NAME), key().to_text().as_bytes()).unwrap();
    std::fs::write(dir.path().join("other"), other_key().to_text().as_bytes()).unwrap();
    for name in [KEY_TEXT_NAME, "other"] {
        let private = std::os::unix::fs::PermissionsExt::from_mode(0o600);
        std::fs::set_permissions(dir.path().join(name), private).unwrap();
    }
    (
        dir,
        SignerSecret::from_seed(SignatureKind::Ed25519, &[1; 32]),
        SignerSecret::from_seed(SignatureKind::Ed25519, &[2; 32]),
    )
}

fn signed(key: &seal::Key, signer: &SignerSecret, plain: &[u8], salt: u8) -> Vec<u8> {
    let mut out = Vec::new();
    Encryptor::with_key(key)
        .unwrap()
        .chunk_size(64)
        .insecure_fixed_salt([salt; 32])
        .unwrap()
        .sign(signer, "app 1.0")
        .unwrap()
        .encrypt(std::io::Cursor::new(plain.to_vec()), &mut out)
        .unwrap();
    out
}

/// `stream` with its last byte (the signature's) flipped.
fn last_byte_flipped(stream: &[u8]) -> Vec<u8> {
    let mut bad = stream.to_vec();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    bad
}

/// `seal dec -q -k k --signed-by PUBLIC` followed by `rest`, in `dir`, stdin from /dev/null.
fn dec_signed_by(dir: &Path, public: &str, rest: &[&str]) -> Output {
    let mut args = vec!["dec", "-q", "-k", KEY_TEXT_NAME, "--signed-by", public];
    args.extend_from_slice(rest);
    seal_no_stdin(dir, &args)
}

/// `seal dec --signed-by PUB` of `stream`, to stdout (from a pipe) and to `-o`; asserts the
/// same status both ways, and that nothing was released. Returns the status.
fn refused(dir: &Path, stream: &[u8], public: &str) -> i32 {
    std::fs::write(dir.join("in.seal"), stream).unwrap();
    let args = ["dec", "-q", "-k", KEY_TEXT_NAME, "--signed-by", public];
    let piped = seal(dir, &args, stream);
    assert!(piped.stdout.is_empty(), "plaintext released to stdout");
    let out = dir.join("out");
    let _ = std::fs::remove_file(&out);
    let to_file = dec_signed_by(dir, public, &["-o", "out", "in.seal"]);
    assert!(!out.exists(), "a file appeared at -o");
    assert!(to_file.stdout.is_empty());
    let code = to_file.status.code().unwrap();
    let streamed = piped.status.code().unwrap();
    // A streamed output checks the signature before opening any frame; -o opens frames as it
    // hashes them: damage that both checks see is 6 for the first, 5 (or 6) for the second.
    let why = format!("{} | {}", stderr(&piped), stderr(&to_file));
    assert!(streamed == code || (streamed == 6 && code == 5), "{why}");
    assert_ne!(code, 0);
    code
}

#[test]
fn the_ci_recipe_works_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("app.tar"), data(5000, 1)).unwrap();
    assert!(
        seal_no_stdin(d, &["keygen", "-o", "deploy.key"])
            .status
            .success()
    );
    let made = seal_no_stdin(d, &["keygen", "--signer", "-o", "ci.signer"]);
    assert!(made.status.success());
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(d.join("ci.signer"))
            .unwrap()
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(
        seal_no_stdin(d, &["keygen", "--signer", "-o", "ci.signer"])
            .status
            .code(),
        Some(1),
        "never overwrites"
    );
    let public = String::from_utf8(seal_no_stdin(d, &["signer", "ci.signer"]).stdout).unwrap();
    let public = public.trim();
    assert!(
        public.starts_with("sealsigpq1") && public.len() == 3191,
        "{}",
        public.len()
    );
    let enc = seal_no_stdin(
        d,
        &[
            "enc",
            "-k",
            "deploy.key",
            "--sign",
            "ci.signer",
            "--signed-comment",
            "app 1.0",
            "-o",
            "app.seal",
            "app.tar",
        ],
    );
    assert!(enc.status.success(), "{}", stderr(&enc));
    // The deploy side's command line, completed by each run below.
    let dec = ["dec", "-k", "deploy.key", "--signed-by", public];
    let run_dec = |rest: &[&str]| seal_no_stdin(d, &[&dec[..], rest].concat());
    let out = run_dec(&["--expect-comment", "app 1.0", "-o", "app.out", "app.seal"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(d.join("app.out")).unwrap(), data(5000, 1));
    let stdout = run_dec(&["-q", "app.seal"]);
    assert_eq!(stdout.stdout, data(5000, 1));
    assert!(
        seal_no_stdin(d, &["verify", "--signed-by", public, "app.seal"])
            .status
            .success()
    );
    let older = run_dec(&["--expect-comment", "app 1.1", "app.seal"]);
    assert_eq!(older.status.code(), Some(6));
    assert!(older.stdout.is_empty());
    let info = seal_no_stdin(d, &["info", "--json", "app.seal"]);
    let json = String::from_utf8(info.stdout).unwrap();
    assert!(
        json.contains("\"signed\":true") && json.contains("\"signature_kind\":\"mldsa65-ed25519\""),
        "{json}"
    );
}

#[test]
fn every_header_and_signature_byte_flipped_is_refused() {
    let (dir, signer, _) = setup();
    let d = dir.path();
    let public = signer.public().to_text();
    let stream = signed(&key(), &signer, &data(200, 2), 7);
    let header_len = HEADER_LEN + 1 + 32 + 2 + 7;
    let trailer = stream.len() - 64;
    for at in (0..header_len).chain(trailer..stream.len()) {
        let mut bad = stream.clone();
        bad[at] ^= 0x01;
        let code = refused(d, &bad, &public);
        if at >= trailer {
            assert_eq!(code, 6, "signature byte {at}");
        } else {
            assert!((3..=6).contains(&code), "header byte {at}: {code}");
        }
    }
}

#[test]
fn cut_extended_swapped_resigned_and_unsigned_streams_are_refused() {
    let (dir, signer, other) = setup();
    let d = dir.path();
    let public = signer.public().to_text();
    let plain = data(400, 3);
    let stream = signed(&key(), &signer, &plain, 7);
    // Trailer cut by one byte, by half, removed; one byte and a whole trailer appended.
    for cut in [1, 32, 64] {
        let code = refused(d, &stream[..stream.len() - cut], &public);
        assert!(code == 5 || code == 6, "cut {cut}: {code}");
    }
    for extra in [1usize, 64] {
        let mut long = stream.clone();
        long.extend(std::iter::repeat_n(0u8, extra));
        let code = refused(d, &long, &public);
        assert!(code == 5 || code == 6, "extended {extra}: {code}");
    }
    // A frame swapped for the same frame of another stream under the same key (same salt,
    // so the frame opens): the signature catches it.
    let twin = signed(&key(), &signer, &data(400, 4), 7);
    let h = HEADER_LEN + 1 + 32 + 2 + 7;
    let mut swapped = stream.clone();
    swapped[h + 92..h + 184].copy_from_slice(&twin[h + 92..h + 184]);
    assert_eq!(refused(d, &swapped, &public), 6);
    // Re-signed by another signer: another header key, refused by policy.
    let resigned = signed(&key(), &other, &plain, 7);
    assert_eq!(refused(d, &resigned, &public), 6);
    // An unsigned stream presented as signed.
    let mut unsigned = Vec::new();
    Encryptor::with_key(&key())
        .unwrap()
        .encrypt(std::io::Cursor::new(plain.clone()), &mut unsigned)
        .unwrap();
    assert_eq!(refused(d, &unsigned, &public), 6);
    // A signed stream with a bad signature, without --signed-by: still checked (exit 6).
    let bad = last_byte_flipped(&stream);
    std::fs::write(d.join("bad.seal"), &bad).unwrap();
    let out = seal_no_stdin(
        d,
        &["dec", "-q", "-k", KEY_TEXT_NAME, "-o", "o2", "bad.seal"],
    );
    assert_eq!(out.status.code(), Some(6));
    assert!(!d.join("o2").exists());
}

/// The frames of a signed stream that begins with a `header_len`-byte header and ends with a
/// `trailer`-byte signature, at chunk size 64, each as stored, in order.
fn frames_of(stream: &[u8], header_len: usize, trailer: usize) -> Vec<&[u8]> {
    stream[header_len..stream.len() - trailer]
        .chunks(64 + 28)
        .collect()
}

/// The message `M` a signer signs (docs/FORMAT.md "Frame digests, transcript, signed
/// message"), computed here from the format alone: `header` whole, `block` its signature block.
fn signed_message(header: &[u8], frames: &[&[u8]], block: &[u8]) -> Vec<u8> {
    let mut transcript = blake3::Hasher::new_derive_key("seal 2026-12-06 stream transcript");
    transcript.update(header);
    for (i, frame) in frames.iter().enumerate() {
        let mut digest = blake3::Hasher::new_derive_key("seal 2026-12-06 frame digest");
        digest.update(&(i as u64).to_be_bytes());
        digest.update(frame);
        transcript.update(digest.finalize().as_bytes());
    }
    transcript.update(&(frames.len() as u64).to_be_bytes());
    let mut m = b"seal signed stream v1".to_vec();
    m.extend_from_slice(block);
    m.extend_from_slice(transcript.finalize().as_bytes());
    m
}

/// HKDF-SHA-256 (salt `salt`, IKM `ikm`) expanded to 32 bytes with `info` = the `info` parts.
fn hkdf32(salt: Option<&[u8]>, ikm: &[u8], info: &[&[u8]]) -> [u8; 32] {
    let mut out = [0u8; 32];
    hkdf::Hkdf::<sha2::Sha256>::new(salt, ikm)
        .expand_multi_info(info, &mut out)
        .unwrap();
    out
}

/// A kind-02 signature block: kind, key, comment length, comment.
fn ed25519_block(public: &[u8], comment: &[u8]) -> Vec<u8> {
    let mut block = vec![2];
    block.extend_from_slice(public);
    block.extend_from_slice(&(comment.len() as u16).to_be_bytes());
    block.extend_from_slice(comment);
    block
}

#[test]
fn an_outsider_cannot_put_another_signer_on_a_stream_made_for_others() {
    // Encrypt-then-sign substitution (SECURITY.md): Mallory, who holds no identity of the
    // stream's recipients and so no file key, takes a stream signed by A, swaps the header's
    // signer key for her own key B, recomputes the transcript over the frames as stored and
    // signs it with B. Her signature is good (`verify --signed-by B` without a key says so),
    // but the signature block is in the bytes the key commitment binds: a recipient who
    // requires B is refused by the commitment (damaged, 5), before any frame is opened.
    let (dir, ..) = setup();
    let d = dir.path();
    let out = seal_no_stdin(
        d,
        &["keygen", "--identity", "--kind", "x25519", "-o", "alice.id"],
    );
    assert_eq!(out.status.code(), Some(0));
    let recipient = String::from_utf8(out.stderr).unwrap();
    let recipient = recipient.trim().strip_prefix("seal: recipient: ").unwrap();
    let out = seal_no_stdin(
        d,
        &[
            "keygen",
            "--signer",
            "--signer-kind",
            "ed25519",
            "-o",
            "a.signer",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let plain = data(300, 14);
    std::fs::write(d.join("plain"), &plain).unwrap();
    let out = seal_no_stdin(
        d,
        &[
            "enc",
            "-r",
            recipient,
            "--sign",
            "a.signer",
            "--signed-comment",
            "app 1.0",
            "--chunk-size",
            "64",
            "-o",
            "s.seal",
            "plain",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stream = std::fs::read(d.join("s.seal")).unwrap();

    // Mallory's key B, derived as FORMAT.md says ("Signer keys"), checked against seal's.
    let seed_b = [0x4d; 32];
    let mallory = SignerSecret::from_seed(SignatureKind::Ed25519, &seed_b);
    let secret_b = hkdf32(None, &seed_b, &[b"seal signer v1 Ed25519 seed"]);
    let key_b = ed25519_dalek::SigningKey::from_bytes(&secret_b);
    assert_eq!(
        key_b.verifying_key().as_bytes(),
        mallory.public().as_bytes()
    );

    // Header = bound ‖ commitment; the block is bound's last 1 + 32 + 2 + 7 bytes.
    let header_len = crate::common::header_of(&stream).unwrap().len();
    let block_len = 1 + 32 + 2 + 7;
    let block_at = header_len - 32 - block_len;
    assert_eq!(stream[block_at], 2);
    let block = ed25519_block(key_b.verifying_key().as_bytes(), b"app 1.0");
    let mut header = stream[..header_len].to_vec();
    header[block_at..header_len - 32].copy_from_slice(&block);
    let frames = frames_of(&stream, header_len, 64);
    let m = signed_message(&header, &frames, &block);
    let signature = ed25519_dalek::Signer::sign(&key_b, &m).to_bytes();
    let mut forged = header.clone();
    forged.extend(frames.concat());
    forged.extend_from_slice(&signature);
    std::fs::write(d.join("forged.seal"), &forged).unwrap();

    let b = mallory.public().to_text();
    // Mallory's signature verifies: the stream is exactly what she signed.
    let out = seal_no_stdin(d, &["verify", "-q", "--signed-by", &b, "forged.seal"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Alice, requiring B, is refused by the key commitment, to stdout and to -o alike.
    for to in [&[][..], &["-o", "out"]] {
        let mut args = vec!["dec", "-k", "alice.id", "--signed-by", &b];
        args.extend_from_slice(to);
        args.push("forged.seal");
        let out = seal_no_stdin(d, &args);
        assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("key commitment does not match"),
            "{}",
            stderr(&out)
        );
        assert!(out.stdout.is_empty());
        assert!(!d.join("out").exists());
    }
    // The original still opens for her.
    let out = seal_no_stdin(d, &["dec", "-q", "-k", "alice.id", "s.seal"]);
    assert_eq!(out.stdout, plain);
}

#[test]
fn the_ml_dsa_half_stripped_is_refused_even_with_the_commitment_recomputed() {
    let (dir, ..) = setup();
    let d = dir.path();
    let hybrid = SignerSecret::from_seed(SignatureKind::MlDsa65Ed25519, &[3; 32]);
    let plain = data(200, 5);
    let mut stream = Vec::new();
    Encryptor::with_key(&key())
        .unwrap()
        .cipher(seal::Cipher::ChaCha20Poly1305)
        .chunk_size(64)
        .sign(&hybrid, "app 1.0")
        .unwrap()
        .encrypt(Cursor::new(plain.clone()), &mut stream)
        .unwrap();
    let pk_e = &hybrid.public().as_bytes()[1952..];
    let sig_e = &stream[stream.len() - 64..];
    let half = seal::SignerPublic::from_bytes(SignatureKind::Ed25519, pk_e).unwrap();
    // Cut only (kind 01 → 02, key to its Ed25519 half, signature to its last 64 bytes):
    // refused by the policy for the hybrid key, by the commitment for the half.
    let at = HEADER_LEN - 32;
    let mut cut = stream[..at].to_vec();
    cut.extend(ed25519_block(pk_e, b"app 1.0"));
    cut.extend_from_slice(&stream[at + 1 + 1984 + 2 + 7..stream.len() - 3373]);
    cut.extend_from_slice(sig_e);
    assert_eq!(refused(d, &cut, &hybrid.public().to_text()), 6);
    assert_eq!(refused(d, &cut, &half.to_text()), 3);

    // A holder of the key strips it properly: the kind-02 header with the Ed25519 half, its
    // commitment and frame key derived again (docs/FORMAT.md "Key derivation"), every frame
    // sealed again under that key, and the hybrid's Ed25519 signature as the trailer.
    let bound = [&stream[..at], &ed25519_block(pk_e, b"app 1.0")].concat();
    let salt = &stream[15..47];
    let raw_key = key();
    let raw_key = raw_key.as_bytes();
    let commitment = hkdf32(Some(salt), raw_key, &[b"seal v1 key commitment", &bound]);
    let frame_key = hkdf32(Some(salt), raw_key, &[b"seal v1 frame key", &bound]);
    let aead = ChaCha20Poly1305::new(&frame_key.into());
    let mut stripped = [&bound[..], &commitment].concat();
    let chunks: Vec<&[u8]> = plain.chunks(64).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        let mut nonce = [0u8; 12];
        nonce[3..11].copy_from_slice(&(i as u64).to_be_bytes());
        nonce[11] = u8::from(i + 1 == chunks.len());
        let mut sealed = chunk.to_vec();
        let tag = aead
            .encrypt_inout_detached(&nonce.into(), b"", sealed.as_mut_slice().into())
            .unwrap();
        stripped.extend_from_slice(&nonce);
        stripped.extend_from_slice(&sealed);
        stripped.extend_from_slice(&tag);
    }
    stripped.extend_from_slice(sig_e);
    // Well made: its commitment holds and every frame opens (a range read checks no
    // signature, and says so).
    std::fs::write(d.join("stripped.seal"), &stripped).unwrap();
    let out = seal_no_stdin(
        d,
        &["dec", "-k", KEY_TEXT_NAME, "--offset", "0", "stripped.seal"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(out.stdout, plain);
    // But sig_e signed the composite message M' of kind 01, not this stream's kind-02 M:
    // the signature does not verify, and nothing is released.
    assert_eq!(refused(d, &stripped, &half.to_text()), 6);
    let out = seal_no_stdin(
        d,
        &["verify", "--signed-by", &half.to_text(), "stripped.seal"],
    );
    assert_eq!(out.status.code(), Some(6));
    assert!(stderr(&out).contains("signature"), "{}", stderr(&out));
}

#[test]
fn streamed_outputs_named_by_o_get_nothing_unverified() {
    let (dir, signer, _) = setup();
    let d = dir.path();
    let public = signer.public().to_text();
    let bad = last_byte_flipped(&signed(&key(), &signer, &data(3000, 6), 7));
    std::fs::write(d.join("bad.seal"), &bad).unwrap();
    // -o /dev/stdout into a pipe: the output is a stream, verified first.
    let out = dec_signed_by(d, &public, &["-o", "/dev/stdout", "bad.seal"]);
    assert_eq!(out.status.code(), Some(6));
    assert!(out.stdout.is_empty());
    // -o FIFO: the reader at the other end sees no byte.
    let fifo = d.join("fifo");
    rustix::fs::mkfifoat(
        rustix::fs::CWD,
        &fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
    )
    .unwrap();
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    let out = dec_signed_by(d, &public, &["-o", "fifo", "bad.seal"]);
    assert_eq!(out.status.code(), Some(6));
    assert!(reader.join().unwrap().is_empty());
    // The same from a pipe (spooled), and the good stream both ways.
    let good = signed(&key(), &signer, &data(3000, 6), 7);
    std::fs::write(d.join("good.seal"), &good).unwrap();
    let out = dec_signed_by(d, &public, &["-o", "/dev/stdout", "good.seal"]);
    assert_eq!(out.stdout, data(3000, 6));
    // The escape hatch releases, then fails.
    let out = dec_signed_by(d, &public, &["--insecure-release-unverified", "bad.seal"]);
    assert_eq!(out.status.code(), Some(6));
    assert_eq!(out.stdout, data(3000, 6));
}

#[test]
fn a_full_spool_directory_releases_nothing() {
    // $TMPDIR on a 1 MiB tmpfs in a private user and mount namespace; a 4 MiB signed stream
    // from a pipe cannot be spooled: an I/O error (1), not a byte on stdout.
    let (dir, signer, _) = setup();
    let d = dir.path();
    let public = signer.public().to_text();
    let mut stream = Vec::new();
    Encryptor::with_key(&key())
        .unwrap()
        .sign(&signer, "")
        .unwrap()
        .encrypt(Cursor::new(data(4 << 20, 8)), &mut stream)
        .unwrap();
    std::fs::write(d.join("big.seal"), &stream).unwrap();
    std::fs::create_dir(d.join("spool")).unwrap();
    let script = format!(
        "set -u; mount -t tmpfs -o size=1m tmpfs spool || exit 99; \
         cat big.seal | TMPDIR=spool {SEAL} dec -q -k {KEY_TEXT_NAME} --signed-by {public} > out; \
         echo \"status=$?\"; wc -c < out; ls -A spool | wc -l"
    );
    let out = as_root(d, &script);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text, "status=1\n0\n0\n", "{}", stderr(&out));
    assert!(stderr(&out).contains("No space left"), "{}", stderr(&out));
}

#[test]
fn a_range_read_with_signed_by_verifies_the_whole_stream_first() {
    let (dir, signer, other) = setup();
    let d = dir.path();
    let plain = data(2000, 9);
    let stream = signed(&key(), &signer, &plain, 7);
    std::fs::write(d.join("s.seal"), &stream).unwrap();
    let public = signer.public().to_text();
    let out = dec_signed_by(
        d,
        &public,
        &["--offset", "100", "--length", "700", "s.seal"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(out.stdout, &plain[100..800]);
    let bad = last_byte_flipped(&stream);
    std::fs::write(d.join("bad.seal"), &bad).unwrap();
    let out = dec_signed_by(
        d,
        &public,
        &["--offset", "100", "--length", "700", "bad.seal"],
    );
    assert_eq!(out.status.code(), Some(6));
    assert!(out.stdout.is_empty());
    let out = dec_signed_by(d, &other.public().to_text(), &["--offset", "1", "s.seal"]);
    assert_eq!(out.status.code(), Some(6));
    assert!(out.stdout.is_empty());
    // Without --signed-by: the range, and a warning that the signature was not checked.
    let out = seal_no_stdin(
        d,
        &[
            "dec",
            "-k",
            KEY_TEXT_NAME,
            "--offset",
            "100",
            "--length",
            "7",
            "bad.seal",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, &plain[100..107]);
    assert!(stderr(&out).contains("its signature was not checked"));
}

#[test]
fn without_signed_by_verify_and_dec_say_the_signature_is_not_trusted_in_one_wording() {
    let (dir, signer, _) = setup();
    let d = dir.path();
    std::fs::write(d.join("s.seal"), signed(&key(), &signer, &data(300, 10), 7)).unwrap();
    let expected = format!(
        "seal: signed by {}: signature checked but not trusted: no --signed-by; signed comment: 'app 1.0'\n",
        signer.public().fingerprint_text()
    );
    let dec = seal_no_stdin(d, &["dec", "-k", KEY_TEXT_NAME, "s.seal"]);
    assert_eq!(dec.status.code(), Some(0));
    assert_eq!(dec.stdout, data(300, 10));
    assert_eq!(stderr(&dec), expected);
    let verify = seal_no_stdin(d, &["verify", "-k", KEY_TEXT_NAME, "s.seal"]);
    assert_eq!(verify.status.code(), Some(0));
    assert!(verify.stdout.is_empty());
    assert_eq!(stderr(&verify), expected);
    // -q says nothing; an unsigned stream says nothing of signers.
    let quiet = seal_no_stdin(d, &["verify", "-q", "-k", KEY_TEXT_NAME, "s.seal"]);
    assert_eq!(quiet.status.code(), Some(0));
    assert!(quiet.stderr.is_empty());
    let mut unsigned = Vec::new();
    Encryptor::with_key(&key())
        .unwrap()
        .encrypt(Cursor::new(data(300, 10)), &mut unsigned)
        .unwrap();
    std::fs::write(d.join("u.seal"), unsigned).unwrap();
    let plain = seal_no_stdin(d, &["verify", "-k", KEY_TEXT_NAME, "u.seal"]);
    assert_eq!(plain.status.code(), Some(0));
    assert!(plain.stderr.is_empty(), "{}", stderr(&plain));
}

#[test]
fn an_allowed_signers_file_that_names_no_signer_is_a_usage_error() {
    let (dir, signer, _) = setup();
    let d = dir.path();
    std::fs::write(d.join("s.seal"), signed(&key(), &signer, &data(300, 11), 7)).unwrap();
    std::fs::write(
        d.join("none"),
        "# the release signers\n\n   \n# (none yet)\n",
    )
    .unwrap();
    std::fs::write(d.join("empty"), "").unwrap();
    std::fs::write(
        d.join("one"),
        format!("# the release signers\n{} ci\n", signer.public()),
    )
    .unwrap();
    for file in ["none", "empty"] {
        for args in [
            &[
                "dec",
                "-k",
                KEY_TEXT_NAME,
                "--signed-by-file",
                file,
                "s.seal",
            ][..],
            &[
                "dec",
                "-k",
                KEY_TEXT_NAME,
                "--signed-by-file",
                file,
                "-o",
                "out",
                "s.seal",
            ],
            &["verify", "--signed-by-file", file, "s.seal"],
            // A key given beside it does not make an empty file right.
            &[
                "verify",
                "--signed-by",
                &signer.public().to_text(),
                "--signed-by-file",
                file,
                "s.seal",
            ],
        ] {
            let out = seal_no_stdin(d, args);
            crate::common::assert_fails(
                &out,
                2,
                &format!("allowed-signers file '{file}' names no signer"),
            );
            assert!(out.stdout.is_empty());
            assert!(!d.join("out").exists());
        }
    }
    let out = seal_no_stdin(d, &["verify", "--signed-by-file", "one", "s.seal"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("(ci): good signature"));
}
