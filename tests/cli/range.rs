//! What belongs here: `seal dec --offset N --length M`: ranges of a seekable stream, through
//! the real binary, and the inputs it refuses.

use std::fs::{self, File};
use std::path::PathBuf;
use std::process::{Command, Output};

use crate::common::*;
use crate::kit::seal_cmd;

/// A scratch directory with a key and a 64-byte-chunk stream of `PLAIN` bytes.
struct Range {
    dir: tempfile::TempDir,
    plain: Vec<u8>,
}

/// Plaintext length: 40 full 64-byte frames and a final one of 17 bytes.
const PLAIN: usize = 40 * 64 + 17;

impl Range {
    fn new() -> Self {
        let r = Range {
            dir: tempfile::tempdir().unwrap(),
            plain: data(PLAIN, 21),
        };
        fs::write(r.path("plain"), &r.plain).unwrap();
        ok(&r.run(&["keygen", "-o", "key"]));
        ok(&r.run(&[
            "enc",
            "-k",
            "key",
            "--chunk-size",
            "64",
            "-o",
            "s.seal",
            "plain",
        ]));
        r
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn cmd(&self, args: &[&str]) -> Command {
        seal_cmd(self.dir.path(), args)
    }
    fn run(&self, args: &[&str]) -> Output {
        run_cmd(self.cmd(args), b"")
    }
    /// `seal dec -k key --offset OFF --length LEN FILE` (either option left out when `None`).
    fn range(&self, file: &str, offset: Option<&str>, length: Option<&str>) -> Output {
        let mut args = vec!["dec", "-k", "key"];
        if let Some(o) = offset {
            args.extend(["--offset", o]);
        }
        if let Some(l) = length {
            args.extend(["--length", l]);
        }
        args.push(file);
        self.run(&args)
    }
    /// A copy of the stream with `mask` flipped into byte `at`.
    fn damaged(&self, at: usize, mask: u8) -> &'static str {
        let mut bytes = fs::read(self.path("s.seal")).unwrap();
        bytes[at] ^= mask;
        fs::write(self.path("bad.seal"), bytes).unwrap();
        "bad.seal"
    }
}

const HEADER: usize = 79;
const FULL: usize = 64 + 28;

#[test]
fn ranges_are_the_plaintexts_bytes() {
    let r = Range::new();
    let len = PLAIN as u64;
    for offset in [
        0u64,
        1,
        63,
        64,
        65,
        127,
        128,
        1000,
        2559,
        2560,
        2561,
        len - 1,
        len,
    ] {
        for length in [0u64, 1, 2, 63, 64, 65, 200, 5000] {
            let out = r.range(
                "s.seal",
                Some(&offset.to_string()),
                Some(&length.to_string()),
            );
            let end = (offset + length).min(len) as usize;
            assert!(
                ok(&out) == &r.plain[offset as usize..end],
                "offset {offset} length {length}"
            );
        }
    }
    // Either option alone, and size suffixes.
    assert!(ok(&r.range("s.seal", Some("2K"), None)) == &r.plain[2048..]);
    assert!(ok(&r.range("s.seal", None, Some("1KiB"))) == &r.plain[..1024]);
}

#[test]
fn a_range_goes_to_an_output_file_and_reads_a_redirected_stdin() {
    let r = Range::new();
    ok(&r.run(&[
        "dec", "-k", "key", "--offset", "100", "--length", "300", "-o", "out", "s.seal",
    ]));
    assert!(fs::read(r.path("out")).unwrap() == r.plain[100..400]);
    // stdin redirected from the file is seekable too.
    let mut cmd = r.cmd(&["dec", "-k", "key", "--offset", "1000", "--length", "10"]);
    cmd.stdin(File::open(r.path("s.seal")).unwrap());
    let out = cmd.output().unwrap();
    assert!(ok(&out) == &r.plain[1000..1010]);
}

#[test]
fn an_offset_past_the_end_is_a_usage_error_and_a_length_past_it_stops_there() {
    let r = Range::new();
    let past = (PLAIN + 1).to_string();
    let out = r.range("s.seal", Some(&past), Some("1"));
    assert_fails(&out, 2, &format!("--offset {past} is past the end"));
    assert!(out.stdout.is_empty());
    assert!(ok(&r.range("s.seal", Some(&PLAIN.to_string()), Some("5"))).is_empty());
    assert!(ok(&r.range("s.seal", Some("2500"), Some("1G"))) == &r.plain[2500..]);
}

#[test]
fn pipes_and_armor_are_refused_as_not_seekable() {
    let r = Range::new();
    let sealed = fs::read(r.path("s.seal")).unwrap();
    let out = run_cmd(r.cmd(&["dec", "-k", "key", "--offset", "5"]), &sealed);
    assert_fails(&out, 2, "stdin is a pipe");
    ok(&r.run(&["enc", "-a", "-k", "key", "-o", "a.seal", "plain"]));
    let out = r.range("a.seal", Some("5"), Some("5"));
    assert_fails(&out, 2, "'a.seal' is ASCII armor");
    // Without a range both decrypt as before.
    assert!(ok(&run_cmd(r.cmd(&["dec", "-k", "key"]), &sealed)) == r.plain);
    assert!(ok(&r.run(&["dec", "-k", "key", "a.seal"])) == r.plain);
}

#[test]
fn live_streams_are_refused_as_a_usage_error_before_any_secret_is_used() {
    let r = Range::new();
    ok(&r.run(&[
        "enc",
        "-q",
        "--max-delay",
        "1s",
        "-k",
        "key",
        "-o",
        "live.seal",
        "plain",
    ]));
    for (offset, length) in [(Some("5"), Some("5")), (None, Some("1")), (Some("0"), None)] {
        let out = r.range("live.seal", offset, length);
        assert_fails(&out, 2, "'live.seal' is a live stream");
        assert!(out.stdout.is_empty());
    }
    // Refused before the key is even read: a missing key file does not matter.
    let out = r.run(&["dec", "-k", "nokey", "--offset", "1", "live.seal"]);
    assert_fails(&out, 2, "live stream");
    let out = r.run(&[
        "dec",
        "-k",
        "key",
        "--offset",
        "1",
        "-o",
        "out",
        "live.seal",
    ]);
    assert_fails(&out, 2, "live stream");
    assert!(!r.path("out").exists());
    // Whole, it decrypts.
    assert!(ok(&r.run(&["dec", "-k", "key", "live.seal"])) == r.plain);
}

#[test]
fn only_the_frames_of_the_range_and_the_final_frame_are_authenticated() {
    let r = Range::new();
    // Frame 3 damaged: a range in frames 10..12 reads, one touching frame 3 fails.
    let bad = r.damaged(HEADER + 3 * FULL + 40, 0x01);
    assert!(ok(&r.range(bad, Some("640"), Some("150"))) == &r.plain[640..790]);
    let out = r.range(bad, Some("100"), Some("200"));
    assert_fails(&out, 5, "frame 3");
    // As for a whole stream on stdout: the authentic frames before the damage, nothing of it.
    assert!(out.stdout == r.plain[100..192]);
    let out = r.run(&["dec", "-k", "key", "--offset", "100", "-o", "out", bad]);
    assert_fails(&out, 5, "frame 3");
    assert!(
        !r.path("out").exists(),
        "nothing at -o when the range fails"
    );
    // The final frame damaged: every range fails, even one at the start.
    let bad = r.damaged(HEADER + 40 * FULL + 20, 0x80);
    assert_fails(&r.range(bad, Some("0"), Some("1")), 5, "frame 40");
    // Truncated at a frame boundary: the final frame is missing.
    let sealed = fs::read(r.path("s.seal")).unwrap();
    fs::write(r.path("cut.seal"), &sealed[..HEADER + 30 * FULL]).unwrap();
    assert_fails(&r.range("cut.seal", Some("0"), Some("1")), 5, "truncated");
    // Another key.
    ok(&r.run(&["keygen", "-o", "other"]));
    let out = r.run(&["dec", "-k", "other", "--offset", "1", "s.seal"]);
    assert_fails(&out, 3, "wrong key");
}
