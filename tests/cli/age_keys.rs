//! age keys through the real binary (issue 17), made by the real `age-keygen` inside each test
//! (Debian's age package; .ci/run installs it): `enc -r "$(age-keygen -y k.txt)" | dec -k
//! k.txt`, a keys.txt of several identities with age-keygen's comments, plugin identities and
//! age-encrypted identity files refused by name, and the C2SP spec's post-quantum example key.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::{assert_fails, stderr};
use crate::kit::{identity, seal, seal_ok, write_secret};

/// `age-keygen -o DIR/NAME`; returns the recipient (`age-keygen -y`).
fn age_keygen(dir: &Path, name: &str) -> String {
    let status = Command::new("age-keygen")
        .args(["-o", name])
        .current_dir(dir)
        .stderr(Stdio::null())
        .status()
        .expect("age-keygen (Debian package age) must be installed");
    assert!(status.success());
    let out = Command::new("age-keygen")
        .args(["-y", name])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().trim_end().to_owned()
}

#[test]
fn an_age_keygen_identity_round_trips_and_seal_reads_its_file_as_age_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let text = b"age keys\n".repeat(50);
    fs::write(p.join("plain"), &text).unwrap();
    let r = age_keygen(p, "k.txt");
    assert!(r.starts_with("age1"));
    seal_ok(p, &["enc", "-r", &r, "-o", "a.seal", "plain"]);
    assert_eq!(seal_ok(p, &["dec", "-k", "k.txt", "a.seal"]), &text[..]);
    // `seal recipient` prints seal's text of the same key, which is the same recipient.
    let sealx = String::from_utf8(seal_ok(p, &["recipient", "k.txt"])).unwrap();
    assert!(sealx.starts_with("sealx1"));
    seal_ok(p, &["enc", "-r", sealx.trim_end(), "-o", "b.seal", "plain"]);
    assert_eq!(seal_ok(p, &["dec", "-k", "k.txt", "b.seal"]), &text[..]);
    // The other way: age decrypts nothing of seal's (different format), but the key is one.
    let r2 = age_keygen(p, "k2.txt");
    let r3 = age_keygen(p, "k3.txt");
    // keys.txt: three age-keygen outputs with their comments; a stream for the second.
    let keys: String = ["k.txt", "k2.txt", "k3.txt"]
        .iter()
        .map(|f| fs::read_to_string(p.join(f)).unwrap())
        .collect();
    assert_eq!(keys.lines().filter(|l| l.starts_with('#')).count(), 6);
    write_secret(&p.join("keys.txt"), &keys);
    seal_ok(p, &["enc", "-r", &r2, "-o", "c.seal", "plain"]);
    assert_eq!(seal_ok(p, &["dec", "-k", "keys.txt", "c.seal"]), &text[..]);
    // A recipients file of age recipients with a comment.
    fs::write(p.join("team.txt"), format!("# team\n{r}\n{r3}\n")).unwrap();
    seal_ok(p, &["enc", "-R", "team.txt", "-o", "d.seal", "plain"]);
    assert_eq!(seal_ok(p, &["dec", "-k", "k3.txt", "d.seal"]), &text[..]);
    // Mixed with an X25519 seal recipient: both classical, no flag needed.
    identity(p, "x.id", "x25519");
    let both = format!(
        "{}{}",
        fs::read_to_string(p.join("x.id")).unwrap(),
        fs::read_to_string(p.join("k.txt")).unwrap()
    );
    write_secret(&p.join("both.txt"), &both);
    assert_eq!(seal_ok(p, &["dec", "-k", "both.txt", "d.seal"]), &text[..]);
}

#[test]
fn plugin_and_encrypted_age_identities_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::write(p.join("plain"), b"x").unwrap();
    let r = age_keygen(p, "k.txt");
    seal_ok(p, &["enc", "-r", &r, "-o", "a.seal", "plain"]);
    let k = fs::read_to_string(p.join("k.txt")).unwrap();
    write_secret(
        &p.join("plugin.txt"),
        &format!("{k}AGE-PLUGIN-YUBIKEY-1QXZHGUQYQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ\n"),
    );
    assert_fails(
        &seal(p, &["dec", "-k", "plugin.txt", "a.seal"], b""),
        3,
        "identity file 'plugin.txt': line 4: age plugin keys are not supported",
    );
    // An age-encrypted file (as `age -p` or `age -e` writes) given as an identity file.
    let out = Command::new("age")
        .args(["-e", "-r", &r, "-o", "k.txt.age", "k.txt"])
        .current_dir(p)
        .status()
        .unwrap();
    assert!(out.success());
    fs::set_permissions(p.join("k.txt.age"), fs::Permissions::from_mode(0o600)).unwrap();
    assert_fails(
        &seal(p, &["dec", "-k", "k.txt.age", "a.seal"], b""),
        3,
        "line 1: a passphrase-protected age identity file: decrypt it first",
    );
    // A secret given where a recipient goes, in lower case too: never echoed.
    for secret in [
        k.lines().nth(2).unwrap().to_owned(),
        k.lines().nth(2).unwrap().to_lowercase(),
    ] {
        let echoes = |err: &str| err.to_lowercase().contains(&secret[15..30].to_lowercase());
        let out = seal(p, &["enc", "-r", &secret, "plain"], b"");
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(!echoes(&err), "{err}");
        assert!(
            err.contains("that is an identity (a secret), not a recipient"),
            "{err}"
        );
        fs::write(p.join("r.txt"), format!("{secret}\n")).unwrap();
        let out = seal(p, &["enc", "-R", "r.txt", "plain"], b"");
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(!echoes(&err), "{err}");
    }
}

#[test]
fn the_age_spec_post_quantum_example_key_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::write(p.join("plain"), b"pq").unwrap();
    let read = |f: &str| {
        fs::read_to_string(format!("tests/age-spec/{f}"))
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<String>()
    };
    let seed = base16ct::lower::decode_vec(read("seed-pq.txt").trim()).unwrap();
    let hrp = bech32::Hrp::parse("AGE-SECRET-KEY-PQ-").unwrap();
    let identity = bech32::encode_upper::<bech32::Bech32>(hrp, &seed).unwrap();
    write_secret(&p.join("pq.txt"), &format!("# spec example\n{identity}\n"));
    let recipient = read("recipient-pq.txt");
    seal_ok(p, &["enc", "-r", recipient.trim(), "-o", "a.seal", "plain"]);
    assert_eq!(seal_ok(p, &["dec", "-k", "pq.txt", "a.seal"]), b"pq");
    // Post-quantum: mixing it with an age X25519 recipient is refused.
    let r = age_keygen(p, "k.txt");
    assert_fails(
        &seal(p, &["enc", "-r", recipient.trim(), "-r", &r, "plain"], b""),
        2,
        "refusing to mix 1 post-quantum and 1 classical recipients",
    );
}
