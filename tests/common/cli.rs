//! The one kit of helpers for tests that drive the real `seal` binary (tests/cli/): running
//! it in a scratch directory with captured output (with or without a terminal, under a
//! timeout, under strace, under a shell, as root of a namespace), running it and insisting on
//! success, spawning it fed by a pipe, making keys and identities (seal's and ssh-keygen's),
//! writing secret files as keygen does, a scratch directory with a key, listings, and waiting
//! for an output to start. A helper used by one test file stays in that file; one used by two
//! or more belongs here.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::SEAL;
use crate::common::{ok, run_cmd, stderr};

/// The cheapest Argon2id cost `seal enc` accepts, to keep passphrase tests fast.
pub const CHEAP: [&str; 4] = ["--kdf-memory", "1MiB", "--kdf-passes", "1"];

/// The words of the command line `line`, split at spaces, for arguments written as they are
/// typed (no quoting: an argument with a space in it goes in an array).
pub fn words(line: &str) -> Vec<&str> {
    line.split(' ').collect()
}

/// `seal ARGS` in `dir` with `stdin` fed through a pipe, stdout and stderr captured, and no
/// `SEAL_KEY_FILE` from the environment of whoever runs the tests.
pub fn seal(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    seal_env(dir, args, &[], stdin)
}

/// [`seal`] with the variables `env` added.
pub fn seal_env(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
    let mut cmd = seal_cmd(dir, args);
    cmd.envs(env.iter().copied());
    run_cmd(cmd, stdin)
}

/// `seal ARGS` in `dir` without `SEAL_KEY_FILE`, stdin, stdout and stderr piped: a command to
/// adjust, then run with [`run_cmd`] or spawn.
pub fn seal_cmd(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(SEAL);
    cmd.args(args);
    in_dir_piped(&mut cmd, dir);
    cmd
}

/// Sets `cmd` to run in `dir` without `SEAL_KEY_FILE` (the environment of whoever runs the
/// tests must not lend seal a key), stdin, stdout and stderr piped.
fn in_dir_piped(cmd: &mut Command, dir: &Path) {
    cmd.current_dir(dir)
        .env_remove("SEAL_KEY_FILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
}

/// `seal ARGS` in `dir`, stdin from /dev/null, stdout and stderr captured.
pub fn seal_no_stdin(dir: &Path, args: &[&str]) -> Output {
    seal_no_stdin_env(dir, args, &[])
}

/// [`seal_no_stdin`] with the variables `env` added.
pub fn seal_no_stdin_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(SEAL)
        .args(args)
        .current_dir(dir)
        .env_remove("SEAL_KEY_FILE")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Runs the shell `script` in `dir` (`sh -c`), with seal's path in `$SEAL` (so that a script
/// can redirect descriptors around `"$SEAL" …`), stdout and stderr captured.
pub fn shell(dir: &Path, script: &str) -> Output {
    Command::new("sh")
        .args(["-c", script])
        .current_dir(dir)
        .env("SEAL", SEAL)
        .output()
        .unwrap()
}

/// `strace -f -qq STRACE seal ARGS` in `dir`, without `SEAL_KEY_FILE`, stdin from /dev/null,
/// ready to be run or spawned (strace must be installed).
pub fn under_strace(dir: &Path, strace: &[&str], args: &[&str]) -> Command {
    let mut cmd = Command::new("strace");
    cmd.args(["-f", "-qq"])
        .args(strace)
        .arg(SEAL)
        .args(args)
        .current_dir(dir)
        .env_remove("SEAL_KEY_FILE")
        .stdin(Stdio::null());
    cmd
}

/// Runs the shell `script` in `dir` as root of a private user and mount namespace (`unshare
/// -rm`), for set-ups that need root (mounts, device nodes); stdout and stderr captured.
pub fn as_root(dir: &Path, script: &str) -> Output {
    Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", script])
        .current_dir(dir)
        .output()
        .expect("unshare (util-linux) runs this test")
}

/// [`seal_env`] with no controlling terminal (`setsid`), so that seal never asks on the
/// terminal of whoever runs the tests.
pub fn seal_setsid(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
    let mut cmd = Command::new("setsid");
    cmd.arg("-w").arg(SEAL).args(args);
    in_dir_piped(&mut cmd, dir);
    cmd.envs(env.iter().copied());
    run_cmd(cmd, stdin)
}

/// `seal ARGS` under timeout(1), so that a hang fails the test instead of blocking it.
pub fn seal_with_timeout(dir: &Path, args: &[&str], stdin: Stdio) -> Output {
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

/// [`seal`] with empty stdin, asserting success with nothing on stderr (as
/// [`ok`](crate::common::ok) does); returns stdout.
pub fn seal_ok(dir: &Path, args: &[&str]) -> Vec<u8> {
    ok(&seal(dir, args, b"")).to_vec()
}

/// Makes the identity file `name` of `kind` in `dir` with `seal keygen --identity`, asserting
/// success; returns the recipient keygen printed on stderr.
pub fn identity(dir: &Path, name: &str, kind: &str) -> String {
    let out = seal(
        dir,
        &["keygen", "--identity", "--kind", kind, "-o", name],
        b"",
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    err.strip_prefix("seal: recipient: ")
        .and_then(|r| r.strip_suffix('\n'))
        .unwrap_or_else(|| panic!("{err:?}"))
        .to_owned()
}

/// Writes a key or identity file as keygen does: mode 0600 (so seal prints no warning).
pub fn write_secret(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    fs::write(path, text).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o600)).unwrap();
}

/// `ssh-keygen -q -t TYPE -N PASSPHRASE -f DIR/NAME` (plus `extra`); the tool must be there.
pub fn ssh_keygen(dir: &Path, name: &str, key_type: &str, passphrase: &str, extra: &[&str]) {
    let status = Command::new("ssh-keygen")
        .args([
            "-q", "-t", key_type, "-N", passphrase, "-C", "me@host", "-f", name,
        ])
        .args(extra)
        .current_dir(dir)
        .stdin(Stdio::null())
        .status()
        .expect("ssh-keygen (Debian package openssh-client) must be installed");
    assert!(status.success());
}

/// Spawns `cmd` in `dir` with stdin a pipe (returned apart, to write to and to close), stdout
/// to /dev/null and stderr piped.
pub fn spawn_fed(cmd: &mut Command, dir: &Path) -> (Child, ChildStdin) {
    let mut child = cmd
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    (child, stdin)
}

/// Makes the key file `key` in `dir` with `seal keygen`.
pub fn keygen(dir: &Path) {
    let out = seal_no_stdin(dir, &["keygen", "-o", "key"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// A scratch directory with a private key file `key` in it.
pub fn with_key() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    keygen(dir.path());
    dir
}

/// A scratch directory with a key file `key` and a short plaintext `doc.txt`.
pub fn with_key_and_doc() -> tempfile::TempDir {
    let dir = with_key();
    fs::write(dir.path().join("doc.txt"), b"the plaintext\n").unwrap();
    dir
}

/// Names of the files in `dir`, sorted, to spot stray temporary files.
pub fn listing(dir: &Path) -> Vec<String> {
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

/// A scratch directory with a key file in it, and seal run there.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Self {
        Scratch { dir: with_key() }
    }
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    pub fn key(&self) -> String {
        self.path("key").display().to_string()
    }
    pub fn cmd(&self, args: &[&str]) -> Command {
        seal_cmd(self.dir.path(), args)
    }
    /// Runs seal with `stdin` fed through a pipe.
    pub fn run(&self, args: &[&str], stdin: &[u8]) -> Output {
        run_cmd(self.cmd(args), stdin)
    }
    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(name);
        fs::write(&p, bytes).unwrap();
        p
    }
    /// Names of the files in the directory, to spot stray temporary files.
    pub fn listing(&self) -> Vec<String> {
        listing(self.dir.path())
    }
}
