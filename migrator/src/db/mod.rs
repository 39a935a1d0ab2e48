//! The runtime side of the dialect seam: one [`Database`] value wraps a live connection of
//! whichever kind the URL names, and offers the few operations the engine needs (read the
//! schema, canonicalise the models' expressions, run statements, take the migration lock).
//! Nothing above this module matches on the database kind.

mod postgres;
mod url;

use std::time::Duration;

use schema_runtime::schema::Schema;

use crate::dialect::Dialect;
use crate::filter::SchemaFilter;

pub use url::redact;

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
    #[error("the database URL `{url}` is not valid: {source}")]
    BadUrl {
        /// The URL, password removed.
        url: String,
        /// The driver's complaint.
        #[source]
        source: sqlx::Error,
    },
    /// The server did not answer within the wait limit.
    #[error("the database at {url} did not answer within {waited:?}: {source}")]
    Unreachable {
        /// The URL, password removed.
        url: String,
        /// How long we kept trying.
        waited: Duration,
        /// The last connection error.
        #[source]
        source: sqlx::Error,
    },
    /// The dialect is recognised but this operation is not available for it yet.
    #[error("{operation} is not supported on {dialect} yet")]
    Unsupported {
        /// The database kind.
        dialect: Dialect,
        /// What was asked.
        operation: &'static str,
    },
    /// Reading the schema failed.
    #[error(transparent)]
    Inspect(#[from] crate::dialect::postgres::inspect::InspectError),
    /// A statement failed.
    #[error("{context} failed: {message}")]
    Statement {
        /// What was being done (`running ALTER TABLE ...`).
        context: String,
        /// The server's message.
        message: String,
    },
    /// Another migrator holds the migration lock.
    #[error("could not take the migration lock within {waited:?}: it is held by {holder}")]
    LockTimeout {
        /// How long we waited.
        waited: Duration,
        /// Who holds it, as the server reports it.
        holder: String,
    },
}

/// A live connection to one database.
#[derive(Debug)]
pub enum Database {
    /// PostgreSQL.
    Postgres(sqlx::PgConnection),
}

/// How to wait for a database that is not up yet.
#[derive(Clone, Copy, Debug)]
pub struct Wait {
    /// Give up after this long.
    pub timeout: Duration,
}

impl Default for Wait {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(60),
        }
    }
}

impl Database {
    /// Connects to the database the URL names, retrying with backoff until `wait.timeout`.
    pub async fn connect(url: &str, wait: Wait) -> Result<Self, DbError> {
        match Dialect::from_url(url) {
            Some(Dialect::Postgresql) => Ok(Self::Postgres(postgres::connect(url, wait).await?)),
            Some(dialect) => Err(DbError::Unsupported {
                dialect,
                operation: "connecting",
            }),
            None => Err(DbError::UnknownScheme { url: redact(url) }),
        }
    }

    /// The database kind.
    pub fn dialect(&self) -> Dialect {
        match self {
            Self::Postgres(_) => Dialect::Postgresql,
        }
    }

    /// Reads the managed part of the live schema.
    pub async fn inspect(&mut self, filter: &SchemaFilter) -> Result<Schema, DbError> {
        match self {
            Self::Postgres(conn) => {
                Ok(crate::dialect::postgres::inspect::inspect(conn, filter).await?)
            }
        }
    }

    /// Rewrites the target's expressions into the server's canonical spelling, comparing
    /// against `current` (see `dialect::postgres::normalize`).
    pub async fn normalize(
        &mut self,
        current: &Schema,
        target: &mut Schema,
    ) -> Result<(), DbError> {
        match self {
            Self::Postgres(conn) => {
                crate::dialect::postgres::normalize::normalize_target(conn, current, target)
                    .await?;
                Ok(())
            }
        }
    }

    /// Runs statements one after another inside one transaction; on failure everything
    /// is rolled back and the error names the failing statement.
    pub async fn execute_in_transaction(&mut self, statements: &[String]) -> Result<(), DbError> {
        match self {
            Self::Postgres(conn) => postgres::execute_in_transaction(conn, statements).await,
        }
    }
}
