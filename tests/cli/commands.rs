//! What belongs here: what `seal verify`, `seal info` (text), `seal completions` and `seal man`
//! print and do, and options every command shares (`--threads`). A command's secrets, output
//! or messages belong with those subjects.

use std::fs;
use std::process::Command;

use crate::SEAL;
use crate::common::*;
use crate::kit::*;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A directory with a key, a 200,000-byte plaintext and its stream in 64 KiB chunks.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    assert!(seal_no_stdin(p, &["keygen", "-o", "key"]).status.success());
    fs::write(p.join("plain"), vec![9u8; 200_000]).unwrap();
    let enc = seal_no_stdin(p, &words("enc -k key --chunk-size 64KiB -o stream plain"));
    assert!(enc.status.success(), "{}", text(&enc.stderr));
    dir
}

#[test]
fn verify_accepts_only_a_whole_authentic_stream_and_writes_nothing() {
    let dir = setup();
    let p = dir.path();
    let stream = fs::read(p.join("stream")).unwrap();
    for threads in ["1", "2", "5"] {
        let out = seal_no_stdin(p, &["verify", "-k", "key", "--threads", threads, "stream"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(out.stdout.is_empty() && out.stderr.is_empty());
        // The stream as stdin, a file (seekable), not a pipe.
        let out = Command::new(SEAL)
            .args(["verify", "-k", "key", "--threads", threads])
            .current_dir(p)
            .env_remove("SEAL_KEY_FILE")
            .stdin(fs::File::open(p.join("stream")).unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
    }
    let mut bad = stream.clone();
    bad[150_000] ^= 4;
    fs::write(p.join("bad"), &bad).unwrap();
    let out = seal_no_stdin(p, &["verify", "-k", "key", "bad"]);
    assert_eq!(out.status.code(), Some(5));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr)
            .starts_with("seal: 'bad': frame 2 at byte offset 131207 failed authentication")
    );
    fs::write(p.join("cut"), &stream[..stream.len() - 1000]).unwrap();
    let out = seal_no_stdin(p, &["verify", "-k", "key", "cut"]);
    assert_eq!(out.status.code(), Some(5));
    let mut longer = stream.clone();
    longer.push(0);
    fs::write(p.join("longer"), &longer).unwrap();
    assert_eq!(
        seal_no_stdin(p, &["verify", "-k", "key", "longer"])
            .status
            .code(),
        Some(5)
    );
    assert!(
        seal_no_stdin(p, &["keygen", "-o", "other"])
            .status
            .success()
    );
    let out = seal_no_stdin(p, &["verify", "-k", "other", "stream"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("wrong key"));
    assert_eq!(
        seal_no_stdin(p, &["verify", "-k", "key", "plain"])
            .status
            .code(),
        Some(4)
    );
    assert_eq!(
        seal_no_stdin(p, &["verify", "stream"]).status.code(),
        Some(2)
    );
}

#[test]
fn info_reports_the_header_and_the_layout_without_a_key() {
    let dir = setup();
    let p = dir.path();
    let out = seal_no_stdin(p, &["info", "stream"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        "format:     seal version 1\n\
         cipher:     aes-256-gcm\n\
         chunk size: 65536 bytes\n\
         key kind:   key file\n\
         stream:     200191 bytes, 4 frames\n\
         plaintext:  200000 bytes (from the length; run 'seal verify' to authenticate)\n"
    );
    let out = seal_no_stdin(p, &["info", "--json", "stream"]);
    assert_eq!(
        text(&out.stdout),
        "{\"format\":\"seal\",\"version\":1,\"framing\":\"fixed\",\"armored\":false,\"cipher\":\"aes-256-gcm\",\
         \"chunk_size\":65536,\
         \"key_kind\":\"key-file\",\"kdf\":null,\"header_bytes\":79,\"stream_bytes\":200191,\
         \"frames\":4,\
         \"plaintext_bytes\":200000,\"length_consistent\":true,\"authenticated\":false,\
         \"recipients\":null,\"classical_stanzas\":null,\"signed\":false,\"signature_kind\":null,\
         \"signer\":null,\"signer_fingerprint\":null,\"signed_comment\":null,\"trailer_bytes\":null}\n"
    );
    // Through a pipe the length is unknown.
    let out = shell(p, &format!("cat stream | {SEAL} info --json"));
    assert!(text(&out.stdout).contains("\"stream_bytes\":null,\"frames\":null"));
    assert!(text(&out.stdout).contains("\"length_consistent\":null"));
    // A length no stream can have: 10 bytes into a frame's 28-byte overhead.
    let stream = fs::read(p.join("stream")).unwrap();
    fs::write(p.join("odd"), &stream[..79 + 3 * (65536 + 28) + 10]).unwrap();
    let out = seal_no_stdin(p, &["info", "odd"]);
    assert!(text(&out.stdout).contains("no complete stream has this length"));
    let out = seal_no_stdin(p, &["info", "--json", "odd"]);
    assert!(
        text(&out.stdout)
            .contains("\"frames\":null,\"plaintext_bytes\":null,\"length_consistent\":false")
    );
    // Not a stream.
    let out = seal_no_stdin(p, &["info", "plain"]);
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(
        text(&out.stderr),
        "seal: 'plain': not a seal stream (bad magic bytes)\n"
    );
    let enc = seal_no_stdin(
        p,
        &words("enc -k key --cipher chacha20-poly1305 -o cc plain"),
    );
    assert!(enc.status.success());
    assert!(
        text(&seal_no_stdin(p, &["info", "cc"]).stdout).contains("cipher:     chacha20-poly1305\n")
    );
}

#[test]
fn completions_for_every_shell_and_a_man_page() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    for (shell, marker) in [
        ("bash", "_seal()"),
        ("zsh", "#compdef seal"),
        ("fish", "complete -c seal"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[seal]"),
    ] {
        let out = seal_no_stdin(p, &["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = text(&out.stdout);
        assert!(script.contains(marker), "{shell}: {marker} missing");
        for sub in ["keygen", "enc", "dec", "verify", "info"] {
            assert!(script.contains(sub), "{shell}: {sub} missing");
        }
    }
    assert_eq!(
        seal_no_stdin(p, &["completions", "tcsh"]).status.code(),
        Some(2)
    );
    let out = seal_no_stdin(p, &["man"]);
    assert_eq!(out.status.code(), Some(0));
    let page = text(&out.stdout);
    assert!(page.contains(".TH SEAL 1"));
    assert!(page.contains("keygen") && page.contains("verify"));
}

#[test]
fn progress_is_shown_on_a_terminal_or_on_request_and_quiet_silences_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    assert!(seal_no_stdin(p, &["keygen", "-o", "key"]).status.success());
    fs::write(p.join("plain"), vec![1u8; 5_000_000]).unwrap();
    // Forced into a pipe: plain lines, the last a summary with the whole size.
    let out = seal_no_stdin(p, &["enc", "-k", "key", "--progress", "-o", "s", "plain"]);
    assert_eq!(out.status.code(), Some(0));
    let summary = "seal: progress: done, 4.77 MiB plaintext read in ";
    assert!(
        text(&out.stderr).starts_with(summary),
        "{}",
        text(&out.stderr)
    );
    let out = seal_no_stdin(p, &["verify", "-k", "key", "--progress", "s"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).starts_with("seal: progress: done, 4.77 MiB ciphertext read in "),
        "{}",
        text(&out.stderr)
    );
    // Not a terminal and not asked for: nothing. (On a terminal: tests/cli/progress.rs.)
    let out = seal_no_stdin(p, &["dec", "-k", "key", "-o", "back", "s"]);
    assert!(out.status.success() && out.stderr.is_empty());
    assert_eq!(fs::read(p.join("back")).unwrap(), vec![1u8; 5_000_000]);
    // --quiet: no warning for a key file readable by others, and no progress.
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(p.join("key"), fs::Permissions::from_mode(0o644)).unwrap();
    let loud = seal_no_stdin(p, &["enc", "-k", "key", "-o", "t", "plain"]);
    assert!(text(&loud.stderr).contains("warning: key file 'key' is readable by others"));
    let quiet = seal_no_stdin(p, &["enc", "-k", "key", "--quiet", "-o", "t", "plain"]);
    assert!(quiet.status.success() && quiet.stderr.is_empty());
    let both = seal_no_stdin(p, &["enc", "-k", "key", "--quiet", "--progress", "plain"]);
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn threads_are_capped_at_64() {
    let dir = with_key();
    let d = dir.path();
    fs::write(d.join("plain"), b"x").unwrap();
    for n in ["65", "1024"] {
        let out = seal_no_stdin(
            d,
            &["enc", "-k", "key", "--threads", n, "-o", "out", "plain"],
        );
        assert_fails(&out, 2, "is not in 1..=64");
    }
    ok(&seal_no_stdin(
        d,
        &["enc", "-k", "key", "--threads", "64", "-o", "out", "plain"],
    ));
    ok(&seal_no_stdin(
        d,
        &["verify", "-k", "key", "--threads", "64", "out"],
    ));
}
