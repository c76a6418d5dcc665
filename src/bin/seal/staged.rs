//! A file written beside its final name and given that name only once it is complete and on
//! disk: the `-o` output of `enc` and `dec`, and `keygen -o`.
//!
//! On Linux the data goes into an anonymous file (`O_TMPFILE`) in the target's directory: it
//! has no name while it is written, so nothing is left behind whatever ends seal, SIGKILL and
//! the OOM killer included. Where the file system or the platform has no `O_TMPFILE` (or no
//! `/proc/self/fd` to link it by), a named temporary file `.seal-tmp-*` is used instead; the
//! signal thread removes it on every terminating signal it can catch, and only SIGKILL (or a
//! crash of the machine) can leave it behind.
//!
//! Committing is, in order: `fsync` the file's data, give it a temporary name (anonymous
//! file only), check `close`, rename it over the target (or link it to a new name that must
//! not exist, for keys), `fsync` the directory. Any failure before the rename leaves the
//! target as it was and is a write error; a failure to sync the directory after the rename
//! is reported too (the output is in place, but a crash could still undo the rename).

use std::fs::{self, File, Metadata};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::Context;
use rustix::fs::{AtFlags, CWD, Mode, OFlags};
use seal::Error;
use tempfile::TempPath;

use crate::diag;
use crate::signals::PendingFile;
use crate::sys;

/// Prefix of the named temporary files (and of the anonymous file's short-lived name).
const TEMP_PREFIX: &str = ".seal-tmp-";

/// A file being written for `target`.
pub struct Staged {
    file: File,
    dir: File,
    dir_path: PathBuf,
    target: PathBuf,
    /// The named temporary file (removed on drop, and by the signal thread), or `None` for an
    /// anonymous `O_TMPFILE` file, which has no name until committed.
    temp: Option<TempPath>,
    pending: PendingFile,
}

impl Staged {
    /// Creates the file in `target`'s directory with permission bits `mode` (exactly: the
    /// umask does not apply), or, when `keep` names a regular file the user owns, with that
    /// file's permission bits.
    pub fn create(target: &Path, mode: u32, keep: Option<&Metadata>) -> anyhow::Result<Staged> {
        let dir_path = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let shown_dir = diag::quote(&dir_path);
        let dir = File::from(
            rustix::fs::open(
                &dir_path,
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(io::Error::from)
            .with_context(|| format!("opening directory {shown_dir}"))?,
        );
        let (file, temp, pending) = match anonymous(&dir) {
            Some(file) => {
                let (file, pending) = PendingFile::register(|| Ok((file, None)))?;
                (file, None, pending)
            }
            None => {
                let (temp, pending) = PendingFile::register(|| {
                    let temp = tempfile::Builder::new()
                        .prefix(TEMP_PREFIX)
                        .tempfile_in(&dir_path)
                        .map_err(crate::error::without_path)
                        .with_context(|| format!("cannot write in directory {shown_dir}"))?;
                    let path = temp.path().to_path_buf();
                    Ok((temp, Some(path)))
                })?;
                let (file, path) = temp.into_parts();
                (file, Some(path), pending)
            }
        };
        // The new file's owner is the owner seal's files get: keep the bits of an existing
        // target only if that is who owns it (never hand another user's bits to our file).
        let own = file.metadata().map(|m| m.uid()).ok();
        let mode = match keep {
            Some(meta) if meta.is_file() && Some(meta.uid()) == own => meta.mode() & 0o777,
            _ => mode,
        };
        file.set_permissions(fs::Permissions::from_mode(mode))
            .with_context(|| format!("setting the permissions of the output in {shown_dir}"))?;
        Ok(Staged {
            file,
            dir,
            dir_path,
            target: target.to_path_buf(),
            temp,
            pending,
        })
    }

    /// The file to write.
    pub fn file(&self) -> &File {
        &self.file
    }

    /// Puts the complete file at the target, replacing what is there.
    pub fn commit(self) -> anyhow::Result<()> {
        self.finish(true)
    }

    /// Puts the complete file at the target, which must not exist (never overwrites).
    pub fn commit_new(self) -> anyhow::Result<()> {
        self.finish(false)
    }

    fn finish(self, replace: bool) -> anyhow::Result<()> {
        let Staged {
            file,
            dir,
            dir_path,
            target,
            temp,
            pending,
        } = self;
        let shown = diag::quote(&target);
        let write_error = |e: io::Error, what: &str| {
            anyhow::Error::new(Error::Write(e)).context(format!("{what} {shown}"))
        };
        file.sync_all()
            .map_err(|e| write_error(e, "syncing the output for"))?;
        let path = match temp {
            Some(path) => path,
            None if !replace => {
                // link(2) never replaces: the name appears complete, or not at all.
                pending
                    .complete(|| link(&file, &target))
                    .map_err(|e| anyhow::Error::new(e).context(format!("creating {shown}")))?;
                if let Err(e) = sys::close(file) {
                    let _ = fs::remove_file(&target);
                    return Err(write_error(e, "closing"));
                }
                return sync_dir(&dir, &target);
            }
            None => pending.name(|| {
                let named = tempfile::Builder::new()
                    .prefix(TEMP_PREFIX)
                    .make_in(&dir_path, |p| link(&file, p))
                    .map_err(|e| write_error(e, "naming the output for"))?
                    .into_temp_path();
                let path = named.to_path_buf();
                Ok((named, path))
            })?,
        };
        sys::close(file).map_err(|e| write_error(e, "closing the output for"))?;
        let persisted = if replace {
            pending.complete(|| path.persist(&target))
        } else {
            pending.complete(|| path.persist_noclobber(&target))
        };
        persisted
            .map_err(|e| anyhow::Error::new(e.error))
            .with_context(|| format!("putting the output in place at {shown}"))?;
        sync_dir(&dir, &target)
    }
}

/// An anonymous file in `dir`, if the platform and the file system have them and seal can
/// later link it by `/proc/self/fd` (linking by `AT_EMPTY_PATH` needs a capability).
fn anonymous(dir: &File) -> Option<File> {
    if !cfg!(target_os = "linux") || !Path::new("/proc/self/fd").is_dir() {
        return None;
    }
    let flags = OFlags::TMPFILE | OFlags::RDWR | OFlags::CLOEXEC;
    rustix::fs::openat(dir, ".", flags, Mode::from_raw_mode(0o600))
        .ok()
        .map(File::from)
}

/// Gives the anonymous `file` the name `to`; fails with `AlreadyExists` if `to` exists.
fn link(file: &File, to: &Path) -> io::Result<()> {
    let by_empty_path = rustix::fs::linkat(file, "", CWD, to, AtFlags::EMPTY_PATH);
    match by_empty_path {
        Ok(()) => Ok(()),
        Err(rustix::io::Errno::EXIST) => Err(io::ErrorKind::AlreadyExists.into()),
        Err(_) => {
            let by_proc = format!("/proc/self/fd/{}", file.as_raw_fd());
            rustix::fs::linkat(CWD, by_proc.as_str(), CWD, to, AtFlags::SYMLINK_FOLLOW)
                .map_err(io::Error::from)
        }
    }
}

/// Syncs the directory so that the new name survives a crash.
fn sync_dir(dir: &File, target: &Path) -> anyhow::Result<()> {
    dir.sync_all().map_err(Error::Write).with_context(|| {
        format!(
            "syncing the directory of {} (the output is in place, but a crash may still undo it)",
            diag::quote(target)
        )
    })
}
