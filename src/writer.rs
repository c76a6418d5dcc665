//! [`EncryptingWriter`]: a stream encrypted as it is written through `std::io::Write`.
//!
//! The writer cuts what it is given into chunks; each chunk it fills becomes a job of the same
//! worker pool that [`crate::Encryptor::encrypt`] uses, fed through a channel instead of from
//! a reader, so its bytes are exactly those `encrypt` writes for the same header and plaintext,
//! however the writes are cut and at every thread count. A full chunk is sealed as a non-final
//! frame only once a byte after it arrives; the final frame is sealed only by
//! [`EncryptingWriter::finish`]. A writer dropped unfinished therefore leaves a stream that no
//! decoder accepts as complete.
//!
//! ```text
//! write() ─▶ chunk ─▶ jobs (bounded) ─▶ pipeline on a background thread ─▶ inner writer
//!    ▲                                              │
//!    └──────────── free chunk buffers ◀─────────────┘
//! ```

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::thread::{self, JoinHandle};

use crate::error::{Error, Internal, Misuse, Result};
use crate::format::{FRAME_OVERHEAD, Framing, Header, NONCE_LEN, Position};
use crate::frame::FrameSealer;
use crate::pipeline::{self, Job, Sink, Source};

/// Frame buffers a pooled writer holds besides the pool's: the chunk being filled, the job
/// being handed over, and one waiting in the job channel.
const WRITER_BUFFERS: usize = 3;

/// The pipeline's source: the chunks the writer submits, in order.
struct Submitted {
    jobs: Receiver<Job>,
    /// Where the pipeline's free buffers go back to the writer.
    spares: Sender<Vec<u8>>,
    next: u64,
    buffer_len: usize,
}

impl Source for Submitted {
    fn buffer_len(&self) -> usize {
        self.buffer_len
    }
    fn next_index(&self) -> u64 {
        self.next
    }
    fn next(&mut self, spare: Option<Vec<u8>>) -> Result<Option<Job>> {
        if let Some(buf) = spare {
            // The writer may be gone (dropped unfinished); the buffer is then unneeded.
            let _ = self.spares.send(buf);
        }
        // A closed channel is the end of the submitted frames, whether or not one was final.
        let Ok(job) = self.jobs.recv() else {
            return Ok(None);
        };
        self.next = job.index.saturating_add(1);
        Ok(Some(job))
    }
}

/// Where sealed frames go.
enum Engine<W> {
    /// Sealed and written on the caller's thread.
    Inline { sealer: FrameSealer, output: W },
    /// Sealed by the pool, written by its background thread, which gives the writer back.
    Pool {
        jobs: SyncSender<Job>,
        spares: Receiver<Vec<u8>>,
        worker: JoinHandle<(W, Result<u64>)>,
    },
}

/// Encrypts what is written to it into a seal stream written to an inner writer.
///
/// Made by [`crate::Encryptor::wrap_output`], which writes the header at once. Writes are buffered a
/// chunk at a time; [`EncryptingWriter::finish`] seals the final frame and returns the inner
/// writer, and must be called: a writer dropped unfinished leaves a truncated stream (frames
/// already sealed may still be written, in the background with threads; never the final one).
/// After an error, every call fails with it.
///
/// Memory: with a pool of `w` workers the writer and its pool hold at most `2 × w + 4` frame
/// buffers, and `w` is capped (as [`crate::workers_for`] caps encrypt's) so that they fit in
/// [`crate::MAX_FRAME_BUFFER_BYTES`] whatever `threads` asks for; a stalled inner writer
/// makes `write` block, never buffer more.
///
/// ```
/// use std::fs::File;
/// use std::io::Write;
/// use seal::{Encryptor, Key};
/// # let dir = std::env::temp_dir().join(format!("seal-doc-writer-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// # let path = dir.join("notes.seal");
/// let key = Key::generate()?;
/// let file = File::create(&path)?;
/// let mut writer = Encryptor::with_key(&key)?.threads(2).wrap_output(file)?;
/// for i in 0..1000 {
///     writeln!(writer, "line {i}")?;
/// }
/// let file = writer.finish()?; // seals the final frame; without it the stream is truncated
/// file.sync_all()?;
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct EncryptingWriter<W: Write> {
    /// `None` once finished or failed.
    engine: Option<Engine<W>>,
    /// The chunk being filled, in a full-frame buffer: plaintext at `NONCE_LEN..`.
    buf: Vec<u8>,
    filled: usize,
    chunk: usize,
    /// Index of the frame `buf` will be.
    index: u64,
    failed: Option<Error>,
}

impl<W: Write> std::fmt::Debug for EncryptingWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncryptingWriter")
            .field("index", &self.index)
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

impl<W: Write + Send + 'static> EncryptingWriter<W> {
    /// Writes `header` to `output` and returns a writer of the frames `sealer` seals, by
    /// `threads` workers (1: on the caller's thread, no extra thread).
    pub(crate) fn new(
        header: Header,
        sealer: FrameSealer,
        output: W,
        threads: usize,
    ) -> Result<Self> {
        // Besides the pool's 2 × w + 1 frame buffers, the writer holds up to WRITER_BUFFERS:
        // the chunk it fills, the job it hands over and the one waiting in the channel. The
        // workers are counted so that all of them fit in the budget (and `threads` sizes
        // nothing: it is clamped like encrypt's).
        let buffer_len = header.full_frame_len();
        let workers = pipeline::workers_beside(threads, buffer_len, WRITER_BUFFERS);
        if workers <= 1 {
            return EncryptingWriter::inline(header, sealer, output);
        }
        let mut output = EncryptingWriter::start(&header, output)?;
        // One job waits in the channel, no more (counted in WRITER_BUFFERS).
        let (jobs, job_rx) = mpsc::sync_channel(1);
        let (spare_tx, spares) = mpsc::channel();
        let source = Submitted {
            jobs: job_rx,
            spares: spare_tx,
            next: 0,
            buffer_len: header.chunk_size() as usize + FRAME_OVERHEAD,
        };
        let worker = thread::Builder::new()
            .name("seal-writer".into())
            .spawn(move || {
                let result = pipeline::run(
                    source,
                    Arc::new(sealer),
                    Sink::Stream(&mut output, false),
                    workers,
                );
                (output, result)
            })
            .map_err(|source| Error::ThreadStart {
                thread: "seal-writer",
                source,
            })?;
        let engine = Engine::Pool {
            jobs,
            spares,
            worker,
        };
        Ok(EncryptingWriter::with_engine(&header, engine))
    }
}

impl<W: Write> EncryptingWriter<W> {
    /// Writes the header (of fixed framing only) and returns the output.
    fn start(header: &Header, mut output: W) -> Result<W> {
        if header.framing() == Framing::Live {
            return Err(Error::LiveUnsupported("EncryptingWriter"));
        }
        output.write_all(&header.to_bytes()).map_err(Error::Write)?;
        Ok(output)
    }

    fn with_engine(header: &Header, engine: Engine<W>) -> Self {
        let chunk = header.chunk_size() as usize;
        EncryptingWriter {
            engine: Some(engine),
            buf: vec![0; chunk + FRAME_OVERHEAD],
            filled: 0,
            chunk,
            index: 0,
            failed: None,
        }
    }

    /// Writes `header` to `output` and returns a writer that seals on the caller's thread:
    /// for any `Write`, borrowed or not `Send`.
    pub(crate) fn inline(header: Header, sealer: FrameSealer, output: W) -> Result<Self> {
        let output = EncryptingWriter::start(&header, output)?;
        Ok(EncryptingWriter::with_engine(
            &header,
            Engine::Inline { sealer, output },
        ))
    }

    /// Seals the chunk in `buf` as frame `index` at `position` (on this thread or the pool's)
    /// and starts a new chunk.
    fn submit(&mut self, position: Position) -> Result<()> {
        let index = self.index;
        let len = self.filled;
        match &mut self.engine {
            Some(Engine::Inline { sealer, output }) => {
                let wire = sealer.seal_at(index, position, &mut self.buf, len)?;
                output.write_all(&self.buf[..wire]).map_err(Error::Write)?;
            }
            Some(Engine::Pool { jobs, spares, .. }) => {
                let spare = spares
                    .try_recv()
                    .unwrap_or_else(|_| vec![0; self.chunk + FRAME_OVERHEAD]);
                let buf = std::mem::replace(&mut self.buf, spare);
                let job = Job {
                    index,
                    offset: 0,
                    buf,
                    len,
                    position,
                };
                if jobs.send(job).is_err() {
                    // The pool stopped: its error says why.
                    let stopped = self.stop().err();
                    return Err(stopped.unwrap_or(Error::Internal(Internal::PoolStopped)));
                }
            }
            None => return Err(Error::Misuse(Misuse::WriterStopped)),
        }
        self.filled = 0;
        self.index = index.checked_add(1).ok_or(Error::TooManyFrames)?;
        Ok(())
    }

    /// Ends the pool (or the inline engine) and returns the inner writer, flushed, or the
    /// first error.
    fn stop(&mut self) -> Result<W> {
        match self.engine.take() {
            Some(Engine::Inline { mut output, .. }) => {
                output.flush().map_err(Error::Write)?;
                Ok(output)
            }
            Some(Engine::Pool { jobs, worker, .. }) => {
                drop(jobs);
                let (mut output, result) = worker
                    .join()
                    .map_err(|_| Error::ThreadPanicked("seal-writer"))?;
                result?;
                output.flush().map_err(Error::Write)?;
                Ok(output)
            }
            None => Err(Error::Misuse(Misuse::WriterStopped)),
        }
    }

    fn fail(&mut self, e: Error) -> io::Error {
        let again = e.replay();
        self.failed = Some(e);
        again.into()
    }

    /// Seals the final frame (the chunk being filled: empty only if nothing was written),
    /// waits for every frame to be written, flushes the inner writer and returns it.
    /// The stream is complete only if this returns `Ok`.
    pub fn finish(mut self) -> Result<W> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        self.submit(Position::Final)?;
        self.stop()
    }
}

impl<W: Write> Write for EncryptingWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if let Some(e) = &self.failed {
            return Err(e.replay().into());
        }
        if data.is_empty() {
            return Ok(0);
        }
        // A full chunk becomes a non-final frame only now that a byte follows it.
        if self.filled == self.chunk
            && let Err(e) = self.submit(Position::More)
        {
            return Err(self.fail(e));
        }
        let n = data.len().min(self.chunk - self.filled);
        let at = NONCE_LEN + self.filled;
        self.buf[at..at + n].copy_from_slice(&data[..n]);
        self.filled += n;
        Ok(n)
    }

    /// Flushes the inner writer when frames are sealed on the caller's thread. It cannot make
    /// a frame of a partly filled chunk (frames are whole chunks until the final one), and
    /// with a pool the inner writer belongs to the pool's thread until
    /// [`EncryptingWriter::finish`], which flushes it.
    fn flush(&mut self) -> io::Result<()> {
        if let Some(e) = &self.failed {
            return Err(e.replay().into());
        }
        match &mut self.engine {
            Some(Engine::Inline { output, .. }) => output.flush(),
            _ => Ok(()),
        }
    }
}
