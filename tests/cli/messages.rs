//! What belongs here: messages a person can act on: each refusal or mistake names what was
//! wrong and what to type instead, on one line; file names escaped; warnings (encrypting what is
//! already sealed). A message's exit status is asserted with it.

use std::process::{Command, Output, Stdio};

use crate::SEAL;
use crate::common::*;
use crate::kit::*;
use std::fs;

/// The one error line of a failed run with status `code`.
fn error_line(out: &Output, code: i32) -> String {
    assert_fails(out, code, "");
    String::from_utf8_lossy(&out.stderr).trim_end().to_string()
}

#[test]
fn usage_errors_keep_their_useful_part_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| error_line(&seal(dir.path(), args, b""), 2);
    assert_eq!(
        run(&["completions"]),
        "seal: the following required arguments were not provided: <SHELL> \
         (see 'seal completions --help')"
    );
    assert_eq!(
        run(&["enc", "--cihper", "aes-256-gcm"]),
        "seal: unexpected argument '--cihper' found; tip: a similar argument exists: \
         '--cipher' (see 'seal enc --help')"
    );
    assert_eq!(
        run(&["enc", "--cipher", "aes"]),
        "seal: invalid value 'aes' for '--cipher <CIPHER>' [possible values: aes-256-gcm, \
         chacha20-poly1305]; tip: a similar value exists: 'aes-256-gcm' (see 'seal enc --help')"
    );
    assert_eq!(
        run(&["dec", "--threads", "0"]),
        "seal: invalid value '0' for '--threads <N>': 0 is not in 1..=64 \
         (see 'seal dec --help')"
    );
    assert_eq!(
        run(&["encc"]),
        "seal: unrecognized subcommand 'encc'; tip: some similar subcommands exist: 'dec', \
         'enc' (see 'seal --help')"
    );
    assert_eq!(
        run(&["enc", "-k", "key", "-r", "sealx1q"]),
        "seal: the argument '--key <KEYFILE>' cannot be used with '--recipient <RECIPIENT>' \
         (see 'seal enc --help')"
    );
}

/// A directory with a key file `key` (mode 0600), an identity `me.id` (mode 0644, as a user's
/// umask leaves a copied file), its recipient in `recipients.txt`, a plaintext `plain` and
/// `plain.seal` encrypted with the key.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for args in [
        &["keygen", "-o", "key"][..],
        &["keygen", "--identity", "-o", "me.id"][..],
    ] {
        let out = seal(d, args, b"");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let out = seal(d, &["recipient", "me.id"], b"");
    std::fs::write(d.join("recipients.txt"), &out.stdout).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(d.join("me.id"), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::write(d.join("plain"), b"one frame").unwrap();
    let out = seal(d, &["enc", "-k", "key", "-o", "plain.seal", "plain"], b"");
    assert_eq!(out.status.code(), Some(0));
    dir
}

#[test]
fn no_key_names_every_way_to_give_one_and_armor_is_recognised_by_itself() {
    let dir = setup();
    let d = dir.path();
    assert_eq!(
        error_line(&seal(d, &["enc", "-o", "out"], b"data"), 2),
        "seal: no key given: use -k KEYFILE, -p for a passphrase, or -r/-R to encrypt to \
         recipients (or name a key file in SEAL_KEY_FILE, key text with --key-env NAME)"
    );
    for command in ["dec", "verify"] {
        assert_eq!(
            error_line(
                &seal(d, &[command, "-a", "-k", "key", "plain.seal"], b""),
                2
            ),
            format!(
                "seal: {command} has no -a: it recognises armored input by itself (drop -a; -a \
                 is for enc)"
            )
        );
    }
}

#[test]
fn identities_and_recipients_files_are_called_what_they_are() {
    let dir = setup();
    let d = dir.path();
    encrypt_to_me(d);
    // An identity readable by others is warned about as an identity.
    let out = seal(d, &["dec", "-k", "me.id", "to-me.seal"], b"");
    assert_eq!(out.stdout, b"one frame");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "seal: warning: identity file 'me.id' is readable by others (mode 644); chmod 600 it\n"
    );
    // A missing identity, for a stream to recipients or for 'seal recipient'.
    assert_eq!(
        error_line(&seal(d, &["dec", "-k", "gone.id", "to-me.seal"], b""), 3),
        "seal: 'to-me.seal': identity file 'gone.id': No such file or directory (os error 2)"
    );
    assert_eq!(
        error_line(&seal(d, &["recipient", "gone.id"], b""), 3),
        "seal: identity file 'gone.id': No such file or directory (os error 2)"
    );
    // A recipients file given as the key, to decrypt or to encrypt.
    let hint = "public keys, not a key or an identity; to encrypt to them use 'seal enc -R \
                FILE', to decrypt give the identity a recipient was made from";
    assert_eq!(
        error_line(
            &seal(d, &["dec", "-k", "recipients.txt", "to-me.seal"], b""),
            3
        ),
        format!("seal: 'to-me.seal': recipients file 'recipients.txt': {hint}")
    );
    assert_eq!(
        error_line(&seal(d, &["enc", "-k", "recipients.txt", "plain"], b""), 3),
        format!("seal: recipients file 'recipients.txt': {hint}")
    );
    // The same text in the variable --key-env names.
    let args = ["dec", "--key-env", "SEAL_KEY", "to-me.seal"];
    let out = seal_env(d, &args, &[("SEAL_KEY", &read_recipient(d))], b"");
    assert_eq!(
        error_line(&out, 3),
        format!("seal: 'to-me.seal': recipients in environment variable SEAL_KEY: {hint}")
    );
}

fn read_recipient(d: &std::path::Path) -> String {
    std::fs::read_to_string(d.join("recipients.txt"))
        .unwrap()
        .trim()
        .to_string()
}

/// Encrypts `plain` to the recipient of `me.id` as `to-me.seal`, asserting exit 0.
fn encrypt_to_me(d: &std::path::Path) {
    let out = seal(
        d,
        &["enc", "-r", &read_recipient(d), "-o", "to-me.seal", "plain"],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn counts_have_the_right_number() {
    let dir = setup();
    let d = dir.path();
    let out = seal(d, &["info", "plain.seal"], b"");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("stream:     116 bytes, 1 frame\n"), "{text}");
    std::fs::write(d.join("one"), b"1").unwrap();
    let out = seal(d, &["enc", "-k", "key", "-o", "one.seal", "one"], b"");
    assert_eq!(out.status.code(), Some(0));
    let out = seal(d, &["info", "one.seal"], b"");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("plaintext:  1 byte (from"), "{text}");
    assert_eq!(
        error_line(
            &seal(d, &["dec", "-k", "key", "--offset", "2", "one.seal"], b""),
            2
        ),
        "seal: --offset 2 is past the end of the plaintext of 'one.seal' (1 byte)"
    );
    // A stream to one recipient, and an identity that is not it.
    let out = seal(d, &["keygen", "--identity", "-o", "other.id"], b"");
    assert_eq!(out.status.code(), Some(0));
    encrypt_to_me(d);
    assert_eq!(
        error_line(&seal(d, &["dec", "-k", "other.id", "to-me.seal"], b""), 3),
        "seal: 'to-me.seal': no identity matches the stream's recipient"
    );
}

#[test]
fn a_changed_character_in_an_armored_header_reads_as_damage() {
    let dir = setup();
    let d = dir.path();
    let out = seal(d, &["enc", "-a", "-k", "key", "plain"], b"");
    let armored = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = armored.lines().collect();
    // Byte 9 (the cipher id, 1) is in base64 characters 12..16 ("AQEA" for bytes 9..12 = 1, 1,
    // 0 when the key kind is 1 and the chunk size starts with 0): make it 5.
    let body = lines[1];
    assert_eq!(&body[12..16], "AQEA", "{body}");
    let damaged = format!(
        "{}\n{}BQEA{}\n{}\n",
        lines[0],
        &body[..12],
        &body[16..],
        lines[2..].join("\n")
    );
    std::fs::write(d.join("damaged.asc"), damaged).unwrap();
    let expect = "seal: 'damaged.asc': the armored text is damaged (a changed character in its \
                  header), or from a newer seal: unsupported cipher id 5";
    for args in [
        &["dec", "-k", "key", "damaged.asc"][..],
        &["verify", "-k", "key", "damaged.asc"][..],
        &["info", "damaged.asc"][..],
    ] {
        assert_eq!(error_line(&seal(d, args, b""), 4), expect, "{args:?}");
    }
}

#[test]
fn a_directory_that_cannot_be_written_is_named_without_a_temporary_file() {
    let dir = setup();
    let d = dir.path();
    std::fs::create_dir(d.join("ro")).unwrap();
    // A read-only bind mount refuses root too.
    let script = format!(
        "mount --bind ro ro && mount -o remount,bind,ro ro || exit 99; \
         exec {SEAL} enc -k key -o ro/out plain"
    );
    let out = as_root(d, &script);
    assert_eq!(
        error_line(&out, 1),
        "seal: cannot write in directory 'ro': Read-only file system (os error 30)"
    );
}

/// Runs seal with stdin and stdout on a fresh terminal (stderr piped); returns the status and
/// stderr.
fn with_terminal(dir: &std::path::Path, args: &[&str]) -> Output {
    let (slave, shown) = crate::progress::terminal();
    let out = Command::new(SEAL)
        .args(args)
        .current_dir(dir)
        .env_remove("SEAL_KEY_FILE")
        .stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    drop(shown);
    out
}

#[test]
fn a_terminal_gets_a_suggestion_that_works() {
    let dir = setup();
    let d = dir.path();
    assert_eq!(
        error_line(&with_terminal(d, &["enc", "-k", "key", "plain"]), 1),
        "seal: refusing to write ciphertext to a terminal: use -o FILE, redirect stdout, or -a \
         for ASCII armor (text that a terminal shows)"
    );
    assert_eq!(
        error_line(&with_terminal(d, &["info"]), 2),
        "seal: info: no INPUT given and stdin is a terminal: name an input file or pipe data \
         in, e.g. 'seal info dir.tar.seal'"
    );
    assert_eq!(
        error_line(&with_terminal(d, &["verify", "-k", "key"]), 2),
        "seal: verify: no INPUT given and stdin is a terminal: name an input file or pipe \
         data in, e.g. 'seal verify -k KEY dir.tar.seal'"
    );
}

#[test]
fn a_usage_error_never_echoes_key_text_given_as_a_value() {
    let dir = setup();
    let d = dir.path();
    let key = std::fs::read_to_string(d.join("key")).unwrap();
    let identity = std::fs::read_to_string(d.join("me.id")).unwrap();
    let (key, identity) = (key.trim(), identity.trim());
    let chunk = format!("--chunk-size={key}");
    for args in [
        vec!["enc", "--cipher", key],
        vec!["enc", chunk.as_str()],
        vec!["dec", "--threads", identity],
        vec!["keygen", "--identity", "--kind", identity],
    ] {
        let line = error_line(&seal(d, &args, b""), 2);
        assert!(line.contains("(secret text, not shown)"), "{line}");
        // Not even a piece of the secret half of either.
        for secret in [&key[11..], &identity[14..]] {
            for piece in secret.as_bytes().chunks(8) {
                let piece = std::str::from_utf8(piece).unwrap();
                assert!(
                    !line
                        .to_ascii_lowercase()
                        .contains(&piece.to_ascii_lowercase())
                        || piece.len() < 8,
                    "{line}"
                );
            }
        }
    }
}

#[test]
fn an_identity_named_as_the_output_is_not_called_a_key_file() {
    let dir = setup();
    let d = dir.path();
    encrypt_to_me(d);
    let out = seal(
        d,
        &["dec", "-q", "-k", "me.id", "-o", "me.id", "to-me.seal"],
        b"",
    );
    assert_eq!(
        error_line(&out, 1),
        "seal: the key or identity file is also the output: refusing to overwrite it"
    );
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
fn control_characters_in_file_names_are_escaped() {
    let dir = with_key();
    let name = "evil\u{1b}[2J\nseal: all good";
    let out = seal_no_stdin(dir.path(), &["enc", "-k", "key", "-o", "out", name]);
    assert_fails(&out, 1, r"'evil\u{1b}[2J\nseal: all good'");
    assert!(!out.stderr.contains(&0x1b));
}

#[test]
fn encrypting_a_sealed_file_warns_but_still_encrypts() {
    let dir = with_key_and_doc();
    let p = dir.path();
    ok(&seal_setsid(
        p,
        &["enc", "-k", "key", "-o", "doc.txt.seal", "doc.txt"],
        &[],
        b"",
    ));
    ok(&seal_setsid(
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
        let out = seal_setsid(p, &["enc", "-k", "key", "-o", "twice", input], &[], b"");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(
            stderr(&out),
            format!(
                "seal: warning: '{input}' is already a seal stream ({kind}); encrypting it again \
                 (did you mean 'seal dec'?)\n"
            )
        );
        // Nothing of the input was lost to the peek: two decryptions give the file back.
        let once = ok(&seal_setsid(p, &["dec", "-k", "key", "twice"], &[], b"")).to_vec();
        assert_eq!(once, fs::read(p.join(input)).unwrap());
        fs::remove_file(p.join("twice")).unwrap();
        let out = seal_setsid(p, &["enc", "-q", "-k", "key", input], &[], b"");
        ok(&out);
    }
    // Through a pipe too, and a short input or plain text gets no warning.
    let sealed = fs::read(p.join("doc.txt.seal")).unwrap();
    let out = seal_setsid(p, &["enc", "-k", "key"], &[], &sealed);
    assert!(stderr(&out).contains("stdin is already a seal stream (binary)"));
    let once = ok(&seal_setsid(p, &["dec", "-k", "key"], &[], &out.stdout)).to_vec();
    assert_eq!(once, sealed);
    for plain in [&b""[..], b"\x89SEA", b"-----BEGIN SEAL", b"plain text"] {
        ok(&seal_setsid(p, &["enc", "-k", "key"], &[], plain));
    }
}
