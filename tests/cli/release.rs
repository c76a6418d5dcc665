//! What a release says about itself: `seal --version`, the man page and the CHANGELOG agree.

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
