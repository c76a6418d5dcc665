//! `seal info`: what a stream's header says, without a key (nothing is authenticated).

use std::path::Path;

use anyhow::Context;
use seal::{Framing, Header, KeyKind, RecipientKind};

use serde::Serialize;

use super::header;
use super::{input_name, write_stdout};
use crate::files::Input;

/// What `seal info --json` prints, one object on one line. docs/FORMAT.md, "seal info
/// --json", documents every field, its type and when it is null; fields may be added (at the
/// end), none is removed or changes type.
#[derive(Serialize)]
struct Report {
    format: &'static str,
    version: u8,
    framing: &'static str,
    armored: bool,
    cipher: &'static str,
    chunk_size: u32,
    key_kind: &'static str,
    kdf: Option<Kdf>,
    header_bytes: usize,
    stream_bytes: Option<u64>,
    frames: Option<u64>,
    plaintext_bytes: Option<u64>,
    length_consistent: Option<bool>,
    authenticated: bool,
    recipients: Option<Vec<String>>,
    classical_stanzas: Option<usize>,
    /// Whether the stream is signed (format version 3).
    signed: bool,
    signature_kind: Option<&'static str>,
    /// The signer's public key text (as the header names it: not verified by info).
    signer: Option<String>,
    signer_fingerprint: Option<String>,
    signed_comment: Option<String>,
    /// Bytes of the signature after the final frame.
    trailer_bytes: Option<usize>,
    /// The signature kind, for a person (text output only).
    #[serde(skip)]
    signature_description: Option<&'static str>,
}

/// How many of the header's stanzas are of a known classical kind (X25519, SSH Ed25519):
/// each would give a quantum attacker the file key. Unknown kinds count as neither.
fn classical_stanzas(header: &Header) -> usize {
    header
        .stanzas()
        .iter()
        .filter_map(|s| RecipientKind::from_stanza_kind(s.kind()))
        .filter(|k| !k.is_post_quantum())
        .count()
}

/// The kind of each recipient stanza, in header order: the header names kinds, never which
/// public keys (see docs/FORMAT.md).
fn stanza_kinds(header: &Header) -> Vec<String> {
    header
        .stanzas()
        .iter()
        .map(|s| match RecipientKind::from_stanza_kind(s.kind()) {
            Some(kind) => kind.name().to_string(),
            None => format!("unknown-{}", s.kind()),
        })
        .collect()
}

/// How a passphrase stream's key is stretched.
#[derive(Serialize)]
struct Kdf {
    algorithm: &'static str,
    memory_kib: u32,
    passes: u32,
    lanes: u32,
}

pub fn info(path: Option<&Path>, json: bool) -> anyhow::Result<()> {
    let input = Input::open(path, "info")?;
    let file_len = input.regular_file_len();
    let (decryptor, armored) = header::read(input.reader, &input_name(path))?;
    let report = Report::of(decryptor.header(), armored, file_len);
    let text = if json {
        let mut text = serde_json::to_string(&report).context("writing JSON")?;
        text.push('\n');
        text
    } else {
        report.text()
    };
    write_stdout(text.as_bytes())
}

impl Report {
    /// The facts, gathered once: what the header says, and what the input's length says
    /// (`file_len`, for a regular file) about its frames.
    fn of(header: &Header, armored: bool, file_len: Option<u64>) -> Report {
        // The length of armored text says little about the stream's: no layout from it.
        let stream_len = file_len.filter(|_| !armored);
        let live = header.framing() == Framing::Live;
        let layout = stream_len.map(|len| header.layout_for_length(len));
        let (frames, plaintext_bytes) = match layout {
            Some(Some((f, p))) => (Some(f), Some(p)),
            _ => (None, None),
        };
        let kind = header.key_kind();
        let signed = header.signed();
        Report {
            format: "seal",
            version: header.version(),
            framing: header.framing().name(),
            armored,
            cipher: header.cipher().name(),
            chunk_size: header.chunk_size(),
            key_kind: kind.name(),
            kdf: match kind {
                KeyKind::KeyFile | KeyKind::Recipients => None,
                KeyKind::Passphrase(p) => Some(Kdf {
                    algorithm: "argon2id",
                    memory_kib: p.memory_kib(),
                    passes: p.passes(),
                    lanes: p.lanes(),
                }),
            },
            header_bytes: header.len(),
            stream_bytes: stream_len,
            frames,
            plaintext_bytes,
            length_consistent: layout.filter(|_| !live).map(|l| l.is_some()),
            authenticated: false,
            recipients: (kind == KeyKind::Recipients).then(|| stanza_kinds(header)),
            classical_stanzas: (kind == KeyKind::Recipients).then(|| classical_stanzas(header)),
            signed: signed.is_some(),
            signature_kind: signed.map(|s| s.signer().kind().name()),
            signer: signed.map(|s| s.signer().to_text()),
            signer_fingerprint: signed.map(|s| s.signer().fingerprint_text()),
            signed_comment: signed.map(|s| s.comment().to_owned()),
            trailer_bytes: signed.map(|_| header.trailer_len()),
            signature_description: signed.map(|s| s.signer().kind().description()),
        }
    }

    /// The same facts, for a person.
    fn text(&self) -> String {
        let live = self.framing == Framing::Live.name();
        let mut text = format!(
            "format:     seal version {}{}{}\ncipher:     {}\nchunk size: {} bytes\n",
            self.version,
            if live { ", live framing" } else { "" },
            if self.armored { ", ASCII armor" } else { "" },
            self.cipher,
            self.chunk_size,
        );
        match (&self.kdf, &self.recipients) {
            (Some(kdf), _) => text.push_str(&format!(
                "key kind:   passphrase\nkdf:        argon2id, {} KiB, {} passes, {} lane(s)\n",
                kdf.memory_kib, kdf.passes, kdf.lanes
            )),
            (None, Some(kinds)) => {
                let mut counts: Vec<(&str, usize)> = Vec::new();
                for k in kinds {
                    match counts.iter_mut().find(|(name, _)| name == k) {
                        Some((_, n)) => *n += 1,
                        None => counts.push((k, 1)),
                    }
                }
                let counts: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
                text.push_str(&format!(
                    "key kind:   recipients (public keys not shown: the header does not hold them)\n\
                     recipients: {} ({})\n",
                    kinds.len(),
                    counts.join(", ")
                ));
                let classical = self.classical_stanzas.unwrap_or(0);
                if classical > 0 {
                    text.push_str(&format!(
                        "classical:  {classical} of {} stanzas are not post-quantum: a quantum \
                         attacker who breaks X25519 can recover the file key\n",
                        kinds.len()
                    ));
                }
            }
            (None, None) => text.push_str("key kind:   key file\n"),
        }
        if let (Some(description), Some(fingerprint)) =
            (self.signature_description, &self.signer_fingerprint)
        {
            text.push_str(&format!(
                "signed:     {description} (not verified by info: use 'seal verify --signed-by')\n\
                 signer:     {fingerprint}\n"
            ));
            if let Some(comment) = self.signed_comment.as_deref().filter(|c| !c.is_empty()) {
                text.push_str(&format!(
                    "comment:    {}\n",
                    crate::diag::quote_str(comment)
                ));
            }
        }
        match (self.stream_bytes, self.frames, self.plaintext_bytes) {
            (Some(len), Some(frames), Some(plain)) => text.push_str(&format!(
                "stream:     {}, {}\n\
                 plaintext:  {} (from the length; run 'seal verify' to authenticate)\n",
                super::count(len, "byte"),
                super::count(frames, "frame"),
                super::count(plain, "byte"),
            )),
            (Some(len), ..) if live => text.push_str(&format!(
                "stream:     {len} bytes, live framing: frame count unknown until read\n"
            )),
            (Some(len), ..) => text.push_str(&format!(
                "stream:     {len} bytes: no complete stream has this length (truncated or extended)\n"
            )),
            (None, ..) if self.armored => {
                text.push_str("stream:     armored text: frame count unknown until read\n")
            }
            (None, ..) => {
                text.push_str("stream:     not a regular file: frame count unknown until read\n")
            }
        }
        text
    }
}
