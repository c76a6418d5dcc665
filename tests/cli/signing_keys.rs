//! Signer files through the real binary: passphrase-protected ones made by `keygen --signer
//! --passphrase-fd`, opened by `seal signer` and `enc --sign`, refused with a wrong
//! passphrase (exit 3, naming the file).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use crate::SEAL;

/// Runs `seal ARGS` through `sh`, so that `3<pw` style redirections work.
fn sh(dir: &Path, script: &str) -> Output {
    Command::new("sh")
        .current_dir(dir)
        .env("SEAL", SEAL)
        .arg("-c")
        .arg(script)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A protected Ed25519 signer file `s.signer` (passphrase in `pw`, Argon2id 1 MiB, 1 pass).
fn protected_signer(dir: &Path) -> String {
    std::fs::write(dir.join("pw"), "signer words\n").unwrap();
    let out = sh(
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
    let out = sh(p, "\"$SEAL\" signer --passphrase-fd 3 s.signer 3<pw");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{public}\n")
    );
    // From the environment too.
    let out = sh(
        p,
        "SP='signer words' \"$SEAL\" signer --passphrase-env SP s.signer",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{public}\n")
    );
}

#[test]
fn a_wrong_passphrase_is_exit_3_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    protected_signer(p);
    std::fs::write(p.join("bad"), "signer word\n").unwrap();
    let out = sh(p, "\"$SEAL\" signer --passphrase-fd 3 s.signer 3<bad");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("signer file 's.signer'"), "{err}");
    assert!(err.contains("wrong passphrase for signer file"), "{err}");
    assert!(out.stdout.is_empty());
    let out = sh(
        p,
        "\"$SEAL\" keygen -o k && \"$SEAL\" enc -k k --sign s.signer --signer-passphrase-fd 3 \
         -o c /dev/null 3<bad",
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("wrong passphrase for signer file"));
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
    let out = sh(p, &enc);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(p.join("out")).unwrap(), b"artifact bytes");
    // One descriptor cannot give both passphrases.
    let out = sh(
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
    let out = sh(
        p,
        "SP='signer words' \"$SEAL\" enc --passphrase-fd 4 --kdf-memory 1MiB --kdf-passes 1 \
         --sign s.signer --signer-passphrase-env SP -o e plain 4<spw",
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn kdf_options_without_a_passphrase_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = sh(
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
    let out = sh(
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
