//! What belongs here: `seal info --json` against its schema in docs/FORMAT.md: the documented
//! fields, in order, with the documented types, and null exactly where the document says.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::common::ok;
use crate::kit::{seal_env, words};

/// The field table of FORMAT.md's "seal info --json": (name, type words).
fn documented_fields() -> Vec<(String, String)> {
    let doc = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/FORMAT.md")).unwrap();
    let section = doc
        .split("\n## `seal info --json`\n")
        .nth(1)
        .expect("FORMAT.md has a section on seal info --json");
    let section = section.split("\n## ").next().unwrap();
    section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[1].trim_matches('`').to_owned(), cells[2].to_owned())
        })
        .collect()
}

fn type_word(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `seal info --json` of `input` (a file name, or stdin when empty), checked against the
/// documented fields and types, as a JSON object.
fn info(dir: &Path, input: &str, stdin: &[u8]) -> serde_json::Map<String, Value> {
    let mut args = vec!["info", "--json"];
    if !input.is_empty() {
        args.push(input);
    }
    let out = seal_env(dir, &args, &[], stdin);
    let text = String::from_utf8(ok(&out).to_vec()).unwrap();
    assert!(
        text.ends_with('\n') && text.lines().count() == 1,
        "{text:?}"
    );
    let Value::Object(object) = serde_json::from_str(&text).unwrap() else {
        panic!("not an object: {text}");
    };
    let fields = documented_fields();
    let mut names: Vec<&str> = object.keys().map(String::as_str).collect();
    let mut documented: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
    // In the documented order (the parsed map is sorted: look at the text).
    let at: Vec<usize> = documented
        .iter()
        .map(|n| text.find(&format!("\"{n}\":")).unwrap_or(usize::MAX))
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "order: {text}");
    names.sort_unstable();
    documented.sort_unstable();
    assert_eq!(
        names, documented,
        "the documented fields, no more, no fewer"
    );
    for (name, types) in &fields {
        let word = type_word(&object[name]);
        assert!(
            types.split(" or ").any(|t| t == word),
            "{name}: {word} is not one of {types:?}"
        );
    }
    object
}

#[test]
fn info_json_follows_its_documented_schema() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    ok(&seal_env(p, &["keygen", "-o", "key"], &[], b""));
    fs::write(p.join("plain"), vec![5u8; 200_000]).unwrap();
    let enc = |args: &[&str], env: &[(&str, &str)]| {
        let out = seal_env(p, args, env, b"");
        ok(&out);
    };
    enc(&words("enc -k key --chunk-size 64KiB -o fixed plain"), &[]);
    let j = info(p, "fixed", b"");
    assert_eq!(j["format"], "seal");
    assert_eq!(j["version"], 1);
    assert_eq!(j["framing"], "fixed");
    assert_eq!(j["armored"], false);
    assert_eq!(j["cipher"], "aes-256-gcm");
    assert_eq!(j["chunk_size"], 65536);
    assert_eq!(j["key_kind"], "key-file");
    assert_eq!(j["kdf"], Value::Null);
    assert_eq!(j["header_bytes"], 79);
    assert_eq!(j["stream_bytes"], 79 + 200_000 + 4 * 28);
    assert_eq!(j["frames"], 4);
    assert_eq!(j["plaintext_bytes"], 200_000);
    assert_eq!(j["length_consistent"], true);
    assert_eq!(j["authenticated"], false);

    // Through a pipe: no length, so no frames, plaintext length or consistency.
    let stream = fs::read(p.join("fixed")).unwrap();
    let j = info(p, "", &stream);
    for field in [
        "stream_bytes",
        "frames",
        "plaintext_bytes",
        "length_consistent",
    ] {
        assert_eq!(j[field], Value::Null, "{field}");
    }
    // A length no complete stream has: 10 bytes into a frame's 28-byte overhead.
    let cut = 79 + 3 * (65536 + 28) + 10;
    fs::write(p.join("cut"), &stream[..cut]).unwrap();
    let j = info(p, "cut", b"");
    assert_eq!(j["stream_bytes"], cut);
    assert_eq!(j["frames"], Value::Null);
    assert_eq!(j["plaintext_bytes"], Value::Null);
    assert_eq!(j["length_consistent"], false);

    // A passphrase stream: the kdf object.
    enc(
        &[
            "enc",
            "--passphrase-env",
            "PW",
            "--kdf-memory",
            "2MiB",
            "--kdf-passes",
            "3",
            "--cipher",
            "chacha20-poly1305",
            "-o",
            "pass",
            "plain",
        ],
        &[("PW", "pw")],
    );
    let j = info(p, "pass", b"");
    assert_eq!(j["key_kind"], "passphrase");
    assert_eq!(j["cipher"], "chacha20-poly1305");
    assert_eq!(j["header_bytes"], 91);
    let kdf: Vec<(&str, &Value)> = j["kdf"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    assert_eq!(
        kdf,
        [
            ("algorithm", &Value::from("argon2id")),
            ("lanes", &Value::from(1)),
            ("memory_kib", &Value::from(2048)),
            ("passes", &Value::from(3)),
        ]
    );
    assert_eq!(j["frames"], 1);

    // Armor: its text's length says nothing of the stream's.
    enc(&["enc", "-a", "-k", "key", "-o", "armored", "plain"], &[]);
    let j = info(p, "armored", b"");
    assert_eq!(j["armored"], true);
    assert_eq!(j["stream_bytes"], Value::Null);
    assert_eq!(j["length_consistent"], Value::Null);

    // Live framing: frame lengths are read, not computed.
    enc(&words("enc -k key --max-delay 1s -o live plain"), &[]);
    let j = info(p, "live", b"");
    assert_eq!(j["version"], 2);
    assert_eq!(j["framing"], "live");
    assert!(j["stream_bytes"].is_u64());
    assert_eq!(j["frames"], Value::Null);
    assert_eq!(j["length_consistent"], Value::Null);
}
