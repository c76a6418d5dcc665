//! The binary when things around it go wrong: signals during `-o` output, full disks, binary
//! input from a terminal, and the key-file edge cases of a hostile or careless environment.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::SEAL;

fn keygen(dir: &Path) {
    let status = Command::new(SEAL)
        .args(["keygen", "-o", "key"])
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(status.success());
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Waits until process `pid` has written data into its unfinished output in `dir`: a file
/// it holds open there (anonymous, `O_TMPFILE`, or a `.seal-tmp-*` file) that is not empty.
pub fn wait_for_output_data(pid: u32, dir: &Path) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let dir = fs::canonicalize(dir).unwrap();
    loop {
        let fds = fs::read_dir(format!("/proc/{pid}/fd")).unwrap();
        let writing = fds.flatten().any(|fd| {
            fs::read_link(fd.path()).is_ok_and(|to| to.starts_with(&dir))
                && fs::metadata(fd.path()).is_ok_and(|m| m.is_file() && m.len() > 0)
        });
        if writing {
            return;
        }
        assert!(Instant::now() < deadline, "no output data appeared");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Starts `seal enc -o out` fed by a pipe that stays open, waits until its temporary file
/// exists and holds data, sends `signal`, and checks that nothing is left but the key.
fn interrupt_during_output(signal: &str, number: i32) {
    let dir = tempfile::tempdir().unwrap();
    keygen(dir.path());
    let mut child = Command::new(SEAL)
        .args(["enc", "-k", "key", "-o", "out", "--chunk-size", "64KiB"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&vec![7u8; 1 << 20]).unwrap();
    // The stream is now mid-way: its output file exists and has frames in it.
    wait_for_output_data(child.id(), dir.path());
    let killed = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    // seal dies of the signal itself, so that its parent sees a real signal death.
    assert_eq!(out.status.signal(), Some(number), "{signal}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err,
        format!("seal: interrupted by SIG{signal}; no output was written\n")
    );
    assert_eq!(listing(dir.path()), ["key"], "{signal} left files behind");
}

#[test]
fn sigterm_during_output_leaves_no_file() {
    interrupt_during_output("TERM", 15);
}

#[test]
fn sigint_during_output_leaves_no_file() {
    interrupt_during_output("INT", 2);
}

#[test]
fn sigint_keeps_an_existing_target_intact() {
    let dir = tempfile::tempdir().unwrap();
    keygen(dir.path());
    fs::write(dir.path().join("out"), b"older version").unwrap();
    let mut child = Command::new(SEAL)
        .args(["enc", "-k", "key", "-o", "out"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&[1u8; 3 << 20]).unwrap();
    wait_for_output_data(child.id(), dir.path());
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert_eq!(child.wait().unwrap().signal(), Some(2));
    assert_eq!(fs::read(dir.path().join("out")).unwrap(), b"older version");
    assert_eq!(listing(dir.path()), ["key", "out"]);
}

#[test]
fn full_disk_on_stdout_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    keygen(dir.path());
    fs::write(dir.path().join("plain"), vec![3u8; 200_000]).unwrap();
    for threads in ["1", "2"] {
        let out = Command::new(SEAL)
            .args(["enc", "-k", "key", "--threads", threads, "plain"])
            .current_dir(dir.path())
            .stdout(
                fs::OpenOptions::new()
                    .write(true)
                    .open("/dev/full")
                    .unwrap(),
            )
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("No space left on device"), "{err}");
    }
}

#[test]
fn full_file_system_leaves_no_partial_output() {
    // A 256 KiB tmpfs, mounted in a private user and mount namespace so no root is needed.
    let dir = tempfile::tempdir().unwrap();
    keygen(dir.path());
    fs::write(dir.path().join("plain"), vec![5u8; 1 << 20]).unwrap();
    fs::create_dir(dir.path().join("tiny")).unwrap();
    let script = format!(
        "set -u; mount -t tmpfs -o size=256k tmpfs tiny || exit 99; \
         echo before > tiny/out; \
         {SEAL} enc -k key --threads 2 -o tiny/out plain; echo \"status=$?\"; \
         {SEAL} enc -k key --threads 1 -o tiny/new plain; echo \"status=$?\"; \
         ls -A tiny; cat tiny/out"
    );
    let out = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", &script])
        .current_dir(dir.path())
        .output()
        .expect("unshare (util-linux) runs this test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "could not mount a tmpfs: {stderr}"
    );
    assert_eq!(
        stdout, "status=1\nstatus=1\nout\nbefore\n",
        "stderr: {stderr}"
    );
    assert_eq!(
        stderr.matches("No space left on device").count(),
        2,
        "{stderr}"
    );
}

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
