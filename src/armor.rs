//! ASCII armor: a seal stream as PEM-style text that survives copy-paste, e-mail and CI logs.
//!
//! ```text
//! -----BEGIN SEAL ENCRYPTED FILE-----
//! <the stream in standard base64 with padding, 64 characters per line>
//! -----END SEAL ENCRYPTED FILE-----
//! ```
//!
//! Every body line but the last holds exactly 64 characters (48 bytes) and no padding; the last
//! holds 4 to 64, a multiple of 4. Lines end with LF or CR LF. Blank lines (spaces, tabs, at
//! most 64 of them per line) may come before the BEGIN line and after the END line, at most
//! [`MAX_BLANK_LINES`] of each; nothing else is accepted (no blank line inside the body, no
//! space or tab around a line's text), and base64 must be canonical (`base64ct`, constant
//! time). docs/FORMAT.md, "ASCII armor", is the same rule in bytes.
//!
//! Invariants: [`ArmorReader`] never reads a line of more than [`MAX_LINE`] bytes into memory, and
//! never returns bytes of a line before checking the whole line; [`ArmorWriter`] writes only
//! lines of this form.

use std::io::{self, BufRead, BufReader, Read, Write};

use base64ct::{Base64, Encoding};

use crate::error::{ArmorError, ArmorProblem};

/// The line before the base64 body.
pub(crate) const BEGIN: &str = "-----BEGIN SEAL ENCRYPTED FILE-----";
/// The line after it.
pub(crate) const END: &str = "-----END SEAL ENCRYPTED FILE-----";
/// Base64 characters per full body line.
pub(crate) const LINE_CHARS: usize = 64;
/// Stream bytes per full body line.
const LINE_BYTES: usize = LINE_CHARS / 4 * 3;
/// The longest line read, line ending included: anything longer is refused.
pub(crate) const MAX_LINE: usize = LINE_CHARS + 2;
/// How many blank lines may come before BEGIN, and after END.
pub(crate) const MAX_BLANK_LINES: usize = 64;

/// Whether `first` (the input's first byte) starts armored text rather than a binary stream,
/// whose first byte is 0x89: `-`, or the first byte of a blank line (space, tab, CR, LF).
pub fn looks_armored(first: u8) -> bool {
    matches!(first, b'-' | b' ' | b'\t' | b'\r' | b'\n')
}

/// What the first bytes of some input say it already is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// A binary seal stream: it starts with the magic bytes.
    Binary,
    /// An armored seal stream: its first line that is not blank is the BEGIN line.
    Armored,
}

/// Whether `first` (the first bytes of some input, as many as are at hand) start a seal
/// stream, binary or armored; `None` when they do not (or are too few to tell).
pub fn sniff(first: &[u8]) -> Option<Sniffed> {
    if first.starts_with(&crate::format::MAGIC) {
        Some(Sniffed::Binary)
    } else if first.trim_ascii_start().starts_with(BEGIN.as_bytes()) {
        Some(Sniffed::Armored)
    } else {
        None
    }
}

/// `reader` as a binary stream, and whether it was armored: itself if its first byte is not
/// armor's ([`looks_armored`]), or an [`ArmorReader`] of its text. Reads one byte.
pub fn unarmor<R: Read + Send + 'static>(
    mut reader: R,
) -> io::Result<(Box<dyn Read + Send>, bool)> {
    let mut first = [0u8; 1];
    let n = loop {
        match reader.read(&mut first) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            other => break other?,
        }
    };
    let replay = io::Cursor::new(first[..n].to_vec()).chain(reader);
    if n == 1 && looks_armored(first[0]) {
        Ok((Box::new(ArmorReader::new(replay)), true))
    } else {
        Ok((Box::new(replay), false))
    }
}

/// Writes a stream as armor. Call [`ArmorWriter::finish`] after the last byte: it writes the
/// last body line and the END line.
pub struct ArmorWriter<W: Write> {
    inner: W,
    /// Bytes not yet encoded: fewer than a line's worth.
    pending: Vec<u8>,
    /// Encoded text not yet written.
    text: Vec<u8>,
}

impl<W: Write> std::fmt::Debug for ArmorWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArmorWriter").finish_non_exhaustive()
    }
}

/// Text buffered before a write to the inner writer.
const TEXT_BUFFER: usize = 64 * 1024;

impl<W: Write> ArmorWriter<W> {
    /// Starts the armor: the BEGIN line goes out with the first body line.
    pub fn new(inner: W) -> Self {
        let mut text = Vec::with_capacity(TEXT_BUFFER + LINE_CHARS + 1);
        text.extend_from_slice(BEGIN.as_bytes());
        text.push(b'\n');
        ArmorWriter {
            inner,
            pending: Vec::with_capacity(LINE_BYTES),
            text,
        }
    }

    fn encode_line(&mut self, bytes: &[u8]) {
        let mut line = [0u8; LINE_CHARS];
        // A line's bytes are at most 48, whose encoding fits 64 characters: cannot fail.
        if let Ok(encoded) = Base64::encode(bytes, &mut line) {
            self.text.extend_from_slice(encoded.as_bytes());
            self.text.push(b'\n');
        }
    }

    fn flush_text(&mut self) -> io::Result<()> {
        self.inner.write_all(&self.text)?;
        self.text.clear();
        Ok(())
    }

    /// Writes what is left and the END line, and returns the inner writer, flushed.
    pub fn finish(mut self) -> io::Result<W> {
        let pending = std::mem::take(&mut self.pending);
        if !pending.is_empty() {
            self.encode_line(&pending);
        }
        self.text.extend_from_slice(END.as_bytes());
        self.text.push(b'\n');
        self.flush_text()?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for ArmorWriter<W> {
    fn write(&mut self, mut buf: &[u8]) -> io::Result<usize> {
        let taken = buf.len();
        if !self.pending.is_empty() {
            let want = (LINE_BYTES - self.pending.len()).min(buf.len());
            self.pending.extend_from_slice(&buf[..want]);
            buf = &buf[want..];
            if self.pending.len() == LINE_BYTES {
                let line = std::mem::take(&mut self.pending);
                self.encode_line(&line);
                self.pending = line;
                self.pending.clear();
            }
        }
        let mut lines = buf.chunks_exact(LINE_BYTES);
        for line in &mut lines {
            self.encode_line(line);
            if self.text.len() >= TEXT_BUFFER {
                self.flush_text()?;
            }
        }
        self.pending.extend_from_slice(lines.remainder());
        if self.text.len() >= TEXT_BUFFER {
            self.flush_text()?;
        }
        Ok(taken)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.flush_text()?;
        self.inner.flush()
    }
}

/// Where a [`ArmorReader`] is in its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the BEGIN line.
    Start,
    /// In the body.
    Body,
    /// After the END line, and after checking that only blank lines follow it.
    Done,
}

/// Reads armored text and yields the stream it holds.
pub struct ArmorReader<R> {
    inner: BufReader<R>,
    state: State,
    /// Lines read so far.
    line_no: u64,
    /// The current raw line.
    line: Vec<u8>,
    /// The body line read but not yet decoded (it may be the last, so it waits for the next).
    held: Vec<u8>,
    /// The first blank line met in the body, if any: an error unless the input ends (then the
    /// armor was cut, which is reported as such).
    blank_at: Option<u64>,
    /// Whether the current line ended without an LF: the input ends with it.
    unterminated: bool,
    /// Decoded bytes of the last line, and how many of them were returned.
    out: [u8; LINE_BYTES],
    out_len: usize,
    out_pos: usize,
}

impl<R> std::fmt::Debug for ArmorReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArmorReader")
            .field("state", &self.state)
            .field("line", &self.line_no)
            .finish_non_exhaustive()
    }
}

fn error(line: u64, problem: ArmorProblem) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, ArmorError { line, problem })
}

fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// `line` without the spaces and tabs around its text.
fn trim_space(line: &[u8]) -> &[u8] {
    let start = line
        .iter()
        .position(|&b| !is_space(b))
        .unwrap_or(line.len());
    let end = line
        .iter()
        .rposition(|&b| !is_space(b))
        .map_or(start, |i| i + 1);
    &line[start..end]
}

/// A blank line: only spaces and tabs (or nothing), and no longer than any armor line.
fn is_blank(line: &[u8]) -> bool {
    line.len() <= LINE_CHARS && line.iter().all(|&b| is_space(b))
}

/// Whether `line`, the input's last (it has no LF), is the line `full` cut short: a non-empty
/// part of its start, or all of it with the CR of a CR LF.
fn cut_short(line: &[u8], full: &str) -> bool {
    let full = full.as_bytes();
    (!line.is_empty() && line.len() < full.len() && full.starts_with(line))
        || line.strip_suffix(b"\r") == Some(full)
}

/// A line that is not blank: its text must start and end it, and fit 64 characters.
fn check_text_line(line: &[u8], line_no: u64) -> io::Result<()> {
    if line.first().is_some_and(|&b| is_space(b)) || line.last().is_some_and(|&b| is_space(b)) {
        return Err(error(line_no, ArmorProblem::Whitespace));
    }
    if line.len() > LINE_CHARS {
        return Err(error(line_no, ArmorProblem::LineTooLong));
    }
    Ok(())
}

impl<R: Read> ArmorReader<R> {
    /// Reads armored text from `inner`.
    pub fn new(inner: R) -> Self {
        ArmorReader {
            inner: BufReader::with_capacity(64 * 1024, inner),
            state: State::Start,
            line_no: 0,
            line: Vec::with_capacity(MAX_LINE + 1),
            held: Vec::with_capacity(LINE_CHARS),
            blank_at: None,
            unterminated: false,
            out: [0; LINE_BYTES],
            out_len: 0,
            out_pos: 0,
        }
    }

    /// Reads the next line into `self.line`, without its line ending. `Ok(false)` at the end
    /// of input. Reads at most [`MAX_LINE`] bytes: a line with no LF among them is too long,
    /// and is judged by those bytes alone (docs/FORMAT.md, "ASCII armor").
    fn next_line(&mut self) -> io::Result<bool> {
        self.line.clear();
        let limit = MAX_LINE as u64;
        let n = (&mut self.inner)
            .take(limit)
            .read_until(b'\n', &mut self.line)?;
        if n == 0 {
            return Ok(false);
        }
        self.line_no += 1;
        self.unterminated = self.line.last() != Some(&b'\n');
        if !self.unterminated {
            self.line.pop();
            if self.line.last() == Some(&b'\r') {
                self.line.pop();
            }
        }
        if n as u64 == limit && self.line.len() >= MAX_LINE {
            // Too long to read whole. If what was read is text then spaces or tabs, or starts
            // with one, the spaces are the problem to name.
            let text = trim_space(&self.line);
            let spaced = text.len() < self.line.len()
                && text.len() <= LINE_CHARS
                && !text.iter().any(|&b| is_space(b));
            let problem = if spaced {
                ArmorProblem::Whitespace
            } else {
                ArmorProblem::LineTooLong
            };
            return Err(error(self.line_no, problem));
        }
        Ok(true)
    }

    /// Skips blank lines; `Ok(false)` at the end of input. Refuses more than
    /// [`MAX_BLANK_LINES`] of them.
    fn next_nonblank(&mut self) -> io::Result<bool> {
        for _ in 0..=MAX_BLANK_LINES {
            if !self.next_line()? {
                return Ok(false);
            }
            if !is_blank(&self.line) {
                return Ok(true);
            }
        }
        Err(error(self.line_no, ArmorProblem::TrailingData))
    }

    /// Decodes `held` (a body line) into `out`.
    fn decode_held(&mut self, last: bool) -> io::Result<()> {
        let line_no = self.line_no - 1;
        if !last && self.held.len() != LINE_CHARS {
            return Err(error(line_no, ArmorProblem::ShortLine));
        }
        if self.held.is_empty()
            || self.held.len() > LINE_CHARS
            || (!last && self.held.contains(&b'='))
        {
            return Err(error(line_no, ArmorProblem::BadBase64));
        }
        let decoded = Base64::decode(&self.held, &mut self.out)
            .map_err(|_| error(line_no, ArmorProblem::BadBase64))?;
        self.out_len = decoded.len();
        self.out_pos = 0;
        Ok(())
    }

    /// Makes the next decoded line available in `out`; `Ok(false)` once the END line and what
    /// follows it have checked out.
    fn refill(&mut self) -> io::Result<bool> {
        loop {
            match self.state {
                State::Done => return Ok(false),
                State::Start => {
                    // Unless its first line that is not blank looks like a BEGIN line, the
                    // input is simply not armor. (A line too long, or a 65th blank line, is
                    // such a line: what was read of it is in `self.line`.)
                    let begins = match self.next_nonblank() {
                        Ok(begins) => begins,
                        Err(e) if e.kind() == io::ErrorKind::InvalidData => true,
                        Err(e) => return Err(e),
                    };
                    let line_no = self.line_no.max(1);
                    if !begins {
                        return Err(error(line_no, ArmorProblem::NoBegin));
                    }
                    if self.line != BEGIN.as_bytes() {
                        let text = trim_space(&self.line);
                        let problem = if self.unterminated && cut_short(&self.line, BEGIN) {
                            ArmorProblem::NoEnd
                        } else if text == BEGIN.as_bytes() {
                            ArmorProblem::Whitespace
                        } else if text.starts_with(b"-----") {
                            ArmorProblem::BadBegin
                        } else {
                            ArmorProblem::NoBegin
                        };
                        return Err(error(line_no, problem));
                    }
                    self.state = State::Body;
                }
                State::Body => {
                    if !self.next_line()? {
                        return Err(error(self.line_no + 1, ArmorProblem::NoEnd));
                    }
                    if self.unterminated && cut_short(&self.line, END) {
                        return Err(error(self.line_no, ArmorProblem::NoEnd));
                    }
                    if is_blank(&self.line) {
                        self.blank_at.get_or_insert(self.line_no);
                        continue;
                    }
                    if let Some(at) = self.blank_at {
                        return Err(error(at, ArmorProblem::BlankLine));
                    }
                    check_text_line(&self.line, self.line_no)?;
                    if self.line == END.as_bytes() {
                        if self.held.is_empty() {
                            return Err(error(self.line_no, ArmorProblem::EmptyBody));
                        }
                        self.decode_held(true)?;
                        self.held.clear();
                        // A line too long to be blank after END is data after END too.
                        let more = match self.next_nonblank() {
                            Ok(more) => more,
                            Err(e) if e.kind() == io::ErrorKind::InvalidData => true,
                            Err(e) => return Err(e),
                        };
                        if more {
                            return Err(error(self.line_no, ArmorProblem::TrailingData));
                        }
                        self.state = State::Done;
                        return Ok(true);
                    }
                    if self.line.starts_with(b"-----") {
                        // Neither a body line (`-` is not base64) nor the END line: this line
                        // is the problem, not whether the body line before it was the last.
                        return Err(error(self.line_no, ArmorProblem::BadEnd));
                    }
                    let had_line = !self.held.is_empty();
                    if had_line {
                        self.decode_held(false)?;
                    }
                    self.held.clear();
                    self.held.extend_from_slice(&self.line);
                    if had_line {
                        return Ok(true);
                    }
                }
            }
        }
    }
}

impl<R: Read> Read for ArmorReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut written = 0;
        while written < buf.len() {
            if self.out_pos == self.out_len && !self.refill()? {
                break;
            }
            let n = (self.out_len - self.out_pos).min(buf.len() - written);
            buf[written..written + n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
            self.out_pos += n;
            written += n;
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn armor(data: &[u8], pieces: usize) -> String {
        let mut w = ArmorWriter::new(Vec::new());
        for piece in data.chunks(pieces.max(1)) {
            w.write_all(piece).unwrap();
        }
        String::from_utf8(w.finish().unwrap()).unwrap()
    }

    fn dearmor(text: &[u8]) -> Result<Vec<u8>, ArmorError> {
        let mut out = Vec::new();
        ArmorReader::new(text).read_to_end(&mut out).map_err(|e| {
            *e.into_inner()
                .and_then(|inner| inner.downcast::<ArmorError>().ok())
                .expect("an armor error")
        })?;
        Ok(out)
    }

    #[test]
    fn round_trips_every_length_and_write_pattern() {
        for len in [1usize, 2, 3, 47, 48, 49, 95, 96, 97, 1000] {
            let data: Vec<u8> = (0..len).map(|i| (i * 31 % 256) as u8).collect();
            for pieces in [1, 7, 48, 1000] {
                let text = armor(&data, pieces);
                assert!(text.starts_with("-----BEGIN SEAL ENCRYPTED FILE-----\n"));
                assert!(text.ends_with("\n-----END SEAL ENCRYPTED FILE-----\n"));
                let body: Vec<&str> = text.lines().skip(1).collect();
                let body = &body[..body.len() - 1];
                assert_eq!(body.len(), len.div_ceil(48));
                assert!(body[..body.len() - 1].iter().all(|l| l.len() == 64));
                assert_eq!(dearmor(text.as_bytes()).unwrap(), data);
                assert_eq!(
                    dearmor(text.replace('\n', "\r\n").as_bytes()).unwrap(),
                    data
                );
            }
        }
    }

    #[test]
    fn exact_text_of_a_small_stream() {
        assert_eq!(
            armor(b"seal", 1),
            "-----BEGIN SEAL ENCRYPTED FILE-----\nc2VhbA==\n-----END SEAL ENCRYPTED FILE-----\n"
        );
    }

    #[test]
    fn blank_lines_around_are_accepted_and_bounded() {
        let text = format!("\n  \n\t\n{}\n \n", armor(b"seal", 1));
        assert_eq!(dearmor(text.as_bytes()).unwrap(), b"seal");
        let many = format!("{}{}", "\n".repeat(MAX_BLANK_LINES + 1), armor(b"seal", 1));
        assert_eq!(
            dearmor(many.as_bytes()).unwrap_err().problem,
            ArmorProblem::NoBegin
        );
        let after = format!("{}{}", armor(b"seal", 1), "\n".repeat(MAX_BLANK_LINES + 1));
        assert_eq!(
            dearmor(after.as_bytes()).unwrap_err().problem,
            ArmorProblem::TrailingData
        );
    }

    #[test]
    fn strict_parsing_names_the_problem_and_the_line() {
        let data = vec![7u8; 100];
        let good = armor(&data, 100);
        let lines: Vec<&str> = good.lines().collect();
        let with = |i: usize, replacement: &str| {
            let mut l = lines.clone();
            l[i] = replacement;
            l.join("\n") + "\n"
        };
        let fails = |text: &str| dearmor(text.as_bytes()).unwrap_err();
        let e = |line, problem| ArmorError { line, problem };
        assert_eq!(fails("hello\n"), e(1, ArmorProblem::NoBegin));
        assert_eq!(fails(""), e(1, ArmorProblem::NoBegin));
        assert_eq!(
            fails(&with(0, "-----BEGIN SEAL ENCRYPTED FILE----- ")),
            e(1, ArmorProblem::Whitespace)
        );
        assert_eq!(
            fails(&with(0, "-----BEGIN PGP MESSAGE-----")),
            e(1, ArmorProblem::BadBegin)
        );
        let short = &lines[1][..60];
        assert_eq!(fails(&with(1, short)), e(2, ArmorProblem::ShortLine));
        let bad = format!("{}*", &lines[1][..63]);
        assert_eq!(fails(&with(1, &bad)), e(2, ArmorProblem::BadBase64));
        let padded = format!("{}==", &lines[1][..62]);
        assert_eq!(fails(&with(1, &padded)), e(2, ArmorProblem::BadBase64));
        let long = format!("{}AAAA", lines[1]);
        assert_eq!(fails(&with(1, &long)), e(2, ArmorProblem::LineTooLong));
        let huge = "A".repeat(100_000);
        assert_eq!(fails(&with(2, &huge)), e(3, ArmorProblem::LineTooLong));
        // 100 bytes: two full lines and a last one of 4 bytes (8 characters), then END on 5.
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[3].len(), 8);
        // Non-canonical padding bits in the last line.
        let noncanonical = format!("{}B=", &lines[3][..6]);
        assert_eq!(
            fails(&with(3, &noncanonical)),
            e(4, ArmorProblem::BadBase64)
        );
        // Cut before END, data after END, no body.
        let cut: String = lines[..4].join("\n") + "\n";
        assert_eq!(fails(&cut), e(5, ArmorProblem::NoEnd));
        // A part of the END line, given a line ending: that line is named, not the short last
        // body line before it.
        let cut_end = format!("{cut}-----END SEAL\n");
        assert_eq!(fails(&cut_end), e(5, ArmorProblem::BadEnd));
        let cut_end = format!("{cut}-----END SEAL\r\n\n");
        assert_eq!(fails(&cut_end), e(5, ArmorProblem::BadEnd));
        assert_eq!(
            fails(&format!("{cut}-----END PGP MESSAGE-----\n")),
            e(5, ArmorProblem::BadEnd)
        );
        assert_eq!(
            fails(&format!("{good}x\n")),
            e(6, ArmorProblem::TrailingData)
        );
        assert_eq!(
            fails(&format!("{BEGIN}\n{END}\n")),
            e(2, ArmorProblem::EmptyBody)
        );
    }

    #[test]
    fn pasted_armor_errors_name_the_line_and_the_problem() {
        let good = armor(&[7u8; 100], 100);
        let lines: Vec<&str> = good.lines().collect();
        let fails = |text: &str| dearmor(text.as_bytes()).unwrap_err();
        let e = |line, problem| ArmorError { line, problem };
        // Indented as a whole (a quoted mail, a YAML block): the BEGIN line is named.
        let indented: String = lines.iter().map(|l| format!("    {l}\n")).collect();
        assert_eq!(fails(&indented), e(1, ArmorProblem::Whitespace));
        let indented_after_blank = format!("\n\n{indented}");
        assert_eq!(fails(&indented_after_blank), e(3, ArmorProblem::Whitespace));
        // Trailing spaces on every line: the BEGIN line already.
        let trailing: String = lines.iter().map(|l| format!("{l}  \n")).collect();
        assert_eq!(fails(&trailing), e(1, ArmorProblem::Whitespace));
        // One body line, or the END line, with a space: that line.
        let mut one = lines.clone();
        let spaced = format!("{} ", lines[2]);
        one[2] = &spaced;
        assert_eq!(
            fails(&(one.join("\n") + "\n")),
            e(3, ArmorProblem::Whitespace)
        );
        let mut end = lines.clone();
        let spaced_end = format!("{END} ");
        end[4] = &spaced_end;
        assert_eq!(
            fails(&(end.join("\n") + "\n")),
            e(5, ArmorProblem::Whitespace)
        );
        // A full body line with more trailing spaces than a line can hold: still the spaces.
        let mut long = lines.clone();
        let very_spaced = format!("{}{}", lines[1], " ".repeat(30));
        long[1] = &very_spaced;
        assert_eq!(
            fails(&(long.join("\n") + "\n")),
            e(2, ArmorProblem::Whitespace)
        );
        let tab_end = format!("{}\n\t{END}\n", lines[..4].join("\n"));
        assert_eq!(fails(&tab_end), e(5, ArmorProblem::Whitespace));
    }

    #[test]
    fn blank_lines_only_around_the_armor_and_no_longer_than_an_armor_line() {
        let good = armor(&[7u8; 100], 100);
        let lines: Vec<&str> = good.lines().collect();
        let fails = |text: &str| dearmor(text.as_bytes()).unwrap_err();
        let e = |line, problem| ArmorError { line, problem };
        // Inside the body: an empty line, a line of spaces, right after BEGIN, before END.
        for (at, blank) in [(2, ""), (2, "   "), (1, ""), (4, "\t")] {
            let mut l = lines.clone();
            l.insert(at, blank);
            let text = l.join("\n") + "\n";
            assert_eq!(
                fails(&text),
                e(at as u64 + 1, ArmorProblem::BlankLine),
                "{at}"
            );
        }
        // Cut after a blank line: cut, not a blank line.
        let cut = format!("{}\n\n", lines[..3].join("\n"));
        assert_eq!(fails(&cut), e(5, ArmorProblem::NoEnd));
        // Blank lines of 64 characters are blank; of 65, they are not.
        let b64 = " ".repeat(64);
        let b65 = " ".repeat(65);
        assert_eq!(
            dearmor(format!("{b64}\n{good}{b64}\n").as_bytes()).unwrap(),
            vec![7u8; 100]
        );
        assert_eq!(
            fails(&format!("{b65}\n{good}")),
            e(1, ArmorProblem::NoBegin)
        );
        assert_eq!(
            fails(&format!("{good}{b65}\n")),
            e(6, ArmorProblem::TrailingData)
        );
        assert_eq!(
            fails(&format!("{good}{}\n", " ".repeat(200))),
            e(6, ArmorProblem::TrailingData)
        );
        // Too long, indented or not, before BEGIN: named if it looks like BEGIN.
        let long_begin = format!("{BEGIN}{}\n{good}", " ".repeat(40));
        assert_eq!(fails(&long_begin), e(1, ArmorProblem::Whitespace));
        assert_eq!(fails(&"x".repeat(100)), e(1, ArmorProblem::NoBegin));
        // A form feed is neither blank nor armor.
        assert!(!looks_armored(0x0c));
        assert_eq!(fails(&format!("\x0c\n{good}")), e(1, ArmorProblem::NoBegin));
    }
}
