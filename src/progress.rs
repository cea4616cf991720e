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
//! A job of the local web page ([`crate::serve`]) watches its run instead: [`watch_this_thread`]
//! hands every phase begun on that thread a shared [`Watch`] that the page polls, and through
//! which the clerk can cancel (long loops ask [`Phase::cancelled`]).
//!
//! Hand-written rather than a crate: the one line needs no more, and a progress crate's
//! dependencies changed the feature set of crates Typst shares, rebuilding Typst (20 minutes
//! on the project's 2-core machines).

use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
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

/// What a watched run is doing now, as [`Watch::now`] reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// The phase (`排版文书`).
    pub label: String,
    pub done: u64,
    /// 0 when the amount of work is not known.
    pub total: u64,
    /// What is being done now (`工作表「检测」`).
    pub message: String,
}

/// A run watched from elsewhere (a job of the local web page): its progress, and a flag that
/// asks it to stop.
#[derive(Debug, Default)]
pub struct Watch {
    now: Mutex<Progress>,
    cancelled: AtomicBool,
}

impl Watch {
    /// The phase the run is in and how far it has come.
    pub fn now(&self) -> Progress {
        self.now.lock().map(|p| p.clone()).unwrap_or_default()
    }

    /// Asks the run to stop at its next check ([`Phase::cancelled`]).
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    fn update(&self, change: impl FnOnce(&mut Progress)) {
        if let Ok(mut now) = self.now.lock() {
            change(&mut now);
        }
    }
}

thread_local! {
    static WATCH: RefCell<Option<Arc<Watch>>> = const { RefCell::new(None) };
}

/// Makes every phase begun on this thread from now on report to `watch` (None: stop).
pub fn watch_this_thread(watch: Option<Arc<Watch>>) {
    WATCH.with(|w| *w.borrow_mut() = watch);
}

/// One long step of a run, shown on stderr while it lasts (nothing when progress is off), and
/// reported to the thread's [`Watch`] when it has one.
pub struct Phase {
    line: Option<Mutex<Line>>,
    watch: Option<Arc<Watch>>,
}

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
        let watch = WATCH.with(|w| w.borrow().clone());
        if let Some(w) = &watch {
            w.update(|now| {
                *now = Progress {
                    label: label.to_string(),
                    done: 0,
                    total,
                    message: String::new(),
                }
            });
        }
        if !ENABLED.load(Ordering::Relaxed) {
            return Phase { line: None, watch };
        }
        let line = Some(Mutex::new(Line {
            label: label.to_string(),
            total,
            done: 0,
            message: String::new(),
            started: Instant::now(),
            drawn_at: None,
            width: 0,
        }));
        Phase { line, watch }
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
        if let Some(w) = &self.watch {
            w.update(|now| now.done += 1);
        }
        if let Some(line) = &self.line {
            if let Ok(mut line) = line.lock() {
                line.done += 1;
                line.draw(false);
            }
        }
    }

    /// What is being done now (`工作表「检测」`).
    pub fn message(&self, text: &str) {
        if let Some(w) = &self.watch {
            w.update(|now| now.message = text.to_string());
        }
        if let Some(line) = &self.line {
            if let Ok(mut line) = line.lock() {
                line.message = text.to_string();
                line.draw(true);
            }
        }
    }

    /// Whether the clerk has asked the watched run to stop (never for an unwatched run).
    pub fn cancelled(&self) -> bool {
        self.watch.as_ref().is_some_and(|w| w.is_cancelled())
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        if let Some(line) = &self.line {
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
        assert!(phase.line.is_none() && phase.watch.is_none());
        assert!(!phase.cancelled());
    }

    #[test]
    fn a_watched_thread_reports_its_phases_and_hears_a_cancel() {
        let watch = Arc::new(Watch::default());
        watch_this_thread(Some(watch.clone()));
        let phase = Phase::bar("排版文书", 3);
        phase.inc();
        phase.message("张三");
        std::thread::scope(|s| {
            s.spawn(|| phase.inc());
        });
        assert_eq!(
            watch.now(),
            Progress {
                label: "排版文书".into(),
                done: 2,
                total: 3,
                message: "张三".into()
            }
        );
        assert!(!phase.cancelled());
        watch.cancel();
        assert!(phase.cancelled());
        watch_this_thread(None);
        assert!(Phase::spinner("读取台帐").watch.is_none());
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
