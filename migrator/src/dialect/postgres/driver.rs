//! PostgreSQL behind the seam: the [`Driver`] and [`Connection`] implementations, each
//! method a call into this folder's `connect`, `lock`, `history`, `inspect` and
//! `normalize`.

use std::any::Any;
use std::path::Path;

use async_trait::async_trait;
use schema_runtime::schema::{QualifiedName, Schema};
use sqlx::PgConnection;

use super::{connect, history, lock};
use crate::change::Op;
use crate::db::backup::{Backup, BackupError};
use crate::db::connection::{Connection, Driver};
use crate::db::{
    DbError, HistorySql, HistoryTables, LockHolder, LogRow, RecordedChecksum, ServerError, Wait,
};
use crate::dialect::{Dialect, Statement};
use crate::filter::SchemaFilter;
use crate::render::{RenderError, Renderer};
use crate::revision::RevisionId;

/// PostgreSQL, as a database kind.
pub struct Postgres;

/// A live PostgreSQL connection.
#[derive(Debug)]
pub struct PostgresConnection(pub PgConnection);

impl Renderer for Postgres {
    fn quote_ident(&self, name: &str) -> String {
        super::render::quote_ident(name)
    }

    fn quote_name(&self, name: &QualifiedName) -> String {
        super::render::quote_name(name)
    }

    fn validate(&self, op: &Op) -> Result<(), RenderError> {
        super::render::validate(op)
    }

    fn render_op(&self, op: &Op) -> Vec<Statement> {
        super::render::render_op(op)
    }

    fn render_reverse(&self, op: &Op) -> Vec<Statement> {
        super::render::render_reverse(op)
    }
}

#[async_trait]
impl Driver for Postgres {
    fn diff_hooks(&self) -> &'static dyn crate::diff::DiffHooks {
        &super::diff::PostgresDiff
    }

    fn dialect(&self) -> Dialect {
        Dialect::Postgresql
    }

    fn product_name(&self) -> &'static str {
        "PostgreSQL"
    }

    fn start_hint(&self) -> &'static str {
        "start one (`sudo pg_ctlcluster <version> main start` on Debian and Ubuntu, \
         `brew services start postgresql` on macOS, or `docker run -d -p 5432:5432 -e \
         POSTGRES_HOST_AUTH_METHOD=trust postgres`)"
    }

    async fn connect(&self, url: &str, wait: &Wait) -> Result<Box<dyn Connection>, DbError> {
        Ok(Box::new(PostgresConnection(
            connect::connect(url, wait).await?,
        )))
    }

    async fn create_if_missing(&self, url: &str, wait: &Wait) -> Result<bool, DbError> {
        connect::create_if_missing(url, wait).await
    }

    /// `postgres:///<database>`, the rest left to the libpq variables as `psql` reads
    /// them; `PGDATABASE` names the database instead.
    fn development_url(&self, database: &str, env: &dyn Fn(&str) -> Option<String>) -> String {
        // What a database name must not hold unencoded in a URL path.
        const PATH_RESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
            .remove(b'_')
            .remove(b'-')
            .remove(b'.');
        let database = env("PGDATABASE")
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| database.to_owned());
        let encoded = percent_encoding::utf8_percent_encode(&database, PATH_RESERVED);
        format!("postgres:///{encoded}")
    }

    fn describe(&self, url: &str) -> Option<String> {
        let (options, _) = connect::options(url).ok()?;
        let place = match options.get_socket() {
            Some(socket) => socket.display().to_string(),
            None => options.get_host().to_owned(),
        };
        Some(format!(
            "{} on {place}:{} as {}",
            options.get_database().unwrap_or("postgres"),
            options.get_port(),
            options.get_username()
        ))
    }

    fn database_name(&self, url: &str) -> Option<String> {
        let (options, _) = connect::options(url).ok()?;
        options.get_database().map(str::to_owned)
    }

    fn backup(&self, url: &str, dir: &Path, revision: &str) -> Result<Backup, BackupError> {
        super::backup::backup(url, dir, revision)
    }

    fn history_sql(&self, tables: &HistoryTables) -> Result<HistorySql, DbError> {
        Ok(HistorySql::new(
            tables,
            history::create_tables,
            history::log,
            history::widen_directions,
            |_| lock::lock_statement(),
            |_| lock::unlock_statement(),
        ))
    }
}

#[async_trait]
impl Connection for PostgresConnection {
    fn dialect(&self) -> Dialect {
        Dialect::Postgresql
    }

    async fn inspect(&mut self, filter: &SchemaFilter) -> Result<Schema, DbError> {
        Ok(super::inspect::inspect(&mut self.0, filter).await?)
    }

    async fn normalize(&mut self, current: &Schema, target: &mut Schema) -> Result<(), DbError> {
        super::normalize::normalize_target(&mut self.0, current, target).await?;
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

    fn commits_before_use(&self, sql: &str) -> bool {
        connect::commits_before_use(sql)
    }

    async fn try_lock(&mut self, _tables: &HistoryTables) -> Result<bool, DbError> {
        lock::try_lock(&mut self.0).await
    }

    async fn unlock(&mut self, _tables: &HistoryTables) -> Result<bool, DbError> {
        lock::unlock(&mut self.0).await
    }

    async fn lock_holder(
        &mut self,
        _tables: &HistoryTables,
    ) -> Result<Option<LockHolder>, DbError> {
        lock::holder(&mut self.0).await
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
        Ok(history::carry_over(from, to, log))
    }

    async fn read_heads(&mut self, tables: &HistoryTables) -> Result<Vec<String>, DbError> {
        history::read_heads(&mut self.0, tables).await
    }

    async fn latest_log_rows(
        &mut self,
        tables: &HistoryTables,
        revision: &RevisionId,
        limit: i64,
    ) -> Result<Vec<LogRow>, DbError> {
        history::latest_rows(&mut self.0, tables, revision, limit).await
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
