//! What belongs here: the answers docs/FORMAT.md and SECURITY.md give to the questions a second
//! implementer would otherwise guess at (issue 16's list), pinned through the real binary: how
//! cut and malformed armor end, which lines are judged by their first 66 bytes, recipient text
//! and identity files, what "the same recipient" means, low-order X25519 recipients, a
//! recipient count larger than the stanzas, ranges at the end of the plaintext and on live
//! streams, and a live frame's length error. A new question of the spec goes here.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use crate::common::{assert_fails, ok, stderr};
use crate::kit::{identity, seal, seal_cmd, write_secret};

const BEGIN: &str = "-----BEGIN SEAL ENCRYPTED FILE-----";
const END: &str = "-----END SEAL ENCRYPTED FILE-----";

/// A directory with a key file `key` and `plain`, `len` bytes.
fn setup(len: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(&seal(dir.path(), &["keygen", "-o", "key"], b""));
    let plain: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
    fs::write(dir.path().join("plain"), plain).unwrap();
    dir
}

fn vector_stream(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(name);
    let text = fs::read_to_string(path).unwrap();
    let hex = text
        .lines()
        .find_map(|l| l.strip_prefix("stream: "))
        .unwrap();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

fn vector_field(name: &str, field: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(name);
    let text = fs::read_to_string(path).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}: ")))
        .unwrap()
        .to_owned()
}

/// The armored stream of `plain` (chunk size 64) as lines, without line endings.
fn armored_lines(dir: &Path) -> Vec<String> {
    let out = seal(
        dir,
        &["enc", "-k", "key", "-a", "--chunk-size", "64", "plain"],
        b"",
    );
    String::from_utf8(ok(&out).to_vec())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn dec_text(dir: &Path, text: &str) -> Output {
    fs::write(dir.join("in.txt"), text).unwrap();
    seal(dir, &["dec", "-k", "key", "in.txt"], b"")
}

// Item 1: armor cut after blank lines, or inside the BEGIN or END line, is a cut (exit 5).
#[test]
fn armor_cut_after_blank_lines_or_inside_the_begin_or_end_line_is_a_cut() {
    let dir = setup(300);
    let p = dir.path();
    let lines = armored_lines(p);
    let n = lines.len();
    assert_eq!(lines[n - 1], END);
    // The last body line is short, so a reader that took a cut END line for a body line would
    // call it "shorter than 64 characters before the last" (malformed, exit 4).
    assert!(lines[n - 2].len() < 64);
    let body = lines[..n - 1].join("\n");
    let truncated = |line: usize| format!("armor line {line}: armor truncated");
    // Cut after blank lines.
    assert_fails(
        &dec_text(p, &format!("{body}\n  \n\t\n")),
        5,
        &truncated(n + 2),
    );
    // Cut inside the END line, anywhere, and between its CR and LF.
    for cut in [1, 5, 17, END.len() - 1] {
        let text = format!("{body}\n{}", &END[..cut]);
        assert_fails(&dec_text(p, &text), 5, &truncated(n));
    }
    assert_fails(
        &dec_text(p, &format!("{body}\r\n{END}\r")),
        5,
        &truncated(n),
    );
    // Cut inside the BEGIN line: nothing but a part of it.
    for cut in [1, 11, BEGIN.len() - 1] {
        assert_fails(&dec_text(p, &BEGIN[..cut]), 5, &truncated(1));
    }
    assert_fails(&dec_text(p, &format!("\n\n{BEGIN}\r")), 5, &truncated(3));
    // Not cuts: the whole END line without its LF is complete armor, and a part of it followed
    // by an LF is a line that is not END (malformed).
    let plain = fs::read(p.join("plain")).unwrap();
    assert_eq!(ok(&dec_text(p, &format!("{body}\n{END}"))), &plain[..]);
    let out = dec_text(p, &format!("{body}\n{}\n", &END[..17]));
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
}

// Item 2: malformed armor found after authentic frames were released exits 4 after their
// plaintext, as damage (exit 5) does; with -o nothing is written.
#[test]
fn malformed_armor_after_authentic_frames_exits_4_after_their_plaintext() {
    let dir = setup(64 * 40 + 10);
    let p = dir.path();
    let mut lines = armored_lines(p);
    let n = lines.len();
    // Spoil a body line near the end: a character outside the alphabet.
    lines[n - 4].replace_range(0..1, "*");
    let text = lines.join("\n") + "\n";
    fs::write(p.join("bad.txt"), &text).unwrap();
    let out = seal(p, &["dec", "-k", "key", "--threads", "2", "bad.txt"], b"");
    assert_fails(
        &out,
        4,
        &format!("armor line {}: not canonical base64", n - 3),
    );
    let plain = fs::read(p.join("plain")).unwrap();
    // At most 2 x 2 + 1 frames wait in the pipeline: the frames well before the bad line
    // have been written.
    assert!(out.stdout.len() >= 64 * 20, "{}", out.stdout.len());
    assert!(out.stdout.len().is_multiple_of(64));
    assert!(plain.starts_with(&out.stdout));
    let out = seal(p, &["dec", "-k", "key", "-o", "out", "bad.txt"], b"");
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(!p.join("out").exists());
}

// Item 3: a too-long line is judged by its first 66 bytes alone.
#[test]
fn a_first_line_too_long_is_judged_by_its_first_66_bytes() {
    let dir = setup(100);
    let p = dir.path();
    let lines = armored_lines(p);
    let rest = lines[1..].join("\n") + "\n";
    // 61 spaces and `-----` fit in 66 bytes: malformed, on line 1.
    let text = format!("{}{BEGIN}\n{rest}", " ".repeat(61));
    assert_fails(
        &dec_text(p, &text),
        4,
        "armor line 1: not a seal stream: this line is not -----BEGIN SEAL ENCRYPTED FILE-----",
    );
    // 62 spaces: the 66 bytes hold only `----`: not armor at all, whatever follows.
    let text = format!("{}{BEGIN}\n{rest}", " ".repeat(62));
    assert_fails(
        &dec_text(p, &text),
        4,
        "not a seal stream (bad magic bytes)",
    );
    // The same line between BEGIN and END is malformed, after END data after the armor.
    let long = "A".repeat(100);
    let mut inside = lines.clone();
    inside.insert(1, long.clone());
    assert_fails(
        &dec_text(p, &(inside.join("\n") + "\n")),
        4,
        "armor line 2: line longer than 64 characters",
    );
    let after = format!("{}\n{long}\n", lines.join("\n"));
    assert_fails(
        &dec_text(p, &after),
        5,
        &format!(
            "armor line {}: data after the armor's END line",
            lines.len() + 1
        ),
    );
}

// Items 4 and 7: recipients in either case (not mixed), identities in upper case only, and one
// key is one recipient however it is written and wherever it comes from.
#[test]
fn one_key_is_one_recipient_in_either_case_and_identities_are_upper_case() {
    let dir = setup(1000);
    let p = dir.path();
    let x = identity(p, "idx", "x25519");
    let pq = identity(p, "idpq", "mlkem768x25519");
    let upper = x.to_uppercase();
    fs::write(
        p.join("rcpts"),
        format!("# team\n\n  {upper}  \r\n{x}\n{pq}\n"),
    )
    .unwrap();
    let out = seal(
        p,
        &[
            "enc",
            "--allow-classical-mix",
            "-r",
            &x,
            "-r",
            &upper,
            "-R",
            "rcpts",
            "-o",
            "s.seal",
            "plain",
        ],
        b"",
    );
    ok(&out);
    let info = seal(p, &["info", "--json", "s.seal"], b"");
    let json = String::from_utf8(ok(&info).to_vec()).unwrap();
    assert!(
        json.contains(r#""recipients":["x25519","mlkem768x25519"]"#),
        "{json}"
    );
    let plain = fs::read(p.join("plain")).unwrap();
    for id in ["idx", "idpq"] {
        assert_eq!(ok(&seal(p, &["dec", "-k", id, "s.seal"], b"")), &plain[..]);
    }
    // Mixed case is refused.
    let mixed = format!("{}{}", &upper[..10], &x[10..]);
    let out = seal(p, &["enc", "-r", &mixed, "plain"], b"");
    assert_fails(
        &out,
        3,
        "malformed recipient: invalid character (or mixed case)",
    );
    // An identity in lower case is not an identity.
    let text = fs::read_to_string(p.join("idx")).unwrap();
    write_secret(&p.join("lower"), &text.to_lowercase());
    let out = seal(p, &["dec", "-k", "lower", "s.seal"], b"");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
}

// Item 4: no 90-character limit; a length other than the kind's is refused, past 4,096
// characters in all without computing the checksum.
#[test]
fn recipient_length_is_the_kinds_and_bip_350s_limit_is_not_applied() {
    let dir = setup(10);
    let p = dir.path();
    let pq = identity(p, "idpq", "mlkem768x25519");
    assert_eq!(pq.len(), 1959);
    ok(&seal(p, &["enc", "-r", &pq, "-o", "s.seal", "plain"], b""));
    for (len, problem) in [
        (4096, "checksum mismatch"),
        (4097, "wrong length for its kind"),
    ] {
        let long = format!("sealx1{}", "q".repeat(len - 6));
        let out = seal(p, &["enc", "-r", &long, "plain"], b"");
        assert_fails(&out, 3, &format!("malformed recipient: {problem}"));
    }
}

// Item 5: an identity file (issue 17) is lines: blank lines and `#` comments skipped, one
// identity on every other line, several allowed; a line at most 4,096 bytes, the file at most
// 64 KiB; a line that is not an identity is refused by its number, never shown. A key file is
// still one line and at most 1,107 bytes.
#[test]
fn identity_and_key_files_hold_one_line_and_up_to_1024_bytes_of_whitespace() {
    let dir = setup(100);
    let p = dir.path();
    let x = identity(p, "idx", "x25519");
    ok(&seal(p, &["enc", "-r", &x, "-o", "s.seal", "plain"], b""));
    let text = fs::read_to_string(p.join("idx")).unwrap();
    let line = text
        .lines()
        .find(|l| !l.starts_with('#'))
        .unwrap()
        .to_owned();
    assert_eq!(line.len(), 80);
    let plain = fs::read(p.join("plain")).unwrap();
    let try_id = |text: String| {
        write_secret(&p.join("id2"), &text);
        seal(p, &["dec", "-k", "id2", "s.seal"], b"")
    };
    let other = "SEAL-IDENTITY-X25519-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQX4GU8W";
    for text in [
        format!("{line}{}", "\n".repeat(1025)),
        format!("{line}\n# my laptop\n"),
        format!("# created: today\n\n  {line}\r\n"),
        format!("{other}\n{line}\n"),
        format!("{line}\n{line}\n"),
    ] {
        assert_eq!(ok(&try_id(text)), &plain[..]);
    }
    assert_fails(
        &try_id(format!("{line}\nmy laptop\n")),
        3,
        "line 2: not an identity (the line is not shown)",
    );
    assert_fails(
        &try_id(format!("{line}\n{}\n", " ".repeat(4097))),
        3,
        "line 2: malformed identity: wrong length",
    );
    assert_fails(
        &try_id(format!("{line}{}", "\n".repeat(64 << 10))),
        3,
        "larger than 64 KiB",
    );
    let key = fs::read_to_string(p.join("key"))
        .unwrap()
        .trim_end()
        .to_owned();
    assert_eq!(key.len(), 83);
    ok(&seal(
        p,
        &["enc", "-k", "key", "-o", "k.seal", "plain"],
        b"",
    ));
    let try_key = |text: String| {
        write_secret(&p.join("key2"), &text);
        seal(p, &["dec", "-k", "key2", "k.seal"], b"")
    };
    assert_eq!(
        ok(&try_key(format!("{key}{}", " \n".repeat(512)))),
        &plain[..]
    );
    assert_fails(
        &try_key(format!("{key}{} ", " \n".repeat(512))),
        3,
        "unexpected text after the key",
    );
}

// Item 6: an identity where a recipient goes is a usage error (exit 2), never echoed.
#[test]
fn an_identity_given_as_a_recipient_is_a_usage_error() {
    let dir = setup(10);
    let p = dir.path();
    identity(p, "idx", "x25519");
    let text = fs::read_to_string(p.join("idx")).unwrap();
    let line = text.lines().last().unwrap();
    for args in [
        vec!["enc", "-r", line, "-o", "out", "plain"],
        vec!["enc", "-R", "idx", "-o", "out", "plain"],
    ] {
        let out = seal(p, &args, b"");
        assert_fails(&out, 2, "that is an identity (a secret), not a recipient");
        assert!(!stderr(&out).contains(&line[22..40]), "{}", stderr(&out));
        assert!(!p.join("out").exists());
    }
}

// Item 6: --offset at the end of the plaintext writes nothing (exit 0); past it, or on a live
// stream, is a usage error (exit 2).
#[test]
fn offset_at_the_end_is_empty_past_it_or_on_a_live_stream_is_a_usage_error() {
    let dir = setup(300);
    let p = dir.path();
    ok(&seal(
        p,
        &["enc", "-k", "key", "-o", "s.seal", "plain"],
        b"",
    ));
    let out = seal(p, &["dec", "-k", "key", "--offset", "300", "s.seal"], b"");
    assert!(ok(&out).is_empty());
    let out = seal(
        p,
        &["dec", "-k", "key", "--offset", "300", "-o", "out", "s.seal"],
        b"",
    );
    ok(&out);
    assert_eq!(fs::read(p.join("out")).unwrap(), b"");
    let out = seal(p, &["dec", "-k", "key", "--offset", "301", "s.seal"], b"");
    assert_fails(
        &out,
        2,
        "--offset 301 is past the end of the plaintext of 's.seal' (300 bytes)",
    );
    let live = seal(p, &["enc", "-k", "key", "--max-delay", "1s"], b"live\n");
    fs::write(p.join("live.seal"), ok(&live)).unwrap();
    for offset in ["0", "5"] {
        let out = seal(
            p,
            &["dec", "-k", "key", "--offset", offset, "live.seal"],
            b"",
        );
        assert_fails(&out, 2, "'live.seal' is a live stream");
    }
}

// Item 8: an X25519 recipient that is a point of low order is refused before any input is
// read (RFC 9180 section 7.1.4: the all-zero shared secret).
#[test]
fn a_low_order_x25519_recipient_is_refused_when_encrypting() {
    use bech32::{Bech32m, Hrp};
    let dir = setup(10);
    let p = dir.path();
    let order_8 = "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800";
    let mut points = vec![[0u8; 32], [0u8; 32]];
    points[1][0] = 1;
    let mut point = [0u8; 32];
    for (i, byte) in point.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&order_8[2 * i..2 * i + 2], 16).unwrap();
    }
    points.push(point);
    for point in points {
        let text = bech32::encode::<Bech32m>(Hrp::parse("sealx").unwrap(), &point).unwrap();
        // stdin stays open and empty until seal has exited: the refusal does not wait for
        // input.
        let mut child = seal_cmd(p, &["enc", "-r", &text, "-o", "out"])
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let deadline = Instant::now() + Duration::from_secs(60);
        while child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "seal waited for input");
            std::thread::sleep(Duration::from_millis(10));
        }
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        assert_fails(&out, 3, "malformed recipient: not a valid public key");
        // Named as every other bad recipient is: which argument it was.
        assert_fails(
            &out,
            3,
            &format!(
                "-r '{}'... (recipient 1): malformed recipient: not a valid public key",
                &text[..24]
            ),
        );
        assert!(!p.join("out").exists());
        // And in a recipients file, by its line.
        std::fs::write(p.join("low.txt"), format!("# low order\n{text}\n")).unwrap();
        let out = seal(p, &["enc", "-R", "low.txt", "-o", "out"], b"");
        assert_fails(
            &out,
            3,
            "recipients file 'low.txt', line 2: malformed recipient: not a valid public key",
        );
        assert!(!p.join("out").exists());
    }
}

// Item 9: a recipient count larger than the stanzas present: what follows is read as stanzas,
// and the first head that cannot be one is a format error (exit 4).
#[test]
fn a_recipient_count_larger_than_the_stanzas_is_a_stanza_length_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let name = "chacha20-poly1305-recipient-x25519.txt";
    let mut stream = vector_stream(name);
    write_secret(&p.join("id"), &(vector_field(name, "identity_1") + "\n"));
    assert_eq!(stream[47..49], [0, 1]);
    stream[48] = 2;
    fs::write(p.join("s.seal"), &stream).unwrap();
    // The commitment's first bytes, 89 62 bf, read as a stanza head.
    let out = seal(p, &["dec", "-k", "id", "s.seal"], b"");
    assert_fails(
        &out,
        4,
        "recipient stanza 1 (kind 137) has a body of 25279 bytes, not the length its kind allows",
    );
    // Cut right after the real stanza: the second head is not there, a truncated header.
    fs::write(p.join("cut.seal"), &stream[..49 + 3 + 80]).unwrap();
    let out = seal(p, &["dec", "-k", "id", "cut.seal"], b"");
    assert_fails(&out, 5, "stream truncated: input ended after 132 of the");
    // A smaller count: three stanzas said to be two. The third is read as the commitment
    // (and frames), which fails for the second identity, whose stanza opens; the third's
    // stanza is not among the two.
    let name = "aes-256-gcm-recipients-3.txt";
    let mut stream = vector_stream(name);
    assert_eq!(stream[47..49], [0, 3]);
    stream[48] = 2;
    fs::write(p.join("two.seal"), &stream).unwrap();
    for (n, status) in [(2, 5), (3, 3)] {
        write_secret(
            &p.join("id"),
            &(vector_field(name, &format!("identity_{n}")) + "\n"),
        );
        let out = seal(p, &["dec", "-k", "id", "two.seal"], b"");
        assert_eq!(out.status.code(), Some(status), "{}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
    assert_fails(
        &seal(p, &["dec", "-k", "id", "two.seal"], b""),
        3,
        "no identity matches any of the stream's 2 recipients",
    );
}

// Item 11: a live frame's declared length outside the chunk size is reported by the name
// docs/FORMAT.md gives it.
#[test]
fn a_live_frame_length_out_of_range_is_named_as_in_the_format() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let name = "aes-256-gcm-live-worked-example.txt";
    let mut stream = vector_stream(name);
    write_secret(&p.join("key"), &(vector_field(name, "key") + "\n"));
    // Frame 0 at 79 declares 12 bytes; make it 65, one more than the chunk size.
    assert_eq!(stream[79..83], [0, 0, 0, 12]);
    stream[82] = 65;
    fs::write(p.join("s.seal"), &stream).unwrap();
    let out = seal(p, &["dec", "-k", "key", "s.seal"], b"");
    assert_fails(
        &out,
        5,
        "frame 0 at byte offset 79: frame length out of range (65 bytes of plaintext declared",
    );
    // Not final and empty: out of range too.
    stream[82] = 0;
    fs::write(p.join("s.seal"), &stream).unwrap();
    let out = seal(p, &["verify", "-k", "key", "s.seal"], b"");
    assert_fails(
        &out,
        5,
        "frame 0 at byte offset 79: frame length out of range",
    );
}
