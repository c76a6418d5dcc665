//! Where output lands, decided per kind of target before any input is read:
//!
//! - no `-o`, or `-o -`: stdout, as it is;
//! - a regular file, or a name that does not exist yet in an existing directory: written
//!   atomically ([`Staged`]): the new file replaces the old only after the whole run succeeded
//!   and the data is on disk; an existing file the user owns keeps its permission bits, a new
//!   one is created 0600;
//! - a symbolic link: followed; the file it points at is replaced atomically in *its*
//!   directory and the link stays a link (a link to nothing is refused);
//! - a character device or a FIFO (`/dev/null`, `/dev/stdout`, a named pipe): opened and
//!   written straight through, no temporary file, no rename; a terminal reached by any path
//!   gets no ciphertext;
//! - a directory, a name ending in `/`, a name in a directory that does not exist, a block
//!   device or a socket: refused.

use std::fs::{self, File, Metadata};
use std::io::{self, IsTerminal, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rustix::fs::{Mode, OFlags};

use crate::diag;
use crate::error::CliError;
use crate::files::{enlarge_pipe, is_stdio, refuse};
use crate::staged::Staged;
use seal::Error;

/// How the library is to write: in order to a stream, or at offsets into a file that seal
/// owns (the file behind `-o`), which lets every worker write.
pub enum Target<'a> {
    Stream(&'a mut StreamOut),
    File(&'a File),
}

/// What `-o PATH` means, from what is at PATH now.
#[derive(Debug)]
enum Plan {
    /// Stdout.
    Stdout,
    /// A character device or FIFO, written straight through.
    Device(PathBuf),
    /// A regular file (existing or not) replaced atomically; its metadata if it exists.
    Replace(PathBuf, Option<Metadata>),
}

fn refused(message: String) -> anyhow::Error {
    CliError::Refused(message).into()
}

/// Decides what `-o path` means, or refuses it, without creating or opening anything but a
/// character device (opened without blocking, to ask whether it is a terminal).
fn plan(path: Option<&Path>) -> anyhow::Result<Plan> {
    let Some(path) = path.filter(|p| !is_stdio(Some(p))) else {
        return Ok(Plan::Stdout);
    };
    let shown = diag::quote(path);
    if path.as_os_str().as_encoded_bytes().ends_with(b"/") {
        return Err(refused(format!(
            "output {shown} names a directory: -o takes a file name"
        )));
    }
    let link = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            return match fs::metadata(dir) {
                Ok(meta) if meta.is_dir() => Ok(Plan::Replace(path.to_path_buf(), None)),
                Ok(_) => Err(refused(format!(
                    "cannot create output {shown}: {} is not a directory",
                    diag::quote(dir)
                ))),
                Err(e) => Err(refused(format!(
                    "cannot create output {shown}: directory {}: {e}",
                    diag::quote(dir)
                ))),
            };
        }
        Err(e) => return Err(refused(format!("output {shown}: {e}"))),
    };
    let (meta, real) = if link.file_type().is_symlink() {
        let meta = fs::metadata(path)
            .map_err(|e| refused(format!("output {shown} is a symbolic link to nothing: {e}")))?;
        // Replace the file the link points at, in its own directory: the link stays.
        let real = if meta.is_file() {
            fs::canonicalize(path).with_context(|| format!("following the link {shown}"))?
        } else {
            path.to_path_buf()
        };
        (meta, real)
    } else {
        (link, path.to_path_buf())
    };
    let kind = meta.file_type();
    if kind.is_file() {
        Ok(Plan::Replace(real, Some(meta)))
    } else if kind.is_char_device() || kind.is_fifo() {
        Ok(Plan::Device(path.to_path_buf()))
    } else if kind.is_dir() {
        Err(refused(format!(
            "output {shown} is a directory: -o takes a file name"
        )))
    } else {
        let what = if kind.is_block_device() {
            "a block device"
        } else if kind.is_socket() {
            "a socket"
        } else {
            "not a regular file"
        };
        Err(refused(format!(
            "output {shown} is {what}: -o writes regular files, character devices and FIFOs \
             (redirect stdout to write anywhere else)"
        )))
    }
}

fn terminal_refusal() -> anyhow::Error {
    refused(crate::error::CIPHERTEXT_TO_TERMINAL.into())
}

/// Whether the character device at `path` is a terminal, asked without blocking and without
/// making it seal's controlling terminal.
fn is_terminal_device(path: &Path) -> bool {
    let flags = OFlags::WRONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    rustix::fs::open(path, flags, Mode::empty())
        .map(|fd| File::from(fd).is_terminal())
        .unwrap_or(false)
}

/// The refusals of [`Output::open`], without creating anything: run first, so that seal
/// neither reads a header nor asks for a passphrase only to refuse afterwards.
pub fn preflight(
    path: Option<&Path>,
    input: Option<&Metadata>,
    ciphertext: bool,
) -> anyhow::Result<()> {
    match plan(path)? {
        Plan::Stdout => {
            let out = crate::files::fd_metadata(&io::stdout());
            if crate::files::closed_at_start(&io::stdout(), out.as_ref()) {
                return Err(CliError::Usage(
                    "stdout is closed: name an output file with -o FILE (use '> /dev/null' to \
                     discard the output)"
                        .into(),
                )
                .into());
            }
            refuse(path, input, out.as_ref(), ciphertext)
        }
        Plan::Device(dev) => {
            let meta = fs::metadata(&dev).ok();
            if ciphertext
                && meta.is_some_and(|m| m.file_type().is_char_device())
                && is_terminal_device(&dev)
            {
                return Err(terminal_refusal());
            }
            Ok(())
        }
        Plan::Replace(_, meta) => refuse(path, input, meta.as_ref(), ciphertext),
    }
}

/// A stream that seal writes in order (stdout, a device, a FIFO). A descriptor left
/// non-blocking by whoever gave it to seal (node, some CI runners) is waited on until it can
/// take more, instead of failing with EAGAIN half-way.
pub struct StreamOut(File);

impl StreamOut {
    /// Stdout, through a duplicate of its descriptor: unbuffered, and without `Stdout`'s lock.
    pub fn stdout() -> io::Result<StreamOut> {
        Ok(StreamOut(File::from(
            io::stdout().as_fd().try_clone_to_owned()?,
        )))
    }
}

impl Write for StreamOut {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            match self.0.write(buf) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => wait_writable(&self.0)?,
                other => return other,
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Waits until `fd` can be written (or has failed: the next write says how).
fn wait_writable(fd: &impl AsFd) -> io::Result<()> {
    use rustix::event::{PollFd, PollFlags, poll};
    let mut fds = [PollFd::new(fd, PollFlags::OUT)];
    loop {
        match poll(&mut fds, None) {
            Ok(_) => return Ok(()),
            Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
}

/// Where output goes: a stream written straight through, or a staged file put in place when
/// the run succeeded.
pub enum Output {
    Stream(StreamOut, String),
    Atomic(Staged, PathBuf),
}

impl Output {
    pub fn open(
        path: Option<&Path>,
        input: Option<&Metadata>,
        ciphertext: bool,
    ) -> anyhow::Result<Output> {
        match plan(path)? {
            Plan::Stdout => {
                // Write to the descriptor directly: Stdout's line buffering only costs here.
                // The one duplicate serves the same-file check and the pipe sizing too.
                let file = File::from(
                    io::stdout()
                        .as_fd()
                        .try_clone_to_owned()
                        .context("using stdout")?,
                );
                let meta = file.metadata().ok();
                refuse(path, input, meta.as_ref(), ciphertext)?;
                enlarge_pipe(&file, meta.as_ref());
                Ok(Output::Stream(StreamOut(file), "stdout".into()))
            }
            Plan::Device(dev) => {
                let shown = diag::quote(&dev);
                // No O_CREAT, no O_TRUNC: the device or FIFO is used as it is. Opening a FIFO
                // waits for a reader, as a shell's redirection does.
                let flags = OFlags::WRONLY | OFlags::NOCTTY | OFlags::CLOEXEC;
                let file = File::from(
                    rustix::fs::open(&dev, flags, Mode::empty())
                        .map_err(|e| Error::Write(e.into()))
                        .with_context(|| format!("opening output {shown}"))?,
                );
                let meta = file.metadata().ok();
                let kind = meta.as_ref().map(Metadata::file_type);
                if !kind.is_some_and(|k| k.is_char_device() || k.is_fifo()) {
                    // Replaced by something else since it was examined: start again.
                    return Err(refused(format!(
                        "output {shown} changed while seal started"
                    )));
                }
                if ciphertext && file.is_terminal() {
                    return Err(terminal_refusal());
                }
                enlarge_pipe(&file, meta.as_ref());
                Ok(Output::Stream(StreamOut(file), shown))
            }
            Plan::Replace(target, meta) => {
                refuse(path, input, meta.as_ref(), ciphertext)?;
                let staged = Staged::create(&target, 0o600, meta.as_ref())?;
                Ok(Output::Atomic(staged, target))
            }
        }
    }

    pub fn target(&mut self) -> Target<'_> {
        match self {
            Output::Stream(out, _) => Target::Stream(out),
            Output::Atomic(staged, _) => Target::File(staged.file()),
        }
    }

    /// Completes the output: flushes a stream, or puts the staged file in place.
    pub fn finish(self) -> anyhow::Result<()> {
        match self {
            Output::Stream(mut out, name) => out.flush().map_err(Error::Write).context(name),
            Output::Atomic(staged, _) => staged.commit(),
        }
    }

    pub fn name(&self) -> String {
        match self {
            Output::Stream(_, name) => name.clone(),
            Output::Atomic(_, target) => diag::quote(target),
        }
    }
}
