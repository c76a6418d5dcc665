//! What belongs here: ASCII armor through the real binary: `enc -a` writes it, `dec`, `verify`
//! and `info` recognise it by themselves, and malformed or pasted-badly armor is refused with
//! the line at fault. (Armor's exact grammar is pinned in src/armor.rs and tests/properties.rs.)

use std::fs;
use std::process::{Command, Stdio};

use crate::common::{assert_fails, ok};
use base64ct::{Base64, Encoding};

use crate::SEAL;
use crate::kit::*;
const BEGIN: &str = "-----BEGIN SEAL ENCRYPTED FILE-----";
const END: &str = "-----END SEAL ENCRYPTED FILE-----";

/// A directory with a key and a 150,000-byte plaintext.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(&seal(dir.path(), &["keygen", "-o", "key"], b""));
    let plain: Vec<u8> = (0..150_000u32).map(|i| (i * 13 % 256) as u8).collect();
    fs::write(dir.path().join("plain"), plain).unwrap();
    dir
}

/// Checks the armor's shape and returns the binary stream it holds.
fn unarmor(text: &str) -> Vec<u8> {
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], BEGIN);
    assert_eq!(lines[lines.len() - 1], END);
    assert!(text.ends_with('\n') && !text.contains('\r'));
    let body = &lines[1..lines.len() - 1];
    for line in &body[..body.len() - 1] {
        assert_eq!(line.len(), 64, "{line}");
    }
    let last = body[body.len() - 1];
    assert!((4..=64).contains(&last.len()) && last.len().is_multiple_of(4));
    let joined = body.concat();
    let mut binary = vec![0u8; joined.len() / 4 * 3];
    let len = Base64::decode(&joined, &mut binary).unwrap().len();
    binary.truncate(len);
    binary
}

#[test]
fn armor_round_trips_through_pipes_and_files_and_holds_a_binary_stream() {
    let dir = setup();
    let p = dir.path();
    let plain = fs::read(p.join("plain")).unwrap();
    for (cipher, threads) in [("aes-256-gcm", "1"), ("chacha20-poly1305", "3")] {
        let common = [
            "--cipher",
            cipher,
            "--chunk-size",
            "16KiB",
            "--threads",
            threads,
        ];
        // To stdout from stdin, and to a file with -o.
        let mut args = vec!["enc", "-a", "-k", "key"];
        args.extend(common);
        let piped = String::from_utf8(ok(&seal(p, &args, &plain)).to_vec()).unwrap();
        args.extend(["-o", "file.asc", "plain"]);
        ok(&seal(p, &args, b""));
        let filed = fs::read_to_string(p.join("file.asc")).unwrap();
        for text in [&piped, &filed] {
            let binary = unarmor(text);
            assert_eq!(binary[..8], [0x89, b'S', b'E', b'A', b'L', 13, 10, 0x1a]);
            // 79-byte header, 10 frames (9 full of 16 KiB), 28 bytes each.
            assert_eq!(binary.len(), 79 + plain.len() + 10 * 28);
            fs::write(p.join("binary.seal"), &binary).unwrap();
            assert_eq!(
                ok(&seal(p, &["dec", "-k", "key", "binary.seal"], b"")),
                plain
            );
            // dec recognises armor from stdin and from a file; verify and info too.
            assert_eq!(ok(&seal(p, &["dec", "-k", "key"], text.as_bytes())), plain);
            fs::write(p.join("text.asc"), text).unwrap();
            ok(&seal(
                p,
                &["dec", "-k", "key", "-o", "out", "text.asc"],
                b"",
            ));
            assert_eq!(fs::read(p.join("out")).unwrap(), plain);
            assert!(ok(&seal(p, &["verify", "-k", "key", "text.asc"], b"")).is_empty());
        }
    }
    let info = seal(p, &["info", "--json", "file.asc"], b"");
    let json = String::from_utf8_lossy(ok(&info));
    assert!(
        json.starts_with("{\"format\":\"seal\",\"version\":1,\"framing\":\"fixed\",\"armored\":true,\"cipher\":\"chacha20-poly1305\",\"chunk_size\":16384,"),
        "{json}"
    );
    assert!(
        json.contains("\"stream_bytes\":null,\"frames\":null"),
        "{json}"
    );
}

#[test]
fn armor_survives_crlf_and_blank_lines_around_it() {
    let dir = setup();
    let p = dir.path();
    let plain = fs::read(p.join("plain")).unwrap();
    let text = String::from_utf8(ok(&seal(p, &["enc", "-a", "-k", "key", "plain"], b"")).to_vec())
        .unwrap();
    let pasted = format!("\n\n  \r\n{}\t\n\n", text.replace('\n', "\r\n"));
    assert_eq!(
        ok(&seal(p, &["dec", "-k", "key"], pasted.as_bytes())),
        plain
    );
}

#[test]
fn armor_works_with_a_passphrase() {
    let dir = setup();
    let p = dir.path();
    let plain = fs::read(p.join("plain")).unwrap();
    let out = Command::new(SEAL)
        .args([
            "enc",
            "-a",
            "--passphrase-env",
            "PW",
            "--kdf-memory",
            "1MiB",
            "plain",
        ])
        .current_dir(p)
        .env("PW", "armored passphrase")
        .output()
        .unwrap();
    let text = ok(&out).to_vec();
    assert_eq!(unarmor(&String::from_utf8(text.clone()).unwrap())[10], 2);
    fs::write(p.join("pass.asc"), &text).unwrap();
    let out = Command::new(SEAL)
        .args(["dec", "--passphrase-env", "PW", "pass.asc"])
        .current_dir(p)
        .env("PW", "armored passphrase")
        .output()
        .unwrap();
    assert_eq!(ok(&out), plain);
}

#[test]
fn malformed_armor_is_refused_with_the_line_at_fault() {
    let dir = setup();
    let p = dir.path();
    let args = ["enc", "-a", "-k", "key", "--chunk-size", "16KiB", "plain"];
    let text = String::from_utf8(ok(&seal(p, &args, b"")).to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let n = lines.len();
    let with = |i: usize, line: &str| {
        let mut l = lines.clone();
        l[i] = line;
        l.join("\n") + "\n"
    };
    let dec = |text: &str| seal(p, &["dec", "-k", "key", "-o", "out"], text.as_bytes());

    // A changed character in a frame: the armor is fine, the frame is not.
    let mut changed = lines[100].to_string();
    let c = if changed.starts_with('A') { "B" } else { "A" };
    changed.replace_range(0..1, c);
    assert_fails(&dec(&with(100, &changed)), 5, "failed authentication");
    // In the header: the commitment no longer matches.
    let mut header = lines[1].to_string();
    let c = if header.ends_with('A') { "B" } else { "A" };
    header.replace_range(63..64, c);
    assert_fails(&dec(&with(1, &header)), 3, "wrong key or passphrase");
    // Armor errors name the line (counting from 1).
    assert_fails(
        &dec(&with(5, &format!("{}=", &lines[5][..63]))),
        4,
        "armor line 6: not canonical base64",
    );
    assert_fails(
        &dec(&with(7, &format!("{} ", lines[7]))),
        4,
        "armor line 8: spaces or tabs before or after the line's text",
    );
    assert_fails(
        &dec(&with(9, &lines[9][..40])),
        4,
        "armor line 10: body line shorter than 64 characters before the last",
    );
    assert_fails(
        &dec(&with(11, &"A".repeat(1 << 20))),
        4,
        "armor line 12: line longer than 64 characters",
    );
    let cut = lines[..n - 1].join("\n") + "\n";
    assert_fails(
        &dec(&cut),
        5,
        &format!("armor line {n}: armor truncated: the input ended before the END line"),
    );
    assert_fails(
        &dec(&format!("{text}more\n")),
        5,
        &format!("armor line {}: data after the armor's END line", n + 1),
    );
    // A body without its BEGIN line, or a PEM block of something else: not a seal stream.
    let headless = lines[1..].join("\n") + "\n";
    assert_fails(&dec(&headless), 4, "not a seal stream");
    let other = "-----BEGIN PGP MESSAGE-----\nabcd\n-----END PGP MESSAGE-----\n";
    assert_fails(&dec(other), 4, "not a seal stream");
    assert!(!p.join("out").exists());
}

#[test]
fn armor_may_go_to_a_terminal_binary_may_not() {
    // `script` runs seal with a pseudo-terminal as its stdout.
    let dir = setup();
    let p = dir.path();
    fs::write(p.join("small"), b"to the terminal").unwrap();
    let run = |armor: &str| {
        let command = format!("{SEAL} enc {armor} -k key small; echo \"status=$?\"");
        let out = Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .current_dir(p)
            .stdin(Stdio::null())
            .output()
            .expect("the `script` program (util-linux)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let shown = run("-a");
    assert!(shown.contains(BEGIN) && shown.contains(END), "{shown}");
    assert!(shown.contains("status=0"), "{shown}");
    let shown = run("");
    assert!(
        shown.contains("refusing to write ciphertext to a terminal"),
        "{shown}"
    );
    assert!(shown.contains("status=1"), "{shown}");
}

#[test]
fn pasted_armor_is_refused_with_the_line_and_the_problem() {
    let dir = with_key_and_doc();
    let p = dir.path();
    let armor = ok(&seal_setsid(
        p,
        &["enc", "-a", "-k", "key", "--chunk-size", "64", "doc.txt"],
        &[],
        b"",
    ))
    .to_vec();
    let text = String::from_utf8(armor).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 5, "{text}");
    let dec = |input: String| seal_setsid(p, &["dec", "-k", "key"], &[], input.as_bytes());
    // Indented (quoted in a mail, pasted into YAML).
    let indented: String = lines.iter().map(|l| format!("  {l}\n")).collect();
    assert_fails(
        &dec(indented),
        4,
        "stdin: armor line 1: spaces or tabs before or after",
    );
    // Trailing spaces on the lines of the body, or after END: the line at fault.
    let mut l = lines.clone();
    let spaced = format!("{}   ", l[2]);
    l[2] = &spaced;
    assert_fails(&dec(l.join("\n") + "\n"), 4, "armor line 3: spaces or tabs");
    let last = lines.len();
    let spaced_end = format!("{} ", lines[last - 1]);
    let mut l = lines.clone();
    l[last - 1] = &spaced_end;
    assert_fails(
        &dec(l.join("\n") + "\n"),
        4,
        &format!("armor line {last}: spaces or tabs"),
    );
    // A blank line inside the body.
    let mut l = lines.clone();
    l.insert(2, "");
    assert_fails(
        &dec(l.join("\n") + "\n"),
        4,
        "armor line 3: blank line inside the armor",
    );
    // Another program's armor.
    assert_fails(
        &dec(format!(
            "-----BEGIN PGP MESSAGE-----\n{}",
            lines[1..].join("\n")
        )),
        4,
        "armor line 1: not a seal stream: this line is not -----BEGIN SEAL ENCRYPTED FILE-----",
    );
    // Cut, even with a blank line after the cut: cut (exit 5), naming where END was expected.
    assert_fails(
        &dec(format!("{}\n\n", lines[..3].join("\n"))),
        5,
        "armor line 5: armor truncated",
    );
    // Blank lines and CR LF around the armor are still fine.
    let framed = format!("\r\n \t\r\n{}\r\n\n", lines.join("\r\n"));
    assert_eq!(ok(&dec(framed)), b"the plaintext\n");
}
