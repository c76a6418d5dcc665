//! Frame digests, the stream transcript and the signed message (docs/FORMAT.md "Signed
//! streams"). BLAKE3 in derive-key mode, one context string per use, as BLAKE3 advises
//! ("[application] [timestamp] [purpose]").

use std::sync::OnceLock;

use super::SignedBy;

/// A 32-byte BLAKE3 output.
pub(crate) type Digest = [u8; 32];

/// Context of the frame digests.
pub(crate) const FRAME_DIGEST_CONTEXT: &str = "seal 2026-12-06 frame digest";
/// Context of the transcript.
pub(crate) const TRANSCRIPT_CONTEXT: &str = "seal 2026-12-06 stream transcript";
/// Context of signer fingerprints.
pub(crate) const FINGERPRINT_CONTEXT: &str = "seal 2026-12-06 signer fingerprint";
/// The first bytes of the signed message.
pub(crate) const MESSAGE_LABEL: &[u8] = b"seal signed stream v1";

/// Hashes frames: `d_i = BLAKE3-derive_key(FRAME_DIGEST_CONTEXT, u64 i ‖ frame as stored)`.
/// A prepared hasher is cloned per frame, so the context is not hashed again for each.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FrameHasher;

impl FrameHasher {
    pub(crate) fn digest(self, index: u64, frame: &[u8]) -> Digest {
        static PREPARED: OnceLock<blake3::Hasher> = OnceLock::new();
        let mut hasher = PREPARED
            .get_or_init(|| blake3::Hasher::new_derive_key(FRAME_DIGEST_CONTEXT))
            .clone();
        hasher.update(&index.to_be_bytes());
        hasher.update(frame);
        *hasher.finalize().as_bytes()
    }
}

/// `T = BLAKE3-derive_key(TRANSCRIPT_CONTEXT, header ‖ d_0 ‖ … ‖ d_{n−1} ‖ u64 n)`, fed one
/// digest at a time in stream order (so an encoder keeps no digest).
#[derive(Clone, Debug)]
pub(crate) struct Transcript {
    hasher: blake3::Hasher,
    frames: u64,
}

impl Transcript {
    /// A transcript starting with the whole header (commitment included).
    pub(crate) fn new(header: &[u8]) -> Self {
        let mut hasher = blake3::Hasher::new_derive_key(TRANSCRIPT_CONTEXT);
        hasher.update(header);
        Transcript { hasher, frames: 0 }
    }

    /// The digest of the next frame.
    pub(crate) fn push(&mut self, digest: &Digest) {
        self.hasher.update(digest);
        self.frames += 1;
    }

    /// Frames pushed so far.
    pub(crate) fn frames(&self) -> u64 {
        self.frames
    }

    /// `T`.
    pub(crate) fn finish(&self) -> Digest {
        let mut hasher = self.hasher.clone();
        hasher.update(&self.frames.to_be_bytes());
        *hasher.finalize().as_bytes()
    }
}

/// `M = "seal signed stream v1" ‖ kind ‖ public key ‖ u16 comment length ‖ comment ‖ T`.
pub(crate) fn message(signed: &SignedBy, transcript: &Digest) -> Vec<u8> {
    let mut out = Vec::with_capacity(MESSAGE_LABEL.len() + signed.wire_len() + 32);
    out.extend_from_slice(MESSAGE_LABEL);
    signed.write(&mut out);
    out.extend_from_slice(transcript);
    out
}

/// The fingerprint of a signer: `BLAKE3-derive_key(FINGERPRINT_CONTEXT, kind ‖ public key)`.
pub(crate) fn fingerprint(kind: u8, public: &[u8]) -> Digest {
    let mut hasher = blake3::Hasher::new_derive_key(FINGERPRINT_CONTEXT);
    hasher.update(&[kind]);
    hasher.update(public);
    *hasher.finalize().as_bytes()
}
