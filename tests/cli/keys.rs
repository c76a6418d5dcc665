//! What belongs here: key files: `seal keygen` (private from creation, never overwriting),
//! where a key comes from (`-k`, `--key-env`, `SEAL_KEY_FILE`), what a key file may hold, and
//! key files that are missing, malformed, readable by others, not regular files, huge, or the
//! input or output itself. (Identities: recipients.rs; secrets in messages: secrets.rs.)

use crate::SEAL;
use crate::common::{assert_fails, ok, run_cmd, stderr};
use crate::kit::*;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

/// The key text with one hex digit of the key changed.
fn typo(good: &str) -> Vec<u8> {
    let mut bytes = good.as_bytes().to_vec();
    bytes[20] = if bytes[20] == b'0' { b'1' } else { b'0' };
    bytes
}

#[test]
fn keygen_writes_a_private_key_file_and_never_overwrites() {
    let s = Scratch::new();
    let text = fs::read_to_string(s.path("key")).unwrap();
    assert!(text.starts_with("SEAL-KEY-1-") && text.ends_with('\n'));
    assert_eq!(text.len(), 84);
    seal::Key::from_text(text.as_bytes()).unwrap();
    let mode = fs::metadata(s.path("key")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let out = s.run(&["keygen", "-o", "key"], b"");
    assert_fails(&out, 1, "already exists, and seal never overwrites a key");
    assert_eq!(fs::read_to_string(s.path("key")).unwrap(), text);
    // Without -o, the key goes to stdout; two keys differ.
    let a = s.run(&["keygen"], b"");
    let b = s.run(&["keygen"], b"");
    assert_ne!(ok(&a), ok(&b));
    seal::Key::from_text(ok(&a)).unwrap();
}

#[test]
fn key_from_environment_file_variable_and_secret_variable() {
    let s = Scratch::new();
    let key_text = fs::read_to_string(s.path("key")).unwrap();
    let sealed = ok(&s.run(&["enc", "-k", &s.key()], b"ci artifact")).to_vec();

    let mut cmd = s.cmd(&["dec"]);
    cmd.env("SEAL_KEY_FILE", s.key());
    assert_eq!(ok(&run_cmd(cmd, &sealed)), b"ci artifact");

    let mut cmd = s.cmd(&["dec", "--key-env", "CI_SECRET"]);
    cmd.env("CI_SECRET", key_text.trim_end());
    assert_eq!(ok(&run_cmd(cmd, &sealed)), b"ci artifact");

    // --key-env wins over SEAL_KEY_FILE.
    let mut cmd = s.cmd(&["dec", "--key-env", "CI_SECRET"]);
    cmd.env("CI_SECRET", &key_text)
        .env("SEAL_KEY_FILE", "/nonexistent");
    assert_eq!(ok(&run_cmd(cmd, &sealed)), b"ci artifact");

    let out = s.run(
        &["dec", "--key-env", "UNSET_VARIABLE_FOR_SEAL_TEST"],
        &sealed,
    );
    assert_fails(&out, 3, "UNSET_VARIABLE_FOR_SEAL_TEST");
    let mut cmd = s.cmd(&["dec", "--key-env", "CI_SECRET"]);
    cmd.env("CI_SECRET", "hunter2");
    assert_fails(&run_cmd(cmd, &sealed), 3, "not a seal key");
    assert_fails(&s.run(&["dec"], &sealed), 2, "no key given");
    assert_fails(
        &s.run(&["dec", "-k", &s.key(), "--key-env", "X"], &sealed),
        2,
        "cannot be used with",
    );
    // There is no way to pass the key itself as an argument, and seal never echoes it.
    let out = s.run(&["dec", "-k", key_text.trim_end()], &sealed);
    assert_fails(
        &out,
        2,
        "-k takes a key file's name, and this looks like key text (not shown)",
    );
    assert!(
        !stderr(&out).contains(&key_text[11..30]),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_key_files_are_refused_with_the_key_status() {
    let s = Scratch::new();
    let sealed = ok(&s.run(&["enc", "-k", &s.key()], b"x")).to_vec();
    let good = fs::read_to_string(s.path("key")).unwrap();
    let cases: [(&str, Vec<u8>, &str); 5] = [
        ("empty", Vec::new(), "not a seal key file"),
        ("stream", sealed.clone(), "not a seal key file"),
        ("short", good.as_bytes()[..60].to_vec(), "wrong length"),
        ("typo", typo(&good), "checksum"),
        (
            "upper",
            good.to_uppercase().into_bytes(),
            "invalid character",
        ),
    ];
    for (name, bytes, needle) in cases {
        let p = s.write(name, &bytes);
        fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
        let out = s.run(&["dec", "-k", name], &sealed);
        assert_fails(&out, 3, needle);
        assert!(out.stdout.is_empty());
    }
    assert_fails(
        &s.run(&["dec", "-k", "missing"], &sealed),
        3,
        "key file 'missing'",
    );
    let other = s.run(&["keygen", "-o", "other"], b"");
    ok(&other);
    assert_fails(&s.run(&["dec", "-k", "other"], &sealed), 3, "wrong key");
}

#[test]
fn a_key_file_readable_by_others_draws_a_warning() {
    let s = Scratch::new();
    fs::set_permissions(s.path("key"), fs::Permissions::from_mode(0o644)).unwrap();
    let out = s.run(&["enc", "-k", "key", "-o", "x"], b"data");
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("warning: key file 'key' is readable by others"));
}

#[test]
fn a_key_file_must_be_a_regular_file_and_never_blocks() {
    let dir = with_key();
    let d = dir.path();
    fs::write(d.join("plain"), b"x").unwrap();
    let made = Command::new("mkfifo").arg(d.join("fifo")).status().unwrap();
    assert!(made.success());
    // A FIFO with no writer would block an ordinary open forever.
    let out = seal_with_timeout(
        d,
        &["enc", "-k", "fifo", "-o", "out", "plain"],
        Stdio::null(),
    );
    assert_fails(
        &out,
        3,
        "key file 'fifo' is a pipe (FIFO): a key file must be a regular file",
    );
    // -k /dev/stdin would eat the input, or wait on a terminal.
    let out = seal_with_timeout(d, &["enc", "-k", "/dev/stdin", "-o", "out"], Stdio::piped());
    assert_fails(&out, 3, "must be a regular file");
    let out = seal_with_timeout(
        d,
        &["enc", "-k", "/dev/null", "-o", "out", "plain"],
        Stdio::null(),
    );
    assert_fails(&out, 3, "key file '/dev/null' is a device");
    assert!(!d.join("out").exists());
}

#[test]
fn the_key_file_is_never_the_output_or_the_input() {
    let dir = with_key();
    let d = dir.path();
    let key_before = fs::read(d.join("key")).unwrap();
    fs::write(d.join("plain"), b"x").unwrap();
    fs::hard_link(d.join("key"), d.join("alias")).unwrap();
    for args in [
        &["enc", "-k", "key", "-o", "key", "plain"][..],
        &["enc", "-k", "key", "-o", "./alias", "plain"][..],
        &["dec", "-k", "key", "-o", "key", "plain"][..],
    ] {
        let out = seal_no_stdin(d, args);
        assert_fails(
            &out,
            1,
            "the key or identity file is also the output: refusing to overwrite it",
        );
    }
    let out = seal_no_stdin(d, &["enc", "-k", "key", "-o", "out", "alias"]);
    assert_fails(&out, 1, "the key or identity file is also the input");
    let mut cmd = Command::new(SEAL);
    cmd.args(["enc", "-o", "out", "key"])
        .current_dir(d)
        .env("SEAL_KEY_FILE", "key")
        .stdin(Stdio::null());
    assert_fails(
        &cmd.output().unwrap(),
        1,
        "the key or identity file is also the input",
    );
    assert_eq!(fs::read(d.join("key")).unwrap(), key_before);
    assert!(!d.join("out").exists());
}

#[test]
fn keygen_file_is_private_from_creation_even_with_a_permissive_umask() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new("sh")
        .args(["-c", &format!("umask 000; {SEAL} keygen -o key")])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let mode = fs::metadata(dir.path().join("key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn key_file_that_is_a_directory_or_huge_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("keydir")).unwrap();
    fs::write(dir.path().join("huge"), vec![b'A'; 10 << 20]).unwrap();
    fs::set_permissions(dir.path().join("huge"), fs::Permissions::from_mode(0o600)).unwrap();
    for (key, needle) in [
        ("keydir", "key file 'keydir'"),
        ("huge", "not a seal key file"),
    ] {
        let out = Command::new(SEAL)
            .args(["enc", "-k", key, "-o", "out", "/dev/null"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{key}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{key}: {err}");
    }
}

#[test]
fn a_key_file_may_end_in_spaces_and_blank_lines_but_nothing_else() {
    let dir = with_key_and_doc();
    let p = dir.path();
    let key = fs::read_to_string(p.join("key")).unwrap();
    let sealed = ok(&seal_setsid(p, &["enc", "-k", "key", "doc.txt"], &[], b"")).to_vec();
    let write_key = |name: &str, text: String| {
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(p.join(name))
            .unwrap();
        std::io::Write::write_all(&mut f, text.as_bytes()).unwrap();
    };
    // What an editor or `echo >> key` leaves.
    write_key("edited", format!("{}  \t\n\n \r\n\n", key.trim_end()));
    let out = seal_setsid(p, &["dec", "-k", "edited"], &[], &sealed);
    assert_eq!(ok(&out), b"the plaintext\n");
    write_key("commented", format!("{key}\n# backup key\n"));
    let out = seal_setsid(p, &["dec", "-k", "commented"], &[], &sealed);
    assert_fails(&out, 3, "unexpected text after the key");
}
