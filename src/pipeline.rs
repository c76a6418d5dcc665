//! The worker pool: a reader, `threads` workers and an in-order writer, with bounded memory.
//!
//! ```text
//!             jobs (bounded)            results               caller's thread
//!   reader ───────────────▶ workers ─────────────▶ writer (reorders by index, writes)
//!     ▲                                                │
//!     └──────────────── free frame buffers ◀───────────┘
//! ```
//!
//! Invariants:
//! - At most `2 × threads + 2` frame buffers exist (the pool plus the source's look-ahead), so
//!   memory is O(threads × chunk size) whatever the input size. Buffers are recycled: the steady
//!   state allocates nothing per frame.
//! - The writer writes frame i only after frames 0..i were written and frame i was processed
//!   successfully, so output is in order and, when decrypting, every byte written was
//!   authenticated.
//! - The first error in stream order is the one returned: an error at frame i is reported only
//!   once every frame before i was written. Frames before it are still processed (at most the
//!   pool's worth), never skipped.
//! - On error the writer sets `stop` and returns at once without waiting for the reader, which
//!   may be blocked in `read`; every other thread notices a closed channel or `stop` and exits
//!   on its own.
//! - With `threads == 1` the same source and processing run inline on the caller's thread.
//! - With a [`Sink::At`] (a regular file that seal owns, such as the temporary file behind
//!   `-o`), each worker writes its own frame at the frame's fixed offset, so the kernel's cost
//!   of writing the output is spread over the workers too. The writer still walks outcomes
//!   in stream order to report the first error; the caller must discard the file on error.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Write};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use crate::error::{Error, Result};
use crate::format::Position;

/// One frame on its way through the pool.
pub(crate) struct Job {
    /// Frame index.
    pub(crate) index: u64,
    /// A buffer of full-frame size; the bytes the source filled are described by `len`.
    pub(crate) buf: Vec<u8>,
    /// Plaintext length when sealing, wire length when opening.
    pub(crate) len: usize,
    /// Whether this is the final frame, decided by the source.
    pub(crate) position: Position,
}

/// Produces jobs in index order. Runs on the reader thread.
pub(crate) trait Source: Send + 'static {
    /// Index the next job (or error) will have.
    fn next_index(&self) -> u64;
    /// The next job, filling `spare` (or a new buffer when `None`); `None` after the last.
    fn next(&mut self, spare: Option<Vec<u8>>) -> Result<Option<Job>>;
}

/// Seals or opens one job in place, returning the range of its buffer to write.
pub(crate) trait Process: Send + Sync + 'static {
    fn process(&self, job: &mut Job) -> Result<Range<usize>>;
}

/// A file written at fixed offsets: frame `i`'s output goes to `base + i × stride`.
pub(crate) struct Positional {
    pub(crate) file: File,
    pub(crate) base: u64,
    pub(crate) stride: u64,
}

impl Positional {
    fn write(&self, job: &Job, range: Range<usize>) -> Result<u64> {
        let offset = job
            .index
            .checked_mul(self.stride)
            .and_then(|o| o.checked_add(self.base))
            .ok_or_else(|| Error::Write(io::Error::other("output offset overflows")))?;
        let bytes = &job.buf[range];
        self.file
            .write_all_at(bytes, offset)
            .map_err(Error::Write)?;
        Ok(bytes.len() as u64)
    }
}

/// Where processed frames go.
pub(crate) enum Sink<'a, W: Write + ?Sized> {
    /// Written in order, on the caller's thread.
    Stream(&'a mut W),
    /// Written by whichever thread processed the frame, at the frame's offset.
    At(Arc<Positional>),
}

impl<W: Write + ?Sized> Sink<'_, W> {
    fn write(&mut self, job: &Job, range: Range<usize>) -> Result<u64> {
        match self {
            Sink::Stream(out) => {
                let bytes = &job.buf[range];
                out.write_all(bytes).map_err(Error::Write)?;
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

/// Runs `source` through `process` into `sink`. Returns the number of bytes written.
pub(crate) fn run<S: Source, P: Process, W: Write + ?Sized>(
    source: S,
    process: Arc<P>,
    sink: Sink<'_, W>,
    threads: usize,
) -> Result<u64> {
    if threads <= 1 {
        run_inline(source, &*process, sink)
    } else {
        run_pool(source, process, sink, threads)
    }
}

fn run_inline<S: Source, P: Process, W: Write + ?Sized>(
    mut source: S,
    process: &P,
    mut sink: Sink<'_, W>,
) -> Result<u64> {
    let mut written = 0;
    let mut spare = None;
    while let Some(mut job) = source.next(spare.take())? {
        let range = process.process(&mut job)?;
        written += sink.write(&job, range)?;
        spare = Some(job.buf);
    }
    Ok(written)
}

fn spawn<F: FnOnce() + Send + 'static>(name: &str, f: F) -> Result<JoinHandle<()>> {
    thread::Builder::new()
        .name(name.to_owned())
        .spawn(f)
        .map_err(|e| Error::Thread(format!("cannot start {name}: {e}")))
}

fn read_loop<S: Source>(
    mut source: S,
    pool: usize,
    jobs: SyncSender<Job>,
    free: Receiver<Vec<u8>>,
    done: mpsc::Sender<(u64, Outcome)>,
    stop: Arc<AtomicBool>,
) {
    let mut created = 0;
    while !stop.load(Ordering::Relaxed) {
        let spare = if created < pool {
            created += 1;
            None
        } else {
            match free.recv() {
                Ok(buf) => Some(buf),
                Err(_) => return,
            }
        };
        let index = source.next_index();
        match source.next(spare) {
            Ok(Some(job)) => {
                if jobs.send(job).is_err() {
                    return;
                }
            }
            Ok(None) => return,
            Err(e) => {
                let _ = done.send((index, Err(e)));
                return;
            }
        }
    }
}

fn work_loop<P: Process>(
    process: Arc<P>,
    positional: Option<Arc<Positional>>,
    jobs: Arc<Mutex<Receiver<Job>>>,
    done: mpsc::Sender<(u64, Outcome)>,
    stop: Arc<AtomicBool>,
) {
    loop {
        let next = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(mut job) = next else { return };
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let index = job.index;
        let outcome = process.process(&mut job).and_then(|range| {
            let written = match &positional {
                Some(file) => Some(file.write(&job, range.clone())?),
                None => None,
            };
            Ok(Done {
                job,
                range,
                written,
            })
        });
        if done.send((index, outcome)).is_err() {
            return;
        }
    }
}

fn run_pool<S: Source, P: Process, W: Write + ?Sized>(
    source: S,
    process: Arc<P>,
    mut sink: Sink<'_, W>,
    threads: usize,
) -> Result<u64> {
    let pool = 2 * threads + 1;
    let positional = match &sink {
        Sink::At(file) => Some(Arc::clone(file)),
        Sink::Stream(_) => None,
    };
    let stop = Arc::new(AtomicBool::new(false));
    let (job_tx, job_rx) = mpsc::sync_channel::<Job>(threads);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let (done_tx, done_rx) = mpsc::channel::<(u64, Outcome)>();
    let (free_tx, free_rx) = mpsc::channel::<Vec<u8>>();

    let mut handles = Vec::with_capacity(threads + 1);
    for i in 0..threads {
        let (process, positional, jobs, done, worker_stop) = (
            Arc::clone(&process),
            positional.clone(),
            Arc::clone(&job_rx),
            done_tx.clone(),
            Arc::clone(&stop),
        );
        let work = move || work_loop(process, positional, jobs, done, worker_stop);
        match spawn(&format!("seal-worker-{i}"), work) {
            Ok(h) => handles.push(h),
            Err(e) => {
                stop.store(true, Ordering::Relaxed);
                return Err(e);
            }
        }
    }
    drop(job_rx);
    let reader_stop = Arc::clone(&stop);
    let reader = spawn("seal-reader", move || {
        read_loop(source, pool, job_tx, free_rx, done_tx, reader_stop)
    });
    let reader = match reader {
        Ok(h) => h,
        Err(e) => {
            stop.store(true, Ordering::Relaxed);
            return Err(e);
        }
    };
    handles.push(reader);

    let result = write_in_order(&done_rx, &free_tx, &mut sink);
    if result.is_err() {
        // Do not wait: the reader may be blocked reading input that never comes.
        stop.store(true, Ordering::Relaxed);
        return result;
    }
    for handle in handles {
        handle
            .join()
            .map_err(|_| Error::Thread("a pipeline thread panicked".into()))?;
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
    let mut written = 0;
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
            written += match by_worker {
                Some(n) => n,
                None => sink.write(&job, range)?,
            };
            // The reader may have finished and dropped its end; the buffer is then unneeded.
            let _ = free.send(job.buf);
        }
        let Ok((index, outcome)) = done.recv() else {
            break;
        };
        let slot = index
            .checked_sub(expected)
            .and_then(|k| usize::try_from(k).ok())
            .ok_or_else(|| Error::Thread(format!("frame {index} arrived twice")))?;
        if window.len() <= slot {
            window.resize_with(slot + 1, || None);
        }
        window[slot] = Some(outcome);
    }
    if window.is_empty() {
        Ok(written)
    } else {
        Err(Error::Thread(format!(
            "frame {expected} was lost by a worker"
        )))
    }
}
