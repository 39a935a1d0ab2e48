//! The history tables on MySQL: the same two tables as on PostgreSQL, in MySQL's DDL, the
//! statements that move the heads and write the log (values as literals, see
//! `db::history`), and the reads.
//!
//! `applied_at` is written as `UTC_TIMESTAMP(6)` by each log statement rather than left to
//! a column default, so the time is UTC whatever the session's time zone. `message` has no
//! default because MySQL 8 allows none on a `text` column; every log statement writes it.

use sqlx::{MySqlConnection, Row};

use crate::db::history::{HistoryTables, LogAction, LogDuration, LogEntry, RecordedChecksum};
use crate::db::DbError;
use crate::dialect::mysql::quote::quote_literal;
use crate::revision::{Checksum, RevisionId};

use super::connect::server_error;

/// The DDL of both tables and the log's lookup index.
pub fn create_tables(tables: &HistoryTables) -> Vec<String> {
    let (version, log) = (tables.version(), tables.log());
    let directions: Vec<String> = LogAction::ALL
        .iter()
        .map(|a| quote_literal(a.as_str()))
        .collect();
    vec![
        format!(
            "CREATE TABLE IF NOT EXISTS {version} (\n    \
             revision varchar(40) NOT NULL PRIMARY KEY\n) ENGINE=InnoDB"
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS {log} (\n    \
             id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,\n    \
             revision varchar(40) NOT NULL,\n    \
             direction varchar(10) NOT NULL,\n    \
             checksum char(64) NULL,\n    \
             message text NOT NULL,\n    \
             applied_at datetime(6) NOT NULL,\n    \
             duration_ms bigint NULL,\n    \
             applied_by varchar(512) NOT NULL,\n    \
             CONSTRAINT ck_{log}_direction CHECK (direction IN ({})),\n    \
             INDEX ix_{log}_revision (revision, id)\n) ENGINE=InnoDB",
            directions.join(", ")
        ),
    ]
}

/// The `INSERT` of one log row.
pub fn log(tables: &HistoryTables, entry: &LogEntry<'_>) -> String {
    let checksum = entry
        .checksum
        .map_or_else(|| "NULL".to_owned(), |c| quote_literal(&c.to_hex()));
    let duration = match entry.duration {
        LogDuration::Measured(d) => d.as_millis().to_string(),
        // MySQL cannot tell when a transaction began.
        LogDuration::SinceTransactionStart | LogDuration::Unknown => "NULL".to_owned(),
    };
    let applied_by = match entry.client {
        Some(client) => format!(
            "CONCAT(CURRENT_USER(), {})",
            quote_literal(&format!(" ({client})"))
        ),
        None => "CURRENT_USER()".to_owned(),
    };
    format!(
        "INSERT INTO {} (revision, direction, checksum, message, applied_at, \
         duration_ms, applied_by) VALUES ({}, {}, {checksum}, {}, UTC_TIMESTAMP(6), {duration}, \
         {applied_by})",
        tables.log(),
        literal(entry.revision),
        quote_literal(entry.action.as_str()),
        quote_literal(entry.message),
    )
}

fn literal(id: &RevisionId) -> String {
    quote_literal(id.as_str())
}

/// Whether a table of that name exists in the connected database.
pub async fn exists(conn: &mut MySqlConnection, table: &str) -> Result<bool, DbError> {
    sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM information_schema.TABLES \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
    )
    .bind(table)
    .fetch_one(conn)
    .await
    .map(|n| n > 0)
    .map_err(|e| DbError::query("looking for the history tables", server_error(&e)))
}

/// The columns of the tables `names` in the connected database, as `(name, column)` in
/// column order: one catalog query.
pub async fn columns(
    conn: &mut MySqlConnection,
    names: &[String],
) -> Result<Vec<(String, String)>, DbError> {
    let marks = vec!["?"; names.len()].join(", ");
    let sql = format!(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR) \
         FROM information_schema.COLUMNS \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ({marks}) \
         ORDER BY TABLE_NAME, ORDINAL_POSITION"
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

/// Renames the previous build's tables (`from`) to `to` in one atomic `RENAME TABLE`, then
/// the log's index, which `create_tables` names after the table. The check constraint keeps
/// its old name (MySQL cannot rename one).
pub fn carry_over(from: &HistoryTables, to: &HistoryTables, log: bool) -> Vec<String> {
    let mut pairs = vec![format!("{} TO {}", from.version(), to.version())];
    if log {
        pairs.push(format!("{} TO {}", from.log(), to.log()));
    }
    let mut sql = vec![format!("RENAME TABLE {}", pairs.join(", "))];
    if log {
        let (old, new) = (from.log(), to.log());
        sql.push(format!(
            "ALTER TABLE {new} RENAME INDEX ix_{old}_revision TO ix_{new}_revision"
        ));
    }
    sql
}

/// The version table's rows.
pub async fn read_heads(
    conn: &mut MySqlConnection,
    tables: &HistoryTables,
) -> Result<Vec<String>, DbError> {
    let version = tables.version();
    sqlx::query_scalar::<_, String>(&format!(
        "SELECT CAST(revision AS CHAR) FROM {version} ORDER BY revision"
    ))
    .fetch_all(conn)
    .await
    .map_err(|e| DbError::query_about(format!("reading {version}"), server_error(&e)))
}

/// The latest baseline row of each revision.
pub async fn read_checksums(
    conn: &mut MySqlConnection,
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
        "SELECT CAST(l.revision AS CHAR) AS revision, CAST(l.direction AS CHAR) AS direction,
       CAST(l.checksum AS CHAR) AS checksum,
       DATE_FORMAT(l.applied_at, '%Y-%m-%dT%H:%i:%sZ') AS recorded_at
FROM {log} l
JOIN (SELECT revision, MAX(id) AS id FROM {log} WHERE direction IN ({}) GROUP BY revision) latest
  ON latest.id = l.id
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
        let recorded_at: String = row.try_get("recorded_at").map_err(&failed)?;
        let revision = RevisionId::parse(&revision)
            .map_err(|_| DbError::CorruptHistory { value: revision })?;
        let Some(action) = LogAction::from_name(&direction) else {
            continue;
        };
        recorded.push(RecordedChecksum {
            revision,
            checksum: checksum.as_deref().and_then(Checksum::from_hex),
            action,
            recorded_at,
        });
    }
    Ok(recorded)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn log_rows_are_written_in_utc_with_the_client() {
        let revision = RevisionId::parse("aaaa").unwrap();
        let entry = LogEntry {
            revision: &revision,
            action: LogAction::Up,
            checksum: None,
            message: "it's done",
            duration: LogDuration::Measured(Duration::from_millis(42)),
            client: Some("o'brien@host"),
        };
        assert_eq!(
            log(&HistoryTables::default(), &entry),
            "INSERT INTO dgs_schema_version_log (revision, direction, checksum, message, \
             applied_at, duration_ms, applied_by) VALUES ('aaaa', 'up', NULL, 'it''s done', \
             UTC_TIMESTAMP(6), 42, CONCAT(CURRENT_USER(), ' (o''brien@host)'))"
        );
    }

    #[test]
    fn the_carry_over_renames_the_previous_builds_tables() {
        let (from, to) = (HistoryTables::legacy(), HistoryTables::default());
        assert_eq!(
            carry_over(&from, &to, true),
            [
                "RENAME TABLE schema_migrations TO dgs_schema_version, schema_migrations_log TO \
                 dgs_schema_version_log",
                "ALTER TABLE dgs_schema_version_log RENAME INDEX ix_schema_migrations_log_revision \
                 TO ix_dgs_schema_version_log_revision",
            ]
        );
    }
}
