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
