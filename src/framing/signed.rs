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
    /// Most digests `kept` holds: one more is [`Error::TooManyFramesToVerifyFirst`].
    keep_at_most: usize,
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
    /// A transcript of the stream with header bytes `header`; `keep: Some(n)`: remember every
    /// digest, at most `n` of them (a longer stream is [`Error::TooManyFramesToVerifyFirst`]).
    pub(crate) fn new(header: &[u8], keep: Option<usize>) -> Arc<Self> {
        Arc::new(Collector {
            state: Mutex::new(State {
                transcript: Transcript::new(header),
                pending: BTreeMap::new(),
                kept: keep.map(|_| Vec::new()),
                keep_at_most: keep.unwrap_or(0),
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
            keep_at_most,
            ..
        } = &mut *state;
        while let Some(digest) = pending.remove(&transcript.frames()) {
            transcript.push(&digest);
            if let Some(kept) = kept {
                if kept.len() >= *keep_at_most {
                    return Err(Error::TooManyFramesToVerifyFirst);
                }
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
/// end where the signature starts, and the signature is in the [`Tail`] once the input ended
/// (or fewer bytes, when the input was shorter). Large reads go straight into the caller's
/// buffer: only the `n` held bytes are copied per read.
pub(crate) struct HoldBack<R> {
    inner: R,
    n: usize,
    /// The last bytes read and not yet released: at most `n`.
    held: Vec<u8>,
    ended: bool,
    tail: Tail,
}

/// Where a [`HoldBack`] leaves the withheld bytes.
pub(crate) type Tail = Arc<Mutex<Option<Vec<u8>>>>;

impl<R: Read> HoldBack<R> {
    pub(crate) fn new(inner: R, n: usize) -> (Self, Tail) {
        let tail: Tail = Arc::default();
        let reader = HoldBack {
            inner,
            n,
            held: Vec::with_capacity(n),
            ended: false,
            tail: Arc::clone(&tail),
        };
        (reader, tail)
    }

    fn end(&mut self) {
        self.ended = true;
        if let Ok(mut tail) = self.tail.lock() {
            *tail = Some(std::mem::take(&mut self.held));
        }
    }
}

impl<R: Read> Read for HoldBack<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.n;
        if out.is_empty() || self.ended {
            return Ok(0);
        }
        // Prime: hold `n` bytes before releasing any.
        while self.held.len() < n {
            let have = self.held.len();
            self.held.resize(n, 0);
            let got = read_retry(&mut self.inner, &mut self.held[have..]);
            let got = match got {
                Ok(got) => got,
                Err(e) => {
                    self.held.truncate(have);
                    return Err(e);
                }
            };
            self.held.truncate(have + got);
            if got == 0 {
                self.end();
                return Ok(0);
            }
        }
        if out.len() > n {
            // New bytes straight into out[n..]; out = held ‖ new, minus the last n kept.
            let got = read_retry(&mut self.inner, &mut out[n..])?;
            if got == 0 {
                self.end();
                return Ok(0);
            }
            if got >= n {
                let keep = out[got..got + n].to_vec();
                out[..n].copy_from_slice(&self.held);
                self.held = keep;
                return Ok(got);
            }
            // Fewer new bytes than held: release the oldest `got` held bytes.
            let new = out[n..n + got].to_vec();
            out[..got].copy_from_slice(&self.held[..got]);
            self.held.drain(..got);
            self.held.extend_from_slice(&new);
            return Ok(got);
        }
        // A small read: through a small buffer.
        let mut new = vec![0u8; out.len()];
        let got = read_retry(&mut self.inner, &mut new)?;
        if got == 0 {
            self.end();
            return Ok(0);
        }
        out[..got].copy_from_slice(&self.held[..got.min(n)]);
        if got > n {
            out[n..got].copy_from_slice(&new[..got - n]);
            self.held.clear();
            self.held.extend_from_slice(&new[got - n..got]);
        } else {
            self.held.drain(..got);
            self.held.extend_from_slice(&new[..got]);
        }
        Ok(got)
    }
}

/// One read, retried after a signal.
fn read_retry<R: Read>(reader: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match reader.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            other => return other,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that returns at most `step` bytes per read.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let k = buf.len().min(self.1).min(self.0.len());
            buf[..k].copy_from_slice(&self.0[..k]);
            self.0 = &self.0[k..];
            Ok(k)
        }
    }

    #[test]
    fn hold_back_releases_all_but_the_last_n_bytes_whatever_the_read_sizes() {
        let data: Vec<u8> = (0..5000u32).map(|i| (i * 31 % 251) as u8).collect();
        for len in [0, 1, 63, 64, 65, 200, 5000] {
            for n in [0, 1, 64, 3373] {
                for step in [1, 7, 64, 100, 4096] {
                    for out_len in [1, 10, 64, 65, 1000, 70000] {
                        let input = &data[..len];
                        let (mut r, tail) = HoldBack::new(Trickle(input, step), n);
                        let mut got = Vec::new();
                        let mut buf = vec![0u8; out_len];
                        loop {
                            let k = r.read(&mut buf).unwrap();
                            if k == 0 {
                                break;
                            }
                            got.extend_from_slice(&buf[..k]);
                        }
                        let cut = len.saturating_sub(n);
                        assert_eq!(
                            got,
                            &input[..cut],
                            "len {len} n {n} step {step} out {out_len}"
                        );
                        let tail = tail.lock().unwrap().clone().unwrap();
                        assert_eq!(tail, &input[cut..], "tail: len {len} n {n} step {step}");
                    }
                }
            }
        }
    }
}
