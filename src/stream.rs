//! Whole streams: [`Encryptor`] writes a header and seals frames, [`Decryptor`] reads and checks
//! a header and opens frames, both through the worker pool in [`crate::pipeline`].
//!
//! Both read their input through a one-frame look-ahead: a frame's position (final or not) is
//! known only once the read after it returns data or end of input.

use std::fs::File;
use std::io::{self, Read, Write};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::format::{
    Cipher, FRAME_OVERHEAD, HEADER_LEN, Header, MAGIC, NONCE_LEN, Position, SALT_LEN,
};
use crate::frame::{FrameOpener, FrameSealer, check_frame};
use crate::kdf::{self, StreamKeys};
use crate::keys::{Key, fill_random};
use crate::pipeline::{self, Job, Positional, Process, Sink, Source};

/// Reads until `buf` is full or input ends. Returns the bytes read and whether input ended.
fn fill<R: Read + ?Sized>(reader: &mut R, buf: &mut [u8]) -> io::Result<(usize, bool)> {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..]) {
            Ok(0) => return Ok((n, true)),
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok((n, false))
}

/// A filled buffer and whether input ended right after it.
struct Filled {
    buf: Vec<u8>,
    len: usize,
    at_eof: bool,
}

/// Reads fixed-size pieces of input into `region` of full-frame buffers, one piece ahead.
struct Lookahead<R> {
    reader: R,
    region: Range<usize>,
    buf_len: usize,
    /// The piece after the one last returned, with whether input ended after it.
    pending: Option<Filled>,
    /// Input has ended and its last piece was returned.
    done: bool,
}

impl<R: Read> Lookahead<R> {
    fn new(reader: R, region: Range<usize>, buf_len: usize) -> Self {
        Lookahead {
            reader,
            region,
            buf_len,
            pending: None,
            done: false,
        }
    }

    fn read_piece(&mut self, spare: Option<Vec<u8>>) -> Result<Filled> {
        let mut buf = spare.unwrap_or_else(|| vec![0u8; self.buf_len]);
        let (len, ended) =
            fill(&mut self.reader, &mut buf[self.region.clone()]).map_err(Error::Read)?;
        Ok(Filled {
            buf,
            len,
            at_eof: ended,
        })
    }

    /// The next piece; `at_eof` is true when no input byte follows it.
    fn next(&mut self, spare: Option<Vec<u8>>) -> Result<Option<Filled>> {
        if self.done {
            return Ok(None);
        }
        let (mut current, spare) = match self.pending.take() {
            Some(p) => (p, spare),
            None => (self.read_piece(spare)?, None),
        };
        if !current.at_eof {
            let next = self.read_piece(spare)?;
            if next.len == 0 {
                current.at_eof = true;
            } else {
                self.pending = Some(next);
            }
        }
        self.done = current.at_eof;
        Ok(Some(current))
    }
}

fn next_index(index: u64) -> Result<u64> {
    index.checked_add(1).ok_or(Error::TooManyFrames)
}

/// Cuts plaintext into chunks.
struct PlainSource<R> {
    input: Lookahead<R>,
    index: u64,
}

impl<R: Read + Send + 'static> Source for PlainSource<R> {
    fn next_index(&self) -> u64 {
        self.index
    }
    fn next(&mut self, spare: Option<Vec<u8>>) -> Result<Option<Job>> {
        let Some(piece) = self.input.next(spare)? else {
            return Ok(None);
        };
        let index = self.index;
        self.index = next_index(index)?;
        let position = if piece.at_eof {
            Position::Final
        } else {
            Position::More
        };
        Ok(Some(Job {
            index,
            buf: piece.buf,
            len: piece.len,
            position,
        }))
    }
}

/// Cuts ciphertext into wire frames and makes the structural checks.
struct WireSource<R> {
    input: Lookahead<R>,
    header: Header,
    index: u64,
    /// An error found just past the last frame returned, due once that frame is out.
    then: Option<Error>,
}

impl<R: Read + Send + 'static> Source for WireSource<R> {
    fn next_index(&self) -> u64 {
        self.index
    }
    fn next(&mut self, spare: Option<Vec<u8>>) -> Result<Option<Job>> {
        if let Some(error) = self.then.take() {
            return Err(error);
        }
        let Some(piece) = self.input.next(spare)? else {
            return Ok(None);
        };
        let index = self.index;
        let checked = check_frame(&self.header, index, &piece.buf[..piece.len], piece.at_eof)?;
        self.then = checked.then;
        self.index = next_index(index)?;
        Ok(Some(Job {
            index,
            buf: piece.buf,
            len: piece.len,
            position: checked.position,
        }))
    }
}

impl Process for FrameSealer {
    fn process(&self, job: &mut Job) -> Result<Range<usize>> {
        let wire = self.seal(job.index, job.position, &mut job.buf, job.len)?;
        Ok(0..wire)
    }
}

impl Process for FrameOpener {
    fn process(&self, job: &mut Job) -> Result<Range<usize>> {
        self.open(job.index, job.position, &mut job.buf[..job.len])
    }
}

/// Encrypts one stream.
pub struct Encryptor {
    header: Header,
    keys: StreamKeys,
}

impl Encryptor {
    /// A new stream with a fresh random salt. `chunk_size` must be within the format's bounds.
    pub fn new(key: &Key, cipher: Cipher, chunk_size: u32) -> Result<Self> {
        let mut salt = [0u8; SALT_LEN];
        fill_random(&mut salt)?;
        Encryptor::with_salt(key, cipher, chunk_size, salt)
    }

    /// A new stream with the caller's salt. Only for known-answer tests: a salt must never be
    /// used twice with one key.
    pub fn with_salt(
        key: &Key,
        cipher: Cipher,
        chunk_size: u32,
        salt: [u8; SALT_LEN],
    ) -> Result<Self> {
        let mut header = Header::new(cipher, chunk_size, salt)?;
        let keys = kdf::derive(key, &header);
        header.set_commitment(keys.commitment);
        Ok(Encryptor { header, keys })
    }

    /// The header this stream will start with.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The per-frame API, for a caller that schedules frames itself: it writes
    /// [`Header::to_bytes`] and then frames 0, 1, … in order, each sealed exactly once.
    pub fn frame_sealer(&self) -> FrameSealer {
        FrameSealer::new(&self.header, &self.keys)
    }

    /// Writes the header, then every frame of `input`, to `output` using `threads` workers
    /// (1: no extra thread). Returns the number of bytes written.
    pub fn encrypt<R, W>(self, input: R, output: &mut W, threads: usize) -> Result<u64>
    where
        R: Read + Send + 'static,
        W: Write + ?Sized,
    {
        output
            .write_all(&self.header.to_bytes())
            .map_err(Error::Write)?;
        let frames = self.run(input, Sink::Stream(output), threads)?;
        Ok(HEADER_LEN as u64 + frames)
    }

    /// Like [`Encryptor::encrypt`], into `file` from its start, with each worker writing its
    /// frames at their offsets (so writing, too, runs on every thread). `file` must be a
    /// regular file that nothing else writes; its content is the stream only if this returns
    /// `Ok`, and the caller must discard it otherwise.
    pub fn encrypt_to_file<R>(self, input: R, file: &File, threads: usize) -> Result<u64>
    where
        R: Read + Send + 'static,
    {
        file.write_all_at(&self.header.to_bytes(), 0)
            .map_err(Error::Write)?;
        let positional = Positional {
            file: file.try_clone().map_err(Error::Write)?,
            base: HEADER_LEN as u64,
            stride: self.header.full_frame_len() as u64,
        };
        let frames = self.run(input, Sink::<File>::At(Arc::new(positional)), threads)?;
        Ok(HEADER_LEN as u64 + frames)
    }

    fn run<R, W>(self, input: R, sink: Sink<'_, W>, threads: usize) -> Result<u64>
    where
        R: Read + Send + 'static,
        W: Write + ?Sized,
    {
        let chunk = self.header.chunk_size() as usize;
        let source = PlainSource {
            input: Lookahead::new(input, NONCE_LEN..NONCE_LEN + chunk, chunk + FRAME_OVERHEAD),
            index: 0,
        };
        let sealer = Arc::new(FrameSealer::new(&self.header, &self.keys));
        pipeline::run(source, sealer, sink, threads)
    }
}

/// Reads and parses a stream's header from `input`, without a key: the header is not
/// authenticated until a key's commitment is checked against it (see [`Decryptor::new`]).
///
/// Checks, in order: the magic bytes (on as many bytes as there are), the header's length, the
/// version, the cipher, the key kind, and the chunk size's bounds.
pub fn read_header<R: Read + ?Sized>(input: &mut R) -> Result<Header> {
    let mut bytes = [0u8; HEADER_LEN];
    let (got, _) = fill(input, &mut bytes).map_err(Error::Read)?;
    let magic_len = got.min(MAGIC.len());
    if bytes[..magic_len] != MAGIC[..magic_len] {
        return Err(Error::BadMagic);
    }
    if got < HEADER_LEN {
        return Err(Error::HeaderTruncated {
            got,
            need: HEADER_LEN,
        });
    }
    Header::parse(&bytes)
}

/// Decrypts one stream.
pub struct Decryptor {
    header: Header,
    keys: StreamKeys,
}

impl Decryptor {
    /// Reads the header from `input` and checks that `key` is the stream's key.
    ///
    /// Checks, in order: the magic bytes, the header's length, the version, the cipher, the key
    /// kind, the chunk size's bounds, and (in constant time) the key commitment.
    pub fn new<R: Read + ?Sized>(key: &Key, input: &mut R) -> Result<Self> {
        let header = read_header(input)?;
        let keys = kdf::derive_checked(key, &header)?;
        Ok(Decryptor { header, keys })
    }

    /// The stream's header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The per-frame API, for a caller that schedules frames itself. The caller makes the
    /// structural checks with [`crate::frame::check_frame`] first.
    pub fn frame_opener(&self) -> FrameOpener {
        FrameOpener::new(&self.header, &self.keys)
    }

    /// Reads the frames that follow the header from `input` and writes their plaintext, in
    /// order and only once authenticated, to `output`. Returns the plaintext length.
    pub fn decrypt<R, W>(self, input: R, output: &mut W, threads: usize) -> Result<u64>
    where
        R: Read + Send + 'static,
        W: Write + ?Sized,
    {
        self.run(input, Sink::Stream(output), threads)
    }

    /// Like [`Decryptor::decrypt`], into `file` from its start, with each worker writing its
    /// plaintext at its offset. `file` must be a regular file that nothing else writes and
    /// that no one reads before this returns `Ok`: on error it may hold plaintext of frames
    /// after the failing one (all authenticated), and the caller must discard it.
    pub fn decrypt_to_file<R>(self, input: R, file: &File, threads: usize) -> Result<u64>
    where
        R: Read + Send + 'static,
    {
        let positional = Positional {
            file: file.try_clone().map_err(Error::Write)?,
            base: 0,
            stride: u64::from(self.header.chunk_size()),
        };
        self.run(input, Sink::<File>::At(Arc::new(positional)), threads)
    }

    fn run<R, W>(self, input: R, sink: Sink<'_, W>, threads: usize) -> Result<u64>
    where
        R: Read + Send + 'static,
        W: Write + ?Sized,
    {
        let full = self.header.full_frame_len();
        let source = WireSource {
            input: Lookahead::new(input, 0..full, full),
            header: self.header.clone(),
            index: 0,
            then: None,
        };
        let opener = Arc::new(FrameOpener::new(&self.header, &self.keys));
        pipeline::run(source, opener, sink, threads)
    }
}
