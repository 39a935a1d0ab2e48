//! The history tables on PostgreSQL: their DDL, the statements that move the heads and
//! write the log (values as literals, see `db::history`), and the reads.
//!
//! With the default name (`<name>` is `dgs_schema_version`, see [`HistoryTables`]):
//!
//! ```sql
//! CREATE TABLE IF NOT EXISTS dgs_schema_version (
//!     revision varchar(40) PRIMARY KEY
//! );
//! CREATE TABLE IF NOT EXISTS dgs_schema_version_log (
//!     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
//!     revision varchar(40) NOT NULL,
//!     direction varchar(10) NOT NULL,
//!     checksum char(64),
//!     message text NOT NULL DEFAULT '',
//!     applied_at timestamptz NOT NULL DEFAULT clock_timestamp(),
//!     duration_ms bigint,
//!     applied_by text NOT NULL DEFAULT current_user,
//!     CONSTRAINT ck_dgs_schema_version_log_direction
//!         CHECK (direction IN ('up', 'down', 'stamp_up', 'stamp_down', 'accept',
//!                              'up_part', 'down_part'))
//! );
//! CREATE INDEX IF NOT EXISTS ix_dgs_schema_version_log_revision
//!     ON dgs_schema_version_log (revision, id);
//! ```
//!
//! The names are unqualified, as Alembic's `alembic_version` is: the tables live in the
//! first schema of the connection's `search_path` (`public` by default).
//! `applied_at` is `clock_timestamp()`, the moment the row is written, which is when the
//! revision's work is done (not `now()`, which is when its transaction began).

use sqlx::{PgConnection, Row};

use crate::db::history::{
    HistoryTables, LogAction, LogDuration, LogEntry, LogRow, RecordedChecksum,
};
use crate::db::DbError;
use crate::dialect::postgres::render::quote_literal;
use crate::revision::{Checksum, RevisionId};

use super::connect::server_error;

/// Every action, quoted, for the direction check.
fn directions() -> Vec<String> {
    LogAction::ALL
        .iter()
        .map(|a| quote_literal(a.as_str()))
        .collect()
}

/// The DDL of both tables and the log's lookup index.
pub fn create_tables(tables: &HistoryTables) -> Vec<String> {
    let (version, log) = (tables.version(), tables.log());
    let directions = directions();
    vec![
        format!("CREATE TABLE IF NOT EXISTS {version} (\n    revision varchar(40) PRIMARY KEY\n)"),
        format!(
            "CREATE TABLE IF NOT EXISTS {log} (\n    \
             id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    \
             revision varchar(40) NOT NULL,\n    \
             direction varchar(10) NOT NULL,\n    \
             checksum char(64),\n    \
             message text NOT NULL DEFAULT '',\n    \
             applied_at timestamptz NOT NULL DEFAULT clock_timestamp(),\n    \
             duration_ms bigint,\n    \
             applied_by text NOT NULL DEFAULT current_user,\n    \
             CONSTRAINT ck_{log}_direction CHECK (direction IN ({}))\n)",
            directions.join(", ")
        ),
        format!("CREATE INDEX IF NOT EXISTS ix_{log}_revision ON {log} (revision, id)"),
    ]
}

/// Lets a log table made by an earlier build, whose direction check predates the
/// `up_part` / `down_part` rows, take them: a check on `direction` that lacks them is
/// replaced by the current one. A single statement that changes nothing on a current
/// table; a carried-over table's check keeps whatever name it had until then.
pub fn widen_directions(tables: &HistoryTables) -> Vec<String> {
    let log = tables.log();
    let wanted = quote_literal(&format!("ck_{log}_direction"));
    let table = quote_literal(log);
    let missing = quote_literal(&format!("%{}%", quote_literal(LogAction::UpPart.as_str())));
    vec![format!(
        "DO $widen$\n\
         DECLARE old record;\n\
         BEGIN\n  \
         FOR old IN SELECT conname FROM pg_constraint\n      \
         WHERE conrelid = to_regclass({table}) AND contype = 'c'\n        \
         AND pg_get_constraintdef(oid) LIKE '%direction%'\n        \
         AND pg_get_constraintdef(oid) NOT LIKE {missing}\n  \
         LOOP\n    \
         EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', {table}, old.conname);\n  \
         END LOOP;\n  \
         IF NOT EXISTS (SELECT FROM pg_constraint WHERE conrelid = to_regclass({table}) \
         AND conname = {wanted}) THEN\n    \
         ALTER TABLE {log} ADD CONSTRAINT ck_{log}_direction CHECK (direction IN ({}));\n  \
         END IF;\n\
         END\n\
         $widen$",
        directions().join(", ")
    )]
}

/// The log's latest rows for `revision`, newest first, at most `limit` of them.
pub async fn latest_rows(
    conn: &mut PgConnection,
    tables: &HistoryTables,
    revision: &RevisionId,
    limit: i64,
) -> Result<Vec<LogRow>, DbError> {
    let log = tables.log();
    let sql = format!(
        "SELECT direction::text, checksum::text FROM {log} WHERE revision = $1 \
         ORDER BY id DESC LIMIT $2"
    );
    let rows = sqlx::query_as::<_, (String, Option<String>)>(&sql)
        .bind(revision.as_str())
        .bind(limit)
        .fetch_all(conn)
        .await
        .map_err(|e| DbError::query_about(format!("reading {log}"), server_error(&e)))?;
    Ok(rows
        .into_iter()
        .map(|(direction, checksum)| LogRow {
            action: LogAction::from_name(&direction),
            checksum: checksum.as_deref().and_then(Checksum::from_hex),
        })
        .collect())
}

/// The `INSERT` of one log row.
pub fn log(tables: &HistoryTables, entry: &LogEntry<'_>) -> String {
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
        "INSERT INTO {} (revision, direction, checksum, message, duration_ms, applied_by) \
         VALUES ({}, {}, {checksum}, {}, {duration}, {applied_by})",
        tables.log(),
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

/// The namespaces other than `public` that hold a table or a type of the user's: not the
/// system's, not a temporary one, and not one an extension made.
pub async fn user_namespaces(conn: &mut PgConnection) -> Result<Vec<String>, DbError> {
    sqlx::query_scalar::<_, String>(
        "SELECT n.nspname FROM pg_namespace n \
         WHERE n.nspname <> 'public' AND n.nspname <> 'information_schema' \
           AND n.nspname NOT LIKE 'pg\\_%' \
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass \
                           AND d.objid = n.oid AND d.deptype = 'e') \
           AND (EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p')) \
                OR EXISTS (SELECT 1 FROM pg_type t WHERE t.typnamespace = n.oid AND t.typtype = 'e')) \
         ORDER BY n.nspname",
    )
    .fetch_all(conn)
    .await
    .map_err(|e| DbError::query("listing the namespaces", server_error(&e)))
}

/// The columns of the tables `names` that the `search_path` finds, as `(name, column)` in
/// column order: one catalog query, whatever the number of names.
pub async fn columns(
    conn: &mut PgConnection,
    names: &[String],
) -> Result<Vec<(String, String)>, DbError> {
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT n.name, a.attname::text FROM unnest(ARRAY[{}]::text[]) AS n(name) \
         JOIN pg_attribute AS a ON a.attrelid = to_regclass(n.name) \
         WHERE a.attnum > 0 AND NOT a.attisdropped ORDER BY n.name, a.attnum",
        marks.join(", ")
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

/// Renames the previous build's tables (`from`) to `to`, and the log's index, which
/// `create_tables` looks for by name. The check constraint keeps its old name: nothing
/// looks for it, and renaming it is not possible on every database.
pub fn carry_over(from: &HistoryTables, to: &HistoryTables, log: bool) -> Vec<String> {
    let mut sql = vec![format!(
        "ALTER TABLE {} RENAME TO {}",
        from.version(),
        to.version()
    )];
    if log {
        let (old, new) = (from.log(), to.log());
        sql.push(format!("ALTER TABLE {old} RENAME TO {new}"));
        sql.push(format!(
            "ALTER INDEX IF EXISTS ix_{old}_revision RENAME TO ix_{new}_revision"
        ));
    }
    sql
}

/// The version table's rows.
pub async fn read_heads(
    conn: &mut PgConnection,
    tables: &HistoryTables,
) -> Result<Vec<String>, DbError> {
    let version = tables.version();
    sqlx::query_scalar::<_, String>(&format!(
        "SELECT revision::text FROM {version} ORDER BY revision"
    ))
    .fetch_all(conn)
    .await
    .map_err(|e| DbError::query_about(format!("reading {version}"), server_error(&e)))
}

/// The latest baseline row of each revision.
pub async fn read_checksums(
    conn: &mut PgConnection,
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
        r#"SELECT DISTINCT ON (revision) revision::text AS revision, direction::text AS direction,
       checksum::text AS checksum,
       to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS recorded_at
FROM {log}
WHERE direction IN ({})
ORDER BY revision, id DESC"#,
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
        let tables = HistoryTables::default();
        assert_eq!(
            log(&tables, &entry),
            "INSERT INTO dgs_schema_version_log (revision, direction, checksum, message, \
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
        assert!(log(&tables, &offline)
            .ends_with("VALUES ('aaaa', 'up', NULL, 'it''s done', NULL, current_user)"));
    }

    #[test]
    fn the_carry_over_renames_the_previous_builds_tables() {
        let (from, to) = (HistoryTables::legacy(), HistoryTables::default());
        assert_eq!(
            carry_over(&from, &to, true),
            [
                "ALTER TABLE schema_migrations RENAME TO dgs_schema_version",
                "ALTER TABLE schema_migrations_log RENAME TO dgs_schema_version_log",
                "ALTER INDEX IF EXISTS ix_schema_migrations_log_revision RENAME TO \
                 ix_dgs_schema_version_log_revision",
            ]
        );
    }
}
