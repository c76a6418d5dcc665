//! Help on a terminal: `-h` is short (one line an option), `--help` long, and both wrap to
//! the terminal's width.

use std::process::{Command, Stdio};

use crate::SEAL;
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
