//! The shape of `enc` and `dec`: input, then the secret and the job, then the output, in the
//! order that refuses early and creates nothing at `-o` before the job can run.

use std::io::Read;

use seal::Error;

use super::{input_name, threads_or_default};
use crate::args::IoArgs;
use crate::files::{self, Input};
use crate::output::{self, Output, Target};
use crate::progress;

/// What a command writes, for the refusals: ciphertext is never written to a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Produces {
    Ciphertext,
    Text,
    Plaintext,
}

/// Opens the input, runs `prepare` on it (which may recognise armor, read the header, ask for
/// a passphrase and stretch it, and returns the job to run), then opens the output and runs the
/// job between them. The output is completed only if the job succeeded; on failure a
/// temporary output file is removed when `Output` drops. Nothing is created at the output path
/// before `prepare` succeeded, and the progress bar is drawn only after it.
pub fn transfer<P, J>(args: &IoArgs, produces: Produces, prepare: P) -> anyhow::Result<()>
where
    P: FnOnce(&mut Box<dyn Read + Send>, &str) -> anyhow::Result<J>,
    J: FnOnce(Box<dyn Read + Send>, Target<'_>, usize) -> seal::Result<()>,
{
    let command = if produces == Produces::Plaintext {
        "dec"
    } else {
        "enc"
    };
    let ciphertext_out = produces == Produces::Ciphertext;
    let input = Input::open(args.input.as_deref(), command)?;
    output::preflight(args.output.as_deref(), input.meta(), ciphertext_out)?;
    for key in args.keys.key_files() {
        files::refuse_key_file(&key, args.output.as_deref(), input.meta())?;
    }
    let input_name = input_name(args.input.as_deref());
    let total = input.regular_file_len();
    let meta = input.meta().cloned();
    let (mut reader, mut bar) = progress::wrap(
        input.reader,
        total,
        args.ui.show(),
        files::is_stdio(args.output.as_deref()),
        if produces == Produces::Plaintext {
            "ciphertext"
        } else {
            "plaintext"
        },
    );
    let job = prepare(&mut reader, &input_name)?;
    // A staged file stays 0600 until it is committed (see `Staged`).
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
