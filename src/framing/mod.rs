//! Input to frames, for both framings: the step shared by the worker pool
//! ([`crate::pipeline`]) and the `std::io` adapters.
//!
//! | file | what it holds |
//! |---|---|
//! | `io.rs` | filling a buffer, looking one byte ahead |
//! | `fixed.rs` | fixed framing (version 1): the plaintext chunker and the one decoder |
//! | `live.rs` | live framing (version 2): the input thread, the timed chunker, the decoder |
//! | `signed.rs` | signed streams (version 3): frame digests computed by the workers, the transcript, the signature held back from the frames |
//!
//! [`read_header`] takes the header off the input; [`encrypt`] and [`decrypt`] run a whole
//! stream's frames through the pool with the source its framing needs.

mod fixed;
mod io;
mod live;
pub(crate) mod signed;

use std::io::{Read, Write};
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

pub use fixed::{Checked, check_frame};
pub(crate) use fixed::{FixedDecoder, Frame};
pub(crate) use io::fill;

use crate::error::{Error, Result};
use crate::format::{Framing, Header, HeaderLength, PREFIX_LEN, header_length};
use crate::frame::{FrameOpener, FrameSealer};
use crate::pipeline::{self, Job, Process, Sink};

impl Process for FrameSealer {
    fn process(&self, job: &mut Job) -> Result<Range<usize>> {
        let wire = self.seal_at(job.index, job.position, &mut job.buf, job.len)?;
        Ok(0..wire)
    }
}

impl Process for FrameOpener {
    fn process(&self, job: &mut Job) -> Result<Range<usize>> {
        self.open_at(job.index, job.position, &mut job.buf[..job.len], job.offset)
    }
}

/// Seals every frame of `input` for the stream `header` begins (live when `max_delay` is set,
/// as the header's framing then says) into `sink`, with up to `threads` workers. Returns the
/// number of bytes written (the header not included).
pub(crate) fn encrypt<R, W, P>(
    header: &Header,
    sealer: P,
    input: R,
    sink: Sink<'_, W>,
    threads: usize,
    max_delay: Option<Duration>,
) -> Result<u64>
where
    R: Read + Send + 'static,
    W: Write + ?Sized,
    P: Process,
{
    let chunk = header.chunk_size() as usize;
    let buf_len = header.full_frame_len();
    let sealer = Arc::new(sealer);
    match max_delay {
        None => pipeline::run(
            fixed::Chunker::new(input, chunk, buf_len),
            sealer,
            sink,
            threads,
        ),
        Some(delay) => {
            let source = live::LiveChunker::new(live::spawn_input(input)?, delay, chunk, buf_len);
            pipeline::run(source, sealer, sink, threads)
        }
    }
}

/// Opens every frame that follows the header in `input` into `sink`, with up to `threads`
/// workers, in order and only once authenticated. Returns the plaintext length.
pub(crate) fn decrypt<R, W, P>(
    header: &Header,
    opener: P,
    input: R,
    sink: Sink<'_, W>,
    threads: usize,
) -> Result<u64>
where
    R: Read + Send + 'static,
    W: Write + ?Sized,
    P: Process,
{
    let opener = Arc::new(opener);
    match header.framing() {
        Framing::Fixed => {
            let source = FixedDecoder::new(input, header.clone());
            pipeline::run(source, opener, sink, threads)
        }
        Framing::Live => {
            let source = live::LiveDecoder::new(input, header.clone());
            pipeline::run(source, opener, sink, threads)
        }
    }
}

/// Reads and parses a stream's header from `input`, without a key: the header is not
/// authenticated until a key's commitment is checked against it.
///
/// Checks, in order: the magic bytes (on as many bytes as there are), the version, the cipher,
/// the key kind, the chunk size's bounds, for a recipient header the stanza count and each
/// stanza's length (before reading it), the header's length, and the KDF cost's bounds. Reads
/// no byte past the header, and holds no more of it than has arrived plus one bounded stanza.
pub(crate) fn read_header<R: Read + ?Sized>(input: &mut R) -> Result<Header> {
    let mut bytes = Vec::with_capacity(PREFIX_LEN);
    let mut want = PREFIX_LEN;
    loop {
        let have = bytes.len();
        bytes.resize(want, 0);
        let (got, _) = fill(input, &mut bytes[have..]).map_err(Error::from_read)?;
        bytes.truncate(have + got);
        if bytes.len() < want {
            break; // Input ended: parsing reports the truncation (or a bad magic).
        }
        // Unknown or hostile fields stop here, before reading further.
        match header_length(&bytes)? {
            HeaderLength::Known(len) if len == bytes.len() => break,
            HeaderLength::Known(len) | HeaderLength::AtLeast(len) => want = len,
        }
    }
    Header::parse(&bytes)
}
