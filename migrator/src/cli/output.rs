//! What the CLI prints: human text on stdout (colour only on a terminal and never with
//! `NO_COLOR`), or one JSON document with `--format json`; errors always on stderr.

use std::io::IsTerminal;

use serde::Serialize;

use super::{exit::Exit, Format};

/// The printer every subcommand writes through.
#[derive(Clone, Debug)]
pub struct Output {
    format: Format,
    color: bool,
    quiet: bool,
}

/// The state of the waiting line: whether one is on screen, and when the last plain line
/// was printed.
#[derive(Default)]
struct WaitLine {
    open: bool,
    last_plain: Option<std::time::Duration>,
}

/// How often a plain (non-terminal) waiting line repeats.
const PLAIN_WAIT_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

impl WaitLine {
    fn show(&mut self, notice: &crate::db::WaitNotice<'_>, terminal: bool) {
        use std::io::Write;
        let mut err = std::io::stderr().lock();
        match *notice {
            crate::db::WaitNotice::Waiting {
                target,
                reason,
                waited,
                timeout,
            } => {
                let line = format!(
                    "waiting for the database at {target} ({reason}): {} of {}",
                    crate::db::humanize_seconds(waited),
                    crate::db::humanize(timeout)
                );
                if terminal {
                    let _ = write!(err, "\r\x1b[2K{line}");
                    let _ = err.flush();
                    self.open = true;
                } else if self
                    .last_plain
                    .is_none_or(|last| waited >= last + PLAIN_WAIT_EVERY)
                {
                    let _ = writeln!(err, "{line}");
                    self.last_plain = Some(waited);
                }
            }
            crate::db::WaitNotice::Over => {
                if self.open {
                    let _ = writeln!(err);
                    self.open = false;
                }
            }
        }
    }
}

impl Output {
    /// A printer for the given format, colouring when stdout is a terminal and `NO_COLOR`
    /// is unset.
    pub fn new(format: Format) -> Self {
        Self {
            format,
            color: no_color_unset() && std::io::stdout().is_terminal(),
            quiet: false,
        }
    }

    /// With `quiet`, [`Output::info`] prints nothing (`-q`).
    pub fn quiet(mut self, quiet: bool) -> Self {
        self.quiet = quiet;
        self
    }

    /// Prints a line of progress or commentary, unless `-q` asked for quiet. What a command
    /// exists to print (`current`, `history`) goes through [`Output::line`] instead.
    pub fn info(&self, text: impl AsRef<str>) {
        if !self.quiet {
            self.line(text);
        }
    }

    /// The callback that keeps the user informed while the database is waited for: one
    /// line on stderr, rewritten in place on a terminal, or a plain line every 10 s
    /// otherwise. `None` with `-q`.
    pub fn wait_notifier(&self) -> Option<crate::db::WaitNotifier> {
        if self.quiet {
            return None;
        }
        let terminal = std::io::stderr().is_terminal();
        let state = std::sync::Mutex::new(WaitLine::default());
        Some(crate::db::WaitNotifier::new(move |notice| {
            if let Ok(mut state) = state.lock() {
                state.show(notice, terminal);
            }
        }))
    }

    /// The selected format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Prints a line of human output. Once stdout is closed (`migrate history | head -1`),
    /// the rest is dropped quietly and the command finishes its work: a reader that went
    /// away is no reason to stop a migration halfway.
    pub fn line(&self, text: impl AsRef<str>) {
        write_stdout(text.as_ref());
    }

    /// `text` in bold when colour is on.
    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    /// `text` dimmed when colour is on.
    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    /// `text` in yellow when colour is on.
    pub fn yellow(&self, text: &str) -> String {
        self.paint("33", text)
    }

    /// `text` in red when colour is on.
    pub fn red(&self, text: &str) -> String {
        self.paint("31", text)
    }

    /// `text` in green when colour is on.
    pub fn green(&self, text: &str) -> String {
        self.paint("32", text)
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Prints a value as pretty JSON on stdout.
    pub fn json(&self, value: &impl Serialize) -> Result<(), Exit> {
        let text = serde_json::to_string_pretty(value)
            .map_err(|e| Exit::new(super::exit::Code::Usage, e))?;
        write_stdout(&text);
        Ok(())
    }

    /// Prints a failure: with `--format json`, one JSON document on stdout (`{"error":
    /// {"message", "causes", "exit_code"}}`), so a script that reads JSON reads failures too;
    /// otherwise `migrate: error: ...` lines on stderr.
    pub fn error(&self, exit: &Exit) {
        if self.format == Format::Json {
            let causes: Vec<String> = exit
                .error()
                .chain()
                .skip(1)
                .map(ToString::to_string)
                .collect();
            let document = serde_json::json!({
                "error": {
                    "message": exit.error().to_string(),
                    "causes": causes,
                    "exit_code": exit.code() as u8,
                }
            });
            write_stdout(&document.to_string());
            return;
        }
        self.human_error(exit);
    }

    fn human_error(&self, exit: &Exit) {
        let color = no_color_unset() && std::io::stderr().is_terminal();
        let prefix = if color {
            "\x1b[31merror\x1b[0m"
        } else {
            "error"
        };
        let mut said = exit.error().to_string();
        eprintln!("migrate: {prefix}: {said}");
        // Many errors quote their cause in their own message; say each thing once.
        for cause in exit.error().chain().skip(1) {
            let cause = cause.to_string();
            if !said.contains(&cause) {
                eprintln!("  caused by: {cause}");
                said.push_str(&cause);
            }
        }
    }
}

/// Writes a line to stdout; a write error (a closed pipe) is remembered and later lines
/// are skipped, where `println!` would panic.
fn write_stdout(text: &str) {
    use std::io::Write;
    use std::sync::atomic::{AtomicBool, Ordering};
    static CLOSED: AtomicBool = AtomicBool::new(false);
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{text}").and_then(|()| out.flush()).is_err() {
        CLOSED.store(true, Ordering::Relaxed);
    }
}

fn no_color_unset() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Whether log lines on stderr may carry colour.
pub fn color_enabled_stderr() -> bool {
    no_color_unset() && std::io::stderr().is_terminal()
}
