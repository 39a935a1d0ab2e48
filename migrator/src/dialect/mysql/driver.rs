//! MySQL and MariaDB behind the seam: the [`Driver`] and [`Connection`] implementations, each
//! method a call into this folder's `connect`, `lock`, `history`, `inspect` and
//! `normalize`.

use std::any::Any;
use std::path::Path;

use async_trait::async_trait;
use schema_runtime::schema::{QualifiedName, Schema};
use sqlx::MySqlConnection;

use super::{connect, history, lock, Flavour};
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
use crate::render::{plan_each, RenderError, Renderer};
use crate::revision::Lexicon;

/// MySQL and MariaDB, as a database kind: one driver per [`Flavour`], which decides the few
/// statements the two servers want written differently. The registry hands out
/// [`MARIADB`] (what an offline script is written for); a connection reads the server's
/// `version()` and answers with the driver of the flavour it found ([`Mysql::of`]).
pub struct Mysql {
    flavour: Flavour,
}

/// The MariaDB flavour: the registered driver of the MySQL dialect.
pub static MARIADB: Mysql = Mysql {
    flavour: Flavour::Mariadb,
};

/// The Oracle MySQL 8 flavour.
pub static MYSQL: Mysql = Mysql {
    flavour: Flavour::Mysql,
};

impl Mysql {
    /// The driver of `flavour`.
    pub fn of(flavour: Flavour) -> &'static Mysql {
        match flavour {
            Flavour::Mariadb => &MARIADB,
            Flavour::Mysql => &MYSQL,
        }
    }

    /// The flavour this driver writes for.
    pub fn flavour(&self) -> Flavour {
        self.flavour
    }
}

/// A live MySQL or MariaDB connection, with the driver of the flavour it talks to.
#[derive(Debug)]
pub struct MysqlConnection {
    /// The sqlx connection.
    pub conn: MySqlConnection,
    flavour: Flavour,
}

impl Renderer for Mysql {
    fn quote_ident(&self, name: &str) -> String {
        super::quote::quote_ident(name)
    }

    fn quote_name(&self, name: &QualifiedName) -> String {
        super::quote::quote_name(name)
    }

    fn validate(&self, op: &Op) -> Result<(), RenderError> {
        super::render::validate(op)
    }

    fn render_op(&self, op: &Op) -> Vec<Statement> {
        super::render::render_op(op, self.flavour)
    }

    fn render_reverse(&self, op: &Op) -> Vec<Statement> {
        super::render::render_reverse(op, self.flavour)
    }

    /// Checks the column types of the keys the ops add against the schema they lead to (a
    /// key over `longtext` fails halfway through a revision here), and joins an identity
    /// column with its primary key, which MySQL wants in one statement (both ways).
    fn plan(&self, current: &Schema, ops: &[Op]) -> Result<Plan, RenderError> {
        // Ops that do not apply to `current` are the diff's to explain, not this check's.
        if let Ok(after) = crate::replay::replay_for(&super::diff::MysqlDiff, current, ops) {
            super::render::validate_keys(&after, ops)?;
        }
        let mut plan = plan_each(self, ops)?;
        super::render::join_identity_keys(ops, plan.changes_mut());
        Ok(plan)
    }
}

#[async_trait]
impl Driver for Mysql {
    fn transactional_ddl(&self) -> bool {
        false
    }

    fn lexicon(&self) -> Lexicon {
        Lexicon {
            dollar_quotes: false,
            backslash_escapes: true,
            bracket_identifiers: false,
        }
    }

    fn diff_hooks(&self) -> &'static dyn crate::diff::DiffHooks {
        &super::diff::MysqlDiff
    }

    fn dialect(&self) -> Dialect {
        Dialect::Mysql
    }

    fn product_name(&self) -> &'static str {
        "MySQL or MariaDB"
    }

    fn start_hint(&self) -> &'static str {
        "start one (`sudo service mariadb start`, `brew services start mysql`, or `docker \
         run -d -p 3306:3306 -e MYSQL_ALLOW_EMPTY_PASSWORD=1 mysql`)"
    }

    async fn connect(&self, url: &str, wait: &Wait) -> Result<Box<dyn Connection>, DbError> {
        let mut conn = connect::connect(url, wait).await?;
        let flavour = connect::flavour(&mut conn).await?;
        tracing::debug!(?flavour, "connected to MySQL");
        Ok(Box::new(MysqlConnection { conn, flavour }))
    }

    async fn create_if_missing(&self, url: &str, wait: &Wait) -> Result<bool, DbError> {
        connect::create_if_missing(url, wait).await
    }

    /// `root` on 127.0.0.1:3306, as a fresh local server has it.
    fn development_url(&self, database: &str, _env: &dyn Fn(&str) -> Option<String>) -> String {
        format!("mysql://root@127.0.0.1:3306/{database}")
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
            // Only PostgreSQL runs a revision in parts, so the log needs no widening.
            |_| Vec::new(),
            |_| lock::lock_statement(),
            |_| lock::unlock_statement(),
        ))
    }
}

#[async_trait]
impl Connection for MysqlConnection {
    fn driver(&self) -> &'static dyn Driver {
        Mysql::of(self.flavour)
    }

    async fn inspect(&mut self, filter: &SchemaFilter) -> Result<Schema, DbError> {
        Ok(super::inspect::inspect(&mut self.conn, filter, self.flavour).await?)
    }

    async fn other_objects(&mut self, filter: &SchemaFilter) -> Result<Vec<OtherObject>, DbError> {
        Ok(super::inspect::others::other_objects(&mut self.conn, filter).await?)
    }

    async fn normalize(&mut self, _current: &Schema, target: &mut Schema) -> Result<(), DbError> {
        super::normalize::normalize_target(target);
        Ok(())
    }

    async fn execute(&mut self, sql: &str) -> Result<(), ServerError> {
        connect::execute(&mut self.conn, sql).await
    }

    async fn execute_in_transaction(&mut self, statements: &[String]) -> Result<(), DbError> {
        connect::execute_in_transaction(&mut self.conn, statements).await
    }

    async fn count(&mut self, sql: &str) -> Result<i64, ServerError> {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&mut self.conn)
            .await
            .map_err(|e| connect::server_error(&e))
    }

    /// MySQL and MariaDB commit each DDL statement on their own.
    async fn try_lock(&mut self, _tables: &HistoryTables) -> Result<bool, DbError> {
        lock::try_lock(&mut self.conn).await
    }

    async fn unlock(&mut self, _tables: &HistoryTables) -> Result<bool, DbError> {
        lock::unlock(&mut self.conn).await
    }

    async fn lock_holder(
        &mut self,
        _tables: &HistoryTables,
    ) -> Result<Option<LockHolder>, DbError> {
        lock::holder(&mut self.conn).await
    }

    async fn table_exists(&mut self, name: &str) -> Result<bool, DbError> {
        history::exists(&mut self.conn, name).await
    }

    async fn table_columns(&mut self, names: &[String]) -> Result<Vec<(String, String)>, DbError> {
        history::columns(&mut self.conn, names).await
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
        history::read_heads(&mut self.conn, tables).await
    }

    async fn read_checksums(
        &mut self,
        tables: &HistoryTables,
    ) -> Result<Vec<RecordedChecksum>, DbError> {
        history::read_checksums(&mut self.conn, tables).await
    }

    fn raw(&mut self) -> &mut dyn Any {
        &mut self.conn
    }
}
