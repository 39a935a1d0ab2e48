//! Why talking to the database failed: one error type for every database kind, whose
//! messages read as sentences and say what to do.

use std::time::Duration;

use super::foreign::ForeignTable;
use super::human::humanize;
use super::lock::LockHolder;
use super::refusal::Refusal;
use super::server::ServerError;
use super::tls::TlsSettingError;
use crate::dialect::Dialect;

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
        product,
        humanize(*waited),
        start_hint
    )]
    NoLocalServer {
        /// The history's database kind.
        dialect: Dialect,
        /// Its name as people write it ("PostgreSQL").
        product: &'static str,
        /// How to start a local server of that kind.
        start_hint: &'static str,
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
    /// A foreign key of the models references a table as external, and the database has
    /// no such table; nothing was compared.
    #[error(
        "table {table} is referenced as external by foreign key {foreign_key} of {owner}, \
         but the database has no table {table}; create it first (the models do not manage \
         it), or declare a model for it and drop `external`"
    )]
    MissingExternalTable {
        /// The referenced table.
        table: schema_runtime::QualifiedName,
        /// The foreign key that references it.
        foreign_key: String,
        /// The table the key belongs to.
        owner: schema_runtime::QualifiedName,
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
