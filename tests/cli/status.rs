//! Exit statuses as a whole: the README's table is the binary's one table
//! (src/bin/seal/status.rs). Tests of one status for one cause belong with their subject.

#[path = "../../src/bin/seal/status.rs"]
#[allow(dead_code)]
mod table;

/// The README's "Exit statuses" table is the binary's, rendered: a status added, dropped or
/// reworded in one place and not the other fails here.
#[test]
fn the_readme_table_is_the_binarys() {
    let readme = include_str!("../../README.md");
    let section = readme
        .split("\n## Exit statuses\n")
        .nth(1)
        .expect("the README has an \"Exit statuses\" section");
    let start = section.find("| status |").expect("a table in it");
    let table: String = section[start..]
        .lines()
        .take_while(|l| l.starts_with('|'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(table, table::markdown());
}

/// The codes the table shows are the codes the binary exits with.
#[test]
fn the_table_shows_the_codes() {
    let codes: Vec<&str> = table::TABLE.iter().map(|s| s.code).collect();
    let expected = [
        table::OK,
        table::IO,
        table::USAGE,
        table::KEY,
        table::FORMAT,
        table::INTEGRITY,
        table::BROKEN_PIPE,
    ]
    .map(|c| c.to_string());
    assert_eq!(codes[..expected.len()], expected);
    assert_eq!(codes[expected.len()..], [table::SIGNALS_CODE]);
    assert!(table::SIGNALS_CODE.contains(&table::INTERRUPTED.to_string()));
}
