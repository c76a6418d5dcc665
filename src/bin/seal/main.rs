//! The `seal` command line: a thin layer over the `seal` library.
//!
//! The map of this binary's files is with the library's, in the crate documentation at the
//! top of `src/lib.rs`.

mod args;
mod commands;
mod diag;
mod error;
mod files;
mod man;
mod output;
mod progress;
mod prompt;
mod recipients;
mod secrets;
mod signals;
mod staged;
mod status;
// `unsafe` only here, the few system calls no safe API offers (Cargo.toml's [lints] denies it
// everywhere else).
#[allow(unsafe_code)]
mod sys;

use clap::Parser;

use crate::args::Cli;
use crate::error::{exit_code, is_broken_pipe};
use crate::status as exit;

fn main() {
    // First: no core file may ever hold a key or a passphrase, and every terminating signal
    // is handled for every command, before any argument is looked at.
    sys::forbid_core_dumps();
    if let Err(err) = signals::install() {
        diag::error(format_args!("{err:#}"));
        std::process::exit(exit_code(&err));
    }
    std::process::exit(run());
}

/// Runs seal with the process's arguments and returns its exit status.
fn run() -> i32 {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Before clap sees them: a secret given where a variable's name goes is refused unshown,
    // and the secrets that the named variables hold are never shown in any message.
    if let Err(err) = secrets::check_env_options(&args) {
        diag::error(format_args!("{err:#}"));
        return exit_code(&err);
    }
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return exit::OK;
            }
            // `seal` alone, or a command group without its command: the usage, on stderr.
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                let _ = e.print();
                return exit::USAGE;
            }
            // clap's message is several lines: one line, with its useful parts kept (and key
            // text in a value clap quotes back not shown: args::usage_error_line).
            diag::error(args::usage_error_line(&e));
            return exit::USAGE;
        }
    };
    match commands::run(cli) {
        Ok(()) => exit::OK,
        // The reader of our stdout went away (`seal dec … | head`): not a failure of seal.
        // Exit as quietly as a process ended by SIGPIPE would.
        Err(err) if is_broken_pipe(&err) => exit::BROKEN_PIPE,
        Err(err) => {
            diag::error(format_args!("{err:#}"));
            exit_code(&err)
        }
    }
}
