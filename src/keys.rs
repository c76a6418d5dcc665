//! Key files: generating a key and reading and writing its one-line text form.
//!
//! A key is 32 bytes from the operating system's CSPRNG. Its text form is
//!
//! ```text
//! SEAL-KEY-1-<64 lowercase hex digits of the key><8 lowercase hex digits of the checksum>
//! ```
//!
//! where the checksum is the first 4 bytes of SHA-256("seal key checksum v1" || key). The prefix
//! keeps a key from being mistaken for data (and data for a key); the fixed length and the
//! checksum reject a truncated or mistyped key with a clear message instead of a "wrong key"
//! much later. Hex is decoded in constant time (`base16ct`).
//!
//! Invariant: key bytes and every buffer that held key text are zeroized when dropped.

use std::io::Read;

use rand::TryRng;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, KeyProblem, Result};

/// Length of a key in bytes.
pub(crate) const KEY_LEN: usize = 32;
/// What every key text starts with.
pub(crate) const KEY_PREFIX: &str = "SEAL-KEY-1-";
const CHECKSUM_LEN: usize = 4;
const CHECKSUM_LABEL: &[u8] = b"seal key checksum v1";
/// Length of a key text without its line ending.
pub(crate) const KEY_TEXT_LEN: usize = KEY_PREFIX.len() + 2 * (KEY_LEN + CHECKSUM_LEN);
/// How much of a key file is read at most; anything longer is not a key file. Room for the
/// key text and a generous tail of whitespace (an editor's trailing spaces and blank lines).
const MAX_KEY_FILE_LEN: usize = KEY_TEXT_LEN + 1024;

/// The whitespace a key text may end with: space, tab, CR and LF (trailing spaces and blank
/// lines, as an editor or `echo >>` leaves them).
fn is_trailing_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
}

/// A 32-byte secret key, zeroized on drop.
pub struct Key(Zeroizing<[u8; KEY_LEN]>);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(<secret>)")
    }
}

fn checksum(key: &[u8; KEY_LEN]) -> [u8; CHECKSUM_LEN] {
    let digest = Sha256::new()
        .chain_update(CHECKSUM_LABEL)
        .chain_update(key)
        .finalize();
    let mut out = [0u8; CHECKSUM_LEN];
    out.copy_from_slice(&digest[..CHECKSUM_LEN]);
    out
}

impl Key {
    /// What a key's text starts with.
    pub const TEXT_PREFIX: &'static str = KEY_PREFIX;

    /// A fresh key from the operating system's CSPRNG.
    pub fn generate() -> Result<Self> {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        fill_random(key.as_mut())?;
        Ok(Key(key))
    }

    /// A key with the given bytes (for tests and known-answer vectors).
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Key(Zeroizing::new(bytes))
    }

    /// A key that is already in a zeroizing buffer (a stretched passphrase).
    pub(crate) fn from_zeroizing(bytes: Zeroizing<[u8; KEY_LEN]>) -> Self {
        Key(bytes)
    }

    /// The key bytes.
    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// The key's text form, with a trailing newline.
    pub fn to_text(&self) -> Zeroizing<String> {
        let mut raw = Zeroizing::new([0u8; KEY_LEN + CHECKSUM_LEN]);
        raw[..KEY_LEN].copy_from_slice(self.as_bytes());
        raw[KEY_LEN..].copy_from_slice(&checksum(self.as_bytes()));
        let mut hex = Zeroizing::new([0u8; 2 * (KEY_LEN + CHECKSUM_LEN)]);
        let mut text = Zeroizing::new(String::with_capacity(KEY_TEXT_LEN + 1));
        text.push_str(KEY_PREFIX);
        // The buffer is exactly twice the input, so encoding cannot fail.
        if let Ok(encoded) = base16ct::lower::encode_str(raw.as_ref(), hex.as_mut()) {
            text.push_str(encoded);
        }
        text.push('\n');
        text
    }

    /// Parses a key text: the key line, optionally followed by whitespace only (spaces, tabs,
    /// line endings, blank lines). Anything else after the key is [`KeyProblem::ExtraText`].
    pub fn from_text(text: &[u8]) -> Result<Self> {
        let problem = |p| Err(Error::Key(p));
        let Some(rest) = text.strip_prefix(KEY_PREFIX.as_bytes()) else {
            return problem(KeyProblem::NotAKey);
        };
        let end = rest
            .iter()
            .position(|&b| is_trailing_space(b))
            .unwrap_or(rest.len());
        let (hex, tail) = rest.split_at(end);
        if !tail.iter().all(|&b| is_trailing_space(b)) {
            return problem(KeyProblem::ExtraText);
        }
        if hex.len() != 2 * (KEY_LEN + CHECKSUM_LEN) {
            return problem(KeyProblem::WrongLength);
        }
        let mut raw = Zeroizing::new([0u8; KEY_LEN + CHECKSUM_LEN]);
        if base16ct::lower::decode(hex, raw.as_mut()).is_err() {
            return problem(KeyProblem::BadCharacter);
        }
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        key.copy_from_slice(&raw[..KEY_LEN]);
        if raw[KEY_LEN..] != checksum(&key) {
            return problem(KeyProblem::BadChecksum);
        }
        Ok(Key(key))
    }

    /// Reads a key text from a reader, reading no more than a key file can hold.
    pub fn from_reader(mut reader: impl Read) -> Result<Self> {
        let mut buf = Zeroizing::new(Vec::with_capacity(MAX_KEY_FILE_LEN + 1));
        reader
            .by_ref()
            .take(MAX_KEY_FILE_LEN as u64 + 1)
            .read_to_end(&mut buf)
            .map_err(Error::Read)?;
        if buf.len() > MAX_KEY_FILE_LEN {
            // Longer than any key text: either not a key at all or a key followed by more.
            return Err(Error::Key(if buf.starts_with(KEY_PREFIX.as_bytes()) {
                KeyProblem::ExtraText
            } else {
                KeyProblem::NotAKey
            }));
        }
        Key::from_text(&buf)
    }
}

/// Fills `buf` from the operating system's CSPRNG.
pub(crate) fn fill_random(buf: &mut [u8]) -> Result<()> {
    rand::rngs::SysRng
        .try_fill_bytes(buf)
        .map_err(|e| Error::Random(Box::new(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(r: Result<Key>) -> KeyProblem {
        match r {
            Err(Error::Key(p)) => p,
            other => panic!("expected a key problem, got {other:?}"),
        }
    }

    #[test]
    fn text_round_trip() {
        let key = Key::generate().unwrap();
        let text = key.to_text();
        assert_eq!(text.len(), KEY_TEXT_LEN + 1);
        assert!(text.starts_with(KEY_PREFIX));
        let back = Key::from_text(text.as_bytes()).unwrap();
        assert_eq!(back.as_bytes(), key.as_bytes());
        let crlf = format!("{}\r\n", text.trim_end());
        assert_eq!(
            Key::from_text(crlf.as_bytes()).unwrap().as_bytes(),
            key.as_bytes()
        );
        let bare = text.trim_end();
        assert_eq!(
            Key::from_text(bare.as_bytes()).unwrap().as_bytes(),
            key.as_bytes()
        );
        // Trailing spaces, tabs and blank lines, as editors and `echo >>` leave them.
        for tail in ["  ", "\t\n", " \n\n", "\n\n\n", "\r\n\r\n", "\n \t \n"] {
            let padded = format!("{bare}{tail}");
            assert_eq!(
                Key::from_text(padded.as_bytes()).unwrap().as_bytes(),
                key.as_bytes(),
                "{tail:?}"
            );
        }
        let many_blank_lines = format!("{bare}{}", "\n".repeat(500));
        assert!(Key::from_reader(many_blank_lines.as_bytes()).is_ok());
    }

    #[test]
    fn known_text() {
        let key = Key::from_bytes([0x11; 32]);
        let text = key.to_text();
        assert_eq!(&text[..KEY_PREFIX.len() + 4], "SEAL-KEY-1-1111");
        let digest = Sha256::digest([CHECKSUM_LABEL, &[0x11; 32]].concat());
        assert_eq!(
            &text[KEY_PREFIX.len() + 64..KEY_TEXT_LEN],
            base16ct::lower::encode_string(&digest[..4])
        );
    }

    #[test]
    fn rejections() {
        let text = Key::from_bytes([0xab; 32]).to_text();
        let t = text.trim_end();
        assert_eq!(kind(Key::from_text(b"")), KeyProblem::NotAKey);
        assert_eq!(
            kind(Key::from_text(&crate::format::MAGIC)),
            KeyProblem::NotAKey
        );
        assert_eq!(
            kind(Key::from_text(&t.as_bytes()[..t.len() - 1])),
            KeyProblem::WrongLength
        );
        assert_eq!(
            kind(Key::from_text(format!("{t}0").as_bytes())),
            KeyProblem::WrongLength
        );
        for extra in ["\nmore", " x", "\n\n#", "\t\0", "\t\x0c", " \u{a0}"] {
            assert_eq!(
                kind(Key::from_text(format!("{t}{extra}").as_bytes())),
                KeyProblem::ExtraText,
                "{extra:?}"
            );
        }
        // Whitespace before the key is not trailing whitespace.
        assert_eq!(
            kind(Key::from_text(format!(" {t}").as_bytes())),
            KeyProblem::NotAKey
        );
        assert_eq!(
            kind(Key::from_text(t.to_lowercase().as_bytes())),
            KeyProblem::NotAKey
        );
        let upper_hex = format!("{KEY_PREFIX}{}", t[KEY_PREFIX.len()..].to_uppercase());
        assert_eq!(
            kind(Key::from_text(upper_hex.as_bytes())),
            KeyProblem::BadCharacter
        );
        // Change one hex digit of the key: the checksum catches it.
        let mut typo = t.as_bytes().to_vec();
        typo[KEY_PREFIX.len() + 3] = b'c';
        assert_eq!(kind(Key::from_text(&typo)), KeyProblem::BadChecksum);
        let big = vec![b'S'; 4096];
        assert_eq!(kind(Key::from_reader(&big[..])), KeyProblem::NotAKey);
    }
}
