//! What belongs here: terminals: ciphertext is never written to one (by any path to it),
//! binary input from one gets the usage instead of a silent wait. (Passphrase prompts:
//! passphrase.rs; the progress bar: progress.rs.)

use crate::SEAL;
use crate::common::*;
use crate::kit::*;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs `command` under script(1), with a pseudo-terminal as its stdin and stdout.
pub fn on_a_terminal(dir: &Path, command: &str) -> String {
    let out = Command::new("script")
        .args(["-qec", command, "/dev/null"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("the `script` program (util-linux) runs this test");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `command` under script(1) (a pseudo-terminal on stdin and stdout) in a private user
/// and mount namespace whose /dev is a tmpfs holding only what the command needs. Code that
/// renamed a file over `/dev/stdout` (as seal once did, run as root) can then damage only
/// that copy, never the machine's /dev. Prints `stdout-is-a-link` after the command if
/// /dev/stdout is still a link.
fn on_a_terminal_with_private_dev(dir: &Path, command: &str) -> String {
    let setup = "set -eu; mkdir -p realdev; mount --rbind /dev realdev; \
         mount -t tmpfs tmpfs /dev; \
         for f in null tty; do touch /dev/$f; mount --bind realdev/$f /dev/$f; done; \
         mkdir /dev/pts; mount --bind realdev/pts /dev/pts; ln -s pts/ptmx /dev/ptmx; \
         ln -s /proc/self/fd /dev/fd; ln -s /proc/self/fd/0 /dev/stdin; \
         ln -s /proc/self/fd/1 /dev/stdout; ln -s /proc/self/fd/2 /dev/stderr; \
         exec script -qec \"$0\" /dev/null";
    let command = format!("{command}; test -L /dev/stdout && echo stdout-is-a-link; true");
    let out = Command::new("unshare")
        .args([
            "--user",
            "--map-root-user",
            "--mount",
            "sh",
            "-c",
            setup,
            &command,
        ])
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("unshare and script (util-linux) run this test");
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn ciphertext_is_never_written_to_a_terminal() {
    // `script` runs seal with a pseudo-terminal as its stdout.
    let s = Scratch::new();
    s.write("plain", b"secret");
    let command = format!("{SEAL} enc -k key plain; echo \"status=$?\"");
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(s.dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("the `script` program (util-linux) is needed for this test");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("refusing to write ciphertext to a terminal"),
        "{text}"
    );
    assert!(text.contains("status=1"), "{text}");
    assert!(!text.contains("SEAL"), "{text}");
}

#[test]
fn a_terminal_reached_by_any_path_gets_no_ciphertext() {
    let dir = with_key();
    let d = dir.path();
    fs::write(d.join("plain"), b"x").unwrap();
    for target in ["/dev/stdout", "/dev/tty", "/proc/self/fd/1"] {
        let text = on_a_terminal_with_private_dev(
            d,
            &format!("{SEAL} enc -k key -o {target} plain; echo \"status=$?\""),
        );
        assert!(
            text.contains("refusing to write ciphertext to a terminal"),
            "{target}: {text}"
        );
        assert!(text.contains("status=1"), "{target}: {text}");
        assert!(text.contains("stdout-is-a-link"), "{target}: {text}");
    }
    // Armor is text: it may go to a terminal by any path.
    let text = on_a_terminal_with_private_dev(
        d,
        &format!("{SEAL} enc -a -k key -o /dev/stdout plain; echo \"status=$?\""),
    );
    assert!(text.contains("BEGIN SEAL"), "{text}");
    assert!(text.contains("status=0"), "{text}");
}

#[test]
fn binary_input_from_a_terminal_gets_usage_instead_of_a_silent_wait() {
    let dir = tempfile::tempdir().unwrap();
    keygen(dir.path());
    let text = on_a_terminal(
        dir.path(),
        &format!("timeout 20 {SEAL} enc -k key -o out; echo \"status=$?\""),
    );
    assert!(
        text.contains("enc: no INPUT given and stdin is a terminal"),
        "{text}"
    );
    assert!(text.contains("tar c dir | seal enc"), "{text}");
    assert!(text.contains("status=2"), "{text}");
    let text = on_a_terminal(
        dir.path(),
        &format!("timeout 20 {SEAL} dec -k key; echo \"status=$?\""),
    );
    assert!(
        text.contains("dec: no INPUT given and stdin is a terminal"),
        "{text}"
    );
    assert!(text.contains("status=2"), "{text}");
    assert_eq!(listing(dir.path()), ["key"]);
}
