//! `seal man`: one complete manual page (roff), made from the same clap definitions as
//! `--help`, so that options cannot go missing from it: every command with its options, and
//! the exit statuses, environment, files and examples that `--help` has no room for.

use std::fmt::Write;

use clap::{Arg, Command};

use crate::args::EXAMPLES;

/// Escapes text for roff: backslashes and hyphens, and a leading `.` or `'` that would make
/// the line a request.
fn esc(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// Paragraphs of help text, escaped, separated by `.PP`... inside an indented block `.IP`.
fn paragraphs(text: &str, separator: &str) -> String {
    text.split("\n\n")
        .map(|p| esc(&p.split_whitespace().collect::<Vec<_>>().join(" ")))
        .collect::<Vec<_>>()
        .join(&format!("\n{separator}\n"))
}

/// How an option is written: `-k, --key KEYFILE`, or `INPUT` for a positional argument.
fn arg_tag(arg: &Arg) -> String {
    let value = arg
        .get_value_names()
        .and_then(|names| names.first())
        .map(|name| name.to_string())
        .unwrap_or_else(|| arg.get_id().as_str().to_uppercase());
    if arg.is_positional() {
        return format!("\\fI{}\\fR", esc(&value));
    }
    let mut names = Vec::new();
    if let Some(short) = arg.get_short() {
        names.push(format!("\\fB\\-{short}\\fR"));
    }
    if let Some(long) = arg.get_long() {
        names.push(format!("\\fB\\-\\-{}\\fR", esc(long)));
    }
    let mut tag = names.join(", ");
    if arg.get_action().takes_values() {
        write!(tag, " \\fI{}\\fR", esc(&value)).ok();
    }
    tag
}

/// The text for the page from a long help or about: without its first paragraph, the one-line
/// summary that `-h` shows, when paragraphs follow it (they say it again, in full).
fn details(long: &str) -> &str {
    long.split_once("\n\n").map_or(long, |(_, rest)| rest)
}

fn arg_help(arg: &Arg) -> String {
    let long = arg.get_long_help().map(ToString::to_string);
    let mut help = long
        .clone()
        .or(arg.get_help().map(ToString::to_string))
        .map(|h| h.trim_end().to_owned())
        .unwrap_or_default();
    // A default the help text gives itself, as clap writes its own ("[default: X]" at the
    // end of the summary), is written as clap's are here: "Default: X." at the end.
    let mut default = None;
    if let Some(start) = help.find(" [default: ")
        && let Some(len) = help[start..].find(']')
    {
        default = Some(help[start + 11..start + len].to_owned());
        help.replace_range(start..=start + len, ".");
    }
    if long.is_some() {
        help = details(&help).to_owned();
    }
    let help = {
        let mut h = help.replace("..", ".");
        if !h.is_empty() && !h.ends_with('.') {
            h.push('.');
        }
        h
    };
    let mut help = help;
    if !arg.get_action().takes_values() {
        // A flag: its "possible values" and default are clap's true/false.
        return paragraphs(&help, ".IP");
    }
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_owned())
        .collect();
    // Values the help hides are named in its text.
    if !values.is_empty() && !arg.is_hide_possible_values_set() {
        write!(help, " Values: {}.", values.join(", ")).ok();
    }
    let mut defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    defaults.extend(default);
    if !defaults.is_empty() {
        write!(help, " Default: {}.", defaults.join(", ")).ok();
    }
    paragraphs(&help, ".IP")
}

fn synopsis(sub: &Command) -> String {
    let mut line = format!("\\fBseal {}\\fR", esc(sub.get_name()));
    if sub
        .get_arguments()
        .any(|a| !a.is_positional() && !a.is_hide_set())
    {
        line.push_str(" [\\fIOPTIONS\\fR]");
    }
    for arg in sub.get_positionals().filter(|a| !a.is_hide_set()) {
        if arg.is_required_set() {
            write!(line, " {}", arg_tag(arg)).ok();
        } else {
            write!(line, " [{}]", arg_tag(arg)).ok();
        }
    }
    line
}

const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "SEAL_KEY_FILE",
        "The key file (or, for a stream encrypted to recipients, the identity file) to use \
         when neither \\fB\\-k\\fR nor \\fB\\-\\-key\\-env\\fR is given (an empty value counts \
         as unset). Ignored for a passphrase stream.",
    ),
    (
        "NO_COLOR",
        "When set to a non-empty value, help and usage messages are printed without colour. \
         seal's errors, warnings and progress never use colour.",
    ),
    (
        "(the variables named by \\fB\\-\\-key\\-env\\fR and \\fB\\-\\-passphrase\\-env\\fR)",
        "The key or identity text (as \\fBseal keygen\\fR prints it), or the passphrase, byte \
         for byte.",
    ),
];

const FILES: &[(&str, &str)] = &[
    (
        "\\fIKEYFILE\\fR",
        "A key file: one line, SEAL\\-KEY\\-1\\- and 72 lowercase hex digits (the key and a \
         checksum), optionally followed by spaces, tabs and blank lines. \\fBseal keygen \\-o\\fR \
         creates it with mode 0600 and never overwrites a file; seal warns when a key file is \
         readable by group or others.",
    ),
    (
        "\\fIIDENTITY_FILE\\fR",
        "Identities, one a line: seal's (SEAL\\-IDENTITY\\-PQ\\-1..., \
         SEAL\\-IDENTITY\\-X25519\\-1..., Bech32m) and age's (AGE\\-SECRET\\-KEY\\-PQ\\-1..., \
         AGE\\-SECRET\\-KEY\\-1..., as age\\-keygen writes them); blank lines and lines starting \
         with # are skipped; at most 64 identities, 64 KiB. Or an OpenSSH ed25519 private key \
         (\\-\\-\\-\\-\\-BEGIN OPENSSH PRIVATE KEY\\-\\-\\-\\-\\-, ~/.ssh/id_ed25519), plain or \
         passphrase\\-protected: its passphrase is asked on the terminal naming the file, or \
         read from \\fB\\-\\-passphrase\\-fd\\fR, only when the stream has an SSH stanza no \
         other identity opened; bcrypt rounds above 512 are refused first. Refused by name: \
         ssh\\-rsa, ECDSA, sk\\- and DSA keys, PEM (PKCS#1/PKCS#8) keys, age plugin identities \
         (AGE\\-PLUGIN\\-) and passphrase\\-protected age files. \\fB\\-k\\fR repeats: every \
         identity of every file is tried. \\fBseal keygen \\-\\-identity \\-o\\fR creates one \
         with mode 0600 under # created: and # recipient: lines, and never overwrites a file; \
         seal warns when an identity file is readable by group or others. Keep it with whoever \
         decrypts; its recipient (\\fBseal recipient\\fR) is public.",
    ),
    (
        "\\fIRECIPIENTS_FILE\\fR (\\fB\\-R\\fR)",
        "One recipient per line (\\fB\\-R \\-\\fR: from stdin, when the input is a file): \
         sealpq1... and sealx1... (seal's), age1pq1... and age1... (age's), OpenSSH \
         ssh\\-ed25519 public keys (an id_ed25519.pub, authorized_keys lines with sshd's \
         options, GitHub's USER.keys text); blank lines and lines starting with # are skipped; \
         CR LF line endings are accepted. SSH keys of types seal does not use (ssh\\-rsa: the \
         Rust rsa crate's RUSTSEC\\-2023\\-0071 has no fix; ECDSA, sk\\-, ssh\\-dss, \
         certificates) are skipped with a warning naming the line, even with \\fB\\-q\\fR; a \
         file with no usable recipient, a malformed line, a cert\\-authority line or a \
         known_hosts line is refused. To be strict: grep '^ssh\\-ed25519 ' keys | seal enc \
         \\-R \\- ....",
    ),
    (
        "\\fIOUTPUT\\fR (\\fB\\-o\\fR)",
        "A regular file (or the file a symbolic link points at) is written to an unnamed file \
         in the same directory, synced, and put in place only when the whole stream succeeded: \
         on any failure nothing appears at \\fIOUTPUT\\fR and a file already there is \
         untouched. A new file gets mode 0600; a replaced file you own keeps its mode. A \
         character device or FIFO is written straight through. A directory, a missing \
         directory, a block device or a socket is refused before anything is read.",
    ),
];

/// The manual page for `cmd` (the top-level `seal` command).
pub fn page(cmd: &Command) -> String {
    let mut out = String::new();
    let version = cmd.get_version().unwrap_or_default();
    let about = cmd.get_about().map(|a| a.to_string()).unwrap_or_default();
    let about = about.strip_prefix("seal: ").unwrap_or(&about).to_owned();
    let subs: Vec<&Command> = cmd
        .get_subcommands()
        .filter(|s| s.get_name() != "help" && !s.is_hide_set())
        .collect();

    writeln!(
        out,
        ".TH SEAL 1 \"\" \"seal {}\" \"User Commands\"",
        esc(version)
    )
    .ok();
    writeln!(out, ".SH NAME\nseal \\- {}", esc(&about)).ok();
    out.push_str(".SH SYNOPSIS\n");
    let lines: Vec<String> = subs.iter().map(|s| synopsis(s)).collect();
    out.push_str(&lines.join("\n.br\n"));
    out.push_str("\n.br\n\\fBseal\\fR [\\fB\\-h\\fR | \\fB\\-V\\fR]\n");
    out.push_str(
        ".SH DESCRIPTION\n\
         seal encrypts and decrypts streams and files with a symmetric key, a passphrase, or \
         to public\\-key recipients (post\\-quantum ML\\-KEM\\-768 + X25519 by default, or \
         X25519) whose identities alone decrypt. It cuts the input into chunks, seals each chunk as an AEAD frame (AES\\-256\\-GCM or \
         ChaCha20\\-Poly1305) on every core, and writes the frames in order, with memory \
         bounded whatever the input size. A decoder releases only authenticated plaintext, in \
         order, and detects truncation, reordering and any change to the header or the frames.\n\
         .PP\n\
         \\fIINPUT\\fR defaults to standard input (\\fB\\-\\fR also means it); the output \
         defaults to standard output. Errors are one line on standard error starting \
         \\(lqseal: \\(rq; warnings start \\(lqseal: warning: \\(rq.\n",
    );

    out.push_str(".SH COMMANDS\n");
    for sub in &subs {
        writeln!(out, ".SS \"{}\"", synopsis(sub).replace('"', "\\(dq")).ok();
        let about = sub
            .get_long_about()
            .or(sub.get_about())
            .map(|a| a.to_string())
            .unwrap_or_default();
        let about = details(about.trim_end());
        let period = if about.ends_with('.') { "" } else { "." };
        writeln!(out, "{}{period}", paragraphs(about, ".PP")).ok();
        for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
            writeln!(out, ".TP\n{}\n{}", arg_tag(arg), arg_help(arg)).ok();
        }
    }

    out.push_str(
        ".SH OPTIONS\n\
         .TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\n\
         Print help (of seal, or of a command: \\fBseal enc \\-\\-help\\fR).\n\
         .TP\n\\fB\\-V\\fR, \\fB\\-\\-version\\fR\nPrint the version.\n",
    );
    out.push_str(".SH EXIT STATUS\n");
    out.push_str(&crate::status::roff());
    for (title, items) in [("ENVIRONMENT", ENVIRONMENT), ("FILES", FILES)] {
        writeln!(out, ".SH {title}").ok();
        for (tag, text) in items {
            let tag = if tag.starts_with('\\') || tag.starts_with('(') {
                tag.to_string()
            } else {
                format!("\\fB{tag}\\fR")
            };
            writeln!(out, ".TP\n{tag}\n{text}").ok();
        }
    }

    out.push_str(".SH EXAMPLES\n");
    for (command, what) in EXAMPLES {
        writeln!(out, ".TP\n\\fB{}\\fR\n{}", esc(command), esc(what)).ok();
    }
    out.push_str(
        ".SH SEE ALSO\n\
         \\fBage\\fR(1), \\fBgpg\\fR(1). In seal's sources: the user's guide, docs/GUIDE.md; the \
         stream format, byte by byte, docs/FORMAT.md; the threat model, SECURITY.md.\n",
    );
    out
}
