//! The command line's grammar: every command and option as clap sees it, and the size parser
//! that `--chunk-size` and `--kdf-memory` share.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use seal::Argon2Params;

use crate::progress;

/// The most `--threads` accepts, and the most the default uses: the library's own cap
/// ([`seal::MAX_THREADS`]), beyond which more workers add memory and no speed.
const MAX_THREADS_ARG: i64 = seal::MAX_THREADS as i64;

/// Examples of everyday use: (command, what it does), for `--help` and the manual page.
pub const EXAMPLES: &[(&str, &str)] = &[
    (
        "seal keygen --identity -o me.id",
        "make an identity; prints its recipient",
    ),
    (
        "seal enc -R recipients.txt -o out.seal build.tgz",
        "encrypt to public recipients (CI holds no secret)",
    ),
    (
        "seal dec -k me.id -o build.tgz out.seal",
        "decrypt with the identity",
    ),
    ("seal keygen -o key.seal", "make a key (mode 0600)"),
    (
        "tar c dir | seal enc -k key.seal > dir.tar.seal",
        "encrypt a pipe",
    ),
    (
        "seal dec -k key.seal dir.tar.seal | tar x",
        "decrypt to a pipe",
    ),
    (
        "seal enc -k key.seal -o big.seal big.iso",
        "file to file (written atomically)",
    ),
    (
        "seal enc -p -o notes.seal notes.txt",
        "passphrase, asked twice on the terminal",
    ),
    (
        "seal dec -o notes.txt notes.seal",
        "asks for the passphrase if the file needs one",
    ),
    (
        "seal enc -a -k key.seal secret.txt",
        "ASCII armor, for pasting into mail or a log",
    ),
    (
        "seal verify -k key.seal big.seal && seal info big.seal",
        "check a stream; show its header",
    ),
    (
        "seal dec -k key.seal --offset 4GiB --length 1MiB big.seal",
        "1 MiB from the middle, in milliseconds",
    ),
    (
        "SEAL_KEY=\"$(cat key.seal)\" seal dec --key-env SEAL_KEY -o out in.seal",
        "key from a CI secret variable",
    ),
    (
        "seal dec --passphrase-env PASS -o out in.seal",
        "passphrase from a CI secret variable",
    ),
];

/// How many of [`EXAMPLES`] `seal -h` shows.
const SHORT_EXAMPLES: usize = 4;

/// The examples after the help: with `-h` the first few, with `--help` all; each command on
/// a line of its own and what it does under it, so that no line is wider than 80 columns.
fn examples(long: bool) -> String {
    let mut text = String::from("Examples:");
    if long {
        for (command, what) in EXAMPLES {
            text.push_str(&format!("\n  {command}\n      {what}"));
        }
    } else {
        for (command, what) in &EXAMPLES[..SHORT_EXAMPLES] {
            text.push_str(&format!("\n  {command}\n      {what}"));
        }
        text.push_str("\n  (more with --help)");
    }
    text
}

/// seal: fast, parallel authenticated encryption of streams and files.
#[derive(Debug, Parser)]
#[command(
    name = "seal",
    version,
    after_help = examples(false),
    after_long_help = examples(true),
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make a new key, or with --identity a new identity
    ///
    /// Make a new key (32 random bytes) as one line of text, or with --identity a new
    /// identity (a secret key for public-key recipients; its recipient goes to stderr).
    Keygen {
        /// Write to this new file (mode 0600), not stdout
        ///
        /// Write the key or identity to FILE, created with mode 0600, instead of stdout; an
        /// existing file is never overwritten.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Make an identity (for recipients), not a key
        ///
        /// Make an identity for public-key encryption instead of a symmetric key: streams for
        /// its recipient (printed on stderr; 'seal recipient' prints it again) decrypt only
        /// with it.
        #[arg(long)]
        identity: bool,
        /// The identity's kind
        ///
        /// With --identity, the identity's kind: mlkem768x25519, the post-quantum hybrid
        /// ML-KEM-768 + X25519 (long recipients), or x25519, classical X25519 (short
        /// recipients).
        #[arg(
            long,
            value_enum,
            requires = "identity",
            default_value = "mlkem768x25519",
            hide_possible_values = true
        )]
        kind: KindArg,
        /// Make a signing secret (for enc --sign), not a key
        ///
        /// Make a signing secret for 'seal enc --sign' (its public key goes to stderr, and to
        /// a "# public:" line of the file; 'seal signer' prints it again).
        #[arg(long, conflicts_with = "identity")]
        signer: bool,
        /// The signer's kind
        ///
        /// With --signer: mldsa65-ed25519, ML-DSA-65 and Ed25519 together (post-quantum,
        /// long public keys), or ed25519 (short keys, not post-quantum).
        #[arg(
            long = "signer-kind",
            value_name = "KIND",
            value_enum,
            requires = "signer",
            default_value = "mldsa65-ed25519",
            hide_possible_values = true
        )]
        signer_kind: SignerKindArg,
        /// With --signer: how the new signer file's passphrase is given.
        #[command(flatten)]
        protect: SignerProtectArgs,
    },
    /// Print a signing secret's public key; copy it with a new passphrase
    ///
    /// Print the public key of a signer file (from 'seal keygen --signer'), for
    /// --signed-by and allowed-signers files; its fingerprint goes to stderr. With -o, also
    /// write a copy of the signer to a new file under a new passphrase (or none): to add,
    /// change or remove a signer file's passphrase without a new key.
    Signer {
        /// The signer file.
        #[arg(value_name = "SIGNER_FILE")]
        file: PathBuf,
        /// Copy the signer to NEW_FILE
        ///
        /// Write the same signing secret to NEW_FILE (mode 0600; it must not exist), protected
        /// by the passphrase that --new-passphrase, --new-passphrase-env or
        /// --new-passphrase-fd gives, or with --no-passphrase unprotected. SIGNER_FILE is left
        /// as it is: remove it once the copy is checked.
        #[arg(short, long, value_name = "NEW_FILE")]
        output: Option<PathBuf>,
        /// With -o: how the copy's passphrase is given.
        #[command(flatten)]
        new: NewPassphraseArgs,
        /// Passphrase from environment variable NAME
        ///
        /// If the signer file is protected by a passphrase: read it from the environment
        /// variable named NAME (its whole value), not the terminal.
        #[arg(long, value_name = "NAME", conflicts_with = "passphrase_fd")]
        passphrase_env: Option<OsString>,
        /// Passphrase from file descriptor N
        ///
        /// If the signer file is protected by a passphrase: read it from file descriptor N
        /// (its first line), not the terminal.
        #[arg(long, value_name = "N")]
        passphrase_fd: Option<u32>,
    },
    /// Print an identity's recipient (public key)
    ///
    /// Print the recipient (public key) of an identity file ("-": stdin), for scripts.
    Recipient {
        /// The identity file; "-" reads stdin.
        #[arg(value_name = "IDENTITY_FILE")]
        identity: PathBuf,
    },
    /// Encrypt INPUT (default: stdin) to OUTPUT (default: stdout).
    Enc(EncArgs),
    /// Decrypt INPUT (default: stdin) to OUTPUT (default: stdout), or only a range of it.
    Dec(DecArgs),
    /// Check a whole stream without writing plaintext
    ///
    /// Authenticate the whole stream without writing plaintext: exit 0 only if every frame
    /// and the end of the stream check out.
    Verify(VerifyArgs),
    /// Show a stream's header (no key needed)
    ///
    /// Show what a stream's header says, without a key (nothing is authenticated).
    Info {
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
        /// Input file; "-" or nothing means stdin.
        input: Option<PathBuf>,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff)
    ///
    /// Print the manual page (roff): every command and option, exit statuses, environment,
    /// files, examples. E.g. seal man > seal.1 && man ./seal.1
    Man,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// ML-KEM-768 + X25519 (X-Wing): secure while either is.
    #[value(name = "mlkem768x25519")]
    MlKem768X25519,
    /// X25519 alone.
    #[value(name = "x25519")]
    X25519,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CipherArg {
    #[value(name = "aes-256-gcm")]
    Aes256Gcm,
    #[value(name = "chacha20-poly1305")]
    ChaCha20Poly1305,
}

/// How `keygen --signer` protects the new signer file with a passphrase.
#[derive(Debug, Args)]
pub struct SignerProtectArgs {
    /// With --signer: protect the file with a passphrase
    ///
    /// With --signer: protect the signing secret with a passphrase, asked twice on the
    /// terminal (or read from --passphrase-env or --passphrase-fd); 'seal signer' and 'seal
    /// enc --sign' then ask for it. Argon2id stretches it, as for passphrase streams.
    #[arg(short, long, requires = "signer")]
    pub passphrase: bool,
    /// With --signer: passphrase from variable NAME
    ///
    /// With --signer: protect the file with the passphrase in the environment variable named
    /// NAME (its whole value).
    #[arg(
        long,
        value_name = "NAME",
        requires = "signer",
        conflicts_with = "passphrase_fd"
    )]
    pub passphrase_env: Option<OsString>,
    /// With --signer: passphrase from descriptor N
    ///
    /// With --signer: protect the file with the passphrase read from file descriptor N (its
    /// first line).
    #[arg(long, value_name = "N", requires = "signer")]
    pub passphrase_fd: Option<u32>,
    /// Argon2id memory, 1MiB to 1GiB [default: 256MiB]
    ///
    /// With a protected signer file: the memory Argon2id stretches the passphrase with.
    #[arg(long, value_name = "SIZE", value_parser = parse_kdf_memory, requires = "signer")]
    pub kdf_memory: Option<u32>,
    /// Argon2id passes, 1 to 64 [default: 6]
    ///
    /// With a protected signer file: how many passes Argon2id makes over its memory.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64), requires = "signer")]
    pub kdf_passes: Option<u32>,
}

/// The passphrase of the copy that `seal signer FILE -o NEW` writes.
#[derive(Debug, Args)]
pub struct NewPassphraseArgs {
    /// With -o: a new passphrase, asked on the terminal
    ///
    /// With -o: protect the copy with a new passphrase, asked twice on the terminal.
    #[arg(long, requires = "output")]
    pub new_passphrase: bool,
    /// With -o: new passphrase from variable NAME
    ///
    /// With -o: protect the copy with the passphrase in the environment variable named NAME
    /// (its whole value).
    #[arg(
        long,
        value_name = "NAME",
        requires = "output",
        conflicts_with_all = ["new_passphrase", "new_passphrase_fd"]
    )]
    pub new_passphrase_env: Option<OsString>,
    /// With -o: new passphrase from descriptor N
    ///
    /// With -o: protect the copy with the passphrase read from file descriptor N (its first
    /// line).
    #[arg(
        long,
        value_name = "N",
        requires = "output",
        conflicts_with = "new_passphrase"
    )]
    pub new_passphrase_fd: Option<u32>,
    /// With -o: write the copy without a passphrase
    ///
    /// With -o: write the copy unprotected (a passphrase-protected signer file loses its
    /// passphrase).
    #[arg(
        long,
        requires = "output",
        conflicts_with_all = ["new_passphrase", "new_passphrase_env", "new_passphrase_fd"]
    )]
    pub no_passphrase: bool,
    /// Argon2id memory, 1MiB to 1GiB [default: 256MiB]
    ///
    /// With a new passphrase: the memory Argon2id stretches it with.
    #[arg(long, value_name = "SIZE", value_parser = parse_kdf_memory, requires = "output")]
    pub kdf_memory: Option<u32>,
    /// Argon2id passes, 1 to 64 [default: 6]
    ///
    /// With a new passphrase: how many passes Argon2id makes over its memory.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64), requires = "output")]
    pub kdf_passes: Option<u32>,
}

/// The kinds of signer `keygen --signer` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SignerKindArg {
    #[value(name = "mldsa65-ed25519")]
    MlDsa65Ed25519,
    #[value(name = "ed25519")]
    Ed25519,
}

/// Who must have signed a stream (dec, verify).
#[derive(Debug, Args)]
pub struct SignedByArgs {
    /// Require a signature by this signer; repeatable
    ///
    /// Require the stream to be signed by this signer: a public key (sealsigpq1...,
    /// sealsiged1...) or its fingerprint (sealsigfp1...); repeat for several. Nothing is
    /// released unless the signature verifies (exit 6 otherwise).
    #[arg(long = "signed-by", value_name = "SIGNER")]
    pub signed_by: Vec<String>,
    /// Require a signer from FILE; repeatable
    ///
    /// Require a signer listed in FILE: one public key or fingerprint per line, optionally
    /// followed by a name; blank lines and lines starting with '#' are skipped.
    #[arg(long = "signed-by-file", value_name = "FILE")]
    pub signed_by_files: Vec<PathBuf>,
    /// Require exactly this signed comment
    ///
    /// With --signed-by: require the stream's signed comment to be exactly TEXT (exit 6
    /// otherwise), e.g. to refuse an older artifact of the same signer.
    #[arg(long = "expect-comment", value_name = "TEXT")]
    pub expect_comment: Option<String>,
    /// DANGEROUS: stream plaintext before the signature is checked
    ///
    /// With --signed-by and a streamed output (stdout, a pipe, a device): write plaintext as
    /// it is decrypted and check the signature only at the end (exit 6 then, after the
    /// output was written). Without it such outputs get nothing before the signature
    /// verifies. No effect with -o FILE (a regular file), which appears only once verified.
    #[arg(long = "insecure-release-unverified", hide_short_help = true)]
    pub insecure_release_unverified: bool,
}

impl SignedByArgs {
    /// Whether a signer is required.
    pub fn required(&self) -> bool {
        !self.signed_by.is_empty() || !self.signed_by_files.is_empty()
    }
}

#[derive(Debug, Args)]
pub struct EncArgs {
    /// The AEAD
    ///
    /// The AEAD that seals every frame: aes-256-gcm (AES-256-GCM) or chacha20-poly1305
    /// (ChaCha20-Poly1305).
    #[arg(
        long,
        value_enum,
        default_value = "aes-256-gcm",
        hide_possible_values = true
    )]
    pub cipher: CipherArg,
    /// Bytes per frame, 64 to 16MiB
    ///
    /// Plaintext bytes per frame, 64 to 16MiB; SIZE is bytes, or with a suffix k/K/KiB,
    /// M/MiB, G/GiB.
    #[arg(long, value_name = "SIZE", value_parser = parse_chunk_size, default_value = "1MiB")]
    pub chunk_size: u32,
    /// Argon2id memory, 1MiB to 1GiB [default: 256MiB]
    ///
    /// With a passphrase: the memory Argon2id stretches it with, 1MiB to 1GiB (a SIZE, as
    /// for --chunk-size).
    #[arg(long, value_name = "SIZE", value_parser = parse_kdf_memory)]
    pub kdf_memory: Option<u32>,
    /// Argon2id passes, 1 to 64 [default: 6]
    ///
    /// With a passphrase: how many passes Argon2id makes over its memory, 1 to 64.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    pub kdf_passes: Option<u32>,
    /// Write ASCII armor, not binary
    ///
    /// Write ASCII armor (PEM-style base64 text, 64 characters per line) instead of binary;
    /// dec, verify and info recognise it by themselves.
    #[arg(short, long, conflicts_with = "max_delay")]
    pub armor: bool,
    /// Live stream: no byte waits longer than DURATION
    ///
    /// Live stream: no input byte waits longer than DURATION (e.g. 200ms, 1s, 2.5s; 1ms to
    /// 1h) before the frame holding it is written and flushed, for a slow producer such as a
    /// log. Frames then carry their length (format version 2); 'seal dec' needs no option.
    /// Not with --armor.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub max_delay: Option<Duration>,
    /// Encrypt to this recipient; repeatable
    ///
    /// Encrypt to this public recipient: sealpq1... or sealx1... (from 'seal keygen
    /// --identity'), age1pq1... or age1... (age's), or one OpenSSH public key line
    /// "ssh-ed25519 AAAA... [comment]" (quote it). ssh-rsa, ECDSA and sk- keys are refused.
    /// Repeat for more. Only their identities decrypt. Not with a key or a passphrase.
    #[arg(
        short = 'r',
        long = "recipient",
        value_name = "RECIPIENT",
        conflicts_with_all = RECIPIENT_CONFLICTS
    )]
    pub recipients: Vec<String>,
    /// Encrypt to the recipients in FILE
    ///
    /// Encrypt to every recipient in FILE ("-": stdin, when INPUT is a file): one per line,
    /// any form -r takes, also authorized_keys lines and GitHub's USER.keys text; blank lines
    /// and lines starting with '#' are skipped, and so, with a warning naming the line, are
    /// SSH keys of a type seal does not use (ssh-rsa, ECDSA, sk-, ssh-dss). Repeatable, and
    /// combines with -r.
    #[arg(
        short = 'R',
        long = "recipients-file",
        value_name = "FILE",
        conflicts_with_all = RECIPIENT_CONFLICTS
    )]
    pub recipients_files: Vec<PathBuf>,
    /// Sign the stream with the signer in FILE
    ///
    /// Sign the stream with the signing secret in FILE (from 'seal keygen --signer'), in the
    /// same pass: 'seal dec --signed-by' then checks it before releasing anything. Not with
    /// --max-delay.
    #[arg(long, value_name = "FILE", conflicts_with = "max_delay")]
    pub sign: Option<PathBuf>,
    /// The signer file's passphrase from environment variable NAME
    ///
    /// With --sign, if the signer file is protected by a passphrase: read that passphrase
    /// from the environment variable named NAME (its whole value), not the terminal.
    /// --passphrase-env/-fd stay the stream's own passphrase.
    #[arg(
        long,
        value_name = "NAME",
        requires = "sign",
        conflicts_with = "signer_passphrase_fd",
        hide_short_help = true
    )]
    pub signer_passphrase_env: Option<OsString>,
    /// The signer file's passphrase from file descriptor N
    ///
    /// With --sign, if the signer file is protected by a passphrase: read that passphrase
    /// from file descriptor N (its first line), not the terminal. Not the descriptor of
    /// --passphrase-fd.
    #[arg(long, value_name = "N", requires = "sign", hide_short_help = true)]
    pub signer_passphrase_fd: Option<u32>,
    /// A public comment covered by the signature
    ///
    /// With --sign: TEXT (at most 1024 bytes of printable UTF-8, e.g. "app 1.4.2 2026-12-06")
    /// is stored in the header, covered by the signature, and shown on verification. Public:
    /// no secrets.
    #[arg(long = "signed-comment", value_name = "TEXT", requires = "sign")]
    pub signed_comment: Option<String>,
    /// Allow classical with post-quantum recipients
    ///
    /// Allow classical recipients (sealx1..., age1..., ssh-ed25519) beside post-quantum ones
    /// (sealpq1..., age1pq1...) in one stream. Refused without it: anyone who breaks one
    /// classical stanza (as a quantum computer could) gets the file key, so the post-quantum
    /// recipients would protect nothing. Only-classical recipients need no flag.
    #[arg(long)]
    pub allow_classical_mix: bool,
    #[command(flatten)]
    pub io: IoArgs,
}

/// What recipients never combine with in one stream.
const RECIPIENT_CONFLICTS: [&str; 7] = [
    "key",
    "key_env",
    "passphrase",
    "passphrase_env",
    "passphrase_fd",
    "kdf_memory",
    "kdf_passes",
];

#[derive(Debug, Args)]
pub struct DecArgs {
    /// Write the plaintext from byte N on
    ///
    /// Write only the plaintext from byte N on (N is bytes, or with a suffix k/K/KiB, M/MiB,
    /// G/GiB). Reads only the frames that hold the range, and the final frame, which is authenticated first; needs a
    /// seekable binary INPUT (a file, not a pipe or armored text). An offset past the end of
    /// the plaintext is an error.
    #[arg(long, value_name = "N", value_parser = parse_size)]
    pub offset: Option<u64>,
    /// Write at most M bytes of plaintext
    ///
    /// Write at most M bytes of plaintext (from --offset, or from the start); a range that
    /// runs past the end stops at the end. Same needs as --offset.
    #[arg(long, value_name = "M", value_parser = parse_size)]
    pub length: Option<u64>,
    /// Not an option of dec: accepted only to say that armor is recognised by itself.
    #[arg(short = 'a', long = "armor", hide = true)]
    pub armor: bool,
    #[command(flatten)]
    pub signers: SignedByArgs,
    #[command(flatten)]
    pub io: IoArgs,
}

impl DecArgs {
    /// The range asked for: (offset, length), if either option was given.
    pub fn range(&self) -> Option<(u64, Option<u64>)> {
        (self.offset.is_some() || self.length.is_some())
            .then(|| (self.offset.unwrap_or(0), self.length))
    }
}

#[derive(Debug, Args)]
pub struct KeyArgs {
    /// Key or identity file [default: $SEAL_KEY_FILE]
    ///
    /// The key file, or for a stream encrypted to recipients an identity file: seal's
    /// (SEAL-IDENTITY-...), age-keygen's (AGE-SECRET-KEY-1..., AGE-SECRET-KEY-PQ-1...; several
    /// lines and # comments allowed), or an OpenSSH ed25519 private key (~/.ssh/id_ed25519;
    /// passphrase-protected ones ask on the terminal or read --passphrase-fd). Repeat -k for
    /// more identities: every one is tried. Without -k, --key-env or a passphrase option,
    /// the file that $SEAL_KEY_FILE names.
    #[arg(
        short = 'k',
        long = "key",
        value_name = "KEYFILE",
        conflicts_with_all = ["key_env", "passphrase", "passphrase_env"]
    )]
    pub key: Vec<PathBuf>,
    /// Key or identity text from variable NAME
    ///
    /// Read the key (or identity) text from the environment variable named NAME, for CI
    /// secrets: SEAL_KEY="$(cat key.seal)" seal dec --key-env SEAL_KEY ...
    #[arg(
        long,
        value_name = "NAME",
        conflicts_with_all = ["passphrase", "passphrase_env", "passphrase_fd"]
    )]
    pub key_env: Option<OsString>,
    /// Use a passphrase, asked on the terminal
    ///
    /// Use a passphrase, asked on the terminal (twice for enc), never echoed. dec and verify
    /// ask by themselves when the stream needs one. With --passphrase-env or
    /// --passphrase-fd, the passphrase comes from there instead.
    #[arg(short = 'p', long)]
    pub passphrase: bool,
    /// Passphrase from environment variable NAME
    ///
    /// Read the passphrase from the environment variable named NAME (its whole value, byte
    /// for byte). The passphrase of a passphrase-encrypted stream only: it does not unlock an
    /// OpenSSH key given with -k (use the terminal or --passphrase-fd for that), so that one
    /// option never stands for two different secrets.
    #[arg(long, value_name = "NAME", conflicts_with = "passphrase_fd")]
    pub passphrase_env: Option<OsString>,
    /// Passphrase from file descriptor N
    ///
    /// Read the passphrase from file descriptor N (its first line), e.g. 3 with '3<file'.
    /// With -k when decrypting: the passphrase of passphrase-protected OpenSSH keys.
    #[arg(long, value_name = "N")]
    pub passphrase_fd: Option<u32>,
}

#[derive(Debug, Args)]
pub struct UiArgs {
    /// Show progress even if stderr is no terminal
    ///
    /// Show progress on stderr even when it is not a terminal: a plain line every 2 seconds.
    /// Progress counts what is read: plaintext for enc, ciphertext for dec and verify.
    #[arg(long, conflicts_with = "quiet")]
    pub progress: bool,
    /// Print nothing but errors
    ///
    /// Print nothing but errors: no progress, no warnings.
    #[arg(short, long)]
    pub quiet: bool,
}

impl UiArgs {
    pub fn show(&self) -> progress::Show {
        match (self.progress, self.quiet) {
            (_, true) => progress::Show::Never,
            (true, false) => progress::Show::Always,
            (false, false) => progress::Show::Auto,
        }
    }
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Not an option of verify: accepted only to say that armor is recognised by itself.
    #[arg(short = 'a', long = "armor", hide = true)]
    pub armor: bool,
    #[command(flatten)]
    pub signers: SignedByArgs,
    #[command(flatten)]
    pub keys: KeyArgs,
    #[command(flatten)]
    pub ui: UiArgs,
    /// Worker threads, 1 to 64 [default: one per core]
    ///
    /// Worker threads that seal or open frames in parallel, 1 to 64; without --threads, one
    /// per available core, at most 64.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS_ARG))]
    pub threads: Option<u16>,
    /// Input file; "-" or nothing means stdin.
    pub input: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct IoArgs {
    #[command(flatten)]
    pub keys: KeyArgs,
    #[command(flatten)]
    pub ui: UiArgs,
    /// Write to FILE (atomically), not stdout
    ///
    /// Write to FILE, atomically and synced: nothing appears at FILE unless the whole stream
    /// succeeded (a device or FIFO is written straight through).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Worker threads, 1 to 64 [default: one per core]
    ///
    /// Worker threads that seal or open frames in parallel, 1 to 64; without --threads, one
    /// per available core, at most 64.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS_ARG))]
    pub threads: Option<u16>,
    /// Input file; "-" or nothing means stdin.
    pub input: Option<PathBuf>,
}

/// A clap error as the one line seal prints after `seal: `, keeping what clap spreads over
/// several: the names of missing arguments, a "tip" (a similar argument, `--` before a value
/// that starts with `-`), the possible values, and a pointer to the help of the command the
/// error is about (`seal enc --help`, not `seal --help`, after a mistake in `seal enc`).
pub fn usage_error_line(err: &clap::Error) -> String {
    // clap renders: `error: MESSAGE` and indented lines (missing arguments, tips, possible
    // values), a blank line, `Usage: seal enc [OPTIONS] …`, and a line that points to --help.
    let text = err.render().to_string();
    let (head, usage) = match text.split_once("\nUsage:") {
        Some((head, rest)) => (head, rest.lines().next().unwrap_or("")),
        None => (text.as_str(), ""),
    };
    let mut lines = head
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("For more information"));
    let first = lines.next().unwrap_or("invalid arguments");
    let mut line = first.strip_prefix("error: ").unwrap_or(first).to_string();
    let mut listed = false;
    for extra in lines {
        if extra.starts_with("tip:") || extra.starts_with('[') {
            line.push_str(if extra.starts_with('[') { " " } else { "; " });
        } else if line.ends_with(':') {
            line.push(' ');
            listed = true;
        } else if listed {
            line.push_str(", ");
        } else {
            line.push_str("; ");
        }
        line.push_str(extra);
    }
    // The command the error is about: from the usage line, or (clap omits it after a bad
    // value) the command word on the command line.
    let mut command: Vec<&str> = usage
        .split_whitespace()
        .take_while(|w| !w.starts_with(['[', '<', '-']))
        .collect();
    if command.first() != Some(&"seal") {
        command = vec!["seal"];
    }
    let word = std::env::args_os().nth(1);
    let word = word.as_ref().and_then(|w| w.to_str());
    if command.len() == 1
        && let Some(word) = word
        && Cli::command()
            .get_subcommands()
            .any(|c| c.get_name() == word)
    {
        command.push(word);
    }
    let command = command.join(" ");
    // clap quotes back values it refuses: key or identity text there is never shown.
    let line = crate::diag::redact_quoted(&line);
    format!("{line} (see '{command} --help')")
}

/// The refusal of `-a` by the commands that read armor: `command` is `dec` or `verify`.
pub fn armor_is_recognised(command: &str) -> crate::error::CliError {
    crate::error::CliError::Usage(format!(
        "{command} has no -a: it recognises armored input by itself (drop -a; -a is for enc)"
    ))
}

/// The sizes [`parse_size`] accepts, as the help and its errors say them: the one list.
pub const SIZE_SUFFIXES: &str = "bytes, or with a suffix k/K/KiB, M/MiB, G/GiB";

/// Parses a size: plain bytes (`65536`) or a binary multiple with one of the suffixes of
/// [`SIZE_SUFFIXES`] (`64k`, `64K`, `64KiB`, `1M`, `1MiB`, `1G`, `1GiB`).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, suffix) = text.split_at(split);
    let multiplier: u64 = match suffix {
        "" => 1,
        "k" | "K" | "KiB" => 1 << 10,
        "M" | "MiB" => 1 << 20,
        "G" | "GiB" => 1 << 30,
        _ => {
            return Err(format!(
                "unknown size suffix {suffix:?} (sizes are {SIZE_SUFFIXES})"
            ));
        }
    };
    let value: u64 = digits
        .parse()
        .map_err(|_| format!("not a size: {text:?}"))?;
    value
        .checked_mul(multiplier)
        .ok_or_else(|| format!("size too large: {text:?}"))
}

/// Parses a duration for `--max-delay`: a decimal number with the unit `ms`, `s` or `m`
/// (`200ms`, `1s`, `0.5s`, `2m`), from 1 ms to 1 hour.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let seconds_per_unit = match unit {
        "ms" => 0.001,
        "s" => 1.0,
        "m" | "min" => 60.0,
        "" => {
            return Err(format!(
                "{text:?} needs a unit: ms, s or m (as in 200ms or 1s)"
            ));
        }
        _ => {
            return Err(format!(
                "unknown unit {unit:?} in {text:?} (use ms, s or m)"
            ));
        }
    };
    let value: f64 = match number.parse() {
        Ok(v) if !number.starts_with('.') && !number.ends_with('.') => v,
        _ => return Err(format!("not a duration: {text:?}")),
    };
    let seconds = value * seconds_per_unit;
    if !(0.001..=3600.0).contains(&seconds) {
        return Err(format!("{text:?} is out of range (1ms to 1h)"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// Parses an Argon2id memory size into KiB.
pub fn parse_kdf_memory(text: &str) -> Result<u32, String> {
    let bytes = parse_size(text)?;
    let max = u64::from(Argon2Params::MAX_MEMORY_KIB) << 10;
    if !(1 << 20..=max).contains(&bytes) || bytes % 1024 != 0 {
        return Err(format!(
            "KDF memory must be a whole number of KiB from 1MiB to {}MiB",
            max >> 20
        ));
    }
    u32::try_from(bytes >> 10).map_err(|e| e.to_string())
}

pub fn parse_chunk_size(text: &str) -> Result<u32, String> {
    let size = parse_size(text)?;
    seal::check_chunk_size(size).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_need_a_unit_and_stay_in_range() {
        let ms = Duration::from_millis;
        assert_eq!(parse_duration("200ms"), Ok(ms(200)));
        assert_eq!(parse_duration("1s"), Ok(ms(1000)));
        assert_eq!(parse_duration("2.5s"), Ok(ms(2500)));
        assert_eq!(parse_duration("2m"), Ok(ms(120_000)));
        assert_eq!(parse_duration("1ms"), Ok(ms(1)));
        assert_eq!(
            parse_duration("1h").unwrap_err(),
            "unknown unit \"h\" in \"1h\" (use ms, s or m)"
        );
        for bad in [
            "", "200", "s", "0s", "0.0001s", "61m", "1.s", ".5s", "1..2s", "-1s", "1 s",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }
}
