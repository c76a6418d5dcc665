//! The edges around the streams: where `-o` output lands for each kind of target, durability,
//! signals, a dead stderr, odd descriptors and key files that are not files. Device nodes and
//! other root-only setups run in a private user and mount namespace (`unshare -rm`).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::SEAL;
use crate::common::*;

/// A scratch directory with a private key file `key` in it.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = seal(dir.path(), &["keygen", "-o", "key"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir
}

/// `seal ARGS` in `dir`, stdin from /dev/null, stdout and stderr captured.
fn seal(dir: &Path, args: &[&str]) -> Output {
    Command::new(SEAL)
        .args(args)
        .current_dir(dir)
        .env_remove("SEAL_KEY_FILE")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// `seal ARGS` with stderr a pipe whose reader is already gone.
fn seal_dead_stderr(dir: &Path, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Command::new(SEAL)
        .args(args)
        .current_dir(dir)
        .env_remove("SEAL_KEY_FILE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(writer))
        .output()
        .unwrap()
}

#[test]
fn a_dead_stderr_never_changes_the_exit_status() {
    let dir = setup();
    let d = dir.path();
    fs::write(d.join("plain"), b"attack at dawn").unwrap();
    // A warning (group-readable key) on a dead stderr: the run still succeeds.
    fs::set_permissions(d.join("key"), fs::Permissions::from_mode(0o640)).unwrap();
    let out = seal_dead_stderr(d, &["enc", "-k", "key", "-o", "sealed", "plain"]);
    assert_eq!(out.status.code(), Some(0));
    let out = seal_dead_stderr(d, &["dec", "-k", "key", "sealed"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, b"attack at dawn");
    // Errors keep their documented statuses: usage, key, format.
    for (args, code) in [
        (&["enc", "--bogus"][..], 2),
        (&["dec", "-k", "missing", "sealed"][..], 3),
        (&["dec", "-k", "key", "plain"][..], 4),
    ] {
        let out = seal_dead_stderr(d, args);
        assert_eq!(out.status.code(), Some(code), "{args:?}");
    }
}

#[test]
fn control_characters_in_file_names_are_escaped() {
    let dir = setup();
    let name = "evil\u{1b}[2J\nseal: all good";
    let out = seal(dir.path(), &["enc", "-k", "key", "-o", "out", name]);
    assert_fails(&out, 1, r"'evil\u{1b}[2J\nseal: all good'");
    assert!(!out.stderr.contains(&0x1b));
}

/// `seal ARGS` under timeout(1), so that a hang fails the test instead of blocking it.
fn seal_with_timeout(dir: &Path, args: &[&str], stdin: Stdio) -> Output {
    Command::new("timeout")
        .arg("10")
        .arg(SEAL)
        .args(args)
        .current_dir(dir)
        .env_remove("SEAL_KEY_FILE")
        .stdin(stdin)
        .output()
        .unwrap()
}

#[test]
fn a_key_file_must_be_a_regular_file_and_never_blocks() {
    let dir = setup();
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
    let dir = setup();
    let d = dir.path();
    let key_before = fs::read(d.join("key")).unwrap();
    fs::write(d.join("plain"), b"x").unwrap();
    fs::hard_link(d.join("key"), d.join("alias")).unwrap();
    for args in [
        &["enc", "-k", "key", "-o", "key", "plain"][..],
        &["enc", "-k", "key", "-o", "./alias", "plain"][..],
        &["dec", "-k", "key", "-o", "key", "plain"][..],
    ] {
        let out = seal(d, args);
        assert_fails(
            &out,
            1,
            "the key file is also the output: refusing to overwrite the key",
        );
    }
    let out = seal(d, &["enc", "-k", "key", "-o", "out", "alias"]);
    assert_fails(&out, 1, "the key file is also the input");
    let mut cmd = Command::new(SEAL);
    cmd.args(["enc", "-o", "out", "key"])
        .current_dir(d)
        .env("SEAL_KEY_FILE", "key")
        .stdin(Stdio::null());
    assert_fails(&cmd.output().unwrap(), 1, "the key file is also the input");
    assert_eq!(fs::read(d.join("key")).unwrap(), key_before);
    assert!(!d.join("out").exists());
}
