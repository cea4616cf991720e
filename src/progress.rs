//! A progress line on stderr for long runs (`check`, `generate`, `report`): shown only when the
//! binary switches it on ([`enable_on_terminal`]) and stderr is a terminal; silent otherwise
//! (tests, pipes, log files), so that output and tests never depend on it.
//!
//! Library code marks its long steps with a [`Phase`]: a count when the amount of work is
//! known (persons checked, documents laid out), a label with what is being read when it is not
//! (reading a workbook). The line is redrawn at most ten times a second with a carriage
//! return and blanked when the phase ends (no escape sequences: Windows consoles show them
//! raw), so a phase that ends quickly leaves nothing behind.
//!
//! Hand-written rather than a crate: the one line needs no more, and a progress crate's
//! dependencies changed the feature set of crates Typst shares, rebuilding Typst (20 minutes
//! on the project's 2-core machines).

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

static ENABLED: AtomicBool = AtomicBool::new(false);

/// Switches progress display on when stderr is a terminal (the binary calls this once).
pub fn enable_on_terminal() {
    if std::io::stderr().is_terminal() {
        ENABLED.store(true, Ordering::Relaxed);
    }
}

/// Nothing is drawn before a phase has run this long: short runs stay quiet.
const FIRST_DRAW: Duration = Duration::from_millis(500);
/// Least time between two redraws.
const REDRAW: Duration = Duration::from_millis(100);

/// One long step of a run, shown on stderr while it lasts (nothing when progress is off).
pub struct Phase(Option<Mutex<Line>>);

struct Line {
    label: String,
    total: u64,
    done: u64,
    message: String,
    started: Instant,
    drawn_at: Option<Instant>,
    /// Display width of what is on screen (to blank it).
    width: usize,
}

impl Line {
    fn text(&self) -> String {
        let mut text = self.label.clone();
        if self.total > 0 {
            let percent = self.done.min(self.total) * 100 / self.total;
            text.push_str(&format!(" {}/{}（{percent}%）", self.done, self.total));
        }
        if !self.message.is_empty() {
            text.push(' ');
            text.push_str(&self.message);
        }
        text
    }

    /// Redraws when due (or `force`d once the first delay has passed).
    fn draw(&mut self, force: bool) {
        let now = Instant::now();
        if now.duration_since(self.started) < FIRST_DRAW {
            return;
        }
        if !force
            && self
                .drawn_at
                .is_some_and(|t| now.duration_since(t) < REDRAW)
        {
            return;
        }
        let text = self.text();
        let width = display_width(&text);
        let pad = self.width.saturating_sub(width);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{text}{}", " ".repeat(pad));
        let _ = err.flush();
        self.width = width;
        self.drawn_at = Some(now);
    }

    fn clear(&mut self) {
        if self.drawn_at.is_none() {
            return;
        }
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{}\r", " ".repeat(self.width));
        let _ = err.flush();
    }
}

/// Columns a text takes in a terminal: CJK and full-width characters two, others one.
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

impl Phase {
    fn new(label: &str, total: u64) -> Phase {
        if !ENABLED.load(Ordering::Relaxed) {
            return Phase(None);
        }
        Phase(Some(Mutex::new(Line {
            label: label.to_string(),
            total,
            done: 0,
            message: String::new(),
            started: Instant::now(),
            drawn_at: None,
            width: 0,
        })))
    }

    /// A count over `total` steps, labelled (`排版文书`).
    pub fn bar(label: &str, total: u64) -> Phase {
        Phase::new(label, total)
    }

    /// A label for work of unknown length (`读取台帐`), with [`Phase::message`] saying what
    /// is being done.
    pub fn spinner(label: &str) -> Phase {
        Phase::new(label, 0)
    }

    /// One more step done (callable from any thread).
    pub fn inc(&self) {
        if let Some(line) = &self.0 {
            if let Ok(mut line) = line.lock() {
                line.done += 1;
                line.draw(false);
            }
        }
    }

    /// What is being done now (`工作表「检测」`).
    pub fn message(&self, text: &str) {
        if let Some(line) = &self.0 {
            if let Ok(mut line) = line.lock() {
                line.message = text.to_string();
                line.draw(true);
            }
        }
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        if let Some(line) = &self.0 {
            if let Ok(mut line) = line.lock() {
                line.clear();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phase_is_silent_unless_switched_on() {
        // Tests never run with progress on: nothing is kept, nothing drawn.
        let phase = Phase::bar("排版文书", 100);
        phase.inc();
        phase.message("x");
        assert!(phase.0.is_none());
    }

    #[test]
    fn the_line_counts_and_measures_cjk_width() {
        let line = Line {
            label: "排版文书".into(),
            total: 200,
            done: 50,
            message: String::new(),
            started: Instant::now(),
            drawn_at: None,
            width: 0,
        };
        assert_eq!(line.text(), "排版文书 50/200（25%）");
        assert_eq!(display_width("排版 1/2"), 8);
    }
}
