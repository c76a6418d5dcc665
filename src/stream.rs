//! The public entry points: [`Encryptor`] for every way to encrypt, [`Decryptor`] (and the
//! [`Unlocked`] stream it gives once a secret opens it) for every way to decrypt.
//!
//! Both are thin: the header comes from `format`, the secret's keys from `secret`, the frames
//! from `framing` and the worker pool, the `std::io` adapters from `reader` and `writer`.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::format::{
    Argon2Params, Cipher, DEFAULT_CHUNK_SIZE, Framing, Header, KeyKind, MAX_RECIPIENTS, SALT_LEN,
    Stanza,
};
use crate::frame::{FrameOpener, FrameSealer};
use crate::framing::signed::{Check, Collector, HashOnly, Hashing, HoldBack, Seen, Tail, Tee};
use crate::framing::{self, FixedDecoder, read_header};
use crate::kdf::{self, StreamKeys};
use crate::keys::{Key, fill_random};
use crate::passphrase::{self, Passphrase};
use crate::pipeline::{MAX_THREADS, Positional, Sink};
use crate::reader::DecryptingReader;
use crate::recipient::{self, OsRandom, Recipient};
use crate::secret::{self, Secret};
use crate::signing::{self, AllowedSigners, SignedBy, SignerSecret};
use crate::writer::EncryptingWriter;

/// The number of worker threads used when the caller names none: the available cores, at most
/// [`MAX_THREADS`] (the pool then caps it further by memory, see [`crate::workers_for`]).
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS))
}

/// What a new stream is encrypted with: the key HKDF starts from, made when the encryptor is.
enum Protection {
    /// A key file's key.
    Key(Key),
    /// A passphrase stretched at `cost` with the encryptor's salt.
    Passphrase {
        stretched: Key,
        cost: Argon2Params,
        /// Kept only to stretch again with a fixed salt, for known-answer vectors.
        #[cfg(feature = "test-vectors")]
        passphrase: Passphrase,
    },
    /// A fresh file key, wrapped in a stanza for each recipient.
    Recipients {
        file_key: Key,
        stanzas: Vec<Stanza>,
        /// Kept only to wrap again with fixed randomness, for known-answer vectors.
        #[cfg(feature = "test-vectors")]
        recipients: Vec<Recipient>,
    },
}

/// Encrypts one stream: made with a key ([`Encryptor::with_key`]), a passphrase
/// ([`Encryptor::with_passphrase`]) or public-key recipients ([`Encryptor::with_recipients`]),
/// set up with the options below (each has a default), and consumed by one of its outputs:
/// [`Encryptor::encrypt`] (a reader into a writer, on the worker pool),
/// [`Encryptor::encrypt_to_file`], or [`Encryptor::wrap_output`] (a `std::io::Write`).
///
/// The costly and fallible work happens when the encryptor is made: a fresh random salt for
/// every stream (so no two streams share a frame key, even with one key), the passphrase's
/// stretching, the file key's wrapping for every recipient. The options only change the
/// header, whose keys are derived again (HKDF) when the output starts.
///
/// | option | default |
/// |---|---|
/// | [`Encryptor::cipher`] | [`Cipher::Aes256Gcm`] |
/// | [`Encryptor::chunk_size`] | 1 MiB |
/// | [`Encryptor::threads`] | [`default_threads`] |
/// | [`Encryptor::max_delay`] | none: fixed framing, not a live stream |
pub struct Encryptor {
    protection: Protection,
    /// Fresh from the operating system for every encryptor (fixed only for known-answer
    /// vectors, behind `test-vectors`).
    salt: [u8; SALT_LEN],
    cipher: Cipher,
    chunk_size: u32,
    threads: usize,
    /// Set for a live stream.
    max_delay: Option<Duration>,
    /// Set for a signed stream: the signer and the signed comment.
    signing: Option<Signing>,
}

/// What signs a stream.
struct Signing {
    secret: SignerSecret,
    comment: String,
    /// Fixed ML-DSA randomness, for known-answer vectors only.
    rnd: Option<[u8; 32]>,
}

impl std::fmt::Debug for Encryptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let with = match &self.protection {
            Protection::Key(_) => "key",
            Protection::Passphrase { .. } => "passphrase",
            Protection::Recipients { .. } => "recipients",
        };
        f.debug_struct("Encryptor")
            .field("with", &with)
            .field("cipher", &self.cipher)
            .field("chunk_size", &self.chunk_size)
            .field("threads", &self.threads)
            .field("max_delay", &self.max_delay)
            .finish_non_exhaustive()
    }
}

fn random_salt() -> Result<[u8; SALT_LEN]> {
    let mut salt = [0u8; SALT_LEN];
    fill_random(&mut salt)?;
    Ok(salt)
}

impl Encryptor {
    fn protected_by(protection: Protection, salt: [u8; SALT_LEN]) -> Self {
        Encryptor {
            protection,
            salt,
            cipher: Cipher::Aes256Gcm,
            chunk_size: DEFAULT_CHUNK_SIZE,
            threads: default_threads(),
            max_delay: None,
            signing: None,
        }
    }

    /// A stream whose key is `key` (a key file's): only that key decrypts it.
    pub fn with_key(key: &Key) -> Result<Self> {
        let key = Key::from_bytes(*key.as_bytes());
        Ok(Encryptor::protected_by(
            Protection::Key(key),
            random_salt()?,
        ))
    }

    /// A stream whose key is `passphrase` stretched with Argon2id at the default cost
    /// ([`Argon2Params::DEFAULT`]), which this call spends.
    pub fn with_passphrase(passphrase: &Passphrase) -> Result<Self> {
        Encryptor::with_passphrase_cost(passphrase, Argon2Params::DEFAULT)
    }

    /// Like [`Encryptor::with_passphrase`], stretched at `cost` (written in the header, so the
    /// decoder spends the same).
    pub fn with_passphrase_cost(passphrase: &Passphrase, cost: Argon2Params) -> Result<Self> {
        let salt = random_salt()?;
        let protection = Protection::Passphrase {
            stretched: passphrase::stretch(passphrase, cost, &salt)?,
            cost,
            #[cfg(feature = "test-vectors")]
            passphrase: passphrase.clone(),
        };
        Ok(Encryptor::protected_by(protection, salt))
    }

    /// A stream for public-key recipients (1 to [`crate::MAX_RECIPIENTS`] of them, else
    /// [`Error::RecipientCountOutOfRange`]), with a fresh random file key wrapped for each (a
    /// recipient no stanza can be made for, such as a low-order X25519 point, is
    /// [`Error::Recipient`]): each recipient's identity alone decrypts it.
    ///
    /// Post-quantum and classical recipients together are refused
    /// ([`Error::MixedRecipients`], category [`crate::Category::Usage`]): a stream is only as
    /// strong as its weakest stanza, so one classical stanza hands a quantum attacker the file
    /// key the post-quantum ones protect. To accept that on purpose, use
    /// [`Encryptor::with_recipients_allowing_classical_mix`].
    pub fn with_recipients(recipients: &[Recipient]) -> Result<Self> {
        Recipient::check_mix(recipients)?;
        Encryptor::with_recipients_allowing_classical_mix(recipients)
    }

    /// As [`Encryptor::with_recipients`], but post-quantum and classical recipients may be
    /// mixed: the caller accepts that the stream resists a quantum attacker only as well as
    /// its classical recipients do (not at all).
    pub fn with_recipients_allowing_classical_mix(recipients: &[Recipient]) -> Result<Self> {
        if !(1..=MAX_RECIPIENTS).contains(&recipients.len()) {
            return Err(Error::RecipientCountOutOfRange(recipients.len()));
        }
        let file_key = Key::generate()?;
        let mut rng = OsRandom::new();
        let stanzas = recipient::wrap_file_key(recipients, &file_key, &mut rng);
        rng.check()?;
        let protection = Protection::Recipients {
            file_key,
            stanzas: stanzas?,
            #[cfg(feature = "test-vectors")]
            recipients: recipients.to_vec(),
        };
        Ok(Encryptor::protected_by(protection, random_salt()?))
    }

    /// The AEAD that seals the frames.
    pub fn cipher(mut self, cipher: Cipher) -> Self {
        self.cipher = cipher;
        self
    }

    /// The plaintext bytes per frame, within [`crate::MIN_CHUNK_SIZE`]..=
    /// [`crate::MAX_CHUNK_SIZE`] ([`Error::ChunkSizeOutOfRange`] when the output starts
    /// otherwise; [`crate::check_chunk_size`] checks a size beforehand).
    pub fn chunk_size(mut self, chunk_size: u32) -> Self {
        self.chunk_size = chunk_size;
        self
    }

    /// How many worker threads seal frames (1: all on the caller's thread). The pool caps it
    /// by memory ([`crate::workers_for`]); the bytes written do not depend on it.
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// Makes this a live stream (format version 2, see docs/FORMAT.md): every frame carries
    /// its length, and no plaintext byte waits in the encoder longer than `max_delay` before
    /// the frame holding it is sealed, written and flushed. Input is read on a thread of its
    /// own as it comes. Only [`Encryptor::encrypt`] and [`Encryptor::encrypt_to_file`] write
    /// live streams.
    pub fn max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = Some(max_delay);
        self
    }

    /// Signs the stream with `signer` (format version 3, docs/FORMAT.md "Signed streams"): the
    /// signer's public key and `comment` (public, at most 1024 bytes of printable UTF-8) go
    /// into the header, the workers hash every frame as sealed, and the signature follows the
    /// final frame. Only [`Encryptor::encrypt`] and [`Encryptor::encrypt_to_file`] sign, with
    /// fixed framing ([`Misuse::SigningUnsupported`](crate::Misuse::SigningUnsupported)).
    pub fn sign(mut self, signer: &SignerSecret, comment: &str) -> Result<Self> {
        signing::check_comment(comment.as_bytes())?;
        self.signing = Some(Signing {
            secret: signer.duplicate(),
            comment: comment.to_owned(),
            rnd: None,
        });
        Ok(self)
    }

    /// **Insecure: for known-answer vectors only.** Signs with fixed ML-DSA randomness `rnd`
    /// instead of fresh randomness (hedged signing), so that the signature is reproducible.
    /// Only with the non-default `test-vectors` feature.
    #[cfg(feature = "test-vectors")]
    pub fn insecure_fixed_signing_randomness(mut self, rnd: [u8; 32]) -> Self {
        if let Some(signing) = &mut self.signing {
            signing.rnd = Some(rnd);
        }
        self
    }

    /// **Insecure: for known-answer vectors only.** Uses `salt` instead of the fresh random
    /// one (a passphrase is stretched again with it).
    ///
    /// Two streams with one key and one salt share their frame key and their nonces (which
    /// restart at 0 in every stream): that reuses AES-GCM's keystream and lets anyone who sees
    /// both forge frames. Only with the non-default `test-vectors` feature.
    #[cfg(feature = "test-vectors")]
    pub fn insecure_fixed_salt(mut self, salt: [u8; SALT_LEN]) -> Result<Self> {
        if let Protection::Passphrase {
            stretched,
            cost,
            passphrase,
        } = &mut self.protection
        {
            *stretched = passphrase::stretch(passphrase, *cost, &salt)?;
        }
        self.salt = salt;
        Ok(self)
    }

    /// **Insecure: for known-answer vectors only.** For a stream to recipients, uses
    /// `file_key` and hands `hpke_randomness` to the encapsulations in stanza order (64 bytes
    /// per X-Wing recipient, 32 per X25519 or SSH one; a mismatch is [`Error::Random`]). Fixed
    /// ephemeral randomness lets anyone who knows it unwrap the file key; a fixed file key
    /// with a fixed salt reuses nonces. Does nothing to other streams. Only with the
    /// non-default `test-vectors` feature.
    #[cfg(feature = "test-vectors")]
    pub fn insecure_fixed_file_key(
        mut self,
        file_key: &Key,
        hpke_randomness: &[u8],
    ) -> Result<Self> {
        if let Protection::Recipients {
            file_key: key,
            stanzas,
            recipients,
        } = &mut self.protection
        {
            let mut rng = recipient::FixedRandom::new(hpke_randomness);
            let wrapped = recipient::wrap_file_key(recipients, file_key, &mut rng);
            rng.check()?;
            *stanzas = wrapped?;
            *key = Key::from_bytes(*file_key.as_bytes());
        }
        Ok(self)
    }

    /// The header and keys of the new stream, with the options as set.
    fn start(&self) -> Result<(Header, StreamKeys)> {
        let (cipher, chunk, salt) = (self.cipher, self.chunk_size, self.salt);
        let (header, base) = match &self.protection {
            Protection::Key(key) => (Header::new(cipher, chunk, KeyKind::KeyFile, salt)?, key),
            Protection::Passphrase {
                stretched, cost, ..
            } => (
                Header::new(cipher, chunk, KeyKind::Passphrase(*cost), salt)?,
                stretched,
            ),
            Protection::Recipients {
                file_key, stanzas, ..
            } => (
                Header::with_stanzas(cipher, chunk, salt, stanzas.clone())?,
                file_key,
            ),
        };
        let framing = match self.max_delay {
            Some(_) => Framing::Live,
            None => Framing::Fixed,
        };
        let signed = match &self.signing {
            Some(_) if framing == Framing::Live => {
                return Err(Error::Misuse(crate::Misuse::SigningUnsupported));
            }
            Some(s) => Some(SignedBy::new(s.secret.public().clone(), &s.comment)?),
            None => None,
        };
        let mut header = header.with_framing(framing).with_signer(signed);
        let keys = kdf::derive(base, &header);
        header.set_commitment(keys.commitment);
        Ok((header, keys))
    }

    /// Writes the header, then every frame of `input`, to `output`. Returns the number of
    /// bytes written. A live stream's frames are written, and `output` flushed, as each is
    /// sealed.
    pub fn encrypt<R, W>(self, input: R, output: &mut W) -> Result<u64>
    where
        R: Read + Send + 'static,
        W: Write + ?Sized,
    {
        let (header, keys) = self.start()?;
        let header_len = header.len() as u64;
        output.write_all(&header.to_bytes()).map_err(Error::Write)?;
        let live = self.max_delay.is_some();
        if live {
            output.flush().map_err(Error::Write)?;
        }
        let sealer = FrameSealer::new(&header, &keys);
        let sink = Sink::Stream(output, live);
        let Some(signing) = &self.signing else {
            let frames =
                framing::encrypt(&header, sealer, input, sink, self.threads, self.max_delay)?;
            return Ok(header_len + frames);
        };
        let (hashing, collector) = hashing_sealer(&header, sealer);
        let frames = framing::encrypt(&header, hashing, input, sink, self.threads, None)?;
        let signature = signing.signature(&header, &collector)?;
        output.write_all(&signature).map_err(Error::Write)?;
        Ok(header_len + frames + signature.len() as u64)
    }

    /// Like [`Encryptor::encrypt`], into `file` from its start, with each worker writing its
    /// frames at their offsets (so writing, too, runs on every thread). `file` must be a
    /// regular file that nothing else writes; its content is the stream only if this returns
    /// `Ok`, and the caller must discard it otherwise. Its data is synced every 64 MiB as it is
    /// written, so that the disk works while the workers do and a final
    /// [`File::sync_all`] has little left to wait for.
    pub fn encrypt_to_file<R>(self, input: R, file: &File) -> Result<u64>
    where
        R: Read + Send + 'static,
    {
        if self.max_delay.is_some() {
            // Frame offsets of a live stream are not known in advance: write in order.
            let mut out = file;
            out.seek(SeekFrom::Start(0)).map_err(Error::Write)?;
            return self.encrypt(input, &mut out);
        }
        let (header, keys) = self.start()?;
        let header_len = header.len() as u64;
        file.write_all_at(&header.to_bytes(), 0)
            .map_err(Error::Write)?;
        let positional = Positional::new(
            file.try_clone().map_err(Error::Write)?,
            header_len,
            header.full_frame_len() as u64,
        );
        let sealer = FrameSealer::new(&header, &keys);
        let sink = Sink::<File>::At(Arc::new(positional));
        let Some(signing) = &self.signing else {
            let frames = framing::encrypt(&header, sealer, input, sink, self.threads, None)?;
            return Ok(header_len + frames);
        };
        let (hashing, collector) = hashing_sealer(&header, sealer);
        let frames = framing::encrypt(&header, hashing, input, sink, self.threads, None)?;
        let signature = signing.signature(&header, &collector)?;
        file.write_all_at(&signature, header_len + frames)
            .map_err(Error::Write)?;
        Ok(header_len + frames + signature.len() as u64)
    }

    /// Writes the header to `output` and returns an [`EncryptingWriter`] that encrypts what is
    /// written to it on the worker pool (which owns `output` until the end, hence
    /// `Send + 'static`: see [`Encryptor::wrap_output_inline`]); its
    /// [`EncryptingWriter::finish`] ends the stream. The bytes are those
    /// [`Encryptor::encrypt`] writes for the same plaintext. Fixed framing only
    /// ([`Error::LiveUnsupported`]).
    pub fn wrap_output<W>(self, output: W) -> Result<EncryptingWriter<W>>
    where
        W: Write + Send + 'static,
    {
        let threads = self.threads;
        let (header, sealer) = self.into_frame_sealer()?;
        EncryptingWriter::new(header, sealer, output, threads)
    }

    /// Like [`Encryptor::wrap_output`] at one thread, for any `Write`, borrowed or not `Send`
    /// (`&mut Vec<u8>`, `io::stdout().lock()`): every frame is sealed and written on the
    /// caller's thread.
    pub fn wrap_output_inline<W: Write>(self, output: W) -> Result<EncryptingWriter<W>> {
        // into_frame_sealer refuses a signed stream.
        let (header, sealer) = self.into_frame_sealer()?;
        EncryptingWriter::inline(header, sealer, output)
    }

    /// The per-frame API, for a caller that schedules frames itself: it writes the header
    /// ([`Header::to_bytes`]) and then frames 0, 1, … in order, each sealed with the ticket
    /// [`FrameSealer::next_frame`] hands out for it. Consumes the encryptor, so that no two
    /// sealers share the stream's key.
    pub fn into_frame_sealer(self) -> Result<(Header, FrameSealer)> {
        if self.signing.is_some() {
            return Err(Error::Misuse(crate::Misuse::SigningUnsupported));
        }
        let (header, keys) = self.start()?;
        let sealer = FrameSealer::new(&header, &keys);
        Ok((header, sealer))
    }
}

/// Decrypts one stream: reads its header from the input (the one way in for every secret),
/// lets the caller look at it (which secret the stream needs, before asking for a
/// passphrase), and is unlocked with that secret.
///
/// ```
/// # use seal::{Decryptor, Encryptor, Key, KeyKind};
/// # let key = Key::generate()?;
/// # let mut sealed = Vec::new();
/// # Encryptor::with_key(&key)?.encrypt(&b"hi"[..], &mut sealed)?;
/// let decryptor = Decryptor::new(std::io::Cursor::new(sealed))?;
/// assert_eq!(decryptor.key_kind(), KeyKind::KeyFile);
/// let mut plain = Vec::new();
/// decryptor.unlock(&key)?.decrypt_to(&mut plain)?;
/// assert_eq!(plain, b"hi");
/// # Ok::<(), seal::Error>(())
/// ```
pub struct Decryptor<R> {
    header: Header,
    /// Positioned just past the header.
    input: R,
}

impl<R> std::fmt::Debug for Decryptor<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decryptor")
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

impl<R: Read> Decryptor<R> {
    /// Reads the stream's header from `input` and checks its fields (nothing is authenticated
    /// yet: see [`Decryptor::unlock`]). Checks, in order: the magic bytes (on as many bytes
    /// as there are), the version, the cipher, the key kind, the chunk size's bounds, for a
    /// recipient header the stanza count and each stanza's length (before reading it), the
    /// header's length, and the KDF cost's bounds. Reads no byte past the header.
    pub fn new(mut input: R) -> Result<Self> {
        let header = read_header(&mut input)?;
        Ok(Decryptor { header, input })
    }
}

impl<R> Decryptor<R> {
    /// The stream's header, as read (not yet authenticated).
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Which secret the stream needs.
    pub fn key_kind(&self) -> KeyKind {
        self.header.key_kind()
    }

    /// Checks that `secret` opens the stream: that it is of the kind the header names
    /// ([`Error::WrongSecretKind`]), then, after stretching a passphrase at the header's cost
    /// or trying every identity on the stanzas of its kind ([`Error::NoIdentityMatches`]),
    /// the key commitment, in constant time ([`Error::WrongKey`], [`Error::HeaderModified`]).
    /// `secret` is `&Key`, `&Passphrase`, `&Identity` or a slice of identities.
    pub fn unlock<'s>(self, secret: impl Into<Secret<'s>>) -> Result<Unlocked<R>> {
        let keys = secret::open_stream_keys(&self.header, secret.into())?;
        Ok(Unlocked {
            header: self.header,
            keys,
            input: self.input,
            threads: default_threads(),
        })
    }
}

/// A stream whose secret was checked: its frames, read from the input, are decrypted by
/// [`Unlocked::decrypt_to`] (on the worker pool), [`Unlocked::decrypt_to_file`], or read
/// through [`Unlocked::reader`]. Every one of them releases plaintext in order and only once
/// authenticated.
pub struct Unlocked<R> {
    header: Header,
    keys: StreamKeys,
    input: R,
    threads: usize,
}

impl<R> std::fmt::Debug for Unlocked<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unlocked")
            .field("header", &self.header)
            .field("threads", &self.threads)
            .finish_non_exhaustive()
    }
}

impl<R> Unlocked<R> {
    /// The stream's header, now authenticated.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// How many worker threads open frames ([`default_threads`] unless set; 1: all on the
    /// caller's thread).
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// The per-frame API, for a caller that schedules frames itself (it makes the structural
    /// checks with [`crate::check_frame`] first), and the input positioned at frame 0.
    pub fn into_frame_opener(self) -> (Header, FrameOpener, R) {
        let opener = FrameOpener::new(&self.header, &self.keys);
        (self.header, opener, self.input)
    }
}

impl<R: Read> Unlocked<R> {
    /// The plaintext through `std::io::Read`, and `std::io::Seek` when the input seeks (fixed
    /// framing only): see [`DecryptingReader`].
    ///
    /// **A signed stream's signature is not checked by the reader**: after a seek it reads only
    /// the frames asked for (the signature is left out of the stream's geometry), and reading a
    /// signed stream in order without any seek fails at its end (the signature is read as frame
    /// data). Check it first with
    /// [`Decryptor::require_signers`] and [`Verifying::verify_signature`], or use
    /// [`Unlocked::decrypt_to`].
    pub fn reader(self) -> DecryptingReader<R> {
        let opener = FrameOpener::new(&self.header, &self.keys);
        DecryptingReader::new(self.header, opener, self.input)
    }
}

/// The input is read on a thread of the pool, which an error elsewhere may leave blocked in a
/// read until the input gives: hence an input the pool can own (`Send + 'static`: a `File`, a
/// `Cursor<Vec<u8>>`, a boxed reader). A borrowed input is read through [`Unlocked::reader`].
impl<R: Read + Send + 'static> Unlocked<R> {
    /// Reads the frames and writes their plaintext, in order and only once authenticated, to
    /// `output`. Returns the plaintext length. A live stream's frames are written as soon as
    /// each is authenticated, and `output` is flushed after each.
    ///
    /// A signed stream's signature is checked once every frame was released
    /// ([`Error::BadSignature`] then): without required signers (see
    /// [`Decryptor::require_signers`]) a signature proves nothing anyway, since anyone can
    /// sign with a key of their own.
    pub fn decrypt_to<W: Write + ?Sized>(self, output: &mut W) -> Result<u64> {
        let live = self.header.framing() == Framing::Live;
        let opener = FrameOpener::new(&self.header, &self.keys);
        let sink = Sink::Stream(output, live);
        if self.header.signed().is_none() {
            return framing::decrypt(&self.header, opener, self.input, sink, self.threads);
        }
        one_pass(&self.header, opener, self.input, sink, self.threads)
    }

    /// Like [`Unlocked::decrypt_to`], into `file` from its start, with each worker writing
    /// its plaintext at its offset. `file` must be a regular file that nothing else writes and
    /// that no one reads before this returns `Ok`: on error it may hold plaintext of frames
    /// after the failing one (all authenticated), and the caller must discard it. Its data is
    /// synced every 64 MiB as it is written, as [`Encryptor::encrypt_to_file`] does.
    pub fn decrypt_to_file(self, file: &File) -> Result<u64> {
        if self.header.framing() == Framing::Live {
            // Plaintext offsets of a live stream are not known in advance: write in order.
            let mut out = file;
            out.seek(SeekFrom::Start(0)).map_err(Error::Write)?;
            return self.decrypt_to(&mut out);
        }
        let positional = Positional::new(
            file.try_clone().map_err(Error::Write)?,
            0,
            u64::from(self.header.chunk_size()),
        );
        let opener = FrameOpener::new(&self.header, &self.keys);
        let sink = Sink::<File>::At(Arc::new(positional));
        if self.header.signed().is_some() {
            return one_pass(&self.header, opener, self.input, sink, self.threads);
        }
        framing::decrypt(&self.header, opener, self.input, sink, self.threads)
    }
}

/// The hashing sealer of a signed stream, and the transcript it feeds.
fn hashing_sealer(header: &Header, sealer: FrameSealer) -> (Hashing<FrameSealer>, Arc<Collector>) {
    let collector = Collector::new(&header.to_bytes(), None);
    let hashing = Hashing {
        inner: sealer,
        collector: Arc::clone(&collector),
        check: Check::Sealed,
    };
    (hashing, collector)
}

impl Signing {
    /// The signature of the stream whose transcript `collector` holds.
    fn signature(&self, header: &Header, collector: &Collector) -> Result<Vec<u8>> {
        let transcript = collector.finish()?.transcript;
        let signed = header
            .signed()
            .ok_or(Error::Misuse(crate::Misuse::SigningUnsupported))?;
        let message = signing::message(signed, &transcript);
        self.secret.sign(&message, self.rnd)
    }
}

/// Checks the signature `tail` of the stream `header` begins, whose transcript is `transcript`.
fn check_signature(header: &Header, transcript: &signing::Digest, tail: &Tail) -> Result<()> {
    let Some(signed) = header.signed() else {
        return Ok(());
    };
    let tail = tail
        .lock()
        .map_err(|_| Error::ThreadPanicked("seal-worker"))?
        .take()
        .unwrap_or_default();
    let message = signing::message(signed, transcript);
    if signing::verify_signature(signed.signer(), &message, &tail) {
        Ok(())
    } else {
        Err(Error::BadSignature)
    }
}

/// One pass over a signed stream from `input` (just past the header): frames hashed and opened
/// into `sink`, the signature checked at the end.
fn one_pass<R, W>(
    header: &Header,
    opener: FrameOpener,
    input: R,
    sink: Sink<'_, W>,
    threads: usize,
) -> Result<u64>
where
    R: Read + Send + 'static,
    W: Write + ?Sized,
{
    let (input, tail) = HoldBack::new(input, header.trailer_len());
    let collector = Collector::new(&header.to_bytes(), None);
    let hashing = Hashing {
        inner: opener,
        collector: Arc::clone(&collector),
        check: Check::Opened(None),
    };
    let written = framing::decrypt(header, hashing, input, sink, threads)?;
    check_signature(header, &collector.finish()?.transcript, &tail)?;
    Ok(written)
}

/// The keyless first pass: hashes every frame of `input` (just past the header), checks the
/// signature, and, with `keep: Some(n)`, returns the digests of the frames in order (at most
/// `n`: a longer stream is [`Error::TooManyFramesToVerifyFirst`], before any output).
fn hash_pass<R: Read + Send + 'static>(
    header: &Header,
    input: R,
    threads: usize,
    keep: Option<usize>,
) -> Result<Seen> {
    let (input, tail) = HoldBack::new(input, header.trailer_len());
    let collector = Collector::new(&header.to_bytes(), keep);
    let source = FixedDecoder::new(input, header.clone());
    let sink = Sink::Stream(&mut std::io::sink(), false);
    crate::pipeline::run(
        source,
        Arc::new(HashOnly(Arc::clone(&collector))),
        sink,
        threads,
    )?;
    let seen = collector.finish()?;
    check_signature(header, &seen.transcript, &tail)?;
    Ok(seen)
}

/// The second pass: decrypts `frames` (the stream's frames, as many bytes as the first pass
/// saw), each frame compared with its digest from the first pass before it is opened. Any
/// difference, including a different number or layout of frames, is [`Error::FrameChanged`].
fn second_pass<R, W>(
    header: &Header,
    keys: &StreamKeys,
    frames: R,
    digests: Vec<signing::Digest>,
    output: &mut W,
    threads: usize,
) -> Result<u64>
where
    R: Read + Send + 'static,
    W: Write + ?Sized,
{
    let n = digests.len() as u64;
    let collector = Collector::new(&header.to_bytes(), None);
    let hashing = Hashing {
        inner: FrameOpener::new(header, keys),
        collector: Arc::clone(&collector),
        check: Check::Opened(Some(Arc::new(digests))),
    };
    let changed = |frame: u64| Error::FrameChanged {
        frame,
        offset: header.frame_offset(frame),
    };
    let result = framing::decrypt(
        header,
        hashing,
        frames,
        Sink::Stream(output, false),
        threads,
    );
    let written = result.map_err(|e| match e {
        Error::Truncated { frame, .. } | Error::FrameOutOfPlace { frame, .. } => changed(frame),
        Error::TrailingData { .. } => changed(n),
        e => e,
    })?;
    let seen = collector.finish()?.frames;
    if seen != n {
        return Err(changed(seen));
    }
    Ok(written)
}

/// A reader shared between the two passes of a verified decryption (the pool owns its
/// input while it runs; only one thread reads at a time).
struct Shared<R>(Arc<std::sync::Mutex<R>>);

impl<R: Read> Read for Shared<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("seal-worker panicked"))?
            .read(buf)
    }
}

impl<R> Decryptor<R> {
    /// The signature block of a signed stream (who the header says signed it, and the signed
    /// comment), not verified yet; `None` for an unsigned stream.
    pub fn signed(&self) -> Option<&SignedBy> {
        self.header.signed()
    }

    /// Requires the stream to be signed by one of `allowed`: [`Error::NotSigned`] for an
    /// unsigned stream, [`Error::SignerNotAllowed`] for another signer, both before any
    /// secret is used. The [`Verifying`] stream it returns releases plaintext only once the
    /// signature verified (or, through [`VerifiedUnlocked::decrypt_to_file`], into a file the
    /// caller discards unless `Ok`): it has no reader, frame opener or one-pass decryption to
    /// any writer.
    pub fn require_signers(self, allowed: &AllowedSigners) -> Result<Verifying<R>> {
        let signed = self.header.signed().ok_or(Error::NotSigned)?;
        let name = allowed
            .find(signed.signer())
            .ok_or_else(|| Error::SignerNotAllowed {
                fingerprint: signed.signer().fingerprint_text(),
            })?
            .map(str::to_owned);
        Ok(Verifying {
            header: self.header,
            input: self.input,
            name,
        })
    }
}

/// A signed stream whose signer is allowed, not yet verified: see
/// [`Decryptor::require_signers`].
pub struct Verifying<R> {
    header: Header,
    input: R,
    name: Option<String>,
}

impl<R> std::fmt::Debug for Verifying<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifying")
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

impl<R> Verifying<R> {
    /// The stream's header (not yet authenticated).
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The signature block (its signer is one of the allowed signers).
    pub fn signed(&self) -> &SignedBy {
        // require_signers made this only for a signed header.
        self.header
            .signed()
            .unwrap_or_else(|| unreachable!("Verifying holds a signed header"))
    }

    /// The name the allowed-signers list gave the signer, if any.
    pub fn signer_name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Requires the signed comment to be exactly `comment` ([`Error::CommentMismatch`]).
    pub fn expect_comment(self, comment: &str) -> Result<Self> {
        if self.signed().comment() == comment {
            Ok(self)
        } else {
            Err(Error::CommentMismatch)
        }
    }

    /// Checks `secret` as [`Decryptor::unlock`] does.
    pub fn unlock<'s>(self, secret: impl Into<Secret<'s>>) -> Result<VerifiedUnlocked<R>> {
        let keys = secret::open_stream_keys(&self.header, secret.into())?;
        Ok(VerifiedUnlocked {
            header: self.header,
            keys,
            input: self.input,
            threads: default_threads(),
            keep_at_most: crate::limits::MAX_KEPT_DIGESTS,
        })
    }
}

impl<R: Read + Send + 'static> Verifying<R> {
    /// Checks the signature without any key: hashes every frame as stored (on `threads`
    /// workers) and verifies the signature. Proves the signer made these bytes, not that the
    /// frames decrypt (only a key shows that).
    pub fn verify_signature(self, threads: usize) -> Result<()> {
        // No second pass: no digest kept, so no bound on the number of frames.
        hash_pass(&self.header, self.input, threads, None).map(drop)
    }
}

/// A signed stream whose signer is allowed and whose secret was checked. Each way out releases
/// nothing before the signature verified: see the methods.
pub struct VerifiedUnlocked<R> {
    header: Header,
    keys: StreamKeys,
    input: R,
    threads: usize,
    /// Most frame digests kept between two passes: [`crate::limits::MAX_KEPT_DIGESTS`]
    /// (smaller only in this module's tests).
    keep_at_most: usize,
}

impl<R> std::fmt::Debug for VerifiedUnlocked<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedUnlocked")
            .field("header", &self.header)
            .field("threads", &self.threads)
            .finish_non_exhaustive()
    }
}

impl<R> VerifiedUnlocked<R> {
    /// The stream's header, now authenticated by its key commitment.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// How many worker threads hash and open frames.
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }
}

impl<R: Read + Send + 'static> VerifiedUnlocked<R> {
    /// Decrypts into `file` (a regular file the caller owns) in one pass, hashing every frame,
    /// and checks the signature at the end. **`file` holds unverified plaintext until this
    /// returns `Ok`**: the caller must not let anyone read it before, and must discard it on
    /// `Err` (seal's command line keeps it unnamed, or named and mode 0600, until then). Its
    /// data is synced every 64 MiB as it is written, as [`Encryptor::encrypt_to_file`] does.
    pub fn decrypt_to_file(self, file: &File) -> Result<u64> {
        let positional = Positional::new(
            file.try_clone().map_err(Error::Write)?,
            0,
            u64::from(self.header.chunk_size()),
        );
        let opener = FrameOpener::new(&self.header, &self.keys);
        let sink = Sink::<File>::At(Arc::new(positional));
        one_pass(&self.header, opener, self.input, sink, self.threads)
    }

    /// Checks everything and releases nothing: one pass that hashes and opens every frame,
    /// then the signature. Returns the plaintext length.
    pub fn verify(self) -> Result<u64> {
        let opener = FrameOpener::new(&self.header, &self.keys);
        let mut sink = std::io::sink();
        one_pass(
            &self.header,
            opener,
            self.input,
            Sink::Stream(&mut sink, false),
            self.threads,
        )
    }

    /// For an input that does not seek (a pipe): copies the ciphertext into `spool` (an empty
    /// file the caller made, unnamed if it can: it holds ciphertext, never plaintext) while
    /// hashing it, checks the signature, then decrypts from `spool`, comparing every frame
    /// with its digest before opening it. `output` receives nothing unless the signature
    /// verified. `spool` needs as much space as the input.
    pub fn decrypt_spooled<W: Write + ?Sized>(self, spool: File, output: &mut W) -> Result<u64> {
        let copy = spool.try_clone().map_err(Error::Write)?;
        let tee = Tee {
            inner: self.input,
            copy: std::io::BufWriter::with_capacity(1 << 20, copy),
        };
        let seen = hash_pass(&self.header, tee, self.threads, Some(self.keep_at_most))?;
        let mut spool = spool;
        // The copy's last buffer was written when the pool dropped it, where an error cannot
        // be reported: check that the spool holds everything that was hashed.
        let spooled = spool.seek(SeekFrom::End(0)).map_err(Error::Write)?;
        if spooled < seen.bytes + self.header.trailer_len() as u64 {
            return Err(Error::Write(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "the spool holds less than was read (is its file system full?)",
            )));
        }
        spool.seek(SeekFrom::Start(0)).map_err(Error::Read)?;
        second_pass(
            &self.header,
            &self.keys,
            spool.take(seen.bytes),
            seen.digests,
            output,
            self.threads,
        )
    }
}

/// Pass 1 over a seekable `input`: hashes every frame and checks the signature, then puts the
/// input back where the frames begin, for pass 2 to read them again.
fn first_pass<R: Read + Seek + Send + 'static>(
    header: &Header,
    mut input: R,
    threads: usize,
    keep_at_most: usize,
) -> Result<(R, Seen)> {
    let start = input.stream_position().map_err(Error::Read)?;
    let shared = Arc::new(std::sync::Mutex::new(input));
    let seen = hash_pass(
        header,
        Shared(Arc::clone(&shared)),
        threads,
        Some(keep_at_most),
    )?;
    let mut input = Arc::try_unwrap(shared)
        .map_err(|_| Error::Internal(crate::error::Internal::PoolStopped))?
        .into_inner()
        .map_err(|_| Error::ThreadPanicked("seal-worker"))?;
    input.seek(SeekFrom::Start(start)).map_err(Error::Read)?;
    Ok((input, seen))
}

impl<R: Read + Seek + Send + 'static> VerifiedUnlocked<R> {
    /// For an input that seeks: hashes every frame and checks the signature (the whole stream,
    /// whatever will be read), then returns a [`DecryptingReader`] (`Read` and `Seek`, for a
    /// range) that compares every frame it reads with its digest from that pass before opening
    /// it ([`Error::FrameChanged`]). Nothing is read through it before the signature verified.
    pub fn verified_reader(self) -> Result<DecryptingReader<R>> {
        let (input, seen) = first_pass(&self.header, self.input, self.threads, self.keep_at_most)?;
        let opener = FrameOpener::new(&self.header, &self.keys);
        let mut reader =
            DecryptingReader::new(self.header, opener, input).with_digests(Arc::new(seen.digests));
        // Read in order from the start, the reader would look for frames where a stream
        // without a signature ends them: its seeking path knows where this one's end, so the
        // reader starts there, at plaintext offset 0.
        reader.seek(SeekFrom::Start(0)).map_err(Error::from_io)?;
        Ok(reader)
    }

    /// For an input that seeks: hashes every frame and checks the signature (pass 1), then
    /// decrypts (pass 2), reading the frames again at the offsets of pass 1 and comparing each
    /// with its digest before opening it (the input may change between the passes:
    /// [`Error::FrameChanged`]). `output` receives nothing unless the signature verified.
    pub fn decrypt_verified<W: Write + ?Sized>(self, output: &mut W) -> Result<u64> {
        let (input, seen) = first_pass(&self.header, self.input, self.threads, self.keep_at_most)?;
        // Exactly the frames pass 1 hashed: the trailer is never read again.
        second_pass(
            &self.header,
            &self.keys,
            input.take(seen.bytes),
            seen.digests,
            output,
            self.threads,
        )
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::error::Category;
    use crate::{AllowedSigner, SignatureKind};

    /// A signed stream of `frames` frames at chunk size 64, its plaintext and its key.
    fn signed_stream(frames: usize) -> (Vec<u8>, Vec<u8>, Key, AllowedSigners) {
        let key = Key::from_bytes([7; 32]);
        let signer = SignerSecret::from_seed(SignatureKind::Ed25519, &[9; 32]);
        let plain: Vec<u8> = (0..frames * 64).map(|i| (i % 251) as u8).collect();
        let mut stream = Vec::new();
        Encryptor::with_key(&key)
            .unwrap()
            .chunk_size(64)
            .sign(&signer, "")
            .unwrap()
            .encrypt(Cursor::new(plain.clone()), &mut stream)
            .unwrap();
        let mut allowed = AllowedSigners::new();
        allowed
            .push(AllowedSigner::Key(signer.public().clone()), None)
            .unwrap();
        (stream, plain, key, allowed)
    }

    fn verified(
        stream: &[u8],
        key: &Key,
        allowed: &AllowedSigners,
        keep_at_most: usize,
    ) -> VerifiedUnlocked<Cursor<Vec<u8>>> {
        let mut unlocked = Decryptor::new(Cursor::new(stream.to_vec()))
            .unwrap()
            .require_signers(allowed)
            .unwrap()
            .unlock(key)
            .unwrap()
            .threads(2);
        unlocked.keep_at_most = keep_at_most;
        unlocked
    }

    #[test]
    fn a_stream_longer_than_the_kept_digests_bound_is_refused_before_any_output() {
        // MAX_KEPT_DIGESTS (2^22) made 20 here: 20 frames pass, 21 are refused, every way that
        // keeps digests for a second pass, and nothing reaches the output.
        let (stream, plain, key, allowed) = signed_stream(20);
        let mut out = Vec::new();
        let n = verified(&stream, &key, &allowed, 20)
            .decrypt_verified(&mut out)
            .unwrap();
        assert_eq!((n, &out), (plain.len() as u64, &plain));
        let (stream, _, key, allowed) = signed_stream(21);
        let refused = |e: Error| {
            assert!(matches!(e, Error::TooManyFramesToVerifyFirst), "{e:?}");
            // Category::Io: exit status 1 at the command line.
            assert_eq!(e.category(), Category::Io);
        };
        let mut out = Vec::new();
        refused(
            verified(&stream, &key, &allowed, 20)
                .decrypt_verified(&mut out)
                .unwrap_err(),
        );
        assert!(out.is_empty(), "released {} bytes", out.len());
        refused(
            verified(&stream, &key, &allowed, 20)
                .decrypt_spooled(tempfile::tempfile().unwrap(), &mut out)
                .unwrap_err(),
        );
        assert!(out.is_empty(), "released {} bytes", out.len());
        refused(
            verified(&stream, &key, &allowed, 20)
                .verified_reader()
                .unwrap_err(),
        );
        // Checking the signature alone keeps no digest, so is not bounded.
        let header = Header::parse(&stream).unwrap();
        let frames = Cursor::new(stream[header.len()..].to_vec());
        assert_eq!(hash_pass(&header, frames, 2, None).unwrap().frames, 21);
    }
}
