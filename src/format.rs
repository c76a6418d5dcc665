//! The seal v1 wire format: header layout, frame layout and frame nonces.
//!
//! This module only describes bytes; it does no cryptography. docs/FORMAT.md is the normative
//! description, and the constants here are the numbers it gives.
//!
//! ```text
//! stream = header || frame_0 || frame_1 || ... || frame_last
//! header = magic(8) || version(1) || cipher(1) || key_kind(1) || chunk_size(4, BE) || salt(32) || commitment(32)
//! frame  = nonce(12) || ciphertext(n) || tag(16)
//! nonce  = counter(11, BE) || final_flag(1)
//! ```

use crate::error::{Error, Result};

/// First bytes of every seal stream. The high-bit first byte catches 7-bit channels, CR LF
/// catches line-ending conversion and 0x1A stops `type` on DOS, as in PNG.
pub const MAGIC: [u8; 8] = [0x89, b'S', b'E', b'A', b'L', 0x0D, 0x0A, 0x1A];
/// The only format version this build writes and reads.
pub const VERSION: u8 = 1;
/// Key kind byte for a stream whose key came from a key file.
pub const KEY_KIND_KEY_FILE: u8 = 1;
/// Length of the per-stream random salt.
pub const SALT_LEN: usize = 32;
/// Length of the key commitment.
pub const COMMITMENT_LEN: usize = 32;
/// Offset of the salt within the header.
const SALT_OFFSET: usize = 15;
/// Length of the header bytes that the key derivation binds (everything but the commitment).
pub const BOUND_LEN: usize = SALT_OFFSET + SALT_LEN;
/// Total header length.
pub const HEADER_LEN: usize = BOUND_LEN + COMMITMENT_LEN;

/// Nonce length of both ciphers.
pub const NONCE_LEN: usize = 12;
/// Tag length of both ciphers.
pub const TAG_LEN: usize = 16;
/// Bytes a frame adds to its plaintext.
pub const FRAME_OVERHEAD: usize = NONCE_LEN + TAG_LEN;

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

/// A parsed header.
///
/// Invariant: `chunk_size` is within the allowed range; a `Header` that exists has passed
/// [`check_chunk_size`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    cipher: Cipher,
    chunk_size: u32,
    salt: [u8; SALT_LEN],
    commitment: [u8; COMMITMENT_LEN],
}

impl Header {
    /// A header for a new stream; the commitment is filled in by the key derivation.
    pub(crate) fn new(cipher: Cipher, chunk_size: u32, salt: [u8; SALT_LEN]) -> Result<Self> {
        let chunk_size = check_chunk_size(u64::from(chunk_size))?;
        Ok(Header {
            cipher,
            chunk_size,
            salt,
            commitment: [0; COMMITMENT_LEN],
        })
    }

    /// The cipher.
    pub fn cipher(&self) -> Cipher {
        self.cipher
    }
    /// Plaintext bytes per full frame.
    pub fn chunk_size(&self) -> u32 {
        self.chunk_size
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

    /// Bytes on the wire of a full (non-final) frame.
    pub fn full_frame_len(&self) -> usize {
        self.chunk_size as usize + FRAME_OVERHEAD
    }

    /// The header bytes that the key derivation binds: all fields but the commitment.
    pub fn bound_bytes(&self) -> [u8; BOUND_LEN] {
        let mut out = [0u8; BOUND_LEN];
        out[..8].copy_from_slice(&MAGIC);
        out[8] = VERSION;
        out[9] = self.cipher.id();
        out[10] = KEY_KIND_KEY_FILE;
        out[11..15].copy_from_slice(&self.chunk_size.to_be_bytes());
        out[SALT_OFFSET..].copy_from_slice(&self.salt);
        out
    }

    /// The header as it is written.
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[..BOUND_LEN].copy_from_slice(&self.bound_bytes());
        out[BOUND_LEN..].copy_from_slice(&self.commitment);
        out
    }

    /// Parses a header, checking fields in the order they appear.
    pub fn parse(bytes: &[u8; HEADER_LEN]) -> Result<Self> {
        if bytes[..8] != MAGIC {
            return Err(Error::BadMagic);
        }
        if bytes[8] != VERSION {
            return Err(Error::UnsupportedVersion(bytes[8]));
        }
        let cipher = Cipher::from_id(bytes[9])?;
        if bytes[10] != KEY_KIND_KEY_FILE {
            return Err(Error::UnsupportedKeyKind(bytes[10]));
        }
        let mut size = [0u8; 4];
        size.copy_from_slice(&bytes[11..15]);
        let chunk_size = check_chunk_size(u64::from(u32::from_be_bytes(size)))?;
        let mut salt = [0u8; SALT_LEN];
        salt.copy_from_slice(&bytes[SALT_OFFSET..BOUND_LEN]);
        let mut commitment = [0u8; COMMITMENT_LEN];
        commitment.copy_from_slice(&bytes[BOUND_LEN..]);
        Ok(Header {
            cipher,
            chunk_size,
            salt,
            commitment,
        })
    }

    /// The number of frames and the plaintext length of a complete stream of `stream_len`
    /// bytes with this header, or `None` if no complete stream has that length. Says nothing
    /// about authenticity: only decryption does.
    pub fn layout_for_length(&self, stream_len: u64) -> Option<(u64, u64)> {
        let body = stream_len.checked_sub(HEADER_LEN as u64)?;
        let full = self.full_frame_len() as u64;
        let frames = body.div_ceil(full).max(1);
        let plain = body.checked_sub(frames * FRAME_OVERHEAD as u64)?;
        // Only the last frame may be short, and it may be empty only if it is the only one.
        // A last piece shorter than a frame's overhead has no valid layout (checked, not
        // assumed: the length comes from outside).
        let last = plain.checked_sub((frames - 1) * u64::from(self.chunk_size))?;
        (last > 0 || frames == 1).then_some((frames, plain))
    }

    /// Offset in the stream of frame `index`'s first byte.
    pub fn frame_offset(&self, index: u64) -> u64 {
        (HEADER_LEN as u64).saturating_add(index.saturating_mul(self.full_frame_len() as u64))
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
        let mut h = Header::new(Cipher::ChaCha20Poly1305, 65536, [7; 32]).unwrap();
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
        let h = Header::new(Cipher::Aes256Gcm, 64, [0; 32]).unwrap();
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
