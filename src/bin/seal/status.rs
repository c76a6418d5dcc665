//! The exit statuses of `seal`: the one table of them. The man page renders it (`man.rs`), the
//! README's "Exit statuses" table is checked against it (`tests/cli/status.rs`), and
//! `error::exit_code` maps errors to its codes.
//!
//! This file depends on nothing else in the binary, so that the test can include it. Its text
//! is written once, with `backticks` around what is typed or printed; [`markdown`] and
//! [`roff`] render it.

/// The whole input was processed.
pub const OK: i32 = 0;
/// Reading or writing failed, or seal refused (terminal output, same file in and out).
pub const IO: i32 = 1;
/// Bad command-line arguments, or no key given, or a request seal refuses by policy
/// (post-quantum and classical recipients mixed without --allow-classical-mix, too many
/// identities, an allowed-signers file that names no signer).
pub const USAGE: i32 = 2;
/// The key file is missing, unreadable or malformed, or the key is not the stream's key.
pub const KEY: i32 = 3;
/// The input is not a seal stream this version reads.
pub const FORMAT: i32 = 4;
/// The stream is damaged: a frame failed authentication, or the stream is truncated, has
/// frames out of place, or data after its end.
pub const INTEGRITY: i32 = 5;
/// A signature requirement is not met (`--signed-by`): the stream is not signed, is signed
/// by a signer not allowed, its signature does not verify, its signed comment is not the
/// expected one, or it changed after its signature was checked; also a signed stream whose
/// signature fails when no `--signed-by` was given.
pub const SIGNATURE: i32 = 6;
/// Standard output was closed before seal finished (as in `seal dec … | head`); nothing is
/// printed. 141 is the status a shell shows for a process ended by SIGPIPE.
pub const BROKEN_PIPE: i32 = 141;
/// Ctrl-C at a prompt when the signal thread did not end seal first. A terminating signal
/// otherwise ends seal by the signal itself (see `signals` and the table's last row).
pub const INTERRUPTED: i32 = 130;

/// One row of the table: the status as written, and what it means.
pub struct Status {
    /// The status, as the table's first column shows it.
    pub code: &'static str,
    /// What it means: one paragraph, with `backticks` around commands and options.
    pub meaning: &'static str,
}

/// Every exit status, in the order the README and the man page list them.
pub const TABLE: &[Status] = &[
    Status {
        code: "0",
        meaning: "the whole input was processed",
    },
    Status {
        code: "1",
        meaning: "I/O error, or refused: cannot read the input or write the output (a failed \
                  sync or close included: the target is then untouched), ciphertext to a \
                  terminal, input and output the same file, the key file as input or output, \
                  `-o` naming a directory, a missing directory, a block device or a socket",
    },
    Status {
        code: "2",
        meaning: "usage: bad arguments (and `seal` alone, after printing the usage), no key \
                  given, key or signer text given as a file name, a closed stdin or stdout, a \
                  passphrase needed with no terminal to ask on, an Argon2id cost out of range \
                  in `--kdf-memory`/`--kdf-passes`; post-quantum and classical recipients mixed \
                  without `--allow-classical-mix`; an identity or private key given as a \
                  recipient; more than 64 identities, or more trial work than seal's bound; an \
                  allowed-signers file (`--signed-by-file`) that names no signer; or \
                  `dec --offset/--length` on a pipe, on armor, on a live stream or with an \
                  offset past the end",
    },
    Status {
        code: "3",
        meaning: "key: key file, identity or recipient missing, unreadable or malformed; \
                  environment variable unset; empty, overlong or mismatched passphrase; key \
                  file, passphrase or identity given for a stream of another kind; wrong key or \
                  passphrase; no identity matches any of the stream's recipients; an SSH key of \
                  a type seal does not use (ssh-rsa, ECDSA, sk-, ssh-dss) given alone; a \
                  passphrase-protected SSH key with no passphrase, a wrong one, or bcrypt \
                  rounds over 512; a signer file missing, unreadable or malformed, its \
                  `# public:` line not matching its secret, its Argon2id cost out of bounds, or \
                  a wrong signer passphrase",
    },
    Status {
        code: "4",
        meaning: "not a seal stream this version reads: bad magic, unsupported version, cipher \
                  or key kind, chunk size, the stream's Argon2id cost, recipient count or stanza length out \
                  of range, malformed armor",
    },
    Status {
        code: "5",
        meaning: "damaged stream: a frame failed authentication, the stream is truncated, \
                  frames are out of place, or data follows the final frame (or the armor's END \
                  line)",
    },
    Status {
        code: "6",
        meaning: "signature (`--signed-by`): the stream is not signed, is signed by a signer \
                  not allowed, its signature does not verify, its signed comment is not the \
                  expected one (`--expect-comment`), or it changed after its signature was \
                  checked; also a signed stream whose signature fails without `--signed-by`. \
                  With `--signed-by`, nothing unverified is released at `-o` or on stdout; \
                  without it, stdout may already hold the authenticated plaintext when the \
                  signature fails at the end (`-o` gets nothing)",
    },
    Status {
        code: "141",
        meaning: "stdout was closed before seal finished (e.g. `seal dec … | head`): nothing \
                  is printed, as for a process ended by SIGPIPE",
    },
    Status {
        code: SIGNALS_CODE,
        meaning: SIGNALS,
    },
];

/// The signals row's first column.
pub const SIGNALS_CODE: &str = "129, 130, 143, …";

/// The signals row: every terminating signal `signals.rs` handles (its unit test checks that
/// each is named here) and what a second one does.
pub const SIGNALS: &str = "ended by a signal: seal undoes what it must, prints `seal: \
     interrupted by SIG…`, then dies of that same signal, so a shell shows 128 + its number \
     and a parent sees a real signal death: 129 SIGHUP, 130 SIGINT, 143 SIGTERM, and so for \
     SIGUSR1, SIGUSR2, SIGALRM, SIGSTKFLT, SIGVTALRM, SIGPROF, SIGIO, SIGPWR and the real-time \
     signals SIGRTMIN to SIGRTMAX. For SIGQUIT, SIGXCPU and SIGXFSZ, whose default would dump \
     core (and a core file may hold key material), seal exits 128 + the number instead. With \
     `-o`, nothing remains: the output was never named (or its temporary file is removed \
     first); a terminal whose echo was off for a prompt gets it back. A signal that arrives \
     once the output is in place changes nothing (exit 0), but while the directory is still \
     being synced (a stuck network file system) the first signal only says what seal waits \
     for, and a second one ends seal by that signal, the output in place. A signal ignored \
     when seal started (`nohup`) stays ignored. SIGKILL and the signals of a fault in seal \
     itself (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGABRT) are not handled: they \
     leave nothing either, except a `.seal-tmp-*` file where the file system has no \
     `O_TMPFILE`";

/// The table as the README writes it: a Markdown table, header included.
#[allow(
    dead_code,
    reason = "the binary does not print it: tests/cli/status.rs checks the README with it"
)]
pub fn markdown() -> String {
    let mut out = String::from("| status | meaning |\n|-------:|---------|\n");
    for status in TABLE {
        let code = format!("{:<3}", status.code);
        out.push_str(&format!(
            "| {code} | {} |\n",
            status.meaning.replace('|', "\\|")
        ));
    }
    out
}

/// The table as the man page's EXIT STATUS section holds it: one `.TP` paragraph a status.
pub fn roff() -> String {
    let mut out = String::new();
    for status in TABLE {
        let code = roff_text(status.code);
        out.push_str(&format!(
            ".TP\n\\fB{code}\\fR\n{}.\n",
            roff_spans(status.meaning)
        ));
    }
    out
}

/// Text for roff: backslashes and hyphens escaped, `…` as three dots.
fn roff_text(text: &str) -> String {
    text.replace('\\', "\\e")
        .replace('-', "\\-")
        .replace('…', "...")
}

/// Text for roff with each `backticked` span in bold; the first letter made a capital, as
/// the page's paragraphs start.
fn roff_spans(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str(&format!("\\fB{}\\fR", roff_text(part)));
        } else {
            out.push_str(&roff_text(part));
        }
    }
    let mut chars = out.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => out,
    }
}
