//! The seal v1 wire format: header layout, frame layout and frame nonces.
//!
//! This module only describes bytes; it does no cryptography. docs/FORMAT.md is the normative
//! description, and the constants here are the numbers it gives.
//!
//! ```text
//! stream = header || frame_0 || frame_1 || ... || frame_last
//! header = magic(8) || version(1) || cipher(1) || key_kind(1) || chunk_size(4, BE) || salt(32)
//!          || [argon2id(12): memory_kib(4, BE) || passes(4, BE) || lanes(4, BE)]   (key kind 2 only)
//!          || [count(2, BE) || stanza_1 || ... || stanza_count]                    (key kind 3 only)
//!          || commitment(32)
//! stanza = recipient_kind(1) || body_len(2, BE) || body(body_len)
//! frame  = nonce(12) || ciphertext(n) || tag(16)                      (version 1: fixed framing)
//! frame  = length(4, BE) || nonce(12) || ciphertext(length) || tag(16) (version 2: live framing)
//! nonce  = counter(11, BE) || final_flag(1)
//! ```

use crate::error::{Error, Result, SecretKind};
use crate::limits::MAX_SIGNED_COMMENT_LEN;
use crate::signing::{SignatureKind, SignedBy};

/// First bytes of every seal stream. The high-bit first byte catches 7-bit channels, CR LF
/// catches line-ending conversion and 0x1A stops `type` on DOS, as in PNG.
pub(crate) const MAGIC: [u8; 8] = [0x89, b'S', b'E', b'A', b'L', 0x0D, 0x0A, 0x1A];
/// The version byte of a stream with fixed framing: every frame but the last holds exactly
/// `chunk_size` bytes of plaintext.
pub(crate) const VERSION: u8 = 1;
/// The version byte of a stream with live framing: every frame carries its plaintext length.
pub(crate) const VERSION_LIVE: u8 = 2;
/// The version byte of a signed stream with fixed framing: a signature block before the
/// commitment, a signature after the final frame (docs/FORMAT.md "Signed streams"). Version 4
/// (live and signed) is reserved: this build refuses it.
pub(crate) const VERSION_SIGNED: u8 = 3;
/// Key kind byte for a stream whose key came from a key file.
pub(crate) const KEY_KIND_KEY_FILE: u8 = 1;
/// Key kind byte for a stream whose key was derived from a passphrase with Argon2id.
pub(crate) const KEY_KIND_PASSPHRASE: u8 = 2;
/// Key kind byte for a stream whose key is wrapped for public-key recipients.
pub(crate) const KEY_KIND_RECIPIENTS: u8 = 3;
/// Length of the per-stream random salt.
pub(crate) const SALT_LEN: usize = 32;
/// Length of the key commitment.
pub(crate) const COMMITMENT_LEN: usize = 32;
/// Length of the header's fixed prefix (magic to chunk size), which says how long the header
/// is: the key kind decides whether KDF parameters follow the salt.
pub(crate) const PREFIX_LEN: usize = 15;
/// Offset of the key kind byte within the header.
const KEY_KIND_OFFSET: usize = 10;
/// Offset of the salt within the header.
const SALT_OFFSET: usize = PREFIX_LEN;
/// Length of the Argon2id parameter block of a passphrase header.
pub(crate) const ARGON2_PARAMS_LEN: usize = 12;
/// Length of the header bytes that the key derivation binds (everything but the commitment)
/// for a key-file stream.
pub(crate) const BOUND_LEN: usize = SALT_OFFSET + SALT_LEN;
/// Total header length of a key-file stream.
pub(crate) const HEADER_LEN: usize = BOUND_LEN + COMMITMENT_LEN;
/// Total header length of a passphrase stream.
pub(crate) const PASSPHRASE_HEADER_LEN: usize = HEADER_LEN + ARGON2_PARAMS_LEN;
/// Length of a recipient header's stanza count.
const RECIPIENT_COUNT_LEN: usize = 2;
/// Length of a stanza's recipient kind and body length.
const STANZA_HEAD_LEN: usize = 3;
/// Most stanzas a recipient header may hold (and recipients a stream may be encrypted to).
pub const MAX_RECIPIENTS: usize = crate::limits::MAX_RECIPIENTS;
/// Longest stanza body of any recipient kind, known or not. A stanza of a kind this build knows
/// must have exactly that kind's length ([`stanza_body_len`]).
pub(crate) const MAX_STANZA_BODY_LEN: usize = 2048;
/// Recipient kind byte of an ML-KEM-768 + X25519 (X-Wing) stanza.
pub(crate) const RECIPIENT_KIND_MLKEM768_X25519: u8 = 1;
/// Recipient kind byte of an X25519 stanza.
pub(crate) const RECIPIENT_KIND_X25519: u8 = 2;
/// Recipient kind byte of an SSH Ed25519 stanza.
pub(crate) const RECIPIENT_KIND_SSH_ED25519: u8 = 3;
/// The longest header of any key kind: a recipient header with the most stanzas of the
/// longest body (about 2 MiB). A decoder never holds more header than this.
#[cfg(test)]
pub(crate) const MAX_HEADER_LEN: usize = BOUND_LEN
    + RECIPIENT_COUNT_LEN
    + MAX_RECIPIENTS * (STANZA_HEAD_LEN + MAX_STANZA_BODY_LEN)
    + COMMITMENT_LEN;

/// The body length that a stanza of a recipient kind this build knows must have: the HPKE
/// encapsulated key and the wrapped 32-byte file key with its 16-byte tag. `None` for a kind
/// this build does not know (its stanzas are skipped, whatever their length within
/// [`MAX_STANZA_BODY_LEN`]).
pub(crate) fn stanza_body_len(recipient_kind: u8) -> Option<usize> {
    const WRAPPED: usize = 32 + TAG_LEN;
    match recipient_kind {
        RECIPIENT_KIND_MLKEM768_X25519 => Some(1120 + WRAPPED),
        RECIPIENT_KIND_X25519 | RECIPIENT_KIND_SSH_ED25519 => Some(32 + WRAPPED),
        _ => None,
    }
}

/// Nonce length of both ciphers.
pub(crate) const NONCE_LEN: usize = 12;
/// Tag length of both ciphers.
pub(crate) const TAG_LEN: usize = 16;
/// Bytes a frame adds to its plaintext (fixed framing).
pub(crate) const FRAME_OVERHEAD: usize = NONCE_LEN + TAG_LEN;
/// Length of the plaintext length field that starts every frame of a live stream.
pub(crate) const LENGTH_LEN: usize = 4;
/// Bytes a frame of a live stream adds to its plaintext.
pub(crate) const LIVE_FRAME_OVERHEAD: usize = LENGTH_LEN + FRAME_OVERHEAD;

/// How a stream cuts its plaintext into frames; the header's version byte says which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Framing {
    /// Version 1: every frame but the last holds exactly `chunk_size` bytes, so frame `i`
    /// starts at a fixed offset and its length is implicit.
    Fixed,
    /// Version 2: every frame starts with its plaintext length (1..=chunk_size for every frame
    /// but the last, 0..=chunk_size for the last), bound into the frame as associated data, so
    /// an encoder can send a short frame as soon as a latency bound requires.
    Live,
}

impl Framing {
    /// The header's version byte for this framing.
    pub fn version(self) -> u8 {
        match self {
            Framing::Fixed => VERSION,
            Framing::Live => VERSION_LIVE,
        }
    }

    /// The framing a version byte names.
    pub(crate) fn from_version(version: u8) -> Result<Self> {
        match version {
            VERSION | VERSION_SIGNED => Ok(Framing::Fixed),
            VERSION_LIVE => Ok(Framing::Live),
            other => Err(Error::UnsupportedVersion(other)),
        }
    }

    /// Its short name, for display and machine-readable reports.
    pub fn name(self) -> &'static str {
        match self {
            Framing::Fixed => "fixed",
            Framing::Live => "live",
        }
    }

    /// Bytes a frame adds to its plaintext.
    pub fn overhead(self) -> usize {
        match self {
            Framing::Fixed => FRAME_OVERHEAD,
            Framing::Live => LIVE_FRAME_OVERHEAD,
        }
    }

    /// Where a frame's nonce starts within the frame.
    pub(crate) fn nonce_offset(self) -> usize {
        match self {
            Framing::Fixed => 0,
            Framing::Live => LENGTH_LEN,
        }
    }

    /// Where a frame's ciphertext (or plaintext, before sealing) starts within the frame.
    pub(crate) fn body_offset(self) -> usize {
        self.nonce_offset() + NONCE_LEN
    }
}

/// Smallest chunk size a stream may declare.
pub const MIN_CHUNK_SIZE: u32 = crate::limits::MIN_CHUNK_SIZE;
/// Largest chunk size a stream may declare. A decoder allocates a few frames of this size per
/// worker, so this bound is what keeps a hostile header from demanding memory.
pub const MAX_CHUNK_SIZE: u32 = crate::limits::MAX_CHUNK_SIZE;
/// Chunk size an [`crate::Encryptor`] uses unless told otherwise (chosen from the measurements
/// in docs/PERFORMANCE.md).
pub const DEFAULT_CHUNK_SIZE: u32 = 1024 * 1024;

/// Value of the nonce's last byte for every frame but the last.
const FLAG_MORE: u8 = 0x00;
/// Value of the nonce's last byte for the final frame.
const FLAG_FINAL: u8 = 0x01;

/// The AEAD a stream is encrypted with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cipher {
    /// AES-256 in Galois/Counter Mode (id 1, the default).
    Aes256Gcm,
    /// ChaCha20-Poly1305 as in RFC 8439 (id 2).
    ChaCha20Poly1305,
}

impl Cipher {
    /// Both ciphers, in id order.
    pub const ALL: [Cipher; 2] = [Cipher::Aes256Gcm, Cipher::ChaCha20Poly1305];

    /// The byte that names this cipher in a header.
    pub fn id(self) -> u8 {
        match self {
            Cipher::Aes256Gcm => 1,
            Cipher::ChaCha20Poly1305 => 2,
        }
    }

    /// The cipher a header byte names.
    pub(crate) fn from_id(id: u8) -> Result<Self> {
        match id {
            1 => Ok(Cipher::Aes256Gcm),
            2 => Ok(Cipher::ChaCha20Poly1305),
            other => Err(Error::UnsupportedCipher(other)),
        }
    }

    /// Its short name, for display and machine-readable reports.
    pub fn name(self) -> &'static str {
        match self {
            Cipher::Aes256Gcm => "aes-256-gcm",
            Cipher::ChaCha20Poly1305 => "chacha20-poly1305",
        }
    }
}

/// Checks that a chunk size is within [`MIN_CHUNK_SIZE`]..=[`MAX_CHUNK_SIZE`].
pub fn check_chunk_size(size: u64) -> Result<u32> {
    match u32::try_from(size) {
        Ok(s) if (MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&s) => Ok(s),
        _ => Err(Error::ChunkSizeOutOfRange(size)),
    }
}

/// The cost of the Argon2id derivation of a passphrase stream's key, as its header states it.
///
/// Invariant: a value that exists is within the bounds below, which every decoder enforces
/// before doing any work, so that a hostile header can demand neither gigabytes of memory nor
/// minutes of computation: at most [`Argon2Params::MAX_MEMORY_KIB`] of memory and
/// [`Argon2Params::MAX_WORK`] KiB × passes in all (about 5× the default's cost).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Argon2Params {
    memory_kib: u32,
    passes: u32,
    lanes: u32,
}

impl Argon2Params {
    /// Most memory a header may ask for: 1 GiB.
    pub const MAX_MEMORY_KIB: u32 = crate::limits::ARGON2_MAX_MEMORY_KIB;
    /// Most passes a header may ask for.
    pub const MAX_PASSES: u32 = crate::limits::ARGON2_MAX_PASSES;
    /// Most lanes a header may ask for (seal computes them one after another).
    pub const MAX_LANES: u32 = crate::limits::ARGON2_MAX_LANES;
    /// Most memory × passes (in KiB × passes) a header may ask for: 8 GiB-passes, a few
    /// seconds on a current core.
    pub const MAX_WORK: u64 = crate::limits::ARGON2_MAX_WORK;
    /// What [`crate::Encryptor::with_passphrase`] uses: 256 MiB, 6 passes, 1 lane, about one
    /// second on the machine docs/PERFORMANCE.md's figures come from.
    pub const DEFAULT: Argon2Params = Argon2Params {
        memory_kib: 256 << 10,
        passes: 6,
        lanes: 1,
    };

    /// Checked parameters. Argon2 itself needs at least 8 KiB of memory per lane.
    pub fn new(memory_kib: u32, passes: u32, lanes: u32) -> Result<Self> {
        let ok = (1..=Self::MAX_LANES).contains(&lanes)
            && (1..=Self::MAX_PASSES).contains(&passes)
            && (8 * lanes..=Self::MAX_MEMORY_KIB).contains(&memory_kib)
            && u64::from(memory_kib) * u64::from(passes) <= Self::MAX_WORK;
        if ok {
            Ok(Argon2Params {
                memory_kib,
                passes,
                lanes,
            })
        } else {
            Err(Error::KdfCostOutOfRange {
                memory_kib,
                passes,
                lanes,
            })
        }
    }

    /// Memory in KiB.
    pub fn memory_kib(&self) -> u32 {
        self.memory_kib
    }
    /// Passes over the memory (Argon2's t).
    pub fn passes(&self) -> u32 {
        self.passes
    }
    /// Lanes (Argon2's p).
    pub fn lanes(&self) -> u32 {
        self.lanes
    }

    pub(crate) fn to_bytes(self) -> [u8; ARGON2_PARAMS_LEN] {
        let mut out = [0u8; ARGON2_PARAMS_LEN];
        out[0..4].copy_from_slice(&self.memory_kib.to_be_bytes());
        out[4..8].copy_from_slice(&self.passes.to_be_bytes());
        out[8..12].copy_from_slice(&self.lanes.to_be_bytes());
        out
    }

    fn parse(bytes: &[u8; ARGON2_PARAMS_LEN]) -> Result<Self> {
        let word =
            |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        Argon2Params::new(word(0), word(4), word(8))
    }
}

/// Where a stream's key comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// A key file (key kind 1).
    KeyFile,
    /// A passphrase, stretched with Argon2id at this cost (key kind 2).
    Passphrase(Argon2Params),
    /// A random file key wrapped for each of the header's recipients (key kind 3).
    Recipients,
}

impl KeyKind {
    /// The byte that names this key kind in a header.
    pub fn id(self) -> u8 {
        match self {
            KeyKind::KeyFile => KEY_KIND_KEY_FILE,
            KeyKind::Passphrase(_) => KEY_KIND_PASSPHRASE,
            KeyKind::Recipients => KEY_KIND_RECIPIENTS,
        }
    }

    /// The kind of secret that opens a stream of this key kind.
    pub fn secret_kind(self) -> SecretKind {
        match self {
            KeyKind::KeyFile => SecretKind::Key,
            KeyKind::Passphrase(_) => SecretKind::Passphrase,
            KeyKind::Recipients => SecretKind::Identity,
        }
    }

    /// Its short name, for display and machine-readable reports.
    pub fn name(self) -> &'static str {
        match self {
            KeyKind::KeyFile => "key-file",
            KeyKind::Passphrase(_) => "passphrase",
            KeyKind::Recipients => "recipients",
        }
    }
}

/// How long the header that some first bytes of a stream begin is, as far as they tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeaderLength {
    /// The header is this long (the bytes may hold less or more of the stream).
    Known(usize),
    /// The header is at least this long, more than the bytes given hold: read up to here and
    /// ask again.
    AtLeast(usize),
}

/// How long the header that `bytes` (the first bytes of a stream, any number of them) begins
/// is, checking every field these bytes hold that decides it, in the order they appear: the
/// magic bytes (on as many as there are), version, cipher, key kind and chunk size; for a
/// recipient header also the stanza count and each stanza's body length, which are bounded
/// here, before anyone allocates for them. Never reads past the header.
pub(crate) fn header_length(bytes: &[u8]) -> Result<HeaderLength> {
    let magic_len = bytes.len().min(MAGIC.len());
    if bytes[..magic_len] != MAGIC[..magic_len] {
        return Err(Error::BadMagic);
    }
    let Some(prefix) = bytes.first_chunk::<PREFIX_LEN>() else {
        return Ok(HeaderLength::AtLeast(PREFIX_LEN));
    };
    Framing::from_version(prefix[8])?;
    Cipher::from_id(prefix[9])?;
    let kind = prefix[KEY_KIND_OFFSET];
    if !matches!(
        kind,
        KEY_KIND_KEY_FILE | KEY_KIND_PASSPHRASE | KEY_KIND_RECIPIENTS
    ) {
        return Err(Error::UnsupportedKeyKind(kind));
    }
    let size = u32::from_be_bytes([prefix[11], prefix[12], prefix[13], prefix[14]]);
    check_chunk_size(u64::from(size))?;
    let unsigned = match kind {
        KEY_KIND_KEY_FILE => HeaderLength::Known(HEADER_LEN),
        KEY_KIND_PASSPHRASE => HeaderLength::Known(PASSPHRASE_HEADER_LEN),
        _ => recipient_header_length(bytes)?,
    };
    match unsigned {
        HeaderLength::Known(len) if prefix[8] == VERSION_SIGNED => {
            signed_header_length(bytes, len - COMMITMENT_LEN)
        }
        other => Ok(other),
    }
}

/// [`header_length`] for a signed header whose key-kind fields end at `at`: the signature
/// block (kind, public key of the kind's length, comment length bounded here, comment), then
/// the commitment.
fn signed_header_length(bytes: &[u8], at: usize) -> Result<HeaderLength> {
    let Some(&kind) = bytes.get(at) else {
        return Ok(HeaderLength::AtLeast(at + 1 + 2 + COMMITMENT_LEN));
    };
    let kind = SignatureKind::from_id(kind)?;
    let len_at = at + 1 + kind.public_len();
    let Some(&[hi, lo]) = bytes.get(len_at..len_at + 2) else {
        return Ok(HeaderLength::AtLeast(len_at + 2 + COMMITMENT_LEN));
    };
    let comment = usize::from(u16::from_be_bytes([hi, lo]));
    if comment > MAX_SIGNED_COMMENT_LEN {
        return Err(Error::SignedCommentTooLong(comment));
    }
    Ok(HeaderLength::Known(len_at + 2 + comment + COMMITMENT_LEN))
}

/// [`header_length`] for a recipient header whose prefix has been checked.
fn recipient_header_length(bytes: &[u8]) -> Result<HeaderLength> {
    let mut at = BOUND_LEN + RECIPIENT_COUNT_LEN;
    let Some(&[hi, lo]) = bytes.get(BOUND_LEN..at) else {
        return Ok(HeaderLength::AtLeast(at));
    };
    let count = usize::from(u16::from_be_bytes([hi, lo]));
    if !(1..=MAX_RECIPIENTS).contains(&count) {
        return Err(Error::RecipientCountOutOfRange(count));
    }
    for index in 0..count {
        let Some(&[kind, hi, lo]) = bytes.get(at..at + STANZA_HEAD_LEN) else {
            return Ok(HeaderLength::AtLeast(at + STANZA_HEAD_LEN));
        };
        let len = usize::from(u16::from_be_bytes([hi, lo]));
        let fits = match stanza_body_len(kind) {
            Some(exact) => len == exact,
            None => len <= MAX_STANZA_BODY_LEN,
        };
        if !fits {
            return Err(Error::StanzaLength { index, kind, len });
        }
        at += STANZA_HEAD_LEN + len;
    }
    Ok(HeaderLength::Known(at + COMMITMENT_LEN))
}

/// The least a header that `partial` (fewer than [`PREFIX_LEN`] bytes) begins can be, for
/// reporting how many bytes a truncated header lacks: by its key kind byte if present, the
/// key-file length otherwise.
fn least_header_len(partial: &[u8]) -> usize {
    match partial.get(KEY_KIND_OFFSET) {
        Some(&KEY_KIND_PASSPHRASE) => PASSPHRASE_HEADER_LEN,
        Some(&KEY_KIND_RECIPIENTS) => {
            BOUND_LEN + RECIPIENT_COUNT_LEN + STANZA_HEAD_LEN + COMMITMENT_LEN
        }
        _ => HEADER_LEN,
    }
}

/// One recipient's entry in a recipient header: its kind and the file key wrapped for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stanza {
    kind: u8,
    body: Vec<u8>,
}

impl Stanza {
    /// A stanza of `kind` with `body`, which must be within the bounds [`header_length`]
    /// checks.
    pub(crate) fn new(kind: u8, body: Vec<u8>) -> Self {
        Stanza { kind, body }
    }
    /// The recipient kind byte.
    pub fn kind(&self) -> u8 {
        self.kind
    }
    /// The body: for the kinds this build knows, the HPKE encapsulated key, then the wrapped
    /// file key and its tag.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
    fn wire_len(&self) -> usize {
        STANZA_HEAD_LEN + self.body.len()
    }
}

/// A parsed header.
///
/// Invariant: `chunk_size` is within the allowed range and the KDF parameters of a passphrase
/// header within theirs; a `Header` that exists has passed [`check_chunk_size`] and
/// [`Argon2Params::new`]. A recipient header has 1 to [`MAX_RECIPIENTS`] stanzas within the
/// length bounds of the header reader; other headers have none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    framing: Framing,
    cipher: Cipher,
    chunk_size: u32,
    key_kind: KeyKind,
    salt: [u8; SALT_LEN],
    stanzas: Vec<Stanza>,
    /// Set for a signed stream (version 3): the signature block before the commitment.
    signed: Option<SignedBy>,
    commitment: [u8; COMMITMENT_LEN],
}

impl Header {
    /// A header for a new key-file or passphrase stream; the commitment is filled in by the
    /// key derivation. (Recipient headers come from [`Header::with_stanzas`].)
    pub(crate) fn new(
        cipher: Cipher,
        chunk_size: u32,
        key_kind: KeyKind,
        salt: [u8; SALT_LEN],
    ) -> Result<Self> {
        let chunk_size = check_chunk_size(u64::from(chunk_size))?;
        if key_kind == KeyKind::Recipients {
            return Err(Error::RecipientCountOutOfRange(0));
        }
        Ok(Header {
            framing: Framing::Fixed,
            cipher,
            chunk_size,
            key_kind,
            salt,
            stanzas: Vec::new(),
            signed: None,
            commitment: [0; COMMITMENT_LEN],
        })
    }

    /// A header for a new recipient stream with these stanzas, checked against the bounds
    /// every decoder applies.
    pub(crate) fn with_stanzas(
        cipher: Cipher,
        chunk_size: u32,
        salt: [u8; SALT_LEN],
        stanzas: Vec<Stanza>,
    ) -> Result<Self> {
        let chunk_size = check_chunk_size(u64::from(chunk_size))?;
        if !(1..=MAX_RECIPIENTS).contains(&stanzas.len()) {
            return Err(Error::RecipientCountOutOfRange(stanzas.len()));
        }
        for (index, stanza) in stanzas.iter().enumerate() {
            let fits = match stanza_body_len(stanza.kind) {
                Some(exact) => stanza.body.len() == exact,
                None => stanza.body.len() <= MAX_STANZA_BODY_LEN,
            };
            if !fits {
                return Err(Error::StanzaLength {
                    index,
                    kind: stanza.kind,
                    len: stanza.body.len(),
                });
            }
        }
        Ok(Header {
            framing: Framing::Fixed,
            cipher,
            chunk_size,
            key_kind: KeyKind::Recipients,
            salt,
            stanzas,
            signed: None,
            commitment: [0; COMMITMENT_LEN],
        })
    }

    /// This header with another framing (and so another version byte).
    pub(crate) fn with_framing(mut self, framing: Framing) -> Self {
        self.framing = framing;
        self
    }

    /// This header signed by `signed` (version 3).
    pub(crate) fn with_signer(mut self, signed: Option<SignedBy>) -> Self {
        self.signed = signed;
        self
    }

    /// The signature block of a signed stream (version 3): who the header says signed it, and
    /// the signed comment. Not verified by itself: only the signature at the stream's end is.
    pub fn signed(&self) -> Option<&SignedBy> {
        self.signed.as_ref()
    }

    /// Bytes of the signature after the final frame (0 for an unsigned stream).
    pub fn trailer_len(&self) -> usize {
        self.signed
            .as_ref()
            .map_or(0, |s| s.signer().kind().signature_len())
    }

    /// The version byte.
    pub fn version(&self) -> u8 {
        match (&self.signed, self.framing) {
            (Some(_), _) => VERSION_SIGNED,
            (None, framing) => framing.version(),
        }
    }

    /// How the stream is cut into frames.
    pub fn framing(&self) -> Framing {
        self.framing
    }
    /// The cipher.
    pub fn cipher(&self) -> Cipher {
        self.cipher
    }
    /// Plaintext bytes per full frame.
    pub fn chunk_size(&self) -> u32 {
        self.chunk_size
    }
    /// Where the stream's key comes from.
    pub fn key_kind(&self) -> KeyKind {
        self.key_kind
    }
    /// The per-stream salt.
    pub fn salt(&self) -> &[u8; SALT_LEN] {
        &self.salt
    }
    /// The recipient stanzas, in header order (none unless the key kind is
    /// [`KeyKind::Recipients`]).
    pub fn stanzas(&self) -> &[Stanza] {
        &self.stanzas
    }
    /// The key commitment.
    pub fn commitment(&self) -> &[u8; COMMITMENT_LEN] {
        &self.commitment
    }
    pub(crate) fn set_commitment(&mut self, commitment: [u8; COMMITMENT_LEN]) {
        self.commitment = commitment;
    }

    /// Length of this header on the wire.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.signed.as_ref().map_or(0, SignedBy::wire_len)
            + match self.key_kind {
                KeyKind::KeyFile => HEADER_LEN,
                KeyKind::Passphrase(_) => PASSPHRASE_HEADER_LEN,
                KeyKind::Recipients => {
                    BOUND_LEN
                        + RECIPIENT_COUNT_LEN
                        + self.stanzas.iter().map(Stanza::wire_len).sum::<usize>()
                        + COMMITMENT_LEN
                }
            }
    }

    /// Bytes on the wire of a full frame (`chunk_size` bytes of plaintext): the size of the
    /// buffer a frame needs.
    pub(crate) fn full_frame_len(&self) -> usize {
        self.chunk_size as usize + self.framing.overhead()
    }

    /// The header bytes that the key derivation binds: all fields but the commitment.
    pub(crate) fn bound_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len() - COMMITMENT_LEN);
        out.extend_from_slice(&MAGIC);
        out.push(self.version());
        out.push(self.cipher.id());
        out.push(self.key_kind.id());
        out.extend_from_slice(&self.chunk_size.to_be_bytes());
        out.extend_from_slice(&self.salt);
        match self.key_kind {
            KeyKind::KeyFile => {}
            KeyKind::Passphrase(params) => out.extend_from_slice(&params.to_bytes()),
            KeyKind::Recipients => {
                // The count is within MAX_RECIPIENTS and each body within
                // MAX_STANZA_BODY_LEN (the invariant), so both fit in 16 bits.
                out.extend_from_slice(&(self.stanzas.len() as u16).to_be_bytes());
                for stanza in &self.stanzas {
                    out.push(stanza.kind);
                    out.extend_from_slice(&(stanza.body.len() as u16).to_be_bytes());
                    out.extend_from_slice(&stanza.body);
                }
            }
        }
        if let Some(signed) = &self.signed {
            signed.write(&mut out);
        }
        out
    }

    /// The header as it is written.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.bound_bytes();
        out.extend_from_slice(&self.commitment);
        out
    }

    /// Parses the header that `bytes` begins with (bytes after it are ignored; see
    /// [`Header::len`]), checking fields in the order they appear: those of
    /// [`header_length`], then that the whole header is there, then the KDF parameters'
    /// bounds.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self> {
        let len = match header_length(bytes)? {
            HeaderLength::Known(len) if len <= bytes.len() => len,
            HeaderLength::Known(need) | HeaderLength::AtLeast(need) => {
                let need = if bytes.len() < PREFIX_LEN {
                    least_header_len(bytes)
                } else {
                    need
                };
                return Err(Error::HeaderTruncated {
                    got: bytes.len(),
                    need,
                });
            }
        };
        let bytes = &bytes[..len];
        let framing = Framing::from_version(bytes[8])?;
        let cipher = Cipher::from_id(bytes[9])?;
        let chunk_size = u32::from_be_bytes([bytes[11], bytes[12], bytes[13], bytes[14]]);
        let mut salt = [0u8; SALT_LEN];
        salt.copy_from_slice(&bytes[SALT_OFFSET..SALT_OFFSET + SALT_LEN]);
        let mut header = match bytes[KEY_KIND_OFFSET] {
            KEY_KIND_PASSPHRASE => {
                let mut params = [0u8; ARGON2_PARAMS_LEN];
                params.copy_from_slice(&bytes[BOUND_LEN..BOUND_LEN + ARGON2_PARAMS_LEN]);
                let kind = KeyKind::Passphrase(Argon2Params::parse(&params)?);
                Header::new(cipher, chunk_size, kind, salt)?
            }
            KEY_KIND_RECIPIENTS => {
                // header_length walked these bytes and bounded every length in them.
                let mut stanzas = Vec::new();
                let mut at = BOUND_LEN + RECIPIENT_COUNT_LEN;
                let count =
                    usize::from(u16::from_be_bytes([bytes[BOUND_LEN], bytes[BOUND_LEN + 1]]));
                while stanzas.len() < count {
                    let body_len = usize::from(u16::from_be_bytes([bytes[at + 1], bytes[at + 2]]));
                    let body = &bytes[at + STANZA_HEAD_LEN..at + STANZA_HEAD_LEN + body_len];
                    stanzas.push(Stanza::new(bytes[at], body.to_vec()));
                    at += STANZA_HEAD_LEN + body_len;
                }
                Header::with_stanzas(cipher, chunk_size, salt, stanzas)?
            }
            _ => Header::new(cipher, chunk_size, KeyKind::KeyFile, salt)?,
        }
        .with_framing(framing);
        if bytes[8] == VERSION_SIGNED {
            // header_length bounded the block: it lies between the key-kind fields and the
            // commitment.
            let start = header.len() - COMMITMENT_LEN;
            header.signed = Some(SignedBy::parse(&bytes[start..len - COMMITMENT_LEN])?);
        }
        let mut commitment = [0u8; COMMITMENT_LEN];
        commitment.copy_from_slice(&bytes[len - COMMITMENT_LEN..]);
        header.set_commitment(commitment);
        Ok(header)
    }

    /// The number of frames and the plaintext length of a complete stream of `stream_len`
    /// bytes with this header, or `None` if no complete stream has that length. Says nothing
    /// about authenticity: only decryption does. Always `None` for a live stream, whose frame
    /// lengths are known only by reading them.
    pub fn layout_for_length(&self, stream_len: u64) -> Option<(u64, u64)> {
        if self.framing == Framing::Live {
            return None;
        }
        let body = stream_len.checked_sub((self.len() + self.trailer_len()) as u64)?;
        let full = self.full_frame_len() as u64;
        let frames = body.div_ceil(full).max(1);
        let plain = body.checked_sub(frames * FRAME_OVERHEAD as u64)?;
        // Only the last frame may be short, and it may be empty only if it is the only one.
        // A last piece shorter than a frame's overhead has no valid layout (checked, not
        // assumed: the length comes from outside).
        let last = plain.checked_sub((frames - 1) * u64::from(self.chunk_size))?;
        (last > 0 || frames == 1).then_some((frames, plain))
    }

    /// Offset in the stream of frame `index`'s first byte, in a stream with fixed framing.
    /// (A live stream's frame offsets depend on the lengths before them.)
    pub(crate) fn frame_offset(&self, index: u64) -> u64 {
        (self.len() as u64).saturating_add(index.saturating_mul(self.full_frame_len() as u64))
    }
}

/// Whether a frame is the last of its stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// Not the last frame: holds exactly chunk-size bytes of plaintext.
    More,
    /// The last frame: holds at most chunk-size bytes, none only if the stream is empty.
    Final,
}

/// The nonce of frame `index`: the index as an 11-byte big-endian counter, then the final flag.
///
/// The index is a `u64`, so the counter's three high bytes are always zero and distinct frames
/// of a stream always get distinct nonces.
pub(crate) fn frame_nonce(index: u64, position: Position) -> [u8; NONCE_LEN] {
    let mut nonce = [0u8; NONCE_LEN];
    nonce[3..11].copy_from_slice(&index.to_be_bytes());
    nonce[11] = match position {
        Position::More => FLAG_MORE,
        Position::Final => FLAG_FINAL,
    };
    nonce
}

/// Which position the stored nonce of frame `index` claims, or `None` when it is not a nonce
/// frame `index` may carry (other counter, or a flag byte that is neither 0 nor 1).
pub(crate) fn stored_position(index: u64, stored: &[u8]) -> Option<Position> {
    [Position::More, Position::Final]
        .into_iter()
        .find(|&p| stored == frame_nonce(index, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trips_and_has_documented_layout() {
        let mut h =
            Header::new(Cipher::ChaCha20Poly1305, 65536, KeyKind::KeyFile, [7; 32]).unwrap();
        h.set_commitment([9; 32]);
        let bytes = h.to_bytes();
        assert_eq!(bytes.len(), 79);
        assert_eq!(
            &bytes[..11],
            &[0x89, b'S', b'E', b'A', b'L', 13, 10, 0x1a, 1, 2, 1]
        );
        assert_eq!(&bytes[11..15], &[0, 1, 0, 0]);
        assert_eq!(Header::parse(&bytes).unwrap(), h);
    }

    #[test]
    fn passphrase_header_has_documented_layout() {
        let params = Argon2Params::new(0x0004_0000, 6, 1).unwrap();
        let mut h = Header::new(
            Cipher::Aes256Gcm,
            1 << 20,
            KeyKind::Passphrase(params),
            [7; 32],
        )
        .unwrap();
        h.set_commitment([9; 32]);
        let bytes = h.to_bytes();
        assert_eq!(bytes.len(), PASSPHRASE_HEADER_LEN);
        assert_eq!(bytes.len(), 91);
        assert_eq!(bytes[10], 2);
        assert_eq!(&bytes[15..47], &[7; 32]);
        assert_eq!(&bytes[47..59], &[0, 4, 0, 0, 0, 0, 0, 6, 0, 0, 0, 1]);
        assert_eq!(&bytes[59..], &[9; 32]);
        assert_eq!(h.bound_bytes(), &bytes[..59]);
        assert_eq!(Header::parse(&bytes).unwrap(), h);
        // Bytes after the header are not its business; fewer bytes are a truncation.
        let mut longer = bytes.clone();
        longer.extend_from_slice(b"frames");
        assert_eq!(Header::parse(&longer).unwrap(), h);
        assert!(matches!(
            Header::parse(&bytes[..90]),
            Err(Error::HeaderTruncated { got: 90, need: 91 })
        ));
        assert!(matches!(
            Header::parse(&bytes[..11]),
            Err(Error::HeaderTruncated { got: 11, need: 91 })
        ));
        assert!(matches!(
            Header::parse(&bytes[..10]),
            Err(Error::HeaderTruncated { got: 10, need: 79 })
        ));
    }

    fn recipient_header(stanzas: Vec<Stanza>) -> Header {
        let mut h = Header::with_stanzas(Cipher::Aes256Gcm, 64, [7; 32], stanzas).unwrap();
        h.set_commitment([9; 32]);
        h
    }

    #[test]
    fn recipient_header_has_documented_layout() {
        let h = recipient_header(vec![
            Stanza::new(RECIPIENT_KIND_X25519, vec![0xaa; 80]),
            Stanza::new(0x7f, vec![0xbb; 5]),
            Stanza::new(RECIPIENT_KIND_MLKEM768_X25519, vec![0xcc; 1168]),
        ]);
        let bytes = h.to_bytes();
        assert_eq!(bytes.len(), 47 + 2 + (3 + 80) + (3 + 5) + (3 + 1168) + 32);
        assert_eq!(h.len(), bytes.len());
        assert_eq!(bytes[10], 3);
        assert_eq!(&bytes[47..52], &[0, 3, 2, 0, 80]);
        assert_eq!(&bytes[52..132], &[0xaa; 80]);
        assert_eq!(&bytes[132..135], &[0x7f, 0, 5]);
        assert_eq!(&bytes[140..143], &[1, 0x04, 0x90]);
        assert_eq!(&bytes[bytes.len() - 32..], &[9; 32]);
        assert_eq!(h.bound_bytes(), &bytes[..bytes.len() - 32]);
        assert_eq!(
            header_length(&bytes).unwrap(),
            HeaderLength::Known(bytes.len())
        );
        assert_eq!(Header::parse(&bytes).unwrap(), h);
        let mut longer = bytes.clone();
        longer.extend_from_slice(b"frames");
        assert_eq!(Header::parse(&longer).unwrap(), h);
        // Every shorter prefix is a truncation (or, under 8 bytes, still a magic prefix).
        for cut in 0..bytes.len() {
            match Header::parse(&bytes[..cut]) {
                Err(Error::HeaderTruncated { got, need }) => {
                    assert_eq!(got, cut);
                    assert!(need > cut && need <= bytes.len(), "cut {cut}: need {need}");
                }
                other => panic!("cut {cut}: {other:?}"),
            }
        }
    }

    #[test]
    fn recipient_counts_and_stanza_lengths_are_bounded_before_use() {
        let base = recipient_header(vec![Stanza::new(RECIPIENT_KIND_X25519, vec![0; 80])]);
        let with_count = |count: u16| {
            let mut b = base.to_bytes();
            b[47..49].copy_from_slice(&count.to_be_bytes());
            b
        };
        // The count is judged from the 49 bytes that hold it, before any stanza is read.
        assert!(matches!(
            header_length(&with_count(0)[..49]),
            Err(Error::RecipientCountOutOfRange(0))
        ));
        assert!(matches!(
            header_length(&with_count(1025)[..49]),
            Err(Error::RecipientCountOutOfRange(1025))
        ));
        assert!(matches!(
            header_length(&with_count(u16::MAX)),
            Err(Error::RecipientCountOutOfRange(65535))
        ));
        assert_eq!(
            header_length(&with_count(1024)[..49]).unwrap(),
            HeaderLength::AtLeast(52)
        );
        assert!(matches!(
            Header::parse(&with_count(2)[..49 + 83]),
            Err(Error::HeaderTruncated {
                got: 132,
                need: 135
            })
        ));
        // With the first stanza complete, the commitment's bytes are read as the second's
        // head: kind 9, length 0x0909, refused.
        assert!(matches!(
            Header::parse(&with_count(2)),
            Err(Error::StanzaLength {
                index: 1,
                kind: 9,
                len: 0x0909
            })
        ));
        // A stanza's length is judged from its 3-byte head, before its body is read.
        let with_stanza = |kind: u8, len: u16| {
            let mut b = base.to_bytes()[..49].to_vec();
            b.push(kind);
            b.extend_from_slice(&len.to_be_bytes());
            b
        };
        let refused = |kind: u8, len: u16| {
            matches!(
                header_length(&with_stanza(kind, len)),
                Err(Error::StanzaLength { index: 0, kind: k, len: l }) if k == kind && l == usize::from(len)
            )
        };
        assert!(refused(RECIPIENT_KIND_X25519, 79));
        assert!(refused(RECIPIENT_KIND_X25519, 81));
        assert!(refused(RECIPIENT_KIND_X25519, 1168));
        assert!(refused(RECIPIENT_KIND_MLKEM768_X25519, 80));
        assert!(refused(RECIPIENT_KIND_MLKEM768_X25519, u16::MAX));
        assert!(refused(0x7f, 2049));
        assert!(refused(0, u16::MAX));
        for (kind, len, need) in [
            (RECIPIENT_KIND_X25519, 80, 52 + 80 + 32),
            (RECIPIENT_KIND_MLKEM768_X25519, 1168, 52 + 1168 + 32),
            (0x7f, 2048, 52 + 2048 + 32),
            (0x7f, 0, 52 + 32),
        ] {
            assert_eq!(
                header_length(&with_stanza(kind, len)).unwrap(),
                HeaderLength::Known(need)
            );
        }
        // The same bounds hold for headers built here.
        assert!(matches!(
            Header::with_stanzas(Cipher::Aes256Gcm, 64, [0; 32], Vec::new()),
            Err(Error::RecipientCountOutOfRange(0))
        ));
        let many = vec![Stanza::new(0x7f, Vec::new()); MAX_RECIPIENTS + 1];
        assert!(matches!(
            Header::with_stanzas(Cipher::Aes256Gcm, 64, [0; 32], many),
            Err(Error::RecipientCountOutOfRange(1025))
        ));
        assert!(matches!(
            Header::with_stanzas(
                Cipher::Aes256Gcm,
                64,
                [0; 32],
                vec![Stanza::new(RECIPIENT_KIND_X25519, vec![0; 81])]
            ),
            Err(Error::StanzaLength {
                index: 0,
                kind: 2,
                len: 81
            })
        ));
        // The largest header there can be.
        let most = vec![Stanza::new(0x7f, vec![0; MAX_STANZA_BODY_LEN]); MAX_RECIPIENTS];
        assert_eq!(recipient_header(most).len(), MAX_HEADER_LEN);
    }

    #[test]
    fn kdf_cost_bounds_are_checked_on_parse() {
        let header = |m: u32, t: u32, p: u32| {
            let mut h = Header::new(
                Cipher::Aes256Gcm,
                64,
                KeyKind::Passphrase(Argon2Params::new(64, 1, 1).unwrap()),
                [0; 32],
            )
            .unwrap()
            .to_bytes();
            h[47..51].copy_from_slice(&m.to_be_bytes());
            h[51..55].copy_from_slice(&t.to_be_bytes());
            h[55..59].copy_from_slice(&p.to_be_bytes());
            Header::parse(&h)
        };
        let refused = |m, t, p| {
            matches!(
                header(m, t, p),
                Err(Error::KdfCostOutOfRange { memory_kib, passes, lanes })
                    if (memory_kib, passes, lanes) == (m, t, p)
            )
        };
        assert!(header(8, 1, 1).is_ok());
        assert!(header(1 << 20, 8, 1).is_ok());
        assert!(header(64, 64, 8).is_ok());
        assert!(refused(7, 1, 1), "below Argon2's 8 KiB per lane");
        assert!(refused(63, 1, 8), "below Argon2's 8 KiB per lane");
        assert!(refused((1 << 20) + 1, 1, 1), "over 1 GiB");
        assert!(refused(u32::MAX, 1, 1));
        assert!(refused(1 << 20, 9, 1), "over the work bound");
        assert!(refused(64, 65, 1), "too many passes");
        assert!(refused(64, 0, 1), "no pass");
        assert!(refused(64, 1, 0), "no lane");
        assert!(refused(64, 1, 9), "too many lanes");
        assert!(refused(u32::MAX, u32::MAX, u32::MAX));
    }

    #[test]
    fn nonce_layout() {
        assert_eq!(
            frame_nonce(0x0102, Position::Final),
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 1]
        );
        assert_eq!(
            stored_position(5, &frame_nonce(5, Position::More)),
            Some(Position::More)
        );
        assert_eq!(stored_position(4, &frame_nonce(5, Position::More)), None);
        let mut bad = frame_nonce(5, Position::Final);
        bad[11] = 2;
        assert_eq!(stored_position(5, &bad), None);
    }

    #[test]
    fn layout_from_stream_length() {
        let h = Header::new(Cipher::Aes256Gcm, 64, KeyKind::KeyFile, [0; 32]).unwrap();
        let len = |plain: u64, frames: u64| HEADER_LEN as u64 + plain + 28 * frames;
        assert_eq!(h.layout_for_length(len(0, 1)), Some((1, 0)));
        assert_eq!(h.layout_for_length(len(1, 1)), Some((1, 1)));
        assert_eq!(h.layout_for_length(len(64, 1)), Some((1, 64)));
        assert_eq!(h.layout_for_length(len(65, 2)), Some((2, 65)));
        assert_eq!(h.layout_for_length(len(128, 2)), Some((2, 128)));
        // Too short for a frame, an empty last frame after data, a last piece under 28 bytes.
        assert_eq!(h.layout_for_length(HEADER_LEN as u64 + 27), None);
        assert_eq!(h.layout_for_length(len(64, 2)), None);
        assert_eq!(h.layout_for_length(len(64, 1) + 5), None);
        assert_eq!(h.layout_for_length(10), None);
        for stream_len in 0..2000 {
            let _ = h.layout_for_length(stream_len);
        }
        assert!(h.layout_for_length(u64::MAX).is_some());
    }

    #[test]
    fn chunk_size_bounds() {
        assert!(check_chunk_size(63).is_err());
        assert_eq!(check_chunk_size(64).unwrap(), 64);
        assert_eq!(check_chunk_size(16 << 20).unwrap(), 16 << 20);
        assert!(check_chunk_size((16 << 20) + 1).is_err());
        assert!(check_chunk_size(u64::MAX).is_err());
    }
}
