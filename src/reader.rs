//! [`DecryptingReader`]: a stream's plaintext through `std::io::Read`, and through `Seek` when
//! the ciphertext can seek.
//!
//! Frames are opened one at a time on the caller's thread (for whole streams at full speed,
//! [`crate::Decryptor::decrypt`] runs the worker pool). Read on its own, the reader makes the
//! same checks in the same order as the pool, through [`check_frame`] and [`FrameOpener`], and
//! fails with the same errors. Sought, it first learns the stream's length from the
//! ciphertext's and authenticates the final frame at that length (as the age specification
//! asks of a seekable reader), then reads and opens only the frames that hold the bytes asked
//! for.

use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;
use std::sync::Arc;

use crate::error::{Error, Internal, Misuse, Result};
use crate::format::{FRAME_OVERHEAD, Framing, Header, Position};
use crate::frame::FrameOpener;
use crate::framing::{FixedDecoder, Frame};
use crate::signing::{Digest, FrameHasher};

/// Counts the bytes read through it, so that the reader can tell, once it is sought, where in
/// the inner reader the frames begin.
struct Counted<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

/// The frame whose plaintext is being served.
struct Current {
    index: u64,
    /// The plaintext's place in the reader's buffer.
    plain: Range<usize>,
    /// Whether it is the stream's final frame.
    last: bool,
    /// An error just past this frame, due once its plaintext has been read (see
    /// [`crate::frame::Checked::then`]).
    then: Option<Error>,
}

/// Where the frames lie in a seekable inner reader, learnt on the first seek with the final
/// frame authenticated.
#[derive(Clone, Copy)]
struct Layout {
    /// Offset of frame 0 in the inner reader.
    start: u64,
    /// Index of the final frame.
    last: u64,
    /// Plaintext length of the stream.
    plain_len: u64,
    /// The frame the inner reader is positioned at, if any.
    at: Option<u64>,
}

type SeekFn<R> = fn(&mut R, SeekFrom) -> io::Result<u64>;

/// Decrypts a seal stream as it is read: `Read` returns only plaintext whose frame has been
/// authenticated, in order, and end of file only once the final frame has been.
///
/// Truncation, trailing data and damage are `io::Error`s carrying the typed [`Error`]
/// (recover it with [`Error::from_io`]); after one, every further read fails the same way.
/// The inner reader must block (a `WouldBlock` is an error like any other).
///
/// ```
/// # use std::io::{Read, Write};
/// # use seal::{Decryptor, Encryptor, Key};
/// # let dir = std::env::temp_dir().join(format!("seal-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// # let key = Key::generate()?;
/// # let path = dir.join("read.seal");
/// # let mut w = Encryptor::with_key(&key)?.wrap_output(std::fs::File::create(&path)?)?;
/// # w.write_all(b"log line 1\nlog line 2\n")?;
/// # w.finish()?;
/// let file = std::fs::File::open(&path)?;
/// let mut text = String::new();
/// Decryptor::new(file)?.unlock(&key)?.reader().read_to_string(&mut text)?;
/// assert_eq!(text, "log line 1\nlog line 2\n");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct DecryptingReader<R> {
    header: Header,
    opener: FrameOpener,
    /// The one decoder of fixed framing, reading the inner reader.
    input: FixedDecoder<Counted<R>>,
    /// Holds the current frame: a whole wire frame, opened in place.
    buf: Vec<u8>,
    current: Option<Current>,
    /// Plaintext offset of the next byte to return.
    pos: u64,
    layout: Option<Layout>,
    /// Offset of frame 0 in the inner reader, once the first seek has asked it.
    start: Option<u64>,
    /// How to seek the inner reader: set by the first seek, where `R: Seek` is known.
    seek: Option<SeekFn<R>>,
    /// The error that ended reading; returned again by every later call.
    failed: Option<Error>,
    /// Set for a signed stream verified first: every frame's digest from the verification
    /// pass, each frame compared with its digest before it is opened.
    expected: Option<Arc<Vec<Digest>>>,
}

impl<R> std::fmt::Debug for DecryptingReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecryptingReader")
            .field("header", &self.header)
            .field("pos", &self.pos)
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

impl<R: Read> DecryptingReader<R> {
    /// A reader of the frames that follow `header` in `input`, which is positioned just past
    /// the header.
    pub(crate) fn new(header: Header, opener: FrameOpener, input: R) -> Self {
        DecryptingReader {
            input: FixedDecoder::new(
                Counted {
                    inner: input,
                    count: 0,
                },
                header.clone(),
            ),
            opener,
            buf: Vec::new(),
            current: None,
            pos: 0,
            layout: None,
            seek: None,
            start: None,
            failed: None,
            expected: None,
            header,
        }
    }

    /// This reader, comparing every frame with its digest from a verification pass before
    /// opening it ([`Error::FrameChanged`] when it differs or has no digest).
    pub(crate) fn with_digests(mut self, digests: Arc<Vec<Digest>>) -> Self {
        self.expected = Some(digests);
        self
    }

    /// The stream's header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The inner reader, wherever it is positioned.
    pub fn into_inner(self) -> R {
        self.input.into_reader().inner
    }

    fn chunk(&self) -> u64 {
        u64::from(self.header.chunk_size())
    }

    /// The frame buffer, to be filled anew. The current frame, whose plaintext it holds, is
    /// forgotten first: an error while the buffer is refilled must not leave that frame
    /// pointing at bytes that are no longer its plaintext, or at no buffer at all (a later
    /// seek back into it would then release ciphertext, or panic).
    fn take_buf(&mut self) -> Vec<u8> {
        self.current = None;
        std::mem::take(&mut self.buf)
    }

    /// Opens a wire frame that passed the structural checks and makes it the current frame.
    /// Whatever happens, its buffer is kept for the next frame.
    fn open(&mut self, frame: Frame) -> Result<()> {
        self.current = None;
        let Frame { job, checked } = frame;
        let mut buf = job.buf;
        if let Some(expected) = &self.expected {
            let digest = FrameHasher.digest(job.index, &buf[..job.len]);
            let known = usize::try_from(job.index)
                .ok()
                .and_then(|i| expected.get(i));
            if known != Some(&digest) {
                self.buf = buf;
                return Err(Error::FrameChanged {
                    frame: job.index,
                    offset: job.offset,
                });
            }
        }
        let opened = self
            .opener
            .open(job.index, checked.position, &mut buf[..job.len]);
        self.buf = buf;
        self.current = Some(Current {
            index: job.index,
            plain: opened?,
            last: checked.position == Position::Final,
            then: checked.then,
        });
        Ok(())
    }

    /// Reads and opens the next frame in stream order.
    fn next_in_order(&mut self) -> Result<()> {
        let spare = Some(self.take_buf()).filter(|buf| !buf.is_empty());
        let frame = self.input.next_frame(spare)?;
        self.open(frame)
    }

    /// Serves from the current frame, moving to the next frame when it is used up. `Ok(0)`
    /// only at the authenticated end of the stream.
    fn read_plain(&mut self, out: &mut [u8]) -> Result<usize> {
        loop {
            let chunk = self.chunk();
            if let Some(cur) = &mut self.current {
                let start = cur.index * chunk;
                let len = cur.plain.len() as u64;
                if (start..start + len).contains(&self.pos) {
                    let from = cur.plain.start + (self.pos - start) as usize;
                    let n = out.len().min(cur.plain.end - from);
                    out[..n].copy_from_slice(&self.buf[from..from + n]);
                    self.pos += n as u64;
                    return Ok(n);
                }
                if self.pos == start + len {
                    if let Some(e) = cur.then.take() {
                        return Err(e);
                    }
                    if cur.last {
                        return Ok(0);
                    }
                }
            }
            match self.layout {
                None => self.next_in_order()?,
                Some(layout) => {
                    if self.pos >= layout.plain_len {
                        return Ok(0);
                    }
                    self.load(self.pos / chunk)?;
                }
            }
        }
    }

    /// Reads frame `index` of a stream whose layout is known, and opens it.
    fn load(&mut self, index: u64) -> Result<()> {
        let (Some(layout), Some(seek)) = (self.layout, self.seek) else {
            return self.next_in_order();
        };
        let full = self.header.full_frame_len() as u64;
        let offset = layout.start + index * full;
        // Until the frame is read whole, where the inner reader stands is not known.
        self.layout = Some(Layout { at: None, ..layout });
        if layout.at != Some(index) {
            seek(&mut self.input.reader_mut().inner, SeekFrom::Start(offset))
                .map_err(Error::from_read)?;
        }
        let want = if index == layout.last {
            // The final frame's length was authenticated with it.
            (layout.plain_len - index * self.chunk()) as usize + FRAME_OVERHEAD
        } else {
            full as usize
        };
        let spare = Some(self.take_buf());
        let last = index == layout.last;
        let frame = self
            .input
            .frame_at(index, spare, want, |got| last || got < want)?;
        self.open(frame)?;
        self.layout = Some(Layout {
            at: Some(index + 1),
            ..layout
        });
        Ok(())
    }
}

impl<R> DecryptingReader<R> {
    /// Frames of a live stream lie where their lengths say, not where this reader looks.
    fn fixed_framing(&self) -> Result<()> {
        match self.header.framing() {
            Framing::Fixed => Ok(()),
            Framing::Live => Err(Error::LiveUnsupported("DecryptingReader")),
        }
    }
}

impl<R: Read> Read for DecryptingReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if let Some(e) = &self.failed {
            return Err(e.replay().into());
        }
        if out.is_empty() {
            return Ok(0);
        }
        self.fixed_framing()
            .and_then(|()| self.read_plain(out))
            .map_err(|e| {
                let again = e.replay();
                self.failed = Some(e);
                again.into()
            })
    }
}

impl<R: Read + Seek> DecryptingReader<R> {
    fn inner(&mut self) -> &mut R {
        &mut self.input.reader_mut().inner
    }

    /// Learns where the frames lie and the stream's length, authenticating the final frame.
    fn layout(&mut self) -> Result<Layout> {
        if let Some(layout) = self.layout {
            return Ok(layout);
        }
        // The inner reader has moved: reading on in order is no longer possible.
        self.find_layout()
            .inspect_err(|e| self.failed = Some(e.replay()))
    }

    fn find_layout(&mut self) -> Result<Layout> {
        self.fixed_framing()?;
        self.seek = Some(|inner: &mut R, to| inner.seek(to));
        let full = self.header.full_frame_len() as u64;
        let chunk = self.chunk();
        let buf = self.take_buf();
        let start = match self.start {
            Some(start) => start,
            None => {
                let consumed = self.input.reader_mut().count;
                let here = self.inner().stream_position().map_err(Error::from_read)?;
                let start = here
                    .checked_sub(consumed)
                    .ok_or(Error::Misuse(Misuse::InnerReaderMoved))?;
                self.start = Some(start);
                start
            }
        };
        // A signed stream's signature follows the frames: a range read never reads it (and
        // so never checks it; see `Unlocked::reader`).
        let trailer = self.header.trailer_len() as u64;
        let inner = self.inner();
        let end = inner
            .seek(SeekFrom::End(0))
            .map_err(Error::from_read)?
            .saturating_sub(trailer);
        let body = end.saturating_sub(start);
        let last = body.div_ceil(full).max(1) - 1;
        let last_len = (body - last * full) as usize;
        inner
            .seek(SeekFrom::Start(start + last * full))
            .map_err(Error::from_read)?;
        let (buf, got) = self.input.read(Some(buf), last_len)?;
        let opened = self
            .input
            .checked(buf, last, got, true)
            .and_then(|frame| self.open(frame));
        if let Err(e) = opened {
            return Err(self.tail_error(start, last, e));
        }
        let Some(cur) = &mut self.current else {
            return Err(Error::Internal(Internal::NoCurrentFrame));
        };
        if let Some(e) = cur.then.take() {
            // Input ends after a frame that says more follow: the final frame is missing.
            self.current = None;
            return Err(e);
        }
        let layout = Layout {
            start,
            last,
            plain_len: last * chunk + cur.plain.len() as u64,
            at: Some(last + 1),
        };
        self.layout = Some(layout);
        Ok(layout)
    }

    /// The error to report when the piece at the end of the input, read as frame `last`,
    /// failed with `e`. That piece may instead be data after a whole final frame `last - 1`,
    /// which the pool, reading in order, reports as [`Error::TrailingData`] (or as that frame's
    /// own failure): the frame before is looked at, once, so that the reader says the same for
    /// data appended after a full final frame, up to a frame's length of it. An error in the
    /// frame before is the pool's error too, since the pool reaches it first.
    fn tail_error(&mut self, start: u64, last: u64, e: Error) -> Error {
        let Some(before) = last.checked_sub(1) else {
            return e;
        };
        let full = self.header.full_frame_len();
        let mut buf = self.take_buf();
        buf.resize(full, 0);
        let sought = self
            .inner()
            .seek(SeekFrom::Start(start + before * full as u64));
        let read = match sought {
            Ok(_) => self.input.read(Some(buf), full),
            Err(_) => Err(e.replay()),
        };
        let Ok((buf, got)) = read else {
            // The piece's own error stands.
            return e;
        };
        // Bytes follow it: the piece that failed.
        let opened = self
            .input
            .checked(buf, before, got, false)
            .and_then(|frame| self.open(frame));
        match opened {
            Err(before_error) => before_error,
            Ok(()) => {
                let then = self.current.take().and_then(|cur| cur.then);
                then.unwrap_or(e)
            }
        }
    }

    /// The stream's plaintext length, known once the final frame at the length the ciphertext
    /// has was authenticated (which this does, the first time).
    pub fn plaintext_len(&mut self) -> io::Result<u64> {
        Ok(self.layout()?.plain_len)
    }
}

/// Seeking moves the plaintext position. The first seek (or [`DecryptingReader::plaintext_len`])
/// reads and authenticates the final frame; after it, reads open only the frames they need.
/// A position past the end reads as end of file; a negative one is `InvalidInput`.
/// A seek that succeeds clears an earlier failure, since no frame is trusted beyond the one
/// being opened. The first seek's errors are those of reading in order where the end of the
/// input shows them: a cut, damage to the final frame, and data after a whole final frame
/// (up to a frame's length of it; more reads as a frame that is out of place or cut short).
///
/// ```
/// # use std::io::{Read, Seek, SeekFrom, Write};
/// # use seal::{Cipher, Decryptor, Encryptor, Key};
/// # let dir = std::env::temp_dir().join(format!("seal-doc-seek-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// # let key = Key::generate()?;
/// # let path = dir.join("range.seal");
/// # let mut w = Encryptor::with_key(&key)?
/// #     .cipher(Cipher::ChaCha20Poly1305)
/// #     .chunk_size(64)
/// #     .threads(2)
/// #     .wrap_output(std::fs::File::create(&path)?)?;
/// # for i in 0..1000u32 { write!(w, "{i:04}")?; }
/// # w.finish()?;
/// // Bytes 2000..2012 of a 4000-byte plaintext: reads the final frame and the frames that hold them.
/// let file = std::fs::File::open(&path)?;
/// let mut reader = Decryptor::new(file)?.unlock(&key)?.reader();
/// assert_eq!(reader.plaintext_len()?, 4000);
/// reader.seek(SeekFrom::Start(2000))?;
/// let mut range = [0u8; 12];
/// reader.read_exact(&mut range)?;
/// assert_eq!(&range, b"050005010502");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl<R: Read + Seek> Seek for DecryptingReader<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let layout = self.layout()?;
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => layout.plain_len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        let Some(target) = target else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek to a negative or overflowing position",
            ));
        };
        self.failed = None;
        let chunk = self.chunk();
        if let Some(cur) = &mut self.current {
            let start = cur.index * chunk;
            if !(start..=start + cur.plain.len() as u64).contains(&target) {
                self.current = None;
            }
        }
        self.pos = target;
        Ok(target)
    }
}
