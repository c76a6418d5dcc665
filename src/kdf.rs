//! Per-stream keys: HKDF-SHA256 turns the key file's key and a stream's header into the key
//! that seals its frames and the commitment stored in the header.
//!
//! ```text
//! prk        = HKDF-Extract(salt = header.salt, ikm = key)
//! frame_key  = HKDF-Expand(prk, "seal v1 frame key"      || header[0..47], 32)
//! commitment = HKDF-Expand(prk, "seal v1 key commitment" || header[0..47], 32)
//! ```
//!
//! Every header byte but the commitment itself is in `info`, so changing any header field
//! changes both outputs: the commitment no longer matches and the stream is refused before any
//! frame is opened. The random 32-byte salt makes each stream's frame key independent, so frame
//! nonces (which restart at 0 in every stream) never repeat under one frame key.

use hkdf::Hkdf;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::format::{COMMITMENT_LEN, Header};
use crate::keys::{KEY_LEN, Key};

const FRAME_KEY_LABEL: &[u8] = b"seal v1 frame key";
const COMMITMENT_LABEL: &[u8] = b"seal v1 key commitment";

/// The keys of one stream. The frame key is zeroized on drop.
pub(crate) struct StreamKeys {
    pub(crate) frame_key: Zeroizing<[u8; KEY_LEN]>,
    pub(crate) commitment: [u8; COMMITMENT_LEN],
}

/// Derives the keys of the stream that `header` begins (its commitment field is not read).
pub(crate) fn derive(key: &Key, header: &Header) -> StreamKeys {
    let hkdf = Hkdf::<Sha256>::new(Some(header.salt()), key.as_bytes());
    let bound = header.bound_bytes();
    let mut frame_key = Zeroizing::new([0u8; KEY_LEN]);
    let mut commitment = [0u8; COMMITMENT_LEN];
    // 32 bytes is far below HKDF-SHA256's 8160-byte output limit: these calls cannot fail.
    let _ = hkdf.expand_multi_info(&[FRAME_KEY_LABEL, &bound], frame_key.as_mut());
    let _ = hkdf.expand_multi_info(&[COMMITMENT_LABEL, &bound], &mut commitment);
    StreamKeys {
        frame_key,
        commitment,
    }
}

/// Derives the stream keys and checks, in constant time, that the header's commitment is the
/// one this key gives. Returns [`Error::WrongKey`] otherwise.
pub(crate) fn derive_checked(key: &Key, header: &Header) -> Result<StreamKeys> {
    let keys = derive(key, header);
    if bool::from(keys.commitment.ct_eq(header.commitment())) {
        Ok(keys)
    } else {
        Err(Error::WrongKey)
    }
}
