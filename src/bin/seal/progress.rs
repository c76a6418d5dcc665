//! Progress on stderr for long runs: bytes, rate and, when the input's size is known, a bar
//! and an ETA. Shown when stderr is a terminal, or always with `--progress`; never with
//! `--quiet`. Progress counts input bytes as the reader takes them.

use std::io::{self, Read};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

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

/// Counts bytes read into a progress bar.
pub struct Counting<R> {
    inner: R,
    bar: ProgressBar,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}

/// A progress bar that counts from the start of input but is drawn only once started, so that
/// nothing is drawn while seal reads a header or asks for a passphrase.
pub struct Progress {
    bar: ProgressBar,
    target: Option<ProgressDrawTarget>,
}

impl Progress {
    /// Draws the bar from now on; rate and ETA count from now.
    pub fn start(&mut self) {
        if let Some(target) = self.target.take() {
            self.bar.reset_elapsed();
            self.bar.reset_eta();
            self.bar.set_draw_target(target);
        }
    }
}

/// Wraps `reader` so that reading it advances a progress bar of `total` bytes (a spinner when
/// the size is unknown), not drawn until [`Progress::start`]. Returns the bar too, to start and
/// end it; `None` when nothing is shown.
pub fn wrap(
    reader: Box<dyn Read + Send>,
    total: Option<u64>,
    show: Show,
) -> (Box<dyn Read + Send>, Option<Progress>) {
    let target = match show {
        Show::Never => return (reader, None),
        Show::Auto => ProgressDrawTarget::stderr(),
        Show::Always => ProgressDrawTarget::term_like_with_hz(Box::new(console::Term::stderr()), 4),
    };
    if target.is_hidden() {
        return (reader, None);
    }
    let shown = Some(target);
    let target = ProgressDrawTarget::hidden();
    let bar = match total {
        Some(len) => ProgressBar::with_draw_target(Some(len), target).with_style(
            ProgressStyle::with_template(
                "{bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::with_draw_target(None, target).with_style(
            ProgressStyle::with_template("{spinner} {bytes} {binary_bytes_per_sec}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    };
    let counting = Counting {
        inner: reader,
        bar: bar.clone(),
    };
    let progress = Progress { bar, target: shown };
    (Box::new(counting), Some(progress))
}

/// Ends a bar: its last state stays on screen after success, and is abandoned where it
/// stopped after a failure (whose error line follows).
pub fn end(progress: Option<Progress>, ok: bool) {
    if let Some(Progress { bar, target }) = progress {
        if target.is_some() {
            // Never started: nothing was drawn, nothing to leave on screen.
            return;
        }
        if ok {
            bar.finish();
        } else {
            bar.abandon();
        }
    }
}
