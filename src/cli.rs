//! The `seal` command line: argument parsing, key loading, input and output handling, and the
//! mapping of errors to one line on stderr and a documented exit status.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use zeroize::Zeroizing;

use crate::armor::{self, ArmorWriter};
use crate::error::{Category, Error};
use crate::files::{self, Input, Output, Target, is_stdio};
use crate::format::{self, Argon2Params, Cipher, Header, KeyKind};
use crate::keys::Key;
use crate::passphrase::Passphrase;
use crate::progress;
use crate::prompt::PassphraseSource;
use crate::stream::{Decryptor, Encryptor, Secret, read_header};

/// Exit statuses of `seal`, as documented in the README.
pub mod exit {
    /// The whole input was processed.
    pub const OK: i32 = 0;
    /// Reading or writing failed, or seal refused (terminal output, same file in and out).
    pub const IO: i32 = 1;
    /// Bad command-line arguments, or no key given.
    pub const USAGE: i32 = 2;
    /// The key file is missing, unreadable or malformed, or the key is not the stream's key.
    pub const KEY: i32 = 3;
    /// The input is not a seal stream this version reads.
    pub const FORMAT: i32 = 4;
    /// The stream is damaged: a frame failed authentication, or the stream is truncated, has
    /// frames out of place, or data after its end.
    pub const INTEGRITY: i32 = 5;
    /// Standard output was closed before seal finished (as in `seal dec … | head`); nothing
    /// is printed. 141 is the status a shell shows for a process ended by SIGPIPE.
    pub const BROKEN_PIPE: i32 = 141;
    /// Ended by Ctrl-C (SIGINT) at a prompt or while working; 129 and 143 for SIGHUP and
    /// SIGTERM. A temporary output file is removed first.
    pub const INTERRUPTED: i32 = 130;
}

const EXAMPLES: &str = "\
Examples:
  seal keygen -o key.seal                          make a key (mode 0600)
  tar c dir | seal enc -k key.seal > dir.tar.seal  encrypt a pipe
  seal dec -k key.seal dir.tar.seal | tar x        decrypt to a pipe
  seal enc -k key.seal -o big.seal big.iso         file to file (written atomically)
  seal enc -p -o notes.seal notes.txt              passphrase, asked twice on the terminal
  seal dec -o notes.txt notes.seal                 asks for the passphrase if the file needs one
  seal enc -a -k key.seal secret.txt               ASCII armor, for pasting into mail or a log
  seal verify -k key.seal big.seal && seal info big.seal   check a stream; show its header
  SEAL_KEY=\"$(cat key.seal)\" seal dec --key-env SEAL_KEY -o out in.seal   key from CI secret
  seal dec --passphrase-env PASS -o out in.seal    passphrase from a CI secret variable";

/// seal: fast, parallel authenticated encryption of streams and files.
#[derive(Debug, Parser)]
#[command(name = "seal", version, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Make a new key (32 random bytes) as one line of text.
    Keygen {
        /// Write the key to this new file (mode 0600) instead of stdout; never overwrites.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Encrypt INPUT (default: stdin) to OUTPUT (default: stdout).
    Enc(EncArgs),
    /// Decrypt INPUT (default: stdin) to OUTPUT (default: stdout).
    Dec(IoArgs),
    /// Authenticate the whole stream without writing plaintext: exit 0 only if every frame
    /// and the end of the stream check out.
    Verify(VerifyArgs),
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
    /// Print the man page (roff).
    Man,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CipherArg {
    #[value(name = "aes-256-gcm")]
    Aes256Gcm,
    #[value(name = "chacha20-poly1305")]
    ChaCha20Poly1305,
}

#[derive(Debug, Args)]
struct EncArgs {
    /// The AEAD to use.
    #[arg(long, value_enum, default_value = "aes-256-gcm")]
    cipher: CipherArg,
    /// Plaintext bytes per frame, 64B..16MiB (suffixes: K/KiB, M/MiB).
    #[arg(long, value_name = "SIZE", value_parser = parse_chunk_size, default_value = "1MiB")]
    chunk_size: u32,
    /// With a passphrase: Argon2id memory, 1MiB..1GiB [default: 256MiB].
    #[arg(long, value_name = "SIZE", value_parser = parse_kdf_memory)]
    kdf_memory: Option<u32>,
    /// With a passphrase: Argon2id passes, 1..64 [default: 6].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    kdf_passes: Option<u32>,
    /// Write ASCII armor (PEM-style base64 text, 64 characters per line) instead of binary;
    /// dec, verify and info recognise it by themselves.
    #[arg(short, long)]
    armor: bool,
    #[command(flatten)]
    io: IoArgs,
}

#[derive(Debug, Args)]
struct KeyArgs {
    /// Key file [default: the file named by $SEAL_KEY_FILE].
    #[arg(
        short = 'k',
        long = "key",
        value_name = "KEYFILE",
        conflicts_with_all = ["key_env", "passphrase", "passphrase_env", "passphrase_fd"]
    )]
    key: Option<PathBuf>,
    /// Read the key text from environment variable NAME (for CI secrets).
    #[arg(
        long,
        value_name = "NAME",
        conflicts_with_all = ["passphrase", "passphrase_env", "passphrase_fd"]
    )]
    key_env: Option<OsString>,
    /// Use a passphrase, asked on the terminal (twice for enc), never echoed. dec and verify
    /// ask by themselves when the stream needs one.
    #[arg(short = 'p', long, conflicts_with_all = ["passphrase_env", "passphrase_fd"])]
    passphrase: bool,
    /// Read the passphrase from environment variable NAME (its whole value).
    #[arg(long, value_name = "NAME", conflicts_with = "passphrase_fd")]
    passphrase_env: Option<OsString>,
    /// Read the passphrase from file descriptor N (its first line), e.g. 3 with '3<file'.
    #[arg(long, value_name = "N")]
    passphrase_fd: Option<u32>,
}

impl KeyArgs {
    /// The passphrase source the options name, if any.
    fn passphrase_source(&self) -> Option<PassphraseSource> {
        if let Some(name) = &self.passphrase_env {
            Some(PassphraseSource::Env(name.clone()))
        } else if let Some(fd) = self.passphrase_fd {
            Some(PassphraseSource::Fd(fd))
        } else {
            self.passphrase.then_some(PassphraseSource::Terminal)
        }
    }

    /// Whether a key was named on the command line (not only through `$SEAL_KEY_FILE`).
    fn names_key(&self) -> bool {
        self.key.is_some() || self.key_env.is_some()
    }

    /// Refuses `--passphrase-fd 0` when stdin is also the input.
    fn check_fd(&self, input: Option<&Path>) -> anyhow::Result<()> {
        if self.passphrase_fd == Some(0) && is_stdio(input) {
            return Err(CliError::Usage(
                "--passphrase-fd 0 reads stdin, which is also the input: name an INPUT file".into(),
            )
            .into());
        }
        Ok(())
    }

    /// The secret for a stream whose header is `header`: the kind it names, from the options,
    /// asking on the terminal for a passphrase none of them gives.
    fn secret_for(&self, header: &Header, quiet: bool) -> anyhow::Result<OwnedSecret> {
        match header.key_kind() {
            KeyKind::KeyFile => match self.passphrase_source() {
                None => Ok(OwnedSecret::Key(load_key(self, quiet)?)),
                Some(_) => Err(header.key_kind().wrong_secret().into()),
            },
            KeyKind::Passphrase(_) if self.names_key() => {
                Err(header.key_kind().wrong_secret().into())
            }
            KeyKind::Passphrase(_) => {
                let source = self
                    .passphrase_source()
                    .unwrap_or(PassphraseSource::Terminal);
                Ok(OwnedSecret::Passphrase(source.read(false)?))
            }
        }
    }
}

/// A key or a passphrase, owned.
enum OwnedSecret {
    Key(Key),
    Passphrase(Passphrase),
}

impl OwnedSecret {
    fn as_secret(&self) -> Secret<'_> {
        match self {
            OwnedSecret::Key(key) => Secret::Key(key),
            OwnedSecret::Passphrase(pass) => Secret::Passphrase(pass),
        }
    }
}

#[derive(Debug, Args)]
struct UiArgs {
    /// Show progress on stderr even when it is not a terminal.
    #[arg(long, conflicts_with = "quiet")]
    progress: bool,
    /// Print nothing but errors (no progress, no warnings).
    #[arg(short, long)]
    quiet: bool,
}

impl UiArgs {
    fn show(&self) -> progress::Show {
        match (self.progress, self.quiet) {
            (_, true) => progress::Show::Never,
            (true, false) => progress::Show::Always,
            (false, false) => progress::Show::Auto,
        }
    }
}

#[derive(Debug, Args)]
struct VerifyArgs {
    #[command(flatten)]
    keys: KeyArgs,
    #[command(flatten)]
    ui: UiArgs,
    /// Worker threads [default: the number of available cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// Input file; "-" or nothing means stdin.
    input: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct IoArgs {
    #[command(flatten)]
    keys: KeyArgs,
    #[command(flatten)]
    ui: UiArgs,
    /// Write to FILE, atomically: nothing appears at FILE unless the whole stream succeeded.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Worker threads [default: the number of available cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// Input file; "-" or nothing means stdin.
    input: Option<PathBuf>,
}

/// Parses a size such as `65536`, `64KiB`, `64K`, `1MiB`, `1M` or `1GiB` (binary multiples).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, suffix) = text.split_at(split);
    let multiplier: u64 = match suffix.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        _ => {
            return Err(format!(
                "unknown size suffix {suffix:?} (use B, KiB, MiB or GiB)"
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

/// Parses an Argon2id memory size into KiB.
fn parse_kdf_memory(text: &str) -> Result<u32, String> {
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

fn parse_chunk_size(text: &str) -> Result<u32, String> {
    let size = parse_size(text)?;
    format::check_chunk_size(size).map_err(|e| e.to_string())
}

/// Errors of the command line itself, beside the library's.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    KeySource(String),
    #[error("interrupted")]
    Interrupted,
}

/// The exit status for an error, from the first typed error in its chain.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<CliError>() {
            return match e {
                CliError::Usage(_) => exit::USAGE,
                CliError::Refused(_) => exit::IO,
                CliError::KeySource(_) => exit::KEY,
                CliError::Interrupted => exit::INTERRUPTED,
            };
        }
        if let Some(e) = cause.downcast_ref::<Error>() {
            return match e.category() {
                Category::Io => exit::IO,
                Category::Key => exit::KEY,
                Category::Format => exit::FORMAT,
                Category::Integrity => exit::INTEGRITY,
            };
        }
    }
    exit::IO
}

/// Runs seal with the process's arguments and returns its exit status.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return exit::OK;
            }
            // clap's message is several lines; keep its first, as one line.
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or("invalid arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("seal: {first} (see 'seal --help')");
            return exit::USAGE;
        }
    };
    match run(cli) {
        Ok(()) => exit::OK,
        // The reader of our stdout went away (`seal dec … | head`): not a failure of seal.
        // Exit as quietly as a process ended by SIGPIPE would.
        Err(err) if is_broken_pipe(&err) => exit::BROKEN_PIPE,
        Err(err) => {
            eprintln!("seal: {err:#}");
            exit_code(&err)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|cause| match cause.downcast_ref::<Error>() {
            Some(Error::Write(e)) => e.kind() == io::ErrorKind::BrokenPipe,
            _ => false,
        })
}

/// Runs one parsed command.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Keygen { output } => keygen(output.as_deref()),
        Command::Enc(args) => enc(&args),
        Command::Dec(args) => dec(&args),
        Command::Verify(args) => verify(&args),
        Command::Info { json, input } => info(input.as_deref(), json),
        // Both are rendered into memory first: clap_complete panics on a failed write, and a
        // closed stdout must stay the quiet exit that write_stdout makes it.
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "seal", &mut script);
            write_stdout(&script)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut page)
                .context("rendering the man page")?;
            write_stdout(&page)
        }
    }
}

fn threads_or_default(threads: Option<u16>) -> usize {
    match threads {
        Some(n) => usize::from(n),
        None => std::thread::available_parallelism().map_or(1, usize::from),
    }
}

fn input_name(path: Option<&Path>) -> String {
    match path {
        Some(p) if !is_stdio(Some(p)) => format!("'{}'", p.display()),
        _ => "stdin".into(),
    }
}

fn enc(args: &EncArgs) -> anyhow::Result<()> {
    let cipher = match args.cipher {
        CipherArg::Aes256Gcm => Cipher::Aes256Gcm,
        CipherArg::ChaCha20Poly1305 => Cipher::ChaCha20Poly1305,
    };
    let keys = &args.io.keys;
    let source = keys.passphrase_source();
    if source.is_none() && (args.kdf_memory.is_some() || args.kdf_passes.is_some()) {
        return Err(CliError::Usage(
            "--kdf-memory and --kdf-passes apply only to a passphrase (-p, --passphrase-env, \
             --passphrase-fd)"
                .into(),
        )
        .into());
    }
    keys.check_fd(args.io.input.as_deref())?;
    let armor = args.armor;
    let output = if armor {
        Produces::Text
    } else {
        Produces::Ciphertext
    };
    transfer(&args.io, output, |_input, _name| {
        let encryptor = match &source {
            None => Encryptor::new(&load_key(keys, args.io.ui.quiet)?, cipher, args.chunk_size)?,
            Some(source) => {
                let default = Argon2Params::DEFAULT;
                let params = Argon2Params::new(
                    args.kdf_memory.unwrap_or(default.memory_kib()),
                    args.kdf_passes.unwrap_or(default.passes()),
                    default.lanes(),
                )
                .map_err(|e| CliError::Usage(e.to_string()))?;
                let pass = source.read(true)?;
                Encryptor::with_passphrase(&pass, params, cipher, args.chunk_size)?
            }
        };
        Ok(move |input, output: Target<'_>, threads| match output {
            // Armor is a stream of lines: it cannot be written at frame offsets.
            Target::Stream(out) if armor => encrypt_armored(encryptor, input, out, threads),
            Target::File(mut file) if armor => {
                encrypt_armored(encryptor, input, &mut file, threads)
            }
            Target::Stream(out) => encryptor.encrypt(input, out, threads).map(drop),
            Target::File(file) => encryptor.encrypt_to_file(input, file, threads).map(drop),
        })
    })
}

fn encrypt_armored<W: Write + ?Sized>(
    encryptor: Encryptor,
    input: Box<dyn Read + Send>,
    out: &mut W,
    threads: usize,
) -> crate::Result<()> {
    let mut writer = ArmorWriter::new(out);
    encryptor.encrypt(input, &mut writer, threads)?;
    writer.finish().map(drop).map_err(Error::Write)
}

/// Recognises armored input (replacing `input` with the stream it holds), reads the header and
/// opens the stream with the secret it needs.
fn open_stream(
    keys: &KeyArgs,
    quiet: bool,
    input: &mut Box<dyn Read + Send>,
    name: &str,
) -> anyhow::Result<Decryptor> {
    let raw = std::mem::replace(input, Box::new(io::empty()));
    let (reader, _armored) = armor::auto(raw)
        .map_err(Error::from_read)
        .with_context(|| name.to_string())?;
    *input = reader;
    let header = read_header(input).with_context(|| name.to_string())?;
    let secret = keys
        .secret_for(&header, quiet)
        .with_context(|| name.to_string())?;
    Decryptor::with_header(header, secret.as_secret()).with_context(|| name.to_string())
}

fn dec(args: &IoArgs) -> anyhow::Result<()> {
    args.keys.check_fd(args.input.as_deref())?;
    transfer(args, Produces::Plaintext, |input, name| {
        let decryptor = open_stream(&args.keys, args.ui.quiet, input, name)?;
        Ok(move |input, output: Target<'_>, threads| match output {
            Target::Stream(out) => decryptor.decrypt(input, out, threads).map(drop),
            Target::File(file) => decryptor.decrypt_to_file(input, file, threads).map(drop),
        })
    })
}

fn verify(args: &VerifyArgs) -> anyhow::Result<()> {
    args.keys.check_fd(args.input.as_deref())?;
    let input = Input::open(args.input.as_deref(), "verify")?;
    let name = input_name(args.input.as_deref());
    let total = input.regular_file_len();
    let (mut reader, mut bar) = progress::wrap(input.reader, total, args.ui.show());
    let decryptor = open_stream(&args.keys, args.ui.quiet, &mut reader, &name)?;
    if let Some(bar) = &mut bar {
        bar.start();
    }
    let result = decryptor.decrypt(reader, &mut io::sink(), threads_or_default(args.threads));
    progress::end(bar, result.is_ok());
    result.map(drop).with_context(|| name)
}

fn info(path: Option<&Path>, json: bool) -> anyhow::Result<()> {
    let input = Input::open(path, "info")?;
    let file_len = input.regular_file_len();
    let (mut reader, armored) = armor::auto(input.reader)
        .map_err(Error::from_read)
        .with_context(|| input_name(path))?;
    let header = read_header(&mut reader).with_context(|| input_name(path))?;
    // The length of armored text says little about the stream's: no layout from it.
    let stream_len = file_len.filter(|_| !armored);
    let layout = stream_len.map(|len| header.layout_for_length(len));
    let cipher = header.cipher().name();
    let chunk = header.chunk_size();
    let kind = header.key_kind();
    let text = if json {
        // Fixed field names, numbers and known names only: no escaping is needed.
        let (frames, plain) = match layout {
            Some(Some((f, p))) => (f.to_string(), p.to_string()),
            _ => ("null".into(), "null".into()),
        };
        let kdf = match kind {
            KeyKind::KeyFile => "null".to_string(),
            KeyKind::Passphrase(p) => format!(
                "{{\"algorithm\":\"argon2id\",\"memory_kib\":{},\"passes\":{},\"lanes\":{}}}",
                p.memory_kib(),
                p.passes(),
                p.lanes()
            ),
        };
        format!(
            "{{\"format\":\"seal\",\"version\":{},\"armored\":{armored},\"cipher\":\"{cipher}\",\
             \"chunk_size\":{chunk},\
             \"key_kind\":\"{}\",\"kdf\":{kdf},\"header_bytes\":{},\"stream_bytes\":{},\
             \"frames\":{frames},\"plaintext_bytes\":{plain},\"length_consistent\":{},\
             \"authenticated\":false}}\n",
            format::VERSION,
            kind.name(),
            header.len(),
            stream_len.map_or("null".into(), |l| l.to_string()),
            layout.map_or("null".into(), |l| l.is_some().to_string()),
        )
    } else {
        let mut text = format!(
            "format:     seal version {}{}\ncipher:     {cipher}\nchunk size: {chunk} bytes\n",
            format::VERSION,
            if armored { ", ASCII armor" } else { "" }
        );
        match kind {
            KeyKind::KeyFile => text.push_str("key kind:   key file\n"),
            KeyKind::Passphrase(p) => text.push_str(&format!(
                "key kind:   passphrase\nkdf:        argon2id, {} KiB, {} passes, {} lane(s)\n",
                p.memory_kib(),
                p.passes(),
                p.lanes()
            )),
        }
        match (stream_len, layout) {
            (Some(len), Some(Some((frames, plain)))) => text.push_str(&format!(
                "stream:     {len} bytes, {frames} frames\n\
                 plaintext:  {plain} bytes (from the length; run 'seal verify' to authenticate)\n"
            )),
            (Some(len), _) => text.push_str(&format!(
                "stream:     {len} bytes: no complete stream has this length (truncated or extended)\n"
            )),
            (None, _) if armored => {
                text.push_str("stream:     armored text: frame count unknown until read\n")
            }
            (None, _) => {
                text.push_str("stream:     not a regular file: frame count unknown until read\n")
            }
        }
        text
    };
    write_stdout(text.as_bytes())
}

/// Writes to stdout; a failure is an output error, so a closed pipe is the quiet exit 141.
fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(Error::Write)
        .context("stdout")
}

fn keygen(output: Option<&Path>) -> anyhow::Result<()> {
    let key = Key::generate()?;
    let text = key.to_text();
    match output {
        None => {
            write_stdout(text.as_bytes())?;
        }
        Some(path) => {
            // create_new: never overwrite; mode 0600 from creation, so no window where the
            // file is readable by others.
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .with_context(|| format!("creating key file '{}'", path.display()))?;
            file.write_all(text.as_bytes())
                .and_then(|()| file.sync_all())
                .with_context(|| format!("writing key file '{}'", path.display()))?;
        }
    }
    Ok(())
}

/// The key from `--key-env`, `-k` or `$SEAL_KEY_FILE`, in that order.
fn load_key(args: &KeyArgs, quiet: bool) -> anyhow::Result<Key> {
    if let Some(name) = &args.key_env {
        let value = std::env::var_os(name).ok_or_else(|| {
            CliError::KeySource(format!(
                "environment variable {} (from --key-env) is not set",
                name.to_string_lossy()
            ))
        })?;
        let text = Zeroizing::new(value.into_vec());
        return Key::from_text(&text)
            .with_context(|| format!("key in environment variable {}", name.to_string_lossy()));
    }
    let path = match &args.key {
        Some(path) => path.clone(),
        None => match std::env::var_os("SEAL_KEY_FILE") {
            Some(path) if !path.is_empty() => PathBuf::from(path),
            _ => {
                return Err(CliError::Usage(
                    "no key given: use -k KEYFILE, set SEAL_KEY_FILE, or use --key-env NAME".into(),
                )
                .into());
            }
        },
    };
    let shown = path.display();
    let file =
        File::open(&path).map_err(|e| CliError::KeySource(format!("key file '{shown}': {e}")))?;
    if let Ok(meta) = file.metadata()
        && meta.permissions().mode() & 0o077 != 0
        && !quiet
    {
        eprintln!(
            "seal: warning: key file '{shown}' is readable by others (mode {:o}); chmod 600 it",
            meta.permissions().mode() & 0o777
        );
    }
    Key::from_reader(file).map_err(|e| match e {
        // Unreadable (a directory, an I/O error): a key problem, not an input problem.
        Error::Read(io) => CliError::KeySource(format!("key file '{shown}': {io}")).into(),
        other => anyhow::Error::new(other).context(format!("key file '{shown}'")),
    })
}

/// What a command writes, for the refusals: ciphertext is never written to a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Produces {
    Ciphertext,
    Text,
    Plaintext,
}

/// Opens the input, runs `prepare` on it (which may recognise armor, read the header, ask for
/// a passphrase and stretch it, and returns the job to run), then opens the output and runs the
/// job between them. The output is completed only if the job succeeded; on failure a
/// temporary output file is removed when `Output` drops. Nothing is created at the output path
/// before `prepare` succeeded, and the progress bar is drawn only after it.
fn transfer<P, J>(args: &IoArgs, produces: Produces, prepare: P) -> anyhow::Result<()>
where
    P: FnOnce(&mut Box<dyn Read + Send>, &str) -> anyhow::Result<J>,
    J: FnOnce(Box<dyn Read + Send>, Target<'_>, usize) -> crate::Result<()>,
{
    let command = if produces == Produces::Plaintext {
        "dec"
    } else {
        "enc"
    };
    let ciphertext_out = produces == Produces::Ciphertext;
    let input = Input::open(args.input.as_deref(), command)?;
    files::preflight(args.output.as_deref(), input.meta(), ciphertext_out)?;
    let input_name = input_name(args.input.as_deref());
    let total = input.regular_file_len();
    let meta = input.meta().cloned();
    let (mut reader, mut bar) = progress::wrap(input.reader, total, args.ui.show());
    let job = prepare(&mut reader, &input_name)?;
    let mut output = Output::open(args.output.as_deref(), meta.as_ref(), ciphertext_out)?;
    let name = output.name();
    if let Some(bar) = &mut bar {
        bar.start();
    }
    let result = job(reader, output.target(), threads_or_default(args.threads)).map_err(|e| {
        let context = match &e {
            Error::Write(_) => name.clone(),
            _ => input_name.clone(),
        };
        anyhow::Error::new(e).context(context)
    });
    progress::end(bar, result.is_ok());
    result?;
    output.finish()
}
