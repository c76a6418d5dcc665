//! What signing adds to the frames' path (docs/FORMAT.md "Signed streams"): the workers hash
//! every frame as stored ([`Hashing`], [`HashOnly`]) into one running transcript
//! ([`Collector`], fed in stream order whatever order the workers finish in), and the
//! signature after the final frame is held back from the frame decoder ([`HoldBack`]).

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::ops::Range;
use std::sync::{Arc, Mutex};

use crate::error::{Error, Internal, Result};
use crate::pipeline::{Job, Process};
use crate::signing::{Digest, FrameHasher, Transcript};

/// The transcript of a stream, fed frame digests by the workers in any order and hashing them
/// in stream order. Holds at most the digests of the frames in flight in the pool (plus, when
/// asked, every digest in order, for a second pass).
pub(crate) struct Collector {
    state: Mutex<State>,
}

struct State {
    transcript: Transcript,
    pending: BTreeMap<u64, Digest>,
    kept: Option<Vec<Digest>>,
    /// Bytes of the frames hashed.
    bytes: u64,
}

/// What a [`Collector`] saw of a whole stream.
pub(crate) struct Seen {
    /// The transcript `T`.
    pub(crate) transcript: Digest,
    /// Bytes of the frames, as stored.
    pub(crate) bytes: u64,
    /// Every frame's digest in order, when kept.
    pub(crate) digests: Vec<Digest>,
    /// The number of frames.
    pub(crate) frames: u64,
}

impl Collector {
    /// A transcript of the stream with header bytes `header`; `keep`: remember every digest.
    pub(crate) fn new(header: &[u8], keep: bool) -> Arc<Self> {
        Arc::new(Collector {
            state: Mutex::new(State {
                transcript: Transcript::new(header),
                pending: BTreeMap::new(),
                kept: keep.then(Vec::new),
                bytes: 0,
            }),
        })
    }

    fn add(&self, index: u64, digest: Digest, len: usize) -> Result<()> {
        let mut state = self
            .state
            .lock()
            .map_err(|_| Error::ThreadPanicked("seal-worker"))?;
        state.bytes += len as u64;
        state.pending.insert(index, digest);
        let State {
            transcript,
            pending,
            kept,
            ..
        } = &mut *state;
        while let Some(digest) = pending.remove(&transcript.frames()) {
            transcript.push(&digest);
            if let Some(kept) = kept {
                kept.push(digest);
            }
        }
        Ok(())
    }

    /// What was seen, once every frame was added.
    pub(crate) fn finish(&self) -> Result<Seen> {
        let mut state = self
            .state
            .lock()
            .map_err(|_| Error::ThreadPanicked("seal-worker"))?;
        if let Some((&index, _)) = state.pending.iter().next() {
            return Err(Error::Internal(Internal::FrameLost(index)));
        }
        Ok(Seen {
            transcript: state.transcript.finish(),
            bytes: state.bytes,
            digests: state.kept.take().unwrap_or_default(),
            frames: state.transcript.frames(),
        })
    }
}

/// When a [`Hashing`] process hashes its frame.
pub(crate) enum Check {
    /// Sealing: after, the frame as it will be stored.
    Sealed,
    /// Opening: before (opening overwrites it), and with the digests of a first pass, each
    /// frame compared with its digest before it is opened.
    Opened(Option<Arc<Vec<Digest>>>),
}

/// A frame sealer or opener that also hashes every frame into a [`Collector`].
pub(crate) struct Hashing<P> {
    pub(crate) inner: P,
    pub(crate) collector: Arc<Collector>,
    pub(crate) check: Check,
}

impl<P: Process> Process for Hashing<P> {
    fn process(&self, job: &mut Job) -> Result<Range<usize>> {
        match &self.check {
            Check::Sealed => {
                let range = self.inner.process(job)?;
                let digest = FrameHasher.digest(job.index, &job.buf[range.clone()]);
                self.collector.add(job.index, digest, range.len())?;
                Ok(range)
            }
            Check::Opened(expected) => {
                let digest = FrameHasher.digest(job.index, &job.buf[..job.len]);
                if let Some(expected) = expected {
                    let known = usize::try_from(job.index)
                        .ok()
                        .and_then(|i| expected.get(i));
                    if known != Some(&digest) {
                        return Err(Error::FrameChanged {
                            frame: job.index,
                            offset: job.offset,
                        });
                    }
                }
                self.collector.add(job.index, digest, job.len)?;
                self.inner.process(job)
            }
        }
    }
}

/// Hashes frames and releases nothing: the keyless first pass of a verification.
pub(crate) struct HashOnly(pub(crate) Arc<Collector>);

impl Process for HashOnly {
    fn process(&self, job: &mut Job) -> Result<Range<usize>> {
        let digest = FrameHasher.digest(job.index, &job.buf[..job.len]);
        self.0.add(job.index, digest, job.len)?;
        Ok(0..0)
    }
}

/// A reader that withholds the last `n` bytes of its input: the frame decoder sees the input
/// end where the signature starts, and the signature is in [`HoldBack::tail`] once the input
/// ended (or fewer bytes, when the input was shorter).
pub(crate) struct HoldBack<R> {
    inner: R,
    n: usize,
    buf: Vec<u8>,
    start: usize,
    ended: bool,
    tail: Arc<Mutex<Option<Vec<u8>>>>,
}

/// Where a [`HoldBack`] leaves the withheld bytes.
pub(crate) type Tail = Arc<Mutex<Option<Vec<u8>>>>;

impl<R: Read> HoldBack<R> {
    pub(crate) fn new(inner: R, n: usize) -> (Self, Tail) {
        let tail: Tail = Arc::default();
        let reader = HoldBack {
            inner,
            n,
            buf: Vec::new(),
            start: 0,
            ended: false,
            tail: Arc::clone(&tail),
        };
        (reader, tail)
    }
}

/// How much a [`HoldBack`] reads at once beyond the bytes it withholds.
const HOLD_BACK_READ: usize = 256 << 10;

impl<R: Read> Read for HoldBack<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            let have = self.buf.len() - self.start;
            if have > self.n && !out.is_empty() {
                let k = out.len().min(have - self.n);
                out[..k].copy_from_slice(&self.buf[self.start..self.start + k]);
                self.start += k;
                return Ok(k);
            }
            if self.ended || out.is_empty() {
                if self.ended {
                    if let Ok(mut tail) = self.tail.lock() {
                        tail.get_or_insert_with(|| self.buf[self.start..].to_vec());
                    }
                }
                return Ok(0);
            }
            // Move the held bytes to the front, then read more after them.
            self.buf.drain(..self.start);
            self.start = 0;
            let have = self.buf.len();
            self.buf.resize(have + HOLD_BACK_READ, 0);
            let got = loop {
                match self.inner.read(&mut self.buf[have..]) {
                    Ok(got) => break got,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        self.buf.truncate(have);
                        return Err(e);
                    }
                }
            };
            self.buf.truncate(have + got);
            self.ended = got == 0;
        }
    }
}

/// A reader that copies everything it reads into `copy` (the spool of a pipe's ciphertext).
pub(crate) struct Tee<R, W> {
    pub(crate) inner: R,
    pub(crate) copy: W,
}

impl<R: Read, W: io::Write> Read for Tee<R, W> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let got = self.inner.read(out)?;
        // A failure to spool is an error of the copy, not of the input: carried as a seal error.
        self.copy
            .write_all(&out[..got])
            .map_err(|e| io::Error::from(Error::Write(e)))?;
        Ok(got)
    }
}
