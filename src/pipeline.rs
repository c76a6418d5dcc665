//! The worker pool: `threads` workers that each read, process and (to a file) write their own
//! frames, and an in-order writer, with bounded memory.
//!
//! ```text
//!            feed (one reader at a time)              results              caller's thread
//!   input ──▶ worker: read ▸ seal/open [▸ pwrite] ────────────▶ writer (reorders by index,
//!                ▲                                                │       writes a stream)
//!                └──────────── free frame buffers ◀───────────────┘
//! ```
//!
//! Why the workers read: a frame read on the core that then seals or opens it and writes it is
//! still in that core's cache at each step, and there is no separate reader thread to hand it
//! over, wake and schedule (docs/PERFORMANCE.md, "Design").
//!
//! Invariants:
//! - Memory is bounded whatever the header and the caller ask for: at most
//!   [`MAX_FRAME_BUFFER_BYTES`] of frame buffers exist at once. A pool of `w` workers owns at
//!   most `2 × w + 1` buffers of one full frame each, and `w` is at most [`MAX_THREADS`] and at
//!   most what the budget allows for the stream's frame size ([`workers_for`]): 7 workers for
//!   16 MiB chunks. Buffers are recycled, a free one always before a new one is allocated, so
//!   the steady state allocates nothing per frame.
//! - The workers are never more than a bounded number of frames ahead of the writer: a job is
//!   taken only with a permit, which the writer gives back once it has walked the frame
//!   ([`Feed`]): `2 × w + 1` permits, and with a [`Sink::At`] up to [`MAX_AHEAD_OF_SYNC`] more,
//!   whose frames' buffers the workers keep (only their outcomes wait).
//! - The first job is read on the caller's thread; if it is also the last (an input of at most
//!   one chunk) it is processed there and no thread is started.
//! - The source is read by one worker at a time, under the feed's lock, so jobs are made in
//!   index order exactly as one reader would make them; a read error is reported under the
//!   index of the frame it stopped, and no worker reads after it.
//! - The writer writes frame i only after frames 0..i were written and frame i was processed
//!   successfully, so output is in order and, when decrypting, every byte written was
//!   authenticated. With `flush_each` (live streams) it flushes after every frame.
//! - The first error in stream order is the one returned: an error at frame i is reported only
//!   once every frame before i was written. Frames before it are still processed, never
//!   skipped; frames after it, at most the permits' worth. A panic in a worker (or in the
//!   source) is its frame's error, [`Error::ThreadPanicked`].
//! - On error the writer sets `stop` and returns at once without waiting for the workers, one
//!   of which may be blocked in `read`; every other worker notices `stop` or a closed channel
//!   and exits on its own.
//! - With one worker the same source and processing run inline on the caller's thread.
//! - With a [`Sink::At`] (a regular file the caller owns, such as a temporary file it renames
//!   into place once the stream is complete), each worker writes its own frame at the frame's
//!   fixed offset and keeps its buffer for its next frame, so the kernel's cost of writing the
//!   output is spread over the workers too. The writer still walks outcomes in stream order to
//!   report the first error, and syncs the file's data every [`SYNC_EVERY`] bytes so that the
//!   disk writes while the workers work; the caller must discard the file on error. Once
//!   [`run`] has returned, whether `Ok` or `Err`, no worker writes to the file any more.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Write};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use crate::error::{Error, Internal, Result};
use crate::format::Position;

/// Most bytes of frame buffers one pipeline holds at once (256 MiB), whatever the stream's
/// chunk size and the number of threads asked for.
pub const MAX_FRAME_BUFFER_BYTES: usize = 256 << 20;

/// Most worker threads one pipeline runs, whatever the caller asks for.
pub const MAX_THREADS: usize = 64;

/// The number of workers a pipeline runs when asked for `threads`, with frame buffers of
/// `buffer_len` bytes: at least 1, at most [`MAX_THREADS`], and few enough that the `2 × w + 1`
/// buffers of the pool fit in [`MAX_FRAME_BUFFER_BYTES`].
pub fn workers_for(threads: usize, buffer_len: usize) -> usize {
    workers_beside(threads, buffer_len, 0)
}

/// [`workers_for`] for a pool whose feeder holds up to `extra` frame buffers of its own
/// besides the pool's `2 × w + 1` (the [`crate::EncryptingWriter`]'s), so that all of them
/// together fit in [`MAX_FRAME_BUFFER_BYTES`].
pub(crate) fn workers_beside(threads: usize, buffer_len: usize, extra: usize) -> usize {
    let buffers = MAX_FRAME_BUFFER_BYTES / buffer_len.max(1);
    let by_memory = buffers.saturating_sub(1 + extra) / 2;
    threads.clamp(1, MAX_THREADS).min(by_memory.max(1))
}

/// One frame on its way through the pool.
pub(crate) struct Job {
    /// Frame index.
    pub(crate) index: u64,
    /// Offset of the frame's first byte in the encrypted stream (for errors when opening).
    pub(crate) offset: u64,
    /// A buffer of full-frame size; the bytes the source filled are described by `len`.
    pub(crate) buf: Vec<u8>,
    /// Plaintext length when sealing, wire length when opening.
    pub(crate) len: usize,
    /// Whether this is the final frame, decided by the source.
    pub(crate) position: Position,
}

/// Produces jobs in index order. Runs on one worker at a time (or the caller's thread).
pub(crate) trait Source: Send + 'static {
    /// Length of the buffers this source fills (one full frame).
    fn buffer_len(&self) -> usize;
    /// Index the next job (or error) will have.
    fn next_index(&self) -> u64;
    /// The next job, filling `spare` (or a new buffer when `None`); `None` after the last.
    fn next(&mut self, spare: Option<Vec<u8>>) -> Result<Option<Job>>;
}

/// Seals or opens one job in place, returning the range of its buffer to write.
pub(crate) trait Process: Send + Sync + 'static {
    fn process(&self, job: &mut Job) -> Result<Range<usize>>;
}

/// How many bytes of a positional output may be written, in stream order, before they are
/// synced: the disk writes them while the workers go on, so that the caller's final sync has
/// little left to wait for.
const SYNC_EVERY: u64 = 64 << 20;

/// Most bytes one `pwrite` of a positional output writes, at offsets that are multiples of it:
/// a 1 MiB frame goes in four or five. A
/// write of a whole aligned MiB lets ext4 put it in one 1 MiB page-cache folio, and on this
/// project's VM (whose free memory the host takes back in large blocks) filling such folios
/// cost twice the CPU of 256 KiB ones (`dd bs=1M` 0.43–0.89 s per GiB against 0.38–0.46 s
/// with `bs=256K`, and seal's `dec -o` 1.7× `cp` + `sync`); tmpfs is the same either way.
const WRITE_PIECE: usize = 256 << 10;

/// A file written at fixed offsets: frame `i`'s output goes to `base + i × stride`.
pub(crate) struct Positional {
    file: File,
    base: u64,
    stride: u64,
    /// Held while a worker writes: the kernel writes to one file one writer at a time anyway
    /// (the inode lock), and a worker that waits here sleeps instead of spinning on that lock.
    /// `true` once the pool is over ([`Positional::close`]): no write starts after that.
    writing: Mutex<bool>,
}

impl Positional {
    pub(crate) fn new(file: File, base: u64, stride: u64) -> Self {
        Positional {
            file,
            base,
            stride,
            writing: Mutex::new(false),
        }
    }

    fn write(&self, job: &Job, range: Range<usize>) -> Result<u64> {
        let offset = job
            .index
            .checked_mul(self.stride)
            .and_then(|o| o.checked_add(self.base))
            .ok_or_else(|| Error::Write(io::Error::other("output offset overflows")))?;
        let bytes = &job.buf[range];
        // A poisoned lock only says another worker panicked: its flag is still whole.
        let closed = self.writing.lock().unwrap_or_else(|e| e.into_inner());
        if *closed {
            return Err(Error::Internal(Internal::PoolStopped));
        }
        // Pieces end where the file's offset is a multiple of WRITE_PIECE, whatever the frame's
        // own alignment (a sealed frame's is not).
        let (mut at, mut rest) = (offset, bytes);
        while !rest.is_empty() {
            let room = WRITE_PIECE - (at % WRITE_PIECE as u64) as usize;
            let (piece, tail) = rest.split_at(room.min(rest.len()));
            self.file.write_all_at(piece, at).map_err(Error::Write)?;
            (at, rest) = (at + piece.len() as u64, tail);
        }
        Ok(bytes.len() as u64)
    }

    /// Ends the writing: waits for a write in progress, and makes every later one fail, so
    /// that once the pool has returned (an error included) nothing writes to the file.
    fn close(&self) {
        *self.writing.lock().unwrap_or_else(|e| e.into_inner()) = true;
    }
}

/// Where processed frames go.
pub(crate) enum Sink<'a, W: Write + ?Sized> {
    /// Written in order, on the caller's thread; flushed after every frame when the flag is set.
    Stream(&'a mut W, bool),
    /// Written by whichever thread processed the frame, at the frame's offset.
    At(Arc<Positional>),
}

impl<W: Write + ?Sized> Sink<'_, W> {
    fn write(&mut self, job: &Job, range: Range<usize>) -> Result<u64> {
        match self {
            Sink::Stream(out, flush_each) => {
                let bytes = &job.buf[range];
                out.write_all(bytes).map_err(Error::Write)?;
                if *flush_each {
                    out.flush().map_err(Error::Write)?;
                }
                Ok(bytes.len() as u64)
            }
            Sink::At(file) => file.write(job, range),
        }
    }
}

/// A processed frame: its job and output range, and how many bytes a worker already wrote
/// for it (`None`: the writer still has to write it).
struct Done {
    job: Job,
    range: Range<usize>,
    written: Option<u64>,
}

type Outcome = Result<Done>;

/// Runs `source` through `process` into `sink` with at most `threads` workers (see
/// [`workers_for`]). Returns the number of bytes written.
pub(crate) fn run<S: Source, P: Process, W: Write + ?Sized>(
    mut source: S,
    process: Arc<P>,
    sink: Sink<'_, W>,
    threads: usize,
) -> Result<u64> {
    let workers = workers_for(threads, source.buffer_len());
    let Some(first) = source.next(None)? else {
        return Ok(0);
    };
    if workers <= 1 || first.position == Position::Final {
        run_inline(first, source, &*process, sink)
    } else {
        run_pool(first, source, process, sink, workers)
    }
}

fn run_inline<S: Source, P: Process, W: Write + ?Sized>(
    first: Job,
    mut source: S,
    process: &P,
    mut sink: Sink<'_, W>,
) -> Result<u64> {
    // No sync as it goes here: with one thread it would stop the only one that works; the
    // kernel writes back in the background, and the caller's final sync waits for the rest.
    let mut written = 0;
    let mut next = Some(first);
    while let Some(mut job) = next {
        let range = process.process(&mut job)?;
        written += sink.write(&job, range)?;
        next = source.next(Some(job.buf))?;
    }
    Ok(written)
}

fn spawn<F: FnOnce() + Send + 'static>(
    kind: &'static str,
    name: String,
    f: F,
) -> Result<JoinHandle<()>> {
    thread::Builder::new()
        .name(name)
        .spawn(f)
        .map_err(|source| Error::ThreadStart {
            thread: kind,
            source,
        })
}

/// Most frames a pool with a positional output lets its workers process beyond the ones the
/// writer has walked, besides the `2 × w + 1` of any pool: room for [`SYNC_EVERY`] bytes of
/// frames, so that the writer's sync does not stop the workers, and at most this many. Such a
/// frame's worker keeps its buffer: what waits is its outcome, about 100 bytes.
const MAX_AHEAD_OF_SYNC: u64 = 16 * 1024;

/// What the workers share to take their next job: the source (read by one worker at a time),
/// the job the caller's thread read first, and the permits.
///
/// Invariant: a job is taken only with a permit, and at most `permits` permits exist: the
/// writer gives one back for every frame it has walked, so the workers are never more than
/// `permits` frames ahead of it. A permit carries a frame buffer when the writer wrote the
/// frame (a stream sink), none when the worker did and kept its buffer (a positional sink);
/// so at most `permits` buffers exist with a stream sink, one a worker with a positional one.
struct Feed<S> {
    source: S,
    /// The first job, read on the caller's thread, for whichever worker comes first.
    first: Option<Job>,
    /// Permits the writer gave back.
    free: Receiver<Vec<u8>>,
    /// Permits created so far, `first`'s included.
    created: usize,
    permits: usize,
    /// The source returned its last job or an error: no worker reads it again.
    ended: bool,
}

impl<S: Source> Feed<S> {
    /// The next job, read into `own` (the buffer a worker kept from the frame it wrote itself),
    /// a buffer that came with the permit, or a new one; `None` when the stream has no more
    /// jobs for this worker. A read error (or a panic of the source) is sent to `done` under
    /// the index it stopped at.
    fn take(
        &mut self,
        own: Option<Vec<u8>>,
        stop: &AtomicBool,
        done: &mpsc::Sender<(u64, Outcome)>,
    ) -> Option<Job> {
        if let Some(first) = self.first.take() {
            return Some(first);
        }
        if self.ended || stop.load(Ordering::Relaxed) {
            return None;
        }
        let permit = match self.free.try_recv() {
            Ok(permit) => permit,
            Err(TryRecvError::Empty) if self.created < self.permits => {
                self.created += 1;
                Vec::new()
            }
            // Every permit is out: the writer gives one back once the frames before it are
            // walked, which needs no worker to hold this lock.
            Err(TryRecvError::Empty) => self.free.recv().ok()?,
            Err(TryRecvError::Disconnected) => return None,
        };
        if stop.load(Ordering::Relaxed) {
            return None;
        }
        let spare = own.or((permit.capacity() > 0).then_some(permit));
        let index = self.source.next_index();
        let next = panic::catch_unwind(AssertUnwindSafe(|| self.source.next(spare)))
            .unwrap_or(Err(Error::ThreadPanicked("seal-worker")));
        match next {
            Ok(Some(job)) => Some(job),
            Ok(None) => {
                self.ended = true;
                None
            }
            Err(e) => {
                self.ended = true;
                let _ = done.send((index, Err(e)));
                None
            }
        }
    }
}

/// One worker: takes the next job from the feed (reading the input itself, one worker at a
/// time), processes it and, with a positional sink, writes it; the frame's buffer then stays
/// with the worker (still in its core's cache) for its next read. A panic while processing is
/// that frame's error ([`Error::ThreadPanicked`]), so the writer never waits for it.
fn work_loop<S: Source, P: Process>(
    feed: Arc<Mutex<Feed<S>>>,
    process: Arc<P>,
    positional: Option<Arc<Positional>>,
    done: mpsc::Sender<(u64, Outcome)>,
    stop: Arc<AtomicBool>,
) {
    let mut own: Option<Vec<u8>> = None;
    loop {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let next = match feed.lock() {
            Ok(mut feed) => feed.take(own.take(), &stop, &done),
            Err(_) => return,
        };
        let Some(mut job) = next else { return };
        let index = job.index;
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            let range = process.process(&mut job)?;
            match &positional {
                Some(file) => {
                    let written = file.write(&job, range)?;
                    own = Some(std::mem::take(&mut job.buf));
                    Ok(Done {
                        job,
                        range: 0..0,
                        written: Some(written),
                    })
                }
                None => Ok(Done {
                    job,
                    range,
                    written: None,
                }),
            }
        }))
        .unwrap_or(Err(Error::ThreadPanicked("seal-worker")));
        if done.send((index, outcome)).is_err() {
            return;
        }
    }
}

/// Closes a positional output when dropped ([`Positional::close`]).
struct Closing(Option<Arc<Positional>>);

impl Drop for Closing {
    fn drop(&mut self) {
        if let Some(file) = &self.0 {
            file.close();
        }
    }
}

fn run_pool<S: Source, P: Process, W: Write + ?Sized>(
    first: Job,
    source: S,
    process: Arc<P>,
    mut sink: Sink<'_, W>,
    threads: usize,
) -> Result<u64> {
    let positional = match &sink {
        Sink::At(file) => Some(Arc::clone(file)),
        Sink::Stream(..) => None,
    };
    let ahead = match &positional {
        Some(file) => (SYNC_EVERY / file.stride.max(1)).min(MAX_AHEAD_OF_SYNC),
        None => 0,
    };
    let stop = Arc::new(AtomicBool::new(false));
    let (done_tx, done_rx) = mpsc::channel::<(u64, Outcome)>();
    let (free_tx, free_rx) = mpsc::channel::<Vec<u8>>();
    let feed = Arc::new(Mutex::new(Feed {
        source,
        first: Some(first),
        free: free_rx,
        created: 1,
        permits: 2 * threads + 1 + usize::try_from(ahead).unwrap_or(0),
        ended: false,
    }));
    // Whatever way this returns, no worker writes to a positional output afterwards.
    let _closing = Closing(positional.clone());

    let mut handles = Vec::with_capacity(threads);
    for i in 0..threads {
        let (feed, process, positional, done, worker_stop) = (
            Arc::clone(&feed),
            Arc::clone(&process),
            positional.clone(),
            done_tx.clone(),
            Arc::clone(&stop),
        );
        let work = move || work_loop(feed, process, positional, done, worker_stop);
        match spawn("seal-worker", format!("seal-worker-{i}"), work) {
            Ok(h) => handles.push(h),
            Err(e) => {
                stop.store(true, Ordering::Relaxed);
                return Err(e);
            }
        }
    }
    drop(done_tx);

    let result = write_in_order(&done_rx, &free_tx, &mut sink);
    if result.is_err() {
        // Do not wait: a worker may be blocked reading input that never comes.
        stop.store(true, Ordering::Relaxed);
        return result;
    }
    for handle in handles {
        handle
            .join()
            .map_err(|_| Error::ThreadPanicked("seal-worker"))?;
    }
    result
}

/// Receives outcomes in any order and writes them in index order.
fn write_in_order<W: Write + ?Sized>(
    done: &Receiver<(u64, Outcome)>,
    free: &mpsc::Sender<Vec<u8>>,
    sink: &mut Sink<'_, W>,
) -> Result<u64> {
    // window[k] holds the outcome of frame `expected + k` once it has arrived.
    let mut window: VecDeque<Option<Outcome>> = VecDeque::new();
    let mut expected: u64 = 0;
    let mut written: u64 = 0;
    loop {
        while let Some(Some(_)) = window.front() {
            let Some(Some(outcome)) = window.pop_front() else {
                break;
            };
            expected += 1;
            let Done {
                job,
                range,
                written: by_worker,
            } = outcome?;
            let n = match by_worker {
                Some(n) => n,
                None => sink.write(&job, range)?,
            };
            let before = written;
            written += n;
            // A positional output's data is synced each time another SYNC_EVERY bytes of it
            // are in place in stream order.
            if let Sink::At(file) = sink
                && written / SYNC_EVERY > before / SYNC_EVERY
            {
                file.file.sync_data().map_err(Error::Write)?;
            }
            // The frame's permit, with its buffer unless the worker kept it. The workers may
            // have finished; the permit is then unneeded.
            let _ = free.send(job.buf);
        }
        let Ok((index, outcome)) = done.recv() else {
            break;
        };
        let slot = index
            .checked_sub(expected)
            .and_then(|k| usize::try_from(k).ok())
            .ok_or(Error::Internal(Internal::FrameTwice(index)))?;
        if window.len() <= slot {
            window.resize_with(slot + 1, || None);
        }
        window[slot] = Some(outcome);
    }
    if window.is_empty() {
        Ok(written)
    } else {
        Err(Error::Internal(Internal::FrameLost(expected)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;
    use std::time::{Duration, Instant};

    /// `n` jobs of 16 bytes each, the last one final.
    struct Counting {
        next: u64,
        n: u64,
    }

    impl Source for Counting {
        fn buffer_len(&self) -> usize {
            16
        }
        fn next_index(&self) -> u64 {
            self.next
        }
        fn next(&mut self, spare: Option<Vec<u8>>) -> Result<Option<Job>> {
            if self.next == self.n {
                return Ok(None);
            }
            let index = self.next;
            self.next += 1;
            let mut buf = spare.unwrap_or_else(|| vec![0; 16]);
            buf.fill(index as u8);
            let position = if index + 1 == self.n {
                Position::Final
            } else {
                Position::More
            };
            Ok(Some(Job {
                index,
                offset: index * 16,
                buf,
                len: 16,
                position,
            }))
        }
    }

    /// Processes every frame as it is, except that frame `slow` takes `pause` (and records the
    /// highest frame begun meanwhile), frame `fails` fails and frame `panics` panics.
    #[derive(Default)]
    struct Probe {
        slow: Option<(u64, Duration)>,
        fails: Option<u64>,
        panics: Option<u64>,
        highest: AtomicU64,
        highest_during_pause: AtomicU64,
    }

    impl Process for Probe {
        fn process(&self, job: &mut Job) -> Result<Range<usize>> {
            self.highest.fetch_max(job.index, Ordering::SeqCst);
            if let Some((slow, pause)) = self.slow
                && job.index == slow
            {
                std::thread::sleep(pause);
                let highest = self.highest.load(Ordering::SeqCst);
                self.highest_during_pause.store(highest, Ordering::SeqCst);
            }
            if self.fails == Some(job.index) {
                return Err(Error::Internal(Internal::PoolStopped));
            }
            assert_ne!(self.panics, Some(job.index), "a probe that panics");
            Ok(0..job.len)
        }
    }

    fn positional() -> (File, Sink<'static, Vec<u8>>) {
        let file = tempfile::tempfile().unwrap();
        let at = Positional::new(file.try_clone().unwrap(), 0, 16);
        (file, Sink::At(Arc::new(at)))
    }

    #[test]
    fn workers_stay_a_bounded_number_of_frames_ahead_of_a_stalled_frame_with_a_positional_output() {
        let probe = Arc::new(Probe {
            slow: Some((1, Duration::from_millis(500))),
            ..Probe::default()
        });
        let (file, sink) = positional();
        let n = 40_000;
        let written = run(Counting { next: 0, n }, Arc::clone(&probe), sink, 4).unwrap();
        assert_eq!(written, n * 16);
        assert_eq!(file.metadata().unwrap().len(), n * 16);
        // 2 × 4 + 1 permits, and as many more as 64 MiB of 16-byte frames, at most 16,384.
        let bound = 1 + 9 + MAX_AHEAD_OF_SYNC;
        let ahead = probe.highest_during_pause.load(Ordering::SeqCst);
        assert!(ahead <= bound, "frame {ahead} begun while frame 1 waited");
    }

    #[test]
    fn workers_stay_a_bounded_number_of_frames_ahead_of_a_stalled_frame_with_a_stream_output() {
        let probe = Arc::new(Probe {
            slow: Some((1, Duration::from_millis(300))),
            ..Probe::default()
        });
        let mut out = Vec::new();
        let n = 2_000;
        run(
            Counting { next: 0, n },
            Arc::clone(&probe),
            Sink::Stream(&mut out, false),
            4,
        )
        .unwrap();
        assert_eq!(out.len() as u64, n * 16);
        let ahead = probe.highest_during_pause.load(Ordering::SeqCst);
        assert!(ahead <= 1 + 9, "frame {ahead} begun while frame 1 waited");
    }

    #[test]
    fn a_worker_that_panics_fails_its_frame_instead_of_hanging_the_pool() {
        for positional_output in [false, true] {
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || {
                let probe = Arc::new(Probe {
                    panics: Some(5),
                    ..Probe::default()
                });
                let source = Counting { next: 0, n: 2_000 };
                let result = if positional_output {
                    let (_file, sink) = positional();
                    run(source, probe, sink, 4)
                } else {
                    run(source, probe, Sink::Stream(&mut Vec::new(), false), 4)
                };
                let _ = tx.send(result);
            });
            let result = rx
                .recv_timeout(Duration::from_secs(60))
                .expect("the pool returned");
            assert!(
                matches!(result, Err(Error::ThreadPanicked("seal-worker"))),
                "{result:?}"
            );
        }
    }

    #[test]
    fn nothing_is_written_to_a_positional_output_once_the_pool_has_failed() {
        let probe = Arc::new(Probe {
            fails: Some(3),
            slow: Some((4, Duration::from_millis(300))),
            ..Probe::default()
        });
        let (file, sink) = positional();
        let result = run(Counting { next: 0, n: 100 }, probe, sink, 4);
        assert!(matches!(
            result,
            Err(Error::Internal(Internal::PoolStopped))
        ));
        let failed_at = Instant::now();
        file.set_len(0).unwrap();
        // Frame 4's worker wakes up within 300 ms of the failure: its write must not land.
        std::thread::sleep(Duration::from_millis(600).saturating_sub(failed_at.elapsed()));
        assert_eq!(file.metadata().unwrap().len(), 0);
    }

    #[test]
    fn workers_are_capped_by_the_thread_limit_and_the_memory_budget() {
        let one_mib = (1 << 20) + 32;
        let sixteen_mib = (16 << 20) + 32;
        assert_eq!(workers_for(0, one_mib), 1);
        assert_eq!(workers_for(8, one_mib), 8);
        assert_eq!(workers_for(1000, one_mib), MAX_THREADS);
        assert_eq!(workers_for(1000, 96), MAX_THREADS);
        // 16 MiB frames: 15 fit in 256 MiB, so 7 workers (2 × 7 + 1 = 15 buffers).
        assert_eq!(workers_for(64, sixteen_mib), 7);
        assert_eq!(workers_for(3, sixteen_mib), 3);
        for buffer_len in [96, 4096, one_mib, 8 << 20, sixteen_mib] {
            for threads in [1, 2, 7, 64, usize::MAX] {
                let w = workers_for(threads, buffer_len);
                assert!((1..=MAX_THREADS).contains(&w) && w <= threads.max(1));
                assert!((2 * w + 1) * buffer_len <= MAX_FRAME_BUFFER_BYTES);
                let w = workers_beside(threads, buffer_len, 3);
                assert!((1..=MAX_THREADS).contains(&w) && w <= threads.max(1));
                assert!((2 * w + 4) * buffer_len <= MAX_FRAME_BUFFER_BYTES);
            }
        }
        // 16 MiB frames beside a writer's 3: 15 fit, so 5 workers (2 × 5 + 1 + 3 = 14).
        assert_eq!(workers_beside(64, sixteen_mib, 3), 5);
    }
}
