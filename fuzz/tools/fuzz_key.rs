//! Prints the key text of the fixed key the fuzz targets use (0x42 × 32), for the seed
//! corpus script fuzz/make_seeds.sh.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test panics to report its failure"
)]

fn main() {
    print!("{}", seal::Key::from_bytes([0x42; 32]).to_text().as_str());
}
