//! Messages a person can act on: each refusal or mistake names what was wrong and what to type
//! instead, on one line.

use std::process::{Command, Output, Stdio};

use crate::SEAL;
use crate::common::{assert_fails, run_cmd};

/// Runs seal in `dir` with `args`, stdin from `stdin`.
fn seal_in(dir: &std::path::Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut cmd = Command::new(SEAL);
    cmd.args(args)
        .current_dir(dir)
        .env_remove("SEAL_KEY_FILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    run_cmd(cmd, stdin)
}

/// The one error line of a failed run with status `code`.
fn error_line(out: &Output, code: i32) -> String {
    assert_fails(out, code, "");
    String::from_utf8_lossy(&out.stderr).trim_end().to_string()
}

#[test]
fn usage_errors_keep_their_useful_part_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| error_line(&seal_in(dir.path(), args, b""), 2);
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
