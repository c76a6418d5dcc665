//! Every test that drives the real `seal` binary, in one test binary (one link step, shared
//! helpers): through real pipes, files, terminals and signals.

#[path = "../common/mod.rs"]
mod common;

mod age_keys;
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
mod signing;
mod signing_keys;
mod spec;
mod ssh_keys;
mod stanzas;

/// The binary under test.
pub const SEAL: &str = env!("CARGO_BIN_EXE_seal");
