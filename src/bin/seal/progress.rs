//! Progress on stderr for long runs, in one of two forms:
//!
//! - on a terminal, a bar (bytes, rate and, when the input's size is known, a bar and an ETA),
//!   drawn only once a run has lasted [`DELAY`], and cleared when the run ends, so that an
//!   error or the shell prompt starts a clean line. Never on the terminal stdout writes to
//!   (`seal dec` of armor to the screen): the bar would be drawn through the text;
//! - with `--progress` into a file, a pipe or a CI log, plain lines such as
//!   `seal: progress: 12.00 MiB of 48.00 MiB ciphertext read (25%), 5.90 MiB/s`, one every
//!   [`LINE_INTERVAL`], and `seal: progress: done, …` after success. No terminal codes; every
//!   line ends in a newline, so an error line after them starts a line of its own.
//!
//! Shown by default when stderr is a terminal, with `--progress` also when it is not; never
//! with `--quiet`. Progress counts input bytes as the reader takes them (plaintext for `enc`,
//! ciphertext for `dec` and `verify`, and says which), from the moment [`Progress::start`] is
//! called (after the header is read and any passphrase asked for). The rate is the mean since
//! then, and the ETA what is left at that rate: both right from the first drawing, which
//! comes a second after counting started, with bytes already done.

use std::io::{self, IsTerminal, Read};
use std::os::fd::AsFd;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use std::fmt;

use indicatif::{BinaryBytes, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::diag;

/// How long a run goes before a terminal bar appears.
pub const DELAY: Duration = Duration::from_secs(1);
/// How often a plain progress line is written.
pub const LINE_INTERVAL: Duration = Duration::from_secs(2);

/// When to show progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    /// When stderr is a terminal.
    Auto,
    /// Always, also into a log or a pipe (`--progress`).
    Always,
    /// Never (`--quiet`).
    Never,
}

/// The form progress takes.
enum Form {
    /// A bar on the terminal, created once [`DELAY`] has passed.
    Bar(Option<ProgressBar>),
    /// Plain lines; the time of the last one.
    Lines(Instant),
}

struct State {
    form: Form,
    total: Option<u64>,
    /// What is counted: "plaintext" or "ciphertext".
    what: &'static str,
    /// Bytes read, from the start of the input.
    done: u64,
    /// When counting started; `None` before [`Progress::start`].
    started: Option<Instant>,
}

impl State {
    fn advance(&mut self, n: u64) {
        self.done += n;
        let Some(started) = self.started else {
            return;
        };
        let now = Instant::now();
        let (done, total, what) = (self.done, self.total, self.what);
        match &mut self.form {
            Form::Bar(Some(bar)) => bar.set_position(done),
            Form::Bar(bar) => {
                // Not on the read that finds the end of input: nothing is left to show.
                if n > 0 && now.duration_since(started) >= DELAY {
                    *bar = Some(new_bar(total, done, what, started));
                }
            }
            Form::Lines(last) => {
                if now.duration_since(*last) >= LINE_INTERVAL {
                    *last = now;
                    diag::note(format_args!(
                        "progress: {}",
                        line(done, total, what, now.duration_since(started))
                    ));
                }
            }
        }
    }
}

/// A terminal bar that already holds `done` bytes, counted since `started`. Its rate and ETA
/// are seal's own (the mean since `started`), not indicatif's estimate, which would take the
/// bytes the bar is born holding as read in no time at all.
fn new_bar(total: Option<u64>, done: u64, what: &'static str, started: Instant) -> ProgressBar {
    let (bar, template) = match total {
        Some(len) => (
            ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr()),
            "{bar:20} {binary_bytes}/{binary_total_bytes} {what} {rate} ETA {eta}",
        ),
        None => (
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
            "{spinner} {binary_bytes} {what} {rate}",
        ),
    };
    let style = ProgressStyle::with_template(template).unwrap_or_else(|_| {
        if total.is_some() {
            ProgressStyle::default_bar()
        } else {
            ProgressStyle::default_spinner()
        }
    });
    let style = style
        .with_key("what", move |_: &ProgressState, w: &mut dyn fmt::Write| {
            let _ = w.write_str(what);
        })
        .with_key("rate", move |s: &ProgressState, w: &mut dyn fmt::Write| {
            let _ = w.write_str(&rate(s.pos(), started.elapsed()));
        })
        .with_key("eta", move |s: &ProgressState, w: &mut dyn fmt::Write| {
            let left = s.len().map(|len| len.saturating_sub(s.pos()));
            let _ = w.write_str(&eta(left, s.pos(), started.elapsed()));
        });
    bar.set_style(style);
    bar.set_position(done);
    bar
}

/// A plain progress line: bytes, the percentage when the size is known, the mean rate.
fn line(done: u64, total: Option<u64>, what: &str, elapsed: Duration) -> String {
    let rate = rate(done, elapsed);
    match total {
        Some(total) if total > 0 => format!(
            "{} of {} {what} read ({}%), {rate}",
            BinaryBytes(done),
            BinaryBytes(total),
            done.saturating_mul(100) / total
        ),
        _ => format!("{} {what} read, {rate}", BinaryBytes(done)),
    }
}

/// The mean rate of `done` bytes in `elapsed`.
fn rate(done: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 {
        format!("{}/s", BinaryBytes((done as f64 / secs) as u64))
    } else {
        "-".into()
    }
}

/// The time `left` bytes take at the mean rate of `done` bytes in `elapsed`: `42s`, `3m 05s`,
/// `2h 10m`; `-` before there is a rate, or with no size.
fn eta(left: Option<u64>, done: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    let (Some(left), true) = (left, done > 0 && secs > 0.0) else {
        return "-".into();
    };
    let eta = (left as f64 * secs / done as f64).ceil();
    if eta >= 360_000.0 {
        return "-".into();
    }
    let eta = eta as u64;
    match eta {
        0..60 => format!("{eta}s"),
        60..3600 => format!("{}m {:02}s", eta / 60, eta % 60),
        _ => format!("{}h {:02}m", eta / 3600, eta / 60 % 60),
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A panic elsewhere cannot leave the counters in a state worth refusing.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Counts bytes read into the progress state.
pub struct Counting<R> {
    inner: R,
    state: Arc<Mutex<State>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        lock(&self.state).advance(n as u64);
        Ok(n)
    }
}

/// The handle to start and end progress with.
pub struct Progress {
    state: Arc<Mutex<State>>,
}

impl Progress {
    /// Counts from now on: nothing is shown while seal reads a header or asks for a
    /// passphrase, and rates count from here.
    pub fn start(&mut self) {
        let mut state = lock(&self.state);
        let now = Instant::now();
        state.started = Some(now);
        if let Form::Lines(last) = &mut state.form {
            *last = now;
        }
    }
}

/// Whether stdout and stderr are the same terminal (same device), where a bar on stderr
/// would be drawn through what stdout writes.
fn stdout_shares_the_terminal() -> bool {
    if !io::stdout().is_terminal() {
        return false;
    }
    let stdout = io::stdout();
    let stderr = io::stderr();
    match (
        rustix::fs::fstat(stdout.as_fd()),
        rustix::fs::fstat(stderr.as_fd()),
    ) {
        (Ok(out), Ok(err)) => out.st_rdev == err.st_rdev,
        // Cannot tell: do not risk drawing through the output.
        _ => true,
    }
}

/// Wraps `reader` so that reading it advances progress over `total` bytes (when the size is
/// known). `writes_stdout`: the command's output goes to stdout; `what`: what the input is
/// ("plaintext", "ciphertext"). Returns the handle to start and end it; `None` when nothing
/// will be shown.
pub fn wrap(
    reader: Box<dyn Read + Send>,
    total: Option<u64>,
    show: Show,
    writes_stdout: bool,
    what: &'static str,
) -> (Box<dyn Read + Send>, Option<Progress>) {
    let on_terminal = io::stderr().is_terminal();
    let form = match show {
        Show::Never => return (reader, None),
        Show::Auto | Show::Always if on_terminal => {
            if writes_stdout && stdout_shares_the_terminal() {
                return (reader, None);
            }
            Form::Bar(None)
        }
        Show::Auto => return (reader, None),
        Show::Always => Form::Lines(Instant::now()),
    };
    let state = Arc::new(Mutex::new(State {
        form,
        total,
        what,
        done: 0,
        started: None,
    }));
    let counting = Counting {
        inner: reader,
        state: Arc::clone(&state),
    };
    (Box::new(counting), Some(Progress { state }))
}

/// Ends progress: a bar is cleared (an error line, if any, follows on a clean line); plain
/// lines end with a summary after success, and with nothing after a failure, whose error line
/// follows.
pub fn end(progress: Option<Progress>, ok: bool) {
    let Some(progress) = progress else {
        return;
    };
    let state = lock(&progress.state);
    let Some(started) = state.started else {
        return;
    };
    match &state.form {
        Form::Bar(Some(bar)) => bar.finish_and_clear(),
        Form::Bar(None) => {}
        Form::Lines(_) if ok => {
            let elapsed = started.elapsed();
            diag::note(format_args!(
                "progress: done, {} {} read in {:.1} s, {}",
                BinaryBytes(state.done),
                state.what,
                elapsed.as_secs_f64(),
                rate(state.done, elapsed)
            ));
        }
        Form::Lines(_) => {}
    }
}
