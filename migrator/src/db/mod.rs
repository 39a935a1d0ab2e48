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
mod error;
pub mod foreign;
pub mod history;
mod human;
pub(crate) mod lock;
pub(crate) mod others;
mod refusal;
mod server;
pub mod tables;
pub mod tls;
pub(crate) mod url;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use schema_runtime::schema::Schema;

use crate::dialect::Dialect;
use crate::filter::SchemaFilter;
use crate::revision::RevisionId;

pub use connect::{Refusal, RefusalKind, Wait, WaitNotice, WaitNotifier};
pub use foreign::{ForeignTable, FOREIGN_TABLES};
pub use history::{
    parts_committed, HeadChange, HistorySql, HistoryStatus, HistoryTables, LogAction, LogDuration,
    LogEntry, LogRow, RecordedChecksum, VersionTableError,
};
pub use lock::{LockHolder, MIGRATION_LOCK_KEY, MIGRATION_LOCK_NAME};
pub use others::OtherObject;
pub use server::{ServerError, ServerErrorKind};
pub use tls::{TlsSettingError, TlsSettings};
pub use url::{password_of, redact};

pub use connection::{Connection, Driver};
pub use error::DbError;
pub use human::{bounded, humanize, humanize_seconds};

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

    /// The driver of the server this database is on (its flavour or version band), for
    /// rendering what runs on it.
    pub fn driver(&self) -> &'static dyn Driver {
        self.conn.driver()
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
        crate::dialect::driver(self.dialect()).transactional_ddl()
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

    /// What the database holds that models cannot describe, in the namespaces and tables
    /// `filter` reads: views, triggers, functions and the like.
    pub async fn other_objects(
        &mut self,
        filter: &SchemaFilter,
    ) -> Result<Vec<OtherObject>, DbError> {
        Ok(others::sorted(self.conn.other_objects(filter).await?))
    }

    /// The namespaces besides the default one that hold the user's tables or types.
    pub async fn user_namespaces(&mut self) -> Result<Vec<String>, DbError> {
        self.conn.user_namespaces().await
    }

    /// Which of these tables exist where the history tables are looked for (other tools'
    /// history tables, for the adoption report): one catalog query, whatever the number.
    pub async fn existing_tables(&mut self, names: &[String]) -> Result<BTreeSet<String>, DbError> {
        let found = self.conn.table_columns(names).await?;
        Ok(found.into_iter().map(|(table, _)| table).collect())
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

// The lookup of a kind's bookkeeping SQL lives beside the flow that uses it rather than in
// `history`, which the dialects' own history modules import.
impl HistorySql {
    /// The SQL for `dialect`, writing to `tables`.
    pub fn for_dialect(dialect: Dialect, tables: &HistoryTables) -> Result<Self, DbError> {
        crate::dialect::driver(dialect).history_sql(tables)
    }
}
