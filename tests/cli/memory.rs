//! What belongs here: peak memory of the real binary when a stream asks for the largest frames
//! and the command line for many threads: frame buffers stay within 256 MiB (SECURITY.md,
//! "Limits"). Speed and memory goals otherwise live in benches/.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::SEAL;

/// The peak resident set size of process `pid` so far, in KiB (`VmHWM` in /proc).
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    line.trim().trim_end_matches("kB").trim().parse().ok()
}

#[test]
fn dec_of_16_mib_chunks_at_64_threads_stays_under_300_mib() {
    const CHUNK: usize = 16 << 20;
    const FRAMES: usize = 24;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key");
    let made = Command::new(SEAL)
        .arg("keygen")
        .arg("-o")
        .arg(&key)
        .status();
    assert!(made.unwrap().success());
    // A real stream of 24 frames of 16 MiB (frame i's plaintext all byte i).
    let plain = dir.path().join("plain");
    let mut file = std::fs::File::create(&plain).unwrap();
    for i in 0..FRAMES {
        file.write_all(&vec![i as u8; CHUNK]).unwrap();
    }
    drop(file);
    let sealed = dir.path().join("sealed");
    let status = Command::new(SEAL)
        .args(["enc", "-q", "--chunk-size", "16MiB", "-k"])
        .arg(&key)
        .arg("-o")
        .arg(&sealed)
        .arg(&plain)
        .status();
    assert!(status.unwrap().success());
    // Nobody reads seal's output at first, so its writer blocks on frame 0's plaintext while
    // the workers open every later frame they have room for: without the bound, 64 workers'
    // worth of buffers would hold all 24 frames (384 MiB); with it, 7 workers and 15 buffers.
    let mut dec = Command::new(SEAL)
        .args(["dec", "-q", "--threads", "64", "-k"])
        .arg(&key)
        .stdin(std::fs::File::open(&sealed).unwrap())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = dec.id();
    let mut peak = 0;
    let measure = |peak: &mut u64| {
        if let Some(kib) = peak_rss_kib(pid) {
            *peak = (*peak).max(kib);
        }
    };
    // Let the workers take what they may. On an idle machine that takes well under a second,
    // on a loaded one many: wait until the peak is past the floor below (frame 0 and at least
    // eleven more frames held) and has not grown for a second (they hold all they may), for
    // at most two minutes, rather than for a fixed time.
    const FLOOR_KIB: u64 = 12 * 16 * 1024;
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut still_since = Instant::now();
    let mut last = 0;
    while Instant::now() < deadline {
        measure(&mut peak);
        if peak != last {
            last = peak;
            still_since = Instant::now();
        } else if peak > FLOOR_KIB && still_since.elapsed() >= Duration::from_secs(1) {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut out = dec.stdout.take().unwrap();
    let drain = std::thread::spawn(move || {
        // Every frame's plaintext, in order (the AEAD vouches for the bytes between).
        let mut frame = vec![0u8; CHUNK];
        let mut frames = 0;
        while std::io::Read::read_exact(&mut out, &mut frame).is_ok() {
            let ends = [frame[0], frame[CHUNK / 2], frame[CHUNK - 1]];
            assert_eq!(ends, [frames as u8; 3], "frame {frames}");
            frames += 1;
        }
        frames
    });
    let status = loop {
        measure(&mut peak);
        if let Some(status) = dec.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(drain.join().unwrap(), FRAMES, "whole frames of plaintext");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut dec.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    // It did hold frames (so the measure is real), and no more than the bound allows.
    assert!(peak > FLOOR_KIB, "peak {peak} KiB: not measured?");
    assert!(peak < 300 * 1024, "seal dec peaked at {} MiB", peak / 1024);
}
