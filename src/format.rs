//! The seal v1 wire format: header layout, frame layout and frame nonces.
//!
//! This module only describes bytes; it does no cryptography. docs/FORMAT.md is the normative
//! description, and the constants here are the numbers it gives.
//!
//! ```text
//! stream = header || frame_0 || frame_1 || ... || frame_last
//! header = magic(8) || version(1) || cipher(1) || key_kind(1) || chunk_size(4, BE) || salt(32)
//!          || [argon2id(12): memory_kib(4, BE) || passes(4, BE) || lanes(4, BE)]   (key kind 2 only)
//!          || commitment(32)
//! frame  = nonce(12) || ciphertext(n) || tag(16)                      (version 1: fixed framing)
//! frame  = length(4, BE) || nonce(12) || ciphertext(length) || tag(16) (version 2: live framing)
//! nonce  = counter(11, BE) || final_flag(1)
//! ```

use crate::error::{Error, Result};

/// First bytes of every seal stream. The high-bit first byte catches 7-bit channels, CR LF
/// catches line-ending conversion and 0x1A stops `type` on DOS, as in PNG.
pub const MAGIC: [u8; 8] = [0x89, b'S', b'E', b'A', b'L', 0x0D, 0x0A, 0x1A];
/// The version byte of a stream with fixed framing: every frame but the last holds exactly
/// `chunk_size` bytes of plaintext.
pub const VERSION: u8 = 1;
/// The version byte of a stream with live framing: every frame carries its plaintext length.
pub const VERSION_LIVE: u8 = 2;
/// Key kind byte for a stream whose key came from a key file.
pub const KEY_KIND_KEY_FILE: u8 = 1;
/// Key kind byte for a stream whose key was derived from a passphrase with Argon2id.
pub const KEY_KIND_PASSPHRASE: u8 = 2;
/// Length of the per-stream random salt.
pub const SALT_LEN: usize = 32;
/// Length of the key commitment.
pub const COMMITMENT_LEN: usize = 32;
/// Length of the header's fixed prefix (magic to chunk size), which says how long the header
/// is: the key kind decides whether KDF parameters follow the salt.
pub const PREFIX_LEN: usize = 15;
/// Offset of the key kind byte within the header.
const KEY_KIND_OFFSET: usize = 10;
/// Offset of the salt within the header.
const SALT_OFFSET: usize = PREFIX_LEN;
/// Length of the Argon2id parameter block of a passphrase header.
pub const ARGON2_PARAMS_LEN: usize = 12;
/// Length of the header bytes that the key derivation binds (everything but the commitment)
/// for a key-file stream.
pub const BOUND_LEN: usize = SALT_OFFSET + SALT_LEN;
/// Total header length of a key-file stream.
pub const HEADER_LEN: usize = BOUND_LEN + COMMITMENT_LEN;
/// Total header length of a passphrase stream.
pub const PASSPHRASE_HEADER_LEN: usize = HEADER_LEN + ARGON2_PARAMS_LEN;
/// The longest header of any key kind.
pub const MAX_HEADER_LEN: usize = PASSPHRASE_HEADER_LEN;

/// Nonce length of both ciphers.
pub const NONCE_LEN: usize = 12;
/// Tag length of both ciphers.
pub const TAG_LEN: usize = 16;
/// Bytes a frame adds to its plaintext (fixed framing).
pub const FRAME_OVERHEAD: usize = NONCE_LEN + TAG_LEN;
/// Length of the plaintext length field that starts every frame of a live stream.
pub const LENGTH_LEN: usize = 4;
/// Bytes a frame of a live stream adds to its plaintext.
pub const LIVE_FRAME_OVERHEAD: usize = LENGTH_LEN + FRAME_OVERHEAD;

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
    pub fn from_version(version: u8) -> Result<Self> {
        match version {
            VERSION => Ok(Framing::Fixed),
            VERSION_LIVE => Ok(Framing::Live),
            other => Err(Error::UnsupportedVersion(other)),
        }
    }

    /// How the command line names it.
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
    pub fn nonce_offset(self) -> usize {
        match self {
            Framing::Fixed => 0,
            Framing::Live => LENGTH_LEN,
        }
    }

    /// Where a frame's ciphertext (or plaintext, before sealing) starts within the frame.
    pub fn body_offset(self) -> usize {
        self.nonce_offset() + NONCE_LEN
    }
}

/// Smallest chunk size a stream may declare.
pub const MIN_CHUNK_SIZE: u32 = 64;
/// Largest chunk size a stream may declare. A decoder allocates a few frames of this size per
/// worker, so this bound is what keeps a hostile header from demanding memory.
pub const MAX_CHUNK_SIZE: u32 = 16 * 1024 * 1024;
/// Chunk size `seal enc` uses unless told otherwise (see README: chosen from measurements).
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
    pub fn from_id(id: u8) -> Result<Self> {
        match id {
            1 => Ok(Cipher::Aes256Gcm),
            2 => Ok(Cipher::ChaCha20Poly1305),
            other => Err(Error::UnsupportedCipher(other)),
        }
    }

    /// The name the command line uses.
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
    pub const MAX_MEMORY_KIB: u32 = 1 << 20;
    /// Most passes a header may ask for.
    pub const MAX_PASSES: u32 = 64;
    /// Most lanes a header may ask for (seal computes them one after another).
    pub const MAX_LANES: u32 = 8;
    /// Most memory × passes (in KiB × passes) a header may ask for: 8 GiB-passes, a few
    /// seconds on a current core.
    pub const MAX_WORK: u64 = 8 << 20;
    /// What `seal enc -p` uses: 256 MiB, 6 passes, 1 lane, about one second on the machine
    /// the README's figures come from.
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

    fn to_bytes(self) -> [u8; ARGON2_PARAMS_LEN] {
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
}

impl KeyKind {
    /// The byte that names this key kind in a header.
    pub fn id(self) -> u8 {
        match self {
            KeyKind::KeyFile => KEY_KIND_KEY_FILE,
            KeyKind::Passphrase(_) => KEY_KIND_PASSPHRASE,
        }
    }

    /// How the command line names it.
    pub fn name(self) -> &'static str {
        match self {
            KeyKind::KeyFile => "key-file",
            KeyKind::Passphrase(_) => "passphrase",
        }
    }

    /// What the secret is, for messages: "a key file" or "a passphrase".
    pub fn secret(self) -> &'static str {
        match self {
            KeyKind::KeyFile => "a key file",
            KeyKind::Passphrase(_) => "a passphrase",
        }
    }

    /// The error for a secret of the other kind than this one (there are two).
    pub fn wrong_secret(self) -> Error {
        let given = match self {
            KeyKind::KeyFile => "a passphrase",
            KeyKind::Passphrase(_) => "a key file",
        };
        Error::WrongSecretKind {
            stream: self.secret(),
            given,
        }
    }

    /// Length of a header of this key kind.
    pub fn header_len(self) -> usize {
        match self {
            KeyKind::KeyFile => HEADER_LEN,
            KeyKind::Passphrase(_) => PASSPHRASE_HEADER_LEN,
        }
    }
}

/// The length of the header that `partial` (the first bytes of a stream, possibly fewer than
/// [`PREFIX_LEN`]) begins, as far as its key kind byte tells; the key-file length if the byte
/// is missing or unknown. Only for reporting how many bytes a truncated header lacks.
pub fn expected_header_len(partial: &[u8]) -> usize {
    match partial.get(KEY_KIND_OFFSET) {
        Some(&KEY_KIND_PASSPHRASE) => PASSPHRASE_HEADER_LEN,
        _ => HEADER_LEN,
    }
}

/// A parsed header.
///
/// Invariant: `chunk_size` is within the allowed range and the KDF parameters of a passphrase
/// header within theirs; a `Header` that exists has passed [`check_chunk_size`] and
/// [`Argon2Params::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    framing: Framing,
    cipher: Cipher,
    chunk_size: u32,
    key_kind: KeyKind,
    salt: [u8; SALT_LEN],
    commitment: [u8; COMMITMENT_LEN],
}

impl Header {
    /// A header for a new stream; the commitment is filled in by the key derivation.
    pub(crate) fn new(
        cipher: Cipher,
        chunk_size: u32,
        key_kind: KeyKind,
        salt: [u8; SALT_LEN],
    ) -> Result<Self> {
        let chunk_size = check_chunk_size(u64::from(chunk_size))?;
        Ok(Header {
            framing: Framing::Fixed,
            cipher,
            chunk_size,
            key_kind,
            salt,
            commitment: [0; COMMITMENT_LEN],
        })
    }

    /// This header with another framing (and so another version byte).
    pub(crate) fn with_framing(mut self, framing: Framing) -> Self {
        self.framing = framing;
        self
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
        self.key_kind.header_len()
    }

    /// Bytes on the wire of a full frame (`chunk_size` bytes of plaintext): the size of the
    /// buffer a frame needs.
    pub fn full_frame_len(&self) -> usize {
        self.chunk_size as usize + self.framing.overhead()
    }

    /// The header bytes that the key derivation binds: all fields but the commitment.
    pub fn bound_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len() - COMMITMENT_LEN);
        out.extend_from_slice(&MAGIC);
        out.push(self.framing.version());
        out.push(self.cipher.id());
        out.push(self.key_kind.id());
        out.extend_from_slice(&self.chunk_size.to_be_bytes());
        out.extend_from_slice(&self.salt);
        if let KeyKind::Passphrase(params) = self.key_kind {
            out.extend_from_slice(&params.to_bytes());
        }
        out
    }

    /// The header as it is written.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.bound_bytes();
        out.extend_from_slice(&self.commitment);
        out
    }

    /// Checks the fixed prefix of a header (magic, version, cipher, key kind, chunk size, in
    /// that order) and returns the length of the whole header.
    pub fn len_from_prefix(prefix: &[u8; PREFIX_LEN]) -> Result<usize> {
        if prefix[..8] != MAGIC {
            return Err(Error::BadMagic);
        }
        Framing::from_version(prefix[8])?;
        Cipher::from_id(prefix[9])?;
        let len = match prefix[KEY_KIND_OFFSET] {
            KEY_KIND_KEY_FILE => HEADER_LEN,
            KEY_KIND_PASSPHRASE => PASSPHRASE_HEADER_LEN,
            other => return Err(Error::UnsupportedKeyKind(other)),
        };
        let size = u32::from_be_bytes([prefix[11], prefix[12], prefix[13], prefix[14]]);
        check_chunk_size(u64::from(size))?;
        Ok(len)
    }

    /// Parses the header that `bytes` begins with (bytes after it are ignored; see
    /// [`Header::len`]), checking fields in the order they appear: those of
    /// [`Header::len_from_prefix`], then the KDF parameters' bounds.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let magic_len = bytes.len().min(MAGIC.len());
        if bytes[..magic_len] != MAGIC[..magic_len] {
            return Err(Error::BadMagic);
        }
        let truncated = || Error::HeaderTruncated {
            got: bytes.len(),
            need: expected_header_len(bytes),
        };
        let prefix: &[u8; PREFIX_LEN] = bytes
            .get(..PREFIX_LEN)
            .and_then(|p| p.try_into().ok())
            .ok_or_else(truncated)?;
        let len = Header::len_from_prefix(prefix)?;
        let bytes = bytes.get(..len).ok_or_else(truncated)?;
        let framing = Framing::from_version(bytes[8])?;
        let cipher = Cipher::from_id(bytes[9])?;
        let chunk_size = u32::from_be_bytes([bytes[11], bytes[12], bytes[13], bytes[14]]);
        let mut salt = [0u8; SALT_LEN];
        salt.copy_from_slice(&bytes[SALT_OFFSET..SALT_OFFSET + SALT_LEN]);
        let key_kind = if len == PASSPHRASE_HEADER_LEN {
            let mut params = [0u8; ARGON2_PARAMS_LEN];
            params.copy_from_slice(&bytes[BOUND_LEN..BOUND_LEN + ARGON2_PARAMS_LEN]);
            KeyKind::Passphrase(Argon2Params::parse(&params)?)
        } else {
            KeyKind::KeyFile
        };
        let mut commitment = [0u8; COMMITMENT_LEN];
        commitment.copy_from_slice(&bytes[len - COMMITMENT_LEN..]);
        let mut header = Header::new(cipher, chunk_size, key_kind, salt)?.with_framing(framing);
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
        let body = stream_len.checked_sub(self.len() as u64)?;
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
    pub fn frame_offset(&self, index: u64) -> u64 {
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
pub fn frame_nonce(index: u64, position: Position) -> [u8; NONCE_LEN] {
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
pub fn stored_position(index: u64, stored: &[u8]) -> Option<Position> {
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
