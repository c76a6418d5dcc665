//! What belongs here: public-key recipients through the real binary: `keygen --identity`,
//! `seal recipient`, `enc -r/-R`, `dec`/`verify` with an identity from `-k`, `--key-env` or
//! `$SEAL_KEY_FILE`, refusals with their exact messages and exit statuses, and every header
//! byte of a recipient stream altered in turn.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::common::{assert_fails, ok, stderr};
use crate::kit::{seal, seal_env};

/// Makes identity `name` of `kind` in `dir` and returns its recipient, checking what keygen
/// prints: nothing on stdout, the recipient on stderr, a 0600 file holding the identity line
/// under its `# created:` and `# recipient:` comments.
fn identity(dir: &Path, name: &str, kind: &str) -> String {
    let out = seal(
        dir,
        &["keygen", "--identity", "--kind", kind, "-o", name],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    let recipient = err
        .strip_prefix("seal: recipient: ")
        .and_then(|r| r.strip_suffix('\n'))
        .unwrap_or_else(|| panic!("{err:?}"))
        .to_owned();
    let meta = fs::metadata(dir.join(name)).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let text = fs::read_to_string(dir.join(name)).unwrap();
    let prefix = match kind {
        "x25519" => "SEAL-IDENTITY-X25519-1",
        _ => "SEAL-IDENTITY-PQ-1",
    };
    // Three lines (issue 17): when it was made, its recipient, the identity.
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text:?}");
    assert!(lines[0].starts_with("# created: 20") && lines[0].ends_with('Z'));
    assert_eq!(lines[1], format!("# recipient: {recipient}"));
    assert!(lines[2].starts_with(prefix) && text.ends_with('\n'));
    // `seal recipient` prints the same, from the file and from stdin.
    let again = ok(&seal(dir, &["recipient", name], b"")).to_vec();
    assert_eq!(String::from_utf8(again).unwrap(), format!("{recipient}\n"));
    let piped = ok(&seal(dir, &["recipient", "-"], text.as_bytes())).to_vec();
    assert_eq!(String::from_utf8(piped).unwrap(), format!("{recipient}\n"));
    recipient
}

#[test]
fn keygen_identity_and_recipient() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let pq = identity(p, "pq.id", "mlkem768x25519");
    assert!(pq.starts_with("sealpq1") && pq.len() == 1959);
    let x = identity(p, "x.id", "x25519");
    assert!(x.starts_with("sealx1") && x.len() == 64);
    // The default kind is the post-quantum hybrid.
    let out = seal(p, &["keygen", "--identity", "-o", "default.id"], b"");
    assert!(stderr(&out).starts_with("seal: recipient: sealpq1"));
    // Never overwrites.
    let before = fs::read(p.join("x.id")).unwrap();
    let out = seal(p, &["keygen", "--identity", "-o", "x.id"], b"");
    assert_fails(&out, 1, "creating identity file 'x.id'");
    assert_eq!(fs::read(p.join("x.id")).unwrap(), before);
    // To stdout: the identity alone on stdout, the recipient on stderr.
    let out = seal(p, &["keygen", "--identity", "--kind", "x25519"], b"");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(text.starts_with("SEAL-IDENTITY-X25519-1"));
    let r = ok(&seal(p, &["recipient", "-"], text.as_bytes())).to_vec();
    assert_eq!(
        stderr(&out),
        format!("seal: recipient: {}", String::from_utf8(r).unwrap())
    );
    // --kind only with --identity.
    let out = seal(p, &["keygen", "--kind", "x25519"], b"");
    assert_eq!(out.status.code(), Some(2));
    // `seal recipient` of a key file, a truncated and a mistyped identity.
    ok(&seal(p, &["keygen", "-o", "key"], b""));
    assert_fails(
        &seal(p, &["recipient", "key"], b""),
        3,
        "not an identity (a key file?",
    );
    let line = text.trim_end();
    fs::write(p.join("cut.id"), &line[..line.len() - 3]).unwrap();
    assert_fails(
        &seal(p, &["recipient", "cut.id"], b""),
        3,
        "identity file 'cut.id': line 1: malformed identity: checksum mismatch",
    );
    let mut typo = line.as_bytes().to_vec();
    let at = line.len() - 10;
    typo[at] = if typo[at] == b'Q' { b'P' } else { b'Q' };
    fs::write(p.join("typo.id"), &typo).unwrap();
    assert_fails(
        &seal(p, &["recipient", "typo.id"], b""),
        3,
        "malformed identity: checksum mismatch",
    );
}

#[test]
fn each_identity_decrypts_and_a_stranger_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let a = identity(p, "a.id", "mlkem768x25519");
    let b = identity(p, "b.id", "x25519");
    let c = identity(p, "c.id", "mlkem768x25519");
    fs::write(
        p.join("team.txt"),
        format!("# the team\n\n{b}\r\n   # indented comment\n{c}  \n"),
    )
    .unwrap();
    let plain: Vec<u8> = (0..300_000u32).map(|i| (i * 7) as u8).collect();
    fs::write(p.join("plain"), &plain).unwrap();
    ok(&seal(
        p,
        &[
            "enc",
            // Post-quantum and X25519 recipients together: on purpose (issue 17).
            "--allow-classical-mix",
            "-r",
            &a,
            "-R",
            "team.txt",
            "--chunk-size",
            "64KiB",
            "-o",
            "out.seal",
            "plain",
        ],
        b"",
    ));
    for id in ["a.id", "b.id", "c.id"] {
        let out = ok(&seal(p, &["dec", "-k", id, "out.seal"], b"")).to_vec();
        assert!(out == plain, "{id}");
        ok(&seal(p, &["verify", "-k", id, "out.seal"], b""));
    }
    // From $SEAL_KEY_FILE and from --key-env, and from stdin.
    let b_text = fs::read_to_string(p.join("b.id")).unwrap();
    let out = seal_env(p, &["dec", "out.seal"], &[("SEAL_KEY_FILE", "b.id")], b"");
    assert!(ok(&out) == plain.as_slice());
    let out = seal_env(
        p,
        &["dec", "--key-env", "ID", "out.seal"],
        &[("ID", &b_text)],
        b"",
    );
    assert!(ok(&out) == plain.as_slice());
    let stream = fs::read(p.join("out.seal")).unwrap();
    let out = seal(p, &["dec", "-k", "a.id"], &stream);
    assert!(ok(&out) == plain.as_slice());
    // A stranger, a key file, nothing at all: refused with exit 3 (2 for no identity), and
    // nothing written.
    identity(p, "stranger.id", "x25519");
    let out = seal(p, &["dec", "-k", "stranger.id", "out.seal"], b"");
    assert_fails(
        &out,
        3,
        "'out.seal': no identity matches any of the stream's 3 recipients",
    );
    assert!(out.stdout.is_empty());
    let out = seal(
        p,
        &["dec", "-k", "stranger.id", "-o", "never", "out.seal"],
        b"",
    );
    assert_fails(
        &out,
        3,
        "no identity matches any of the stream's 3 recipients",
    );
    assert!(!p.join("never").exists());
    ok(&seal(p, &["keygen", "-o", "key"], b""));
    assert_fails(
        &seal(p, &["dec", "-k", "key", "out.seal"], b""),
        3,
        "this stream was encrypted with public-key recipients (decrypt it with an identity), \
         not a key file",
    );
    assert_fails(
        &seal(p, &["dec", "out.seal"], b""),
        2,
        "no identity given: use -k IDENTITY_FILE",
    );
    assert_fails(
        &seal_env(
            p,
            &["dec", "--passphrase-env", "PW", "out.seal"],
            &[("PW", "pw")],
            b"",
        ),
        3,
        "not a passphrase",
    );
    // An identity for a key-file stream.
    ok(&seal(
        p,
        &["enc", "-k", "key", "-o", "keyed.seal", "plain"],
        b"",
    ));
    assert_fails(
        &seal(p, &["dec", "-k", "a.id", "keyed.seal"], b""),
        3,
        "this stream was encrypted with a key file, not an identity",
    );
    // info names the count and kinds, not the keys.
    let info = String::from_utf8(ok(&seal(p, &["info", "out.seal"], b"")).to_vec()).unwrap();
    assert!(
        info.contains("recipients: 3 (2 mlkem768x25519, 1 x25519)\n"),
        "{info}"
    );
    assert!(!info.contains("sealpq1") && !info.contains("sealx1"));
    let json =
        String::from_utf8(ok(&seal(p, &["info", "--json", "out.seal"], b"")).to_vec()).unwrap();
    assert!(
        json.contains("\"key_kind\":\"recipients\",\"kdf\":null,\"header_bytes\":2506,")
            && json.contains("\"recipients\":[\"mlkem768x25519\",\"x25519\",\"mlkem768x25519\"]"),
        "{json}"
    );
}

#[test]
fn armored_live_and_duplicate_recipients() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let r = identity(p, "me.id", "x25519");
    let out = ok(&seal(p, &["enc", "-a", "-r", &r, "-r", &r], b"armored")).to_vec();
    assert!(out.starts_with(b"-----BEGIN SEAL ENCRYPTED FILE-----\n"));
    assert_eq!(ok(&seal(p, &["dec", "-k", "me.id"], &out)), b"armored");
    // The duplicate was dropped: one stanza.
    let info = String::from_utf8(ok(&seal(p, &["info"], &out)).to_vec()).unwrap();
    assert!(info.contains("recipients: 1 (1 x25519)"), "{info}");
    let live = ok(&seal(
        p,
        &["enc", "--max-delay", "100ms", "-r", &r],
        b"live line\n",
    ))
    .to_vec();
    assert_eq!(live[8], 2, "version 2: live framing");
    assert_eq!(ok(&seal(p, &["dec", "-k", "me.id"], &live)), b"live line\n");
}

#[test]
fn recipients_never_mix_with_keys_or_passphrases() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let r = identity(p, "me.id", "x25519");
    ok(&seal(p, &["keygen", "-o", "key"], b""));
    fs::write(p.join("r.txt"), format!("{r}\n")).unwrap();
    for extra in [
        &["-k", "key"][..],
        &["--key-env", "K"],
        &["-p"],
        &["--passphrase-env", "PW"],
        &["--passphrase-fd", "3"],
        &["--kdf-passes", "2"],
    ] {
        for recipients in [&["-r", r.as_str()][..], &["-R", "r.txt"]] {
            let mut args = vec!["enc"];
            args.extend_from_slice(recipients);
            args.extend_from_slice(extra);
            let out = seal(p, &args, b"x");
            assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
            assert!(stderr(&out).contains("cannot be used with"), "{args:?}");
        }
    }
    // An identity given where a key is expected, for enc.
    assert_fails(
        &seal(p, &["enc", "-k", "me.id"], b"x"),
        2,
        "that is an identity (a secret, for decrypting): to encrypt to it, give its recipient with -r",
    );
}

#[test]
fn bad_recipients_are_named_and_refused_before_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let r = identity(p, "me.id", "mlkem768x25519");
    let x = identity(p, "x.id", "x25519");
    let run = |args: &[&str]| seal(p, args, b"data");
    // Truncated, mistyped, swapped, not a recipient at all.
    let cut = &r[..r.len() - 1];
    assert_fails(&run(&["enc", "-r", cut, "-o", "out"]), 3, "-r 'sealpq1");
    assert_fails(
        &run(&["enc", "-r", &x, "-r", cut, "-o", "out"]),
        3,
        "(recipient 2): malformed recipient: checksum mismatch",
    );
    let mut typo: Vec<char> = x.chars().collect();
    typo[20] = if typo[20] == 'q' { 'p' } else { 'q' };
    let typo: String = typo.into_iter().collect();
    assert_fails(
        &run(&["enc", "-r", &typo]),
        3,
        "malformed recipient: checksum mismatch",
    );
    assert_fails(
        &run(&["enc", "-r", "rage1qqqqqq"]),
        3,
        "not a recipient (expected sealpq1..., sealx1..., age1pq1..., age1... or an \
         ssh-ed25519 public key line)",
    );
    assert!(!p.join("out").exists());
    // Recipients files: the bad line by number, an identity never echoed, empty files,
    // missing files.
    fs::write(
        p.join("bad.txt"),
        format!("# ok\n{x}\n\n{}\n", &x[..x.len() - 2]),
    )
    .unwrap();
    assert_fails(
        &run(&["enc", "-R", "bad.txt"]),
        3,
        "recipients file 'bad.txt', line 4: malformed recipient: checksum mismatch",
    );
    let id_text = fs::read_to_string(p.join("me.id")).unwrap();
    let id_line = id_text.lines().last().unwrap();
    fs::write(p.join("secret.txt"), format!("{x}\n{id_line}\n")).unwrap();
    let out = run(&["enc", "-R", "secret.txt"]);
    assert_fails(
        &out,
        2,
        "recipients file 'secret.txt', line 2: that is an identity (a secret), not a recipient",
    );
    assert!(!stderr(&out).contains(id_text.trim_end()));
    let out = run(&["enc", "-r", id_text.trim_end()]);
    assert_fails(&out, 2, "that is an identity (a secret), not a recipient");
    assert!(!stderr(&out).contains(id_text.trim_end()));
    // A signer secret is named as one, and not echoed either.
    let made = run(&["keygen", "--signer", "-o", "s.signer"]);
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let signer_text = fs::read_to_string(p.join("s.signer")).unwrap();
    let signer_line = signer_text.lines().find(|l| !l.starts_with('#')).unwrap();
    let out = run(&["enc", "-r", signer_line]);
    assert_fails(
        &out,
        2,
        "-r (secret text, not shown) (recipient 1): that is a signer secret, not a recipient",
    );
    let (_, signer_data) = signer_line.rsplit_once('1').unwrap();
    assert!(!stderr(&out).contains(&signer_data[..16]));
    // Not even the start of a secret given to -r is echoed (the first 24 characters of an
    // identity hold up to 30 bits of its seed, of key text 52 bits of the key): an identity
    // in either case, key text. The identity is a post-quantum one: its 24 characters shown
    // would hold 6 of its data characters.
    let (_, data) = id_text.trim_end().rsplit_once('1').unwrap();
    let lower = id_text.trim_end().to_ascii_lowercase();
    let key_text =
        "SEAL-KEY-1-000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f9492c61a";
    for (secret, status, leak) in [
        (id_text.trim_end(), 2, &data[..6]),
        // Secret text is recognised in any case (issue 17): a usage error, as upper case is.
        (lower.as_str(), 2, &lower[lower.len() - data.len()..][..6]),
        (key_text, 2, "00010203"),
    ] {
        let out = run(&["enc", "-r", secret]);
        assert_fails(&out, status, "(recipient 1)");
        assert!(!stderr(&out).contains(leak), "{}", stderr(&out));
    }
    fs::write(p.join("empty.txt"), "# nobody yet\n\n").unwrap();
    assert_fails(
        &run(&["enc", "-R", "empty.txt"]),
        3,
        "recipients file 'empty.txt' has no recipients",
    );
    assert_fails(
        &run(&["enc", "-R", "missing.txt"]),
        3,
        "recipients file 'missing.txt'",
    );
    fs::write(p.join("binary.txt"), b"\xff\xfe\n").unwrap();
    assert_fails(
        &run(&["enc", "-R", "binary.txt"]),
        3,
        "recipients file 'binary.txt', line 1: malformed recipient",
    );
    // An identity truncated or mistyped at decryption.
    ok(&seal(p, &["enc", "-r", &x, "-o", "s.seal"], b"data"));
    let line = fs::read_to_string(p.join("x.id")).unwrap();
    fs::write(p.join("cut.id"), &line[..line.len() - 5]).unwrap();
    fs::set_permissions(p.join("cut.id"), fs::Permissions::from_mode(0o600)).unwrap();
    assert_fails(
        &seal(p, &["dec", "-k", "cut.id", "s.seal"], b""),
        3,
        // The identity is on line 3, under keygen's two comment lines.
        "identity file 'cut.id': line 3: malformed identity: checksum mismatch",
    );
}

#[test]
fn too_many_recipients_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    // 1025 distinct X25519 recipients, from keygen's own output.
    let mut list = String::new();
    for _ in 0..1025 {
        let out = seal(p, &["keygen", "--identity", "--kind", "x25519"], b"");
        let r = stderr(&out);
        list.push_str(r.strip_prefix("seal: recipient: ").unwrap());
    }
    fs::write(p.join("many.txt"), &list).unwrap();
    assert_fails(
        &seal(p, &["enc", "-R", "many.txt"], b"x"),
        2,
        "1025 recipients: a stream can have at most 1024",
    );
    // 1024 is fine.
    let most: String = list.lines().take(1024).map(|l| format!("{l}\n")).collect();
    fs::write(p.join("most.txt"), most).unwrap();
    ok(&seal(
        p,
        &["enc", "-R", "most.txt", "-o", "most.seal"],
        b"x",
    ));
}

#[test]
fn every_header_byte_of_a_recipient_stream_altered_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let a = identity(p, "a.id", "x25519");
    let b = identity(p, "b.id", "x25519");
    let stream = ok(&seal(p, &["enc", "-r", &a, "-r", &b], b"secret data")).to_vec();
    let header_len = 47 + 2 + 2 * (3 + 80) + 32;
    assert_eq!(stream.len(), header_len + 11 + 28);
    for offset in 0..header_len {
        let mut bad = stream.clone();
        bad[offset] ^= 0x04;
        for id in ["a.id", "b.id"] {
            let out = seal(p, &["dec", "-k", id], &bad);
            let code = out.status.code();
            assert!(
                matches!(code, Some(3..=5)),
                "byte {offset}: exit {code:?}: {}",
                stderr(&out)
            );
            assert!(out.stdout.is_empty(), "byte {offset}: plaintext released");
        }
    }
}

#[test]
fn hostile_counts_and_stanza_lengths_are_refused_as_format_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let a = identity(p, "a.id", "x25519");
    let stream = ok(&seal(p, &["enc", "-r", &a], b"x")).to_vec();
    let with = |at: usize, bytes: &[u8]| {
        let mut s = stream.clone();
        s[at..at + bytes.len()].copy_from_slice(bytes);
        s
    };
    for (bytes, message) in [
        (
            with(47, &[0, 0]),
            "recipient count 0 is out of range (1..=1024)",
        ),
        (
            with(47, &[0x04, 0x01]),
            "recipient count 1025 is out of range (1..=1024)",
        ),
        (
            with(47, &[0xff, 0xff]),
            "recipient count 65535 is out of range",
        ),
        (
            with(50, &[0x00, 0x51]),
            "recipient stanza 0 (kind 2) has a body of 81 bytes",
        ),
        (
            with(49, &[0x09, 0x08, 0x01]),
            "recipient stanza 0 (kind 9) has a body of 2049 bytes",
        ),
    ] {
        let out = seal(p, &["dec", "-k", "a.id"], &bytes);
        assert_fails(&out, 4, message);
        let out = seal(p, &["info"], &bytes);
        assert_fails(&out, 4, message);
    }
    // A count the header cannot hold: a truncated header.
    let out = seal(p, &["dec", "-k", "a.id"], &with(47, &[0, 2])[..49 + 83]);
    assert_fails(&out, 5, "stream truncated");
}
