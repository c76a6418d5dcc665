//! One module per command; this one dispatches and holds what several commands share.

mod dec;
mod enc;
mod header;
mod info;
mod keygen;
mod range;
mod signing;
mod transfer;
mod verify;

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use seal::Error;

use crate::args::{Cli, Command};
use crate::diag;
use crate::files::is_stdio;

use dec::dec;
pub use dec::open_stream;
use enc::enc;
use info::info;
use keygen::{keygen, recipient};
use verify::verify;

/// Runs one parsed command.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Keygen {
            output,
            signer: true,
            signer_kind,
            protect,
            ..
        } => signing::keygen_signer(output.as_deref(), signer_kind, &protect),
        Command::Keygen {
            output,
            identity,
            kind,
            ..
        } => keygen(output.as_deref(), identity.then_some(kind)),
        Command::Signer {
            file,
            passphrase_env,
            passphrase_fd,
            output,
            new,
        } => signing::signer(
            &file,
            signing::passphrase_source(
                passphrase_env.as_ref(),
                passphrase_fd,
                false,
                crate::prompt::PassphraseOptions::STREAM,
            )
            .as_ref(),
            output.as_deref(),
            &new,
        ),
        Command::Recipient { identity } => recipient(&identity),
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
            write_stdout(crate::man::page(&cmd).as_bytes())
        }
    }
}

pub fn threads_or_default(threads: Option<u16>) -> usize {
    match threads {
        Some(n) => usize::from(n),
        // Capped as --threads is: a 128-core machine gets 64 workers, not 128.
        None => seal::default_threads(),
    }
}

/// `n` and a noun, singular for one: "1 frame", "2 frames", "0 bytes".
pub fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

pub fn input_name(path: Option<&Path>) -> String {
    match path {
        Some(p) if !is_stdio(Some(p)) => diag::quote(p),
        _ => "stdin".into(),
    }
}

/// Writes to stdout (waiting on a non-blocking one); a failure is an output error, so a
/// closed pipe is the quiet exit 141.
pub fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = crate::output::StreamOut::stdout().context("using stdout")?;
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(Error::Write)
        .context("stdout")
}
