//! The history tables on PostgreSQL: their DDL, the statements that move the heads and
//! write the log (values as literals, see `db::history`), and the reads.
//!
//! ```sql
//! CREATE TABLE IF NOT EXISTS schema_migrations (
//!     revision varchar(40) PRIMARY KEY
//! );
//! CREATE TABLE IF NOT EXISTS schema_migrations_log (
//!     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
//!     revision varchar(40) NOT NULL,
//!     direction varchar(10) NOT NULL,
//!     checksum char(64),
//!     message text NOT NULL DEFAULT '',
//!     applied_at timestamptz NOT NULL DEFAULT clock_timestamp(),
//!     duration_ms bigint,
//!     applied_by text NOT NULL DEFAULT current_user,
//!     CONSTRAINT ck_schema_migrations_log_direction
//!         CHECK (direction IN ('up', 'down', 'stamp_up', 'stamp_down', 'accept'))
//! );
//! CREATE INDEX IF NOT EXISTS ix_schema_migrations_log_revision
//!     ON schema_migrations_log (revision, id);
//! ```
//!
//! The names are unqualified, as Alembic's `alembic_version` is: the tables live in the
//! first schema of the connection's `search_path` (`public` by default).
//! `applied_at` is `clock_timestamp()`, the moment the row is written, which is when the
//! revision's work is done (not `now()`, which is when its transaction began).

use sqlx::{PgConnection, Row};

use crate::db::history::{LogAction, LogDuration, LogEntry, RecordedChecksum};
use crate::db::history::{LOG_TABLE, VERSION_TABLE};
use crate::db::DbError;
use crate::dialect::postgres::render::quote_literal;
use crate::revision::{Checksum, RevisionId};

use super::server_error;

/// The DDL of both tables and the log's lookup index.
pub fn create_tables() -> Vec<String> {
    let directions: Vec<String> = LogAction::ALL
        .iter()
        .map(|a| quote_literal(a.as_str()))
        .collect();
    vec![
        format!(
            "CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (\n    revision varchar(40) PRIMARY KEY\n)"
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS {LOG_TABLE} (\n    \
             id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    \
             revision varchar(40) NOT NULL,\n    \
             direction varchar(10) NOT NULL,\n    \
             checksum char(64),\n    \
             message text NOT NULL DEFAULT '',\n    \
             applied_at timestamptz NOT NULL DEFAULT clock_timestamp(),\n    \
             duration_ms bigint,\n    \
             applied_by text NOT NULL DEFAULT current_user,\n    \
             CONSTRAINT ck_{LOG_TABLE}_direction CHECK (direction IN ({}))\n)",
            directions.join(", ")
        ),
        format!("CREATE INDEX IF NOT EXISTS ix_{LOG_TABLE}_revision ON {LOG_TABLE} (revision, id)"),
    ]
}

/// The `INSERT` of one log row.
pub fn log(entry: &LogEntry<'_>) -> String {
    let checksum = entry
        .checksum
        .map_or_else(|| "NULL".to_owned(), |c| quote_literal(&c.to_hex()));
    let duration = match entry.duration {
        LogDuration::Measured(d) => d.as_millis().to_string(),
        LogDuration::SinceTransactionStart => {
            "(extract(epoch FROM clock_timestamp() - now()) * 1000)::bigint".to_owned()
        }
        LogDuration::Unknown => "NULL".to_owned(),
    };
    let applied_by = match entry.client {
        Some(client) => format!("current_user || {}", quote_literal(&format!(" ({client})"))),
        None => "current_user".to_owned(),
    };
    format!(
        "INSERT INTO {LOG_TABLE} (revision, direction, checksum, message, duration_ms, applied_by) \
         VALUES ({}, {}, {checksum}, {}, {duration}, {applied_by})",
        literal(entry.revision),
        quote_literal(entry.action.as_str()),
        quote_literal(entry.message),
    )
}

fn literal(id: &RevisionId) -> String {
    quote_literal(id.as_str())
}

/// Whether a table of that name is visible through the `search_path`.
pub async fn exists(conn: &mut PgConnection, table: &str) -> Result<bool, DbError> {
    sqlx::query_scalar::<_, bool>("SELECT to_regclass($1) IS NOT NULL")
        .bind(table)
        .fetch_one(conn)
        .await
        .map_err(|e| DbError::query("looking for the history tables", server_error(&e)))
}

/// The version table's rows.
pub async fn read_heads(conn: &mut PgConnection) -> Result<Vec<String>, DbError> {
    sqlx::query_scalar::<_, String>(&format!(
        "SELECT revision::text FROM {VERSION_TABLE} ORDER BY revision"
    ))
    .fetch_all(conn)
    .await
    .map_err(|e| DbError::query("reading schema_migrations", server_error(&e)))
}

/// The latest baseline row of each revision.
pub async fn read_checksums(conn: &mut PgConnection) -> Result<Vec<RecordedChecksum>, DbError> {
    if !exists(conn, LOG_TABLE).await? {
        return Ok(Vec::new());
    }
    let baselines: Vec<String> = LogAction::ALL
        .iter()
        .filter(|a| a.sets_baseline())
        .map(|a| quote_literal(a.as_str()))
        .collect();
    let sql = format!(
        r#"SELECT DISTINCT ON (revision) revision::text AS revision, direction::text AS direction,
       checksum::text AS checksum,
       to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS recorded_at
FROM {LOG_TABLE}
WHERE direction IN ({})
ORDER BY revision, id DESC"#,
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
        let recorded_at: String = row.try_get("recorded_at").map_err(failed)?;
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

    fn id(text: &str) -> RevisionId {
        RevisionId::parse(text).unwrap()
    }

    #[test]
    fn log_rows_quote_what_people_wrote() {
        let revision = id("aaaa");
        let entry = LogEntry {
            revision: &revision,
            action: LogAction::Up,
            checksum: Some(Checksum::of_text("x")),
            message: "it's done",
            duration: LogDuration::Measured(Duration::from_millis(42)),
            client: Some("o'brien@host"),
        };
        assert_eq!(
            log(&entry),
            "INSERT INTO schema_migrations_log (revision, direction, checksum, message, \
             duration_ms, applied_by) VALUES ('aaaa', 'up', \
             '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881', 'it''s done', \
             42, current_user || ' (o''brien@host)')"
        );
        let offline = LogEntry {
            checksum: None,
            duration: LogDuration::Unknown,
            client: None,
            ..entry
        };
        assert!(log(&offline)
            .ends_with("VALUES ('aaaa', 'up', NULL, 'it''s done', NULL, current_user)"));
    }
}
