//! Whole streams: [`Encryptor`] writes a header and seals frames, [`Decryptor`] reads and checks
//! a header and opens frames, both through the worker pool in `pipeline`.
//!
//! A stream with fixed framing needs to know, when it seals a full chunk, whether input ends
//! after it: the encoder then reads one byte ahead. Its decoder learns a frame's position from
//! the frame's nonce (and reads one byte ahead only after a full final frame, to catch trailing
//! data). A live stream ([`Encryptor::live`]) cuts frames by time as well as by size: a thread
//! reads the input as it comes and the framer sends a short frame once its first byte has
//! waited the stream's maximum delay; every frame says its length, so its decoder reads each
//! frame exactly and releases it as soon as it is authenticated.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::format::{
    Argon2Params, Cipher, Framing, Header, HeaderLength, KeyKind, NONCE_LEN, PREFIX_LEN, Position,
    SALT_LEN, header_length, stored_position,
};
use crate::frame::{FrameOpener, FrameSealer, LIVE_PREFIX_LEN, check_frame, check_live_prefix};
use crate::kdf::{self, StreamKeys};
use crate::keys::{Key, fill_random};
use crate::passphrase::{self, Passphrase};
use crate::pipeline::{self, Job, Positional, Process, Sink, Source};
use crate::reader::DecryptingReader;
use crate::recipient::{self, Identity, OsRandom, Recipient};
use crate::writer::EncryptingWriter;

/// Reads until `buf` is full or input ends. Returns the bytes read and whether input ended.
pub(crate) fn fill<R: Read + ?Sized>(reader: &mut R, buf: &mut [u8]) -> io::Result<(usize, bool)> {
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
pub(crate) struct Filled {
    pub(crate) buf: Vec<u8>,
    pub(crate) len: usize,
    pub(crate) at_eof: bool,
}

/// Reads fixed-size pieces of input into `region` of full-frame buffers, one piece ahead.
pub(crate) struct Lookahead<R> {
    reader: R,
    region: Range<usize>,
    buf_len: usize,
    /// The piece after the one last returned, with whether input ended after it.
    pending: Option<Filled>,
    /// Input has ended and its last piece was returned.
    done: bool,
}

impl<R: Read> Lookahead<R> {
    pub(crate) fn new(reader: R, region: Range<usize>, buf_len: usize) -> Self {
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
            fill(&mut self.reader, &mut buf[self.region.clone()]).map_err(Error::from_read)?;
        Ok(Filled {
            buf,
            len,
            at_eof: ended,
        })
    }

    /// The reader back.
    pub(crate) fn into_reader(self) -> R {
        self.reader
    }

    /// The reader, for a caller that stops using the look-ahead (its pending piece is lost).
    pub(crate) fn reader_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// The next piece; `at_eof` is true when no input byte follows it.
    pub(crate) fn next(&mut self, spare: Option<Vec<u8>>) -> Result<Option<Filled>> {
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

/// Reads one byte: whether input goes on, and the byte if it does.
fn peek<R: Read + ?Sized>(reader: &mut R) -> Result<Option<u8>> {
    let mut one = [0u8; 1];
    let (got, _) = fill(reader, &mut one).map_err(Error::from_read)?;
    Ok((got == 1).then_some(one[0]))
}

fn next_index(index: u64) -> Result<u64> {
    index.checked_add(1).ok_or(Error::TooManyFrames)
}

/// Cuts plaintext into chunks (fixed framing). After a full chunk it reads one byte ahead to
/// tell whether that chunk is the last; the byte starts the next chunk.
struct PlainSource<R> {
    reader: R,
    chunk: usize,
    buf_len: usize,
    index: u64,
    peeked: Option<u8>,
    done: bool,
}

impl<R: Read + Send + 'static> Source for PlainSource<R> {
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

/// What the input thread of a live encoder hands the framer.
enum Piece {
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
fn spawn_input<R: Read + Send + 'static>(mut reader: R) -> Result<Receiver<Piece>> {
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
        .map_err(|e| Error::Thread(format!("cannot start seal-input: {e}")))?;
    Ok(rx)
}

/// Cuts plaintext into frames of a live stream: a frame goes out when it holds a whole chunk,
/// when input ends (the final frame, possibly empty), or when its first byte has waited
/// `max_delay`, whichever comes first.
struct LivePlainSource {
    input: Receiver<Piece>,
    /// Part of a piece not yet framed: when it was read, its bytes, how many are taken.
    carry: Option<(Instant, Vec<u8>, usize)>,
    max_delay: Duration,
    chunk: usize,
    buf_len: usize,
    index: u64,
    done: bool,
}

impl LivePlainSource {
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

impl Source for LivePlainSource {
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
    Error::Thread("the input thread of a live stream died".into())
}

/// Cuts ciphertext with fixed framing into wire frames and makes the structural checks.
struct WireSource<R> {
    reader: R,
    header: Header,
    index: u64,
    /// An error found just past the last frame returned, due once that frame is out.
    then: Option<Error>,
    done: bool,
}

impl<R: Read + Send + 'static> Source for WireSource<R> {
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
        let full = self.header.full_frame_len();
        let mut buf = spare.unwrap_or_else(|| vec![0u8; full]);
        let index = self.index;
        let (len, ended) = fill(&mut self.reader, &mut buf[..full]).map_err(Error::from_read)?;
        // Whether input ends after this frame matters only for a full final frame (trailing
        // data); every other case is settled by the frame itself or by the next read.
        let claims_final = stored_position(index, &buf[..NONCE_LEN.min(len)]);
        let at_eof =
            ended || (claims_final == Some(Position::Final) && peek(&mut self.reader)?.is_none());
        let checked = check_frame(&self.header, index, &buf[..len], at_eof)?;
        self.then = checked.then;
        self.done = checked.position == Position::Final;
        self.index = next_index(index)?;
        Ok(Some(Job {
            index,
            offset: self.header.frame_offset(index),
            buf,
            len,
            position: checked.position,
        }))
    }
}

/// Cuts ciphertext with live framing into wire frames: reads each frame's length and nonce,
/// checks them (bounding the length before reading further), then reads exactly the frame.
struct LiveWireSource<R> {
    reader: R,
    header: Header,
    index: u64,
    /// Offset of the next frame in the stream.
    offset: u64,
    then: Option<Error>,
    done: bool,
}

impl<R: Read + Send + 'static> Source for LiveWireSource<R> {
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

impl Process for FrameSealer {
    fn process(&self, job: &mut Job) -> Result<Range<usize>> {
        let wire = self.seal_at(job.index, job.position, &mut job.buf, job.len)?;
        Ok(0..wire)
    }
}

impl Process for FrameOpener {
    fn process(&self, job: &mut Job) -> Result<Range<usize>> {
        self.open_at(job.index, job.position, &mut job.buf[..job.len], job.offset)
    }
}

/// The secret a stream's key comes from.
#[derive(Debug, Clone, Copy)]
pub enum Secret<'a> {
    /// A key file's key.
    Key(&'a Key),
    /// A passphrase, stretched with Argon2id.
    Passphrase(&'a Passphrase),
    /// An identity, which opens its recipient's stanza of a recipient stream's header.
    Identity(&'a Identity),
}

impl Secret<'_> {
    /// What it is, for messages: "a key file", "a passphrase" or "an identity".
    pub fn describe(&self) -> &'static str {
        match self {
            Secret::Key(_) => "a key file",
            Secret::Passphrase(_) => "a passphrase",
            Secret::Identity(_) => "an identity",
        }
    }
}

fn random_salt() -> Result<[u8; SALT_LEN]> {
    let mut salt = [0u8; SALT_LEN];
    fill_random(&mut salt)?;
    Ok(salt)
}

/// Derives the stream keys with `derive` from the key HKDF starts from: the key file's key,
/// the stretched passphrase, or the file key an identity unwraps (whose commitment is always
/// checked). Checks that `secret` is of the kind the header names first.
fn stream_keys(
    header: &Header,
    secret: Secret<'_>,
    derive: impl FnOnce(&Key, &Header) -> Result<StreamKeys>,
) -> Result<StreamKeys> {
    match (header.key_kind(), secret) {
        (KeyKind::KeyFile, Secret::Key(key)) => derive(key, header),
        (KeyKind::Passphrase(params), Secret::Passphrase(pass)) => {
            derive(&passphrase::stretch(pass, params, header.salt())?, header)
        }
        (KeyKind::Recipients, Secret::Identity(identity)) => {
            recipient::open_stream_keys(identity, header)
        }
        (kind, secret) => Err(kind.mismatch(secret.describe())),
    }
}

/// Encrypts one stream.
pub struct Encryptor {
    header: Header,
    keys: StreamKeys,
    /// The key HKDF starts from (the key file's key or the stretched passphrase), kept so that
    /// [`Encryptor::live`] can derive the keys of the live header without stretching again.
    base: Key,
    /// Set for a live stream.
    max_delay: Option<Duration>,
}

impl Encryptor {
    /// A new stream with a fresh random salt. `chunk_size` must be within the format's bounds.
    pub fn new(key: &Key, cipher: Cipher, chunk_size: u32) -> Result<Self> {
        Encryptor::keyed(key, cipher, chunk_size, random_salt()?)
    }

    /// A new passphrase stream with a fresh random salt. Its key is stretched with Argon2id
    /// at `params`' cost, which this call spends.
    pub fn with_passphrase(
        passphrase: &Passphrase,
        params: Argon2Params,
        cipher: Cipher,
        chunk_size: u32,
    ) -> Result<Self> {
        Encryptor::stretched(passphrase, params, cipher, chunk_size, random_salt()?)
    }

    /// **Insecure: for known-answer vectors only.** A key-file stream with the caller's salt.
    ///
    /// Two streams with one key and one salt share their frame key and their nonces (which
    /// restart at 0 in every stream): that reuses AES-GCM's keystream and lets anyone who sees
    /// both forge frames. Only with the non-default `test-vectors` feature.
    #[cfg(feature = "test-vectors")]
    pub fn insecure_with_salt(
        key: &Key,
        cipher: Cipher,
        chunk_size: u32,
        salt: [u8; SALT_LEN],
    ) -> Result<Self> {
        Encryptor::keyed(key, cipher, chunk_size, salt)
    }

    /// **Insecure: for known-answer vectors only.** [`Encryptor::with_passphrase`] with the
    /// caller's salt, with the same danger as [`Encryptor::insecure_with_salt`]. Only with
    /// the non-default `test-vectors` feature.
    #[cfg(feature = "test-vectors")]
    pub fn insecure_with_passphrase_and_salt(
        passphrase: &Passphrase,
        params: Argon2Params,
        cipher: Cipher,
        chunk_size: u32,
        salt: [u8; SALT_LEN],
    ) -> Result<Self> {
        Encryptor::stretched(passphrase, params, cipher, chunk_size, salt)
    }

    fn keyed(key: &Key, cipher: Cipher, chunk_size: u32, salt: [u8; SALT_LEN]) -> Result<Self> {
        let header = Header::new(cipher, chunk_size, KeyKind::KeyFile, salt)?;
        Encryptor::with_header(header, Secret::Key(key))
    }

    fn stretched(
        passphrase: &Passphrase,
        params: Argon2Params,
        cipher: Cipher,
        chunk_size: u32,
        salt: [u8; SALT_LEN],
    ) -> Result<Self> {
        let header = Header::new(cipher, chunk_size, KeyKind::Passphrase(params), salt)?;
        Encryptor::with_header(header, Secret::Passphrase(passphrase))
    }

    /// A new stream for public-key recipients (1 to [`crate::format::MAX_RECIPIENTS`] of
    /// them), with a fresh random salt and file key: each recipient's identity alone can
    /// decrypt it.
    pub fn to_recipients(
        recipients: &[Recipient],
        cipher: Cipher,
        chunk_size: u32,
    ) -> Result<Self> {
        let file_key = Key::generate()?;
        let mut rng = OsRandom::new();
        let sealed = recipient::seal_header(
            recipients,
            cipher,
            chunk_size,
            random_salt()?,
            &file_key,
            &mut rng,
        );
        rng.check()?;
        let (header, keys) = sealed?;
        Ok(Encryptor {
            header,
            keys,
            base: file_key,
            max_delay: None,
        })
    }

    /// **Insecure: for known-answer vectors only.** [`Encryptor::to_recipients`] with the
    /// caller's salt, file key and HPKE randomness (`hpke_randomness` is handed to the
    /// encapsulations in stanza order: 64 bytes per X-Wing recipient, 32 per X25519 one).
    /// Fixed ephemeral randomness lets anyone who knows it unwrap the file key; a fixed file
    /// key with a fixed salt reuses nonces. Only with the non-default `test-vectors` feature.
    #[cfg(feature = "test-vectors")]
    pub fn insecure_to_recipients_fixed(
        recipients: &[Recipient],
        cipher: Cipher,
        chunk_size: u32,
        salt: [u8; SALT_LEN],
        file_key: &Key,
        hpke_randomness: &[u8],
    ) -> Result<Self> {
        let mut rng = recipient::FixedRandom::new(hpke_randomness);
        let sealed =
            recipient::seal_header(recipients, cipher, chunk_size, salt, file_key, &mut rng);
        rng.check()?;
        let (header, keys) = sealed?;
        Ok(Encryptor {
            header,
            keys,
            base: Key::from_bytes(*file_key.as_bytes()),
            max_delay: None,
        })
    }

    fn with_header(mut header: Header, secret: Secret<'_>) -> Result<Self> {
        let mut base = None;
        let keys = stream_keys(&header, secret, |key, header| {
            base = Some(Key::from_bytes(*key.as_bytes()));
            Ok(kdf::derive(key, header))
        })?;
        let base = base.ok_or_else(|| Error::Thread("no key was derived".into()))?;
        header.set_commitment(keys.commitment);
        Ok(Encryptor {
            header,
            keys,
            base,
            max_delay: None,
        })
    }

    /// Makes this a live stream (format version 2, see docs/FORMAT.md): every frame carries
    /// its length, and no plaintext byte waits in the encoder longer than `max_delay` before
    /// the frame holding it is sealed, written and flushed. Input is read on a thread of its
    /// own as it comes. The header, and so the frame key and commitment, change with the
    /// framing.
    pub fn live(mut self, max_delay: Duration) -> Self {
        self.header = self.header.with_framing(Framing::Live);
        self.keys = kdf::derive(&self.base, &self.header);
        self.header.set_commitment(self.keys.commitment);
        self.max_delay = Some(max_delay);
        self
    }

    /// The header this stream will start with.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The per-frame API, for a caller that schedules frames itself: it writes
    /// [`Header::to_bytes`] (take it from [`Encryptor::header`] first) and then frames 0, 1, …
    /// in order, each sealed with the ticket [`FrameSealer::next_frame`] hands out for it.
    /// Consumes the encryptor, so that no two sealers share the stream's key.
    pub fn into_frame_sealer(self) -> FrameSealer {
        FrameSealer::new(&self.header, &self.keys)
    }

    /// Writes the header to `output` and returns an [`EncryptingWriter`] that encrypts what is
    /// written to it, with `threads` workers (1: on the caller's thread; a pool owns `output`
    /// until the end, hence `Send + 'static`: see [`Encryptor::writer_inline`]); its
    /// [`EncryptingWriter::finish`] ends the stream. The bytes are those [`Encryptor::encrypt`]
    /// writes for the same plaintext.
    pub fn writer<W>(self, output: W, threads: usize) -> Result<EncryptingWriter<W>>
    where
        W: Write + Send + 'static,
    {
        EncryptingWriter::new(self, output, threads)
    }

    /// Like [`Encryptor::writer`] at one thread, for any `Write`, borrowed or not `Send`
    /// (`&mut Vec<u8>`, `io::stdout().lock()`): every frame is sealed and written on the
    /// caller's thread.
    pub fn writer_inline<W: Write>(self, output: W) -> Result<EncryptingWriter<W>> {
        EncryptingWriter::inline(self, output)
    }

    /// Writes the header, then every frame of `input`, to `output` using `threads` workers
    /// (1: no extra thread). Returns the number of bytes written.
    pub fn encrypt<R, W>(self, input: R, output: &mut W, threads: usize) -> Result<u64>
    where
        R: Read + Send + 'static,
        W: Write + ?Sized,
    {
        let header_len = self.header.len() as u64;
        output
            .write_all(&self.header.to_bytes())
            .map_err(Error::Write)?;
        let live = self.max_delay.is_some();
        if live {
            output.flush().map_err(Error::Write)?;
        }
        let frames = self.run(input, Sink::Stream(output, live), threads)?;
        Ok(header_len + frames)
    }

    /// Like [`Encryptor::encrypt`], into `file` from its start, with each worker writing its
    /// frames at their offsets (so writing, too, runs on every thread). `file` must be a
    /// regular file that nothing else writes; its content is the stream only if this returns
    /// `Ok`, and the caller must discard it otherwise.
    pub fn encrypt_to_file<R>(self, input: R, file: &File, threads: usize) -> Result<u64>
    where
        R: Read + Send + 'static,
    {
        if self.max_delay.is_some() {
            // Frame offsets of a live stream are not known in advance: write in order.
            let mut out = file;
            out.seek(SeekFrom::Start(0)).map_err(Error::Write)?;
            return self.encrypt(input, &mut out, threads);
        }
        let header_len = self.header.len() as u64;
        file.write_all_at(&self.header.to_bytes(), 0)
            .map_err(Error::Write)?;
        let positional = Positional {
            file: file.try_clone().map_err(Error::Write)?,
            base: header_len,
            stride: self.header.full_frame_len() as u64,
        };
        let frames = self.run(input, Sink::<File>::At(Arc::new(positional)), threads)?;
        Ok(header_len + frames)
    }

    fn run<R, W>(self, input: R, sink: Sink<'_, W>, threads: usize) -> Result<u64>
    where
        R: Read + Send + 'static,
        W: Write + ?Sized,
    {
        let chunk = self.header.chunk_size() as usize;
        let buf_len = self.header.full_frame_len();
        let sealer = Arc::new(FrameSealer::new(&self.header, &self.keys));
        match self.max_delay {
            None => {
                let source = PlainSource {
                    reader: input,
                    chunk,
                    buf_len,
                    index: 0,
                    peeked: None,
                    done: false,
                };
                pipeline::run(source, sealer, sink, threads)
            }
            Some(max_delay) => {
                let source = LivePlainSource {
                    input: spawn_input(input)?,
                    carry: None,
                    max_delay,
                    chunk,
                    buf_len,
                    index: 0,
                    done: false,
                };
                pipeline::run(source, sealer, sink, threads)
            }
        }
    }
}

/// Reads and parses a stream's header from `input`, without a key: the header is not
/// authenticated until a key's commitment is checked against it (see [`Decryptor::new`]).
///
/// Checks, in order: the magic bytes (on as many bytes as there are), the version, the cipher,
/// the key kind, the chunk size's bounds, for a recipient header the stanza count and each
/// stanza's length (before reading it), the header's length, and the KDF cost's bounds. Reads
/// no byte past the header, and holds no more of it than has arrived plus one bounded stanza.
pub fn read_header<R: Read + ?Sized>(input: &mut R) -> Result<Header> {
    let mut bytes = Vec::with_capacity(PREFIX_LEN);
    let mut want = PREFIX_LEN;
    loop {
        let have = bytes.len();
        bytes.resize(want, 0);
        let (got, _) = fill(input, &mut bytes[have..]).map_err(Error::from_read)?;
        bytes.truncate(have + got);
        if bytes.len() < want {
            break; // Input ended: parsing reports the truncation (or a bad magic).
        }
        // Unknown or hostile fields stop here, before reading further.
        match header_length(&bytes)? {
            HeaderLength::Known(len) if len == bytes.len() => break,
            HeaderLength::Known(len) | HeaderLength::AtLeast(len) => want = len,
        }
    }
    Header::parse(&bytes)
}

/// Decrypts one stream.
pub struct Decryptor {
    header: Header,
    keys: StreamKeys,
}

impl Decryptor {
    /// Reads the header of a key-file stream from `input` and checks that `key` is its key.
    ///
    /// Checks, in order: the header's fields (see [`read_header`]), that the stream is a
    /// key-file stream, and (in constant time) the key commitment.
    pub fn new<R: Read + ?Sized>(key: &Key, input: &mut R) -> Result<Self> {
        Decryptor::with_header(read_header(input)?, Secret::Key(key))
    }

    /// Checks that `secret` opens the stream that `header` (from [`read_header`]) begins:
    /// that it is of the kind the header names ([`Error::WrongSecretKind`]), then, after
    /// stretching a passphrase at the header's cost, the key commitment ([`Error::WrongKey`]).
    pub fn with_header(header: Header, secret: Secret<'_>) -> Result<Self> {
        let keys = stream_keys(&header, secret, kdf::derive_checked)?;
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

    /// A [`DecryptingReader`] of the frames that follow the header in `input`: the plaintext
    /// through `Read`, and `Seek` when `input` seeks.
    pub fn reader<R: Read>(self, input: R) -> DecryptingReader<R> {
        DecryptingReader::new(self, input)
    }

    /// Reads the frames that follow the header from `input` and writes their plaintext, in
    /// order and only once authenticated, to `output`. Returns the plaintext length. A live
    /// stream's frames are written as soon as each is authenticated, and `output` is flushed
    /// after each.
    pub fn decrypt<R, W>(self, input: R, output: &mut W, threads: usize) -> Result<u64>
    where
        R: Read + Send + 'static,
        W: Write + ?Sized,
    {
        let live = self.header.framing() == Framing::Live;
        self.run(input, Sink::Stream(output, live), threads)
    }

    /// Like [`Decryptor::decrypt`], into `file` from its start, with each worker writing its
    /// plaintext at its offset. `file` must be a regular file that nothing else writes and
    /// that no one reads before this returns `Ok`: on error it may hold plaintext of frames
    /// after the failing one (all authenticated), and the caller must discard it.
    pub fn decrypt_to_file<R>(self, input: R, file: &File, threads: usize) -> Result<u64>
    where
        R: Read + Send + 'static,
    {
        if self.header.framing() == Framing::Live {
            // Plaintext offsets of a live stream are not known in advance: write in order.
            let mut out = file;
            out.seek(SeekFrom::Start(0)).map_err(Error::Write)?;
            return self.decrypt(input, &mut out, threads);
        }
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
        let opener = Arc::new(FrameOpener::new(&self.header, &self.keys));
        match self.header.framing() {
            Framing::Fixed => {
                let source = WireSource {
                    reader: input,
                    header: self.header.clone(),
                    index: 0,
                    then: None,
                    done: false,
                };
                pipeline::run(source, opener, sink, threads)
            }
            Framing::Live => {
                let source = LiveWireSource {
                    reader: input,
                    header: self.header.clone(),
                    index: 0,
                    offset: self.header.len() as u64,
                    then: None,
                    done: false,
                };
                pipeline::run(source, opener, sink, threads)
            }
        }
    }
}
