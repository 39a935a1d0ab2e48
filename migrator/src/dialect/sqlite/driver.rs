//! SQLite behind the seam: the [`Driver`] and [`Connection`] implementations, each
//! method a call into this folder's `connect`, `lock`, `history`, `inspect` and
//! `normalize`.

use std::any::Any;
use std::path::Path;

use async_trait::async_trait;
use schema_runtime::schema::{QualifiedName, Schema};
use sqlx::SqliteConnection;

use super::{connect, history, lock};
use crate::change::Op;
use crate::db::backup::{Backup, BackupError};
use crate::db::connection::{Connection, Driver};
use crate::db::{
    DbError, HistorySql, HistoryTables, LockHolder, OtherObject, RecordedChecksum, ServerError,
    Wait,
};
use crate::dialect::{Dialect, Statement};
use crate::filter::SchemaFilter;
use crate::plan::Plan;
use crate::render::{RenderError, Renderer};
use crate::revision::Lexicon;

/// SQLite, as a database kind.
pub struct Sqlite;

/// A live SQLite connection (see `connect` for why foreign keys are off on it).
#[derive(Debug)]
pub struct SqliteFile(pub SqliteConnection);

impl Renderer for Sqlite {
    fn quote_ident(&self, name: &str) -> String {
        super::quote::quote_ident(name)
    }

    fn quote_name(&self, name: &QualifiedName) -> String {
        super::quote::quote_name(name)
    }

    /// Without the schema an op applies to, only what needs no table rebuild renders.
    fn validate(&self, op: &Op) -> Result<(), RenderError> {
        super::render::validate_without_schema(op)
    }

    fn render_op(&self, op: &Op) -> Vec<Statement> {
        super::render::render_op(op)
    }

    fn render_reverse(&self, op: &Op) -> Vec<Statement> {
        super::render::render_reverse(op)
    }

    /// What `ALTER TABLE` cannot do is a table rebuild, which writes the whole table as
    /// `current` and the ops before it leave it; the reverses are rendered the same way,
    /// from the schema the whole list leaves.
    fn plan(&self, current: &Schema, ops: &[Op]) -> Result<Plan, RenderError> {
        super::render::plan(current, ops)
    }
}

#[async_trait]
impl Driver for Sqlite {
    fn lexicon(&self) -> Lexicon {
        Lexicon {
            dollar_quotes: false,
            backslash_escapes: false,
            bracket_identifiers: true,
        }
    }

    fn char_length(&self) -> &'static str {
        "length"
    }

    fn creates_on_connect(&self, url: &str) -> bool {
        connect::file_path(url).is_some_and(|path| !Path::new(&path).exists())
    }

    fn database_name(&self, url: &str) -> Option<String> {
        connect::file_path(url)
    }

    fn diff_hooks(&self) -> &'static dyn crate::diff::DiffHooks {
        &super::diff::SqliteDiff
    }

    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn product_name(&self) -> &'static str {
        "SQLite"
    }

    fn start_hint(&self) -> &'static str {
        "check the file's folder"
    }

    async fn connect(&self, url: &str, wait: &Wait) -> Result<Box<dyn Connection>, DbError> {
        Ok(Box::new(SqliteFile(connect::connect(url, wait).await?)))
    }

    /// Connecting creates the file.
    async fn create_if_missing(&self, _url: &str, _wait: &Wait) -> Result<bool, DbError> {
        Ok(false)
    }

    /// A file in the working folder, created on connect.
    fn development_url(&self, database: &str, _env: &dyn Fn(&str) -> Option<String>) -> String {
        format!("sqlite://{database}.db?mode=rwc")
    }

    fn backup(&self, url: &str, dir: &Path, revision: &str) -> Result<Backup, BackupError> {
        super::backup::backup(url, dir, revision)
    }

    fn history_sql(&self, tables: &HistoryTables) -> Result<HistorySql, DbError> {
        Ok(HistorySql::new(
            tables,
            history::create_tables,
            history::log,
            // Only PostgreSQL runs a revision in parts, so the log needs no widening.
            |_| Vec::new(),
            lock::lock_statement,
            lock::unlock_statement,
        ))
    }
}

#[async_trait]
impl Connection for SqliteFile {
    fn driver(&self) -> &'static dyn Driver {
        &Sqlite
    }

    async fn inspect(&mut self, filter: &SchemaFilter) -> Result<Schema, DbError> {
        super::inspect::inspect(&mut self.0, filter)
            .await
            .map_err(|e| DbError::query("reading the SQLite schema", connect::server_error(&e)))
    }

    async fn other_objects(&mut self, filter: &SchemaFilter) -> Result<Vec<OtherObject>, DbError> {
        super::inspect::others::other_objects(&mut self.0, filter)
            .await
            .map_err(|e| {
                DbError::query(
                    "listing the SQLite views and triggers",
                    connect::server_error(&e),
                )
            })
    }

    async fn normalize(&mut self, _current: &Schema, target: &mut Schema) -> Result<(), DbError> {
        super::normalize::normalize_target(target);
        Ok(())
    }

    async fn execute(&mut self, sql: &str) -> Result<(), ServerError> {
        connect::execute(&mut self.0, sql).await
    }

    async fn execute_in_transaction(&mut self, statements: &[String]) -> Result<(), DbError> {
        connect::execute_in_transaction(&mut self.0, statements).await
    }

    async fn count(&mut self, sql: &str) -> Result<i64, ServerError> {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&mut self.0)
            .await
            .map_err(|e| connect::server_error(&e))
    }

    /// The lock is a row in `tables.lock()`.
    async fn try_lock(&mut self, tables: &HistoryTables) -> Result<bool, DbError> {
        lock::try_lock(&mut self.0, tables).await
    }

    async fn unlock(&mut self, tables: &HistoryTables) -> Result<bool, DbError> {
        lock::unlock(&mut self.0, tables).await
    }

    async fn lock_holder(&mut self, tables: &HistoryTables) -> Result<Option<LockHolder>, DbError> {
        lock::holder(&mut self.0, tables).await
    }

    async fn table_exists(&mut self, name: &str) -> Result<bool, DbError> {
        history::exists(&mut self.0, name).await
    }

    async fn table_columns(&mut self, names: &[String]) -> Result<Vec<(String, String)>, DbError> {
        history::columns(&mut self.0, names).await
    }

    async fn carry_over(
        &mut self,
        from: &HistoryTables,
        to: &HistoryTables,
        log: bool,
    ) -> Result<Vec<String>, DbError> {
        // A run of the previous build may still hold the lock kept in its lock table.
        if let Some(holder) = lock::holder(&mut self.0, from).await? {
            return Err(DbError::LegacyLockHeld {
                legacy: from.version().to_owned(),
                holder: Box::new(holder),
            });
        }
        Ok(history::carry_over(from, to, log))
    }

    async fn read_heads(&mut self, tables: &HistoryTables) -> Result<Vec<String>, DbError> {
        history::read_heads(&mut self.0, tables).await
    }

    async fn read_checksums(
        &mut self,
        tables: &HistoryTables,
    ) -> Result<Vec<RecordedChecksum>, DbError> {
        history::read_checksums(&mut self.0, tables).await
    }

    fn raw(&mut self) -> &mut dyn Any {
        &mut self.0
    }
}
