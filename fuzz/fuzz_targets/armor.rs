//! Armor parsing on arbitrary text: must never panic, and must accept exactly the texts that
//! docs/FORMAT.md's rule accepts (stated independently in tests/common/armor_oracle.rs), with
//! exactly the bytes they hold.
#![no_main]

use std::io::Read;

use libfuzzer_sys::fuzz_target;
use seal::ArmorReader;

#[path = "../../tests/common/armor_oracle.rs"]
mod armor_oracle;

fuzz_target!(|data: &[u8]| {
    let mut out = Vec::new();
    let parsed = ArmorReader::new(data).read_to_end(&mut out).ok().map(|_| out);
    assert_eq!(parsed, armor_oracle::expected(data));
});
