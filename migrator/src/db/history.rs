//! The migrator's own bookkeeping, as values and as SQL: the version table
//! (`dgs_schema_version` by default, one row per head the database is at, as Alembic's
//! `alembic_version`) and the log (`<version table>_log`, one row per revision applied,
//! undone, stamped or accepted, with the file's checksum, when, how long and by whom).
//! Their names are a [`HistoryTables`] value, configurable (`--version-table`,
//! `DGS_VERSION_TABLE`) and validated once, so that every statement below can write them
//! unquoted.
//!
//! Before anything is written, [`classify`] reads what the catalog says about those names:
//! a table of the configured name but another tool's shape (Rails' `schema_migrations`,
//! Alembic's `alembic_version`) is an error that leaves it alone, and the tables of the
//! previous build (`schema_migrations`, `schema_migrations_log`) are recognised so that a
//! session carries them over to the new name.
//!
//! The SQL is text with the values written in as literals, never bound parameters, so that
//! the executor and the offline script (`migrate upgrade --sql`) run and print exactly the
//! same statements, from the same functions. Every value is a validated revision id, a
//! hex checksum, a number, or a string quoted by the dialect's literal quoting.

use std::time::Duration;

use serde::Serialize;

use crate::revision::{Checksum, RevisionId};

use super::foreign::{ForeignTable, HistoryRole};

pub use super::tables::{
    HistoryTables, VersionTableError, DEFAULT_VERSION_TABLE, LEGACY_VERSION_TABLE, LOG_COLUMNS,
    MAX_VERSION_TABLE_LEN,
};

/// Where the history tables stand, as the catalog says before anything is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryStatus {
    /// No version table: a database no migrator has touched (or only its log exists).
    Missing,
    /// The configured version table, of the migrator's shape; `complete` when the log is
    /// there too.
    Present {
        /// Whether the log exists as well.
        complete: bool,
    },
    /// The configured tables are missing, but the previous build's (`schema_migrations`,
    /// of the migrator's shape) are there: a session carries them over to the new name,
    /// and read-only commands read them where they are.
    Legacy {
        /// Whether `schema_migrations_log` exists too.
        log: bool,
    },
}

/// Decides the [`HistoryStatus`] from the columns of the tables named by
/// [`HistoryTables::lookup_names`] (`(table, column)` rows, in column order; table names
/// compared without regard to case, as the servers fold or compare them). A table of a
/// configured name but of another shape is an error naming what it seems to be.
pub fn classify(
    tables: &HistoryTables,
    found: &[(String, String)],
) -> Result<HistoryStatus, Box<ForeignTable>> {
    let columns_of = |table: &str| -> Option<Vec<String>> {
        let columns: Vec<String> = found
            .iter()
            .filter(|(t, _)| t.eq_ignore_ascii_case(table))
            .map(|(_, c)| c.to_ascii_lowercase())
            .collect();
        (!columns.is_empty()).then_some(columns)
    };
    let foreign = |table: &str, role, columns: Vec<String>| {
        Box::new(ForeignTable::new(table, role, columns, tables))
    };
    let log = columns_of(tables.log());
    if let Some(columns) = &log {
        if !is_log_shape(columns) {
            return Err(foreign(tables.log(), HistoryRole::Log, columns.clone()));
        }
    }
    if let Some(columns) = columns_of(tables.version()) {
        if !is_version_shape(&columns) {
            return Err(foreign(tables.version(), HistoryRole::Version, columns));
        }
        return Ok(HistoryStatus::Present {
            complete: log.is_some(),
        });
    }
    if tables.is_default() {
        let legacy = HistoryTables::legacy();
        let legacy_log = columns_of(legacy.log());
        let ours = columns_of(legacy.version()).is_some_and(|c| is_version_shape(&c))
            && legacy_log.as_deref().is_none_or(is_log_shape);
        if ours && log.is_none() {
            return Ok(HistoryStatus::Legacy {
                log: legacy_log.is_some(),
            });
        }
    }
    Ok(HistoryStatus::Missing)
}

/// The version table's shape: exactly one column, `revision`.
fn is_version_shape(columns: &[String]) -> bool {
    columns == ["revision"]
}

/// The log's shape: at least the columns the migrator writes and reads.
fn is_log_shape(columns: &[String]) -> bool {
    LOG_COLUMNS.iter().all(|c| columns.iter().any(|f| f == c))
}

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
    /// Part of the up section committed: a revision that uses an enum value it adds runs
    /// in several transactions, and each but the last leaves one of these rows, so a run
    /// stopped between two of them resumes after the parts already in effect.
    UpPart,
    /// Part of the down section committed, as [`LogAction::UpPart`].
    DownPart,
}

impl LogAction {
    /// Every action, for the table's check constraint.
    pub const ALL: [LogAction; 7] = [
        Self::Up,
        Self::Down,
        Self::StampUp,
        Self::StampDown,
        Self::Accept,
        Self::UpPart,
        Self::DownPart,
    ];

    /// The value of the log's `direction` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Down => "down",
            Self::StampUp => "stamp_up",
            Self::StampDown => "stamp_down",
            Self::Accept => "accept",
            Self::UpPart => "up_part",
            Self::DownPart => "down_part",
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

/// One log row as the resume of a revision run in parts reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogRow {
    /// What it records; `None` for a direction this build does not know.
    pub action: Option<LogAction>,
    /// The checksum it records, if it holds one.
    pub checksum: Option<Checksum>,
}

/// The parts of a revision's section committed since it last ran whole: the count of
/// `part` rows at the top of the revision's log rows (newest first), and the checksum the
/// latest of them recorded.
pub fn parts_committed(rows: &[LogRow], part: LogAction) -> (usize, Option<Checksum>) {
    let count = rows
        .iter()
        .take_while(|row| row.action == Some(part))
        .count();
    (
        count,
        rows.first().filter(|_| count > 0).and_then(|r| r.checksum),
    )
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
    pub fn statements(&self, tables: &HistoryTables) -> Vec<String> {
        let table = tables.version();
        let literal = |id: &RevisionId| format!("'{}'", id.as_str());
        if let ([from], [to]) = (self.remove.as_slice(), self.add.as_slice()) {
            return vec![format!(
                "UPDATE {table} SET revision = {} WHERE revision = {}",
                literal(to),
                literal(from)
            )];
        }
        let mut statements = Vec::new();
        if !self.remove.is_empty() {
            let ids: Vec<String> = self.remove.iter().map(literal).collect();
            statements.push(format!(
                "DELETE FROM {table} WHERE revision IN ({})",
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
                "INSERT INTO {table} (revision) VALUES {}",
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

/// The bookkeeping SQL of one database kind, for one set of [`HistoryTables`].
#[derive(Clone)]
pub struct HistorySql {
    tables: HistoryTables,
    create_tables: fn(&HistoryTables) -> Vec<String>,
    log: fn(&HistoryTables, &LogEntry<'_>) -> String,
    widen_log: fn(&HistoryTables) -> Vec<String>,
    lock: fn(&HistoryTables) -> String,
    unlock: fn(&HistoryTables) -> String,
}

impl std::fmt::Debug for HistorySql {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HistorySql")
            .field("tables", &self.tables)
            .finish_non_exhaustive()
    }
}

impl HistorySql {
    /// A database kind's bookkeeping SQL, from its functions (see [`Driver::history_sql`]).
    ///
    /// [`Driver::history_sql`]: super::connection::Driver::history_sql
    pub fn new(
        tables: &HistoryTables,
        create_tables: fn(&HistoryTables) -> Vec<String>,
        log: fn(&HistoryTables, &LogEntry<'_>) -> String,
        widen_log: fn(&HistoryTables) -> Vec<String>,
        lock: fn(&HistoryTables) -> String,
        unlock: fn(&HistoryTables) -> String,
    ) -> Self {
        Self {
            tables: tables.clone(),
            create_tables,
            log,
            widen_log,
            lock,
            unlock,
        }
    }

    /// The tables this SQL writes to.
    pub fn tables(&self) -> &HistoryTables {
        &self.tables
    }

    /// Creates the version and log tables when they are missing; safe to run every time.
    pub fn create_tables(&self) -> Vec<String> {
        (self.create_tables)(&self.tables)
    }

    /// Moves the version table's rows from one set of heads to another.
    pub fn update_heads(&self, change: &HeadChange) -> Vec<String> {
        change.statements(&self.tables)
    }

    /// Writes one log row.
    pub fn log(&self, entry: &LogEntry<'_>) -> String {
        (self.log)(&self.tables, entry)
    }

    /// Lets a log table made by an earlier build record every [`LogAction`]; safe to run
    /// every time, and nothing where no revision runs in parts.
    pub fn widen_log(&self) -> Vec<String> {
        (self.widen_log)(&self.tables)
    }

    /// Takes the migration lock, waiting as long as it takes (offline scripts).
    pub fn lock(&self) -> String {
        (self.lock)(&self.tables)
    }

    /// Releases the migration lock (offline scripts).
    pub fn unlock(&self) -> String {
        (self.unlock)(&self.tables)
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
    fn parts_count_only_the_rows_since_the_section_last_ran_whole() {
        let (a, b) = (Checksum::of_text("a"), Checksum::of_text("b"));
        let row = |action, checksum| LogRow {
            action: Some(action),
            checksum: Some(checksum),
        };
        // Newest first: two parts of the current file after an earlier complete run.
        let rows = [
            row(LogAction::UpPart, b),
            row(LogAction::UpPart, b),
            row(LogAction::Up, a),
            row(LogAction::UpPart, a),
        ];
        assert_eq!(parts_committed(&rows, LogAction::UpPart), (2, Some(b)));
        assert_eq!(parts_committed(&rows, LogAction::DownPart), (0, None));
        assert_eq!(parts_committed(&rows[2..], LogAction::UpPart), (0, None));
        assert_eq!(parts_committed(&[], LogAction::UpPart), (0, None));
    }

    #[test]
    fn one_head_for_another_is_an_update() {
        let change = HeadChange {
            remove: vec![id("aaaa")],
            add: vec![id("bbbb")],
        };
        assert_eq!(
            change.statements(&HistoryTables::default()),
            vec!["UPDATE dgs_schema_version SET revision = 'bbbb' WHERE revision = 'aaaa'"]
        );
    }

    #[test]
    fn a_merge_deletes_then_inserts() {
        let change = HeadChange {
            remove: vec![id("aaaa"), id("bbbb")],
            add: vec![id("cccc")],
        };
        assert_eq!(
            change.statements(&HistoryTables::default()),
            vec![
                "DELETE FROM dgs_schema_version WHERE revision IN ('aaaa', 'bbbb')",
                "INSERT INTO dgs_schema_version (revision) VALUES ('cccc')",
            ]
        );
        assert!(HeadChange::default()
            .statements(&HistoryTables::default())
            .is_empty());
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

    fn found(tables: &[(&str, &[&str])]) -> Vec<(String, String)> {
        tables
            .iter()
            .flat_map(|(t, cols)| cols.iter().map(|c| ((*t).to_owned(), (*c).to_owned())))
            .collect()
    }

    #[test]
    fn version_table_names_are_plain_identifiers_of_bounded_length() {
        let tables = HistoryTables::new("ops_versions").unwrap();
        assert_eq!(
            tables.names(),
            ["ops_versions", "ops_versions_log", "ops_versions_lock"]
        );
        assert!(!tables.is_default());
        assert_eq!(
            HistoryTables::default().names(),
            [
                "dgs_schema_version",
                "dgs_schema_version_log",
                "dgs_schema_version_lock"
            ]
        );
        assert!(HistoryTables::new("_v2").is_ok());
        for bad in ["", "x; drop", "1abc", "a-b", "a.b", "\"quoted\"", "é"] {
            assert!(
                matches!(
                    HistoryTables::new(bad),
                    Err(VersionTableError::NotAnIdentifier { .. })
                ),
                "{bad}"
            );
        }
        assert_eq!(
            HistoryTables::new("x; drop").unwrap_err().to_string(),
            "the version table name `x; drop` is not a plain identifier: use ASCII letters, \
             digits and underscores, starting with a letter or an underscore (the default is \
             `dgs_schema_version`)"
        );
        let longest = "v".repeat(MAX_VERSION_TABLE_LEN);
        assert!(HistoryTables::new(&longest).is_ok());
        assert!(format!("ck_{longest}_log_direction").len() <= 63);
        let error = HistoryTables::new(&format!("{longest}v")).unwrap_err();
        assert!(matches!(error, VersionTableError::TooLong { .. }));
        assert!(error
            .to_string()
            .contains("is 47 bytes long; use at most 46"));
    }

    #[test]
    fn the_catalog_tells_missing_present_legacy_and_foreign_apart() {
        let ours = HistoryTables::default();
        let version: &[&str] = &["revision"];
        let log: &[&str] = &LOG_COLUMNS;
        assert_eq!(classify(&ours, &[]).unwrap(), HistoryStatus::Missing);
        assert_eq!(
            classify(&ours, &found(&[("dgs_schema_version", version)])).unwrap(),
            HistoryStatus::Present { complete: false }
        );
        assert_eq!(
            classify(
                &ours,
                &found(&[
                    ("dgs_schema_version", version),
                    ("dgs_schema_version_log", log)
                ])
            )
            .unwrap(),
            HistoryStatus::Present { complete: true }
        );
        let legacy = found(&[
            ("schema_migrations", version),
            ("schema_migrations_log", log),
        ]);
        assert_eq!(
            classify(&ours, &legacy).unwrap(),
            HistoryStatus::Legacy { log: true }
        );
        let custom = HistoryTables::new("ops_versions").unwrap();
        assert_eq!(
            classify(&custom, &legacy).unwrap(),
            HistoryStatus::Missing,
            "only the default name carries the previous build's tables over"
        );
        let rails = found(&[("schema_migrations", &["version"])]);
        assert_eq!(
            classify(&ours, &rails).unwrap(),
            HistoryStatus::Missing,
            "a Rails table is never carried over"
        );
        let error = classify(&HistoryTables::legacy(), &rails).unwrap_err();
        assert_eq!(error.tool, Some("Rails (Active Record) or dbmate"));
        assert_eq!(error.role, HistoryRole::Version);
        let alembic = HistoryTables::new("alembic_version").unwrap();
        let error =
            classify(&alembic, &found(&[("alembic_version", &["version_num"])])).unwrap_err();
        assert_eq!(error.tool, Some("Alembic"));
        let odd_log = found(&[("dgs_schema_version_log", &["id", "note"])]);
        let error = classify(&ours, &odd_log).unwrap_err();
        assert_eq!(error.role, HistoryRole::Log);
        assert_eq!(error.tool, None);
    }
}
