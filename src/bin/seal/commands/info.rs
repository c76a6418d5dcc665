//! `seal info`: what a stream's header says, without a key (nothing is authenticated).

use std::path::Path;

use anyhow::Context;
use seal::{Error, Framing, KeyKind, armor, read_header};

use super::{input_name, write_stdout};
use crate::files::Input;

pub fn info(path: Option<&Path>, json: bool) -> anyhow::Result<()> {
    let input = Input::open(path, "info")?;
    let file_len = input.regular_file_len();
    let (mut reader, armored) = armor::auto(input.reader)
        .map_err(Error::from_read)
        .with_context(|| input_name(path))?;
    let header = read_header(&mut reader).with_context(|| input_name(path))?;
    // The length of armored text says little about the stream's: no layout from it.
    let stream_len = file_len.filter(|_| !armored);
    let live = header.framing() == Framing::Live;
    let version = header.framing().version();
    let layout = stream_len.map(|len| header.layout_for_length(len));
    let cipher = header.cipher().name();
    let chunk = header.chunk_size();
    let kind = header.key_kind();
    let text = if json {
        // Fixed field names, numbers and known names only: no escaping is needed.
        let (frames, plain) = match layout {
            Some(Some((f, p))) => (f.to_string(), p.to_string()),
            _ => ("null".into(), "null".into()),
        };
        let kdf = match kind {
            KeyKind::KeyFile => "null".to_string(),
            KeyKind::Passphrase(p) => format!(
                "{{\"algorithm\":\"argon2id\",\"memory_kib\":{},\"passes\":{},\"lanes\":{}}}",
                p.memory_kib(),
                p.passes(),
                p.lanes()
            ),
        };
        format!(
            "{{\"format\":\"seal\",\"version\":{version},\"framing\":\"{}\",\"armored\":{armored},\"cipher\":\"{cipher}\",\
             \"chunk_size\":{chunk},\
             \"key_kind\":\"{}\",\"kdf\":{kdf},\"header_bytes\":{},\"stream_bytes\":{},\
             \"frames\":{frames},\"plaintext_bytes\":{plain},\"length_consistent\":{},\
             \"authenticated\":false}}\n",
            header.framing().name(),
            kind.name(),
            header.len(),
            stream_len.map_or("null".into(), |l| l.to_string()),
            layout
                .filter(|_| !live)
                .map_or("null".into(), |l| l.is_some().to_string()),
        )
    } else {
        let mut text = format!(
            "format:     seal version {version}{}{}\ncipher:     {cipher}\nchunk size: {chunk} bytes\n",
            if live { ", live framing" } else { "" },
            if armored { ", ASCII armor" } else { "" }
        );
        match kind {
            KeyKind::KeyFile => text.push_str("key kind:   key file\n"),
            KeyKind::Passphrase(p) => text.push_str(&format!(
                "key kind:   passphrase\nkdf:        argon2id, {} KiB, {} passes, {} lane(s)\n",
                p.memory_kib(),
                p.passes(),
                p.lanes()
            )),
        }
        match (stream_len, layout) {
            (Some(len), Some(Some((frames, plain)))) => text.push_str(&format!(
                "stream:     {len} bytes, {frames} frames\n\
                 plaintext:  {plain} bytes (from the length; run 'seal verify' to authenticate)\n"
            )),
            (Some(len), _) if live => text.push_str(&format!(
                "stream:     {len} bytes, live framing: frame count unknown until read\n"
            )),
            (Some(len), _) => text.push_str(&format!(
                "stream:     {len} bytes: no complete stream has this length (truncated or extended)\n"
            )),
            (None, _) if armored => {
                text.push_str("stream:     armored text: frame count unknown until read\n")
            }
            (None, _) => {
                text.push_str("stream:     not a regular file: frame count unknown until read\n")
            }
        }
        text
    };
    write_stdout(text.as_bytes())
}
