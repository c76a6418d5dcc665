//! The library's one error type.
//!
//! Every failure a caller can see is a variant here, so that the command line can map each to a
//! documented exit status and tests can assert the exact kind. Variants that concern a position
//! in a stream carry the frame index and the byte offset of the frame's first byte in the
//! encrypted stream (the header is at offset 0).

use std::io;

use crate::armor::{ArmorError, ArmorProblem};

/// The broad class of an [`Error`], which the command line turns into an exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Reading the input or writing the output failed, or the operation was refused.
    Io,
    /// A key could not be read or parsed, or it is not the key of this stream.
    Key,
    /// The input is not a seal stream this version can read.
    Format,
    /// The stream is damaged: authentication failed, or frames are missing, extra or out of place.
    Integrity,
}

/// Why a key text was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyProblem {
    /// The text does not start with the key prefix: not a seal key at all.
    NotAKey,
    /// The prefix is right but the rest has the wrong length.
    WrongLength,
    /// The text holds a character that is not a lowercase hexadecimal digit.
    BadCharacter,
    /// The checksum does not match: the key was mistyped or damaged.
    BadChecksum,
    /// More than one line, or text after the key on its line.
    ExtraText,
}

impl std::fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            KeyProblem::NotAKey => {
                "not a seal key file (expected one line starting \"SEAL-KEY-1-\")"
            }
            KeyProblem::WrongLength => "malformed key: wrong length (truncated or padded?)",
            KeyProblem::BadCharacter => "malformed key: invalid character",
            KeyProblem::BadChecksum => "malformed key: checksum mismatch (mistyped or damaged)",
            KeyProblem::ExtraText => "malformed key: unexpected text after the key",
        })
    }
}

/// Why the text of an identity or a recipient was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    /// The text does not start with a prefix this build knows.
    NotRecognised,
    /// A character outside the Bech32 alphabet, or upper and lower case mixed.
    BadCharacter,
    /// The Bech32 checksum does not match: mistyped, truncated or damaged.
    BadChecksum,
    /// The checksum matches but the key inside has the wrong length for its kind.
    WrongLength,
    /// The bytes are not a valid public key of their kind.
    InvalidKey,
    /// More than one line, or text after the identity on its line.
    ExtraText,
}

impl std::fmt::Display for TextProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TextProblem::NotRecognised => "unrecognised prefix",
            TextProblem::BadCharacter => "invalid character (or mixed case)",
            TextProblem::BadChecksum => "checksum mismatch (mistyped, truncated or damaged)",
            TextProblem::WrongLength => "wrong length for its kind",
            TextProblem::InvalidKey => "not a valid public key",
            TextProblem::ExtraText => "unexpected text after it",
        })
    }
}

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading the input failed.
    #[error("reading input: {0}")]
    Read(io::Error),
    /// Writing the output failed.
    #[error("writing output: {0}")]
    Write(io::Error),

    /// A key text could not be parsed.
    #[error("{0}")]
    Key(KeyProblem),
    /// The key or passphrase does not match the stream's key commitment.
    #[error("wrong key or passphrase (or the stream header was modified)")]
    WrongKey,
    /// The stream's key comes from one kind of secret and the caller gave the other.
    #[error("this stream was encrypted with {stream}, not {given}")]
    WrongSecretKind {
        /// What the header says ("a key file" or "a passphrase").
        stream: &'static str,
        /// What the caller gave.
        given: &'static str,
    },
    /// An identity's text could not be parsed.
    #[error("{}", match .0 {
        TextProblem::NotRecognised => "not a seal identity (expected one line starting \"SEAL-IDENTITY-\")".to_string(),
        problem => format!("malformed identity: {problem}"),
    })]
    Identity(TextProblem),
    /// A recipient's text could not be parsed.
    #[error("{}", match .0 {
        TextProblem::NotRecognised => "not a seal recipient (expected \"sealpq1...\" or \"sealx1...\")".to_string(),
        problem => format!("malformed recipient: {problem}"),
    })]
    Recipient(TextProblem),
    /// The identity opens none of the stream's recipient stanzas.
    #[error("no identity matches {}", match .recipients {
        1 => "the stream's recipient".to_string(),
        n => format!("any of the stream's {n} recipients"),
    })]
    NoIdentityMatches {
        /// Stanzas in the header.
        recipients: usize,
    },
    /// The identity opened a recipient stanza, but the key in it is not the one the header's
    /// key commitment names: the sender wrapped different keys for different recipients (a
    /// stream that one recipient opens and another does not; see SECURITY.md), or the header
    /// was changed after it was written.
    #[error(
        "this identity's recipient stanza opened, but its key is not the stream's key (the key commitment does not match): the sender made the stream so that this recipient cannot read it, or its header was changed"
    )]
    HeaderModified,
    /// A passphrase was rejected before use.
    #[error("{0}")]
    Passphrase(&'static str),
    /// Argon2id refused its inputs (cannot happen for parameters within bounds).
    #[error("passphrase key derivation failed: {0}")]
    Kdf(String),

    /// Armored input is malformed (see [`crate::armor`]).
    #[error("{0}")]
    Armor(ArmorError),
    /// The input does not start with the seal magic bytes.
    #[error("not a seal stream (bad magic bytes)")]
    BadMagic,
    /// The input ended inside the header.
    #[error("stream truncated: input ended after {got} of the {need} header bytes")]
    HeaderTruncated {
        /// Bytes present.
        got: usize,
        /// Bytes a header has.
        need: usize,
    },
    /// The header names a format version this build does not read.
    #[error("unsupported format version {0}")]
    UnsupportedVersion(u8),
    /// The header names a cipher this build does not know.
    #[error("unsupported cipher id {0}")]
    UnsupportedCipher(u8),
    /// The header names a key kind this build does not know.
    #[error("unsupported key kind {0}")]
    UnsupportedKeyKind(u8),
    /// Argon2id parameters outside the bounds this build accepts, in a header or from the
    /// caller; refused before any work.
    #[error(
        "passphrase KDF cost out of range: {memory_kib} KiB, {passes} passes, {lanes} lanes \
         (accepted: 1..={max_lanes} lanes, 8 KiB per lane ..= {max_mem} KiB, 1..={max_passes} passes, \
         memory x passes <= {max_work} KiB)",
        max_lanes = crate::format::Argon2Params::MAX_LANES,
        max_mem = crate::format::Argon2Params::MAX_MEMORY_KIB,
        max_passes = crate::format::Argon2Params::MAX_PASSES,
        max_work = crate::format::Argon2Params::MAX_WORK
    )]
    KdfCostOutOfRange {
        /// Memory in KiB.
        memory_kib: u32,
        /// Passes.
        passes: u32,
        /// Lanes.
        lanes: u32,
    },
    /// A recipient header's stanza count, or a number of recipients from the caller, outside
    /// 1..=[`crate::format::MAX_RECIPIENTS`].
    #[error("recipient count {0} is out of range (1..={max})", max = crate::format::MAX_RECIPIENTS)]
    RecipientCountOutOfRange(usize),
    /// A recipient stanza whose body length is not its kind's (or over the bound for a kind
    /// this build does not know).
    #[error(
        "recipient stanza {index} (kind {kind}) has a body of {len} bytes, not the length its kind allows"
    )]
    StanzaLength {
        /// Index of the stanza, counting from 0.
        index: usize,
        /// Its recipient kind byte.
        kind: u8,
        /// The body length it states.
        len: usize,
    },
    /// A chunk size outside the allowed range, in a header or from the caller.
    #[error("chunk size {0} is out of range ({min}..={max} bytes)", min = crate::format::MIN_CHUNK_SIZE, max = crate::format::MAX_CHUNK_SIZE)]
    ChunkSizeOutOfRange(u64),

    /// A frame's stored nonce is not the one its position requires.
    #[error(
        "frame {frame} at byte offset {offset} is out of place (frames reordered, dropped or duplicated, or its nonce altered)"
    )]
    FrameOutOfPlace {
        /// Index of the frame, counting from 0.
        frame: u64,
        /// Offset of its first byte in the stream.
        offset: u64,
    },
    /// A live frame declares a plaintext length outside 1..=chunk_size (0..=chunk_size for the
    /// final frame); refused before anything is read or allocated for it.
    #[error(
        "frame {frame} at byte offset {offset}: frame length out of range ({len} bytes of plaintext declared, outside what the stream's chunk size allows)"
    )]
    FrameLength {
        /// Index of the frame, counting from 0.
        frame: u64,
        /// Offset of its first byte in the stream.
        offset: u64,
        /// The length it declares.
        len: u32,
    },
    /// A live stream (format version 2) given to an API that handles fixed framing only.
    #[error("{0} handles streams with fixed framing only, not live streams (format version 2)")]
    LiveUnsupported(&'static str),
    /// A frame's tag did not verify.
    #[error("frame {frame} at byte offset {offset} failed authentication (corrupted or truncated)")]
    FrameAuth {
        /// Index of the frame, counting from 0.
        frame: u64,
        /// Offset of its first byte in the stream.
        offset: u64,
    },
    /// The input ended before the final frame: frame `frame` is missing or cut short.
    #[error(
        "stream truncated: frame {frame} (byte offset {offset}) is missing or cut short, and no final frame was seen"
    )]
    Truncated {
        /// Index of the frame that is missing or cut.
        frame: u64,
        /// Offset where that frame starts.
        offset: u64,
    },
    /// Bytes follow the final frame.
    #[error("data after the final frame, at byte offset {offset}")]
    TrailingData {
        /// Offset of the first byte after the final frame.
        offset: u64,
    },
    /// A final frame with no plaintext in a stream that is not empty.
    #[error(
        "frame {frame} at byte offset {offset} is an empty final frame, which only an empty stream may have"
    )]
    EmptyFinalFrame {
        /// Index of the frame.
        frame: u64,
        /// Offset of its first byte in the stream.
        offset: u64,
    },
    /// The per-frame API refused to seal a frame: see [`crate::frame::FrameSealer::seal`].
    #[error("cannot seal frame {frame}: {problem}")]
    SealRefused {
        /// Index of the frame (`u64::MAX` when no index was handed out).
        frame: u64,
        /// What was wrong.
        problem: &'static str,
    },
    /// The cipher refused to seal a frame (cannot happen for chunk sizes within bounds).
    #[error("the cipher refused to seal frame {0}")]
    SealFailed(u64),
    /// A worker thread could not be started or died.
    #[error("worker thread failure: {0}")]
    Thread(String),
    /// The stream has more frames than the counter can number.
    #[error("stream too long: frame counter exhausted")]
    TooManyFrames,
    /// The operating system's random number generator failed.
    #[error("operating system random number generator failed: {0}")]
    Random(String),
}

impl Error {
    /// An error reading input: a seal error carried through `Read` (from a
    /// [`crate::DecryptingReader`], say) is itself again, an armor problem becomes
    /// [`Error::Armor`], anything else [`Error::Read`].
    pub fn from_read(e: io::Error) -> Error {
        if e.get_ref().is_some_and(|inner| inner.is::<Error>()) {
            return Error::from_io(e);
        }
        let armor = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<ArmorError>())
            .copied();
        match armor {
            Some(armor) if armor.problem == ArmorProblem::NoBegin => Error::BadMagic,
            Some(armor) => Error::Armor(armor),
            None => Error::Read(e),
        }
    }

    /// The typed error inside an `io::Error` that this crate's readers and writers returned
    /// (see `From<Error> for io::Error`); [`Error::Read`] around any other `io::Error`.
    ///
    /// ```
    /// let io: std::io::Error = seal::Error::FrameAuth { frame: 3, offset: 7 }.into();
    /// assert_eq!(io.kind(), std::io::ErrorKind::InvalidData);
    /// assert!(matches!(seal::Error::from_io(io), seal::Error::FrameAuth { frame: 3, .. }));
    /// ```
    pub fn from_io(e: io::Error) -> Error {
        if !e.get_ref().is_some_and(|inner| inner.is::<Error>()) {
            return Error::Read(e);
        }
        match e.into_inner().map(|inner| inner.downcast::<Error>()) {
            Some(Ok(error)) => *error,
            // Not reached: checked just above.
            _ => Error::Read(io::Error::other("an error that was not seal's")),
        }
    }

    /// The same error once more, for a reader or writer that fails every call after its first
    /// failure. An I/O error keeps its kind and message.
    pub(crate) fn replay(&self) -> Error {
        let copy = |e: &io::Error| io::Error::new(e.kind(), e.to_string());
        match self {
            Error::Read(e) => Error::Read(copy(e)),
            Error::Write(e) => Error::Write(copy(e)),
            Error::FrameOutOfPlace { frame, offset } => Error::FrameOutOfPlace {
                frame: *frame,
                offset: *offset,
            },
            Error::FrameAuth { frame, offset } => Error::FrameAuth {
                frame: *frame,
                offset: *offset,
            },
            Error::Truncated { frame, offset } => Error::Truncated {
                frame: *frame,
                offset: *offset,
            },
            Error::TrailingData { offset } => Error::TrailingData { offset: *offset },
            Error::FrameLength { frame, offset, len } => Error::FrameLength {
                frame: *frame,
                offset: *offset,
                len: *len,
            },
            Error::LiveUnsupported(what) => Error::LiveUnsupported(what),
            Error::EmptyFinalFrame { frame, offset } => Error::EmptyFinalFrame {
                frame: *frame,
                offset: *offset,
            },
            Error::SealRefused { frame, problem } => Error::SealRefused {
                frame: *frame,
                problem,
            },
            Error::SealFailed(frame) => Error::SealFailed(*frame),
            Error::TooManyFrames => Error::TooManyFrames,
            Error::Armor(a) => Error::Armor(*a),
            other => Error::Thread(format!("failed earlier: {other}")),
        }
    }

    /// The class of this error.
    pub fn category(&self) -> Category {
        match self {
            Error::Read(_)
            | Error::Write(_)
            | Error::Random(_)
            | Error::TooManyFrames
            | Error::SealFailed(_)
            | Error::SealRefused { .. }
            | Error::Thread(_) => Category::Io,
            Error::Key(_)
            | Error::WrongKey
            | Error::WrongSecretKind { .. }
            | Error::Passphrase(_)
            | Error::Identity(_)
            | Error::Recipient(_)
            | Error::NoIdentityMatches { .. }
            | Error::Kdf(_) => Category::Key,
            Error::BadMagic
            | Error::UnsupportedVersion(_)
            | Error::LiveUnsupported(_)
            | Error::UnsupportedCipher(_)
            | Error::UnsupportedKeyKind(_)
            | Error::KdfCostOutOfRange { .. }
            | Error::RecipientCountOutOfRange(_)
            | Error::StanzaLength { .. }
            | Error::ChunkSizeOutOfRange(_) => Category::Format,
            Error::Armor(a) => match a.problem {
                ArmorProblem::NoEnd | ArmorProblem::TrailingData => Category::Integrity,
                _ => Category::Format,
            },
            Error::HeaderTruncated { .. }
            | Error::HeaderModified
            | Error::FrameOutOfPlace { .. }
            | Error::FrameLength { .. }
            | Error::FrameAuth { .. }
            | Error::Truncated { .. }
            | Error::TrailingData { .. }
            | Error::EmptyFinalFrame { .. } => Category::Integrity,
        }
    }
}

/// An `io::Error` that carries the seal error (get it back with [`Error::from_io`]), of the
/// kind that fits: an I/O error's own kind, `UnexpectedEof` for a truncated stream,
/// `InvalidData` for a damaged, foreign or wrongly keyed one.
impl From<Error> for io::Error {
    fn from(e: Error) -> io::Error {
        let kind = match &e {
            Error::Read(inner) | Error::Write(inner) => inner.kind(),
            Error::Truncated { .. } | Error::HeaderTruncated { .. } => io::ErrorKind::UnexpectedEof,
            Error::SealRefused { .. } | Error::ChunkSizeOutOfRange(_) => {
                io::ErrorKind::InvalidInput
            }
            e if e.category() == Category::Io => io::ErrorKind::Other,
            _ => io::ErrorKind::InvalidData,
        };
        io::Error::new(kind, e)
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
