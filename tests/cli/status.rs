//! What belongs here: exit statuses as a whole: the README's table is the binary's one table
//! (src/bin/seal/status.rs); every flipped byte and cut gives its documented status; the header's
//! rejections come in the documented order and class; a dead stderr or a closed stdout never
//! changes a status. A test of one status for one cause belongs with its subject.

use crate::SEAL;
use crate::common::*;
use crate::kit::*;
use seal::Cipher;
use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

#[path = "../../src/bin/seal/status.rs"]
#[allow(dead_code)]
mod table;

/// The README's "Exit statuses" table is the binary's, rendered: a status added, dropped or
/// reworded in one place and not the other fails here.
#[test]
fn the_readme_table_is_the_binarys() {
    let readme = include_str!("../../README.md");
    let section = readme
        .split("\n## Exit statuses\n")
        .nth(1)
        .expect("the README has an \"Exit statuses\" section");
    let start = section.find("| status |").expect("a table in it");
    let table: String = section[start..]
        .lines()
        .take_while(|l| l.starts_with('|'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(table, table::markdown());
}

/// The codes the table shows are the codes the binary exits with.
#[test]
fn the_table_shows_the_codes() {
    let codes: Vec<&str> = table::TABLE.iter().map(|s| s.code).collect();
    let expected = [
        table::OK,
        table::IO,
        table::USAGE,
        table::KEY,
        table::FORMAT,
        table::INTEGRITY,
        table::SIGNATURE,
        table::BROKEN_PIPE,
    ]
    .map(|c| c.to_string());
    assert_eq!(codes[..expected.len()], expected);
    assert_eq!(codes[expected.len()..], [table::SIGNALS_CODE]);
    assert!(table::SIGNALS_CODE.contains(&table::INTERRUPTED.to_string()));
}

/// `seal ARGS` with stderr a pipe whose reader is already gone.
fn seal_dead_stderr(dir: &Path, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Command::new(SEAL)
        .args(args)
        .current_dir(dir)
        .env_remove("SEAL_KEY_FILE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(writer))
        .output()
        .unwrap()
}

#[test]
fn every_flipped_byte_and_every_cut_gives_the_documented_status() {
    let s = Scratch::new();
    // The CLI with the fixed test key: write it as a key file.
    fs::write(s.path("testkey"), key().to_text().as_bytes()).unwrap();
    fs::set_permissions(s.path("testkey"), fs::Permissions::from_mode(0o600)).unwrap();
    let (plain, sealed) = stream(Cipher::Aes256Gcm);
    assert_eq!(ok(&s.run(&["dec", "-k", "testkey"], &sealed)), plain);
    for offset in 0..sealed.len() {
        let mut damaged = sealed.clone();
        damaged[offset] ^= 0x01;
        let expected = expect_flip(&sealed, offset, 0x01);
        let out = s.run(&["dec", "-k", "testkey", "--threads", "2"], &damaged);
        assert_eq!(
            out.status.code(),
            Some(expected.exit_code()),
            "flip at {offset}: {}",
            stderr(&out)
        );
        assert!(stderr(&out).starts_with("seal: ") && stderr(&out).lines().count() == 1);
    }
    for len in 0..sealed.len() {
        let out = s.run(&["dec", "-k", "testkey"], &sealed[..len]);
        assert_eq!(
            out.status.code(),
            Some(expect_cut(len).exit_code()),
            "cut at {len}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn closed_stdout_is_a_quiet_exit_not_a_crash() {
    let s = Scratch::new();
    let k = s.key();
    let big = data(8 * 1024 * 1024, 9);
    s.write("big", &big);
    ok(&s.run(&["enc", "-k", &k, "-o", "big.seal", "big"], b""));
    for threads in ["1", "2", "8"] {
        let mut child = s
            .cmd(&["dec", "-k", &k, "--threads", threads, "big.seal"])
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let mut head = [0u8; 100];
        child
            .stdout
            .as_mut()
            .unwrap()
            .read_exact(&mut head)
            .unwrap();
        assert_eq!(head, big[..100]);
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(141),
            "threads {threads}: {}",
            stderr(&out)
        );
        assert!(out.stderr.is_empty(), "{}", stderr(&out));
    }
}

#[test]
fn a_dead_stderr_never_changes_the_exit_status() {
    let dir = with_key();
    let d = dir.path();
    fs::write(d.join("plain"), b"attack at dawn").unwrap();
    // A warning (group-readable key) on a dead stderr: the run still succeeds.
    fs::set_permissions(d.join("key"), fs::Permissions::from_mode(0o640)).unwrap();
    let out = seal_dead_stderr(d, &["enc", "-k", "key", "-o", "sealed", "plain"]);
    assert_eq!(out.status.code(), Some(0));
    let out = seal_dead_stderr(d, &["dec", "-k", "key", "sealed"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, b"attack at dawn");
    // Errors keep their documented statuses: usage, key, format.
    for (args, code) in [
        (&["enc", "--bogus"][..], 2),
        (&["dec", "-k", "missing", "sealed"][..], 3),
        (&["dec", "-k", "key", "plain"][..], 4),
    ] {
        let out = seal_dead_stderr(d, args);
        assert_eq!(out.status.code(), Some(code), "{args:?}");
    }
}

/// docs/FORMAT.md, "Errors": the order in which the header is judged, and the class (exit
/// status) of each rejection.
#[test]
fn header_rejections_come_in_the_documented_order_and_class() {
    let dir = with_key_and_doc();
    let p = dir.path();
    let dec = |stdin: &[u8], args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["dec"];
        all.extend(args);
        seal_setsid(p, &all, env, stdin)
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
    let stream = ok(&seal_setsid(p, &args, &[("PW", "pw")], b"")).to_vec();
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
