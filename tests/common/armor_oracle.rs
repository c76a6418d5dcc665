//! docs/FORMAT.md's armor rule, stated again independently of `seal::armor`: which texts are
//! armor, and the bytes each holds. The armor fuzz target and `tests/properties.rs` check
//! that seal's parser accepts exactly these texts and returns exactly these bytes.

use base64ct::{Base64, Encoding};

const BEGIN: &[u8] = b"-----BEGIN SEAL ENCRYPTED FILE-----";
const END: &[u8] = b"-----END SEAL ENCRYPTED FILE-----";
/// Characters of a full body line, and the most of any line.
const LINE: usize = 64;
/// Blank lines allowed before BEGIN, and after END.
const MAX_BLANK: usize = 64;

/// The bytes `text` holds if it is armor, `None` if it is not.
pub fn expected(text: &[u8]) -> Option<Vec<u8>> {
    // Lines end at LF; a CR just before the LF belongs to the line ending. A last line
    // without an LF is a line too.
    let mut lines: Vec<&[u8]> = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (line, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (
                rest[..i].strip_suffix(b"\r").unwrap_or(&rest[..i]),
                &rest[i + 1..],
            ),
            None => (rest, &rest[rest.len()..]),
        };
        lines.push(line);
        rest = next;
    }
    if lines.iter().any(|l| l.len() > LINE) {
        return None;
    }
    let blank = |l: &&&[u8]| l.iter().all(|&b| b == b' ' || b == b'\t');
    let lead = lines.iter().take_while(blank).count();
    let trail = lines.iter().rev().take_while(blank).count();
    if lead > MAX_BLANK || trail > MAX_BLANK || lead + trail >= lines.len() {
        return None;
    }
    let inner = &lines[lead..lines.len() - trail];
    if inner.len() < 3 || inner[0] != BEGIN || inner[inner.len() - 1] != END {
        return None;
    }
    let body = &inner[1..inner.len() - 1];
    let joined = body.concat();
    let mut bytes = vec![0u8; joined.len() / 4 * 3 + 3];
    let len = Base64::decode(&joined, &mut bytes).ok()?.len();
    bytes.truncate(len);
    // Exactly the canonical cut: 64 characters a line, the rest on the last line.
    let mut canonical = vec![0u8; joined.len() + 4];
    let canonical = Base64::encode(&bytes, &mut canonical).ok()?;
    let cut: Vec<&[u8]> = canonical.as_bytes().chunks(LINE).collect();
    (cut == body).then_some(bytes)
}
