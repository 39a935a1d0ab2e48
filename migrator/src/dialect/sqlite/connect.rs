//! SQLite connections: open (creating the file), run statements and report SQLite's
//! errors; the migration lock and the history tables live in `lock.rs` and `history.rs`.
//!
//! The migrator's connection runs with `PRAGMA foreign_keys = OFF`. A table rebuild drops
//! the old table, and with foreign keys on that `DROP TABLE` first deletes every row,
//! cascading into the tables that reference it with `ON DELETE CASCADE`. SQLite cannot
//! change the setting inside a transaction, so it is set once, on connect (step 1 of
//! SQLite's documented procedure); each rebuild ends with `PRAGMA foreign_key_check`, which
//! [`execute`] turns into an error when it reports a broken reference, so the revision's
//! transaction rolls back.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection, Row};

use crate::db::{redact, DbError, ServerError, ServerErrorKind, Wait};
use crate::dialect::sqlite::render::rebuild::is_foreign_key_check;

/// Opens the database file the URL names, creating it when missing. A file is there or
/// not, so there is nothing to wait for beyond a busy database (`busy_timeout`).
pub async fn connect(url: &str, wait: &Wait) -> Result<SqliteConnection, DbError> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|source| DbError::BadUrl {
            url: redact(url),
            source,
        })?
        .create_if_missing(true)
        .foreign_keys(false)
        .busy_timeout(wait.timeout.min(Duration::from_secs(30)))
        .log_statements(tracing::log::LevelFilter::Off)
        // sqlx logs every statement, and a slow one at WARN, whole: 50 MB for a big data
        // revision. `Database::execute` logs them instead, cut to a bounded length.
        .log_slow_statements(
            tracing::log::LevelFilter::Off,
            std::time::Duration::from_secs(1),
        );
    options.connect().await.map_err(|source| DbError::Refused {
        url: redact(url),
        refusal: Box::new(crate::db::connect::Refusal {
            kind: crate::db::connect::RefusalKind::Other,
            reason: source.to_string(),
            advice: "check that the file's folder exists and that this user may write there".into(),
        }),
    })
}

/// Runs the statements in one transaction, rolling back on the first failure.
pub async fn execute_in_transaction(
    conn: &mut SqliteConnection,
    statements: &[String],
) -> Result<(), DbError> {
    let mut tx = conn
        .begin()
        .await
        .map_err(|e| DbError::statement("beginning a transaction", &e))?;
    for sql in statements {
        if let Err(e) = execute(&mut tx, sql).await {
            return Err(DbError::Statement {
                context: format!("running `{}`", sql.lines().next().unwrap_or(sql)),
                message: e.to_string(),
            });
        }
    }
    tx.commit()
        .await
        .map_err(|e| DbError::statement("committing", &e))
}

/// Runs one statement as written. A `PRAGMA foreign_key_check` fails when it reports a
/// row, since the pragma itself only lists the violations.
pub async fn execute(conn: &mut SqliteConnection, sql: &str) -> Result<(), ServerError> {
    if is_foreign_key_check(sql) {
        let rows = sqlx::query(sql)
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| server_error(&e))?;
        return match rows.first() {
            None => Ok(()),
            Some(row) => {
                let table: String = row.try_get(0).unwrap_or_default();
                let parent: String = row.try_get(2).unwrap_or_default();
                Err(ServerError {
                    detail: Some(format!(
                        "{} row(s) break foreign keys, the first in table {table} referencing \
                         {parent}",
                        rows.len()
                    )),
                    ..ServerError::message("FOREIGN KEY constraint failed after a table rebuild")
                })
            }
        };
    }
    sqlx::Executor::execute(&mut *conn, sql)
        .await
        .map(|_| ())
        .map_err(|e| server_error(&e))
}

/// SQLite's error, classified.
pub fn server_error(error: &sqlx::Error) -> ServerError {
    match error {
        sqlx::Error::Database(db) => ServerError {
            code: db.code().map(|c| c.into_owned()),
            ..ServerError::message(db.message())
        },
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) => ServerError {
            kind: ServerErrorKind::ConnectionLost,
            ..ServerError::message(error.to_string())
        },
        other => ServerError::message(other.to_string()),
    }
}

/// The file an SQLite URL names (`sqlite://app.db?mode=rwc` -> `app.db`); `None` for an
/// in-memory database or a URL without a path.
pub fn file_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| path.to_owned())
}
