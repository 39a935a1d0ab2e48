//! The two traits a database kind implements, beside the types they speak in: a
//! [`Driver`] (one static value per kind: connect, create the database, the SQL of the
//! history tables, how to talk about the server) and a [`Connection`] (one live connection:
//! read the schema, run statements, take the migration lock, read the history tables).
//!
//! Each kind's implementation lives in its folder under `dialect/` (`driver.rs`), and
//! `dialect::driver` is the one place that lists them. The generic flow (the retry loop of
//! the lock, the classification of the history tables, the carry-over transaction) is
//! written once, in [`super::Database`], against these traits, in the manner of sqlx's
//! `MigrateDatabase` (the database as a whole) and `Migrate` (a connection) traits.

use std::any::Any;
use std::path::Path;

use async_trait::async_trait;
use schema_runtime::schema::Schema;

use super::backup::{Backup, BackupError};
use super::history::{HistorySql, HistoryTables, LogRow, RecordedChecksum};
use super::{DbError, LockHolder, ServerError, Wait};
use crate::dialect::Dialect;
use crate::diff::DiffHooks;
use crate::filter::SchemaFilter;
use crate::render::Renderer;
use crate::revision::{Lexicon, RevisionId};

/// One database kind, as a whole: its SQL ([`Renderer`]) and its server.
#[async_trait]
pub trait Driver: Renderer + Sync {
    /// The kind.
    fn dialect(&self) -> Dialect;

    /// The database's name as people write it ("PostgreSQL", "MySQL or MariaDB").
    fn product_name(&self) -> &'static str;

    /// How to start a local server, for the zero-configuration run's message when none
    /// answers.
    fn start_hint(&self) -> &'static str;

    /// Connects to the database the URL names, retrying with backoff until `wait.timeout`.
    async fn connect(&self, url: &str, wait: &Wait) -> Result<Box<dyn Connection>, DbError>;

    /// Creates the database the URL names when it does not exist yet; true when it was
    /// created. A kind whose connect creates the database (SQLite's file) returns false.
    async fn create_if_missing(&self, url: &str, wait: &Wait) -> Result<bool, DbError>;

    /// The URL of the development database `database` on this machine's server of this
    /// kind, with `env` the process environment (PostgreSQL reads the libpq variables).
    fn development_url(&self, database: &str, env: &dyn Fn(&str) -> Option<String>) -> String;

    /// Where the URL leads, in words (`app_development on /var/run/postgresql:5432 as
    /// root`); `None` to show the URL itself, password removed.
    fn describe(&self, _url: &str) -> Option<String> {
        None
    }

    /// The database's name as the URL gives it, for messages; `None` when it names none.
    fn database_name(&self, _url: &str) -> Option<String> {
        None
    }

    /// Backs up the database at `url` into `dir`, naming the file after `revision`.
    fn backup(&self, url: &str, dir: &Path, revision: &str) -> Result<Backup, BackupError>;

    /// Whether DDL can run inside a transaction and be rolled back (not on MySQL, which
    /// commits each DDL statement on its own); what a new revision says by default.
    fn transactional_ddl(&self) -> bool {
        true
    }

    /// Where a `;` ends a statement in this kind's SQL (quotes, comments, escapes).
    fn lexicon(&self) -> Lexicon {
        Lexicon::STANDARD
    }

    /// The function that counts a string's characters (`char_length`; SQLite: `length`).
    fn char_length(&self) -> &'static str {
        "char_length"
    }

    /// Whether connecting to `url` will create the database, because it is a file that
    /// does not exist yet (SQLite); the run then says it created it.
    fn creates_on_connect(&self, _url: &str) -> bool {
        false
    }

    /// This kind's answers to the diff's narrow questions.
    fn diff_hooks(&self) -> &'static dyn DiffHooks;

    /// The bookkeeping SQL of this kind, writing to `tables`; an error where this build
    /// does not include the kind.
    fn history_sql(&self, tables: &HistoryTables) -> Result<HistorySql, DbError>;
}

/// One live connection of one database kind: the few operations the engine needs.
#[async_trait]
pub trait Connection: Send + std::fmt::Debug {
    /// The driver of the server on the other end: the registered one, or the flavour of it
    /// that the connection found (MySQL 8 or MariaDB, the PostgreSQL version), so that what
    /// is rendered for this connection is written for that server.
    fn driver(&self) -> &'static dyn Driver;

    /// The kind.
    fn dialect(&self) -> Dialect {
        self.driver().dialect()
    }

    /// Reads the managed part of the live schema.
    async fn inspect(&mut self, filter: &SchemaFilter) -> Result<Schema, DbError>;

    /// Rewrites the target's expressions into the server's canonical spelling, comparing
    /// against `current`.
    async fn normalize(&mut self, current: &Schema, target: &mut Schema) -> Result<(), DbError>;

    /// Runs one statement as written, in whatever transaction the connection is in.
    async fn execute(&mut self, sql: &str) -> Result<(), ServerError>;

    /// Runs statements in one transaction, rolling back on the first failure.
    async fn execute_in_transaction(&mut self, statements: &[String]) -> Result<(), DbError>;

    /// Runs a query whose one row holds one integer and returns it.
    async fn count(&mut self, sql: &str) -> Result<i64, ServerError>;

    /// Whether later statements of the same transaction cannot use what `sql` creates
    /// until it commits.
    fn commits_before_use(&self, _sql: &str) -> bool {
        false
    }

    /// Tries once to take the migration lock; true when this connection now holds it.
    async fn try_lock(&mut self, tables: &HistoryTables) -> Result<bool, DbError>;

    /// Releases the migration lock; false when this connection did not hold it.
    async fn unlock(&mut self, tables: &HistoryTables) -> Result<bool, DbError>;

    /// The session holding the migration lock, if any.
    async fn lock_holder(&mut self, tables: &HistoryTables) -> Result<Option<LockHolder>, DbError>;

    /// Whether a table of that name is visible (unqualified, as the history tables are).
    async fn table_exists(&mut self, name: &str) -> Result<bool, DbError>;

    /// What the database holds that models cannot describe (views, triggers, functions,
    /// ...), in the namespaces `filter` reads; a trigger or policy of a table the filter
    /// leaves out is left out too.
    async fn other_objects(
        &mut self,
        filter: &SchemaFilter,
    ) -> Result<Vec<super::OtherObject>, DbError>;

    /// The namespaces besides the default one that hold a table or a type of the user's
    /// (not the system's or an extension's), for an adoption that reads them all. A
    /// database with one namespace has none.
    async fn user_namespaces(&mut self) -> Result<Vec<String>, DbError> {
        Ok(Vec::new())
    }

    /// The columns of the tables `names` that exist, as `(table, column)` in column order.
    async fn table_columns(&mut self, names: &[String]) -> Result<Vec<(String, String)>, DbError>;

    /// The statements that rename the previous build's history tables `from` to `to`
    /// (`log` when its log exists), after checking that nothing stops it.
    async fn carry_over(
        &mut self,
        from: &HistoryTables,
        to: &HistoryTables,
        log: bool,
    ) -> Result<Vec<String>, DbError>;

    /// The version table's rows as stored; the table exists.
    async fn read_heads(&mut self, tables: &HistoryTables) -> Result<Vec<String>, DbError>;

    /// The log's latest rows for `revision`, newest first, at most `limit`; the log
    /// exists. Only a kind that runs revisions in parts has part rows worth reading.
    async fn latest_log_rows(
        &mut self,
        _tables: &HistoryTables,
        _revision: &RevisionId,
        _limit: i64,
    ) -> Result<Vec<LogRow>, DbError> {
        Ok(Vec::new())
    }

    /// The latest baseline row of each revision; the version table exists.
    async fn read_checksums(
        &mut self,
        tables: &HistoryTables,
    ) -> Result<Vec<RecordedChecksum>, DbError>;

    /// The driver's own connection (`sqlx::PgConnection`, ...), for callers that need
    /// what only it offers.
    fn raw(&mut self) -> &mut dyn Any;
}
