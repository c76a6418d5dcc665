//! Live framing (format version 2): frames cut by time as well as by size, each carrying its
//! plaintext length.
//!
//! The encoder reads the input on a thread of its own as it comes ([`spawn_input`]), and
//! [`LiveChunker`] sends a short frame once its first byte has waited the stream's maximum
//! delay. The decoder ([`LiveDecoder`]) reads each frame's length and nonce, bounds the length,
//! then reads exactly the frame, so that it can be released as soon as it is authenticated.

use std::io::{self, Read};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::format::{Framing, Header, LENGTH_LEN, NONCE_LEN, Position, stored_position};
use crate::framing::io::{fill, next_index, peek};
use crate::pipeline::{Job, Source};

/// What the input thread of a live encoder hands the framer.
pub(crate) enum Piece {
    /// Bytes read, and when.
    Data(Instant, Vec<u8>),
    /// Input ended.
    End,
    /// Reading failed.
    Failed(io::Error),
}

/// Most bytes the input thread of a live encoder reads at once.
const LIVE_READ_LEN: usize = 64 * 1024;
/// Most pieces waiting between the input thread and the framer.
const LIVE_QUEUE: usize = 4;

/// Reads `reader` on its own thread, as data comes, into a bounded queue. The thread ends at
/// end of input, on an error, or at its next read once the framer is gone (a read that never
/// returns keeps it, blocked, until the process ends).
pub(crate) fn spawn_input<R: Read + Send + 'static>(mut reader: R) -> Result<Receiver<Piece>> {
    let (tx, rx): (SyncSender<Piece>, _) = mpsc::sync_channel(LIVE_QUEUE);
    std::thread::Builder::new()
        .name("seal-input".into())
        .spawn(move || {
            loop {
                let mut buf = vec![0u8; LIVE_READ_LEN];
                let piece = match reader.read(&mut buf) {
                    Ok(0) => Piece::End,
                    Ok(n) => {
                        buf.truncate(n);
                        Piece::Data(Instant::now(), buf)
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => Piece::Failed(e),
                };
                let last = !matches!(piece, Piece::Data(..));
                if tx.send(piece).is_err() || last {
                    return;
                }
            }
        })
        .map_err(|source| Error::ThreadStart {
            thread: "seal-input",
            source,
        })?;
    Ok(rx)
}

/// Cuts plaintext into frames of a live stream: a frame goes out when it holds a whole chunk,
/// when input ends (the final frame, possibly empty), or when its first byte has waited
/// `max_delay`, whichever comes first.
pub(crate) struct LiveChunker {
    input: Receiver<Piece>,
    /// Part of a piece not yet framed: when it was read, its bytes, how many are taken.
    carry: Option<(Instant, Vec<u8>, usize)>,
    max_delay: Duration,
    chunk: usize,
    buf_len: usize,
    index: u64,
    done: bool,
}

impl LiveChunker {
    fn job(&mut self, buf: Vec<u8>, len: usize, position: Position) -> Result<Option<Job>> {
        let index = self.index;
        self.index = next_index(index)?;
        self.done = position == Position::Final;
        Ok(Some(Job {
            index,
            offset: 0,
            buf,
            len,
            position,
        }))
    }
}

impl Source for LiveChunker {
    fn buffer_len(&self) -> usize {
        self.buf_len
    }
    fn next_index(&self) -> u64 {
        self.index
    }
    fn next(&mut self, spare: Option<Vec<u8>>) -> Result<Option<Job>> {
        if self.done {
            return Ok(None);
        }
        let mut buf = spare.unwrap_or_else(|| vec![0u8; self.buf_len]);
        let start = Framing::Live.body_offset();
        let mut len = 0;
        // When the frame must go out: set by its first byte.
        let mut deadline: Option<Instant> = None;
        loop {
            if let Some((read_at, data, taken)) = &mut self.carry {
                if deadline.is_none() {
                    // A delay past what the clock can count (`Instant + Duration` would panic)
                    // is no deadline: the frame goes out when full or at end of input.
                    deadline = read_at.checked_add(self.max_delay);
                }
                let n = (self.chunk - len).min(data.len() - *taken);
                buf[start + len..start + len + n].copy_from_slice(&data[*taken..*taken + n]);
                len += n;
                *taken += n;
                if *taken == data.len() {
                    self.carry = None;
                }
                if len == self.chunk || deadline.is_some_and(|d| Instant::now() >= d) {
                    return self.job(buf, len, Position::More);
                }
                continue;
            }
            let piece = match deadline {
                None => self.input.recv().map_err(|_| input_lost())?,
                Some(deadline) => {
                    let wait = deadline.saturating_duration_since(Instant::now());
                    match self.input.recv_timeout(wait) {
                        Ok(piece) => piece,
                        Err(RecvTimeoutError::Timeout) => {
                            return self.job(buf, len, Position::More);
                        }
                        Err(RecvTimeoutError::Disconnected) => return Err(input_lost()),
                    }
                }
            };
            match piece {
                Piece::Data(read_at, data) => self.carry = Some((read_at, data, 0)),
                Piece::End => return self.job(buf, len, Position::Final),
                Piece::Failed(e) => return Err(Error::from_read(e)),
            }
        }
    }
}

fn input_lost() -> Error {
    // The thread sends its last piece before it ends: without one, it panicked.
    Error::ThreadPanicked("seal-input")
}

impl LiveChunker {
    /// Frames of `chunk` bytes at most, in buffers of `buf_len`, from what `input` brings, each
    /// sent once its first byte has waited `max_delay`.
    pub(crate) fn new(
        input: Receiver<Piece>,
        max_delay: Duration,
        chunk: usize,
        buf_len: usize,
    ) -> Self {
        LiveChunker {
            input,
            carry: None,
            max_delay,
            chunk,
            buf_len,
            index: 0,
            done: false,
        }
    }
}

/// Cuts ciphertext with live framing into wire frames: reads each frame's length and nonce,
/// checks them (bounding the length before reading further), then reads exactly the frame.
pub(crate) struct LiveDecoder<R> {
    reader: R,
    header: Header,
    index: u64,
    /// Offset of the next frame in the stream.
    offset: u64,
    then: Option<Error>,
    done: bool,
}

impl<R: Read + Send + 'static> Source for LiveDecoder<R> {
    fn buffer_len(&self) -> usize {
        self.header.full_frame_len()
    }
    fn next_index(&self) -> u64 {
        self.index
    }
    fn next(&mut self, spare: Option<Vec<u8>>) -> Result<Option<Job>> {
        if let Some(error) = self.then.take() {
            return Err(error);
        }
        if self.done {
            return Ok(None);
        }
        let (index, offset) = (self.index, self.offset);
        let truncated = Error::Truncated {
            frame: index,
            offset,
        };
        let mut prefix = [0u8; LIVE_PREFIX_LEN];
        let (got, _) = fill(&mut self.reader, &mut prefix).map_err(Error::from_read)?;
        if got < LIVE_PREFIX_LEN {
            return Err(truncated);
        }
        let declared = check_live_prefix(&self.header, index, offset, &prefix)?;
        let wire = declared.len + Framing::Live.overhead();
        let mut buf = spare.unwrap_or_else(|| vec![0u8; self.header.full_frame_len()]);
        buf[..LIVE_PREFIX_LEN].copy_from_slice(&prefix);
        let (got, _) =
            fill(&mut self.reader, &mut buf[LIVE_PREFIX_LEN..wire]).map_err(Error::from_read)?;
        if LIVE_PREFIX_LEN + got < wire {
            return Err(truncated);
        }
        let end = offset.saturating_add(wire as u64);
        if declared.position == Position::Final {
            self.done = true;
            if peek(&mut self.reader)?.is_some() {
                self.then = Some(Error::TrailingData { offset: end });
            }
        }
        self.index = next_index(index)?;
        self.offset = end;
        Ok(Some(Job {
            index,
            offset,
            buf,
            len: wire,
            position: declared.position,
        }))
    }
}

impl<R> LiveDecoder<R> {
    /// Frames of the live stream `header` begins, from `reader` positioned just past it.
    pub(crate) fn new(reader: R, header: Header) -> Self {
        LiveDecoder {
            reader,
            offset: header.len() as u64,
            header,
            index: 0,
            then: None,
            done: false,
        }
    }
}

/// Length of what a decoder reads first of a live frame: its length field and its nonce.
pub(crate) const LIVE_PREFIX_LEN: usize = LENGTH_LEN + NONCE_LEN;

/// What the first [`LIVE_PREFIX_LEN`] bytes of a live frame declare, once checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LivePrefix {
    /// The position the frame's nonce encodes.
    pub(crate) position: Position,
    /// The plaintext length (0..=chunk_size), so the frame is `len + 32` bytes long.
    pub(crate) len: usize,
}

/// The structural checks a decoder makes on the first bytes of live frame `index` (which
/// starts at `offset`), before it reads or allocates anything for the rest: the stored nonce
/// must be `index`'s with either flag ([`Error::FrameOutOfPlace`]), and the length must be
/// within 1..=chunk_size, or 0..=chunk_size for the final frame ([`Error::FrameLength`]).
pub(crate) fn check_live_prefix(
    header: &Header,
    index: u64,
    offset: u64,
    prefix: &[u8; LIVE_PREFIX_LEN],
) -> Result<LivePrefix> {
    let Some(position) = stored_position(index, &prefix[LENGTH_LEN..]) else {
        return Err(Error::FrameOutOfPlace {
            frame: index,
            offset,
        });
    };
    let declared = u32::from_be_bytes([prefix[0], prefix[1], prefix[2], prefix[3]]);
    let least = match position {
        Position::More => 1,
        Position::Final => 0,
    };
    if !(least..=header.chunk_size()).contains(&declared) {
        return Err(Error::FrameLength {
            frame: index,
            offset,
            len: declared,
        });
    }
    Ok(LivePrefix {
        position,
        len: declared as usize,
    })
}
