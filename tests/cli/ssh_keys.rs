//! OpenSSH keys through the real binary (issue 17), made by the real `ssh-keygen` inside each
//! test (Debian's openssh-client; .ci/run installs it): `enc -R id_ed25519.pub | dec -k
//! id_ed25519`, passphrase-protected keys, unsupported key types named (and skipped in a
//! recipients file, with a warning naming the line), authorized_keys options, `-R -`, and the
//! refusal to mix post-quantum and classical recipients.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use crate::common::{assert_fails, ok, stderr};
use crate::kit::{identity, seal, seal_env, seal_ok, seal_setsid, ssh_keygen, write_secret};

/// A scratch directory with the plaintext `plain` in it; returns it and the plaintext.
fn scratch() -> (tempfile::TempDir, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let text = b"the keys people already have\n".repeat(100);
    fs::write(dir.path().join("plain"), &text).unwrap();
    (dir, text)
}

/// `seal dec -k KEY --passphrase-fd 0 STREAM` in `dir`, with `passphrase` on stdin.
fn dec_passphrase_fd(dir: &Path, key: &str, stream: &str, passphrase: &[u8]) -> Output {
    seal(
        dir,
        &["dec", "-k", key, "--passphrase-fd", "0", stream],
        passphrase,
    )
}

#[test]
fn an_ed25519_key_pair_from_ssh_keygen_round_trips() {
    let (dir, text) = scratch();
    let p = dir.path();
    ssh_keygen(p, "id_ed25519", "ed25519", "", &[]);
    seal_ok(p, &["enc", "-R", "id_ed25519.pub", "-o", "a.seal", "plain"]);
    assert_eq!(
        seal_ok(p, &["dec", "-k", "id_ed25519", "a.seal"]),
        &text[..]
    );
    // One -r argument (with its comment), and the public line seal prints for the private key.
    let line = fs::read_to_string(p.join("id_ed25519.pub")).unwrap();
    seal_ok(p, &["enc", "-r", line.trim_end(), "-o", "b.seal", "plain"]);
    assert_eq!(
        seal_ok(p, &["dec", "-k", "id_ed25519", "b.seal"]),
        &text[..]
    );
    let printed = seal_ok(p, &["recipient", "id_ed25519"]);
    let type_and_key: Vec<&str> = line.split(' ').take(2).collect();
    assert_eq!(
        String::from_utf8(printed).unwrap(),
        format!("{}\n", type_and_key.join(" "))
    );
    // `seal info` names the kind and says it is classical.
    let info = String::from_utf8(seal_ok(p, &["info", "a.seal"])).unwrap();
    assert!(info.contains("recipients: 1 (1 ssh-ed25519)"), "{info}");
    assert!(
        info.contains("classical:  1 of 1 stanzas are not post-quantum"),
        "{info}"
    );
    // Another ed25519 key does not open it.
    ssh_keygen(p, "other", "ed25519", "", &[]);
    assert_fails(
        &seal(p, &["dec", "-k", "other", "a.seal"], b""),
        3,
        "no identity matches",
    );
}

#[test]
fn a_passphrase_protected_key_asks_or_reads_the_fd_and_only_when_needed() {
    let (dir, text) = scratch();
    let p = dir.path();
    ssh_keygen(p, "enc_key", "ed25519", "correct horse", &[]);
    seal_ok(p, &["enc", "-R", "enc_key.pub", "-o", "a.seal", "plain"]);
    let with_fd = |pass: &[u8]| dec_passphrase_fd(p, "enc_key", "a.seal", pass);
    assert_eq!(ok(&with_fd(b"correct horse\n")), &text[..]);
    // --passphrase-env is a stream's passphrase only, never an SSH key's (CHANGELOG, --help).
    let args = ["dec", "-k", "enc_key", "--passphrase-env", "P", "a.seal"];
    let out = seal_env(p, &args, &[("P", "correct horse")], b"");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("'--passphrase-env <NAME>'"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());
    let help = String::from_utf8(seal_ok(p, &["dec", "--help"])).unwrap();
    assert!(help.contains("it does not unlock an"), "{help}");
    assert_fails(
        &with_fd(b"battery staple\n"),
        3,
        "key file 'enc_key': wrong passphrase, or the key file is damaged",
    );
    // Two encrypted keys and one passphrase: the key it does not decrypt is passed over, the
    // next one tried.
    ssh_keygen(p, "second", "ed25519", "battery staple", &[]);
    seal_ok(p, &["enc", "-R", "second.pub", "-o", "s.seal", "plain"]);
    let out = seal(
        p,
        &[
            "dec",
            "-k",
            "enc_key",
            "-k",
            "second",
            "--passphrase-fd",
            "0",
            "s.seal",
        ],
        b"battery staple\n",
    );
    assert_eq!(ok(&out), &text[..]);
    // A stream another identity opens never needs the passphrase: no prompt, no fd.
    let team = identity(p, "team.id", "x25519");
    seal_ok(
        p,
        &[
            "enc",
            "-r",
            &team,
            "-R",
            "enc_key.pub",
            "-o",
            "b.seal",
            "plain",
        ],
    );
    // setsid: no controlling terminal, so a prompt could not even be shown.
    let args = ["dec", "-k", "enc_key", "-k", "team.id", "b.seal"];
    assert_eq!(ok(&seal_setsid(p, &args, &[], b"")), &text[..]);
    // Without a terminal or --passphrase-fd, a stream only the encrypted key opens is refused.
    assert_fails(
        &seal_setsid(p, &["dec", "-k", "enc_key", "a.seal"], &[], b""),
        3,
        "key file 'enc_key': passphrase-protected: run on a terminal or give --passphrase-fd",
    );
}

/// The rounds field of a `-N`-protected OpenSSH key file set to `rounds` (the clear part:
/// magic, cipher, kdf name, kdf options = string salt ‖ u32 rounds).
fn with_rounds(pem: &str, rounds: u32) -> String {
    use base64ct::{Base64, Encoding};
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let mut bytes = Base64::decode_vec(&body).unwrap();
    let mut at = b"openssh-key-v1\0".len();
    for _ in 0..2 {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        at += 4 + len;
    }
    // kdfoptions: u32 length, string salt, u32 rounds.
    at += 4;
    let salt_len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    at += 4 + salt_len;
    assert_eq!(
        u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()),
        16
    );
    bytes[at..at + 4].copy_from_slice(&rounds.to_be_bytes());
    let b64 = Base64::encode_string(&bytes);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(70)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN OPENSSH PRIVATE KEY-----\n{}\n-----END OPENSSH PRIVATE KEY-----\n",
        lines.join("\n")
    )
}

#[test]
fn every_cipher_ssh_keygen_encrypts_with_and_a_crlf_copy_are_read() {
    let (dir, text) = scratch();
    let p = dir.path();
    for (name, cipher) in [
        ("ctr", None),
        ("chacha", Some("chacha20-poly1305@openssh.com")),
        ("gcm", Some("aes256-gcm@openssh.com")),
    ] {
        let extra: Vec<&str> = cipher.map(|c| vec!["-Z", c]).unwrap_or_default();
        ssh_keygen(p, name, "ed25519", "pass-phrase", &extra);
        seal_ok(
            p,
            &["enc", "-R", &format!("{name}.pub"), "-o", "a.seal", "plain"],
        );
        let out = dec_passphrase_fd(p, name, "a.seal", b"pass-phrase\n");
        assert_eq!(ok(&out), &text[..], "{name}");
    }
    // A private key and a recipients file with CRLF line endings (and a byte-order mark).
    let crlf = fs::read_to_string(p.join("ctr"))
        .unwrap()
        .replace('\n', "\r\n");
    write_secret(&p.join("crlf"), &crlf);
    let public = fs::read_to_string(p.join("ctr.pub"))
        .unwrap()
        .replace('\n', "\r\n");
    fs::write(p.join("crlf.pub"), format!("\u{feff}{public}")).unwrap();
    seal_ok(p, &["enc", "-R", "crlf.pub", "-o", "b.seal", "plain"]);
    let out = dec_passphrase_fd(p, "crlf", "b.seal", b"pass-phrase\n");
    assert_eq!(ok(&out), &text[..]);
}

#[test]
fn bcrypt_rounds_are_bounded_before_any_passphrase_is_read() {
    let (dir, _) = scratch();
    let p = dir.path();
    ssh_keygen(p, "k", "ed25519", "pw-pw-pw", &[]);
    seal_ok(p, &["enc", "-R", "k.pub", "-o", "a.seal", "plain"]);
    let pem = fs::read_to_string(p.join("k")).unwrap();
    for rounds in [513, u32::MAX] {
        write_secret(&p.join("slow"), &with_rounds(&pem, rounds));
        // The passphrase on stdin is never read: the refusal comes first.
        assert_fails(
            &dec_passphrase_fd(p, "slow", "a.seal", b"pw-pw-pw\n"),
            3,
            &format!("bcrypt-pbkdf with {rounds} rounds is outside seal's bound of 1..=512"),
        );
    }
    // 512 itself is accepted (and 16 decrypts as ssh-keygen wrote it).
    write_secret(&p.join("k512"), &with_rounds(&pem, 512));
    assert_fails(
        &dec_passphrase_fd(p, "k512", "a.seal", b"wrong-wrong\n"),
        3,
        "wrong passphrase, or the key file is damaged",
    );
}

#[test]
fn rsa_and_ecdsa_keys_are_named_and_skipped_in_a_keys_file() {
    let (dir, text) = scratch();
    let p = dir.path();
    ssh_keygen(p, "ed", "ed25519", "", &[]);
    ssh_keygen(p, "rsa", "rsa", "", &["-b", "2048"]);
    ssh_keygen(p, "ec", "ecdsa", "", &[]);
    // As identities: refused by name, exit 3.
    seal_ok(p, &["enc", "-R", "ed.pub", "-o", "a.seal", "plain"]);
    assert_fails(
        &seal(p, &["dec", "-k", "rsa", "a.seal"], b""),
        3,
        "identity file 'rsa': ssh-rsa keys are not supported: decrypting with RSA would need \
         the Rust `rsa` crate, whose timing side channel (RUSTSEC-2023-0071, Marvin attack) has \
         no fixed release; use an ssh-ed25519 key (ssh-keygen -t ed25519)",
    );
    assert_fails(
        &seal(p, &["dec", "-k", "ec", "a.seal"], b""),
        3,
        "identity file 'ec': ecdsa-sha2-nistp256 (ECDSA) SSH keys are not supported",
    );
    // As one -r: refused.
    let rsa_line = fs::read_to_string(p.join("rsa.pub")).unwrap();
    assert_fails(
        &seal(p, &["enc", "-r", rsa_line.trim_end(), "plain"], b""),
        3,
        "ssh-rsa keys are not supported",
    );
    // A GitHub-style USER.keys text (no comments): the ed25519 key is used, the others are
    // skipped with a warning naming the line, even with -q.
    let strip = |f: &str| {
        let l = fs::read_to_string(p.join(f)).unwrap();
        l.split(' ').take(2).collect::<Vec<_>>().join(" ")
    };
    let keys = format!(
        "{}\n{}\n{}\n",
        strip("ed.pub"),
        strip("rsa.pub"),
        strip("ec.pub")
    );
    fs::write(p.join("user.keys"), &keys).unwrap();
    let out = seal(
        p,
        &["enc", "-q", "-R", "user.keys", "-o", "b.seal", "plain"],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with(
        "seal: warning: recipients file 'user.keys', line 2: skipping ssh-rsa key: ssh-rsa keys \
         are not supported"
    ));
    assert!(lines[1].starts_with(
        "seal: warning: recipients file 'user.keys', line 3: skipping ecdsa-sha2-nistp256 key:"
    ));
    assert_eq!(seal_ok(p, &["dec", "-k", "ed", "b.seal"]), &text[..]);
    // Only unusable keys: refused.
    fs::write(
        p.join("none.keys"),
        format!("{}\n{}\n", strip("rsa.pub"), strip("ec.pub")),
    )
    .unwrap();
    let out = seal(p, &["enc", "-R", "none.keys", "-o", "c.seal", "plain"], b"");
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(err.ends_with(
        "seal: recipients file 'none.keys' has no usable recipient: line(s) 1, 2 hold SSH keys of \
         types seal does not use (see the warnings above)\n"
    ), "{err}");
    assert!(!p.join("c.seal").exists());
    // A malformed line is refused, not skipped.
    fs::write(
        p.join("bad.keys"),
        format!("{}\nssh-rsa AAAA!!\n", strip("ed.pub")),
    )
    .unwrap();
    assert_fails(
        &seal(p, &["enc", "-R", "bad.keys", "plain"], b""),
        3,
        "recipients file 'bad.keys', line 2",
    );
}

#[test]
fn authorized_keys_options_are_read_and_ca_and_known_hosts_lines_refused() {
    let (dir, text) = scratch();
    let p = dir.path();
    ssh_keygen(p, "ed", "ed25519", "", &[]);
    let line = fs::read_to_string(p.join("ed.pub")).unwrap();
    let line = line.trim_end();
    fs::write(
        p.join("authorized_keys"),
        format!("# deploy\nfrom=\"10.0.0.1\",no-pty,command=\"echo a, \\\"b\\\"\" {line}\n"),
    )
    .unwrap();
    seal_ok(
        p,
        &["enc", "-R", "authorized_keys", "-o", "a.seal", "plain"],
    );
    assert_eq!(seal_ok(p, &["dec", "-k", "ed", "a.seal"]), &text[..]);
    fs::write(
        p.join("ca"),
        format!("cert-authority,principals=\"x\" {line}\n"),
    )
    .unwrap();
    assert_fails(
        &seal(p, &["enc", "-R", "ca", "plain"], b""),
        3,
        "recipients file 'ca', line 1: a cert-authority key is a certificate authority's",
    );
    fs::write(
        p.join("known_hosts"),
        format!("github.com,140.82.112.3 {line}\n"),
    )
    .unwrap();
    assert_fails(
        &seal(p, &["enc", "-R", "known_hosts", "plain"], b""),
        3,
        "recipients file 'known_hosts', line 1: malformed recipient: not a recipient (unknown \
         authorized_keys option: a known_hosts line?)",
    );
}

#[test]
fn a_private_key_as_recipients_file_and_recipients_from_stdin() {
    let (dir, text) = scratch();
    let p = dir.path();
    ssh_keygen(p, "id_ed25519", "ed25519", "", &[]);
    assert_fails(
        &seal(p, &["enc", "-R", "id_ed25519", "plain"], b""),
        2,
        "recipients file 'id_ed25519' is a private key, not a recipients file: use \
         'id_ed25519.pub' (its public key)",
    );
    let pubkey = fs::read(p.join("id_ed25519.pub")).unwrap();
    ok(&seal(
        p,
        &["enc", "-R", "-", "-o", "a.seal", "plain"],
        &pubkey,
    ));
    assert_eq!(
        seal_ok(p, &["dec", "-k", "id_ed25519", "a.seal"]),
        &text[..]
    );
    assert_fails(
        &seal(p, &["enc", "-R", "-"], &pubkey),
        2,
        "-R - reads stdin, which is also the input: name an INPUT file",
    );
}

#[test]
fn post_quantum_and_classical_recipients_are_not_mixed_unless_asked() {
    let (dir, text) = scratch();
    let p = dir.path();
    ssh_keygen(p, "ed", "ed25519", "", &[]);
    let pq = identity(p, "pq.id", "mlkem768x25519");
    let x = identity(p, "x.id", "x25519");
    // The library's refusal (Recipient::check_mix, the one statement of the rule), with the
    // flag that allows the mix named by the binary.
    let refusal = "seal: --allow-classical-mix not given: refusing to mix 1 post-quantum and 1 \
                   classical recipients: anyone who breaks the classical ones (as a quantum \
                   computer could) gets the file key, so the post-quantum recipients would \
                   protect nothing; encrypt to post-quantum recipients only, or allow the mix \
                   on purpose\n";
    for args in [
        ["enc", "-r", &pq, "-R", "ed.pub", "-o", "never", "plain"],
        ["enc", "-r", &pq, "-r", &x, "-o", "never", "plain"],
    ] {
        let out = seal(p, &args, b"");
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert_eq!(stderr(&out), refusal);
        // Refused before the output was made.
        assert!(!p.join("never").exists());
    }
    // All classical: no flag needed.
    seal_ok(
        p,
        &["enc", "-r", &x, "-R", "ed.pub", "-o", "c.seal", "plain"],
    );
    // On purpose: allowed, and `seal info` says so.
    seal_ok(
        p,
        &[
            "enc",
            "--allow-classical-mix",
            "-r",
            &pq,
            "-R",
            "ed.pub",
            "-o",
            "m.seal",
            "plain",
        ],
    );
    for id in ["pq.id", "ed"] {
        assert_eq!(seal_ok(p, &["dec", "-k", id, "m.seal"]), &text[..]);
    }
    let info = String::from_utf8(seal_ok(p, &["info", "m.seal"])).unwrap();
    assert!(
        info.contains("classical:  1 of 2 stanzas are not post-quantum"),
        "{info}"
    );
    let json = String::from_utf8(seal_ok(p, &["info", "--json", "m.seal"])).unwrap();
    assert!(
        json.contains(r#""recipients":["mlkem768x25519","ssh-ed25519"],"classical_stanzas":1"#),
        "{json}"
    );
    // A post-quantum-only stream says nothing about classical stanzas, and 0 in JSON.
    seal_ok(p, &["enc", "-r", &pq, "-o", "q.seal", "plain"]);
    let info = String::from_utf8(seal_ok(p, &["info", "q.seal"])).unwrap();
    assert!(!info.contains("classical"), "{info}");
    let json = String::from_utf8(seal_ok(p, &["info", "--json", "q.seal"])).unwrap();
    assert!(json.contains(r#""classical_stanzas":0"#), "{json}");
}

#[test]
fn ten_identities_of_mixed_kinds_and_the_wrong_one_among_them() {
    let (dir, text) = scratch();
    let p = dir.path();
    // 3 seal post-quantum and 3 seal X25519 identities in one file, 2 age identities in
    // another, 2 SSH keys: ten identities from four -k files.
    let mut seal_ids = String::new();
    let mut recipients = Vec::new();
    for (i, kind) in [
        "mlkem768x25519",
        "mlkem768x25519",
        "mlkem768x25519",
        "x25519",
        "x25519",
        "x25519",
    ]
    .iter()
    .enumerate()
    {
        let name = format!("s{i}.id");
        recipients.push(identity(p, &name, kind));
        seal_ids.push_str(&fs::read_to_string(p.join(&name)).unwrap());
    }
    write_secret(&p.join("seal.ids"), &seal_ids);
    let mut age_ids = String::new();
    for i in 0..2 {
        let out = Command::new("age-keygen")
            .output()
            .expect("age-keygen (Debian package age) must be installed");
        assert!(out.status.success(), "age-keygen {i}");
        age_ids.push_str(&String::from_utf8(out.stdout).unwrap());
    }
    write_secret(&p.join("age.ids"), &age_ids);
    ssh_keygen(p, "ssh1", "ed25519", "", &[]);
    ssh_keygen(p, "ssh2", "ed25519", "", &[]);
    let ks = [
        "-k", "seal.ids", "-k", "age.ids", "-k", "ssh1", "-k", "ssh2",
    ];
    // A stream for the last SSH key: found among the ten.
    seal_ok(p, &["enc", "-R", "ssh2.pub", "-o", "a.seal", "plain"]);
    let mut args = vec!["dec"];
    args.extend(ks);
    args.push("a.seal");
    assert_eq!(seal_ok(p, &args), &text[..]);
    // A stream for the fourth seal identity (X25519).
    seal_ok(p, &["enc", "-r", &recipients[3], "-o", "b.seal", "plain"]);
    args.pop();
    args.push("b.seal");
    assert_eq!(seal_ok(p, &args), &text[..]);
    // A stream for an eleventh identity: none of the ten matches, with the counts by kind.
    ssh_keygen(p, "stranger", "ed25519", "", &[]);
    seal_ok(p, &["enc", "-R", "stranger.pub", "-o", "c.seal", "plain"]);
    args.pop();
    args.push("c.seal");
    assert_fails(
        &seal(p, &args, b""),
        3,
        "no identity matches the stream's recipient (stanzas: 1 ssh-ed25519; identities tried: \
         3 mlkem768x25519, 5 x25519, 2 ssh-ed25519)",
    );
}

#[test]
fn a_locked_ssh_key_for_a_stream_without_ssh_stanzas_is_counted_in_the_refusal() {
    let (dir, _) = scratch();
    let p = dir.path();
    ssh_keygen(p, "edp", "ed25519", "pw-pw-pw", &[]);
    assert!(
        seal(p, &["keygen", "--identity", "-o", "s.id"], b"")
            .status
            .success()
    );
    let r = String::from_utf8(seal_ok(p, &["recipient", "s.id"])).unwrap();
    seal_ok(p, &["enc", "-r", r.trim(), "-o", "c.seal", "plain"]);
    for (args, locked) in [
        (
            &["dec", "-k", "edp", "c.seal"][..],
            "1 passphrase-protected ssh-ed25519 key",
        ),
        (
            &["dec", "-k", "edp", "-k", "edp", "c.seal"][..],
            "2 passphrase-protected ssh-ed25519 keys",
        ),
    ] {
        let out = seal_setsid(p, args, &[], b"");
        assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
        assert_eq!(
            stderr(&out),
            format!(
                "seal: 'c.seal': {locked} not unlocked (the stream has no ssh-ed25519 stanza): \
                 no identity matches the stream's recipient (stanzas: 1 mlkem768x25519; \
                 identities tried: none)\n"
            )
        );
    }
}

#[test]
fn a_trial_over_its_bound_with_the_locked_keys_counted_is_refused_before_asking() {
    let (dir, _) = scratch();
    let p = dir.path();
    ssh_keygen(p, "edp", "ed25519", "pw-pw-pw", &[]);
    // 257 stanzas to SSH keys (A = k·B, k = 1..=257: valid keys, made here as their number
    // needs no ssh-keygen run each) and 64 locked keys (the most identities): 16448 trials,
    // over the bound of 16384; the ready identities (none) need no trial at all.
    use base64ct::Encoding;
    let keys: String = (1..=257u64)
        .map(|k| {
            let a = curve25519_dalek::EdwardsPoint::mul_base(&curve25519_dalek::Scalar::from(k));
            let mut wire = b"\0\0\0\x0bssh-ed25519\0\0\0\x20".to_vec();
            wire.extend_from_slice(a.compress().as_bytes());
            format!(
                "ssh-ed25519 {} k{k}\n",
                base64ct::Base64::encode_string(&wire)
            )
        })
        .collect();
    fs::write(p.join("many.pub"), keys).unwrap();
    seal_ok(p, &["enc", "-R", "many.pub", "-o", "m.seal", "plain"]);
    let mut args = vec!["dec"];
    for _ in 0..64 {
        args.extend(["-k", "edp"]);
    }
    args.push("m.seal");
    // No terminal: asking would fail with "passphrase-protected: run on a terminal"; the
    // bound is reported instead, before any passphrase is asked for.
    let out = seal_setsid(p, &args, &[], b"");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "seal: 'm.seal': trying the stream's 257 recipient stanzas with 64 identities would \
         cost 16448 units of work, over seal's bound of 16384: give only the identities this \
         stream is for\n"
    );
}
