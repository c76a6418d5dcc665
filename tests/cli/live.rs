//! What belongs here: live streams through the real binary: `seal enc --max-delay` with a real
//! slow producer, `seal dec` releasing each line as it comes, and the options around them.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::SEAL;
use crate::common::{assert_fails, ok};
use crate::kit::*;

#[test]
fn each_line_of_a_slow_producer_reaches_the_consumer_before_the_next_is_written() {
    let dir = with_key();
    let p = dir.path();
    // The producer marks each line just before writing it, then pauses 2 s (ten times the
    // maximum delay: a generous margin for a loaded machine).
    let script = "for k in 1 2 3; do touch wrote-$k; echo \"line $k\"; sleep 2; done";
    let mut producer = Command::new("sh")
        .args(["-c", script])
        .current_dir(p)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut enc = Command::new(SEAL)
        .args(["enc", "-q", "--max-delay", "200ms", "-k", "key"])
        .current_dir(p)
        .stdin(producer.stdout.take().unwrap())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut dec = Command::new(SEAL)
        .args(["dec", "-q", "-k", "key"])
        .current_dir(p)
        .stdin(enc.stdout.take().unwrap())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(dec.stdout.take().unwrap()).lines();
    for k in 1..=3 {
        let line = lines.next().unwrap().unwrap();
        assert_eq!(line, format!("line {k}"));
        let next = p.join(format!("wrote-{}", k + 1));
        assert!(
            !next.exists(),
            "line {k} reached the consumer only after the producer wrote line {}",
            k + 1
        );
    }
    assert!(lines.next().is_none());
    assert!(producer.wait().unwrap().success());
    assert!(enc.wait().unwrap().success());
    assert!(dec.wait().unwrap().success());
}

#[test]
fn a_live_stream_round_trips_through_files_and_verifies() {
    let dir = with_key();
    let p = dir.path();
    let plain: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(p.join("plain"), &plain).unwrap();
    let args = [
        "enc",
        "--max-delay",
        "1s",
        "--chunk-size",
        "64KiB",
        "-k",
        "key",
    ];
    ok(&seal(
        p,
        &[&args[..], &["-o", "live.seal", "plain"]].concat(),
        b"",
    ));
    let sealed = std::fs::read(p.join("live.seal")).unwrap();
    assert_eq!(sealed[8], 2, "version byte of a live stream");
    ok(&seal(
        p,
        &["dec", "-k", "key", "-o", "back", "live.seal"],
        b"",
    ));
    assert!(std::fs::read(p.join("back")).unwrap() == plain);
    ok(&seal(p, &["verify", "-k", "key", "live.seal"], b""));
    // Through pipes too.
    let out = seal(p, &args, &plain);
    let back = seal(p, &["dec", "-k", "key"], ok(&out));
    assert!(ok(&back) == plain);
    let info = seal(p, &["info", "live.seal"], b"");
    let text = String::from_utf8_lossy(ok(&info)).into_owned();
    assert!(
        text.starts_with("format:     seal version 2, live framing\n"),
        "{text}"
    );
    assert!(
        text.contains("live framing: frame count unknown until read"),
        "{text}"
    );
    // Damage is caught as in any stream: the last byte, then a cut.
    let mut damaged = sealed.clone();
    *damaged.last_mut().unwrap() ^= 1;
    std::fs::write(p.join("bad.seal"), &damaged).unwrap();
    assert_fails(
        &seal(p, &["dec", "-k", "key", "bad.seal"], b""),
        5,
        "failed authentication",
    );
    std::fs::write(p.join("cut.seal"), &sealed[..sealed.len() - 1]).unwrap();
    assert_fails(
        &seal(p, &["dec", "-k", "key", "cut.seal"], b""),
        5,
        "truncated",
    );
}

#[test]
fn max_delay_is_refused_with_armor_and_without_a_unit() {
    let dir = with_key();
    let p = dir.path();
    let out = seal(p, &["enc", "-a", "--max-delay", "1s", "-k", "key"], b"x");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        err.contains("--armor") && err.contains("--max-delay"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    for bad in ["200", "0s", "2h", "fast"] {
        let out = seal(p, &["enc", "--max-delay", bad, "-k", "key"], b"x");
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(out.stdout.is_empty());
    }
}

/// The check for an already sealed input must not hold back a live stream's first frame
/// until 128 bytes have come.
#[test]
fn the_sealed_input_check_does_not_delay_a_live_stream() {
    use std::io::{Read, Write};
    use std::sync::mpsc::channel;
    use std::time::Duration;
    let dir = with_key_and_doc();
    let p = dir.path();
    let mut child = Command::new(SEAL)
        .args(["enc", "-k", "key", "--max-delay", "100ms"])
        .current_dir(p)
        .env_remove("SEAL_KEY_FILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = stdout.read(&mut buf) {
            if tx.send(n).is_err() {
                break;
            }
        }
    });
    stdin.write_all(b"abc").unwrap();
    // The header and a frame holding "abc" come out while stdin is still open.
    let mut got = 0;
    while got <= 79 {
        got += rx
            .recv_timeout(Duration::from_secs(10))
            .expect("the first frame within the delay, not after more input");
    }
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(0));
}
