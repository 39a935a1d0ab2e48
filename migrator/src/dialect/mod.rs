//! The dialect seam: everything that differs between databases (catalog reads, SQL
//! spelling, locking, backups) lives behind [`Dialect`]. The engine above never branches on
//! the database anywhere else.

pub mod mysql;
pub mod postgres;
pub mod sqlite;

use std::fmt;

use serde::Serialize;

/// A database kind a history can be written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// PostgreSQL (12 or later).
    Postgresql,
    /// MySQL 8 and MariaDB 10.5+.
    Mysql,
    /// SQLite 3.35+.
    Sqlite,
}

impl Dialect {
    /// The dialect of a database URL, from its scheme.
    pub fn from_url(url: &str) -> Option<Self> {
        let scheme = url.split_once(':').map(|(s, _)| s)?;
        Self::from_name(scheme)
    }

    /// Parses the name used in migration file headers and URL schemes.
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "postgresql" | "postgres" => Some(Self::Postgresql),
            "mysql" | "mariadb" => Some(Self::Mysql),
            "sqlite" => Some(Self::Sqlite),
            _ => None,
        }
    }

    /// The name written in migration file headers.
    pub fn name(self) -> &'static str {
        match self {
            Self::Postgresql => "postgresql",
            Self::Mysql => "mysql",
            Self::Sqlite => "sqlite",
        }
    }

    /// The namespace a name without schema lives in.
    pub fn default_namespace(self) -> &'static str {
        match self {
            Self::Postgresql => "public",
            Self::Mysql => "",
            Self::Sqlite => "main",
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

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
