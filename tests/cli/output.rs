//! What belongs here: where output goes and what is left there: round trips through pipes and
//! files, `-o` for each kind of target (file, symlink, FIFO, device, directory), atomic
//! replacement and durability (failed syncs, full disks), same file in and out, and odd
//! descriptors (closed, non-blocking, `/dev/null` opened read-write). Device nodes and other
//! root-only setups run in a private user and mount namespace (`unshare -rm`).

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::SEAL;
use crate::common::*;
use crate::kit::*;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::process::Output;

/// Runs a Python program with `seal` and the scratch directory as its arguments; returns
/// its stdout, checking that it succeeded.
fn python(dir: &Path, program: &str) -> String {
    let out = Command::new("python3")
        .args(["-c", program, SEAL])
        .current_dir(dir)
        .output()
        .expect("python3 runs this test");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn dev_null_opened_read_write_is_not_a_closed_descriptor() {
    let dir = with_key();
    let d = dir.path();
    fs::write(d.join("plain"), b"to nowhere").unwrap();
    ok(&seal_no_stdin(
        d,
        &["enc", "-k", "key", "-o", "sealed", "plain"],
    ));
    let program = r#"
import subprocess, sys
seal = sys.argv[1]
D = subprocess.DEVNULL
def run(args, **kw):
    r = subprocess.run([seal] + args, stderr=subprocess.PIPE, **kw)
    print(r.returncode, repr(r.stderr.decode()))
# stdout to DEVNULL: decrypted into nothing.
run(["dec", "-k", "key", "sealed"], stdout=D)
# stdin from DEVNULL: an empty input, as '< /dev/null' is.
run(["enc", "-k", "key", "-o", "empty.seal"], stdin=D)
run(["dec", "-k", "key", "empty.seal"], stdin=D, stdout=D)
# As daemon(3) leaves a process: all three on /dev/null.
r = subprocess.run([seal, "dec", "-k", "key", "-o", "back", "sealed"], stdin=D, stdout=D, stderr=D)
print(r.returncode)
"#;
    let lines = python(d, program);
    assert_eq!(lines, "0 ''\n0 ''\n0 ''\n0\n");
    assert_eq!(fs::read(d.join("back")).unwrap(), b"to nowhere");
    // The empty input made an empty stream, the same as from a shell's '< /dev/null'.
    assert_eq!(
        ok(&seal_no_stdin(d, &["dec", "-k", "key", "empty.seal"])),
        b""
    );
    // A descriptor that is really closed is still refused.
    let script = format!("{SEAL} enc -k key -o out <&-; echo \"in=$?\"");
    let out = shell(d, &script);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "in=2\n");
    assert!(stderr(&out).contains("stdin is closed"), "{}", stderr(&out));
}

/// Starts `seal enc -k key -o sub/out` (as `wrap` makes the shell command), feeds it half its
/// input, swaps `sub` for a symbolic link to `elsewhere` once seal writes, then feeds the
/// rest; checks that the output is in the directory seal opened (now `held`) and nowhere
/// else.
fn swap_the_directory_during_the_run(named: bool, wrap: impl Fn(&str) -> String) {
    let dir = with_key();
    let d = dir.path();
    fs::create_dir(d.join("sub")).unwrap();
    fs::create_dir(d.join("elsewhere")).unwrap();
    let script = wrap(&format!("exec {SEAL} enc -k key -o sub/out"));
    let (child, mut stdin) = spawn_fed(Command::new("sh").args(["-c", &script]), d);
    let plain = data(2 << 20, 6);
    std::io::Write::write_all(&mut stdin, &plain[..1 << 20]).unwrap();
    // seal writes into sub/ (an anonymous file, or a named one where there is none).
    crate::kit::wait_for_output_data(child.id(), &d.join("sub"));
    let listed = listing(&d.join("sub"));
    assert_eq!(
        listed.iter().any(|n| n.starts_with(".seal-tmp-")),
        named,
        "{listed:?}"
    );
    fs::rename(d.join("sub"), d.join("held")).unwrap();
    std::os::unix::fs::symlink("elsewhere", d.join("sub")).unwrap();
    std::io::Write::write_all(&mut stdin, &plain[1 << 20..]).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let elsewhere = listing(&d.join("elsewhere"));
    assert!(elsewhere.is_empty(), "output moved: {elsewhere:?}");
    assert_eq!(listing(&d.join("held")), ["out"]);
    assert_eq!(
        ok(&seal_no_stdin(d, &["dec", "-k", "key", "held/out"])),
        plain
    );
}

#[test]
fn a_swapped_directory_cannot_move_an_anonymous_output() {
    swap_the_directory_during_the_run(false, str::to_string);
}

#[test]
fn a_swapped_directory_cannot_move_a_named_temporary_output() {
    // /proc hidden in a private mount namespace: no anonymous file can be linked, so a
    // named temporary file is used.
    swap_the_directory_during_the_run(true, |run| {
        format!("exec unshare -rm sh -c 'mount -t tmpfs tmpfs /proc && {run}'")
    });
}

/// `seal ARGS` under strace with `inject` (strace's fault injection) in `dir`.
fn seal_injected(dir: &Path, inject: &str, args: &[&str]) -> Output {
    under_strace(dir, &["-o", "/dev/null", "-e", inject], args)
        .output()
        .expect("strace runs this test")
}

/// The kind of file at `path`, without following a link.
fn kind(path: &Path) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = fs::symlink_metadata(path).unwrap().file_type();
    if t.is_symlink() {
        "link"
    } else if t.is_fifo() {
        "fifo"
    } else if t.is_char_device() {
        "char"
    } else if t.is_file() {
        "file"
    } else {
        "other"
    }
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
fn a_fifo_target_is_written_through_not_replaced() {
    let dir = with_key();
    let d = dir.path();
    // Small enough for the FIFO's buffer: seal can write it all before anyone reads.
    fs::write(d.join("plain"), data(40_000, 1)).unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(d.join("pipe"))
            .status()
            .unwrap()
            .success()
    );
    // A reader first (opened without blocking), so that seal's open does not wait.
    let reader = fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(d.join("pipe"))
        .unwrap();
    let out = seal_with_timeout(
        d,
        &["enc", "-k", "key", "-o", "pipe", "plain"],
        Stdio::null(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut sealed = Vec::new();
    let _ = std::io::Read::read_to_end(&mut &reader, &mut sealed);
    assert_eq!(kind(&d.join("pipe")), "fifo");
    fs::write(d.join("sealed"), &sealed).unwrap();
    let back = seal_no_stdin(d, &["dec", "-k", "key", "sealed"]);
    assert_eq!(ok(&back), data(40_000, 1));
    let names: Vec<_> = fs::read_dir(d)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
}

#[test]
fn a_character_device_target_is_written_through_not_replaced() {
    // /dev/null bind-mounted onto a file in a private user and mount namespace: a real
    // device node that seal, were it to rename over it, would replace (or fail on).
    let dir = with_key();
    let d = dir.path();
    fs::write(d.join("plain"), b"to the void").unwrap();
    fs::write(d.join("null"), b"").unwrap();
    let script = format!(
        "set -u; mount --bind /dev/null null || exit 99; \
         {SEAL} enc -k key -o null plain; echo \"enc=$?\"; \
         {SEAL} enc -k key plain > sealed; {SEAL} dec -k key -o null sealed; echo \"dec=$?\"; \
         test -c null && echo still-a-device; ls -A"
    );
    let out = as_root(d, &script);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "enc=0\ndec=0\nstill-a-device\nkey\nnull\nplain\nsealed\n",
        "{}",
        stderr(&out)
    );
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}

#[test]
fn directories_and_missing_directories_are_refused_before_any_work() {
    let dir = with_key();
    let d = dir.path();
    fs::create_dir(d.join("sub")).unwrap();
    fs::write(d.join("plain"), b"x").unwrap();
    fs::write(d.join("file"), b"x").unwrap();
    // -p with no terminal to ask on (setsid): a passphrase prompt would fail with exit 2, so
    // exit 1 with the refusal shows that seal refused before it asked.
    for (target, needle) in [
        ("sub", "output 'sub' is a directory"),
        ("sub/", "output 'sub/' names a directory"),
        ("new/", "output 'new/' names a directory"),
        (
            "missing/out",
            "cannot create output 'missing/out': directory 'missing'",
        ),
        (
            "file/out",
            "cannot create output 'file/out': 'file' is not a directory",
        ),
    ] {
        let out = seal_setsid(d, &["enc", "-p", "-o", target, "plain"], &[], b"");
        assert_fails(&out, 1, needle);
    }
    assert_eq!(listing(d), ["file", "key", "plain", "sub"]);
    assert_eq!(fs::read_dir(d.join("sub")).unwrap().count(), 0);
}

#[test]
fn a_symlink_target_is_followed_and_the_link_kept() {
    let dir = with_key();
    let d = dir.path();
    fs::create_dir(d.join("real")).unwrap();
    fs::write(d.join("real/backup.seal"), b"old").unwrap();
    std::os::unix::fs::symlink("real/backup.seal", d.join("link")).unwrap();
    std::os::unix::fs::symlink("real/nothing", d.join("dangling")).unwrap();
    fs::write(d.join("plain"), b"new contents").unwrap();
    let out = seal_no_stdin(d, &["enc", "-k", "key", "-o", "link", "plain"]);
    ok(&out);
    assert_eq!(kind(&d.join("link")), "link");
    assert_eq!(
        fs::read_link(d.join("link")).unwrap(),
        Path::new("real/backup.seal")
    );
    let back = seal_no_stdin(d, &["dec", "-k", "key", "real/backup.seal"]);
    assert_eq!(ok(&back), b"new contents");
    let out = seal_no_stdin(d, &["enc", "-k", "key", "-o", "dangling", "plain"]);
    assert_fails(&out, 1, "output 'dangling' is a symbolic link to nothing");
    assert_eq!(kind(&d.join("dangling")), "link");
}

#[test]
fn replacing_a_file_keeps_its_permission_bits_and_new_files_are_private() {
    let dir = with_key();
    let d = dir.path();
    fs::write(d.join("plain"), b"x").unwrap();
    fs::write(d.join("shared.seal"), b"old").unwrap();
    fs::set_permissions(d.join("shared.seal"), fs::Permissions::from_mode(0o644)).unwrap();
    ok(&seal_no_stdin(
        d,
        &["enc", "-k", "key", "-o", "shared.seal", "plain"],
    ));
    ok(&seal_no_stdin(
        d,
        &["enc", "-k", "key", "-o", "new.seal", "plain"],
    ));
    let mode = |name: &str| fs::metadata(d.join(name)).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode("shared.seal"), 0o644);
    assert_eq!(mode("new.seal"), 0o600);
    assert_ne!(fs::read(d.join("shared.seal")).unwrap(), b"old");
}

#[test]
fn a_failed_sync_is_a_write_error_and_leaves_the_target_alone() {
    let dir = with_key();
    let d = dir.path();
    fs::write(d.join("plain"), b"new").unwrap();
    fs::write(d.join("out"), b"old").unwrap();
    // The file's own sync fails (as NFS, FUSE or a quota can make it): nothing changes.
    let out = seal_injected(
        d,
        "inject=fsync:error=EIO",
        &["enc", "-k", "key", "-o", "out", "plain"],
    );
    assert_fails(&out, 1, "syncing the output for 'out'");
    assert_eq!(fs::read(d.join("out")).unwrap(), b"old");
    let out = seal_injected(d, "inject=fsync:error=EIO", &["keygen", "-o", "key2"]);
    assert_fails(&out, 1, "syncing the output for 'key2'");
    assert_eq!(listing(d), ["key", "out", "plain"]);
    // The directory's sync, after the rename, fails: reported, and the status says so.
    let out = seal_injected(
        d,
        "inject=fsync:error=EIO:when=2",
        &["enc", "-k", "key", "-o", "out", "plain"],
    );
    assert_fails(&out, 1, "syncing the directory of 'out'");
}

#[test]
fn a_closed_stdin_or_stdout_is_refused_not_taken_for_empty() {
    let dir = with_key();
    let d = dir.path();
    fs::write(d.join("plain"), b"x").unwrap();
    let script = format!(
        "{SEAL} enc -k key -o out <&-; echo \"in=$?\"; \
         {SEAL} enc -k key plain >&- 2>err; echo \"out=$?\" >&2; \
         {SEAL} enc -k key -o empty < /dev/null; echo \"null=$?\""
    );
    let out = shell(d, &script);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text, "in=2\nnull=0\n", "{}", stderr(&out));
    assert!(stderr(&out).contains("stdin is closed"), "{}", stderr(&out));
    assert!(stderr(&out).contains("out=2"), "{}", stderr(&out));
    let err = fs::read_to_string(d.join("err")).unwrap();
    assert!(err.contains("stdout is closed"), "{err}");
    assert!(!d.join("out").exists());
    assert!(d.join("empty").exists());
}

#[test]
fn a_non_blocking_stdout_is_waited_on() {
    use rustix::fs::{OFlags, fcntl_getfl, fcntl_setfl};
    let dir = with_key();
    let d = dir.path();
    let plain = data(3 << 20, 8);
    fs::write(d.join("plain"), &plain).unwrap();
    let (mut reader, writer) = std::io::pipe().unwrap();
    // As node and some CI runners leave it: the pipe non-blocking, its reader slow.
    fcntl_setfl(&writer, fcntl_getfl(&writer).unwrap() | OFlags::NONBLOCK).unwrap();
    let child = Command::new(SEAL)
        .args(["enc", "-k", "key", "plain"])
        .current_dir(d)
        .stdin(Stdio::null())
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let mut sealed = Vec::new();
    std::io::Read::read_to_end(&mut reader, &mut sealed).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    fs::write(d.join("sealed"), &sealed).unwrap();
    assert_eq!(
        ok(&seal_no_stdin(d, &["dec", "-k", "key", "sealed"])),
        plain
    );
}

#[test]
fn full_disk_on_stdout_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    keygen(dir.path());
    fs::write(dir.path().join("plain"), vec![3u8; 200_000]).unwrap();
    for threads in ["1", "2"] {
        let out = Command::new(SEAL)
            .args(["enc", "-k", "key", "--threads", threads, "plain"])
            .current_dir(dir.path())
            .stdout(
                fs::OpenOptions::new()
                    .write(true)
                    .open("/dev/full")
                    .unwrap(),
            )
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("No space left on device"), "{err}");
    }
}

#[test]
fn full_file_system_leaves_no_partial_output() {
    // A 256 KiB tmpfs, mounted in a private user and mount namespace so no root is needed.
    let dir = tempfile::tempdir().unwrap();
    keygen(dir.path());
    fs::write(dir.path().join("plain"), vec![5u8; 1 << 20]).unwrap();
    fs::create_dir(dir.path().join("tiny")).unwrap();
    let script = format!(
        "set -u; mount -t tmpfs -o size=256k tmpfs tiny || exit 99; \
         echo before > tiny/out; \
         {SEAL} enc -k key --threads 2 -o tiny/out plain; echo \"status=$?\"; \
         {SEAL} enc -k key --threads 1 -o tiny/new plain; echo \"status=$?\"; \
         ls -A tiny; cat tiny/out"
    );
    let out = as_root(dir.path(), &script);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "could not mount a tmpfs: {stderr}"
    );
    assert_eq!(
        stdout, "status=1\nstatus=1\nout\nbefore\n",
        "stderr: {stderr}"
    );
    assert_eq!(
        stderr.matches("No space left on device").count(),
        2,
        "{stderr}"
    );
}

/// The modes seal gives its files in `dir` while it runs `args` (each fchmod(2), in order, as
/// strace sees it), and whether it succeeded.
fn modes_set(dir: &Path, args: &[&str]) -> Vec<String> {
    let log = dir.join("chmod.log");
    let trace = ["-e", "trace=fchmod,fchmodat,chmod", "-o", "chmod.log"];
    let out = under_strace(dir, &trace, args)
        .output()
        .expect("strace runs this test");
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    let text = fs::read_to_string(&log).unwrap();
    fs::remove_file(&log).unwrap();
    text.lines()
        .filter_map(|l| {
            let call = l.split_once(' ').map_or(l, |(_, rest)| rest);
            let args = call.split_once('(')?.1.split_once(')')?.0;
            Some(args.rsplit(", ").next()?.to_owned())
        })
        .collect()
}

#[test]
fn a_staged_output_is_0600_until_it_is_complete_then_gets_the_kept_bits() {
    // The review of issue 19 (finding 7): the staged file took the replaced file's bits
    // (here 0755) when it was made, and was set back to 0600 only afterwards, so a named
    // `.seal-tmp-*` file was briefly readable by others. Now it is made 0600, and the kept
    // bits come only with the commit, for every command that stages a file.
    let dir = with_key();
    let d = dir.path();
    fs::write(d.join("plain"), data(5000, 12)).unwrap();
    ok(&seal_no_stdin(
        d,
        &["enc", "-k", "key", "-o", "s.seal", "plain"],
    ));
    let made = seal_no_stdin(
        d,
        &[
            "keygen",
            "--signer",
            "--signer-kind",
            "ed25519",
            "-o",
            "ci.signer",
        ],
    );
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let public = String::from_utf8(seal_no_stdin(d, &["signer", "ci.signer"]).stdout).unwrap();
    let public = public.trim();
    ok(&seal_no_stdin(
        d,
        &[
            "enc",
            "-q",
            "-k",
            "key",
            "--sign",
            "ci.signer",
            "-o",
            "signed.seal",
            "plain",
        ],
    ));
    let runs: [&[&str]; 5] = [
        &["enc", "-k", "key", "-o", "out", "plain"],
        &["dec", "-k", "key", "-o", "out", "s.seal"],
        &["dec", "-k", "key", "--offset", "10", "-o", "out", "s.seal"],
        &["dec", "-q", "-k", "key", "-o", "out", "signed.seal"],
        &[
            "dec",
            "-k",
            "key",
            "--signed-by",
            public,
            "-o",
            "out",
            "signed.seal",
        ],
    ];
    for args in runs {
        fs::write(d.join("out"), b"old").unwrap();
        fs::set_permissions(d.join("out"), fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(modes_set(d, args), ["0600", "0755"], "{args:?}");
        let mode = fs::metadata(d.join("out")).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o755, "{args:?}");
        assert_ne!(fs::read(d.join("out")).unwrap(), b"old");
        // A new file: 0600 from the start to the end.
        fs::remove_file(d.join("out")).unwrap();
        assert_eq!(modes_set(d, args), ["0600", "0600"], "{args:?}");
    }
}

#[test]
fn while_seal_waits_for_input_its_staged_output_is_0600() {
    // Observed from outside, with seal blocked on its input half-way through the run: the
    // file it writes (anonymous or `.seal-tmp-*`) is 0600, though it replaces a 0755 file.
    let s = Scratch::new();
    let d = s.dir.path();
    let plain = data(3 << 20, 13);
    fs::write(d.join("plain"), &plain).unwrap();
    ok(&seal_no_stdin(
        d,
        &["enc", "-k", "key", "-o", "s.seal", "plain"],
    ));
    let sealed = fs::read(d.join("s.seal")).unwrap();
    for (args, input) in [
        (["enc", "-k", "key", "-o", "out"], &plain),
        (["dec", "-k", "key", "-o", "out"], &sealed),
    ] {
        fs::write(d.join("out"), b"old").unwrap();
        fs::set_permissions(d.join("out"), fs::Permissions::from_mode(0o755)).unwrap();
        let mut child = s.cmd(&args).stdout(Stdio::null()).spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        std::io::Write::write_all(&mut stdin, &input[..2 << 20]).unwrap();
        wait_for_output_data(child.id(), d);
        let canonical = fs::canonicalize(d).unwrap();
        // The files seal holds open in the directory but the key file: the staged output
        // (through one descriptor or more), by inode.
        let key = fs::metadata(d.join("key")).unwrap().ino();
        let mut modes: Vec<(u64, u32)> = fs::read_dir(format!("/proc/{}/fd", child.id()))
            .unwrap()
            .flatten()
            .filter(|fd| fs::read_link(fd.path()).is_ok_and(|to| to.starts_with(&canonical)))
            .filter_map(|fd| fs::metadata(fd.path()).ok())
            .filter(|m| m.is_file() && m.len() > 0 && m.ino() != key)
            .map(|m| (m.ino(), m.permissions().mode() & 0o7777))
            .collect();
        modes.dedup();
        let modes: Vec<u32> = modes.into_iter().map(|(_, mode)| mode).collect();
        std::io::Write::write_all(&mut stdin, &input[2 << 20..]).unwrap();
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(modes, [0o600], "{args:?}");
        let mode = fs::metadata(d.join("out")).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o755, "{args:?}");
    }
}
