//! Every test that drives the real `seal` binary, in one test binary (one link step, shared
//! helpers): through real pipes, files, terminals and signals.
//!
//! Where a new test goes: in the module of its subject (each says at its top what belongs
//! there: `output`, `keys`, `secrets`, `passphrase`, `recipients`, `armor`, `range`, `live`,
//! `signals`, `terminal`, `progress`, `status`, `messages`, `help`, `commands`, …), never in a
//! file named for a mood or an issue. A new subject gets its own module here. Run seal through
//! the one kit in tests/common/cli.rs (`seal`, `seal_env`, `seal_no_stdin`, `seal_setsid`,
//! `with_key`, `Scratch`, …), not a new local wrapper; a helper used by two files moves there.
//! Library behaviour is tested in tests/*.rs, not here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test panics to report its failure"
)]

#[path = "../common/mod.rs"]
mod common;
#[path = "../common/cli.rs"]
mod kit;

mod age_keys;
mod armor;
mod commands;
mod help;
mod info_json;
mod keys;
mod live;
mod man;
mod memory;
mod messages;
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
mod status;
mod terminal;

/// The binary under test.
pub const SEAL: &str = env!("CARGO_BIN_EXE_seal");
