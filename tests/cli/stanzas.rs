//! What belongs here: a recipient whose stanza opens but whose key is not the stream's: what
//! seal tells them.

use std::fs;
use std::io::Cursor;

use crate::common::*;
use crate::kit::seal_no_stdin;

#[test]
fn a_stanza_whose_key_is_not_the_streams_is_told_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut recipients = Vec::new();
    for name in ["alice", "bob"] {
        let out = seal_no_stdin(d, &["keygen", "--identity", "--kind", "x25519", "-o", name]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let out = seal_no_stdin(d, &["recipient", name]);
        recipients.push(
            String::from_utf8(ok(&out).to_vec())
                .unwrap()
                .trim()
                .to_string(),
        );
    }
    fs::write(d.join("plain"), b"for both").unwrap();
    let out = seal_no_stdin(
        d,
        &[
            "enc",
            "-r",
            &recipients[0],
            "-r",
            &recipients[1],
            "-o",
            "sealed",
            "plain",
        ],
    );
    ok(&out);
    // Each stanza still opens for its own identity once the two are swapped, but the key
    // commitment binds their order: the same check a stream made with different keys for
    // its two recipients fails for one of them (SECURITY.md).
    let stream = fs::read(d.join("sealed")).unwrap();
    let len = seal::Decryptor::new(Cursor::new(&stream))
        .unwrap()
        .header()
        .len();
    assert_eq!(len, 47 + 2 + 2 * 83 + 32);
    let mut swapped = stream[..49].to_vec();
    swapped.extend_from_slice(&stream[49 + 83..49 + 166]);
    swapped.extend_from_slice(&stream[49..49 + 83]);
    swapped.extend_from_slice(&stream[len - 32..]);
    fs::write(d.join("swapped"), swapped).unwrap();
    for name in ["alice", "bob"] {
        let out = seal_no_stdin(d, &["dec", "-k", name, "swapped"]);
        assert_fails(
            &out,
            5,
            "this identity's recipient stanza opened, but its key is not the stream's key (the \
             key commitment does not match): the sender made the stream so that this \
             recipient cannot read it, or its header was changed",
        );
        assert!(!stderr(&out).contains("modified"), "{}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
}
