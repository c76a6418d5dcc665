//! What belongs here: no secret in any message: key text, identity text or a passphrase given
//! where a variable's name or a file's name goes is never echoed on stderr, and file names
//! cannot hide invisible Unicode in a message.

use std::fs;
use std::process::{Command, Output};

use crate::SEAL;
use crate::common::*;
use crate::kit::seal_no_stdin_env;

/// A scratch directory with a key file, an identity file, a plaintext and its ciphertext;
/// returns it with the key's and the identity's text.
fn setup() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&seal_no_stdin_env(d, &["keygen", "-o", "key.seal"], &[]));
    let out = seal_no_stdin_env(d, &["keygen", "--identity", "-o", "id.seal"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    fs::write(d.join("plain"), b"secret plans").unwrap();
    ok(&seal_no_stdin_env(
        d,
        &["enc", "-k", "key.seal", "-o", "sealed", "plain"],
        &[],
    ));
    let key = fs::read_to_string(d.join("key.seal")).unwrap();
    let identity = fs::read_to_string(d.join("id.seal")).unwrap();
    (
        dir,
        key.trim_end().to_string(),
        // The identity line itself (the file's comments above it are public).
        identity.lines().last().unwrap().to_string(),
    )
}

/// Asserts that no 6-byte run of `secret` appears on stderr.
fn no_trace(out: &Output, secret: &str) {
    let err = &out.stderr;
    for window in secret.as_bytes().windows(6) {
        assert!(
            !err.windows(6).any(|w| w == window),
            "stderr shows part of the secret ({:?}): {}",
            String::from_utf8_lossy(window),
            stderr(out)
        );
    }
}

#[test]
fn a_secret_given_where_a_variable_name_goes_is_refused_unshown() {
    let (dir, key, identity) = setup();
    let d = dir.path();
    let cases: [(&[&str], &str); 6] = [
        (&["dec", "--key-env", &key, "sealed"], &key),
        (&["dec", &format!("--key-env={key}"), "sealed"], &key),
        (&["dec", "--key-env", &identity, "sealed"], &identity),
        (&["enc", "--key-env", &key, "-o", "x", "plain"], &key),
        (
            &["enc", "--passphrase-env", "correct horse battery", "plain"],
            "correct horse battery",
        ),
        (
            &["dec", "--passphrase-env=p@ssw0rd!", "sealed"],
            "p@ssw0rd!",
        ),
    ];
    for (args, secret) in cases {
        let out = seal_no_stdin_env(d, args, &[]);
        let option = if secret.contains("SEAL") {
            "--key-env"
        } else {
            "--passphrase-env"
        };
        assert_fails(
            &out,
            2,
            &format!("{option} takes the NAME of an environment variable"),
        );
        no_trace(&out, secret);
    }
    // The message shows the right form.
    let out = seal_no_stdin_env(d, &["dec", "--key-env", &key, "sealed"], &[]);
    assert!(
        stderr(&out).contains(r#"SEAL_KEY="$(cat key.seal)" seal dec --key-env SEAL_KEY"#),
        "{}",
        stderr(&out)
    );
    // A real name works, and its variable's value is the key.
    let out = seal_no_stdin_env(
        d,
        &["dec", "--key-env", "SEAL_KEY", "sealed"],
        &[("SEAL_KEY", &key)],
    );
    assert_eq!(ok(&out), b"secret plans");
}

#[test]
fn key_text_given_to_dash_k_points_at_the_environment_the_right_way() {
    let (dir, key, _) = setup();
    let d = dir.path();
    let out = seal_no_stdin_env(d, &["dec", "-k", &key, "sealed"], &[]);
    assert_fails(&out, 2, "-k takes a key file's name");
    let err = stderr(&out);
    assert!(
        err.contains(r#"SEAL_KEY="$(cat key.seal)" seal dec --key-env SEAL_KEY"#),
        "{err}"
    );
    // Nothing in it suggests handing the key's text to --key-env itself.
    assert!(!err.contains(r#"--key-env "$(cat"#), "{err}");
    no_trace(&out, &key);
}

#[test]
fn key_identity_or_passphrase_text_in_place_of_a_file_name_is_never_shown() {
    let (dir, key, identity) = setup();
    let d = dir.path();
    let pass = "hunter2-but-longer";
    let env = [("PASS", pass)];
    let in_dir = format!("{key}/x");
    let cases: [(&[&str], &str); 7] = [
        (&["enc", "-k", "key.seal", "-o", "out", &key], &key),
        (&["enc", "-k", "key.seal", "-o", &in_dir, "plain"], &key),
        (&["dec", "-k", "key.seal", &identity], &identity),
        (&["enc", "-R", &identity, "-o", "out", "plain"], &identity),
        (&["info", &key], &key),
        (&["verify", "-k", "key.seal", &key], &key),
        (
            &["enc", "--passphrase-env", "PASS", "-o", "out", pass],
            pass,
        ),
    ];
    for (args, secret) in cases {
        let out = seal_no_stdin_env(d, args, &env);
        let err = stderr(&out);
        assert_ne!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(err.contains("(secret text, not shown)"), "{args:?}: {err}");
        no_trace(&out, secret);
    }
    // An argument clap did not expect is not echoed either.
    let out = seal_no_stdin_env(d, &["enc", "-k", "key.seal", "plain", &key], &[]);
    assert_fails(&out, 2, "unexpected argument (secret text, not shown)");
    no_trace(&out, &key);
}

#[test]
fn unicode_format_characters_in_file_names_are_escaped() {
    let (dir, _, _) = setup();
    let d = dir.path();
    // A right-to-left override would show "...gpj.exe" as "...exe.jpg"; a zero-width space
    // and a line separator hide or split what follows.
    let name = "photo\u{202E}gpj.exe\u{200B}\u{2028}x";
    let out = seal_no_stdin_env(d, &["enc", "-k", "key.seal", "-o", "out", name], &[]);
    assert_fails(&out, 1, r"'photo\u{202e}gpj.exe\u{200b}\u{2028}x'");
    let err = stderr(&out);
    for c in ['\u{202E}', '\u{200B}', '\u{2028}'] {
        assert!(!err.contains(c), "{err:?}");
    }
}

#[test]
fn a_wrong_passphrase_that_is_a_word_of_the_message_leaves_the_message_whole() {
    // Messages are never scrubbed of a passphrase's bytes: blanking "wrong" or "file" out of
    // fixed wording would show where the passphrase was, and so give it away. (This replaces
    // a test of that scrub, which redacted an input's name for holding the passphrase.)
    let (dir, _, _) = setup();
    let d = dir.path();
    crate::kit::ssh_keygen(d, "edp", "ed25519", "right one", &[]);
    ok(&seal_no_stdin_env(
        d,
        &["enc", "-R", "edp.pub", "-o", "e.seal", "plain"],
        &[],
    ));
    for pass in ["file", "wrong", "key", "seal"] {
        fs::write(d.join("pass"), format!("{pass}\n")).unwrap();
        let script = format!("{SEAL} dec -k edp --passphrase-fd 3 e.seal 3<pass");
        let out = Command::new("sh")
            .args(["-c", &script])
            .current_dir(d)
            .env_remove("SEAL_KEY_FILE")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{pass}: {}", stderr(&out));
        assert_eq!(
            stderr(&out),
            "seal: 'e.seal': key file 'edp': wrong passphrase, or the key file is damaged\n",
            "{pass}"
        );
    }
    // Nor a --passphrase-env value, after it was read: only a name that is the value (or has
    // it as a whole path component or word) is redacted.
    let cheap = ["--kdf-memory", "1MiB", "--kdf-passes", "1"];
    let mut args = vec!["enc", "--passphrase-env", "P", "-o", "p.seal", "plain"];
    args.extend(cheap);
    ok(&seal_no_stdin_env(d, &args, &[("P", "the right one")]));
    let out = seal_no_stdin_env(
        d,
        &["dec", "--passphrase-env", "P", "p.seal"],
        &[("P", "wrong")],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "seal: 'p.seal': wrong key or passphrase (or the stream header was modified)\n"
    );
    for name in ["wrong", "dir/wrong", "wrong/x"] {
        let out = seal_no_stdin_env(
            d,
            &["dec", "--passphrase-env", "P", name],
            &[("P", "wrong")],
        );
        assert_fails(&out, 1, "(secret text, not shown)");
        no_trace(&out, "wrong");
    }
}
