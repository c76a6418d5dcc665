//! Where output goes at the edges: a `/dev/null` handed over read-write (Python's
//! `subprocess.DEVNULL`, `daemon(3)`) is a real stream, not a closed descriptor, and the `-o`
//! output is committed in the directory seal opened, whatever happens to its path meanwhile.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::SEAL;
use crate::common::*;

/// A scratch directory with a key file `key`.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(&Command::new(SEAL)
        .args(["keygen", "-o", "key"])
        .current_dir(dir.path())
        .output()
        .unwrap());
    dir
}

/// Runs a Python program with `seal` and the scratch directory as its arguments; returns
/// its stdout, checking that it succeeded.
fn python(dir: &Path, program: &str) -> String {
    let out = Command::new("python3")
        .args(["-c", program, SEAL])
        .current_dir(dir)
        .output()
        .expect("python3 runs this test");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn dev_null_opened_read_write_is_not_a_closed_descriptor() {
    let dir = setup();
    let d = dir.path();
    fs::write(d.join("plain"), b"to nowhere").unwrap();
    ok(&Command::new(SEAL)
        .args(["enc", "-k", "key", "-o", "sealed", "plain"])
        .current_dir(d)
        .output()
        .unwrap());
    let program = r#"
import subprocess, sys
seal = sys.argv[1]
D = subprocess.DEVNULL
def run(args, **kw):
    r = subprocess.run([seal] + args, stderr=subprocess.PIPE, **kw)
    print(r.returncode, repr(r.stderr.decode()))
# stdout to DEVNULL: decrypted into nothing.
run(["dec", "-k", "key", "sealed"], stdout=D)
# stdin from DEVNULL: an empty input, as '< /dev/null' is.
run(["enc", "-k", "key", "-o", "empty.seal"], stdin=D)
run(["dec", "-k", "key", "empty.seal"], stdin=D, stdout=D)
# As daemon(3) leaves a process: all three on /dev/null.
r = subprocess.run([seal, "dec", "-k", "key", "-o", "back", "sealed"], stdin=D, stdout=D, stderr=D)
print(r.returncode)
"#;
    let lines = python(d, program);
    assert_eq!(lines, "0 ''\n0 ''\n0 ''\n0\n");
    assert_eq!(fs::read(d.join("back")).unwrap(), b"to nowhere");
    // The empty input made an empty stream, the same as from a shell's '< /dev/null'.
    let out = Command::new(SEAL)
        .args(["dec", "-k", "key", "empty.seal"])
        .current_dir(d)
        .output()
        .unwrap();
    assert_eq!(ok(&out), b"");
    // A descriptor that is really closed is still refused.
    let script = format!("{SEAL} enc -k key -o out <&-; echo \"in=$?\"");
    let out = Command::new("sh")
        .args(["-c", &script])
        .current_dir(d)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "in=2\n");
    assert!(stderr(&out).contains("stdin is closed"), "{}", stderr(&out));
}

/// Starts `seal enc -k key -o sub/out` (as `wrap` makes the shell command), feeds it half its
/// input, swaps `sub` for a symbolic link to `elsewhere` once seal writes, then feeds the
/// rest; checks that the output is in the directory seal opened (now `held`) and nowhere
/// else.
fn swap_the_directory_during_the_run(named: bool, wrap: impl Fn(&str) -> String) {
    let dir = setup();
    let d = dir.path();
    fs::create_dir(d.join("sub")).unwrap();
    fs::create_dir(d.join("elsewhere")).unwrap();
    let script = wrap(&format!("exec {SEAL} enc -k key -o sub/out"));
    let mut child = Command::new("sh")
        .args(["-c", &script])
        .current_dir(d)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let plain = data(2 << 20, 6);
    let mut stdin = child.stdin.take().unwrap();
    std::io::Write::write_all(&mut stdin, &plain[..1 << 20]).unwrap();
    // seal writes into sub/ (an anonymous file, or a named one where there is none).
    crate::hostile::wait_for_output_data(child.id(), &d.join("sub"));
    let listed: Vec<_> = fs::read_dir(d.join("sub"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        listed.iter().any(|n| n.starts_with(".seal-tmp-")),
        named,
        "{listed:?}"
    );
    fs::rename(d.join("sub"), d.join("held")).unwrap();
    std::os::unix::fs::symlink("elsewhere", d.join("sub")).unwrap();
    std::io::Write::write_all(&mut stdin, &plain[1 << 20..]).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let elsewhere: Vec<_> = fs::read_dir(d.join("elsewhere"))
        .unwrap()
        .flatten()
        .collect();
    assert!(elsewhere.is_empty(), "output moved: {elsewhere:?}");
    let held: Vec<_> = fs::read_dir(d.join("held"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(held, ["out"]);
    let dec = Command::new(SEAL)
        .args(["dec", "-k", "key", "held/out"])
        .current_dir(d)
        .output()
        .unwrap();
    assert_eq!(ok(&dec), plain);
}

#[test]
fn a_swapped_directory_cannot_move_an_anonymous_output() {
    swap_the_directory_during_the_run(false, str::to_string);
}

#[test]
fn a_swapped_directory_cannot_move_a_named_temporary_output() {
    // /proc hidden in a private mount namespace: no anonymous file can be linked, so a
    // named temporary file is used.
    swap_the_directory_during_the_run(true, |run| {
        format!("exec unshare -rm sh -c 'mount -t tmpfs tmpfs /proc && {run}'")
    });
}
