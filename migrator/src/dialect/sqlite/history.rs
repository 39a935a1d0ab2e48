//! The history tables on SQLite: the same two tables as on PostgreSQL, in SQLite's DDL,
//! plus the lock table (see `lock.rs`).
//!
//! With the default name:
//!
//! ```sql
//! CREATE TABLE IF NOT EXISTS dgs_schema_version (
//!     revision VARCHAR(40) NOT NULL PRIMARY KEY
//! );
//! CREATE TABLE IF NOT EXISTS dgs_schema_version_log (
//!     id INTEGER PRIMARY KEY,
//!     revision VARCHAR(40) NOT NULL,
//!     direction VARCHAR(10) NOT NULL,
//!     checksum CHAR(64),
//!     message TEXT NOT NULL DEFAULT '',
//!     applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
//!     duration_ms INTEGER,
//!     applied_by TEXT NOT NULL DEFAULT '',
//!     CONSTRAINT ck_dgs_schema_version_log_direction
//!         CHECK (direction IN ('up', 'down', 'stamp_up', 'stamp_down', 'accept',
//!                              'up_part', 'down_part'))
//! );
//! CREATE INDEX IF NOT EXISTS ix_dgs_schema_version_log_revision
//!     ON dgs_schema_version_log (revision, id);
//! ```
//!
//! SQLite has no users, so `applied_by` holds the client (`user@host`) when known.
//! An offline script cannot know how long a revision took: SQLite has no transaction start
//! time, so the duration is NULL there.

use sqlx::{Row, SqliteConnection};

use crate::db::history::{HistoryTables, LogAction, LogDuration, LogEntry, RecordedChecksum};
use crate::db::DbError;
use crate::dialect::sqlite::quote::quote_literal;
use crate::revision::{Checksum, RevisionId};

use super::connect::server_error;

/// The DDL of both tables, the log's lookup index and the lock table.
pub fn create_tables(tables: &HistoryTables) -> Vec<String> {
    let (version, log) = (tables.version(), tables.log());
    let directions: Vec<String> = LogAction::ALL
        .iter()
        .map(|a| quote_literal(a.as_str()))
        .collect();
    vec![
        format!(
            "CREATE TABLE IF NOT EXISTS {version} (\n    \
             revision VARCHAR(40) NOT NULL PRIMARY KEY\n)"
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS {log} (\n    \
             id INTEGER PRIMARY KEY,\n    \
             revision VARCHAR(40) NOT NULL,\n    \
             direction VARCHAR(10) NOT NULL,\n    \
             checksum CHAR(64),\n    \
             message TEXT NOT NULL DEFAULT '',\n    \
             applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),\n    \
             duration_ms INTEGER,\n    \
             applied_by TEXT NOT NULL DEFAULT '',\n    \
             CONSTRAINT ck_{log}_direction CHECK (direction IN ({}))\n)",
            directions.join(", ")
        ),
        format!("CREATE INDEX IF NOT EXISTS ix_{log}_revision ON {log} (revision, id)"),
        super::lock::create_table(tables),
    ]
}

/// The `INSERT` of one log row.
pub fn log(tables: &HistoryTables, entry: &LogEntry<'_>) -> String {
    let checksum = entry
        .checksum
        .map_or_else(|| "NULL".to_owned(), |c| quote_literal(&c.to_hex()));
    let duration = match entry.duration {
        LogDuration::Measured(d) => d.as_millis().to_string(),
        LogDuration::SinceTransactionStart | LogDuration::Unknown => "NULL".to_owned(),
    };
    format!(
        "INSERT INTO {} (revision, direction, checksum, message, duration_ms, applied_by) \
         VALUES ({}, {}, {checksum}, {}, {duration}, {})",
        tables.log(),
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

/// The columns of the tables `names`, as `(name, column)` in column order: one query over
/// the schema table and `pragma_table_info`.
pub async fn columns(
    conn: &mut SqliteConnection,
    names: &[String],
) -> Result<Vec<(String, String)>, DbError> {
    let marks = vec!["?"; names.len()].join(", ");
    let sql = format!(
        "SELECT m.name, p.name FROM sqlite_schema AS m JOIN pragma_table_info(m.name) AS p \
         WHERE m.type = 'table' AND m.name IN ({marks}) ORDER BY m.name, p.cid"
    );
    let mut query = sqlx::query_as::<_, (String, String)>(&sql);
    for name in names {
        query = query.bind(name.clone());
    }
    query
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| DbError::query("looking for the history tables", server_error(&e)))
}

/// Renames the previous build's tables (`from`) to `to`, recreates the log's index under
/// the new name, and drops the previous lock table (the caller made sure no run of the
/// previous build holds it; this run holds the new one). The check constraint keeps its old
/// name: SQLite cannot rename one without rebuilding the table.
pub fn carry_over(from: &HistoryTables, to: &HistoryTables, log: bool) -> Vec<String> {
    let mut sql = vec![format!(
        "ALTER TABLE {} RENAME TO {}",
        from.version(),
        to.version()
    )];
    if log {
        let (old, new) = (from.log(), to.log());
        sql.push(format!("ALTER TABLE {old} RENAME TO {new}"));
        sql.push(format!("DROP INDEX IF EXISTS ix_{old}_revision"));
        sql.push(format!(
            "CREATE INDEX IF NOT EXISTS ix_{new}_revision ON {new} (revision, id)"
        ));
    }
    sql.push(format!("DROP TABLE IF EXISTS {}", from.lock()));
    sql
}

/// The version table's rows.
pub async fn read_heads(
    conn: &mut SqliteConnection,
    tables: &HistoryTables,
) -> Result<Vec<String>, DbError> {
    let version = tables.version();
    sqlx::query_scalar::<_, String>(&format!("SELECT revision FROM {version} ORDER BY revision"))
        .fetch_all(conn)
        .await
        .map_err(|e| DbError::query_about(format!("reading {version}"), server_error(&e)))
}

/// The latest baseline row of each revision.
pub async fn read_checksums(
    conn: &mut SqliteConnection,
    tables: &HistoryTables,
) -> Result<Vec<RecordedChecksum>, DbError> {
    let log = tables.log();
    if !exists(conn, log).await? {
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
         FROM {log} AS l \
         WHERE l.id = (SELECT max(b.id) FROM {log} AS b \
                       WHERE b.revision = l.revision AND b.direction IN ({})) \
         ORDER BY l.revision",
        baselines.join(", ")
    );
    let context = format!("reading {log}");
    let failed = move |e: sqlx::Error| DbError::query_about(context.clone(), server_error(&e));
    let rows = sqlx::query(&sql)
        .fetch_all(&mut *conn)
        .await
        .map_err(&failed)?;
    let mut recorded = Vec::with_capacity(rows.len());
    for row in rows {
        let revision: String = row.try_get("revision").map_err(&failed)?;
        let direction: String = row.try_get("direction").map_err(&failed)?;
        let checksum: Option<String> = row.try_get("checksum").map_err(&failed)?;
        let recorded_at: Option<String> = row.try_get("recorded_at").map_err(&failed)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_carry_over_renames_the_previous_builds_tables() {
        let (from, to) = (HistoryTables::legacy(), HistoryTables::default());
        assert_eq!(
            carry_over(&from, &to, false),
            [
                "ALTER TABLE schema_migrations RENAME TO dgs_schema_version",
                "DROP TABLE IF EXISTS schema_migrations_lock",
            ]
        );
    }
}
