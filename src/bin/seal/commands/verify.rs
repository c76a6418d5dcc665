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
    if args.signers.required() {
        return verify_signed(args, reader, bar, &name);
    }
    let decryptor = open_stream(&args.keys, args.ui.quiet, &mut reader, &name)?;
    let signed = decryptor.header().signed().cloned();
    if let Some(bar) = &mut bar {
        bar.start();
    }
    let result = decryptor
        .threads(threads_or_default(args.threads))
        .decrypt_to(&mut io::sink());
    progress::end(bar, result.is_ok());
    result.with_context(|| name)?;
    // A signed stream's signature was checked at its end, against the key its own header
    // names: said as `dec` says it.
    if let Some(signed) = &signed {
        super::signing::report(signed, None, false, args.ui.quiet);
    }
    Ok(())
}

/// `verify --signed-by`: the signer's policy, then with a key every frame opened and the
/// signature, without a key the signature alone (over the frames as stored).
fn verify_signed(
    args: &VerifyArgs,
    reader: Box<dyn std::io::Read + Send>,
    mut bar: Option<progress::Progress>,
    name: &str,
) -> anyhow::Result<()> {
    let quiet = args.ui.quiet;
    let allowed = super::signing::allowed(&args.signers)?;
    let (decryptor, _) = super::header::read(reader, name)?;
    let (verifying, signed, signer_name) =
        super::signing::require(decryptor, &allowed, &args.signers, name)?;
    let threads = threads_or_default(args.threads);
    let keyless = args.keys.none_given();
    let result = if keyless {
        if let Some(bar) = &mut bar {
            bar.start();
        }
        verifying.verify_signature(threads)
    } else {
        let secret = args
            .keys
            .secret_for(verifying.header(), quiet)
            .with_context(|| name.to_string())?;
        let stream = verifying
            .unlock(secret.as_secret())
            .with_context(|| name.to_string())?;
        if let Some(bar) = &mut bar {
            bar.start();
        }
        stream.threads(threads).verify().map(drop)
    };
    progress::end(bar, result.is_ok());
    result.with_context(|| name.to_string())?;
    super::signing::report(&signed, signer_name.as_deref(), true, quiet);
    if keyless && !quiet {
        crate::diag::note(
            "frames not decrypted: no key given (the signature covers them as stored)",
        );
    }
    Ok(())
}
