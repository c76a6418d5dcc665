//! What belongs here: passphrase streams through the real binary: from an environment variable,
//! from a file descriptor, and typed on a real (pseudo-)terminal, which must not echo it; the
//! Argon2id cost and the options that go with `-p`.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use crate::common::{assert_fails, stderr};
use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
use rustix::termios::{LocalModes, tcgetattr};

use crate::SEAL;
use crate::common::{ok, run_cmd};
use crate::kit::*;
/// The cheapest cost enc accepts, so that tests spend milliseconds in Argon2id.
const CHEAP: [&str; 4] = ["--kdf-memory", "1MiB", "--kdf-passes", "1"];

/// Runs seal in `dir` with `env` added, stdin closed, and no controlling terminal (`setsid`
/// starts a new session), so that it can never ask on the terminal of whoever runs the tests.
fn seal(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("setsid");
    cmd.arg("-w")
        .arg(SEAL)
        .args(args)
        .current_dir(dir)
        .env_remove("SEAL_KEY_FILE")
        .envs(env.iter().copied())
        .stdin(Stdio::null());
    cmd.output().expect("setsid (util-linux) runs seal")
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let plain: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    fs::write(dir.path().join("plain"), plain).unwrap();
    dir
}

const PW: (&str, &str) = ("PW", "correct horse battery staple");

/// Encrypts `plain` to `name` with the passphrase in $PW at the cheap cost.
fn enc_env(dir: &Path, name: &str) {
    let mut args = vec!["enc", "--passphrase-env", "PW", "-o", name];
    args.extend(CHEAP);
    args.extend(["--chunk-size", "64KiB", "plain"]);
    let out = seal(dir, &args, &[PW]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn env_and_fd_round_trip_and_the_header_states_the_cost() {
    let dir = setup();
    let p = dir.path();
    enc_env(p, "c");
    let plain = fs::read(p.join("plain")).unwrap();
    let stream = fs::read(p.join("c")).unwrap();
    assert_eq!(stream[10], 2, "key kind: passphrase");
    assert_eq!(&stream[47..59], &[0, 0, 4, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    assert_eq!(stream.len(), 91 + plain.len() + 5 * 28);

    let out = seal(p, &["dec", "--passphrase-env", "PW", "c"], &[PW]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(out.stdout, plain);

    // The first line of a descriptor, with LF or CRLF; what follows the line is not read.
    for (file, content) in [
        ("lf", "correct horse battery staple\nignored\n"),
        ("crlf", "correct horse battery staple\r\n"),
        ("bare", "correct horse battery staple"),
    ] {
        fs::write(p.join(file), content).unwrap();
        let cmd = format!("exec {SEAL} dec --passphrase-fd 3 -o out-{file} c 3<{file}");
        let out = Command::new("setsid")
            .args(["-w", "sh", "-c", &cmd])
            .current_dir(p)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{file}: {}", stderr(&out));
        assert_eq!(fs::read(p.join(format!("out-{file}"))).unwrap(), plain);
    }

    // verify and info read the same header.
    let out = seal(p, &["verify", "--passphrase-env", "PW", "c"], &[PW]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = seal(p, &["info", "--json", "c"], &[]);
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(
        json.contains(
            "\"key_kind\":\"passphrase\",\"kdf\":{\"algorithm\":\"argon2id\",\
             \"memory_kib\":1024,\"passes\":1,\"lanes\":1},\"header_bytes\":91"
        ),
        "{json}"
    );
    assert!(
        json.contains("\"frames\":5,\"plaintext_bytes\":300000"),
        "{json}"
    );
}

#[test]
fn the_default_cost_is_256_mib_and_6_passes() {
    let dir = setup();
    let p = dir.path();
    let out = seal(
        p,
        &["enc", "--passphrase-env", "PW", "-o", "c", "plain"],
        &[PW],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stream = fs::read(p.join("c")).unwrap();
    assert_eq!(&stream[47..59], &[0, 4, 0, 0, 0, 0, 0, 6, 0, 0, 0, 1]);
    let out = seal(p, &["dec", "--passphrase-env", "PW", "c"], &[PW]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(out.stdout, fs::read(p.join("plain")).unwrap());
}

#[test]
fn a_wrong_passphrase_is_the_same_error_as_a_wrong_key() {
    let dir = setup();
    let p = dir.path();
    enc_env(p, "c");
    let out = seal(
        p,
        &["dec", "--passphrase-env", "PW", "-o", "out", "c"],
        &[("PW", "correct horse battery stapler")],
    );
    assert_fails(
        &out,
        3,
        "'c': wrong key or passphrase (or the stream header was modified)",
    );
    assert!(!p.join("out").exists());
    // The same line for a wrong key file.
    assert!(seal(p, &["keygen", "-o", "key"], &[]).status.success());
    assert!(seal(p, &["keygen", "-o", "key2"], &[]).status.success());
    assert!(
        seal(p, &["enc", "-k", "key", "-o", "k.seal", "plain"], &[])
            .status
            .success()
    );
    let out = seal(p, &["dec", "-k", "key2", "k.seal"], &[]);
    assert_fails(
        &out,
        3,
        "'k.seal': wrong key or passphrase (or the stream header was modified)",
    );
    // The other kind of secret is named as such, before any work.
    let out = seal(p, &["dec", "-k", "key", "c"], &[]);
    assert_fails(
        &out,
        3,
        "'c': this stream was encrypted with a passphrase, not a key file",
    );
    let out = seal(p, &["dec", "--passphrase-env", "PW", "k.seal"], &[PW]);
    assert_fails(
        &out,
        3,
        "'k.seal': this stream was encrypted with a key file, not a passphrase",
    );
    // $SEAL_KEY_FILE is a default, not a demand: a passphrase stream still wants its passphrase.
    let out = seal(
        p,
        &["dec", "--passphrase-env", "PW", "c"],
        &[PW, ("SEAL_KEY_FILE", "key")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn passphrase_sources_are_checked() {
    let dir = setup();
    let p = dir.path();
    enc_env(p, "c");
    // No terminal and no other source.
    let out = seal(p, &["dec", "c"], &[]);
    assert_fails(&out, 2, "there is no terminal to ask on");
    let out = seal(p, &["enc", "-p", "plain"], &[]);
    assert_fails(&out, 2, "there is no terminal to ask on");
    // Unset, empty, overlong.
    let out = seal(p, &["dec", "--passphrase-env", "NOPE", "c"], &[]);
    assert_fails(
        &out,
        3,
        "environment variable NOPE (from --passphrase-env) is not set",
    );
    let out = seal(
        p,
        &["enc", "--passphrase-env", "PW", "plain"],
        &[("PW", "")],
    );
    assert_fails(&out, 3, "the passphrase is empty");
    let long = "x".repeat(1025);
    let out = seal(
        p,
        &["enc", "--passphrase-env", "PW", "plain"],
        &[("PW", &long)],
    );
    assert_fails(&out, 3, "longer than 1024 bytes");
    let out = seal(p, &["dec", "--passphrase-fd", "9", "c"], &[]);
    assert_fails(&out, 3, "--passphrase-fd 9:");
    // stdin cannot be both the passphrase and the input.
    let out = seal(p, &["dec", "--passphrase-fd", "0"], &[]);
    assert_fails(
        &out,
        2,
        "--passphrase-fd 0 reads stdin, which is also the input",
    );
    // Never from argv: there is no option that takes the passphrase itself.
    let out = seal(p, &["enc", "-p", "hunter2", "plain"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // Cost options need a passphrase and stay within the decoder's bounds.
    let out = seal(p, &["enc", "-k", "key", "--kdf-passes", "2", "plain"], &[]);
    assert_fails(&out, 2, "apply only to a passphrase");
    let out = seal(
        p,
        &["enc", "--passphrase-env", "PW", "--kdf-memory", "2GiB"],
        &[PW],
    );
    assert_fails(&out, 2, "from 1MiB to 1024MiB");
    let out = seal(
        p,
        &[
            "enc",
            "--passphrase-env",
            "PW",
            "--kdf-memory",
            "1GiB",
            "--kdf-passes",
            "9",
        ],
        &[PW],
    );
    assert_fails(&out, 2, "passphrase KDF cost out of range");
    // Mixing a key and a passphrase.
    let out = seal(p, &["enc", "-k", "key", "-p", "plain"], &[]);
    assert_fails(&out, 2, "cannot be used with");
}

#[test]
fn a_hostile_kdf_cost_is_refused_before_any_work_and_a_lowered_one_fails_the_commitment() {
    let dir = setup();
    let p = dir.path();
    enc_env(p, "c");
    let stream = fs::read(p.join("c")).unwrap();
    // 4 GiB of memory, or 1 GiB for 1000 passes: a format error, no passphrase is asked for.
    for (field, value) in [(47, 4u32 << 20), (51, 1000), (55, 0)] {
        let mut bad = stream.clone();
        bad[field..field + 4].copy_from_slice(&value.to_be_bytes());
        fs::write(p.join("bad"), &bad).unwrap();
        let out = seal(p, &["dec", "bad"], &[]);
        assert_fails(&out, 4, "passphrase KDF cost out of range");
        let out = seal(p, &["info", "bad"], &[]);
        assert_fails(&out, 4, "passphrase KDF cost out of range");
    }
    // A cost edited within bounds changes what HKDF binds: wrong key or passphrase.
    let mut edited = stream.clone();
    edited[51..55].copy_from_slice(&2u32.to_be_bytes());
    fs::write(p.join("edited"), &edited).unwrap();
    let out = seal(p, &["dec", "--passphrase-env", "PW", "edited"], &[PW]);
    assert_fails(&out, 3, "wrong key or passphrase");
    // Cut inside the parameter block.
    fs::write(p.join("cut"), &stream[..50]).unwrap();
    let out = seal(p, &["dec", "--passphrase-env", "PW", "cut"], &[PW]);
    assert_fails(&out, 5, "input ended after 50 of the 91 header bytes");
}

/// A pseudo-terminal whose slave side becomes seal's controlling terminal.
struct Terminal {
    master: File,
    slave: File,
    output: Receiver<Vec<u8>>,
    seen: Vec<u8>,
}

impl Terminal {
    fn new() -> Terminal {
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).expect("a pseudo-terminal");
        grantpt(&master).unwrap();
        unlockpt(&master).unwrap();
        let name = ptsname(&master, Vec::new()).unwrap();
        let slave = File::options()
            .read(true)
            .write(true)
            .custom_flags(rustix::fs::OFlags::NOCTTY.bits() as i32)
            .open(name.to_str().unwrap())
            .unwrap();
        let master = File::from(master);
        let mut reader = master.try_clone().unwrap();
        let (tx, output) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // Ends with EIO once every slave descriptor is closed.
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                if tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Terminal {
            master,
            slave,
            output,
            seen: Vec::new(),
        }
    }

    /// Starts seal in `dir` in a new session whose controlling terminal is this one.
    fn spawn(&self, dir: &Path, args: &[&str]) -> Child {
        Command::new("setsid")
            .arg("-c")
            .arg(SEAL)
            .args(args)
            .current_dir(dir)
            .env_remove("SEAL_KEY_FILE")
            .stdin(self.slave.try_clone().unwrap())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    fn echo_on(&self) -> bool {
        tcgetattr(&self.slave)
            .unwrap()
            .local_modes
            .contains(LocalModes::ECHO)
    }

    /// Waits until the terminal has shown `needle` (counting from the start) and its echo is
    /// off: seal is then reading a passphrase.
    fn wait_for_prompt(&mut self, needle: &str, count: usize) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let shown = String::from_utf8_lossy(&self.seen).matches(needle).count();
            if shown >= count && !self.echo_on() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "no prompt {needle:?} with echo off; terminal shows {:?}",
                String::from_utf8_lossy(&self.seen)
            );
            if let Ok(bytes) = self.output.recv_timeout(Duration::from_millis(20)) {
                self.seen.extend(bytes);
            }
        }
    }

    fn type_text(&mut self, text: &[u8]) {
        self.master.write_all(text).unwrap();
    }

    /// Everything the terminal showed, once the child has exited.
    fn transcript(&mut self) -> String {
        while let Ok(bytes) = self.output.recv_timeout(Duration::from_millis(200)) {
            self.seen.extend(bytes);
        }
        String::from_utf8_lossy(&self.seen).into_owned()
    }
}

fn finish(child: Child) -> Output {
    child.wait_with_output().unwrap()
}

#[test]
fn the_terminal_asks_twice_on_enc_once_on_dec_and_never_echoes() {
    let dir = setup();
    let p = dir.path();
    let secret = "tr0ub4dor & 3";
    let mut term = Terminal::new();
    let mut args = vec!["enc", "-p", "-o", "c"];
    args.extend(CHEAP);
    args.push("plain");
    let child = term.spawn(p, &args);
    term.wait_for_prompt("Passphrase: ", 1);
    term.type_text(format!("{secret}\n").as_bytes());
    term.wait_for_prompt("Passphrase (again): ", 1);
    term.type_text(format!("{secret}\n").as_bytes());
    let out = finish(child);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(term.echo_on(), "echo restored");
    let shown = term.transcript();
    assert!(!shown.contains(secret), "echoed: {shown:?}");

    // dec asks once, by itself: the header says passphrase.
    let mut term = Terminal::new();
    let child = term.spawn(p, &["dec", "-o", "out", "c"]);
    term.wait_for_prompt("Passphrase: ", 1);
    term.type_text(format!("{secret}\n").as_bytes());
    let out = finish(child);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        fs::read(p.join("out")).unwrap(),
        fs::read(p.join("plain")).unwrap()
    );
    let shown = term.transcript();
    assert!(!shown.contains(secret), "echoed: {shown:?}");
    assert_eq!(shown.matches("Passphrase").count(), 1, "{shown:?}");
    assert!(term.echo_on());
}

#[test]
fn two_different_answers_are_refused() {
    let dir = setup();
    let p = dir.path();
    let mut term = Terminal::new();
    let child = term.spawn(p, &["enc", "-p", "-o", "c", "plain"]);
    term.wait_for_prompt("Passphrase: ", 1);
    term.type_text(b"one passphrase\n");
    term.wait_for_prompt("Passphrase (again): ", 1);
    term.type_text(b"another one\n");
    let out = finish(child);
    assert_fails(&out, 3, "the two passphrases differ");
    assert!(!p.join("c").exists());
    assert!(term.echo_on());
}

#[test]
fn ctrl_c_or_sigterm_at_the_prompt_restores_the_terminal() {
    let dir = setup();
    let p = dir.path();
    // Ctrl-C, typed: the terminal is in raw mode, so seal sees it as a character.
    let mut term = Terminal::new();
    let child = term.spawn(p, &["enc", "-p", "-o", "c", "plain"]);
    term.wait_for_prompt("Passphrase: ", 1);
    term.type_text(b"half a pass");
    term.type_text(b"\x03");
    let out = finish(child);
    assert_eq!(out.status.signal(), Some(2), "{}", stderr(&out));
    assert!(term.echo_on(), "echo left off after Ctrl-C");
    assert!(!p.join("c").exists());

    // SIGTERM from elsewhere while seal waits for the passphrase.
    let mut term = Terminal::new();
    enc_env(p, "stream");
    let child = term.spawn(p, &["dec", "-o", "out", "stream"]);
    term.wait_for_prompt("Passphrase: ", 1);
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = finish(child);
    assert_eq!(out.status.signal(), Some(15), "{}", stderr(&out));
    assert!(term.echo_on(), "echo left off after SIGTERM");
    let names: Vec<_> = fs::read_dir(p)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| n != "out" && !n.starts_with(".seal-tmp")),
        "{names:?}"
    );
}

#[test]
fn passphrase_fd_reads_the_descriptor_itself() {
    let dir = with_key();
    let d = dir.path();
    fs::write(d.join("plain"), b"by descriptor").unwrap();
    fs::write(d.join("pass"), b"first line\nsecond line\n").unwrap();
    let cheap = "--kdf-memory 1MiB --kdf-passes 1";
    // The shell reads the first line from descriptor 3: seal must go on from there, not
    // reopen the file from its start.
    let script = format!(
        "exec 3<pass; read -r skipped <&3; \
         {SEAL} enc {cheap} --passphrase-fd 3 -o sealed plain"
    );
    let out = Command::new("sh")
        .args(["-c", &script])
        .current_dir(d)
        .output()
        .unwrap();
    ok(&out);
    let mut dec = Command::new(SEAL);
    dec.args(["dec", "--passphrase-env", "PASS", "sealed"])
        .current_dir(d)
        .env("PASS", "second line");
    assert_eq!(ok(&dec.output().unwrap()), b"by descriptor");
    // A socket cannot be reopened through /dev/fd at all.
    let (mine, theirs) = std::os::unix::net::UnixStream::pair().unwrap();
    std::io::Write::write_all(&mut &mine, b"over a socket\n").unwrap();
    let out = Command::new(SEAL)
        .args(["enc", "--kdf-memory", "1MiB", "--kdf-passes", "1"])
        .args(["--passphrase-fd", "0", "-o", "sealed2", "plain"])
        .current_dir(d)
        .stdin(Stdio::from(std::os::fd::OwnedFd::from(theirs)))
        .output()
        .unwrap();
    ok(&out);
    let mut dec = Command::new(SEAL);
    dec.args(["dec", "--passphrase-env", "PASS", "sealed2"])
        .current_dir(d)
        .env("PASS", "over a socket");
    assert_eq!(ok(&dec.output().unwrap()), b"by descriptor");
    // A descriptor that is not open.
    let out = seal_no_stdin(d, &["enc", "--passphrase-fd", "57", "-o", "x", "plain"]);
    assert_fails(&out, 3, "--passphrase-fd 57: Bad file descriptor");
}

#[test]
fn dash_p_goes_with_the_passphrase_options_and_a_newline_in_the_variable_is_warned_about() {
    let dir = with_key_and_doc();
    let p = dir.path();
    fs::write(p.join("pw"), b"pw\n").unwrap();
    let enc = |extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["enc", "-p"];
        args.extend(extra);
        args.extend(CHEAP);
        args.push("doc.txt");
        seal_setsid(p, &args, env, b"")
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
    let out = seal_setsid(
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
        let dec = seal_setsid(
            p,
            &["dec", "--passphrase-env", "PW"],
            &[("PW", "pw")],
            &out.stdout,
        );
        assert_fails(&dec, 3, "wrong key or passphrase");
        // ... and the same value opens it (warning again on dec).
        let dec = seal_setsid(
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

/// The terminal's prompts for signer files say which passphrase they want: the new file's
/// (`keygen --signer -p`, asked twice), the file's own (naming it), and the copy's new one
/// (`seal signer FILE -o NEW --new-passphrase`, asked twice); none is echoed.
#[test]
fn the_terminal_prompts_for_signer_files_say_which_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let (old, new) = ("old signer words", "new signer words");
    let mut term = Terminal::new();
    let mut args = vec![
        "keygen",
        "--signer",
        "--signer-kind",
        "ed25519",
        "-p",
        "-o",
        "s.signer",
    ];
    args.extend(CHEAP);
    let child = term.spawn(p, &args);
    for (prompt, count) in [
        ("Passphrase for the new signer file: ", 1),
        ("Passphrase for the new signer file (again): ", 1),
    ] {
        term.wait_for_prompt(prompt, count);
        term.type_text(format!("{old}\n").as_bytes());
    }
    let out = finish(child);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = term.transcript();
    assert!(!shown.contains(old), "echoed: {shown:?}");

    let mut term = Terminal::new();
    let mut args = vec!["signer", "s.signer", "-o", "t.signer", "--new-passphrase"];
    args.extend(CHEAP);
    let child = term.spawn(p, &args);
    term.wait_for_prompt("Passphrase for signer file 's.signer': ", 1);
    term.type_text(format!("{old}\n").as_bytes());
    for prompt in [
        "New passphrase for the copy: ",
        "New passphrase for the copy (again): ",
    ] {
        term.wait_for_prompt(prompt, 1);
        term.type_text(format!("{new}\n").as_bytes());
    }
    let out = finish(child);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = term.transcript();
    assert!(
        !shown.contains(old) && !shown.contains(new),
        "echoed: {shown:?}"
    );
    assert!(term.echo_on());
    let out = seal_env(
        p,
        &["signer", "--passphrase-env", "NP", "t.signer"],
        &[("NP", new)],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // enc -p --sign: the signer file's, then the stream's, each named.
    fs::write(p.join("plain"), b"data").unwrap();
    let mut term = Terminal::new();
    let mut args = vec!["enc", "-p", "--sign", "s.signer", "-o", "c"];
    args.extend(CHEAP);
    args.push("plain");
    let child = term.spawn(p, &args);
    for (prompt, answer) in [
        ("Passphrase for signer file 's.signer': ", old),
        ("Passphrase for the stream: ", new),
        ("Passphrase for the stream (again): ", new),
    ] {
        term.wait_for_prompt(prompt, 1);
        term.type_text(format!("{answer}\n").as_bytes());
    }
    let out = finish(child);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = term.transcript();
    assert!(
        !shown.contains(old) && !shown.contains(new),
        "echoed: {shown:?}"
    );
}
