//! Property tests: valid streams mutated, cut and spliced must either fail cleanly or decrypt
//! to exactly the original plaintext; and on failure, what was released is a prefix of it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test panics to report its failure"
)]

#[path = "common/armor_oracle.rs"]
mod armor_oracle;
mod common;
#[allow(unused_imports)]
use common::{enc_key, enc_pass, enc_pass_salted, enc_salted, enc_to, enc_to_fixed};

use std::io::Cursor;

use common::*;
use proptest::prelude::*;
use seal::{Cipher, Key};

fn cipher_of(aes: bool) -> Cipher {
    if aes {
        Cipher::Aes256Gcm
    } else {
        Cipher::ChaCha20Poly1305
    }
}

/// A stream with a fresh random salt, as the command line writes it.
fn seal_random(key: &Key, cipher: Cipher, chunk: u32, plain: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    enc_key(key, cipher, chunk)
        .unwrap()
        .threads(1)
        .encrypt(Cursor::new(plain.to_vec()), &mut out)
        .unwrap();
    out
}

/// The one acceptable outcome of decrypting `damaged`: exactly `plain` if `damaged` is the
/// original stream, else an error having released only a prefix of `plain`.
fn check_outcome(
    original: &[u8],
    damaged: &[u8],
    plain: &[u8],
    threads: usize,
) -> Result<(), TestCaseError> {
    let (result, released) = open_all(&key(), damaged, threads);
    match result {
        Ok(_) => {
            prop_assert!(damaged == original, "a changed stream was accepted");
            prop_assert!(released == plain);
        }
        Err(_) => {
            prop_assert!(damaged != original, "the original stream was refused");
            prop_assert!(
                plain.starts_with(&released),
                "released bytes are not a prefix"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn mutated_streams_fail_or_round_trip(
        plain in proptest::collection::vec(any::<u8>(), 0..700),
        chunk in 64u32..300,
        aes in any::<bool>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..5),
        threads in 1usize..4,
    ) {
        let sealed = seal_fixed(&key(), cipher_of(aes), chunk, &plain, 1);
        let mut damaged = sealed.clone();
        for (at, value) in edits {
            let i = at.index(damaged.len());
            damaged[i] = value;
        }
        check_outcome(&sealed, &damaged, &plain, threads)?;
    }

    #[test]
    fn cut_and_extended_streams_fail(
        plain in proptest::collection::vec(any::<u8>(), 0..700),
        chunk in 64u32..300,
        aes in any::<bool>(),
        cut in any::<prop::sample::Index>(),
        tail in proptest::collection::vec(any::<u8>(), 0..100),
        threads in 1usize..4,
    ) {
        let sealed = seal_fixed(&key(), cipher_of(aes), chunk, &plain, 1);
        let mut damaged = sealed[..cut.index(sealed.len())].to_vec();
        damaged.extend_from_slice(&tail);
        check_outcome(&sealed, &damaged, &plain, threads)?;
    }

    #[test]
    fn spliced_streams_fail_or_are_one_of_the_originals(
        a in proptest::collection::vec(any::<u8>(), 0..600),
        b in proptest::collection::vec(any::<u8>(), 0..600),
        chunk in 64u32..200,
        aes in any::<bool>(),
        cut_a in any::<prop::sample::Index>(),
        cut_b in any::<prop::sample::Index>(),
        threads in 1usize..4,
    ) {
        let key = key();
        let sa = seal_random(&key, cipher_of(aes), chunk, &a);
        let sb = seal_random(&key, cipher_of(aes), chunk, &b);
        let mut spliced = sa[..cut_a.index(sa.len() + 1).min(sa.len())].to_vec();
        spliced.extend_from_slice(&sb[cut_b.index(sb.len())..]);
        let (result, released) = open_all(&key, &spliced, threads);
        match result {
            Ok(_) => prop_assert!(
                (spliced == sa && released == a) || (spliced == sb && released == b),
                "a spliced stream was accepted"
            ),
            Err(_) => prop_assert!(
                a.starts_with(&released) || b.starts_with(&released),
                "released bytes belong to neither plaintext"
            ),
        }
    }
}

/// Gives its pieces one `read` each: with no delay, the live encoder makes one frame of each.
struct Pieces(Vec<Vec<u8>>);

impl std::io::Read for Pieces {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.0.is_empty() {
            return Ok(0);
        }
        let piece = &mut self.0[0];
        let n = piece.len().min(buf.len());
        buf[..n].copy_from_slice(&piece[..n]);
        piece.drain(..n);
        if piece.is_empty() {
            self.0.remove(0);
        }
        Ok(n)
    }
}

/// A live stream (fresh salt) whose frames are `pieces` (cut at the chunk size), then an empty
/// final frame.
fn seal_live(cipher: Cipher, chunk: u32, pieces: &[Vec<u8>], threads: usize) -> Vec<u8> {
    let mut out = Vec::new();
    enc_key(&key(), cipher, chunk)
        .unwrap()
        .max_delay(std::time::Duration::ZERO)
        .threads(threads)
        .encrypt(Pieces(pieces.to_vec()), &mut out)
        .unwrap();
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Live streams of frames of any lengths: they round-trip at any thread count, and mutated,
    /// cut, extended or spliced copies fail having released only a prefix of the plaintext.
    #[test]
    fn live_streams_round_trip_and_damage_fails_cleanly(
        pieces in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..200), 0..6),
        chunk in 64u32..150,
        aes in any::<bool>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
        tail in proptest::collection::vec(any::<u8>(), 0..40),
        other in proptest::collection::vec(any::<u8>(), 1..300),
        cut_other in any::<prop::sample::Index>(),
        threads in 1usize..4,
    ) {
        let plain = pieces.concat();
        let sealed = seal_live(cipher_of(aes), chunk, &pieces, threads);
        prop_assert_eq!(sealed[8], 2);
        prop_assert!(open_ok(&key(), &sealed, threads) == plain);
        let mut damaged = sealed.clone();
        for (at, value) in edits {
            let i = at.index(damaged.len());
            damaged[i] = value;
        }
        check_outcome(&sealed, &damaged, &plain, threads)?;
        let mut extended = sealed[..cut.index(sealed.len())].to_vec();
        extended.extend_from_slice(&tail);
        check_outcome(&sealed, &extended, &plain, threads)?;
        // The head of this stream and the rest of another live stream of the same key.
        let second = seal_live(cipher_of(aes), chunk, &[other], 1);
        let at = cut_other.index(sealed.len().min(second.len()));
        let spliced = [&sealed[..at], &second[at..]].concat();
        // (Cut within the bytes the two share, the splice is simply the other stream.)
        if spliced != sealed && spliced != second {
            check_outcome(&sealed, &spliced, &plain, threads)?;
        }
    }
}

/// Armors `data` as `seal enc -a` does.
fn armored(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut writer = seal::ArmorWriter::new(Vec::new());
    writer.write_all(data).unwrap();
    writer.finish().unwrap()
}

fn dearmored(text: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    seal::ArmorReader::new(text).read_to_end(&mut out)?;
    Ok(out)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Armor round-trips any bytes, and a damaged armor either fails with an armor error or
    /// gives back bytes of about the same length: a changed character changes bytes within its
    /// line, or (a `=` turned into a digit) adds at most 2 bytes at the end. Never a panic.
    /// Armor has no integrity of its own: the stream's frames catch what it lets through.
    #[test]
    fn armor_round_trips_and_damage_is_caught_or_local(
        data in proptest::collection::vec(any::<u8>(), 1..2000),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        cut in any::<prop::sample::Index>(),
    ) {
        let text = armored(&data);
        prop_assert_eq!(dearmored(&text).unwrap(), data.clone());
        let mut damaged = text.clone();
        let i = at.index(damaged.len());
        damaged[i] = byte;
        match dearmored(&damaged) {
            Ok(out) => prop_assert!(out.len().abs_diff(data.len()) <= 2),
            Err(e) => prop_assert!(e.get_ref().is_some_and(|e| e.is::<seal::ArmorError>()), "{e}"),
        }
        // Cut anywhere before the END line's last character: refused. (Without only its
        // final line ending, the text is complete: copy-paste often drops it.)
        let short = &text[..cut.index(text.len() - 1)];
        prop_assert!(dearmored(short).is_err());
        prop_assert_eq!(dearmored(&text[..text.len() - 1]).unwrap(), data);
    }
}

/// One edit of the kind copy-paste, editors and mail make to armored text.
#[derive(Debug, Clone)]
enum Edit {
    /// Insert this text at the start of a line.
    Insert(&'static str),
    /// Append this text to a line, before its line ending.
    Append(&'static str),
    /// Turn a line's LF into CR LF.
    Crlf,
    /// Remove a byte.
    Remove,
    /// Cut the text here.
    Cut,
}

fn edit() -> impl Strategy<Value = (Edit, prop::sample::Index)> {
    let texts = prop::sample::select(vec![
        "\n",
        " \n",
        "\t\n",
        "\r\n",
        "  ",
        "\t",
        "=",
        "A",
        "AAAA\n",
        "\r",
        "\x0c",
        "-----END SEAL ENCRYPTED FILE-----\n",
        "-----BEGIN SEAL ENCRYPTED FILE-----\n",
        "                                                                \n",
        "                                                                 \n",
    ]);
    let kind = prop_oneof![
        texts.clone().prop_map(Edit::Insert),
        texts.prop_map(Edit::Append),
        Just(Edit::Crlf),
        Just(Edit::Remove),
        Just(Edit::Cut),
    ];
    (kind, any::<prop::sample::Index>())
}

fn apply(text: &mut Vec<u8>, (edit, at): &(Edit, prop::sample::Index)) {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(
            text.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect();
    let ends: Vec<usize> = text
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
        .collect();
    match edit {
        Edit::Insert(s) => {
            let i = starts[at.index(starts.len())];
            text.splice(i..i, s.bytes());
        }
        Edit::Append(s) if !ends.is_empty() => {
            let i = ends[at.index(ends.len())];
            text.splice(i..i, s.bytes());
        }
        Edit::Crlf if !ends.is_empty() => {
            let i = ends[at.index(ends.len())];
            text.insert(i, b'\r');
        }
        Edit::Remove if !text.is_empty() => {
            text.remove(at.index(text.len()));
        }
        Edit::Cut => text.truncate(at.index(text.len() + 1)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// The parser accepts exactly the texts docs/FORMAT.md's rule accepts (as the independent
    /// oracle states it), with exactly the bytes they hold, whatever copy-paste did to them.
    #[test]
    fn armor_parser_accepts_exactly_what_the_format_allows(
        data in proptest::collection::vec(any::<u8>(), 1..200),
        edits in proptest::collection::vec(edit(), 0..4),
    ) {
        let mut text = armored(&data);
        prop_assert_eq!(armor_oracle::expected(&text), Some(data.clone()));
        for e in &edits {
            apply(&mut text, e);
        }
        prop_assert_eq!(dearmored(&text).ok(), armor_oracle::expected(&text), "{:?}", String::from_utf8_lossy(&text));
    }
}
