//! PostgreSQL connections: connect with retry, run statements and report the server's
//! errors in full; the migration lock and the history tables live in `lock.rs` and
//! `history.rs`.

pub(super) mod history;
pub(super) mod lock;

use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::postgres::{PgConnectOptions, PgConnection, PgDatabaseError, PgErrorPosition};
use sqlx::{ConnectOptions, Connection};

use super::{redact, DbError, ServerError, ServerErrorKind, Wait};

/// Connects, retrying with exponential backoff (100 ms doubling to 2 s) until the wait
/// limit; every failed attempt is logged so an operator sees what we wait for.
pub async fn connect(url: &str, wait: Wait) -> Result<PgConnection, DbError> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|source| DbError::BadUrl {
            url: redact(url),
            source,
        })?
        .application_name("migrate")
        .log_statements(tracing::log::LevelFilter::Trace);
    let started = Instant::now();
    let mut delay = Duration::from_millis(100);
    loop {
        match options.connect().await {
            Ok(conn) => return Ok(conn),
            Err(source) if !is_transient(&source) => {
                return Err(DbError::Unreachable {
                    url: redact(url),
                    waited: started.elapsed(),
                    source,
                })
            }
            Err(source) => {
                if started.elapsed() + delay > wait.timeout {
                    return Err(DbError::Unreachable {
                        url: redact(url),
                        waited: started.elapsed(),
                        source,
                    });
                }
                tracing::warn!(url = %redact(url), error = %source, "waiting for the database");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(2));
            }
        }
    }
}

/// Errors worth waiting out: the server is not accepting connections yet, or is starting.
fn is_transient(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::Tls(_) => true,
        // 57P03: the database system is starting up.
        sqlx::Error::Database(db) => db.code().as_deref() == Some("57P03"),
        _ => false,
    }
}

/// Runs the statements in one transaction, rolling back on the first failure.
pub async fn execute_in_transaction(
    conn: &mut PgConnection,
    statements: &[String],
) -> Result<(), DbError> {
    let mut tx = conn.begin().await.map_err(|e| DbError::Statement {
        context: "beginning a transaction".into(),
        message: e.to_string(),
    })?;
    for sql in statements {
        if let Err(e) = sqlx::raw_sql(sql).execute(&mut *tx).await {
            return Err(DbError::Statement {
                context: format!("running `{}`", first_line(sql)),
                message: server_message(&e),
            });
        }
    }
    tx.commit().await.map_err(|e| DbError::Statement {
        context: "committing".into(),
        message: e.to_string(),
    })
}

fn first_line(sql: &str) -> &str {
    sql.lines().next().unwrap_or(sql)
}

/// Runs one statement as written, with the simple query protocol.
///
/// A `&str` without arguments goes out as a simple query, like `raw_sql`, whose future is
/// not `Send` for every lifetime (which would make a migration session unusable in
/// `tokio::spawn`).
pub async fn execute(conn: &mut PgConnection, sql: &str) -> Result<(), ServerError> {
    sqlx::Executor::execute(&mut *conn, sql)
        .await
        .map(|_| ())
        .map_err(|e| server_error(&e))
}

/// `ALTER TYPE ... ADD VALUE`: its value is unusable until the transaction commits.
pub fn commits_before_use(sql: &str) -> bool {
    crate::dialect::postgres::render::adds_enum_value(&crate::dialect::Statement::new(sql))
}

/// The server's error with everything it said (detail, hint, position), classified.
pub fn server_error(error: &sqlx::Error) -> ServerError {
    let sqlx::Error::Database(db) = error else {
        let kind = match error {
            sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) => {
                ServerErrorKind::ConnectionLost
            }
            _ => ServerErrorKind::Other,
        };
        return ServerError {
            kind,
            ..ServerError::message(error.to_string())
        };
    };
    let code = db.code().map(|c| c.into_owned());
    let kind = match code.as_deref() {
        // active_sql_transaction: "cannot run inside a transaction block".
        Some("25001") => ServerErrorKind::NeedsNoTransaction,
        // unsafe_new_enum_value_usage: a value added in this transaction was used.
        Some("55P04") => ServerErrorKind::UsedBeforeCommit,
        _ => ServerErrorKind::Other,
    };
    let pg = db.try_downcast_ref::<PgDatabaseError>();
    ServerError {
        message: db.message().to_owned(),
        code,
        detail: pg.and_then(|e| e.detail()).map(str::to_owned),
        hint: pg.and_then(|e| e.hint()).map(str::to_owned),
        position: pg.and_then(|e| match e.position() {
            Some(PgErrorPosition::Original(position)) => Some(position),
            _ => None,
        }),
        kind,
    }
}

/// The server's own message, without the driver's decoration.
pub fn server_message(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    }
}
