//! The history tables on SQLite: the same two tables as on PostgreSQL, in SQLite's DDL,
//! plus the lock table (see `lock.rs`).
//!
//! ```sql
//! CREATE TABLE IF NOT EXISTS schema_migrations (
//!     revision VARCHAR(40) NOT NULL PRIMARY KEY
//! );
//! CREATE TABLE IF NOT EXISTS schema_migrations_log (
//!     id INTEGER PRIMARY KEY,
//!     revision VARCHAR(40) NOT NULL,
//!     direction VARCHAR(10) NOT NULL,
//!     checksum CHAR(64),
//!     message TEXT NOT NULL DEFAULT '',
//!     applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
//!     duration_ms INTEGER,
//!     applied_by TEXT NOT NULL DEFAULT '',
//!     CONSTRAINT ck_schema_migrations_log_direction
//!         CHECK (direction IN ('up', 'down', 'stamp_up', 'stamp_down', 'accept'))
//! );
//! CREATE INDEX IF NOT EXISTS ix_schema_migrations_log_revision
//!     ON schema_migrations_log (revision, id);
//! ```
//!
//! SQLite has no users, so `applied_by` holds the client (`user@host`) when known.
//! An offline script cannot know how long a revision took: SQLite has no transaction start
//! time, so the duration is NULL there.

use sqlx::{Row, SqliteConnection};

use crate::db::history::{LogAction, LogDuration, LogEntry, RecordedChecksum};
use crate::db::history::{LOG_TABLE, VERSION_TABLE};
use crate::db::DbError;
use crate::dialect::sqlite::render::quote_literal;
use crate::revision::{Checksum, RevisionId};

use super::server_error;

/// The DDL of both tables, the log's lookup index and the lock table.
pub fn create_tables() -> Vec<String> {
    let directions: Vec<String> = LogAction::ALL
        .iter()
        .map(|a| quote_literal(a.as_str()))
        .collect();
    vec![
        format!(
            "CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (\n    \
             revision VARCHAR(40) NOT NULL PRIMARY KEY\n)"
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS {LOG_TABLE} (\n    \
             id INTEGER PRIMARY KEY,\n    \
             revision VARCHAR(40) NOT NULL,\n    \
             direction VARCHAR(10) NOT NULL,\n    \
             checksum CHAR(64),\n    \
             message TEXT NOT NULL DEFAULT '',\n    \
             applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),\n    \
             duration_ms INTEGER,\n    \
             applied_by TEXT NOT NULL DEFAULT '',\n    \
             CONSTRAINT ck_{LOG_TABLE}_direction CHECK (direction IN ({}))\n)",
            directions.join(", ")
        ),
        format!("CREATE INDEX IF NOT EXISTS ix_{LOG_TABLE}_revision ON {LOG_TABLE} (revision, id)"),
        super::lock::create_table(),
    ]
}

/// The `INSERT` of one log row.
pub fn log(entry: &LogEntry<'_>) -> String {
    let checksum = entry
        .checksum
        .map_or_else(|| "NULL".to_owned(), |c| quote_literal(&c.to_hex()));
    let duration = match entry.duration {
        LogDuration::Measured(d) => d.as_millis().to_string(),
        LogDuration::SinceTransactionStart | LogDuration::Unknown => "NULL".to_owned(),
    };
    format!(
        "INSERT INTO {LOG_TABLE} (revision, direction, checksum, message, duration_ms, applied_by) \
         VALUES ({}, {}, {checksum}, {}, {duration}, {})",
        literal(entry.revision),
        quote_literal(entry.action.as_str()),
        quote_literal(entry.message),
        quote_literal(entry.client.unwrap_or_default()),
    )
}

fn literal(id: &RevisionId) -> String {
    quote_literal(id.as_str())
}

/// Whether the table exists.
pub async fn exists(conn: &mut SqliteConnection, table: &str) -> Result<bool, DbError> {
    sqlx::query_scalar::<_, i64>(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?",
    )
    .bind(table)
    .fetch_one(conn)
    .await
    .map(|n| n > 0)
    .map_err(|e| DbError::query("looking for the history tables", server_error(&e)))
}

/// The version table's rows.
pub async fn read_heads(conn: &mut SqliteConnection) -> Result<Vec<String>, DbError> {
    sqlx::query_scalar::<_, String>(&format!(
        "SELECT revision FROM {VERSION_TABLE} ORDER BY revision"
    ))
    .fetch_all(conn)
    .await
    .map_err(|e| DbError::query("reading schema_migrations", server_error(&e)))
}

/// The latest baseline row of each revision.
pub async fn read_checksums(conn: &mut SqliteConnection) -> Result<Vec<RecordedChecksum>, DbError> {
    if !exists(conn, LOG_TABLE).await? {
        return Ok(Vec::new());
    }
    let baselines: Vec<String> = LogAction::ALL
        .iter()
        .filter(|a| a.sets_baseline())
        .map(|a| quote_literal(a.as_str()))
        .collect();
    let sql = format!(
        "SELECT l.revision, l.direction, l.checksum, \
         strftime('%Y-%m-%dT%H:%M:%SZ', l.applied_at) AS recorded_at \
         FROM {LOG_TABLE} AS l \
         WHERE l.id = (SELECT max(b.id) FROM {LOG_TABLE} AS b \
                       WHERE b.revision = l.revision AND b.direction IN ({})) \
         ORDER BY l.revision",
        baselines.join(", ")
    );
    let failed = |e: sqlx::Error| DbError::query("reading schema_migrations_log", server_error(&e));
    let rows = sqlx::query(&sql)
        .fetch_all(&mut *conn)
        .await
        .map_err(failed)?;
    let mut recorded = Vec::with_capacity(rows.len());
    for row in rows {
        let revision: String = row.try_get("revision").map_err(failed)?;
        let direction: String = row.try_get("direction").map_err(failed)?;
        let checksum: Option<String> = row.try_get("checksum").map_err(failed)?;
        let recorded_at: Option<String> = row.try_get("recorded_at").map_err(failed)?;
        let revision = RevisionId::parse(&revision)
            .map_err(|_| DbError::CorruptHistory { value: revision })?;
        let Some(action) = LogAction::from_name(&direction) else {
            continue;
        };
        recorded.push(RecordedChecksum {
            revision,
            checksum: checksum.as_deref().and_then(Checksum::from_hex),
            action,
            recorded_at: recorded_at.unwrap_or_default(),
        });
    }
    Ok(recorded)
}
