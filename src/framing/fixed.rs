//! Fixed framing (format version 1): every frame but the last holds a whole chunk, so frame
//! `i` lies at a known offset and its position is told by its nonce.
//!
//! The encoder ([`Chunker`]) needs to know, when it seals a full chunk, whether input ends
//! after it: it reads one byte ahead. The decoder ([`FixedDecoder`]) learns a frame's position
//! from the frame's nonce, and reads one byte ahead only after a full final frame, to catch
//! trailing data. The one decoder serves the pool (as a [`Source`]), and
//! [`crate::DecryptingReader`], both in order and at the frames a seek asks for.

use std::io::Read;

use crate::error::{Error, Result};
use crate::format::{FRAME_OVERHEAD, Header, NONCE_LEN, Position, stored_position};
use crate::framing::io::{fill, next_index, peek};
use crate::pipeline::{Job, Source};

/// Cuts plaintext into chunks (fixed framing). After a full chunk it reads one byte ahead to
/// tell whether that chunk is the last; the byte starts the next chunk.
pub(crate) struct Chunker<R> {
    reader: R,
    chunk: usize,
    buf_len: usize,
    index: u64,
    peeked: Option<u8>,
    done: bool,
}

impl<R: Read + Send + 'static> Source for Chunker<R> {
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
        let body = &mut buf[NONCE_LEN..NONCE_LEN + self.chunk];
        let mut len = 0;
        if let Some(byte) = self.peeked.take() {
            body[0] = byte;
            len = 1;
        }
        let (got, ended) = fill(&mut self.reader, &mut body[len..]).map_err(Error::from_read)?;
        len += got;
        let at_eof = ended || {
            self.peeked = peek(&mut self.reader)?;
            self.peeked.is_none()
        };
        self.done = at_eof;
        let index = self.index;
        self.index = next_index(index)?;
        let position = if at_eof {
            Position::Final
        } else {
            Position::More
        };
        Ok(Some(Job {
            index,
            offset: 0,
            buf,
            len,
            position,
        }))
    }
}

impl<R> Chunker<R> {
    /// Chunks of `chunk` bytes of `reader`, in buffers of `buf_len` bytes (plaintext at
    /// `NONCE_LEN..`).
    pub(crate) fn new(reader: R, chunk: usize, buf_len: usize) -> Self {
        Chunker {
            reader,
            chunk,
            buf_len,
            index: 0,
            peeked: None,
            done: false,
        }
    }
}

/// `spare` made `len` bytes long, or a new zeroed buffer (left to the allocator to zero, so
/// that its pages cost memory only once input is read into them).
fn frame_buffer(spare: Option<Vec<u8>>, len: usize) -> Vec<u8> {
    match spare {
        Some(mut buf) => {
            buf.resize(len, 0);
            buf
        }
        None => vec![0u8; len],
    }
}

/// One wire frame read and structurally checked, not yet opened.
pub(crate) struct Frame {
    /// The frame: `buf[..len]`, in a buffer of full-frame length.
    pub(crate) job: Job,
    /// What [`check_frame`] found: the position, and an error due just past this frame.
    pub(crate) checked: Checked,
}

/// The decoder of fixed framing: reads wire frames from `reader` and makes the structural
/// checks, in order or (for a reader that seeks) at the frame asked for.
pub(crate) struct FixedDecoder<R> {
    reader: R,
    header: Header,
    /// Index of the next frame read in order.
    index: u64,
    /// An error found just past the last frame returned, due once that frame is out (used
    /// when the decoder is the pool's source).
    then: Option<Error>,
    /// The final frame was returned (or an error was).
    done: bool,
}

impl<R: Read> FixedDecoder<R> {
    /// Frames of the stream `header` begins, from `reader` positioned just past the header.
    pub(crate) fn new(reader: R, header: Header) -> Self {
        FixedDecoder {
            reader,
            header,
            index: 0,
            then: None,
            done: false,
        }
    }

    /// The inner reader.
    pub(crate) fn reader_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// The inner reader back.
    pub(crate) fn into_reader(self) -> R {
        self.reader
    }

    /// Reads the next frame in stream order into `spare` (or a new buffer) and checks it.
    /// Whether input ends after it matters only for a full final frame (trailing data): every
    /// other case is settled by the frame itself or by the next read.
    pub(crate) fn next_frame(&mut self, spare: Option<Vec<u8>>) -> Result<Frame> {
        let full = self.header.full_frame_len();
        let mut buf = frame_buffer(spare, full);
        let index = self.index;
        let (len, ended) = fill(&mut self.reader, &mut buf[..full]).map_err(Error::from_read)?;
        let claims_final = stored_position(index, &buf[..NONCE_LEN.min(len)]);
        let at_eof =
            ended || (claims_final == Some(Position::Final) && peek(&mut self.reader)?.is_none());
        let frame = self.checked(buf, index, len, at_eof)?;
        self.index = next_index(index)?;
        Ok(frame)
    }

    /// Reads frame `index` from where the reader stands: `want` bytes (a full frame, or the
    /// final frame's length once known), with `at_eof` telling, from the bytes got, whether
    /// input ends after it. The next frame read in order is then `index + 1`.
    pub(crate) fn frame_at(
        &mut self,
        index: u64,
        spare: Option<Vec<u8>>,
        want: usize,
        at_eof: impl FnOnce(usize) -> bool,
    ) -> Result<Frame> {
        let (buf, len) = self.read(spare, want)?;
        let frame = self.checked(buf, index, len, at_eof(len))?;
        self.index = next_index(index)?;
        Ok(frame)
    }

    /// Reads up to `want` bytes (at most a full frame) from where the reader stands, into
    /// `spare` (or a new buffer) of full-frame length: the buffer and the bytes got.
    pub(crate) fn read(&mut self, spare: Option<Vec<u8>>, want: usize) -> Result<(Vec<u8>, usize)> {
        let full = self.header.full_frame_len();
        let mut buf = frame_buffer(spare, full);
        let (len, _) =
            fill(&mut self.reader, &mut buf[..want.min(full)]).map_err(Error::from_read)?;
        Ok((buf, len))
    }

    /// The structural checks on wire frame `index` held in `buf[..len]` (`at_eof`: no byte
    /// follows it).
    pub(crate) fn checked(
        &self,
        buf: Vec<u8>,
        index: u64,
        len: usize,
        at_eof: bool,
    ) -> Result<Frame> {
        let checked = check_frame(&self.header, index, &buf[..len], at_eof)?;
        Ok(Frame {
            job: Job {
                index,
                offset: self.header.frame_offset(index),
                buf,
                len,
                position: checked.position,
            },
            checked,
        })
    }
}

impl<R: Read + Send + 'static> Source for FixedDecoder<R> {
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
        let frame = self.next_frame(spare)?;
        self.then = frame.checked.then;
        self.done = frame.checked.position == Position::Final;
        Ok(Some(frame.job))
    }
}

/// The verdict of the structural checks on a frame: the position its nonce must encode, and
/// the error that comes right after it in stream order, if the input is bad there.
#[derive(Debug)]
pub struct Checked {
    /// The position the frame's nonce must encode.
    pub position: Position,
    /// An error at the point just past this frame ([`Error::Truncated`] for the missing next
    /// frame, or [`Error::TrailingData`]), reported once this frame has been handled, so that
    /// every authentic frame before the damage is released first.
    pub then: Option<Error>,
}

/// The structural checks a decoder makes on wire frame `index` before any decryption.
///
/// `frame` is what was read for it: a full frame, or less when input ended (`at_eof` tells
/// whether any byte follows). Only `frame`'s own stored nonce is compared with the nonce that
/// index and position require; it is never used for decryption.
pub fn check_frame(header: &Header, index: u64, frame: &[u8], at_eof: bool) -> Result<Checked> {
    let offset = header.frame_offset(index);
    if frame.len() < FRAME_OVERHEAD {
        return Err(Error::Truncated {
            frame: index,
            offset,
        });
    }
    let Some(position) = stored_position(index, &frame[..NONCE_LEN]) else {
        return Err(Error::FrameOutOfPlace {
            frame: index,
            offset,
        });
    };
    let then = match (position, at_eof) {
        // A frame cut short: only a final frame may be shorter than a full one.
        (Position::More, true) if frame.len() < header.full_frame_len() => {
            return Err(Error::Truncated {
                frame: index,
                offset,
            });
        }
        // A whole frame that says more follow, but input ends after it: the next is missing.
        (Position::More, true) => {
            let missing = index.saturating_add(1);
            Some(Error::Truncated {
                frame: missing,
                offset: header.frame_offset(missing),
            })
        }
        (Position::Final, false) => Some(Error::TrailingData {
            offset: offset.saturating_add(frame.len() as u64),
        }),
        (Position::More, false) | (Position::Final, true) => None,
    };
    Ok(Checked { position, then })
}
