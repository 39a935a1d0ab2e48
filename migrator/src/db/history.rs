//! The migrator's own bookkeeping, as values and as SQL: the version table
//! (`schema_migrations`, one row per head the database is at, as Alembic's
//! `alembic_version`) and the log (`schema_migrations_log`, one row per revision applied,
//! undone, stamped or accepted, with the file's checksum, when, how long and by whom).
//!
//! The SQL is text with the values written in as literals, never bound parameters, so that
//! the executor and the offline script (`migrate upgrade --sql`) run and print exactly the
//! same statements, from the same functions. Every value is a validated revision id, a
//! hex checksum, a number, or a string quoted by the dialect's literal quoting.

use std::time::Duration;

use serde::Serialize;

use crate::dialect::Dialect;
use crate::filter::MIGRATOR_TABLES;
use crate::revision::{Checksum, RevisionId};

use super::{mysql, postgres, sqlite, DbError};

/// The version table: the revisions the database is at (its heads).
pub const VERSION_TABLE: &str = MIGRATOR_TABLES[0];

/// The log table: every revision applied, undone, stamped or accepted.
pub const LOG_TABLE: &str = MIGRATOR_TABLES[1];

/// What a log row records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LogAction {
    /// The revision's up section ran.
    Up,
    /// The revision's down section ran.
    Down,
    /// `stamp` marked the revision applied without running it.
    StampUp,
    /// `stamp` marked the revision not applied without running its down section.
    StampDown,
    /// The file's changed checksum was accepted as the new baseline.
    Accept,
}

impl LogAction {
    /// Every action, for the table's check constraint.
    pub const ALL: [LogAction; 5] = [
        Self::Up,
        Self::Down,
        Self::StampUp,
        Self::StampDown,
        Self::Accept,
    ];

    /// The value of the log's `direction` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Down => "down",
            Self::StampUp => "stamp_up",
            Self::StampDown => "stamp_down",
            Self::Accept => "accept",
        }
    }

    /// Reads a `direction` column value back.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// Whether the row's checksum is the baseline an applied file is checked against.
    pub fn sets_baseline(self) -> bool {
        matches!(self, Self::Up | Self::StampUp | Self::Accept)
    }
}

/// How long a logged step took, as far as it is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogDuration {
    /// Measured by the executor.
    Measured(Duration),
    /// The time since the enclosing transaction began, computed by the server when the row
    /// is written (offline scripts, where each revision runs in its own transaction).
    SinceTransactionStart,
    /// Not known (an offline non-transactional revision, a stamp).
    Unknown,
}

/// One row for the log table.
#[derive(Clone, Copy, Debug)]
pub struct LogEntry<'a> {
    /// The revision.
    pub revision: &'a RevisionId,
    /// What happened to it.
    pub action: LogAction,
    /// The checksum of its file; `None` when no file defines it (a stamp that removes an
    /// unknown revision).
    pub checksum: Option<Checksum>,
    /// The revision's message.
    pub message: &'a str,
    /// How long it took.
    pub duration: LogDuration,
    /// Who ran it beyond the database user: `user@host` of the machine running the
    /// migrator. The database user (`current_user`) is always recorded.
    pub client: Option<&'a str>,
}

/// How the version table's rows change with one step.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeadChange {
    /// Heads that go.
    pub remove: Vec<RevisionId>,
    /// Heads that come.
    pub add: Vec<RevisionId>,
}

impl HeadChange {
    /// The change that turns the heads `before` into `after`.
    pub fn between(before: &[RevisionId], after: &[RevisionId]) -> Self {
        Self {
            remove: before
                .iter()
                .filter(|id| !after.contains(id))
                .cloned()
                .collect(),
            add: after
                .iter()
                .filter(|id| !before.contains(id))
                .cloned()
                .collect(),
        }
    }

    /// True when the heads stay as they are.
    pub fn is_empty(&self) -> bool {
        self.remove.is_empty() && self.add.is_empty()
    }

    /// The version-table statements of this change: an `UPDATE` for one head replacing
    /// another (the common case, as Alembic writes it), else `DELETE` the heads that go and
    /// `INSERT` the heads that come. The same SQL serves every dialect: revision ids are
    /// `[0-9a-z_]`, so a plain single-quoted literal is valid everywhere.
    pub fn statements(&self) -> Vec<String> {
        let literal = |id: &RevisionId| format!("'{}'", id.as_str());
        if let ([from], [to]) = (self.remove.as_slice(), self.add.as_slice()) {
            return vec![format!(
                "UPDATE {VERSION_TABLE} SET revision = {} WHERE revision = {}",
                literal(to),
                literal(from)
            )];
        }
        let mut statements = Vec::new();
        if !self.remove.is_empty() {
            let ids: Vec<String> = self.remove.iter().map(literal).collect();
            statements.push(format!(
                "DELETE FROM {VERSION_TABLE} WHERE revision IN ({})",
                ids.join(", ")
            ));
        }
        if !self.add.is_empty() {
            let rows: Vec<String> = self
                .add
                .iter()
                .map(|id| format!("({})", literal(id)))
                .collect();
            statements.push(format!(
                "INSERT INTO {VERSION_TABLE} (revision) VALUES {}",
                rows.join(", ")
            ));
        }
        statements
    }
}

/// A checksum baseline read back from the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedChecksum {
    /// The revision.
    pub revision: RevisionId,
    /// The checksum recorded; `None` when the stored value is not a checksum.
    pub checksum: Option<Checksum>,
    /// Which action recorded it.
    pub action: LogAction,
    /// When (UTC, RFC 3339).
    pub recorded_at: String,
}

/// The bookkeeping SQL of one database kind.
#[derive(Clone, Copy)]
pub struct HistorySql {
    create_tables: fn() -> Vec<String>,
    log: fn(&LogEntry<'_>) -> String,
    lock: fn() -> String,
    unlock: fn() -> String,
}

impl std::fmt::Debug for HistorySql {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HistorySql").finish_non_exhaustive()
    }
}

impl HistorySql {
    /// The SQL for `dialect`; an error for a database kind without a history store yet.
    pub fn for_dialect(dialect: Dialect) -> Result<Self, DbError> {
        match dialect {
            Dialect::Postgresql => Ok(Self {
                create_tables: postgres::history::create_tables,
                log: postgres::history::log,
                lock: postgres::lock::lock_statement,
                unlock: postgres::lock::unlock_statement,
            }),
            Dialect::Sqlite => Ok(Self {
                create_tables: sqlite::history::create_tables,
                log: sqlite::history::log,
                lock: sqlite::lock::lock_statement,
                unlock: sqlite::lock::unlock_statement,
            }),
            Dialect::Mysql => Ok(Self {
                create_tables: mysql::history::create_tables,
                log: mysql::history::log,
                lock: mysql::lock::lock_statement,
                unlock: mysql::lock::unlock_statement,
            }),
        }
    }

    /// Creates the version and log tables when they are missing; safe to run every time.
    pub fn create_tables(&self) -> Vec<String> {
        (self.create_tables)()
    }

    /// Moves the version table's rows from one set of heads to another.
    pub fn update_heads(&self, change: &HeadChange) -> Vec<String> {
        change.statements()
    }

    /// Writes one log row.
    pub fn log(&self, entry: &LogEntry<'_>) -> String {
        (self.log)(entry)
    }

    /// Takes the migration lock, waiting as long as it takes (offline scripts).
    pub fn lock(&self) -> String {
        (self.lock)()
    }

    /// Releases the migration lock (offline scripts).
    pub fn unlock(&self) -> String {
        (self.unlock)()
    }

    /// Opens a transaction.
    pub fn begin(&self) -> &'static str {
        "BEGIN"
    }

    /// Commits it.
    pub fn commit(&self) -> &'static str {
        "COMMIT"
    }

    /// Rolls it back.
    pub fn rollback(&self) -> &'static str {
        "ROLLBACK"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_head_for_another_is_an_update() {
        let change = HeadChange {
            remove: vec![id("aaaa")],
            add: vec![id("bbbb")],
        };
        assert_eq!(
            change.statements(),
            vec!["UPDATE schema_migrations SET revision = 'bbbb' WHERE revision = 'aaaa'"]
        );
    }

    #[test]
    fn a_merge_deletes_then_inserts() {
        let change = HeadChange {
            remove: vec![id("aaaa"), id("bbbb")],
            add: vec![id("cccc")],
        };
        assert_eq!(
            change.statements(),
            vec![
                "DELETE FROM schema_migrations WHERE revision IN ('aaaa', 'bbbb')",
                "INSERT INTO schema_migrations (revision) VALUES ('cccc')",
            ]
        );
        assert!(HeadChange::default().statements().is_empty());
    }

    fn id(text: &str) -> RevisionId {
        RevisionId::parse(text).unwrap()
    }

    #[test]
    fn head_changes_keep_what_stays() {
        let change = HeadChange::between(&[id("aaaa"), id("bbbb")], &[id("bbbb"), id("cccc")]);
        assert_eq!(change.remove, vec![id("aaaa")]);
        assert_eq!(change.add, vec![id("cccc")]);
        assert!(HeadChange::between(&[id("aaaa")], &[id("aaaa")]).is_empty());
    }

    #[test]
    fn actions_round_trip_and_know_their_baselines() {
        for action in LogAction::ALL {
            assert_eq!(LogAction::from_name(action.as_str()), Some(action));
        }
        assert!(LogAction::Accept.sets_baseline());
        assert!(!LogAction::Down.sets_baseline());
        assert!(!LogAction::StampDown.sets_baseline());
    }

    #[test]
    fn other_dialects_have_no_history_store_yet() {
        assert!(HistorySql::for_dialect(Dialect::Mysql).is_ok());
        assert!(HistorySql::for_dialect(Dialect::Sqlite).is_ok());
        assert!(HistorySql::for_dialect(Dialect::Postgresql).is_ok());
    }
}
