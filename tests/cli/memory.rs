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
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key");
    let made = Command::new(SEAL)
        .arg("keygen")
        .arg("-o")
        .arg(&key)
        .status();
    assert!(made.unwrap().success());
    // A real stream of 16 MiB chunks whose frame 0 is whole and authentic...
    let plain = dir.path().join("plain");
    std::fs::write(&plain, vec![0x5a; CHUNK + 1]).unwrap();
    let sealed = Command::new(SEAL)
        .args(["enc", "-q", "--chunk-size", "16MiB", "-k"])
        .arg(&key)
        .arg(&plain)
        .output()
        .unwrap();
    assert!(sealed.status.success());
    let head = sealed.stdout[..79 + CHUNK + 28].to_vec();
    // ...then 31 frames of 16 MiB with their nonces in place but wrong tags. Nobody reads
    // seal's output at first, so its writer blocks on frame 0's plaintext while the workers
    // read every later frame they have room for: without the bound, 64 workers' worth of
    // buffers would hold all 32 frames (512 MiB).
    let mut dec = Command::new(SEAL)
        .args(["dec", "-q", "--threads", "64", "-k"])
        .arg(&key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = dec.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let mut frame = vec![0x5a; 12 + CHUNK + 16];
        let _ = input.write_all(&head);
        for i in 1..32u64 {
            frame[..12].fill(0);
            frame[3..11].copy_from_slice(&i.to_be_bytes());
            // seal dec exits at the first bad frame: later writes may fail, which is fine.
            if input.write_all(&frame).is_err() {
                return;
            }
        }
    });
    let pid = dec.id();
    let mut peak = 0;
    let measure = |peak: &mut u64| {
        if let Some(kib) = peak_rss_kib(pid) {
            *peak = (*peak).max(kib);
        }
    };
    // Let the workers take what they may. The frames arrive in well under a second on an idle
    // machine, but on a loaded one they can take many: wait until the peak is past the floor
    // below (frame 0 and at least four more frames held: the workers read ahead) and has not
    // grown for a second (they hold all they may), for at most two minutes, rather than for a
    // fixed time.
    const FLOOR_KIB: u64 = 5 * 16 * 1024;
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
    let drain = std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let status = loop {
        measure(&mut peak);
        if let Some(status) = dec.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    feeder.join().unwrap();
    assert_eq!(
        drain.join().unwrap().unwrap(),
        CHUNK as u64,
        "frame 0's plaintext"
    );
    let mut err = String::new();
    std::io::Read::read_to_string(&mut dec.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(5), "{err}");
    assert!(err.contains("frame 1 "), "{err}");
    // It did hold frames (so the measure is real), and no more than the bound allows.
    assert!(peak > FLOOR_KIB, "peak {peak} KiB: not measured?");
    assert!(peak < 300 * 1024, "seal dec peaked at {} MiB", peak / 1024);
}
