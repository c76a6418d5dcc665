//! The edges around the streams: where `-o` output lands for each kind of target, durability,
//! signals, a dead stderr, odd descriptors and key files that are not files. Device nodes and
//! other root-only setups run in a private user and mount namespace (`unshare -rm`).

use std::fs;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
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
            "the key or identity file is also the output: refusing to overwrite it",
        );
    }
    let out = seal(d, &["enc", "-k", "key", "-o", "out", "alias"]);
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

/// The kind of file at `path`, without following a link.
fn kind(path: &Path) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = fs::symlink_metadata(path).unwrap().file_type();
    if t.is_symlink() {
        "link"
    } else if t.is_fifo() {
        "fifo"
    } else if t.is_char_device() {
        "char"
    } else if t.is_file() {
        "file"
    } else {
        "other"
    }
}

#[test]
fn a_fifo_target_is_written_through_not_replaced() {
    let dir = setup();
    let d = dir.path();
    // Small enough for the FIFO's buffer: seal can write it all before anyone reads.
    fs::write(d.join("plain"), data(40_000, 1)).unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(d.join("pipe"))
            .status()
            .unwrap()
            .success()
    );
    // A reader first (opened without blocking), so that seal's open does not wait.
    let reader = fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(d.join("pipe"))
        .unwrap();
    let out = seal_with_timeout(
        d,
        &["enc", "-k", "key", "-o", "pipe", "plain"],
        Stdio::null(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut sealed = Vec::new();
    let _ = std::io::Read::read_to_end(&mut &reader, &mut sealed);
    assert_eq!(kind(&d.join("pipe")), "fifo");
    fs::write(d.join("sealed"), &sealed).unwrap();
    let back = seal(d, &["dec", "-k", "key", "sealed"]);
    assert_eq!(ok(&back), data(40_000, 1));
    let names: Vec<_> = fs::read_dir(d)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
}

#[test]
fn a_character_device_target_is_written_through_not_replaced() {
    // /dev/null bind-mounted onto a file in a private user and mount namespace: a real
    // device node that seal, were it to rename over it, would replace (or fail on).
    let dir = setup();
    let d = dir.path();
    fs::write(d.join("plain"), b"to the void").unwrap();
    fs::write(d.join("null"), b"").unwrap();
    let script = format!(
        "set -u; mount --bind /dev/null null || exit 99; \
         {SEAL} enc -k key -o null plain; echo \"enc=$?\"; \
         {SEAL} enc -k key plain > sealed; {SEAL} dec -k key -o null sealed; echo \"dec=$?\"; \
         test -c null && echo still-a-device; ls -A"
    );
    let out = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", &script])
        .current_dir(d)
        .output()
        .expect("unshare (util-linux) runs this test");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "enc=0\ndec=0\nstill-a-device\nkey\nnull\nplain\nsealed\n",
        "{}",
        stderr(&out)
    );
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}

#[test]
fn a_terminal_reached_by_any_path_gets_no_ciphertext() {
    let dir = setup();
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
fn directories_and_missing_directories_are_refused_before_any_work() {
    let dir = setup();
    let d = dir.path();
    fs::create_dir(d.join("sub")).unwrap();
    fs::write(d.join("plain"), b"x").unwrap();
    fs::write(d.join("file"), b"x").unwrap();
    // -p with no terminal to ask on (setsid): a passphrase prompt would fail with exit 2, so
    // exit 1 with the refusal shows that seal refused before it asked.
    for (target, needle) in [
        ("sub", "output 'sub' is a directory"),
        ("sub/", "output 'sub/' names a directory"),
        ("new/", "output 'new/' names a directory"),
        (
            "missing/out",
            "cannot create output 'missing/out': directory 'missing'",
        ),
        (
            "file/out",
            "cannot create output 'file/out': 'file' is not a directory",
        ),
    ] {
        let out = Command::new("setsid")
            .args([SEAL, "enc", "-p", "-o", target, "plain"])
            .current_dir(d)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_fails(&out, 1, needle);
    }
    let mut names: Vec<_> = fs::read_dir(d)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["file", "key", "plain", "sub"]);
    assert_eq!(fs::read_dir(d.join("sub")).unwrap().count(), 0);
}

#[test]
fn a_symlink_target_is_followed_and_the_link_kept() {
    let dir = setup();
    let d = dir.path();
    fs::create_dir(d.join("real")).unwrap();
    fs::write(d.join("real/backup.seal"), b"old").unwrap();
    std::os::unix::fs::symlink("real/backup.seal", d.join("link")).unwrap();
    std::os::unix::fs::symlink("real/nothing", d.join("dangling")).unwrap();
    fs::write(d.join("plain"), b"new contents").unwrap();
    let out = seal(d, &["enc", "-k", "key", "-o", "link", "plain"]);
    ok(&out);
    assert_eq!(kind(&d.join("link")), "link");
    assert_eq!(
        fs::read_link(d.join("link")).unwrap(),
        Path::new("real/backup.seal")
    );
    let back = seal(d, &["dec", "-k", "key", "real/backup.seal"]);
    assert_eq!(ok(&back), b"new contents");
    let out = seal(d, &["enc", "-k", "key", "-o", "dangling", "plain"]);
    assert_fails(&out, 1, "output 'dangling' is a symbolic link to nothing");
    assert_eq!(kind(&d.join("dangling")), "link");
}

#[test]
fn replacing_a_file_keeps_its_permission_bits_and_new_files_are_private() {
    let dir = setup();
    let d = dir.path();
    fs::write(d.join("plain"), b"x").unwrap();
    fs::write(d.join("shared.seal"), b"old").unwrap();
    fs::set_permissions(d.join("shared.seal"), fs::Permissions::from_mode(0o644)).unwrap();
    ok(&seal(
        d,
        &["enc", "-k", "key", "-o", "shared.seal", "plain"],
    ));
    ok(&seal(d, &["enc", "-k", "key", "-o", "new.seal", "plain"]));
    let mode = |name: &str| fs::metadata(d.join(name)).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode("shared.seal"), 0o644);
    assert_eq!(mode("new.seal"), 0o600);
    assert_ne!(fs::read(d.join("shared.seal")).unwrap(), b"old");
}

#[test]
fn sigkill_leaves_no_partial_output_behind() {
    let dir = setup();
    let d = dir.path();
    let mut child = Command::new(SEAL)
        .args(["dec", "-k", "key", "-o", "out"])
        .current_dir(d)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // A stream seal can start on: a header, then frames that keep coming.
    let sealed = seal_stdin(d, &data(4 << 20, 3));
    let mut stdin = child.stdin.take().unwrap();
    std::io::Write::write_all(&mut stdin, &sealed[..3 << 20]).unwrap();
    crate::hostile::wait_for_output_data(child.id(), d);
    child.kill().unwrap();
    child.wait().unwrap();
    drop(stdin);
    let names: Vec<_> = fs::read_dir(d)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names, ["key"], "SIGKILL left partial plaintext behind");
}

/// `seal enc -k key` of `plain` through pipes, in `dir`.
fn seal_stdin(dir: &Path, plain: &[u8]) -> Vec<u8> {
    let mut cmd = Command::new(SEAL);
    cmd.args(["enc", "-k", "key", "--chunk-size", "64KiB"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    ok(&run_cmd(cmd, plain)).to_vec()
}

/// `seal ARGS` under strace with `inject` (strace's fault injection) in `dir`.
fn seal_injected(dir: &Path, inject: &str, args: &[&str]) -> Output {
    Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null", "-e", inject])
        .arg(SEAL)
        .args(args)
        .current_dir(dir)
        .env_remove("SEAL_KEY_FILE")
        .stdin(Stdio::null())
        .output()
        .expect("strace runs this test")
}

#[test]
fn a_failed_sync_is_a_write_error_and_leaves_the_target_alone() {
    let dir = setup();
    let d = dir.path();
    fs::write(d.join("plain"), b"new").unwrap();
    fs::write(d.join("out"), b"old").unwrap();
    // The file's own sync fails (as NFS, FUSE or a quota can make it): nothing changes.
    let out = seal_injected(
        d,
        "inject=fsync:error=EIO",
        &["enc", "-k", "key", "-o", "out", "plain"],
    );
    assert_fails(&out, 1, "syncing the output for 'out'");
    assert_eq!(fs::read(d.join("out")).unwrap(), b"old");
    let out = seal_injected(d, "inject=fsync:error=EIO", &["keygen", "-o", "key2"]);
    assert_fails(&out, 1, "syncing the output for 'key2'");
    let mut names: Vec<_> = fs::read_dir(d)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["key", "out", "plain"]);
    // The directory's sync, after the rename, fails: reported, and the status says so.
    let out = seal_injected(
        d,
        "inject=fsync:error=EIO:when=2",
        &["enc", "-k", "key", "-o", "out", "plain"],
    );
    assert_fails(&out, 1, "syncing the directory of 'out'");
}

#[test]
fn a_signal_after_the_output_is_in_place_changes_nothing() {
    let dir = setup();
    let d = dir.path();
    fs::write(d.join("plain"), b"complete").unwrap();
    // Hold seal at its exit for a while, so that the signal surely comes after the rename.
    let child = Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null"])
        .args(["-e", "inject=exit_group:delay_enter=1500000"])
        .args([SEAL, "enc", "-k", "key", "-o", "out", "plain"])
        .current_dir(d)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("strace runs this test");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !d.join("out").exists() {
        assert!(std::time::Instant::now() < deadline, "no output appeared");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let pid = fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok()?.parse::<u32>().ok())
        .find(|pid| {
            fs::read(format!("/proc/{pid}/status")).is_ok_and(|s| {
                String::from_utf8_lossy(&s).contains(&format!("PPid:\t{}\n", child.id()))
            })
        })
        .expect("seal runs under strace");
    let killed = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    assert_eq!(ok(&seal(d, &["dec", "-k", "key", "out"])), b"complete");
}

#[test]
fn a_signal_ignored_at_start_stays_ignored() {
    // As under nohup: SIGHUP ignored by the parent, then sent while seal writes -o output.
    let dir = setup();
    let d = dir.path();
    let mut child = Command::new("sh")
        .args(["-c", &format!("trap '' HUP; exec {SEAL} enc -k key -o out")])
        .current_dir(d)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let plain = data(2 << 20, 5);
    std::io::Write::write_all(&mut stdin, &plain[..1 << 20]).unwrap();
    crate::hostile::wait_for_output_data(child.id(), d);
    let killed = Command::new("kill")
        .args(["-HUP", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    std::io::Write::write_all(&mut stdin, &plain[1 << 20..]).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(ok(&seal(d, &["dec", "-k", "key", "out"])), plain);
}

#[test]
fn passphrase_fd_reads_the_descriptor_itself() {
    let dir = setup();
    let d = dir.path();
    fs::write(d.join("plain"), b"by descriptor").unwrap();
    fs::write(d.join("pass"), b"first line\nsecond line\n").unwrap();
    let cheap = "--kdf-memory 1MiB --kdf-passes 1";
    // The shell reads the first line from descriptor 3: seal must go on from there, not
    // reopen the file from its start.
    let script = format!(
        "exec 3<pass; read -r skipped <&3; \
         {SEAL} enc {cheap} --passphrase-fd 3 -o sealed plain"
    );
    let out = Command::new("sh")
        .args(["-c", &script])
        .current_dir(d)
        .output()
        .unwrap();
    ok(&out);
    let mut dec = Command::new(SEAL);
    dec.args(["dec", "--passphrase-env", "PASS", "sealed"])
        .current_dir(d)
        .env("PASS", "second line");
    assert_eq!(ok(&dec.output().unwrap()), b"by descriptor");
    // A socket cannot be reopened through /dev/fd at all.
    let (mine, theirs) = std::os::unix::net::UnixStream::pair().unwrap();
    std::io::Write::write_all(&mut &mine, b"over a socket\n").unwrap();
    let out = Command::new(SEAL)
        .args(["enc", "--kdf-memory", "1MiB", "--kdf-passes", "1"])
        .args(["--passphrase-fd", "0", "-o", "sealed2", "plain"])
        .current_dir(d)
        .stdin(Stdio::from(std::os::fd::OwnedFd::from(theirs)))
        .output()
        .unwrap();
    ok(&out);
    let mut dec = Command::new(SEAL);
    dec.args(["dec", "--passphrase-env", "PASS", "sealed2"])
        .current_dir(d)
        .env("PASS", "over a socket");
    assert_eq!(ok(&dec.output().unwrap()), b"by descriptor");
    // A descriptor that is not open.
    let out = seal(d, &["enc", "--passphrase-fd", "57", "-o", "x", "plain"]);
    assert_fails(&out, 3, "--passphrase-fd 57: Bad file descriptor");
}

#[test]
fn a_closed_stdin_or_stdout_is_refused_not_taken_for_empty() {
    let dir = setup();
    let d = dir.path();
    fs::write(d.join("plain"), b"x").unwrap();
    let script = format!(
        "{SEAL} enc -k key -o out <&-; echo \"in=$?\"; \
         {SEAL} enc -k key plain >&- 2>err; echo \"out=$?\" >&2; \
         {SEAL} enc -k key -o empty < /dev/null; echo \"null=$?\""
    );
    let out = Command::new("sh")
        .args(["-c", &script])
        .current_dir(d)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text, "in=2\nnull=0\n", "{}", stderr(&out));
    assert!(stderr(&out).contains("stdin is closed"), "{}", stderr(&out));
    assert!(stderr(&out).contains("out=2"), "{}", stderr(&out));
    let err = fs::read_to_string(d.join("err")).unwrap();
    assert!(err.contains("stdout is closed"), "{err}");
    assert!(!d.join("out").exists());
    assert!(d.join("empty").exists());
}

#[test]
fn a_non_blocking_stdout_is_waited_on() {
    use rustix::fs::{OFlags, fcntl_getfl, fcntl_setfl};
    let dir = setup();
    let d = dir.path();
    let plain = data(3 << 20, 8);
    fs::write(d.join("plain"), &plain).unwrap();
    let (mut reader, writer) = std::io::pipe().unwrap();
    // As node and some CI runners leave it: the pipe non-blocking, its reader slow.
    fcntl_setfl(&writer, fcntl_getfl(&writer).unwrap() | OFlags::NONBLOCK).unwrap();
    let child = Command::new(SEAL)
        .args(["enc", "-k", "key", "plain"])
        .current_dir(d)
        .stdin(Stdio::null())
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let mut sealed = Vec::new();
    std::io::Read::read_to_end(&mut reader, &mut sealed).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    fs::write(d.join("sealed"), &sealed).unwrap();
    assert_eq!(ok(&seal(d, &["dec", "-k", "key", "sealed"])), plain);
}

#[test]
fn threads_are_capped_at_64() {
    let dir = setup();
    let d = dir.path();
    fs::write(d.join("plain"), b"x").unwrap();
    for n in ["65", "1024"] {
        let out = seal(
            d,
            &["enc", "-k", "key", "--threads", n, "-o", "out", "plain"],
        );
        assert_fails(&out, 2, "is not in 1..=64");
    }
    ok(&seal(
        d,
        &["enc", "-k", "key", "--threads", "64", "-o", "out", "plain"],
    ));
    ok(&seal(d, &["verify", "-k", "key", "--threads", "64", "out"]));
}
