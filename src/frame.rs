//! One frame at a time: sealing, the structural checks a decoder makes before it decrypts, and
//! opening.
//!
//! Each call concerns one frame and depends only on its index and position, so frames can be
//! sealed or opened in any order by any thread. A frame lives in one buffer laid out exactly as
//! on the wire, `nonce(12) || body || tag(16)`, so sealing and opening happen in place and the
//! result is written with a single call.

use std::ops::Range;

use crate::aead::FrameAead;
use crate::error::{Error, Result};
use crate::format::{
    FRAME_OVERHEAD, Header, NONCE_LEN, Position, TAG_LEN, frame_nonce, stored_position,
};
use crate::kdf::StreamKeys;

/// Seals frames of one stream.
pub struct FrameSealer {
    aead: FrameAead,
}

impl FrameSealer {
    pub(crate) fn new(header: &Header, keys: &StreamKeys) -> Self {
        FrameSealer {
            aead: FrameAead::new(header.cipher(), &keys.frame_key),
        }
    }

    /// Seals frame `index` in place. `frame[NONCE_LEN..NONCE_LEN + len]` holds the plaintext;
    /// afterwards `frame[..len + FRAME_OVERHEAD]` is the wire frame, whose length is returned.
    ///
    /// The caller guarantees `frame.len() >= len + FRAME_OVERHEAD` (the pipeline sizes every
    /// buffer for a full frame) and that each (index, position) is sealed at most once.
    pub fn seal(
        &self,
        index: u64,
        position: Position,
        frame: &mut [u8],
        len: usize,
    ) -> Result<usize> {
        let nonce = frame_nonce(index, position);
        let wire = len + FRAME_OVERHEAD;
        let (head, rest) = frame[..wire].split_at_mut(NONCE_LEN);
        let (body, tag_out) = rest.split_at_mut(len);
        head.copy_from_slice(&nonce);
        let tag = self
            .aead
            .seal(&nonce, body)
            .map_err(|_| Error::SealFailed(index))?;
        tag_out.copy_from_slice(&tag);
        Ok(wire)
    }
}

/// The verdict of the structural checks on a frame: the position its nonce must encode, and
/// the error that comes right after it in stream order, if the input is bad there.
#[derive(Debug)]
pub struct Checked {
    /// The position the frame's nonce must encode.
    pub position: Position,
    /// An error at the point just past this frame ([`Error::Truncated`] for the missing next
    /// frame, or [`Error::TrailingData`]), reported once this frame has been handled, so that
    /// every authentic frame before the damage is released first.
    pub then: Option<Error>,
}

/// The structural checks a decoder makes on wire frame `index` before any decryption.
///
/// `frame` is what was read for it: a full frame, or less when input ended (`at_eof` tells
/// whether any byte follows). Only `frame`'s own stored nonce is compared with the nonce that
/// index and position require; it is never used for decryption.
pub fn check_frame(header: &Header, index: u64, frame: &[u8], at_eof: bool) -> Result<Checked> {
    let offset = header.frame_offset(index);
    if frame.len() < FRAME_OVERHEAD {
        return Err(Error::Truncated {
            frame: index,
            offset,
        });
    }
    let Some(position) = stored_position(index, &frame[..NONCE_LEN]) else {
        return Err(Error::FrameOutOfPlace {
            frame: index,
            offset,
        });
    };
    let then = match (position, at_eof) {
        // A frame cut short: only a final frame may be shorter than a full one.
        (Position::More, true) if frame.len() < header.full_frame_len() => {
            return Err(Error::Truncated {
                frame: index,
                offset,
            });
        }
        // A whole frame that says more follow, but input ends after it: the next is missing.
        (Position::More, true) => {
            let missing = index.saturating_add(1);
            Some(Error::Truncated {
                frame: missing,
                offset: header.frame_offset(missing),
            })
        }
        (Position::Final, false) => Some(Error::TrailingData {
            offset: offset.saturating_add(frame.len() as u64),
        }),
        (Position::More, false) | (Position::Final, true) => None,
    };
    Ok(Checked { position, then })
}

/// Opens frames of one stream.
pub struct FrameOpener {
    aead: FrameAead,
    header: Header,
}

impl FrameOpener {
    pub(crate) fn new(header: &Header, keys: &StreamKeys) -> Self {
        FrameOpener {
            aead: FrameAead::new(header.cipher(), &keys.frame_key),
            header: header.clone(),
        }
    }

    /// Authenticates and decrypts wire frame `index` in place, with the nonce its index and
    /// position require. Returns the range of `frame` that holds the plaintext. On any error no
    /// byte of `frame` may be released as plaintext.
    pub fn open(&self, index: u64, position: Position, frame: &mut [u8]) -> Result<Range<usize>> {
        let offset = self.header.frame_offset(index);
        let auth_failed = Error::FrameAuth {
            frame: index,
            offset,
        };
        if frame.len() < FRAME_OVERHEAD {
            return Err(Error::Truncated {
                frame: index,
                offset,
            });
        }
        let nonce = frame_nonce(index, position);
        let body_end = frame.len() - TAG_LEN;
        let (rest, tag_bytes) = frame.split_at_mut(body_end);
        let mut tag = [0u8; TAG_LEN];
        tag.copy_from_slice(tag_bytes);
        self.aead
            .open(&nonce, &mut rest[NONCE_LEN..], &tag)
            .map_err(|_| auth_failed)?;
        // Canonical form: only the frame of an empty stream is an empty final frame. Checked
        // after authentication, so a frame cut to its nonce and tag reports a failed tag.
        if position == Position::Final && body_end == NONCE_LEN && index > 0 {
            return Err(Error::EmptyFinalFrame {
                frame: index,
                offset,
            });
        }
        Ok(NONCE_LEN..body_end)
    }
}
