//! The dialect seam: everything that differs between databases (catalog reads, SQL
//! spelling, locking, backups) lives behind [`Dialect`]. The engine above never branches on
//! the database anywhere else.

pub mod mysql;
pub mod postgres;
pub mod sqlite;

use serde::Serialize;

use crate::db::Driver;

/// The driver of each database kind: the one place the kinds are registered.
pub fn driver(dialect: Dialect) -> &'static dyn Driver {
    match dialect {
        Dialect::Postgresql => &postgres::driver::Postgres,
        Dialect::Mysql => &mysql::driver::Mysql,
        Dialect::Sqlite => &sqlite::driver::Sqlite,
    }
}

/// The dialect type is the models' own (`schema_runtime::Dialect`), so one name serves a
/// model's variants, a URL scheme and a revision header.
pub use schema_runtime::Dialect;

/// One rendered SQL statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// The SQL text, without the trailing semicolon.
    pub sql: String,
    /// False where the statement cannot run inside a transaction
    /// (`CREATE INDEX CONCURRENTLY`, `ALTER TYPE ... ADD VALUE` before PostgreSQL 12).
    pub transactional: bool,
}

impl Statement {
    /// A statement that can run inside a transaction.
    pub fn new(sql: impl Into<String>) -> Self {
        Self {
            sql: sql.into(),
            transactional: true,
        }
    }
}
