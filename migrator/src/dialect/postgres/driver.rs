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
    DbError, HistorySql, HistoryTables, LockHolder, LogRow, OtherObject, RecordedChecksum,
    ServerError, Wait,
};
use crate::dialect::{Dialect, Statement};
use crate::filter::SchemaFilter;
use crate::render::{RenderError, Renderer};
use crate::revision::RevisionId;

/// PostgreSQL, as a database kind: one driver per band of server versions whose SQL
/// differs. The registry hands out [`POSTGRES`] (PostgreSQL 12 and later: what an offline
/// script is written for); a connection reads `server_version_num` and answers with the
/// driver for that server ([`Postgres::for_version`]).
pub struct Postgres {
    /// The lowest `server_version_num` this driver writes for.
    since: u32,
    /// Whether the server knows `NULLS NOT DISTINCT` (15 and later). The registered
    /// driver writes it: an offline script is for whatever server the models ask for.
    nulls_not_distinct: bool,
}

/// PostgreSQL 12 and later: the registered driver, and a live server from 15 on.
pub static POSTGRES: Postgres = Postgres {
    since: 120_000,
    nulls_not_distinct: true,
};

/// A live PostgreSQL 12 to 14: as [`POSTGRES`], but an index `NULLS NOT DISTINCT` is
/// refused before anything runs instead of failing on the server halfway.
pub static POSTGRES_12_TO_14: Postgres = Postgres {
    since: 120_000,
    nulls_not_distinct: false,
};

/// PostgreSQL before 12, where `ALTER TYPE ... ADD VALUE` cannot run inside a transaction
/// block: a revision that adds an enum value is written `-- transactional: false`.
pub static POSTGRES_BEFORE_12: Postgres = Postgres {
    since: 0,
    nulls_not_distinct: false,
};

impl Postgres {
    /// The driver for a server reporting `server_version_num` (`150004` for 15.4).
    pub fn for_version(server_version_num: u32) -> &'static Postgres {
        if server_version_num >= 150_000 {
            &POSTGRES
        } else if server_version_num >= POSTGRES_12_TO_14.since {
            &POSTGRES_12_TO_14
        } else {
            &POSTGRES_BEFORE_12
        }
    }

    /// True when an added enum value can be added inside a transaction block (12 and
    /// later; it is still unusable there until the transaction commits).
    pub fn adds_enum_values_in_transactions(&self) -> bool {
        self.since >= 120_000
    }
}

/// A live PostgreSQL connection, with the driver of the server version it talks to.
#[derive(Debug)]
pub struct PostgresConnection {
    /// The sqlx connection.
    pub conn: PgConnection,
    /// The server's `server_version_num`.
    version: u32,
}

impl Renderer for Postgres {
    fn quote_ident(&self, name: &str) -> String {
        super::render::quote_ident(name)
    }

    fn quote_name(&self, name: &QualifiedName) -> String {
        super::render::quote_name(name)
    }

    fn validate(&self, op: &Op) -> Result<(), RenderError> {
        if let Op::CreateIndex { index, table } = op {
            if index.nulls_not_distinct && !self.nulls_not_distinct {
                return Err(RenderError::NotExpressible {
                    dialect: crate::Dialect::Postgresql,
                    op: op.describe(),
                    reason: format!(
                        "index {} on {table} is NULLS NOT DISTINCT, which PostgreSQL knows \
                         from 15 on; this server is older. Upgrade it, or declare the index \
                         without nulls_not_distinct",
                        index.name
                    ),
                });
            }
        }
        super::render::validate(op)
    }

    fn render_op(&self, op: &Op) -> Vec<Statement> {
        let mut statements = super::render::render_op(op);
        if !self.adds_enum_values_in_transactions() {
            for statement in &mut statements {
                if super::render::adds_enum_value(statement) {
                    statement.transactional = false;
                }
            }
        }
        statements
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

    /// A stock server's lock table holds `max_locks_per_transaction` (64) times
    /// `max_connections` (100) locks, 6,400 for every session together: one revision takes
    /// at most a third of that, so other sessions and a server with fewer connections keep
    /// room. About 400 tables of an application's shape fit in one part.
    fn locks_per_revision(&self) -> Option<usize> {
        Some(2_000)
    }

    fn start_hint(&self) -> &'static str {
        "start one (`sudo pg_ctlcluster <version> main start` on Debian and Ubuntu, \
         `brew services start postgresql` on macOS, or `docker run -d -p 5432:5432 -e \
         POSTGRES_HOST_AUTH_METHOD=trust postgres`)"
    }

    async fn connect(&self, url: &str, wait: &Wait) -> Result<Box<dyn Connection>, DbError> {
        let mut conn = connect::connect(url, wait).await?;
        let version = connect::server_version(&mut conn).await?;
        tracing::debug!(version, "connected to PostgreSQL");
        Ok(Box::new(PostgresConnection { conn, version }))
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
    fn driver(&self) -> &'static dyn Driver {
        Postgres::for_version(self.version)
    }

    async fn inspect(&mut self, filter: &SchemaFilter) -> Result<Schema, DbError> {
        Ok(super::inspect::inspect(&mut self.conn, filter).await?)
    }

    async fn other_objects(&mut self, filter: &SchemaFilter) -> Result<Vec<OtherObject>, DbError> {
        Ok(super::inspect::others::other_objects(&mut self.conn, filter).await?)
    }

    async fn normalize(&mut self, current: &Schema, target: &mut Schema) -> Result<(), DbError> {
        super::normalize::normalize_target(&mut self.conn, current, target).await?;
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

    fn commits_before_use(&self, sql: &str) -> bool {
        connect::commits_before_use(sql)
    }

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

    async fn user_namespaces(&mut self) -> Result<Vec<String>, DbError> {
        history::user_namespaces(&mut self.conn).await
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

    async fn latest_log_rows(
        &mut self,
        tables: &HistoryTables,
        revision: &RevisionId,
        limit: i64,
    ) -> Result<Vec<LogRow>, DbError> {
        history::latest_rows(&mut self.conn, tables, revision, limit).await
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

#[cfg(test)]
mod tests {
    use super::*;

    fn add_value() -> Op {
        Op::AddEnumValue {
            name: QualifiedName::new("status"),
            value: "refunded".into(),
            before: None,
        }
    }

    #[test]
    fn the_server_version_picks_the_driver() {
        assert!(std::ptr::eq(Postgres::for_version(150_004), &POSTGRES));
        assert!(std::ptr::eq(
            Postgres::for_version(140_011),
            &POSTGRES_12_TO_14
        ));
        assert!(std::ptr::eq(
            Postgres::for_version(120_000),
            &POSTGRES_12_TO_14
        ));
        assert!(std::ptr::eq(
            Postgres::for_version(110_022),
            &POSTGRES_BEFORE_12
        ));
    }

    #[test]
    fn before_15_an_index_nulls_not_distinct_is_refused_before_anything_runs() {
        let op = Op::CreateIndex {
            table: QualifiedName::new("shipments"),
            index: schema_runtime::schema::Index {
                name: "shipments_tracking_key".into(),
                parts: vec![schema_runtime::schema::IndexPart::Column("tracking".into())],
                unique: true,
                predicate: None,
                method: None,
                part_options: Vec::new(),
                include: Vec::new(),
                nulls_not_distinct: true,
            },
        };
        assert!(POSTGRES.validate(&op).is_ok());
        for old in [&POSTGRES_12_TO_14, &POSTGRES_BEFORE_12] {
            let error = old.validate(&op).unwrap_err().to_string();
            assert!(error.contains("knows from 15 on"), "{error}");
        }
    }

    #[test]
    fn before_12_an_added_enum_value_runs_outside_a_transaction() {
        let current = POSTGRES.render_op(&add_value());
        let old = POSTGRES_BEFORE_12.render_op(&add_value());
        assert_eq!(current[0].sql, old[0].sql);
        assert!(current[0].transactional);
        assert!(!old[0].transactional);
        // The revision composed for that server says so in its header.
        let compose = |driver: &dyn Driver| {
            crate::apply::compose_from(&Schema::default(), &[add_value()], driver, vec![], "v")
                .unwrap()
                .unwrap()
                .revision
                .transactional
        };
        assert!(compose(&POSTGRES));
        assert!(!compose(&POSTGRES_BEFORE_12));
    }
}
