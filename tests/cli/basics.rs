//! The real `seal` binary through real pipes and files: round trips, key sources, refusals,
//! atomic output, error lines and exit statuses.

use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use crate::common::*;
use seal::Cipher;

use crate::SEAL;

/// A scratch directory with a key file in it.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Self {
        let s = Scratch {
            dir: tempfile::tempdir().unwrap(),
        };
        let out = s.run(&["keygen", "-o", "key"], b"");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        s
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn key(&self) -> String {
        self.path("key").display().to_string()
    }
    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(SEAL);
        cmd.args(args)
            .current_dir(self.dir.path())
            .env_remove("SEAL_KEY_FILE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }
    /// Runs seal with `stdin` fed through a pipe.
    fn run(&self, args: &[&str], stdin: &[u8]) -> Output {
        run_cmd(self.cmd(args), stdin)
    }
    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(name);
        fs::write(&p, bytes).unwrap();
        p
    }
    /// Names of the files in the directory, to spot stray temporary files.
    fn listing(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

#[test]
fn keygen_writes_a_private_key_file_and_never_overwrites() {
    let s = Scratch::new();
    let text = fs::read_to_string(s.path("key")).unwrap();
    assert!(text.starts_with("SEAL-KEY-1-") && text.ends_with('\n'));
    assert_eq!(text.len(), 84);
    seal::Key::from_text(text.as_bytes()).unwrap();
    let mode = fs::metadata(s.path("key")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let out = s.run(&["keygen", "-o", "key"], b"");
    assert_fails(&out, 1, "already exists, and seal never overwrites a key");
    assert_eq!(fs::read_to_string(s.path("key")).unwrap(), text);
    // Without -o, the key goes to stdout; two keys differ.
    let a = s.run(&["keygen"], b"");
    let b = s.run(&["keygen"], b"");
    assert_ne!(ok(&a), ok(&b));
    seal::Key::from_text(ok(&a)).unwrap();
}

#[test]
fn pipes_and_files_round_trip_for_both_ciphers() {
    let s = Scratch::new();
    let key = s.key();
    for cipher in ["aes-256-gcm", "chacha20-poly1305"] {
        for len in [0, 1, 4095, 4096, 4097, 3 * 1024 * 1024 + 3] {
            let plain = data(len, len as u64 + 1);
            let what = format!("{cipher} {len}");
            // stdin -> stdout, both ways.
            let enc = s.run(
                &[
                    "enc",
                    "-k",
                    &key,
                    "--cipher",
                    cipher,
                    "--chunk-size",
                    "4KiB",
                ],
                &plain,
            );
            let sealed = ok(&enc).to_vec();
            assert_eq!(
                sealed[9],
                if cipher == "aes-256-gcm" { 1 } else { 2 },
                "{what}"
            );
            let dec = s.run(&["dec", "-k", &key], &sealed);
            assert!(ok(&dec) == plain, "{what}: pipe round trip");
            // file -> file with -o, one thread and several.
            s.write("plain", &plain);
            let enc = s.run(
                &[
                    "enc", "-k", &key, "--cipher", cipher, "-o", "sealed", "plain",
                ],
                b"",
            );
            ok(&enc);
            for threads in ["1", "3"] {
                let dec = s.run(
                    &[
                        "dec",
                        "-k",
                        &key,
                        "--threads",
                        threads,
                        "-o",
                        "back",
                        "sealed",
                    ],
                    b"",
                );
                ok(&dec);
                assert!(
                    fs::read(s.path("back")).unwrap() == plain,
                    "{what}: file round trip"
                );
            }
            // "-" is stdin.
            let dec = s.run(
                &["dec", "-k", &key, "-"],
                &fs::read(s.path("sealed")).unwrap(),
            );
            assert!(ok(&dec) == plain, "{what}: '-' as stdin");
        }
    }
    assert_eq!(s.listing(), ["back", "key", "plain", "sealed"]);
}

#[test]
fn key_from_environment_file_variable_and_secret_variable() {
    let s = Scratch::new();
    let key_text = fs::read_to_string(s.path("key")).unwrap();
    let sealed = ok(&s.run(&["enc", "-k", &s.key()], b"ci artifact")).to_vec();

    let mut cmd = s.cmd(&["dec"]);
    cmd.env("SEAL_KEY_FILE", s.key());
    assert_eq!(ok(&run_cmd(cmd, &sealed)), b"ci artifact");

    let mut cmd = s.cmd(&["dec", "--key-env", "CI_SECRET"]);
    cmd.env("CI_SECRET", key_text.trim_end());
    assert_eq!(ok(&run_cmd(cmd, &sealed)), b"ci artifact");

    // --key-env wins over SEAL_KEY_FILE.
    let mut cmd = s.cmd(&["dec", "--key-env", "CI_SECRET"]);
    cmd.env("CI_SECRET", &key_text)
        .env("SEAL_KEY_FILE", "/nonexistent");
    assert_eq!(ok(&run_cmd(cmd, &sealed)), b"ci artifact");

    let out = s.run(
        &["dec", "--key-env", "UNSET_VARIABLE_FOR_SEAL_TEST"],
        &sealed,
    );
    assert_fails(&out, 3, "UNSET_VARIABLE_FOR_SEAL_TEST");
    let mut cmd = s.cmd(&["dec", "--key-env", "CI_SECRET"]);
    cmd.env("CI_SECRET", "hunter2");
    assert_fails(&run_cmd(cmd, &sealed), 3, "not a seal key");
    assert_fails(&s.run(&["dec"], &sealed), 2, "no key given");
    assert_fails(
        &s.run(&["dec", "-k", &s.key(), "--key-env", "X"], &sealed),
        2,
        "cannot be used with",
    );
    // There is no way to pass the key itself as an argument, and seal never echoes it.
    let out = s.run(&["dec", "-k", key_text.trim_end()], &sealed);
    assert_fails(
        &out,
        2,
        "-k takes a key file's name, and this looks like key text (not shown)",
    );
    assert!(
        !stderr(&out).contains(&key_text[11..30]),
        "{}",
        stderr(&out)
    );
}

/// The key text with one hex digit of the key changed.
fn typo(good: &str) -> Vec<u8> {
    let mut bytes = good.as_bytes().to_vec();
    bytes[20] = if bytes[20] == b'0' { b'1' } else { b'0' };
    bytes
}

#[test]
fn bad_key_files_are_refused_with_the_key_status() {
    let s = Scratch::new();
    let sealed = ok(&s.run(&["enc", "-k", &s.key()], b"x")).to_vec();
    let good = fs::read_to_string(s.path("key")).unwrap();
    let cases: [(&str, Vec<u8>, &str); 5] = [
        ("empty", Vec::new(), "not a seal key file"),
        ("stream", sealed.clone(), "not a seal key file"),
        ("short", good.as_bytes()[..60].to_vec(), "wrong length"),
        ("typo", typo(&good), "checksum"),
        (
            "upper",
            good.to_uppercase().into_bytes(),
            "invalid character",
        ),
    ];
    for (name, bytes, needle) in cases {
        let p = s.write(name, &bytes);
        fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
        let out = s.run(&["dec", "-k", name], &sealed);
        assert_fails(&out, 3, needle);
        assert!(out.stdout.is_empty());
    }
    assert_fails(
        &s.run(&["dec", "-k", "missing"], &sealed),
        3,
        "key file 'missing'",
    );
    let other = s.run(&["keygen", "-o", "other"], b"");
    ok(&other);
    assert_fails(&s.run(&["dec", "-k", "other"], &sealed), 3, "wrong key");
}

#[test]
fn a_key_file_readable_by_others_draws_a_warning() {
    let s = Scratch::new();
    fs::set_permissions(s.path("key"), fs::Permissions::from_mode(0o644)).unwrap();
    let out = s.run(&["enc", "-k", "key", "-o", "x"], b"data");
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("warning: key file 'key' is readable by others"));
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
fn error_messages_name_the_cause() {
    let s = Scratch::new();
    let k = s.key();
    let sealed = ok(&s.run(&["enc", "-k", &k, "--chunk-size", "64"], &data(200, 1))).to_vec();
    assert_fails(
        &s.run(&["dec", "-k", &k], b"plain text, not sealed at all ......"),
        4,
        "not a seal stream",
    );
    // The stream with one byte set to `value`, decrypted.
    let dec_edited = |at: usize, value: u8| {
        let mut edited = sealed.clone();
        edited[at] = value;
        s.run(&["dec", "-k", &k], &edited)
    };
    assert_fails(&dec_edited(8, 9), 4, "unsupported format version 9");
    assert_fails(&dec_edited(9, 7), 4, "unsupported cipher id 7");
    assert_fails(
        &dec_edited(11, 0x7f),
        4,
        "chunk size 2130706496 is out of range",
    );
    let in_frame_1 = 79 + 92 + 40;
    assert_fails(
        &dec_edited(in_frame_1, sealed[in_frame_1] ^ 1),
        5,
        "frame 1 at byte offset 171 failed authentication",
    );
    assert_fails(
        &s.run(&["dec", "-k", &k], &sealed[..79 + 92]),
        5,
        "stream truncated: frame 1",
    );
    assert_fails(
        &s.run(&["dec", "-k", &k], &sealed[..50]),
        5,
        "input ended after 50 of the 79 header bytes",
    );
    let mut swapped = sealed[..79].to_vec();
    swapped.extend_from_slice(&sealed[79 + 92..79 + 184]);
    swapped.extend_from_slice(&sealed[79..79 + 92]);
    swapped.extend_from_slice(&sealed[79 + 184..]);
    assert_fails(
        &s.run(&["dec", "-k", &k], &swapped),
        5,
        "frame 0 at byte offset 79 is out of place",
    );
    let full = ok(&s.run(&["enc", "-k", &k, "--chunk-size", "64"], &data(128, 2))).to_vec();
    let mut trailing = full.clone();
    trailing.extend_from_slice(b"junk");
    assert_fails(
        &s.run(&["dec", "-k", &k], &trailing),
        5,
        "data after the final frame",
    );
    assert_fails(
        &s.run(&["dec", "-k", &k, "nonexistent"], b""),
        1,
        "opening input 'nonexistent'",
    );
    assert_fails(
        &s.run(&["enc", "-k", &k, "--chunk-size", "63"], b""),
        2,
        "out of range",
    );
    assert_fails(
        &s.run(&["enc", "-k", &k, "--chunk-size", "1GB"], b""),
        2,
        "unknown size suffix",
    );
    assert_fails(
        &s.run(&["enc", "-k", &k, "--threads", "0"], b""),
        2,
        "--threads",
    );
    assert_fails(&s.run(&["frobnicate"], b""), 2, "unrecognized subcommand");
    // Sizes with suffixes are accepted.
    let out = s.run(&["enc", "-k", &k, "--chunk-size", "1MiB"], b"x");
    assert_eq!(&ok(&out)[11..15], &[0, 0x10, 0, 0]);
    let out = s.run(&["enc", "-k", &k, "--chunk-size", "64k"], b"x");
    assert_eq!(&ok(&out)[11..15], &[0, 1, 0, 0]);
}

#[test]
fn failed_output_leaves_nothing_behind_and_keeps_an_existing_file() {
    let s = Scratch::new();
    let k = s.key();
    let plain = data(300_000, 3);
    s.write("plain", &plain);
    ok(&s.run(
        &[
            "enc",
            "-k",
            &k,
            "--chunk-size",
            "4KiB",
            "-o",
            "sealed",
            "plain",
        ],
        b"",
    ));
    let mut damaged = fs::read(s.path("sealed")).unwrap();
    let deep = damaged.len() - 5000;
    damaged[deep] ^= 0x10;
    s.write("damaged", &damaged);
    for threads in ["1", "2", "8"] {
        let dec_into = |target: &str| {
            s.run(
                &[
                    "dec",
                    "-k",
                    &k,
                    "--threads",
                    threads,
                    "-o",
                    target,
                    "damaged",
                ],
                b"",
            )
        };
        // No file before: none after.
        let out = dec_into("out");
        assert_fails(&out, 5, "failed authentication");
        assert!(!s.path("out").exists());
        // A file before: untouched after.
        s.write("existing", b"precious");
        let out = dec_into("existing");
        assert_fails(&out, 5, "failed authentication");
        assert_eq!(fs::read(s.path("existing")).unwrap(), b"precious");
        fs::remove_file(s.path("existing")).unwrap();
        // Truncated input through a pipe into -o: nothing.
        let out = s.run(
            &["dec", "-k", &k, "--threads", threads, "-o", "out"],
            &damaged[..deep],
        );
        assert_fails(&out, 5, "truncated");
        assert!(!s.path("out").exists());
    }
    assert_eq!(s.listing(), ["damaged", "key", "plain", "sealed"]);
}

#[test]
fn same_file_in_and_out_is_refused() {
    let s = Scratch::new();
    let k = s.key();
    s.write("file", b"contents");
    std::os::unix::fs::symlink("file", s.path("link")).unwrap();
    fs::hard_link(s.path("file"), s.path("hard")).unwrap();
    for out_name in ["file", "link", "hard", "./file"] {
        let out = s.run(&["enc", "-k", &k, "-o", out_name, "file"], b"");
        assert_fails(&out, 1, "are the same file");
    }
    let out = s.run(&["dec", "-k", &k, "-o", "file", "link"], b"");
    assert_fails(&out, 1, "are the same file");
    // stdout appended to the input file, and stdin read from the output file.
    let appended = fs::OpenOptions::new()
        .append(true)
        .open(s.path("file"))
        .unwrap();
    let mut cmd = s.cmd(&["enc", "-k", &k, "file"]);
    cmd.stdout(appended);
    assert_fails(&run_cmd(cmd, b""), 1, "are the same file");
    let mut cmd = s.cmd(&["enc", "-k", &k, "-o", "hard"]);
    cmd.stdin(fs::File::open(s.path("file")).unwrap());
    let out = cmd.output().unwrap();
    assert_fails(&out, 1, "are the same file");
    assert_eq!(fs::read(s.path("file")).unwrap(), b"contents");
}

#[test]
fn ciphertext_is_never_written_to_a_terminal() {
    // `script` runs seal with a pseudo-terminal as its stdout.
    let s = Scratch::new();
    s.write("plain", b"secret");
    let command = format!("{SEAL} enc -k key plain; echo \"status=$?\"");
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(s.dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("the `script` program (util-linux) is needed for this test");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("refusing to write ciphertext to a terminal"),
        "{text}"
    );
    assert!(text.contains("status=1"), "{text}");
    assert!(!text.contains("SEAL"), "{text}");
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
fn help_shows_examples_and_version_works() {
    let s = Scratch::new();
    let help = s.run(&["--help"], b"");
    let text = String::from_utf8_lossy(ok(&help));
    assert!(text.contains("tar c dir | seal enc -k key.seal > dir.tar.seal"));
    let version = s.run(&["--version"], b"");
    assert!(String::from_utf8_lossy(ok(&version)).starts_with("seal "));
}
