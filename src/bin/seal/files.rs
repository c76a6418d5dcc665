//! Input, and the refusals that protect users from themselves (ciphertext to a terminal,
//! binary input from a terminal, the same file in and out, the key file in or out). Where
//! output lands is `output`'s business.

use std::fs::{self, File, Metadata};
use std::io::{self, IsTerminal, Read};
use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use anyhow::Context;

use crate::diag;
use crate::error::CliError;

/// An input stream and, when it is a regular file, its metadata.
pub struct Input {
    pub reader: Box<dyn Read + Send>,
    meta: Option<Metadata>,
}

impl Input {
    /// The input's metadata, when known.
    pub fn meta(&self) -> Option<&Metadata> {
        self.meta.as_ref()
    }

    /// The input's length, when it is a regular file.
    pub fn regular_file_len(&self) -> Option<u64> {
        self.meta
            .as_ref()
            .filter(|m| m.is_file())
            .map(Metadata::len)
    }
}

/// Whether a path argument means a standard stream (absent, or `-`).
pub fn is_stdio(path: Option<&Path>) -> bool {
    path.is_none_or(|p| p.as_os_str() == "-")
}

impl Input {
    /// Opens INPUT, or stdin. Refuses a terminal on stdin: nobody types binary data, and `enc`
    /// waiting silently for it looks like a hang.
    pub fn open(path: Option<&Path>, command: &str) -> anyhow::Result<Input> {
        if is_stdio(path) {
            let stdin = io::stdin();
            if stdin.is_terminal() {
                let example = match command {
                    "enc" => "tar c dir | seal enc -k KEY > dir.tar.seal",
                    "info" => "seal info dir.tar.seal",
                    "verify" => "seal verify -k KEY dir.tar.seal",
                    _ => "seal dec -k KEY dir.tar.seal | tar x",
                };
                return Err(CliError::Usage(format!(
                    "{command}: no INPUT given and stdin is a terminal: name an input file or pipe \
                 data in, e.g. '{example}'"
                ))
                .into());
            }
            let meta = fd_metadata(&stdin);
            if closed_at_start(&stdin, meta.as_ref()) {
                return Err(CliError::Usage(format!(
                    "{command}: no INPUT given and stdin is closed: name an input file or pipe \
                     data in (use '< /dev/null' for an empty input)"
                ))
                .into());
            }
            enlarge_pipe(&stdin, meta.as_ref());
            return Ok(Input {
                reader: Box::new(stdin),
                meta,
            });
        }
        let path = path.unwrap_or(Path::new("-"));
        let file =
            File::open(path).with_context(|| format!("opening input {}", diag::quote(path)))?;
        let meta = file.metadata().ok();
        Ok(Input {
            reader: Box::new(file),
            meta,
        })
    }
}

/// Whether a standard stream was closed when seal started (`<&-`, `>&-`). The Rust runtime
/// then opens `/dev/null` read-write in its place (so that the descriptor cannot be taken by
/// another file); a shell's `< /dev/null` or `> /dev/null` opens it read-only or write-only.
/// So `/dev/null` open for reading *and* writing on a standard stream means it was closed.
pub fn closed_at_start(stream: &impl AsFd, meta: Option<&Metadata>) -> bool {
    use rustix::fs::{OFlags, major, minor};
    use std::os::unix::fs::FileTypeExt;
    let dev_null = meta.is_some_and(|m| {
        m.file_type().is_char_device() && major(m.rdev()) == 1 && minor(m.rdev()) == 3
    });
    dev_null && rustix::fs::fcntl_getfl(stream).is_ok_and(|f| f & OFlags::RWMODE == OFlags::RDWR)
}

/// Metadata of an open standard stream, without taking it over.
pub fn fd_metadata(stream: &impl AsFd) -> Option<Metadata> {
    let fd = stream.as_fd().try_clone_to_owned().ok()?;
    File::from(fd).metadata().ok()
}

/// Asks for a 1 MiB buffer on a pipe, so that a frame crosses it with few wake-ups of the
/// process at the other end (the default is 64 KiB). Best effort: the kernel may refuse.
pub fn enlarge_pipe(stream: &impl AsFd, meta: Option<&Metadata>) {
    use std::os::unix::fs::FileTypeExt;
    if meta.is_some_and(|m| m.file_type().is_fifo()) {
        let _ = rustix::pipe::fcntl_setpipe_size(stream, 1 << 20);
    }
}

pub fn same_file(a: &Metadata, b: &Metadata) -> bool {
    a.is_file() && b.is_file() && a.dev() == b.dev() && a.ino() == b.ino()
}

/// Refuses ciphertext to a terminal, and an output that is the input (`out`: the output's
/// metadata, if it exists yet).
pub fn refuse(
    path: Option<&Path>,
    input: Option<&Metadata>,
    out: Option<&Metadata>,
    ciphertext: bool,
) -> anyhow::Result<()> {
    if ciphertext && is_stdio(path) && io::stdout().is_terminal() {
        return Err(CliError::Refused(crate::error::CIPHERTEXT_TO_TERMINAL.into()).into());
    }
    if let (Some(inp), Some(out)) = (input, out)
        && same_file(inp, out)
    {
        let what = match path {
            Some(p) if !is_stdio(path) => {
                format!("input and output {} are the same file", diag::quote(p))
            }
            _ => "input and output are the same file".into(),
        };
        return Err(CliError::Refused(what).into());
    }
    Ok(())
}

/// Refuses a run whose input or output is the key file itself (`seal enc -k key -o key x`
/// would replace the only copy of the key with ciphertext nobody can open). Files are compared
/// by device and inode, so other names (links, `./key`, `/proc/self/fd/N`) are caught too. A
/// key file that cannot be examined is left to the key loader to report.
pub fn refuse_key_file(
    key: &Path,
    output: Option<&Path>,
    input: Option<&Metadata>,
) -> anyhow::Result<()> {
    // Only a regular file can be a key file; the key loader refuses anything else.
    let Some(key_meta) = fs::metadata(key).ok().filter(Metadata::is_file) else {
        return Ok(());
    };
    let out = if is_stdio(output) {
        fd_metadata(&io::stdout())
    } else {
        fs::metadata(output.unwrap_or(Path::new("-"))).ok()
    };
    let same = |m: Option<&Metadata>| {
        m.is_some_and(|m| m.dev() == key_meta.dev() && m.ino() == key_meta.ino())
    };
    let what = if same(input) {
        "input"
    } else if same(out.as_ref()) {
        "output"
    } else {
        return Ok(());
    };
    Err(CliError::Refused(format!(
        "the key or identity file is also the {what}: refusing to {} it",
        if what == "input" {
            "encrypt or decrypt"
        } else {
            "overwrite"
        }
    ))
    .into())
}
