//! Signed streams (format versions 3): who made a stream, checked before anything is released.
//!
//! | file | what it holds |
//! |---|---|
//! | `kind.rs` | the signature kinds, their lengths, and the two crates (`ml-dsa`, `ed25519-dalek`) behind the IETF composite ML-DSA-65 + Ed25519 combiner |
//! | `keys.rs` | [`SignerSecret`], [`SignerPublic`], fingerprints, their texts, the allowed-signers list |
//! | `transcript.rs` | frame digests, the running transcript, the signed message |
//!
//! docs/FORMAT.md "Signed streams" is the normative description; SECURITY.md says what a
//! signature proves.

mod keys;
mod kind;
mod transcript;

pub use keys::{
    AllowedSigner, AllowedSigners, ProtectedSigner, SignerFile, SignerPublic, SignerSecret,
};
pub use kind::SignatureKind;
#[cfg(feature = "test-vectors")]
pub use kind::primitives;
pub(crate) use transcript::{Digest, FrameHasher, Transcript, message};

use crate::error::{Error, Result};

/// What a signed stream's header says about its signature: the signer's public key and the
/// signed comment. Both are public (the header is not encrypted) and covered by the key
/// commitment and the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedBy {
    signer: SignerPublic,
    comment: String,
}

/// Most bytes of a signed comment.
pub const MAX_SIGNED_COMMENT_LEN: usize = crate::limits::MAX_SIGNED_COMMENT_LEN;

impl SignedBy {
    /// A signature block for `signer` with `comment` (checked: see [`check_comment`]).
    pub(crate) fn new(signer: SignerPublic, comment: &str) -> Result<Self> {
        check_comment(comment.as_bytes())?;
        Ok(SignedBy {
            signer,
            comment: comment.to_owned(),
        })
    }

    /// The signer's public key, as the header names it (not verified by itself).
    pub fn signer(&self) -> &SignerPublic {
        &self.signer
    }

    /// The signed comment ("" when none).
    pub fn comment(&self) -> &str {
        &self.comment
    }

    /// Bytes of this block on the wire: kind, public key, comment length, comment.
    pub(crate) fn wire_len(&self) -> usize {
        1 + self.signer.as_bytes().len() + 2 + self.comment.len()
    }

    /// The block as written in the header.
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.push(self.signer.kind().id());
        out.extend_from_slice(self.signer.as_bytes());
        // Within MAX_SIGNED_COMMENT_LEN (checked when made), so it fits in 16 bits.
        out.extend_from_slice(&(self.comment.len() as u16).to_be_bytes());
        out.extend_from_slice(self.comment.as_bytes());
    }

    /// The block that `bytes` holds exactly (its length was found by the header reader).
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self> {
        let kind = SignatureKind::from_id(bytes[0])?;
        let key_end = 1 + kind.public_len();
        let signer = SignerPublic::from_bytes(kind, &bytes[1..key_end])?;
        let comment = &bytes[key_end + 2..];
        check_comment(comment)?;
        let comment = std::str::from_utf8(comment)
            .map_err(|_| Error::BadSignedComment)?
            .to_owned();
        Ok(SignedBy { signer, comment })
    }
}

/// Checks a signed comment: at most [`MAX_SIGNED_COMMENT_LEN`] bytes of UTF-8 without control
/// characters (C0, DEL, C1) or bidirectional overrides and isolates, so that it prints safely
/// on one terminal line.
pub fn check_comment(comment: &[u8]) -> Result<()> {
    if comment.len() > MAX_SIGNED_COMMENT_LEN {
        return Err(Error::SignedCommentTooLong(comment.len()));
    }
    let text = std::str::from_utf8(comment).map_err(|_| Error::BadSignedComment)?;
    let bad = |c: char| {
        c.is_control()
            || ('\u{202A}'..='\u{202E}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    };
    if text.chars().any(bad) {
        return Err(Error::BadSignedComment);
    }
    Ok(())
}

/// Whether `signature` is `signer`'s signature of the message `m`.
pub(crate) fn verify_signature(signer: &SignerPublic, m: &[u8], signature: &[u8]) -> bool {
    kind::verify(signer.kind(), signer.as_bytes(), m, signature)
}
