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
//! The file is mode 0600 from its creation until it is committed, whatever it holds and
//! whatever mode it will have: the bits it keeps (those of the file it replaces, if the user
//! owns it) are given only at commit, so a named temporary file is never readable by others.
//!
//! Committing is, in order: give the file its final mode, `fsync` the file's data, give it a temporary name (anonymous
//! file only), check `close`, rename it over the target (or link it to a new name that must
//! not exist, for keys), `fsync` the directory. Any failure before the rename leaves the
//! target as it was and is a write error; a failure to sync the directory after the rename
//! is reported too (the output is in place, but a crash could still undo the rename).
//!
//! Every name is made, linked, renamed and removed relative to the directory descriptor
//! opened at the start (`openat`, `linkat`, `renameat`, `unlinkat`), never by path again: a
//! directory of the path renamed or swapped for a symbolic link during the run cannot move
//! the output, or the temporary file, anywhere else.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File, Metadata};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::Context;
use rustix::fs::{AtFlags, CWD, Mode, OFlags};
use seal::Error;

use crate::diag;
use crate::signals::{self, PendingFile};
use crate::sys;

/// Prefix of the named temporary files (and of the anonymous file's short-lived name).
const TEMP_PREFIX: &str = ".seal-tmp-";

/// A temporary name in the output's directory (`dir`: a duplicate of its descriptor),
/// removed on drop unless kept.
struct TempGuard {
    dir: File,
    name: OsString,
    keep: bool,
}

impl TempGuard {
    /// Guards the name `name` just made in `dir`, and returns it with a second copy for the
    /// signal thread to remove; on failure the name is removed at once.
    fn new(dir: &File, name: OsString) -> anyhow::Result<(TempGuard, signals::TempName)> {
        match (dir.try_clone(), dir.try_clone()) {
            (Ok(own), Ok(for_signals)) => Ok((
                TempGuard {
                    dir: own,
                    name: name.clone(),
                    keep: false,
                },
                (for_signals, name),
            )),
            (Err(e), _) | (_, Err(e)) => {
                let _ = rustix::fs::unlinkat(dir, name.as_os_str(), AtFlags::empty());
                Err(anyhow::Error::new(e).context("duplicating a descriptor"))
            }
        }
    }
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        if !self.keep {
            let _ = rustix::fs::unlinkat(&self.dir, self.name.as_os_str(), AtFlags::empty());
        }
    }
}

/// Runs `make` with fresh `.seal-tmp-*` names until one does not exist yet (`make` creates
/// the name in the output's directory, failing with `AlreadyExists` for a name taken).
fn with_temp_name<T>(mut make: impl FnMut(&OsStr) -> io::Result<T>) -> io::Result<(T, OsString)> {
    use std::hash::{BuildHasher, Hasher};
    let mut last = io::Error::from(io::ErrorKind::AlreadyExists);
    for _ in 0..64 {
        // Not a secret, only unlikely to be taken: every name is made with O_EXCL (or by
        // link(2), which never replaces), so a name someone else holds is only skipped.
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u32(std::process::id());
        let name = OsString::from(format!("{TEMP_PREFIX}{:016x}", hasher.finish()));
        match make(&name) {
            Ok(made) => return Ok((made, name)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// A file being written for `target`.
pub struct Staged {
    file: File,
    dir: File,
    target: PathBuf,
    /// The target's name in `dir`.
    name: OsString,
    /// The named temporary file in `dir` (removed on drop, and by the signal thread), or
    /// `None` for an anonymous `O_TMPFILE` file, which has no name until committed.
    temp: Option<TempGuard>,
    pending: PendingFile,
    /// Permission bits given only at commit: until then the file is 0600, whatever it will
    /// be (its content is not final, and a signed stream's not even verified, before then).
    final_mode: u32,
}

impl Staged {
    /// Creates the file in `target`'s directory at mode 0600; [`Staged::commit`] gives it
    /// permission bits `mode` (exactly: the umask does not apply), or, when `keep` names a
    /// regular file the user owns, that file's permission bits.
    pub fn create(target: &Path, mode: u32, keep: Option<&Metadata>) -> anyhow::Result<Staged> {
        let dir_path = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let shown_dir = diag::quote(&dir_path);
        let name = target
            .file_name()
            .ok_or_else(|| anyhow::anyhow!("output {} has no file name", diag::quote(target)))?
            .to_os_string();
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
                let ((file, temp), pending) = PendingFile::register(|| {
                    let flags = OFlags::CREATE
                        | OFlags::EXCL
                        | OFlags::RDWR
                        | OFlags::NOFOLLOW
                        | OFlags::CLOEXEC;
                    let (file, temp) = with_temp_name(|name| {
                        rustix::fs::openat(&dir, name, flags, Mode::from_raw_mode(0o600))
                            .map(File::from)
                            .map_err(io::Error::from)
                    })
                    .with_context(|| format!("cannot write in directory {shown_dir}"))?;
                    let (guard, for_signals) = TempGuard::new(&dir, temp)?;
                    Ok(((file, guard), Some(for_signals)))
                })?;
                (file, Some(temp), pending)
            }
        };
        // The new file's owner is the owner seal's files get: keep the bits of an existing
        // target only if that is who owns it (never hand another user's bits to our file).
        let own = file.metadata().map(|m| m.uid()).ok();
        let mode = match keep {
            Some(meta) if meta.is_file() && Some(meta.uid()) == own => meta.mode() & 0o777,
            _ => mode,
        };
        let staged = Staged {
            file,
            dir,
            target: target.to_path_buf(),
            name,
            temp,
            pending,
            final_mode: mode,
        };
        // Made 0600 less the umask: now exactly 0600, whatever the umask.
        staged
            .file
            .set_permissions(fs::Permissions::from_mode(0o600))
            .with_context(|| format!("setting the permissions of the output in {shown_dir}"))?;
        Ok(staged)
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
        let shown = diag::quote(&self.target);
        self.file
            .set_permissions(fs::Permissions::from_mode(self.final_mode))
            .with_context(|| format!("setting the permissions of {shown}"))?;
        let write_error = |e: io::Error, what: &str| {
            anyhow::Error::new(Error::Write(e)).context(format!("{what} {shown}"))
        };
        self.file
            .sync_all()
            .map_err(|e| write_error(e, "syncing the output for"))?;
        let Staged {
            file,
            dir,
            target,
            name,
            temp,
            pending,
            ..
        } = self;
        let mut temp = match temp {
            Some(temp) => temp,
            None if !replace => {
                // link(2) never replaces: the name appears complete, or not at all.
                pending
                    .complete(|| link(&file, &dir, &name))
                    .map_err(|e| anyhow::Error::new(e).context(format!("creating {shown}")))?;
                if let Err(e) = sys::close(file) {
                    let _ = rustix::fs::unlinkat(&dir, name.as_os_str(), AtFlags::empty());
                    signals::synced();
                    return Err(write_error(e, "closing"));
                }
                return sync_dir(&dir, &target);
            }
            None => {
                pending.name(|| {
                    let ((), temp) = with_temp_name(|n| link(&file, &dir, n))
                        .map_err(|e| write_error(e, "naming the output for"))?;
                    // Removed on failure from here on.
                    TempGuard::new(&dir, temp)
                })?
            }
        };
        sys::close(file).map_err(|e| write_error(e, "closing the output for"))?;
        pending
            .complete(|| {
                let from = temp.name.as_os_str();
                if replace {
                    rustix::fs::renameat(&dir, from, &dir, name.as_os_str())
                        .map_err(io::Error::from)
                } else {
                    // link(2) never replaces; then the temporary name goes.
                    rustix::fs::linkat(&dir, from, &dir, name.as_os_str(), AtFlags::empty())
                        .map_err(io::Error::from)
                }
                .map(|()| temp.keep = replace)
            })
            .with_context(|| format!("putting the output in place at {shown}"))?;
        drop(temp);
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

/// Gives the anonymous `file` the name `to` in `dir`; fails with `AlreadyExists` if `to`
/// exists there.
fn link(file: &File, dir: &File, to: &OsStr) -> io::Result<()> {
    let by_empty_path = rustix::fs::linkat(file, "", dir, to, AtFlags::EMPTY_PATH);
    match by_empty_path {
        Ok(()) => Ok(()),
        Err(rustix::io::Errno::EXIST) => Err(io::ErrorKind::AlreadyExists.into()),
        Err(_) => {
            let by_proc = format!("/proc/self/fd/{}", file.as_raw_fd());
            rustix::fs::linkat(CWD, by_proc.as_str(), dir, to, AtFlags::SYMLINK_FOLLOW)
                .map_err(io::Error::from)
        }
    }
}

/// Syncs the directory so that the new name survives a crash; then signals change nothing.
fn sync_dir(dir: &File, target: &Path) -> anyhow::Result<()> {
    let synced = dir.sync_all();
    signals::synced();
    synced.map_err(Error::Write).with_context(|| {
        format!(
            "syncing the directory of {} (the output is in place, but a crash may still undo it)",
            diag::quote(target)
        )
    })
}
