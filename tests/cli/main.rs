//! Every test that drives the real `seal` binary, in one test binary (one link step, shared
//! helpers): through real pipes, files, terminals and signals.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test panics to report its failure"
)]

#[path = "../common/mod.rs"]
mod common;

mod armor;
mod basics;
mod commands;
mod edges;
mod help;
mod hostile;
mod info_json;
mod live;
mod man;
mod memory;
mod messages;
mod newcomer;
mod output;
mod passphrase;
mod progress;
mod range;
mod recipients;
mod release;
mod secrets;
mod signals;
mod spec;
mod stanzas;
mod status;

/// The binary under test.
pub const SEAL: &str = env!("CARGO_BIN_EXE_seal");
