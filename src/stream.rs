//! Whole streams: [`Encryptor`] writes a header and seals frames, [`Decryptor`] reads and checks
//! a header and opens frames, both through the worker pool in `pipeline`.
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
    Argon2Params, Cipher, FRAME_OVERHEAD, Header, KeyKind, MAX_HEADER_LEN, NONCE_LEN, PREFIX_LEN,
    Position, SALT_LEN,
};
use crate::frame::{FrameOpener, FrameSealer, check_frame};
use crate::kdf::{self, StreamKeys};
use crate::keys::{Key, fill_random};
use crate::passphrase::{self, Passphrase};
use crate::pipeline::{self, Job, Positional, Process, Sink, Source};
use crate::reader::DecryptingReader;
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
        let wire = self.seal_at(job.index, job.position, &mut job.buf, job.len)?;
        Ok(0..wire)
    }
}

impl Process for FrameOpener {
    fn process(&self, job: &mut Job) -> Result<Range<usize>> {
        self.open(job.index, job.position, &mut job.buf[..job.len])
    }
}

/// The secret a stream's key comes from.
#[derive(Debug, Clone, Copy)]
pub enum Secret<'a> {
    /// A key file's key.
    Key(&'a Key),
    /// A passphrase, stretched with Argon2id.
    Passphrase(&'a Passphrase),
}

fn random_salt() -> Result<[u8; SALT_LEN]> {
    let mut salt = [0u8; SALT_LEN];
    fill_random(&mut salt)?;
    Ok(salt)
}

/// Derives the stream keys with `derive` from the key HKDF starts from: the key file's key,
/// or the stretched passphrase. Checks that `secret` is of the kind the header names first.
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
        (kind, _) => Err(kind.wrong_secret()),
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

    fn with_header(mut header: Header, secret: Secret<'_>) -> Result<Self> {
        let keys = stream_keys(&header, secret, |key, header| Ok(kdf::derive(key, header)))?;
        header.set_commitment(keys.commitment);
        Ok(Encryptor { header, keys })
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
        let frames = self.run(input, Sink::Stream(output), threads)?;
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
/// Checks, in order: the magic bytes (on as many bytes as there are), the version, the cipher,
/// the key kind, the chunk size's bounds, the header's length, and the KDF cost's bounds.
/// Reads no byte past the header.
pub fn read_header<R: Read + ?Sized>(input: &mut R) -> Result<Header> {
    let mut bytes = [0u8; MAX_HEADER_LEN];
    let (got, _) = fill(input, &mut bytes[..PREFIX_LEN]).map_err(Error::from_read)?;
    let mut len = got;
    if let Some(prefix) = bytes
        .first_chunk::<PREFIX_LEN>()
        .filter(|_| got == PREFIX_LEN)
    {
        // Unknown or hostile prefixes stop here, before reading further.
        let need = Header::len_from_prefix(prefix)?;
        let (more, _) = fill(input, &mut bytes[PREFIX_LEN..need]).map_err(Error::from_read)?;
        len += more;
    }
    Header::parse(&bytes[..len])
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
