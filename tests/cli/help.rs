//! What belongs here: usage and help: `seal` alone, `-h` short (one line an option), `--help`
//! long and wrapped to the terminal's width, the size syntax as help and parser state it,
//! `--version`.

use std::process::{Command, Stdio};

use crate::SEAL;
use crate::common::{assert_fails, ok, stderr};
use crate::kit::*;
use crate::progress::terminal_of;

/// What `seal ARGS` shows on a terminal `columns` wide, without colours, in lines.
fn shown(args: &[&str], columns: u16) -> Vec<String> {
    let (slave, shown) = terminal_of(columns);
    let status = Command::new(SEAL)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave))
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let text = String::from_utf8(shown.join().unwrap()).unwrap();
    // Drop colour sequences (ESC [ ... m).
    let mut plain = String::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find('\x1b') {
        plain.push_str(&rest[..start]);
        let end = rest[start..].find('m').expect("an SGR sequence");
        rest = &rest[start + end + 1..];
    }
    plain.push_str(rest);
    plain.split("\r\n").map(str::to_owned).collect()
}

/// The lines of the "Options:" section.
fn options(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .skip_while(|l| *l != "Options:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .cloned()
        .collect()
}

#[test]
fn short_help_is_one_line_an_option_and_fits_80_columns() {
    for command in ["enc", "dec", "verify", "keygen", "info"] {
        let lines = shown(&[command, "-h"], 80);
        for line in &lines {
            assert!(line.chars().count() <= 80, "{command}: {line:?}");
        }
        let options = options(&lines);
        assert!(options.len() >= 2, "{command}: {lines:#?}");
        for line in &options {
            assert!(
                line.starts_with("  -") || line.starts_with("      --"),
                "{command} -h: an option on more than one line: {line:?}"
            );
        }
    }
    let lines = shown(&["-h"], 80);
    assert!(lines.iter().all(|l| l.chars().count() <= 80), "{lines:#?}");
    assert!(lines.contains(&"  (more with --help)".to_string()));
}

#[test]
fn long_help_says_more_and_wraps_to_the_terminal() {
    let short = shown(&["enc", "-h"], 80);
    for columns in [60u16, 80, 120] {
        let long = shown(&["enc", "--help"], columns);
        assert!(long.len() > short.len(), "{long:#?}");
        for line in &long {
            assert!(
                line.chars().count() <= usize::from(columns),
                "{columns}: {line:?}"
            );
        }
        let text = long.join(" ");
        assert!(text.contains("chacha20-poly1305"), "{long:#?}");
    }
    // Narrow terminals get narrow lines: the long help at 60 columns has lines that 120
    // columns do not need to break.
    assert!(shown(&["enc", "--help"], 60).len() > shown(&["enc", "--help"], 120).len());
    let all = shown(&["--help"], 80).join("\n");
    assert!(
        all.contains("seal dec --passphrase-env PASS -o out in.seal"),
        "{all}"
    );
}

#[test]
fn the_man_page_names_recipients_and_writes_every_default_one_way() {
    let out = Command::new(SEAL).arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).unwrap();
    let description = page
        .split(".SH DESCRIPTION\n")
        .nth(1)
        .and_then(|rest| rest.split(".PP").next())
        .unwrap();
    assert!(description.contains("recipients"), "{description}");
    // Defaults clap knows and defaults the help text states, all as "Default: X.".
    assert!(!page.contains("[default"), "{page}");
    for default in [
        "Default: aes\\-256\\-gcm.",
        "Default: 1MiB.",
        "Default: 256MiB.",
        "Default: 6.",
        "Default: $SEAL_KEY_FILE.",
        "Default: one per core.",
        "Default: mlkem768x25519.",
    ] {
        assert!(page.contains(default), "{default} missing");
    }
    // The hidden -a of dec and verify is not documented as an option of theirs.
    let dec = page.split(".SS \"\\fBseal dec\\fR").nth(1).unwrap();
    let dec = dec.split(".SS").next().unwrap();
    assert!(!dec.contains("\\-\\-armor"), "{dec}");
}

/// The size syntax, as the help and the parser's errors must both state it.
const SIZES: &str = "bytes, or with a suffix k/K/KiB, M/MiB, G/GiB";

#[test]
fn help_shows_examples_and_version_works() {
    let s = Scratch::new();
    let help = s.run(&["--help"], b"");
    let text = String::from_utf8_lossy(ok(&help));
    assert!(text.contains("tar c dir | seal enc -k key.seal > dir.tar.seal"));
    let version = s.run(&["--version"], b"");
    assert!(String::from_utf8_lossy(ok(&version)).starts_with("seal "));
}

#[test]
fn seal_alone_prints_the_usage_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = seal_setsid(dir.path(), &[], &[], b"");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty());
    assert!(err.contains("Usage: seal <COMMAND>"), "{err}");
    assert!(err.contains("enc") && err.contains("keygen"), "{err}");
    assert!(!err.contains("seal: seal:"), "{err}");
}

#[test]
fn one_size_syntax_in_the_parser_and_the_help() {
    let dir = with_key_and_doc();
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
        let out = seal_setsid(p, &["enc", "-k", "key", "--chunk-size", size], &[], b"x");
        assert_eq!(&ok(&out)[11..15], &bytes.to_be_bytes(), "{size}");
    }
    // G and GiB parse (and are then out of range for a chunk).
    for size in ["1G", "1GiB"] {
        let out = seal_setsid(p, &["enc", "-k", "key", "--chunk-size", size], &[], b"");
        assert_fails(&out, 2, "out of range");
    }
    for size in ["1b", "1B", "1kib", "1m", "1g", "1KB", "1 KiB", "k"] {
        let out = seal_setsid(p, &["enc", "-k", "key", "--chunk-size", size], &[], b"");
        let expect = if size == "k" { "not a size" } else { SIZES };
        assert_fails(&out, 2, expect);
    }
    let out = seal_setsid(
        p,
        &["enc", "-k", "key", "--kdf-memory", "1q", "-p"],
        &[],
        b"",
    );
    assert_fails(&out, 2, SIZES);
    let help =
        String::from_utf8(ok(&seal_setsid(p, &["enc", "--help"], &[], b"")).to_vec()).unwrap();
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(help.contains(SIZES), "{help}");
}
