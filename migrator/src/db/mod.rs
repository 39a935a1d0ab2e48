//! The runtime side of the dialect seam: one [`Database`] value wraps a live connection of
//! whichever kind the URL names, and offers the few operations the engine needs (read the
//! schema, canonicalise the models' expressions, run statements, take the migration lock,
//! read and write the migrator's own history tables). Nothing above this module matches on
//! the database kind.
//!
//! A database kind plugs in through the two traits of [`connection`], implemented in its
//! folder under `dialect/` and registered once, in `dialect::driver`; this module holds
//! the types they share and the flow written over them.

pub mod backup;
pub(crate) mod connect;
pub mod connection;
pub mod foreign;
pub mod history;
pub(crate) mod lock;
mod server;
pub mod tls;
pub(crate) mod url;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use schema_runtime::schema::Schema;

use crate::dialect::Dialect;
use crate::filter::SchemaFilter;
use crate::revision::RevisionId;

pub use connect::{Refusal, RefusalKind, Wait, WaitNotice, WaitNotifier};
pub use foreign::ForeignTable;
pub use history::{
    parts_committed, HeadChange, HistorySql, HistoryStatus, HistoryTables, LogAction, LogDuration,
    LogEntry, LogRow, RecordedChecksum, VersionTableError,
};
pub use lock::{LockHolder, MIGRATION_LOCK_KEY, MIGRATION_LOCK_NAME};
pub use server::{ServerError, ServerErrorKind};
pub use tls::{TlsSettingError, TlsSettings};
pub use url::{password_of, redact};

pub use connection::{Connection, Driver};

/// Why talking to the database failed.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL's scheme names no supported database.
    #[error(
        "the database URL `{url}` names no supported database; use postgres://, mysql:// or sqlite://"
    )]
    UnknownScheme {
        /// The URL, password removed.
        url: String,
    },
    /// The URL could not be parsed.
    #[error(
        "the database URL `{url}` is not valid: {source} (a password holding / ? # @ : or % \
         must be percent-encoded: %2F %3F %23 %40 %3A %25)"
    )]
    BadUrl {
        /// The URL, password removed.
        url: String,
        /// The driver's complaint.
        #[source]
        source: sqlx::Error,
    },
    /// A TLS setting cannot work (a certificate file that cannot be read, a mode that
    /// needs a root certificate and has none); found before any connection is tried.
    #[error("cannot connect to {url}: {source}")]
    TlsSetting {
        /// The URL, password removed.
        url: String,
        /// What is wrong.
        #[source]
        source: TlsSettingError,
    },
    /// The server was not there within the wait limit.
    #[error(
        "the database at {url} did not answer within {} ({reason}); start the server, or \
         point DATABASE_URL (or --database-url) at one that runs",
        humanize(*waited)
    )]
    Unreachable {
        /// The URL, password removed.
        url: String,
        /// How long we were asked to wait.
        waited: Duration,
        /// Why the last try failed.
        reason: String,
    },
    /// The zero-configuration development run found no server on this machine.
    #[error(
        "no {} server answers on this machine (tried {place} for {}: {reason}); {}, or set \
         DATABASE_URL to the database to use",
        product_name(*dialect),
        humanize(*waited),
        start_hint(*dialect)
    )]
    NoLocalServer {
        /// The history's database kind.
        dialect: Dialect,
        /// Where we looked, in words.
        place: String,
        /// How long we waited.
        waited: Duration,
        /// Why the last try failed.
        reason: String,
    },
    /// The server answered and refused: waiting would not help.
    #[error("the database at {url} refused the connection: {}; {}", refusal.reason, refusal.advice)]
    Refused {
        /// The URL, password removed.
        url: String,
        /// The server's reason and what to do.
        refusal: Box<Refusal>,
    },
    /// The dialect is recognised but this operation is not available for it yet.
    #[error("{operation} is not supported on {dialect} yet")]
    Unsupported {
        /// The database kind.
        dialect: Dialect,
        /// What was asked.
        operation: &'static str,
    },
    /// Reading the schema failed (the database kind's own error, which names the query).
    #[error(transparent)]
    Inspect(Box<dyn std::error::Error + Send + Sync>),
    /// This build does not include the database kind.
    #[error(
        "this build cannot talk to {dialect}: it was compiled without the `{feature}` feature \
         of the migrator crate"
    )]
    NotCompiled {
        /// The database kind asked for.
        dialect: Dialect,
        /// The cargo feature that adds it.
        feature: &'static str,
    },
    /// A statement failed.
    #[error("{context} failed: {message}")]
    Statement {
        /// What was being done (`running ALTER TABLE ...`).
        context: String,
        /// The server's message.
        message: String,
    },
    /// A query of the migrator's own tables or of the lock failed.
    #[error("{context} failed: {source}")]
    Query {
        /// What was being done (`reading dgs_schema_version`).
        context: String,
        /// The server's error.
        #[source]
        source: Box<ServerError>,
    },
    /// A table under a configured history name belongs to another tool (or to nobody the
    /// migrator knows); nothing was written.
    #[error("{0}")]
    ForeignHistoryTable(Box<ForeignTable>),
    /// The previous build's SQLite lock table is held, so its tables cannot be carried over.
    #[error(
        "the history is still in the previous build's tables ({legacy}), and a migrator of \
         that build holds their lock ({legacy}_lock: {holder}); wait for it to finish, or, once \
         no run is active, `DELETE FROM {legacy}_lock` and run again"
    )]
    LegacyLockHeld {
        /// The previous version table's name.
        legacy: String,
        /// Who holds the lock.
        holder: Box<LockHolder>,
    },
    /// The version table holds something that is not a revision id.
    #[error(
        "the version table holds `{value}`, which is not a revision id; fix the row by hand or \
         `migrate stamp` the database"
    )]
    CorruptHistory {
        /// The value found.
        value: String,
    },
    /// Another migrator holds the migration lock.
    #[error(
        "could not take the migration lock within {}: {}",
        humanize(*waited),
        holder.as_ref().map_or_else(
            || "it was held by another session, which let go as we gave up; run again".to_owned(),
            |h| format!(
                "it is held by {h}; wait for that run to finish, or end it if it is stuck ({})",
                h.end_it
            )
        )
    )]
    LockTimeout {
        /// How long we waited.
        waited: Duration,
        /// Who holds it, as the server reports it (`None` if it was released meanwhile).
        holder: Option<Box<LockHolder>>,
    },
}

impl DbError {
    /// A statement outside any revision (creating the development database) that failed.
    pub fn statement(context: &str, error: &sqlx::Error) -> Self {
        Self::Statement {
            context: context.to_string(),
            message: error.to_string(),
        }
    }

    /// A failed query of the migrator's own tables or lock.
    pub fn query(context: &'static str, source: ServerError) -> Self {
        Self::query_about(context.to_owned(), source)
    }

    /// [`DbError::query`] with a context made at run time (one naming a configured table).
    pub fn query_about(context: String, source: ServerError) -> Self {
        Self::Query {
            context,
            source: Box::new(source),
        }
    }
}

/// A live connection to one database, of whichever kind the URL names: the generic flow
/// (the lock's retry loop, the history tables' classification and carry-over) written once
/// over the kind's [`Connection`].
#[derive(Debug)]
pub struct Database {
    conn: Box<dyn Connection>,
}

/// The first and the longest pause between two tries for the migration lock.
const LOCK_RETRY_FIRST: Duration = Duration::from_millis(50);
const LOCK_RETRY_MAX: Duration = Duration::from_secs(1);

impl Database {
    /// Connects to the database the URL names, retrying with backoff until `wait.timeout`.
    pub async fn connect(url: &str, wait: &Wait) -> Result<Self, DbError> {
        let driver = driver_for(url)?;
        Ok(Self {
            conn: driver.connect(url, wait).await?,
        })
    }

    /// Creates the database the URL names when it does not exist yet (the
    /// zero-configuration development database); SQLite creates its file on connect. True
    /// when it was created.
    pub async fn create_if_missing(url: &str, wait: &Wait) -> Result<bool, DbError> {
        driver_for(url)?.create_if_missing(url, wait).await
    }

    /// The database kind.
    pub fn dialect(&self) -> Dialect {
        self.conn.dialect()
    }

    /// The driver's own connection, when it is of type `C` (`sqlx::PgConnection`,
    /// `sqlx::MySqlConnection`, `sqlx::SqliteConnection`): for what only it offers.
    pub fn raw<C: 'static>(&mut self) -> Option<&mut C> {
        self.conn.raw().downcast_mut::<C>()
    }

    /// Reads the managed part of the live schema.
    pub async fn inspect(&mut self, filter: &SchemaFilter) -> Result<Schema, DbError> {
        self.conn.inspect(filter).await
    }

    /// Rewrites the target's expressions into the server's canonical spelling, comparing
    /// against `current` (see `dialect::postgres::normalize`).
    pub async fn normalize(
        &mut self,
        current: &Schema,
        target: &mut Schema,
    ) -> Result<(), DbError> {
        self.conn.normalize(current, target).await
    }

    /// Runs statements one after another inside one transaction; on failure everything
    /// is rolled back and the error names the failing statement.
    pub async fn execute_in_transaction(&mut self, statements: &[String]) -> Result<(), DbError> {
        self.conn.execute_in_transaction(statements).await
    }

    /// Runs one statement as written (simple query protocol, no parameters), in whatever
    /// transaction the connection is in. `BEGIN`, `COMMIT` and `ROLLBACK` are statements
    /// too: the executor drives transactions with the same SQL the offline script prints.
    pub async fn execute(&mut self, sql: &str) -> Result<(), ServerError> {
        let started = Instant::now();
        let result = self.conn.execute(sql).await;
        tracing::trace!(statement = %bounded(sql), elapsed = ?started.elapsed(), ok = result.is_ok(), "ran");
        result
    }

    /// Whether DDL can run inside a transaction and be rolled back (not on MySQL/MariaDB,
    /// which commit each DDL statement on its own).
    pub fn transactional_ddl(&self) -> bool {
        self.conn.transactional_ddl()
    }

    /// Runs a query whose one row holds one integer (`SELECT COUNT(*) ...`) and returns it.
    pub async fn count(&mut self, sql: &str) -> Result<i64, ServerError> {
        self.conn.count(sql).await
    }

    /// Whether later statements of the same transaction cannot use what `sql` creates until
    /// it commits (PostgreSQL's `ALTER TYPE ... ADD VALUE`).
    pub fn commits_before_use(&self, sql: &str) -> bool {
        self.conn.commits_before_use(sql)
    }

    /// Tries once to take the migration lock; true when this connection now holds it.
    /// The lock is one per database; only SQLite keeps it in a table, `tables.lock()`.
    pub async fn try_lock(&mut self, tables: &HistoryTables) -> Result<bool, DbError> {
        self.conn.try_lock(tables).await
    }

    /// Releases the migration lock; false when this connection did not hold it.
    pub async fn unlock(&mut self, tables: &HistoryTables) -> Result<bool, DbError> {
        self.conn.unlock(tables).await
    }

    /// The session holding the migration lock, if any.
    pub async fn lock_holder(
        &mut self,
        tables: &HistoryTables,
    ) -> Result<Option<LockHolder>, DbError> {
        self.conn.lock_holder(tables).await
    }

    /// Takes the migration lock, trying again with backoff (50 ms doubling to 1 s) until
    /// `timeout`; then fails naming the session that holds it. Waiting is logged once, with
    /// the holder, so an operator watching a deploy sees why it pauses.
    pub async fn lock(&mut self, tables: &HistoryTables, timeout: Duration) -> Result<(), DbError> {
        let started = Instant::now();
        let mut delay = LOCK_RETRY_FIRST;
        let mut reported = false;
        loop {
            if self.try_lock(tables).await? {
                tracing::debug!(waited = ?started.elapsed(), "took the migration lock");
                return Ok(());
            }
            let waited = started.elapsed();
            if waited >= timeout {
                let holder = self.lock_holder(tables).await?.map(Box::new);
                return Err(DbError::LockTimeout { waited, holder });
            }
            if !reported {
                reported = true;
                match self.lock_holder(tables).await? {
                    Some(holder) => {
                        tracing::warn!("waiting for the migration lock, held by {holder}")
                    }
                    None => tracing::warn!("waiting for the migration lock"),
                }
            }
            tokio::time::sleep(delay.min(timeout - waited)).await;
            delay = (delay * 2).min(LOCK_RETRY_MAX);
        }
    }

    /// Where the history tables stand, from one catalog query: missing, present, or still
    /// under the previous build's name. A table of a configured name but another shape (a
    /// Rails `schema_migrations`, say) is [`DbError::ForeignHistoryTable`].
    pub async fn history_status(
        &mut self,
        tables: &HistoryTables,
    ) -> Result<HistoryStatus, DbError> {
        let names = tables.lookup_names();
        let found = self.conn.table_columns(&names).await?;
        history::classify(tables, &found).map_err(DbError::ForeignHistoryTable)
    }

    /// Renames the previous build's history tables (`from`, of the migrator's shape; `log`
    /// when its log exists) to `to`, in one transaction where the database allows it. The
    /// caller holds the migration lock; on SQLite, a lock still held in the previous lock
    /// table stops it ([`DbError::LegacyLockHeld`]).
    pub async fn carry_over_history(
        &mut self,
        from: &HistoryTables,
        to: &HistoryTables,
        log: bool,
    ) -> Result<(), DbError> {
        let statements = self.conn.carry_over(from, to, log).await?;
        // Statement by statement through `execute`, as the session's own bookkeeping runs.
        let script = std::iter::once("BEGIN".to_owned())
            .chain(statements)
            .chain(std::iter::once("COMMIT".to_owned()));
        for sql in script {
            if let Err(source) = self.execute(&sql).await {
                if let Err(error) = self.execute("ROLLBACK").await {
                    tracing::debug!(%error, "rollback failed");
                }
                return Err(DbError::query_about(
                    format!("carrying the history over from {} to {}", from, to),
                    source,
                ));
            }
        }
        Ok(())
    }

    /// Whether the version table exists (a database no migrator has touched has none).
    pub async fn history_exists(&mut self, tables: &HistoryTables) -> Result<bool, DbError> {
        self.conn.table_exists(tables.version()).await
    }

    /// Whether both history tables exist, so that a run by a user without the right to
    /// create tables can still use tables an administrator made.
    pub async fn history_complete(&mut self, tables: &HistoryTables) -> Result<bool, DbError> {
        if !self.history_exists(tables).await? {
            return Ok(false);
        }
        self.conn.table_exists(tables.log()).await
    }

    /// The revisions the version table records as the database's heads, sorted by id;
    /// empty when the table does not exist.
    pub async fn read_heads(&mut self, tables: &HistoryTables) -> Result<Vec<RevisionId>, DbError> {
        if !self.history_exists(tables).await? {
            return Ok(Vec::new());
        }
        let raw = self.conn.read_heads(tables).await?;
        let heads: BTreeSet<RevisionId> = raw
            .into_iter()
            .map(|value| RevisionId::parse(&value).map_err(|_| DbError::CorruptHistory { value }))
            .collect::<Result<_, _>>()?;
        Ok(heads.into_iter().collect())
    }

    /// The log's latest rows for one revision, newest first (empty without a log); what
    /// the resume of a revision run in parts reads.
    pub async fn latest_log_rows(
        &mut self,
        tables: &HistoryTables,
        revision: &RevisionId,
    ) -> Result<Vec<LogRow>, DbError> {
        // Enough for any revision's parts: one row per enum value it adds, at most.
        const LIMIT: i64 = 10_000;
        if !self.history_complete(tables).await? {
            return Ok(Vec::new());
        }
        self.conn.latest_log_rows(tables, revision, LIMIT).await
    }

    /// For each revision, the checksum its file had when it was last applied, stamped or
    /// accepted (the baseline an edited file is caught against).
    pub async fn read_checksums(
        &mut self,
        tables: &HistoryTables,
    ) -> Result<Vec<RecordedChecksum>, DbError> {
        if !self.history_exists(tables).await? {
            return Ok(Vec::new());
        }
        self.conn.read_checksums(tables).await
    }
}

/// The registered driver of the URL's scheme.
fn driver_for(url: &str) -> Result<&'static dyn Driver, DbError> {
    Dialect::from_url(url)
        .map(crate::dialect::driver)
        .ok_or_else(|| DbError::UnknownScheme { url: redact(url) })
}

/// The database's name as people write it.
fn product_name(dialect: Dialect) -> &'static str {
    crate::dialect::driver(dialect).product_name()
}

/// How to start a local server of `dialect`, for the zero-configuration run's message.
fn start_hint(dialect: Dialect) -> &'static str {
    crate::dialect::driver(dialect).start_hint()
}

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
