//! What belongs here: progress through the real binary: on a terminal only for runs that last,
//! cleared at the end, never drawn through output on the same terminal; with `--progress` into
//! a log, plain newline-terminated lines and a summary, and an error always on a line of its
//! own; the figures the bar draws.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::thread::JoinHandle;
use std::time::Duration;

use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
use rustix::termios::{Winsize, tcsetwinsize};

use crate::SEAL;
use crate::common::stderr;
use crate::kit::{seal_ok, with_key, words};

/// A pseudo-terminal of 80 × 24: the slave for seal, and a thread collecting what the master
/// side shows until every slave descriptor is closed.
pub fn terminal() -> (File, JoinHandle<Vec<u8>>) {
    terminal_of(80)
}

/// A pseudo-terminal of `columns` × 24, as [`terminal`].
pub fn terminal_of(columns: u16) -> (File, JoinHandle<Vec<u8>>) {
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).expect("a pseudo-terminal");
    grantpt(&master).unwrap();
    unlockpt(&master).unwrap();
    let name = ptsname(&master, Vec::new()).unwrap();
    let slave = File::options()
        .read(true)
        .write(true)
        .custom_flags(rustix::fs::OFlags::NOCTTY.bits() as i32)
        .open(name.to_str().unwrap())
        .unwrap();
    let size = Winsize {
        ws_row: 24,
        ws_col: columns,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    tcsetwinsize(&slave, size).unwrap();
    let mut master = File::from(master);
    let shown = std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        // Ends with EIO once every slave descriptor is closed.
        while let Ok(n @ 1..) = master.read(&mut buf) {
            seen.extend_from_slice(&buf[..n]);
        }
        seen
    });
    (slave, shown)
}

/// Writes `pieces` pieces of `bytes` to `stdin`, `pause` apart, then closes it.
fn feed_slowly(mut stdin: ChildStdin, bytes: Vec<u8>, pieces: usize, pause: Duration) {
    let piece = bytes.len().div_ceil(pieces);
    for (i, chunk) in bytes.chunks(piece).enumerate() {
        if i > 0 {
            std::thread::sleep(pause);
        }
        if stdin.write_all(chunk).is_err() {
            return;
        }
    }
}

fn spawn(dir: &Path, args: &[&str], stdout: Stdio, stderr: Stdio) -> Child {
    Command::new(SEAL)
        .args(args)
        .current_dir(dir)
        .env_remove("SEAL_KEY_FILE")
        .stdin(Stdio::piped())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .unwrap()
}

/// Runs seal with stderr (and stdout too, if `stdout_too`) on a fresh terminal, `input` fed
/// through a pipe in `pieces`, `pause` apart. Returns the exit status and what the terminal
/// showed.
fn on_terminal(
    dir: &Path,
    args: &[&str],
    input: Vec<u8>,
    pieces: usize,
    pause: Duration,
    stdout_too: bool,
) -> (Option<i32>, String) {
    let (slave, shown) = terminal();
    let stdout = if stdout_too {
        Stdio::from(slave.try_clone().unwrap())
    } else {
        Stdio::null()
    };
    let mut child = spawn(dir, args, stdout, Stdio::from(slave));
    feed_slowly(child.stdin.take().unwrap(), input, pieces, pause);
    let status = child.wait().unwrap().code();
    let shown = String::from_utf8_lossy(&shown.join().unwrap()).into_owned();
    (status, shown)
}

#[test]
fn a_long_run_on_a_terminal_shows_a_bar_and_clears_it_a_short_one_shows_nothing() {
    let dir = with_key();
    let p = dir.path();
    let input = vec![7u8; 512 * 1024];
    // About 2.5 s: the bar appears after a second, and is cleared at the end.
    let (status, shown) = on_terminal(
        p,
        &["enc", "-k", "key", "-o", "out"],
        input.clone(),
        6,
        Duration::from_millis(500),
        false,
    );
    assert_eq!(status, Some(0), "{shown:?}");
    assert!(shown.contains("KiB"), "no bar: {shown:?}");
    assert!(shown.contains("/s"), "no rate: {shown:?}");
    // Cleared: the last thing drawn erases the line, and nothing follows.
    assert!(
        shown.ends_with("\r\x1b[2K"),
        "not cleared at the end: {shown:?}"
    );
    assert!(fs::metadata(p.join("out")).unwrap().len() > 512 * 1024);

    // A failure after the bar was drawn: the bar is cleared, and the error is a line of its
    // own, starting at the first column.
    let (status, shown) = on_terminal(
        p,
        &["dec", "-k", "key", "-o", "back"],
        vec![0x89; 512 * 1024],
        6,
        Duration::from_millis(500),
        false,
    );
    assert_eq!(status, Some(4), "{shown:?}");
    assert!(
        shown == "seal: stdin: not a seal stream (bad magic bytes)\r\n",
        "{shown:?}"
    );
    let sealed = fs::read(p.join("out")).unwrap();
    let (status, shown) = on_terminal(
        p,
        &["dec", "-k", "key", "-o", "back"],
        sealed[..sealed.len() - 1].to_vec(),
        6,
        Duration::from_millis(500),
        false,
    );
    assert_eq!(status, Some(5), "{shown:?}");
    let (bar, error) = shown.rsplit_once("\r\x1b[2K").expect("a cleared bar");
    assert!(bar.contains("KiB"), "{shown:?}");
    assert!(
        error.starts_with("seal: stdin: ") && error.ends_with("\r\n"),
        "{error:?}"
    );
    assert_eq!(error.matches('\n').count(), 1, "{error:?}");
    fs::remove_file(p.join("out")).unwrap();

    // A run of a few milliseconds: nothing at all on the terminal.
    let (status, shown) = on_terminal(
        p,
        &["enc", "-k", "key", "-o", "out"],
        b"6 byte".to_vec(),
        1,
        Duration::ZERO,
        false,
    );
    assert_eq!(status, Some(0));
    assert_eq!(shown, "");
}

#[test]
fn no_bar_is_drawn_through_output_on_the_same_terminal() {
    let dir = with_key();
    let p = dir.path();
    // Armor to the terminal, with progress forced even: only the armor is shown.
    let (status, shown) = on_terminal(
        p,
        &["enc", "-a", "--progress", "-k", "key"],
        vec![1u8; 200 * 1024],
        5,
        Duration::from_millis(500),
        true,
    );
    assert_eq!(status, Some(0), "{shown:?}");
    let lines: Vec<&str> = shown.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "-----BEGIN SEAL ENCRYPTED FILE-----");
    assert_eq!(lines[lines.len() - 1], "-----END SEAL ENCRYPTED FILE-----");
    for line in &lines[1..lines.len() - 1] {
        assert!(
            line.len() <= 64
                && line
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)),
            "not armor: {line:?}"
        );
    }
}

/// stderr of a `--progress` run, checked to be plain text lines.
fn plain_lines(err: &[u8]) -> Vec<String> {
    let text = String::from_utf8(err.to_vec()).unwrap();
    assert!(text.ends_with('\n'), "{text:?}");
    assert!(
        !text.contains('\r') && !text.contains('\x1b'),
        "terminal codes: {text:?}"
    );
    text.lines().map(str::to_owned).collect()
}

#[test]
fn progress_into_a_log_is_plain_lines_then_a_summary_and_errors_stand_alone() {
    let dir = with_key();
    let p = dir.path();
    // A pipe of unknown size, for about 4.5 s: bytes and rate every 2 s, then the summary.
    let started = std::time::Instant::now();
    let mut child = spawn(
        p,
        &["enc", "--progress", "-k", "key", "-o", "out"],
        Stdio::null(),
        Stdio::piped(),
    );
    feed_slowly(
        child.stdin.take().unwrap(),
        vec![3u8; 900 * 1024],
        10,
        Duration::from_millis(500),
    );
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = plain_lines(&out.stderr);
    assert!(lines.len() >= 2, "{lines:?}");
    let (last, progress) = lines.split_last().unwrap();
    // At most one line every 2 s (however slow this machine made the run).
    let most = started.elapsed().as_secs() / 2 + 1;
    assert!(
        progress.len() as u64 <= most,
        "more than one line every 2 s: {lines:?}"
    );
    for line in progress {
        assert!(
            line.starts_with("seal: progress: ") && line.ends_with("/s"),
            "{line:?}"
        );
        assert!(line.contains("KiB"), "{line:?}");
    }
    assert!(
        last.starts_with("seal: progress: done, 900.00 KiB plaintext read in "),
        "{last:?}"
    );

    // A regular file of known size, read as fast as a slow reader of stdout allows: the
    // percentage is shown.
    let plain: Vec<u8> = (0..6u32 << 20).map(|i| (i % 251) as u8).collect();
    fs::write(p.join("plain"), &plain).unwrap();
    seal_ok(p, &words("enc -k key --chunk-size 64KiB -o sealed plain"));
    let mut child = Command::new(SEAL)
        .args(["dec", "--progress", "-k", "key", "sealed"])
        .current_dir(p)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut got = Vec::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        std::thread::sleep(Duration::from_millis(200));
        match stdout.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => panic!("{e}"),
        }
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(got, plain);
    let lines = plain_lines(&out.stderr);
    assert!(
        lines
            .iter()
            .any(|l| l.contains(" of 6.00 MiB ciphertext read (") && l.contains("%), ")),
        "{lines:?}"
    );
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with("seal: progress: done, 6.0")
    );

    // A stream cut short, fed slowly: progress lines, then the error on a line of its own.
    let sealed = fs::read(p.join("sealed")).unwrap();
    let mut child = spawn(
        p,
        &["dec", "--progress", "-k", "key"],
        Stdio::null(),
        Stdio::piped(),
    );
    feed_slowly(
        child.stdin.take().unwrap(),
        sealed[..sealed.len() - 100].to_vec(),
        6,
        Duration::from_millis(600),
    );
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(5));
    let lines = plain_lines(&out.stderr);
    let (last, progress) = lines.split_last().unwrap();
    assert!(!progress.is_empty(), "{lines:?}");
    assert!(progress.iter().all(|l| l.starts_with("seal: progress: ")));
    assert!(!progress.iter().any(|l| l.contains("done")));
    assert!(
        last.starts_with("seal: stdin: ") && last.contains("truncated"),
        "{last:?}"
    );
}

/// The figures of every bar drawn on a terminal: (bytes done, rate in bytes/s, ETA in seconds),
/// from lines such as `##### 1.50 MiB/4.00 MiB plaintext 1.20 MiB/s ETA 3s`.
fn drawn_figures(shown: &str, total: &str, what: &str) -> Vec<(f64, f64, u64)> {
    let bytes = |number: &str, unit: &str| -> f64 {
        let n: f64 = number.parse().unwrap();
        n * match unit {
            "B" => 1.0,
            "KiB" => 1024.0,
            "MiB" => 1024.0 * 1024.0,
            "GiB" => 1024.0 * 1024.0 * 1024.0,
            _ => panic!("unit {unit:?} in {shown:?}"),
        }
    };
    let mut figures = Vec::new();
    for drawing in shown.split(['\r', '\n']) {
        let drawing = drawing.trim_start_matches("\x1b[2K");
        let Some((_, rest)) = drawing.split_once(' ') else {
            continue;
        };
        let words: Vec<&str> = rest.split_whitespace().collect();
        // done unit/total unit, what, rate unit/s, ETA, eta
        let [
            done,
            units,
            unit,
            what_drawn,
            rate,
            rate_unit,
            "ETA",
            eta @ ..,
        ] = &words[..]
        else {
            continue;
        };
        let (done_unit, total_drawn) = units.split_once('/').unwrap();
        assert_eq!(format!("{total_drawn} {unit}"), total, "{drawing:?}");
        assert_eq!(*what_drawn, what, "{drawing:?}");
        let done = bytes(done, done_unit);
        let rate = bytes(rate, rate_unit.strip_suffix("/s").unwrap());
        let eta: u64 = match eta {
            [s] => s.strip_suffix('s').unwrap().parse().unwrap(),
            [m, s] => {
                m.strip_suffix('m').unwrap().parse::<u64>().unwrap() * 60
                    + s.strip_suffix('s').unwrap().parse::<u64>().unwrap()
            }
            _ => panic!("{drawing:?}"),
        };
        figures.push((done, rate, eta));
    }
    figures
}

#[test]
fn the_bar_draws_the_real_rate_and_eta_from_its_first_drawing() {
    let dir = with_key();
    let p = dir.path();
    // 4 MiB read at about 1.25 MiB/s by a slow reader of stdout: the bar's rate and ETA follow
    // that reader, from the first drawing on (which comes a second in, with bytes done).
    let plain: Vec<u8> = (0..4u32 << 20).map(|i| (i % 251) as u8).collect();
    fs::write(p.join("plain"), &plain).unwrap();
    let (slave, shown) = terminal();
    let mut child = Command::new(SEAL)
        .args(["enc", "-k", "key", "--chunk-size", "64KiB", "plain"])
        .current_dir(p)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(slave))
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut buf = vec![0u8; 64 * 1024];
    let mut got = 0;
    let started = std::time::Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(50));
        match stdout.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) => panic!("{e}"),
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    assert_eq!(child.wait().unwrap().code(), Some(0));
    assert!(got > 4 << 20);
    let shown = String::from_utf8_lossy(&shown.join().unwrap()).into_owned();
    let figures = drawn_figures(&shown, "4.00 MiB", "plaintext");
    assert!(!figures.is_empty(), "no bar: {shown:?}");
    // The whole run's mean rate; no drawing may claim more than 8 times it (what the reader of
    // the input may have taken ahead of the slow writer, at most a few MiB of bounded
    // buffers, over at least the first second), and none is near 0.
    let mean = plain.len() as f64 / elapsed;
    let total = plain.len() as f64;
    for &(done, rate, eta) in &figures {
        assert!(
            rate <= 8.0 * mean && rate >= mean / 8.0,
            "rate {rate:.0} B/s drawn for a run of {mean:.0} B/s: {shown:?}"
        );
        // The ETA is what is left at the rate drawn, rounded up to a second.
        let expect = ((total - done) / rate).ceil();
        assert!(
            (eta as f64 - expect).abs() <= 1.0 + expect * 0.05,
            "ETA {eta}s drawn for {:.0} bytes left at {rate:.0} B/s: {shown:?}",
            total - done
        );
    }
}

#[test]
fn dec_progress_says_it_counts_ciphertext() {
    let dir = with_key();
    let p = dir.path();
    let mut child = spawn(
        p,
        &["enc", "--progress", "-k", "key", "-o", "sealed"],
        Stdio::null(),
        Stdio::piped(),
    );
    feed_slowly(
        child.stdin.take().unwrap(),
        vec![3u8; 300 * 1024],
        3,
        Duration::from_millis(1500),
    );
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = plain_lines(&out.stderr);
    assert!(
        lines[0].starts_with("seal: progress: ") && lines[0].contains(" KiB plaintext read, "),
        "{lines:?}"
    );
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with("seal: progress: done, 300.00 KiB plaintext read in "),
        "{lines:?}"
    );
    let sealed = fs::read(p.join("sealed")).unwrap();
    let mut child = spawn(
        p,
        &["dec", "--progress", "-k", "key", "-o", "back"],
        Stdio::null(),
        Stdio::piped(),
    );
    let len = sealed.len();
    feed_slowly(
        child.stdin.take().unwrap(),
        sealed,
        3,
        Duration::from_millis(1500),
    );
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = plain_lines(&out.stderr);
    assert!(lines[0].contains(" KiB ciphertext read, "), "{lines:?}");
    assert_eq!(
        lines.last().unwrap().split(" in ").next().unwrap(),
        format!(
            "seal: progress: done, {:.2} KiB ciphertext read",
            len as f64 / 1024.0
        ),
    );
}
