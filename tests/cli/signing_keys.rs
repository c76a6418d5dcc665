//! Signer files through the real binary: passphrase-protected ones made by `keygen --signer
//! --passphrase-fd`, opened by `seal signer` and `enc --sign`, refused with a wrong
//! passphrase (exit 3, naming the file).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use crate::SEAL;
use crate::common::stderr;
use crate::kit::shell;

/// Asserts that `seal signer` succeeded and printed the public key `public`.
fn prints_public(out: Output, public: &str) {
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{public}\n")
    );
}

/// A protected Ed25519 signer file `s.signer` (passphrase in `pw`, Argon2id 1 MiB, 1 pass).
fn protected_signer(dir: &Path) -> String {
    std::fs::write(dir.join("pw"), "signer words\n").unwrap();
    let out = shell(
        dir,
        "\"$SEAL\" keygen --signer --signer-kind ed25519 --passphrase-fd 3 --kdf-memory 1MiB \
         --kdf-passes 1 -o s.signer 3<pw",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.join("s.signer")).unwrap();
    let secret = text.lines().last().unwrap();
    assert!(
        secret.starts_with("SEAL-SIGNER-ED25519-PASSPHRASE-1"),
        "{text}"
    );
    assert_eq!(secret.len(), 186);
    let mode = std::fs::metadata(dir.join("s.signer"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    text.lines()
        .find_map(|l| l.strip_prefix("# public: "))
        .unwrap()
        .to_string()
}

#[test]
fn a_protected_signer_file_opens_with_its_passphrase_from_a_descriptor() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let public = protected_signer(p);
    let out = shell(p, "\"$SEAL\" signer --passphrase-fd 3 s.signer 3<pw");
    prints_public(out, &public);
    // From the environment too.
    let out = shell(
        p,
        "SP='signer words' \"$SEAL\" signer --passphrase-env SP s.signer",
    );
    prints_public(out, &public);
}

#[test]
fn a_wrong_passphrase_is_exit_3_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    protected_signer(p);
    std::fs::write(p.join("bad"), "signer word\n").unwrap();
    let out = shell(p, "\"$SEAL\" signer --passphrase-fd 3 s.signer 3<bad");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "seal: signer file 's.signer': wrong passphrase (or the file was altered)\n"
    );
    assert!(out.stdout.is_empty());
    let out = shell(
        p,
        "\"$SEAL\" keygen -o k && \"$SEAL\" enc -k k --sign s.signer --signer-passphrase-fd 3 \
         -o c /dev/null 3<bad",
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "seal: signer file 's.signer': wrong passphrase (or the file was altered)\n"
    );
    assert!(!p.join("c").exists());
}

#[test]
fn enc_signs_with_a_protected_signer_beside_a_passphrase_stream() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let public = protected_signer(p);
    std::fs::write(p.join("plain"), b"artifact bytes").unwrap();
    std::fs::write(p.join("spw"), "stream words\n").unwrap();
    let enc = format!(
        "\"$SEAL\" enc --passphrase-fd 4 --kdf-memory 1MiB --kdf-passes 1 --sign s.signer \
         --signer-passphrase-fd 3 -o c plain 3<pw 4<spw && \
         \"$SEAL\" dec --passphrase-fd 4 --signed-by {public} -o out c 4<spw"
    );
    let out = shell(p, &enc);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(p.join("out")).unwrap(), b"artifact bytes");
    // One descriptor cannot give both passphrases.
    let out = shell(
        p,
        "\"$SEAL\" enc --passphrase-fd 3 --sign s.signer --signer-passphrase-fd 3 -o d plain 3<pw",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("name the same descriptor"),
        "{}",
        stderr(&out)
    );
    assert!(!p.join("d").exists());
    // The signer's passphrase from the environment.
    let out = shell(
        p,
        "SP='signer words' \"$SEAL\" enc --passphrase-fd 4 --kdf-memory 1MiB --kdf-passes 1 \
         --sign s.signer --signer-passphrase-env SP -o e plain 4<spw",
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn kdf_options_without_a_passphrase_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = shell(
        dir.path(),
        "\"$SEAL\" keygen --signer --kdf-passes 1 -o s.signer",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!dir.path().join("s.signer").exists());
}

/// A signer's secret text given where a signer file's name goes (`--sign "$SIGNER"`, `seal
/// signer "$SIGNER"`) is refused as a usage error (exit 2), and no byte of it is shown on
/// either stream: plain and passphrase-protected, both kinds.
#[test]
fn signer_text_given_as_a_file_name_is_refused_unshown() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    protected_signer(p);
    let out = shell(
        p,
        "\"$SEAL\" keygen --signer -o pq.signer && \
         \"$SEAL\" keygen --signer --signer-kind ed25519 -o ed.signer && \
         \"$SEAL\" keygen -o k && echo data > plain",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    for file in ["pq.signer", "ed.signer", "s.signer"] {
        let text = std::fs::read_to_string(p.join(file)).unwrap();
        let secret = text.lines().last().unwrap().to_string();
        assert!(secret.starts_with("SEAL-SIGNER-"), "{secret}");
        let scripts = [
            "\"$SEAL\" enc -k k --sign \"$SIGNER\" -o c plain",
            "\"$SEAL\" enc -k k --sign=\"$SIGNER\" -o c plain",
            "\"$SEAL\" signer \"$SIGNER\"",
            "\"$SEAL\" signer --passphrase-fd 3 \"$SIGNER\" 3<pw",
        ];
        for script in scripts {
            let out = Command::new("sh")
                .current_dir(p)
                .env("SEAL", SEAL)
                .env("SIGNER", &secret)
                .arg("-c")
                .arg(script)
                .output()
                .unwrap();
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{file}: {script}: {err}");
            assert_eq!(
                err,
                "seal: --sign and 'seal signer' take a signer file's name, and this looks like a \
                 signer secret (not shown): keep it in a file (mode 0600) and give the file's \
                 name\n",
                "{file}: {script}"
            );
            assert!(out.stdout.is_empty(), "{file}: {script}");
            // Not the whole text, and not its data part either.
            let data = &secret[secret.find('1').unwrap() + 1..][..20];
            for shown in [&out.stdout[..], &out.stderr[..]] {
                let shown = String::from_utf8_lossy(shown);
                assert!(!shown.contains(data), "{file}: {script}: {shown}");
            }
            assert!(!p.join("c").exists());
        }
    }
}

/// Runs `script` through `sh` in a new session (no terminal to ask on).
fn sh_setsid(dir: &Path, script: &str) -> Output {
    Command::new("setsid")
        .arg("-w")
        .arg("sh")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .env("SEAL", SEAL)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

fn fails(out: &Output, status: i32, message: &str) {
    assert_eq!(out.status.code(), Some(status), "{}", stderr(out));
    assert_eq!(stderr(out), format!("seal: {message}\n"));
    assert!(out.stdout.is_empty());
}

/// `keygen --signer` checks its cost and its `-o` before it reads a passphrase: with the
/// passphrase on a descriptor that is not open (9), a bad cost, an existing file, a name
/// ending in `/` or a missing directory is what is reported, not the descriptor.
#[test]
fn keygen_signer_refuses_cheap_problems_before_reading_a_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("s.signer"), "there").unwrap();
    let keygen = "\"$SEAL\" keygen --signer --signer-kind ed25519 --passphrase-fd 9";
    let out = shell(p, &format!("{keygen} -o s.signer"));
    fails(
        &out,
        1,
        "creating signer file 's.signer': it already exists, and seal never overwrites a key",
    );
    assert_eq!(std::fs::read(p.join("s.signer")).unwrap(), b"there");
    let out = shell(
        p,
        &format!("{keygen} --kdf-memory 1GiB --kdf-passes 64 -o new.signer"),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .starts_with("seal: --kdf-memory and --kdf-passes: passphrase KDF cost out of range"),
        "{}",
        stderr(&out)
    );
    // The same refusal as plain keygen's, for both: no file `nodir` is made.
    for args in ["--passphrase-fd 9", ""] {
        let out = shell(p, &format!("\"$SEAL\" keygen --signer {args} -o nodir/"));
        fails(
            &out,
            1,
            "signer file 'nodir/' names a directory: -o takes a file name",
        );
        assert!(!p.join("nodir").exists());
    }
    let out = shell(p, &format!("{keygen} -o missing/new.signer"));
    fails(
        &out,
        1,
        "opening directory 'missing': No such file or directory (os error 2)",
    );
    let listing: Vec<_> = std::fs::read_dir(p)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(listing, ["s.signer"]);
}

/// `enc --sign` checks the stream's cost, `--signed-comment`, the input and the output before
/// it reads the signer's passphrase (here from descriptor 9, not open).
#[test]
fn enc_sign_refuses_cheap_problems_before_reading_the_signers_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    protected_signer(p);
    std::fs::write(p.join("plain"), b"data").unwrap();
    std::fs::write(p.join("spw"), "stream words\n").unwrap();
    let out = shell(p, "\"$SEAL\" keygen -o k");
    assert!(out.status.success());
    let enc = "\"$SEAL\" enc --sign s.signer --signer-passphrase-fd 9";
    let out = shell(
        p,
        &format!("{enc} --passphrase-fd 4 --kdf-memory 1GiB --kdf-passes 64 -o c plain 4<spw"),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .starts_with("seal: --kdf-memory and --kdf-passes: passphrase KDF cost out of range"),
        "{}",
        stderr(&out)
    );
    let out = shell(
        p,
        &format!("{enc} -k k --signed-comment \"$(printf 'a\\tb')\" -o c plain"),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("seal: --signed-comment: "),
        "{}",
        stderr(&out)
    );
    for (args, status) in [("-o nodir/c plain", 1), ("-o c missing-input", 1)] {
        let out = shell(p, &format!("{enc} -k k {args}"));
        assert_eq!(out.status.code(), Some(status), "{args}: {}", stderr(&out));
        assert!(
            !stderr(&out).contains("passphrase"),
            "{args}: {}",
            stderr(&out)
        );
    }
    assert!(!p.join("c").exists());
}

/// The messages about a signer file's passphrase in `enc --sign` name the signer's options,
/// and name the file when there is no terminal to ask on; `seal signer` names its own.
#[test]
fn signer_passphrase_messages_name_the_signers_options() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    protected_signer(p);
    std::fs::write(p.join("plain"), b"data").unwrap();
    assert!(shell(p, "\"$SEAL\" keygen -o k").status.success());
    let out = sh_setsid(p, "\"$SEAL\" enc -k k --sign s.signer -o c plain");
    fails(
        &out,
        2,
        "signer file 's.signer' is protected by a passphrase: a passphrase is needed and there \
         is no terminal to ask on: use --signer-passphrase-env NAME or --signer-passphrase-fd N",
    );
    let out = sh_setsid(p, "\"$SEAL\" signer s.signer");
    fails(
        &out,
        2,
        "signer file 's.signer' is protected by a passphrase: a passphrase is needed and there \
         is no terminal to ask on: use --passphrase-env NAME or --passphrase-fd N",
    );
    let out = shell(
        p,
        "\"$SEAL\" enc -k k --sign s.signer --signer-passphrase-fd 7 -o c plain",
    );
    fails(
        &out,
        3,
        "--signer-passphrase-fd 7: Bad file descriptor (os error 9)",
    );
    let out = shell(
        p,
        "unset NOPE; \"$SEAL\" enc -k k --sign s.signer --signer-passphrase-env NOPE -o c plain",
    );
    fails(
        &out,
        3,
        "environment variable NOPE (from --signer-passphrase-env) is not set",
    );
    assert!(!p.join("c").exists());
}

/// A passphrase given for a signer file that has none is not used, and seal says so (unless
/// `-q`): whoever believed the file protected learns that it is not.
#[test]
fn a_passphrase_for_a_plain_signer_file_is_not_used_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("pw"), "signer words\n").unwrap();
    std::fs::write(p.join("plain"), b"data").unwrap();
    let out = shell(
        p,
        "\"$SEAL\" keygen -o k && \"$SEAL\" keygen --signer --signer-kind ed25519 -o p.signer",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = shell(
        p,
        "\"$SEAL\" enc -k k --sign p.signer --signer-passphrase-fd 3 -o c plain 3<pw",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "seal: warning: signer file 'p.signer' is not protected by a passphrase: \
         --signer-passphrase-fd not used\n"
    );
    let out = shell(
        p,
        "\"$SEAL\" enc -q -k k --sign p.signer --signer-passphrase-fd 3 -o d plain 3<pw",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let out = shell(p, "SP=x \"$SEAL\" signer --passphrase-env SP p.signer");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(
            "seal: warning: signer file 'p.signer' is not protected by a passphrase: \
             --passphrase-env not used\n"
        ),
        "{}",
        stderr(&out)
    );
}

/// The secret line of the signer file `name` in `dir`.
fn secret_line(dir: &Path, name: &str) -> String {
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    text.lines().last().unwrap().to_string()
}

/// `seal signer FILE -o NEW` copies the signer under a new passphrase (changed: a fresh
/// salt, the old one no longer opens the copy), adds one to a plain file, or removes it with
/// `--no-passphrase`; the key is the same, FILE is untouched, NEW is 0600.
#[test]
fn seal_signer_o_changes_adds_and_removes_the_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let public = protected_signer(p);
    std::fs::write(p.join("npw"), "new words\n").unwrap();
    let before = std::fs::read(p.join("s.signer")).unwrap();
    let cost = "--kdf-memory 1MiB --kdf-passes 1";
    // Change.
    let out = shell(
        p,
        &format!(
            "\"$SEAL\" signer --passphrase-fd 3 --new-passphrase-fd 4 {cost} -o t.signer \
             s.signer 3<pw 4<npw"
        ),
    );
    prints_public(out, &public);
    assert_eq!(std::fs::read(p.join("s.signer")).unwrap(), before);
    let (old, new) = (secret_line(p, "s.signer"), secret_line(p, "t.signer"));
    assert!(new.starts_with("SEAL-SIGNER-ED25519-PASSPHRASE-1"), "{new}");
    assert_ne!(old, new);
    let mode = std::fs::metadata(p.join("t.signer"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let out = shell(p, "\"$SEAL\" signer --passphrase-fd 3 t.signer 3<npw");
    prints_public(out, &public);
    let out = shell(p, "\"$SEAL\" signer --passphrase-fd 3 t.signer 3<pw");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    // Remove.
    let out = shell(
        p,
        "\"$SEAL\" signer --passphrase-fd 3 --no-passphrase -o plain.signer s.signer 3<pw",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(secret_line(p, "plain.signer").starts_with("SEAL-SIGNER-ED25519-1"));
    let out = shell(p, "\"$SEAL\" signer plain.signer");
    prints_public(out, &public);
    // Add, from the environment.
    let out = shell(
        p,
        &format!(
            "NP='again' \"$SEAL\" signer --new-passphrase-env NP {cost} -o again.signer plain.signer"
        ),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(secret_line(p, "again.signer").starts_with("SEAL-SIGNER-ED25519-PASSPHRASE-1"));
    let out = shell(
        p,
        "NP='again' \"$SEAL\" signer --passphrase-env NP again.signer",
    );
    prints_public(out, &public);
}

/// `seal signer -o` refuses, before reading any passphrase (descriptor 9 is not open): a NEW
/// that exists, no new passphrase named, a cost with `--no-passphrase`, one descriptor for
/// both; and with a wrong old passphrase it writes nothing.
#[test]
fn seal_signer_o_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    protected_signer(p);
    std::fs::write(p.join("npw"), "new words\n").unwrap();
    std::fs::write(p.join("bad"), "signer word\n").unwrap();
    let before = std::fs::read(p.join("s.signer")).unwrap();
    let out = shell(
        p,
        "\"$SEAL\" signer --passphrase-fd 9 --new-passphrase-fd 9 -o s.signer s.signer",
    );
    fails(
        &out,
        2,
        "--passphrase-fd and --new-passphrase-fd name the same descriptor: give the old \
         passphrase and the new one on different ones",
    );
    let out = shell(
        p,
        "\"$SEAL\" signer --passphrase-fd 9 --new-passphrase-fd 8 -o s.signer s.signer",
    );
    fails(
        &out,
        1,
        "creating signer file 's.signer': it already exists, and seal never overwrites a key",
    );
    assert_eq!(std::fs::read(p.join("s.signer")).unwrap(), before);
    let out = shell(p, "\"$SEAL\" signer --passphrase-fd 9 -o t.signer s.signer");
    fails(
        &out,
        2,
        "-o writes a copy of the signer: give its passphrase (--new-passphrase, \
         --new-passphrase-env or --new-passphrase-fd) or --no-passphrase",
    );
    let out = shell(
        p,
        "\"$SEAL\" signer --passphrase-fd 9 --no-passphrase --kdf-passes 1 -o t.signer s.signer",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = shell(
        p,
        "\"$SEAL\" signer --passphrase-fd 3 --new-passphrase-fd 4 -o t.signer s.signer 3<bad 4<npw",
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("wrong passphrase"),
        "{}",
        stderr(&out)
    );
    // --new-passphrase-env takes a variable's name: a passphrase there is refused, unshown.
    let out = shell(
        p,
        "\"$SEAL\" signer --passphrase-fd 9 --new-passphrase-env 'new words' -o t.signer s.signer",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .starts_with("seal: --new-passphrase-env takes the NAME of an environment variable"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("new words"));
    // A new passphrase option needs -o.
    let out = shell(
        p,
        "\"$SEAL\" signer --passphrase-fd 3 --new-passphrase-fd 4 s.signer 3<pw 4<npw",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let listing: Vec<_> = std::fs::read_dir(p)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let mut listing: Vec<_> = listing
        .into_iter()
        .map(|n| n.into_string().unwrap())
        .collect();
    listing.sort();
    assert_eq!(listing, ["bad", "npw", "pw", "s.signer"]);
}

/// A signer file given to `-k` is named as what it is (exit 3), plain or protected, and its
/// secret is not shown.
#[test]
fn a_signer_file_given_as_a_key_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    protected_signer(p);
    let out = shell(
        p,
        "\"$SEAL\" keygen --signer --signer-kind ed25519 -o p.signer && echo x > plain && \
         \"$SEAL\" keygen -o k && \"$SEAL\" enc -k k -o c.seal plain",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    for file in ["p.signer", "s.signer"] {
        // dec names the stream it was opening first.
        for (command, before) in [
            ("enc -k {file} -o c plain", ""),
            ("dec -k {file} -o c c.seal", "'c.seal': "),
        ] {
            let command = command.replace("{file}", file);
            let out = shell(p, &format!("\"$SEAL\" {command}"));
            fails(
                &out,
                3,
                &format!(
                    "{before}signer file '{file}': a signing secret, for 'seal enc --sign', not a \
                     key or an identity"
                ),
            );
        }
    }
}
