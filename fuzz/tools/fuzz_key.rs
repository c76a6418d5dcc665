//! Prints the key text of the fixed key the fuzz targets use (0x42 × 32), for the seed
//! corpus script fuzz/make_seeds.sh (`cargo run --manifest-path fuzz/Cargo.toml --bin
//! fuzz_key`). Not a fuzz target.

fn main() {
    print!("{}", seal::Key::from_bytes([0x42; 32]).to_text().as_str());
}
