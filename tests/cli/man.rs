//! What belongs here: `seal man`: one complete page, every command with every option `--help`
//! shows, the exit statuses, environment, files and examples, and roff that formats without a
//! warning.

use std::process::{Command, Stdio};

use crate::SEAL;
use crate::common::{ok, run_cmd};

fn seal(args: &[&str]) -> String {
    let mut cmd = Command::new(SEAL);
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    String::from_utf8(ok(&run_cmd(cmd, b"")).to_vec()).unwrap()
}

/// The long options a command's `--help` lists.
fn long_options(help: &str) -> Vec<String> {
    help.lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let at = l.find("--")?;
            // Option lines start with "-x, --long" or "--long".
            if at > 4 || !l.starts_with('-') {
                return None;
            }
            let name: String = l[at + 2..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            (name != "help").then_some(name)
        })
        .collect()
}

#[test]
fn the_man_page_is_complete() {
    let page = seal(&["man"]);
    assert!(page.starts_with(".TH SEAL 1 "), "{}", &page[..80]);
    let sections: Vec<&str> = page
        .lines()
        .filter_map(|l| l.strip_prefix(".SH "))
        .collect();
    assert_eq!(
        sections,
        [
            "NAME",
            "SYNOPSIS",
            "DESCRIPTION",
            "COMMANDS",
            "OPTIONS",
            "EXIT STATUS",
            "ENVIRONMENT",
            "FILES",
            "EXAMPLES",
            "SEE ALSO"
        ]
    );
    // No pointers to pages that do not exist.
    assert!(!page.contains("seal\\-enc") && !page.contains("seal-enc("));
    // Every command, with every option its --help shows, in its own subsection.
    let commands = [
        "keygen",
        "signer",
        "recipient",
        "enc",
        "dec",
        "verify",
        "info",
        "completions",
        "man",
    ];
    let subsections: Vec<&str> = page.split("\n.SS ").skip(1).collect();
    assert_eq!(subsections.len(), commands.len());
    for (command, text) in commands.iter().zip(&subsections) {
        assert!(
            text.starts_with(&format!("\"\\fBseal {command}\\fR")),
            "{command}: {}",
            &text[..40]
        );
        let text = text.split("\n.SH ").next().unwrap();
        let options = long_options(&seal(&[command, "--help"]));
        if *command == "enc" {
            assert!(options.len() >= 10, "{options:?}");
        }
        for option in options {
            let roff = format!("\\fB\\-\\-{}\\fR", option.replace('-', "\\-"));
            assert!(text.contains(&roff), "{command}: --{option} missing");
        }
    }
    let section = |name: &str| {
        page.split(&format!("\n.SH {name}\n"))
            .nth(1)
            .unwrap()
            .split("\n.SH ")
            .next()
            .unwrap()
            .to_owned()
    };
    let exit = section("EXIT STATUS");
    for status in ["0", "1", "2", "3", "4", "5", "141", "129, 130, 143, ..."] {
        assert!(
            exit.contains(&format!(".TP\n\\fB{status}\\fR\n")),
            "{status}"
        );
    }
    let env = section("ENVIRONMENT");
    assert!(env.contains("\\fBSEAL_KEY_FILE\\fR") && env.contains("\\fBNO_COLOR\\fR"));
    assert!(section("FILES").contains("0600"));
    let examples = section("EXAMPLES");
    assert!(
        examples
            .contains("\\fBtar c dir | seal enc \\-k key.seal > dir.tar.seal\\fR\nencrypt a pipe")
    );
    assert!(examples.matches(".TP\n").count() >= 10);
}

#[test]
fn the_man_page_formats_without_warnings() {
    let page = seal(&["man"]);
    let Ok(mut groff) = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        eprintln!("groff is not installed: the page's roff was not formatted");
        return;
    };
    use std::io::Write;
    groff
        .stdin
        .take()
        .unwrap()
        .write_all(page.as_bytes())
        .unwrap();
    let out = groff.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "groff warnings");
}
