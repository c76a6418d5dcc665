//! `seal enc`: encrypt INPUT to OUTPUT, binary or armored, with a key, a passphrase, or to
//! public-key recipients.

use std::io::{self, Read, Write};

use anyhow::Context;
use seal::{Argon2Params, ArmorWriter, Cipher, Encryptor, Error, Sniffed, sniff};

use super::transfer::{Produces, transfer};
use crate::args::{CipherArg, EncArgs};
use crate::diag;
use crate::error::CliError;
use crate::output::Target;
use crate::prompt::{PassphraseOptions, PassphraseSource};
use crate::recipients;
use crate::secrets::{load_key, read_passphrase};

/// What the binary adds to the library's refusal to mix post-quantum and classical
/// recipients ([`seal::Recipient::check_mix`]): the flag that allows the mix.
const MIX_FLAG: &str = "--allow-classical-mix not given";

pub fn enc(args: &EncArgs) -> anyhow::Result<()> {
    let cipher = match args.cipher {
        CipherArg::Aes256Gcm => Cipher::Aes256Gcm,
        CipherArg::ChaCha20Poly1305 => Cipher::ChaCha20Poly1305,
    };
    let keys = &args.io.keys;
    let source = match keys.passphrase_source() {
        // Two passphrases may be asked for: the prompt says which one this is.
        Some(PassphraseSource::Terminal(_)) if args.sign.is_some() => Some(
            PassphraseSource::Terminal(PassphraseOptions::STREAM_BESIDE_SIGNER),
        ),
        other => other,
    };
    if source.is_none() && (args.kdf_memory.is_some() || args.kdf_passes.is_some()) {
        return Err(CliError::Usage(
            "--kdf-memory and --kdf-passes apply only to a passphrase (-p, --passphrase-env, \
             --passphrase-fd)"
                .into(),
        )
        .into());
    }
    keys.check_fd(args.io.input.as_deref())?;
    // Recipients are checked before any input is read or output made.
    let to = if args.recipients.is_empty() && args.recipients_files.is_empty() {
        None
    } else {
        let to = recipients::gather(
            &args.recipients,
            &args.recipients_files,
            args.io.input.as_deref(),
        )?;
        if !args.allow_classical_mix {
            seal::Recipient::check_mix(&to).context(MIX_FLAG)?;
        }
        Some(to)
    };
    if !keys.key.is_empty() && keys.passphrase_fd.is_some() {
        return Err(CliError::Usage(
            "--passphrase-fd with -k gives the passphrase of an OpenSSH key, for dec and verify; \
             seal enc takes a key or a passphrase, not both"
                .into(),
        )
        .into());
    }
    // The signer is read before any input, as the recipients are.
    if args.signer_passphrase_fd.is_some() && args.signer_passphrase_fd == keys.passphrase_fd {
        return Err(CliError::Usage(
            "--signer-passphrase-fd and --passphrase-fd name the same descriptor: give the \
             signer file's passphrase and the stream's on different ones"
                .into(),
        )
        .into());
    }
    if args.signer_passphrase_fd == Some(0) && crate::files::is_stdio(args.io.input.as_deref()) {
        return Err(CliError::Usage(
            "--signer-passphrase-fd 0 reads stdin, which is also the input: name an INPUT file"
                .into(),
        )
        .into());
    }
    // Everything cheap is checked before the signer's passphrase is asked for and Argon2id
    // run: the comment and the stream's cost here, the input and the output in `transfer`.
    if let Some(comment) = &args.signed_comment {
        seal::check_comment(comment.as_bytes())
            .map_err(|e| CliError::Usage(format!("--signed-comment: {e}")))?;
    }
    let params = match &source {
        Some(_) => Some(super::signing::kdf_params(
            args.kdf_memory,
            args.kdf_passes,
        )?),
        None => None,
    };
    let signer_source = super::signing::passphrase_source(
        args.signer_passphrase_env.as_ref(),
        args.signer_passphrase_fd,
        false,
        PassphraseOptions::SIGNER,
    );
    let armor = args.armor;
    let output = if armor {
        Produces::Text
    } else {
        Produces::Ciphertext
    };
    transfer(&args.io, output, |input, name| {
        // The signer is opened before the stream's passphrase is read and before any input.
        let signer = match &args.sign {
            Some(path) => Some(super::signing::load_signer(
                path,
                signer_source.as_ref(),
                PassphraseOptions::SIGNER,
                args.io.ui.quiet,
            )?),
            None => None,
        };
        let encryptor = match (&to, &source) {
            (Some(to), _) if args.allow_classical_mix => {
                Encryptor::with_recipients_allowing_classical_mix(to)?
            }
            (Some(to), _) => Encryptor::with_recipients(to).context(MIX_FLAG)?,
            (None, None) => Encryptor::with_key(&load_key(keys, args.io.ui.quiet)?)?,
            (None, Some(source)) => {
                let params = params.unwrap_or(Argon2Params::DEFAULT);
                let pass = read_passphrase(source, true, args.io.ui.quiet)?;
                Encryptor::with_passphrase_cost(&pass, params)?
            }
        };
        let encryptor = encryptor.cipher(cipher).chunk_size(args.chunk_size);
        let encryptor = match args.max_delay {
            Some(delay) => encryptor.max_delay(delay),
            None => encryptor,
        };
        let encryptor = match &signer {
            Some(signer) => encryptor.sign(signer, args.signed_comment.as_deref().unwrap_or(""))?,
            None => encryptor,
        };
        if !args.io.ui.quiet {
            // A live stream must not wait for more input than the producer has sent.
            warn_if_sealed(input, name, args.max_delay.is_none())?;
        }
        Ok(move |input, output: Target<'_>, threads| {
            let encryptor = encryptor.threads(threads);
            match output {
                // Armor is a stream of lines: it cannot be written at frame offsets.
                Target::Stream(out) if armor => encrypt_armored(encryptor, input, out),
                Target::File(mut file) if armor => encrypt_armored(encryptor, input, &mut file),
                Target::Stream(out) => encryptor.encrypt(input, out).map(drop),
                Target::File(file) => encryptor.encrypt_to_file(input, file).map(drop),
            }
        })
    })
}

/// Warns when the input already starts like a seal stream: seal's magic bytes, or the armor's
/// BEGIN line after blank space (`seal enc -o doc.txt doc.txt.seal` mixes up the two files).
/// Peeks at the first bytes and puts them back in front of the rest of `input`: up to 128
/// bytes, or with `patient` false, only what one read returns (a live producer's first line
/// must go out within the delay, not wait for 128 bytes).
fn warn_if_sealed(
    input: &mut Box<dyn Read + Send>,
    name: &str,
    patient: bool,
) -> anyhow::Result<()> {
    const PEEK: usize = 128;
    let mut first = Vec::with_capacity(PEEK);
    let mut rest = std::mem::replace(input, Box::new(io::empty()));
    let read = if patient {
        (&mut rest).take(PEEK as u64).read_to_end(&mut first)
    } else {
        first.resize(PEEK, 0);
        let got = loop {
            match rest.read(&mut first) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                other => break other,
            }
        };
        first.truncate(*got.as_ref().unwrap_or(&0));
        got
    };
    let looks_like = match sniff(&first) {
        Some(Sniffed::Binary) => Some("binary"),
        Some(Sniffed::Armored) => Some("ASCII armor"),
        None => None,
    };
    *input = Box::new(io::Cursor::new(first).chain(rest));
    read.map_err(Error::Read).with_context(|| name.to_owned())?;
    if let Some(kind) = looks_like {
        diag::warn(format_args!(
            "{name} is already a seal stream ({kind}); encrypting it again (did you mean \
             'seal dec'?)"
        ));
    }
    Ok(())
}

pub fn encrypt_armored<W: Write + ?Sized>(
    encryptor: Encryptor,
    input: Box<dyn Read + Send>,
    out: &mut W,
) -> seal::Result<()> {
    let mut writer = ArmorWriter::new(out);
    encryptor.encrypt(input, &mut writer)?;
    writer.finish().map(drop).map_err(Error::Write)
}
