//! What belongs here: what a release says about itself: `seal --version`, the man page, the
//! README's shape and the CHANGELOG agree.

use std::process::Command;

use crate::SEAL;

#[test]
fn version_is_0_2_0_everywhere() {
    let out = Command::new(SEAL).arg("--version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "seal 0.2.0\n");
    let out = Command::new(SEAL).arg("man").output().unwrap();
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.starts_with(".TH SEAL 1 \"\" \"seal 0.2.0\""), "{page}");
    // The newest released section of the CHANGELOG is this version's, and says what the
    // previous version cannot read.
    let changelog =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/CHANGELOG.md")).unwrap();
    let released = changelog
        .lines()
        .find(|l| l.starts_with("## [") && !l.starts_with("## [Unreleased]"))
        .unwrap();
    assert!(released.starts_with("## [0.2.0] - "), "{released}");
    let section = changelog.split(released).nth(1).unwrap();
    let section = section.split("\n## [").next().unwrap();
    assert!(
        section.contains("### What seal 0.1.0 cannot read"),
        "{section}"
    );
    assert!(section.contains("**format version 2**"), "{section}");
    assert!(section.contains("**key kind 3**"), "{section}");
}

#[test]
fn the_readme_is_a_users_page_whose_first_commands_are_install_and_test() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.lines().count() < 300, "the README grew to reference");
    // The indented commands outside code fences, which .ci/run takes from the README.
    let mut fenced = false;
    let mut commands = Vec::new();
    for line in readme.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if !fenced && let Some(command) = line.strip_prefix("    ") {
            commands.push(command);
        }
    }
    assert_eq!(commands.len(), 2, "{commands:#?}");
    assert!(commands[0].starts_with("cargo install --locked --path . && "));
    // A minimal rustup toolchain has neither rustfmt nor clippy: the command adds them.
    assert!(
        commands[1].starts_with("rustup component add rustfmt clippy && cargo fmt --check && "),
        "{}",
        commands[1]
    );
    for step in [
        "cargo clippy --all-targets",
        "cargo test --locked",
        "cargo doc --no-deps",
    ] {
        assert!(commands[1].contains(step), "{step}");
    }
}
