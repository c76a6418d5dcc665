//! The one interface between the framer and the AEAD implementations: seal or open one frame
//! body in place, with its 12-byte nonce, its associated data (empty for fixed framing, the
//! length field for live framing), and the 16-byte tag kept apart.
//!
//! The pool, the format and the cipher implementation meet only here, so a faster
//! implementation can replace one of these without touching the rest.

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{AeadInOut, KeyInit};
use chacha20poly1305::ChaCha20Poly1305;

use crate::format::{Cipher, NONCE_LEN, TAG_LEN};

/// A keyed AEAD. Key schedules are zeroized on drop (the crates' `zeroize` feature).
pub(crate) enum FrameAead {
    Aes256Gcm(Box<Aes256Gcm>),
    ChaCha20Poly1305(Box<ChaCha20Poly1305>),
}

/// The AEAD refused: a tag that does not verify (or, when sealing, an impossible length).
#[derive(Debug)]
pub(crate) struct AeadFailure;

impl FrameAead {
    pub(crate) fn new(cipher: Cipher, key: &[u8; 32]) -> Self {
        match cipher {
            Cipher::Aes256Gcm => FrameAead::Aes256Gcm(Box::new(Aes256Gcm::new(key.into()))),
            Cipher::ChaCha20Poly1305 => {
                FrameAead::ChaCha20Poly1305(Box::new(ChaCha20Poly1305::new(key.into())))
            }
        }
    }

    /// Encrypts `body` in place and returns its tag.
    pub(crate) fn seal(
        &self,
        nonce: &[u8; NONCE_LEN],
        ad: &[u8],
        body: &mut [u8],
    ) -> Result<[u8; TAG_LEN], AeadFailure> {
        let tag = match self {
            FrameAead::Aes256Gcm(c) => c.encrypt_inout_detached(nonce.into(), ad, body.into()),
            FrameAead::ChaCha20Poly1305(c) => {
                c.encrypt_inout_detached(nonce.into(), ad, body.into())
            }
        }
        .map_err(|_| AeadFailure)?;
        Ok(tag.into())
    }

    /// Checks `tag` and decrypts `body` in place. On failure `body` holds no plaintext.
    pub(crate) fn open(
        &self,
        nonce: &[u8; NONCE_LEN],
        ad: &[u8],
        body: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> Result<(), AeadFailure> {
        match self {
            FrameAead::Aes256Gcm(c) => {
                c.decrypt_inout_detached(nonce.into(), ad, body.into(), tag.into())
            }
            FrameAead::ChaCha20Poly1305(c) => {
                c.decrypt_inout_detached(nonce.into(), ad, body.into(), tag.into())
            }
        }
        .map_err(|_| AeadFailure)
    }
}
