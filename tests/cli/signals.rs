//! What belongs here: signals through the real binary: what a terminating signal undoes during
//! `-o` output (SIGINT, SIGTERM, SIGKILL, every other terminating signal), no core file whatever
//! `ulimit -c` says, signals ignored at start, a signal after the output is in place, and a
//! second signal ending a run stuck in its directory sync.

use std::fs;
use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::SEAL;
use crate::common::*;
use crate::kit::*;

/// The number of the signal that bash's `kill -l NAME` knows as `name` (bash knows the
/// real-time names, RTMIN+3 and RTMAX-1, that not every kill(1) knows).
fn number(name: &str) -> i32 {
    let out = Command::new("bash")
        .args(["-c", &format!("kill -l {name}")])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("kill -l {name}: {}", stderr(&out)))
}

/// Sends signal `name` to `pid`.
fn send(name: &str, pid: u32) {
    let sent = Command::new("bash")
        .args(["-c", &format!("kill -s {name} {pid}")])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -s {name} {pid}");
}

/// Waits until `ready` holds, for at most 30 seconds.
fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Spawns `strace -f -qq STRACE seal SEAL` in `dir`, stdin from /dev/null, stdout and stderr
/// piped.
fn spawn_under_strace(dir: &Path, strace: &[&str], seal: &[&str]) -> Child {
    under_strace(dir, strace, seal)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("strace runs this test")
}

/// The resident memory of process `pid`, in KiB (`/proc/PID/status` is readable by anyone,
/// whatever the process's dumpable state).
fn resident_kib(pid: u32) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The names in `dir` that look like core files.
fn cores(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with("core"))
        .collect()
}

/// `seal enc` of a passphrase stream to stdout (a pipe) with `ulimit -c unlimited`, sent
/// `signal` while Argon2id runs (it holds a quarter GiB and lasts many seconds).
fn signal_during_argon2id(signal: &str) -> (Output, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("plain"), b"under a passphrase").unwrap();
    let script = format!(
        "ulimit -c unlimited || exit 99; exec {SEAL} enc --passphrase-env PASS \
         --kdf-memory 256MiB --kdf-passes 32 plain"
    );
    let child = Command::new("sh")
        .args(["-c", &script])
        .current_dir(d)
        .env("PASS", "a long passphrase")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    // Argon2id has filled a good part of its memory: the passphrase and the key being
    // derived are in it.
    wait_until("Argon2id to run", || resident_kib(pid) > 96 * 1024);
    send(signal, pid);
    let out = child.wait_with_output().unwrap();
    (out, cores(d))
}

#[test]
fn a_core_dumping_signal_during_argon2id_leaves_no_core_and_the_documented_status() {
    let pattern = fs::read_to_string("/proc/sys/kernel/core_pattern").unwrap_or_default();
    for signal in ["QUIT", "XCPU", "XFSZ"] {
        let (out, cores) = signal_during_argon2id(signal);
        let n = number(signal);
        assert_eq!(
            out.status.code(),
            Some(128 + n),
            "SIG{signal}: {:?} {}",
            out.status,
            stderr(&out)
        );
        assert!(!out.status.core_dumped(), "SIG{signal} dumped core");
        assert!(cores.is_empty(), "SIG{signal} left {cores:?} ({pattern})");
        assert_eq!(stderr(&out), format!("seal: interrupted by SIG{signal}\n"));
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn seal_is_undumpable_even_for_a_signal_it_does_not_handle() {
    // SIGABRT sent from outside: seal does not handle it (it reports a fault of the process
    // itself), so the kernel's default applies: death with a core dump, unless the process
    // is undumpable.
    let pattern = fs::read_to_string("/proc/sys/kernel/core_pattern").unwrap_or_default();
    let (out, cores) = signal_during_argon2id("ABRT");
    assert_eq!(
        out.status.signal(),
        Some(number("ABRT")),
        "{:?}",
        out.status
    );
    assert!(!out.status.core_dumped(), "a core was dumped ({pattern})");
    assert!(cores.is_empty(), "left {cores:?} ({pattern})");
}

/// `seal enc -k key -o out` where the file system offers no anonymous file (`/proc` hidden
/// in a private mount namespace, so the `O_TMPFILE` file could not be linked): a named
/// temporary file is used. Fed a part of its input, it is sent `signal` once that file holds
/// data; returns how it ended and what is left in its directory.
fn signal_with_a_named_temporary_file(signal: &str) -> (Output, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&seal_no_stdin(d, &["keygen", "-o", "key"]));
    let script = format!("mount -t tmpfs tmpfs /proc && exec {SEAL} enc -k key -o out");
    let (child, mut stdin) = spawn_fed(
        Command::new("unshare").args(["-rm", "sh", "-c", &script]),
        d,
    );
    std::io::Write::write_all(&mut stdin, &data(2 << 20, 4)).unwrap();
    let temp_with_data = || {
        fs::read_dir(d).unwrap().flatten().any(|e| {
            e.file_name().to_string_lossy().starts_with(".seal-tmp-")
                && e.metadata().is_ok_and(|m| m.len() > 0)
        })
    };
    wait_until("a named temporary file with data", temp_with_data);
    send(signal, child.id());
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    (out, listing(d))
}

#[test]
fn every_terminating_signal_removes_a_named_temporary_file() {
    let signals = [
        "HUP", "INT", "TERM", "ALRM", "USR1", "USR2", "VTALRM", "PROF", "IO", "PWR", "STKFLT",
        "RTMIN", "RTMIN+3", "RTMAX-1", "RTMAX",
    ];
    for signal in signals {
        let (out, names) = signal_with_a_named_temporary_file(signal);
        assert_eq!(names, ["key"], "SIG{signal} left a file behind");
        assert_eq!(
            out.status.signal(),
            Some(number(signal)),
            "SIG{signal}: {:?} {}",
            out.status,
            stderr(&out)
        );
        let err = stderr(&out);
        // Named, the real-time ones as SIGRTMIN+n.
        assert!(err.starts_with("seal: interrupted by SIG"), "{err}");
        assert!(err.ends_with("; no output was written\n"), "{err}");
    }
    // The core-dumping ones end with 128 + their number, as documented.
    for signal in ["QUIT", "XCPU", "XFSZ"] {
        let (out, names) = signal_with_a_named_temporary_file(signal);
        assert_eq!(names, ["key"], "SIG{signal} left a file behind");
        assert_eq!(out.status.code(), Some(128 + number(signal)));
    }
}

/// The pid of the one child of process `parent` (seal under strace).
fn child_of(parent: u32) -> u32 {
    let mut found = None;
    wait_until("seal to start under strace", || {
        found = fs::read_dir("/proc")
            .unwrap()
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok()?.parse::<u32>().ok())
            .find(|pid| {
                fs::read(format!("/proc/{pid}/status")).is_ok_and(|s| {
                    String::from_utf8_lossy(&s).contains(&format!("PPid:\t{parent}\n"))
                })
            });
        found.is_some()
    });
    found.unwrap()
}

#[test]
fn a_second_signal_ends_a_run_stuck_in_its_directory_sync() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&seal_no_stdin(d, &["keygen", "-o", "key"]));
    fs::write(d.join("plain"), b"in place").unwrap();
    // The second fsync, of the directory after the rename, hangs for 20 seconds (as on a
    // stuck network file system). strace holds the syncing thread itself until the delay is
    // over, even for a process that is ending: so what is timed is seal's decision to end
    // (its line on stderr), and the status is what it ends with.
    let mut child = spawn_under_strace(
        d,
        &[
            "-o",
            "/dev/null",
            "-e",
            "inject=fsync:delay_enter=20000000:when=2",
        ],
        &["enc", "-k", "key", "-o", "out", "plain"],
    );
    let (lines, received) = std::sync::mpsc::channel();
    let err = std::io::BufReader::new(child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || {
        for line in std::io::BufRead::lines(err).map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    wait_until("the output to be in place", || d.join("out").exists());
    let pid = child_of(child.id());
    // The first signal only says what seal waits for; the second ends it.
    send("INT", pid);
    let first = received.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(
        first,
        "seal: SIGINT: the output is in place; waiting for its directory to be synced (a \
         second signal stops waiting)"
    );
    send("INT", pid);
    let second = received.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(
        second,
        "seal: interrupted by SIGINT while syncing the directory: the output is in place, but \
         a crash may still undo it"
    );
    let status = child.wait().unwrap();
    reader.join().unwrap();
    // Ended by SIGINT (strace passes a signal death on as 128 + its number).
    assert!(
        status.signal() == Some(number("INT")) || status.code() == Some(128 + number("INT")),
        "{status:?}"
    );
    // The output stays: complete and authentic.
    assert_eq!(
        ok(&seal_no_stdin(d, &["dec", "-k", "key", "out"])),
        b"in place"
    );
}

/// Starts `seal enc -o out` fed by a pipe that stays open, waits until its temporary file
/// exists and holds data, sends `signal`, and checks that nothing is left but the key.
fn interrupt_during_output(signal: &str, number: i32) {
    let dir = tempfile::tempdir().unwrap();
    keygen(dir.path());
    let args = ["enc", "-k", "key", "-o", "out", "--chunk-size", "64KiB"];
    let (child, mut stdin) = spawn_fed(Command::new(SEAL).args(args), dir.path());
    stdin.write_all(&vec![7u8; 1 << 20]).unwrap();
    // The stream is now mid-way: its output file exists and has frames in it.
    wait_for_output_data(child.id(), dir.path());
    send(signal, child.id());
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
fn sigkill_leaves_no_partial_output_behind() {
    let dir = with_key();
    let d = dir.path();
    let (mut child, mut stdin) = spawn_fed(
        Command::new(SEAL).args(["dec", "-k", "key", "-o", "out"]),
        d,
    );
    // A stream seal can start on: a header, then frames that keep coming.
    let enc = ["enc", "-k", "key", "--chunk-size", "64KiB"];
    let sealed = ok(&seal(d, &enc, &data(4 << 20, 3))).to_vec();
    std::io::Write::write_all(&mut stdin, &sealed[..3 << 20]).unwrap();
    crate::kit::wait_for_output_data(child.id(), d);
    child.kill().unwrap();
    child.wait().unwrap();
    drop(stdin);
    assert_eq!(listing(d), ["key"], "SIGKILL left partial plaintext behind");
}

#[test]
fn a_signal_after_the_output_is_in_place_changes_nothing() {
    let dir = with_key();
    let d = dir.path();
    fs::write(d.join("plain"), b"complete").unwrap();
    // Hold seal at its exit for a while, and send the signal only once it is there: past the
    // rename and the directory's sync (a signal during that sync is answered with a note).
    // strace writes the `exit_group(` of the held call before it holds it.
    let trace = d.join("trace");
    let child = spawn_under_strace(
        d,
        &[
            "-e",
            "trace=exit_group",
            "-o",
            "trace",
            "-e",
            "inject=exit_group:delay_enter=1500000",
        ],
        &["enc", "-k", "key", "-o", "out", "plain"],
    );
    wait_until("seal to reach its exit", || {
        fs::read_to_string(&trace).is_ok_and(|t| t.contains("exit_group("))
    });
    assert!(
        d.join("out").exists(),
        "at its exit, seal has put the output in place"
    );
    send("TERM", child_of(child.id()));
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    assert_eq!(
        ok(&seal_no_stdin(d, &["dec", "-k", "key", "out"])),
        b"complete"
    );
}

#[test]
fn a_signal_ignored_at_start_stays_ignored() {
    // As under nohup: SIGHUP ignored by the parent, then sent while seal writes -o output.
    let dir = with_key();
    let d = dir.path();
    let script = format!("trap '' HUP; exec {SEAL} enc -k key -o out");
    let (child, mut stdin) = spawn_fed(Command::new("sh").args(["-c", &script]), d);
    let plain = data(2 << 20, 5);
    std::io::Write::write_all(&mut stdin, &plain[..1 << 20]).unwrap();
    crate::kit::wait_for_output_data(child.id(), d);
    send("HUP", child.id());
    std::io::Write::write_all(&mut stdin, &plain[1 << 20..]).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(ok(&seal_no_stdin(d, &["dec", "-k", "key", "out"])), plain);
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
    let args = ["enc", "-k", "key", "-o", "out"];
    let (mut child, mut stdin) = spawn_fed(Command::new(SEAL).args(args), dir.path());
    stdin.write_all(&[1u8; 3 << 20]).unwrap();
    wait_for_output_data(child.id(), dir.path());
    send("INT", child.id());
    assert_eq!(child.wait().unwrap().signal(), Some(2));
    assert_eq!(fs::read(dir.path().join("out")).unwrap(), b"older version");
    assert_eq!(listing(dir.path()), ["key", "out"]);
}
