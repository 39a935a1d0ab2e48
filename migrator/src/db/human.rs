//! How durations and statements are shown in messages and logs.

use std::time::Duration;

/// The longest statement text a log line shows.
const LOGGED_STATEMENT_CHARS: usize = 2_000;

/// `sql` as a log line shows it: whole when short, else its start and how much was cut.
pub fn bounded(sql: &str) -> std::borrow::Cow<'_, str> {
    match sql.char_indices().nth(LOGGED_STATEMENT_CHARS) {
        None => sql.into(),
        Some((cut, _)) => format!("{}… ({} more bytes)", &sql[..cut], sql.len() - cut).into(),
    }
}

/// Whole seconds (`0 s`, `12 s`): for a count that updates in place.
pub fn humanize_seconds(duration: Duration) -> String {
    format!("{} s", duration.as_secs())
}

/// `1.5 s`, `250 ms`, `2 min 5 s`: a duration as people read it in messages.
pub fn humanize(duration: Duration) -> String {
    let ms = duration.as_millis();
    if ms < 1_000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        let tenths = ms / 100;
        if tenths % 10 == 0 {
            format!("{} s", tenths / 10)
        } else {
            format!("{}.{} s", tenths / 10, tenths % 10)
        }
    } else {
        let seconds = duration.as_secs();
        format!("{} min {} s", seconds / 60, seconds % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_statements_are_bounded() {
        assert_eq!(bounded("SELECT 1"), "SELECT 1");
        let big = "x".repeat(50_000);
        let shown = bounded(&big);
        assert!(shown.len() < 2_100, "{}", shown.len());
        assert!(
            shown.ends_with("(48000 more bytes)"),
            "{}",
            &shown[shown.len() - 30..]
        );
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(humanize(Duration::from_millis(12)), "12 ms");
        assert_eq!(humanize(Duration::from_millis(1_000)), "1 s");
        assert_eq!(humanize(Duration::from_millis(1_540)), "1.5 s");
        assert_eq!(humanize(Duration::from_secs(125)), "2 min 5 s");
    }
}
