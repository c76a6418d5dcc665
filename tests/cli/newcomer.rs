//! What a new user meets first, through the real binary: `seal` alone, the size syntax, a key
//! file an editor touched, passphrase options together, and encrypting what is already sealed.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::SEAL;
use crate::common::{assert_fails, ok, run_cmd, stderr};

/// The cheapest Argon2id cost enc accepts.
const CHEAP: [&str; 4] = ["--kdf-memory", "1MiB", "--kdf-passes", "1"];
/// The size syntax, as the help and the parser's errors must both state it.
const SIZES: &str = "bytes, or with a suffix k/K/KiB, M/MiB, G/GiB";

/// Runs seal in `dir` with `env` added, `stdin` piped in, and no controlling terminal (`setsid`),
/// so that it never asks on the terminal of whoever runs the tests.
fn seal(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
    let mut cmd = Command::new("setsid");
    cmd.arg("-w")
        .arg(SEAL)
        .args(args)
        .current_dir(dir)
        .env_remove("SEAL_KEY_FILE")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    run_cmd(cmd, stdin)
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(&seal(dir.path(), &["keygen", "-o", "key"], &[], b""));
    fs::write(dir.path().join("doc.txt"), b"the plaintext\n").unwrap();
    dir
}

#[test]
fn seal_alone_prints_the_usage_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = seal(dir.path(), &[], &[], b"");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty());
    assert!(err.contains("Usage: seal <COMMAND>"), "{err}");
    assert!(err.contains("enc") && err.contains("keygen"), "{err}");
    assert!(!err.contains("seal: seal:"), "{err}");
}

#[test]
fn one_size_syntax_in_the_parser_and_the_help() {
    let dir = setup();
    let p = dir.path();
    // Chunk size in the header: bytes 11..15, big-endian.
    for (size, bytes) in [
        ("65536", 65536u32),
        ("64k", 65536),
        ("64K", 65536),
        ("64KiB", 65536),
        ("1M", 1 << 20),
        ("1MiB", 1 << 20),
    ] {
        let out = seal(p, &["enc", "-k", "key", "--chunk-size", size], &[], b"x");
        assert_eq!(&ok(&out)[11..15], &bytes.to_be_bytes(), "{size}");
    }
    // G and GiB parse (and are then out of range for a chunk).
    for size in ["1G", "1GiB"] {
        let out = seal(p, &["enc", "-k", "key", "--chunk-size", size], &[], b"");
        assert_fails(&out, 2, "out of range");
    }
    for size in ["1b", "1B", "1kib", "1m", "1g", "1KB", "1 KiB", "k"] {
        let out = seal(p, &["enc", "-k", "key", "--chunk-size", size], &[], b"");
        let expect = if size == "k" { "not a size" } else { SIZES };
        assert_fails(&out, 2, expect);
    }
    let out = seal(
        p,
        &["enc", "-k", "key", "--kdf-memory", "1q", "-p"],
        &[],
        b"",
    );
    assert_fails(&out, 2, SIZES);
    let help = String::from_utf8(ok(&seal(p, &["enc", "--help"], &[], b"")).to_vec()).unwrap();
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(help.contains(SIZES), "{help}");
}

#[test]
fn a_key_file_may_end_in_spaces_and_blank_lines_but_nothing_else() {
    let dir = setup();
    let p = dir.path();
    let key = fs::read_to_string(p.join("key")).unwrap();
    let sealed = ok(&seal(p, &["enc", "-k", "key", "doc.txt"], &[], b"")).to_vec();
    let write_key = |name: &str, text: String| {
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(p.join(name))
            .unwrap();
        std::io::Write::write_all(&mut f, text.as_bytes()).unwrap();
    };
    // What an editor or `echo >> key` leaves.
    write_key("edited", format!("{}  \t\n\n \r\n\n", key.trim_end()));
    let out = seal(p, &["dec", "-k", "edited"], &[], &sealed);
    assert_eq!(ok(&out), b"the plaintext\n");
    write_key("commented", format!("{key}\n# backup key\n"));
    let out = seal(p, &["dec", "-k", "commented"], &[], &sealed);
    assert_fails(&out, 3, "unexpected text after the key");
}

#[test]
fn dash_p_goes_with_the_passphrase_options_and_a_newline_in_the_variable_is_warned_about() {
    let dir = setup();
    let p = dir.path();
    fs::write(p.join("pw"), b"pw\n").unwrap();
    let enc = |extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["enc", "-p"];
        args.extend(extra);
        args.extend(CHEAP);
        args.push("doc.txt");
        seal(p, &args, env, b"")
    };
    // -p with --passphrase-env, and with --passphrase-fd: the passphrase comes from there.
    let by_env = ok(&enc(&["--passphrase-env", "PW"], &[("PW", "pw")])).to_vec();
    fs::write(p.join("by_env"), &by_env).unwrap();
    let dec_fd = ["dec", "--passphrase-fd", "3", "by_env"];
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "exec 3<pw; exec setsid -w {SEAL} \"$@\"",
            SEAL = SEAL
        ))
        .arg("sh")
        .args(dec_fd)
        .current_dir(p)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    assert_eq!(ok(&run_cmd(cmd, b"")), b"the plaintext\n");
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "exec 3<pw; exec setsid -w {SEAL} enc -p --passphrase-fd 3 --kdf-memory 1MiB \
             --kdf-passes 1 doc.txt"
        ))
        .current_dir(p)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let by_fd = ok(&run_cmd(cmd, b"")).to_vec();
    let out = seal(
        p,
        &["dec", "--passphrase-env", "PW"],
        &[("PW", "pw")],
        &by_fd,
    );
    assert_eq!(ok(&out), b"the plaintext\n");

    // A trailing line ending in the variable is kept, byte for byte, with a warning.
    for ending in ["\n", "\r\n", "\r"] {
        let value = format!("pw{ending}");
        let out = enc(&["--passphrase-env", "PW"], &[("PW", &value)]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with(
                "seal: warning: the passphrase in environment variable PW ends in a line ending"
            ),
            "{err}"
        );
        // The line ending is part of the passphrase: "pw" alone is wrong ...
        let dec = seal(
            p,
            &["dec", "--passphrase-env", "PW"],
            &[("PW", "pw")],
            &out.stdout,
        );
        assert_fails(&dec, 3, "wrong key or passphrase");
        // ... and the same value opens it (warning again on dec).
        let dec = seal(
            p,
            &["dec", "--passphrase-env", "PW"],
            &[("PW", &value)],
            &out.stdout,
        );
        assert_eq!(dec.stdout, b"the plaintext\n");
        assert!(stderr(&dec).contains("ends in a line ending"));
        // --quiet: no warning.
        let quiet = enc(&["-q", "--passphrase-env", "PW"], &[("PW", &value)]);
        assert!(ok(&quiet).len() > 91);
    }
    // A newline inside the value is not at its end: no warning.
    ok(&enc(&["--passphrase-env", "PW"], &[("PW", "p\nw")]));
}

#[test]
fn encrypting_a_sealed_file_warns_but_still_encrypts() {
    let dir = setup();
    let p = dir.path();
    ok(&seal(
        p,
        &["enc", "-k", "key", "-o", "doc.txt.seal", "doc.txt"],
        &[],
        b"",
    ));
    ok(&seal(
        p,
        &["enc", "-a", "-k", "key", "-o", "doc.txt.asc", "doc.txt"],
        &[],
        b"",
    ));
    let mut pasted = b"\r\n\n  ".to_vec();
    pasted.extend(fs::read(p.join("doc.txt.asc")).unwrap());
    fs::write(p.join("pasted.asc"), pasted).unwrap();
    for (input, kind) in [
        ("doc.txt.seal", "binary"),
        ("doc.txt.asc", "ASCII armor"),
        ("pasted.asc", "ASCII armor"),
    ] {
        let out = seal(p, &["enc", "-k", "key", "-o", "twice", input], &[], b"");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(
            stderr(&out),
            format!(
                "seal: warning: '{input}' is already a seal stream ({kind}); encrypting it again \
                 (did you mean 'seal dec'?)\n"
            )
        );
        // Nothing of the input was lost to the peek: two decryptions give the file back.
        let once = ok(&seal(p, &["dec", "-k", "key", "twice"], &[], b"")).to_vec();
        assert_eq!(once, fs::read(p.join(input)).unwrap());
        fs::remove_file(p.join("twice")).unwrap();
        let out = seal(p, &["enc", "-q", "-k", "key", input], &[], b"");
        ok(&out);
    }
    // Through a pipe too, and a short input or plain text gets no warning.
    let sealed = fs::read(p.join("doc.txt.seal")).unwrap();
    let out = seal(p, &["enc", "-k", "key"], &[], &sealed);
    assert!(stderr(&out).contains("stdin is already a seal stream (binary)"));
    let once = ok(&seal(p, &["dec", "-k", "key"], &[], &out.stdout)).to_vec();
    assert_eq!(once, sealed);
    for plain in [&b""[..], b"\x89SEA", b"-----BEGIN SEAL", b"plain text"] {
        ok(&seal(p, &["enc", "-k", "key"], &[], plain));
    }
}

#[test]
fn pasted_armor_is_refused_with_the_line_and_the_problem() {
    let dir = setup();
    let p = dir.path();
    let armor = ok(&seal(
        p,
        &["enc", "-a", "-k", "key", "--chunk-size", "64", "doc.txt"],
        &[],
        b"",
    ))
    .to_vec();
    let text = String::from_utf8(armor).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 5, "{text}");
    let dec = |input: String| seal(p, &["dec", "-k", "key"], &[], input.as_bytes());
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

/// docs/FORMAT.md, "Errors": the order in which the header is judged, and the class (exit
/// status) of each rejection.
#[test]
fn header_rejections_come_in_the_documented_order_and_class() {
    let dir = setup();
    let p = dir.path();
    let dec = |stdin: &[u8], args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["dec"];
        all.extend(args);
        seal(p, &all, env, stdin)
    };
    let magic = b"\x89SEAL\r\n\x1a";
    // Fewer than 15 bytes: only the magic is judged; a prefix of it, or anything after it,
    // is a truncated header.
    assert_fails(
        &dec(b"", &["-k", "key"], &[]),
        5,
        "0 of the 79 header bytes",
    );
    assert_fails(&dec(b"abc", &["-k", "key"], &[]), 4, "bad magic");
    assert_fails(&dec(&magic[..3], &["-k", "key"], &[]), 5, "truncated");
    let mut v9 = magic.to_vec();
    v9.push(9);
    assert_fails(&dec(&v9, &["-k", "key"], &[]), 5, "truncated");
    // With 15 bytes, the version is judged.
    v9.extend([1, 1, 0, 0, 0, 64]);
    assert_fails(
        &dec(&v9, &["-k", "key"], &[]),
        4,
        "unsupported format version 9",
    );
    // A passphrase header: cut, it is truncated; whole, its cost is judged before the kind
    // of credential; then the kind, before any key derivation; then the length limits.
    let mut args = vec!["enc", "--passphrase-env", "PW", "doc.txt"];
    args.extend(CHEAP);
    let stream = ok(&seal(p, &args, &[("PW", "pw")], b"")).to_vec();
    assert_fails(
        &dec(&stream[..60], &["-k", "key"], &[]),
        5,
        "60 of the 91 header bytes",
    );
    let mut hostile = stream.clone();
    hostile[47..51].copy_from_slice(&0x7fff_ffffu32.to_be_bytes());
    assert_fails(
        &dec(&hostile, &["-k", "key"], &[]),
        4,
        "KDF cost out of range",
    );
    assert_fails(
        &dec(&stream, &["-k", "key"], &[]),
        3,
        "encrypted with a passphrase, not a key file",
    );
    let long = "x".repeat(1025);
    let max = "x".repeat(1024);
    assert_fails(
        &dec(&stream, &["--passphrase-env", "PW"], &[("PW", &long)]),
        3,
        "longer than 1024 bytes",
    );
    assert_fails(
        &dec(&stream, &["--passphrase-env", "PW"], &[("PW", &max)]),
        3,
        "wrong key or passphrase",
    );
}

/// The check for an already sealed input must not hold back a live stream's first frame
/// until 128 bytes have come.
#[test]
fn the_sealed_input_check_does_not_delay_a_live_stream() {
    use std::io::{Read, Write};
    use std::sync::mpsc::channel;
    use std::time::Duration;
    let dir = setup();
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
