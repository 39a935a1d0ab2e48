//! Why applying failed. Messages read as sentences, say where (file and line), what (the
//! statement and the server's words) and in which state the database was left, and end
//! with what to do. [`ApplyError::class`] maps each to the CLI's exit codes.

use std::fmt;
use std::path::PathBuf;

use crate::db::{DbError, ServerError, ServerErrorKind};
use crate::dialect::Dialect;
use crate::render::RenderError;
use crate::revision::{RevisionError, RevisionId, SourceStatement};

use super::checksums::ChangedChecksum;
use super::Direction;

/// The longest statement excerpt a message quotes.
const PREVIEW_CHARS: usize = 160;

/// Why a session, an offline script or autogeneration failed.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// Connecting, locking or reading the history failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The migration files are wrong, or a target names nothing.
    #[error(transparent)]
    Revision(#[from] RevisionError),
    /// SQL could not be written for the drift.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// A history written for another database kind.
    #[error(
        "the migrations in {} are written for {history}, but the database is {database}; a \
         history is written for one database kind, so point DATABASE_URL at a {history} \
         database",
        versions_dir.display()
    )]
    DialectMismatch {
        /// Where the files are.
        versions_dir: PathBuf,
        /// The files' dialect.
        history: Dialect,
        /// The database's.
        database: Dialect,
    },
    /// Applied files were edited after they ran.
    #[error("{}", describe_changed(changed))]
    ChangedChecksums {
        /// The changed files.
        changed: Vec<ChangedChecksum>,
    },
    /// The log table (and with it every applied file's checksum) is gone.
    #[error(
        "the log table {log} is missing, and with it the checksums of the {applied} applied \
         revision(s), so an applied file edited since could not be caught; nothing was run. \
         Restore the table from a backup, or rerun with --accept-changed-checksums to record \
         the files as they are now as the new baseline"
    )]
    ChecksumsLost {
        /// The log table's name.
        log: String,
        /// How many revisions the database records as applied.
        applied: usize,
    },
    /// A downgrade through a revision with an empty down section.
    #[error(
        "cannot downgrade revision {revision} ({}): its down section is empty, so nothing would \
         undo its up section; write the down section, or `migrate stamp` the database below it \
         if its changes may stay (nothing was run)",
        path.display()
    )]
    Irreversible {
        /// The revision.
        revision: RevisionId,
        /// Its file.
        path: PathBuf,
    },
    /// Autogeneration against a database that has not applied every revision.
    #[error(
        "the database is not up to date: it is at {}, while the migration files end at {}; a \
         revision generated now would repeat what the missing revisions do, so run `migrate \
         upgrade heads` first",
        at(database),
        at(heads)
    )]
    NotUpToDate {
        /// Where the database is.
        database: Vec<RevisionId>,
        /// The heads of the files.
        heads: Vec<RevisionId>,
    },
    /// `downgrade --sql` without the revision to start from.
    #[error(
        "an offline downgrade needs the revision to start from, since no database is read: \
         write FROM:TO, e.g. `migrate downgrade --sql head:base`"
    )]
    OfflineDowngradeNeedsStart,
    /// Parts of a revision committed in an earlier run, and its file has changed since.
    #[error(
        "revision {revision} ({}) is partly applied: an earlier run committed {parts} of its \
         parts (it uses enum values it adds, so it runs in several transactions) and stopped, \
         and the file has changed since, so the parts in effect no longer match it; restore \
         the file as it was, or finish the revision by hand and `migrate stamp {revision}` \
         (nothing was run)",
        path.display()
    )]
    PartsOfChangedFile {
        /// The revision.
        revision: RevisionId,
        /// Its file.
        path: PathBuf,
        /// How many parts are in effect.
        parts: usize,
    },
    /// A statement of a transactional revision failed; the revision was rolled back.
    #[error("{0}")]
    Statement(Box<StatementFailure>),
    /// A statement failed after earlier statements of the revision were committed.
    #[error("{0}")]
    Partial(Box<PartialFailure>),
}

/// Which exit code an error maps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorClass {
    /// Bad usage or bad input (files, targets, models): exit 2.
    Input,
    /// The database could not be reached: exit 3.
    Unreachable,
    /// A migration failed or could not start (lock timeout): exit 4.
    MigrationFailed,
}

/// How the CLI reports a database error.
pub fn db_error_class(error: &DbError) -> ErrorClass {
    match error {
        DbError::Unreachable { .. } | DbError::Refused { .. } | DbError::NoLocalServer { .. } => {
            ErrorClass::Unreachable
        }
        DbError::UnknownScheme { .. }
        | DbError::BadUrl { .. }
        | DbError::TlsSetting { .. }
        | DbError::Unsupported { .. }
        | DbError::NotCompiled { .. }
        | DbError::MissingExternalTable { .. }
        | DbError::ForeignHistoryTable(_) => ErrorClass::Input,
        _ => ErrorClass::MigrationFailed,
    }
}

impl ApplyError {
    /// How the CLI reports this error.
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::Db(error) => db_error_class(error),
            Self::Statement(_) | Self::Partial(_) => ErrorClass::MigrationFailed,
            Self::Revision(_)
            | Self::Render(_)
            | Self::DialectMismatch { .. }
            | Self::ChangedChecksums { .. }
            | Self::ChecksumsLost { .. }
            | Self::Irreversible { .. }
            | Self::PartsOfChangedFile { .. }
            | Self::NotUpToDate { .. }
            | Self::OfflineDowngradeNeedsStart => ErrorClass::Input,
        }
    }
}

/// A statement of a transactional revision failed (or its commit did); everything the
/// revision did was rolled back, except when the connection was lost during the commit,
/// which may have reached the server (the message says so).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementFailure {
    /// The revision.
    pub revision: RevisionId,
    /// Its message.
    pub message: String,
    /// Its file.
    pub path: PathBuf,
    /// Which section ran.
    pub direction: Direction,
    /// The line of the file the statement starts on; `None` for the bookkeeping statements
    /// and the commit, which are not in the file.
    pub line: Option<usize>,
    /// The statement.
    pub statement: String,
    /// What the server said.
    pub error: ServerError,
    /// Where the database stands: the heads before the revision.
    pub database_at: Vec<RevisionId>,
    /// What to do about it, when the failure is a known one.
    pub fix: Option<String>,
}

impl fmt::Display for StatementFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.error.kind == ServerErrorKind::ConnectionLost
            && self.line.is_none()
            && is_commit(&self.statement)
        {
            // The commit may have reached the server before the connection broke: saying
            // "rolled back" here could be false.
            writeln!(
                f,
                "{} of revision {} ({}, {}) ran to its end, but the connection to the database \
                 was lost during the COMMIT, so whether it took effect is not known: the \
                 database is at {} unless the commit reached the server first; `migrate \
                 current` says which, and running the migration again carries on from there",
                self.direction.verb(),
                self.revision,
                self.message,
                self.path.display(),
                at(&self.database_at)
            )?;
        } else {
            writeln!(
                f,
                "{} of revision {} ({}) failed at {}, and was rolled back: the database is \
                 still at {}",
                self.direction.verb(),
                self.revision,
                self.message,
                location(&self.path, self.line, &self.statement, &self.error),
                at(&self.database_at)
            )?;
        }
        writeln!(f, "  statement: {}", preview(&self.statement))?;
        write!(f, "  server: {}", self.error)?;
        write_connection_lost(f, &self.error)?;
        if self.error.kind == ServerErrorKind::NeedsNoTransaction {
            write!(
                f,
                "\n  fix: this statement cannot run inside a transaction; put it in a revision \
                 whose header says `-- transactional: false`"
            )?;
        }
        if let Some(fix) = &self.fix {
            write!(f, "\n  fix: {fix}")?;
        }
        Ok(())
    }
}

/// Why statements of a failed revision stay applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartialReason {
    /// The revision is `transactional: false`: every statement commits on its own.
    NonTransactional,
    /// The revision uses enum values it adds, so it ran in several transactions.
    CommittedEnumValues,
    /// The database commits each DDL statement on its own (MySQL), whatever the header says.
    NoTransactionalDdl,
}

/// A statement failed after other statements of the same revision had committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialFailure {
    /// The revision.
    pub revision: RevisionId,
    /// Its message.
    pub message: String,
    /// Its file.
    pub path: PathBuf,
    /// Which section ran.
    pub direction: Direction,
    /// Why earlier statements were not rolled back.
    pub reason: PartialReason,
    /// The statements that ran and stay, with their lines.
    pub ran: Vec<SourceStatement>,
    /// The line of the failing statement; `None` for a bookkeeping statement.
    pub line: Option<usize>,
    /// The failing statement.
    pub statement: String,
    /// What the server said.
    pub error: ServerError,
    /// The lines of the statements not in effect: never run, or rolled back with the
    /// failing one.
    pub not_applied: Vec<usize>,
    /// What the version table still records: the heads before the revision.
    pub database_at: Vec<RevisionId>,
}

impl fmt::Display for PartialFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = match self.reason {
            PartialReason::NonTransactional => {
                "the revision is not transactional (`transactional: false`), so each statement \
                 committed on its own"
            }
            PartialReason::NoTransactionalDdl => {
                "this database commits each DDL statement on its own, so `transactional: true` \
                 cannot hold here: the revision ran statement by statement"
            }
            PartialReason::CommittedEnumValues => {
                "the revision uses enum values it adds, which PostgreSQL allows only after a \
                 commit, so it ran in several transactions"
            }
        };
        writeln!(
            f,
            "{} of revision {} ({}) failed at {}; {reason}",
            self.direction.verb(),
            self.revision,
            self.message,
            location(&self.path, self.line, &self.statement, &self.error),
        )?;
        if self.ran.is_empty() {
            writeln!(f, "  ran and kept: nothing, the database is unchanged")?;
        }
        for statement in &self.ran {
            writeln!(
                f,
                "  ran and kept: line {}: {}",
                statement.line,
                preview(&statement.sql)
            )?;
        }
        writeln!(f, "  failed: {}", preview(&self.statement))?;
        write!(f, "  server: {}", self.error)?;
        if !self.not_applied.is_empty() {
            let lines: Vec<String> = self.not_applied.iter().map(ToString::to_string).collect();
            let noun = if lines.len() == 1 { "line" } else { "lines" };
            write!(f, "\n  not applied: {noun} {}", lines.join(", "))?;
        }
        write_connection_lost(f, &self.error)?;
        writeln!(f)?;
        if self.reason == PartialReason::CommittedEnumValues {
            return write!(
                f,
                "the version table still records {}, and the log records which parts of the \
                 revision committed; fix the cause and run the migration again: it resumes \
                 after the kept statements",
                at(&self.database_at),
            );
        }
        write!(
            f,
            "the version table still records {}; fix the cause, undo or finish the kept \
             statements by hand, then run the migration again (or `migrate stamp {}` once the \
             revision's changes are all in place)",
            at(&self.database_at),
            self.revision
        )
    }
}

/// The fix for a failure that is the connection's, not the statement's.
fn write_connection_lost(f: &mut fmt::Formatter<'_>, error: &ServerError) -> fmt::Result {
    if error.kind != ServerErrorKind::ConnectionLost {
        return Ok(());
    }
    write!(
        f,
        "\n  fix: the connection to the database was lost (the server stopped or restarted, or \
         the network failed), not refused by the statement; once the server answers again, run \
         the migration again"
    )
}

/// The bookkeeping's `COMMIT`, the one statement whose lost connection leaves its outcome
/// unknown.
fn is_commit(statement: &str) -> bool {
    statement
        .trim()
        .trim_end_matches(';')
        .eq_ignore_ascii_case("commit")
}

/// `file, line 12` (the line the server points at when it said so), or what failed
/// outside the file.
fn location(
    path: &std::path::Path,
    line: Option<usize>,
    statement: &str,
    error: &ServerError,
) -> String {
    match line {
        Some(line) => {
            let at = line + error.line_in(statement).unwrap_or(0);
            if at == line {
                format!("{}, line {line}", path.display())
            } else {
                format!(
                    "{}, line {at} (in the statement starting on line {line})",
                    path.display()
                )
            }
        }
        None => format!(
            "{} while recording it ({})",
            path.display(),
            first_word(statement)
        ),
    }
}

fn first_word(statement: &str) -> &str {
    statement.split_whitespace().next().unwrap_or(statement)
}

/// A statement on one line, cut short when long.
pub(crate) fn preview(statement: &str) -> String {
    let flat = statement.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= PREVIEW_CHARS {
        flat
    } else {
        let cut: String = flat.chars().take(PREVIEW_CHARS).collect();
        format!("{cut}…")
    }
}

/// `base` for no revision, else the ids.
pub(crate) fn at(ids: &[RevisionId]) -> String {
    if ids.is_empty() {
        "base (no revision)".to_owned()
    } else {
        ids.iter()
            .map(RevisionId::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn describe_changed(changed: &[ChangedChecksum]) -> String {
    let mut text = format!(
        "{} applied migration file{} changed since {} applied:",
        changed.len(),
        if changed.len() == 1 { "" } else { "s" },
        if changed.len() == 1 {
            "it was"
        } else {
            "they were"
        }
    );
    for c in changed {
        text.push_str(&format!(
            "\n  {} (revision {}): recorded {} on {}, the file now hashes to {}",
            c.path.display(),
            c.revision,
            short(&c.recorded.to_hex()),
            c.recorded_at,
            short(&c.current.to_hex()),
        ));
    }
    text.push_str(
        "\nan applied file must not change, since the database will not run it again: restore \
         it (e.g. `git checkout` it) and put the change in a new revision; if the edit is \
         deliberate and the database already matches it, run `migrate upgrade \
         --accept-changed-checksums` to record the new checksum",
    );
    text
}

fn short(hex: &str) -> &str {
    hex.get(..12).unwrap_or(hex)
}
