//! `seal verify`: authenticate a whole stream without writing any plaintext.

use std::io;

use anyhow::Context;

use super::{input_name, open_stream, threads_or_default};
use crate::args::VerifyArgs;
use crate::files::Input;
use crate::progress;

pub fn verify(args: &VerifyArgs) -> anyhow::Result<()> {
    if args.armor {
        return Err(crate::args::armor_is_recognised("verify").into());
    }
    args.keys.check_fd(args.input.as_deref())?;
    let input = Input::open(args.input.as_deref(), "verify")?;
    let name = input_name(args.input.as_deref());
    let total = input.regular_file_len();
    let (mut reader, mut bar) =
        progress::wrap(input.reader, total, args.ui.show(), false, "ciphertext");
    let decryptor = open_stream(&args.keys, args.ui.quiet, &mut reader, &name)?;
    if let Some(bar) = &mut bar {
        bar.start();
    }
    let result = decryptor
        .threads(threads_or_default(args.threads))
        .decrypt_to(&mut io::sink());
    progress::end(bar, result.is_ok());
    result.map(drop).with_context(|| name)
}
