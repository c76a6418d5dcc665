//! The `seal` binary: everything is in the library's `cli` module.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(seal::cli::main());
}
