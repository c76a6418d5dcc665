//! One frame at a time: sealing and opening. (The structural checks a decoder makes before it
//! decrypts belong to each framing: `framing/fixed.rs`, `framing/live.rs`.)
//!
//! Each call concerns one frame and depends only on its index and position, so frames can be
//! sealed or opened in any order by any thread. A frame lives in one buffer laid out exactly as
//! on the wire, `nonce(12) || body || tag(16)` (fixed framing) or
//! `length(4) || nonce(12) || body || tag(16)` (live framing), so sealing and opening happen in
//! place and the result is written with a single call.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::aead::FrameAead;
use crate::error::{Error, Misuse, Result};
use crate::format::{Framing, Header, NONCE_LEN, Position, TAG_LEN, frame_nonce};
use crate::kdf::StreamKeys;

/// Numbers the sealers of this process, so that a ticket is only honoured by its own sealer.
static NEXT_SEALER_ID: AtomicU64 = AtomicU64::new(0);

/// Seals frames of one stream.
///
/// Each frame index is handed out at most once, as a [`FrameTicket`] from
/// [`FrameSealer::next_frame`], and [`FrameSealer::seal`] consumes the ticket: no caller can
/// seal two frames under one nonce. Tickets can be sent to other threads and sealed there, in
/// any order, since sealing takes `&self`. An [`crate::Encryptor`] gives out one sealer at most
/// (it is consumed), so there is one sealer per stream key.
pub struct FrameSealer {
    aead: FrameAead,
    framing: Framing,
    chunk_size: usize,
    /// Tells this sealer's tickets from those of any other sealer.
    id: u64,
    /// The index the next ticket gets; `None` once the final frame's ticket was handed out.
    next: Option<u64>,
}

impl std::fmt::Debug for FrameSealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrameSealer")
            .field("framing", &self.framing)
            .field("chunk_size", &self.chunk_size)
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

/// The right to seal one frame of one stream: its index and position, handed out once.
///
/// Not `Clone`: sealing consumes it.
#[derive(Debug)]
pub struct FrameTicket {
    sealer: u64,
    index: u64,
    position: Position,
}

impl FrameTicket {
    /// The frame's index.
    pub fn index(&self) -> u64 {
        self.index
    }
    /// The frame's position.
    pub fn position(&self) -> Position {
        self.position
    }
}

impl FrameSealer {
    pub(crate) fn new(header: &Header, keys: &StreamKeys) -> Self {
        FrameSealer {
            aead: FrameAead::new(header.cipher(), &keys.frame_key),
            framing: header.framing(),
            chunk_size: header.chunk_size() as usize,
            id: NEXT_SEALER_ID.fetch_add(1, Ordering::Relaxed),
            next: Some(0),
        }
    }

    /// The ticket for the next frame (0, 1, …) at `position`. After the ticket of a
    /// [`Position::Final`] frame no more are handed out ([`Error::SealRefused`]).
    pub fn next_frame(&mut self, position: Position) -> Result<FrameTicket> {
        let Some(index) = self.next else {
            return Err(Error::SealRefused {
                frame: None,
                problem: Misuse::FinalFrameHandedOut,
            });
        };
        self.next = match position {
            Position::More => Some(index.checked_add(1).ok_or(Error::TooManyFrames)?),
            Position::Final => None,
        };
        Ok(FrameTicket {
            sealer: self.id,
            index,
            position,
        })
    }

    /// Seals the frame `ticket` names in place. The plaintext is the `len` bytes at
    /// `frame[framing.body_offset()..]` (offset 12 for fixed framing, 16 for live framing);
    /// afterwards `frame[..len + framing.overhead()]` is the wire frame, whose length is
    /// returned.
    ///
    /// Refused ([`Error::SealRefused`]), with `frame` untouched: a ticket of another sealer, a
    /// `len` over the chunk size, a `frame` shorter than the frame, and a non-final frame the
    /// format does not allow (with fixed framing it holds exactly the chunk size, with live
    /// framing at least one byte). The caller lays the rest of the stream out as
    /// docs/FORMAT.md says: with fixed framing, an empty final frame only for an empty stream.
    pub fn seal(&self, ticket: FrameTicket, frame: &mut [u8], len: usize) -> Result<usize> {
        if ticket.sealer != self.id {
            return Err(Error::SealRefused {
                frame: Some(ticket.index),
                problem: Misuse::ForeignTicket,
            });
        }
        self.seal_at(ticket.index, ticket.position, frame, len)
    }

    /// Seals frame `index` at `position`. The pipeline's sources number frames 0, 1, … once
    /// each, which is what makes this safe; it is not public for that reason.
    pub(crate) fn seal_at(
        &self,
        index: u64,
        position: Position,
        frame: &mut [u8],
        len: usize,
    ) -> Result<usize> {
        let refused = |problem| Error::SealRefused {
            frame: Some(index),
            problem,
        };
        if len > self.chunk_size {
            return Err(refused(Misuse::FrameTooLong));
        }
        let allowed = match (self.framing, position) {
            (Framing::Fixed, Position::More) => len == self.chunk_size,
            (Framing::Live, Position::More) => len >= 1,
            (_, Position::Final) => true,
        };
        if !allowed {
            return Err(refused(Misuse::NonFinalFrameShort));
        }
        let wire = len + self.framing.overhead();
        let frame = frame
            .get_mut(..wire)
            .ok_or_else(|| refused(Misuse::BufferTooShort))?;
        let nonce = frame_nonce(index, position);
        let (ad, rest) = frame.split_at_mut(self.framing.nonce_offset());
        if self.framing == Framing::Live {
            // len <= chunk_size <= 16 MiB: it fits in the 4-byte field.
            ad.copy_from_slice(&(len as u32).to_be_bytes());
        }
        let (head, rest) = rest.split_at_mut(NONCE_LEN);
        let (body, tag_out) = rest.split_at_mut(len);
        head.copy_from_slice(&nonce);
        let tag = self
            .aead
            .seal(&nonce, ad, body)
            .map_err(|_| Error::SealFailed(index))?;
        tag_out.copy_from_slice(&tag);
        Ok(wire)
    }
}

/// Opens frames of one stream.
pub struct FrameOpener {
    aead: FrameAead,
    header: Header,
}

impl std::fmt::Debug for FrameOpener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrameOpener").finish_non_exhaustive()
    }
}

/// Where a frame was read from, for errors.
fn frame_error_at(index: u64, offset: u64) -> (Error, Error) {
    (
        Error::FrameAuth {
            frame: index,
            offset,
        },
        Error::Truncated {
            frame: index,
            offset,
        },
    )
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
    ///
    /// For a live stream, whose frame offsets depend on the lengths before them, errors give
    /// the offset as if every frame were full; the pipeline uses [`FrameOpener::open_at`].
    pub fn open(&self, index: u64, position: Position, frame: &mut [u8]) -> Result<Range<usize>> {
        self.open_at(index, position, frame, self.header.frame_offset(index))
    }

    /// [`FrameOpener::open`] of a frame that starts at byte `offset` of the stream.
    ///
    /// A live frame is the whole wire frame, length field included; its declared length must
    /// be what `frame` holds (else [`Error::FrameAuth`]: the pipeline reads exactly that much).
    pub fn open_at(
        &self,
        index: u64,
        position: Position,
        frame: &mut [u8],
        offset: u64,
    ) -> Result<Range<usize>> {
        let (auth_failed, truncated) = frame_error_at(index, offset);
        let framing = self.header.framing();
        if frame.len() < framing.overhead() {
            return Err(truncated);
        }
        let nonce = frame_nonce(index, position);
        let body_start = framing.body_offset();
        let body_end = frame.len() - TAG_LEN;
        let (rest, tag_bytes) = frame.split_at_mut(body_end);
        let mut tag = [0u8; TAG_LEN];
        tag.copy_from_slice(tag_bytes);
        let (ad, rest) = rest.split_at_mut(framing.nonce_offset());
        if framing == Framing::Live {
            let declared = u32::from_be_bytes([ad[0], ad[1], ad[2], ad[3]]);
            if u64::from(declared) != (body_end - body_start) as u64 {
                return Err(auth_failed);
            }
        }
        self.aead
            .open(&nonce, ad, &mut rest[NONCE_LEN..], &tag)
            .map_err(|_| auth_failed)?;
        // Canonical form of fixed framing: only the frame of an empty stream is an empty final
        // frame. Checked after authentication, so a frame cut to its nonce and tag reports a
        // failed tag. (A live stream may end with an empty final frame: the encoder sent the
        // frames before it before it knew that input would end.)
        if framing == Framing::Fixed
            && position == Position::Final
            && body_end == body_start
            && index > 0
        {
            return Err(Error::EmptyFinalFrame {
                frame: index,
                offset,
            });
        }
        Ok(body_start..body_end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::FRAME_OVERHEAD;
    use crate::format::{Cipher, KeyKind};
    use crate::keys::Key;

    fn sealer() -> (Header, FrameSealer) {
        let header = Header::new(Cipher::Aes256Gcm, 64, KeyKind::KeyFile, [3; 32]).unwrap();
        let keys = crate::kdf::derive(&Key::from_bytes([1; 32]), &header);
        let sealer = FrameSealer::new(&header, &keys);
        (header, sealer)
    }

    fn refused(result: Result<usize>) -> (Option<u64>, Misuse) {
        match result {
            Err(Error::SealRefused { frame, problem }) => (frame, problem),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn tickets_number_frames_once_and_stop_after_the_final_one() {
        let (_, mut sealer) = sealer();
        let indices: Vec<u64> = (0..3)
            .map(|_| sealer.next_frame(Position::More).unwrap().index())
            .collect();
        assert_eq!(indices, [0, 1, 2]);
        let last = sealer.next_frame(Position::Final).unwrap();
        assert_eq!((last.index(), last.position()), (3, Position::Final));
        for position in [Position::More, Position::Final] {
            assert!(matches!(
                sealer.next_frame(position),
                Err(Error::SealRefused { .. })
            ));
        }
    }

    #[test]
    fn a_ticket_is_honoured_only_by_its_own_sealer() {
        let (_, mut a) = sealer();
        let (_, b) = sealer();
        let mut frame = [0u8; 64 + FRAME_OVERHEAD];
        let ticket = a.next_frame(Position::Final).unwrap();
        assert_eq!(refused(b.seal(ticket, &mut frame, 5)).0, Some(0));
        assert_eq!(frame, [0u8; 64 + FRAME_OVERHEAD], "refused, so untouched");
    }

    #[test]
    fn short_buffers_and_long_plaintext_are_refused_without_a_panic() {
        let (header, mut sealer) = sealer();
        for (buf_len, len) in [(0, 0), (27, 0), (40, 13), (91, 64), (0, 5), (100, 65)] {
            let mut frame = vec![0u8; buf_len];
            let ticket = sealer.next_frame(Position::More).unwrap();
            let index = ticket.index();
            assert_eq!(refused(sealer.seal(ticket, &mut frame, len)).0, Some(index));
            assert!(frame.iter().all(|&b| b == 0));
        }
        // usize::MAX would overflow `len + FRAME_OVERHEAD` if it were not refused first.
        let ticket = sealer.next_frame(Position::More).unwrap();
        refused(sealer.seal(ticket, &mut [0u8; 100], usize::MAX));
        // Exactly enough room works, and the frame opens.
        let mut frame = [7u8; 64 + FRAME_OVERHEAD];
        let ticket = sealer.next_frame(Position::Final).unwrap();
        let index = ticket.index();
        assert_eq!(sealer.seal(ticket, &mut frame, 64).unwrap(), frame.len());
        let keys = crate::kdf::derive(&Key::from_bytes([1; 32]), &header);
        let opened = FrameOpener::new(&header, &keys)
            .open(index, Position::Final, &mut frame)
            .unwrap();
        assert!(frame[opened].iter().all(|&b| b == 7));
    }
}
