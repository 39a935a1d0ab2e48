//! MySQL / MariaDB connections: connect with retry, run statements (text protocol, so any
//! DDL runs as written) and report the server's errors; the migration lock and the
//! history tables live in `lock.rs` and `history.rs`.

pub(super) mod history;
pub(super) mod lock;

use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
use sqlx::{ConnectOptions, Connection};

use super::{redact, DbError, ServerError, ServerErrorKind, Wait};

/// Connects, retrying with exponential backoff (100 ms doubling to 2 s) until the wait
/// limit, as for PostgreSQL.
pub async fn connect(url: &str, wait: Wait) -> Result<MySqlConnection, DbError> {
    let options = MySqlConnectOptions::from_str(url)
        .map_err(|source| DbError::BadUrl {
            url: redact(url),
            source,
        })?
        .log_statements(tracing::log::LevelFilter::Trace);
    let started = Instant::now();
    let mut delay = Duration::from_millis(100);
    loop {
        match options.connect().await {
            Ok(conn) => return Ok(conn),
            Err(source) if !is_transient(&source) || started.elapsed() + delay > wait.timeout => {
                return Err(DbError::Unreachable {
                    url: redact(url),
                    waited: started.elapsed(),
                    source,
                })
            }
            Err(source) => {
                tracing::warn!(url = %redact(url), error = %source, "waiting for the database");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(2));
            }
        }
    }
}

/// Errors worth waiting out: the server is not accepting connections yet.
fn is_transient(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::Tls(_) => true,
        // 1040: too many connections; 1053: server shutdown in progress.
        sqlx::Error::Database(db) => matches!(
            db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
                .map(|e| e.number()),
            Some(1040 | 1053)
        ),
        _ => false,
    }
}

/// Runs the statements between `BEGIN` and `COMMIT`. MySQL commits DDL implicitly, so
/// only the data statements among them are rolled back on a failure.
pub async fn execute_in_transaction(
    conn: &mut MySqlConnection,
    statements: &[String],
) -> Result<(), DbError> {
    let mut tx = conn.begin().await.map_err(|e| DbError::Statement {
        context: "beginning a transaction".into(),
        message: e.to_string(),
    })?;
    for sql in statements {
        if let Err(e) = sqlx::Executor::execute(&mut *tx, sql.as_str()).await {
            return Err(DbError::Statement {
                context: format!("running `{}`", sql.lines().next().unwrap_or(sql)),
                message: server_error(&e).to_string(),
            });
        }
    }
    tx.commit().await.map_err(|e| DbError::Statement {
        context: "committing".into(),
        message: e.to_string(),
    })
}

/// Runs one statement as written: a query without arguments goes out as a plain text
/// query (`COM_QUERY`), which every DDL statement accepts.
pub async fn execute(conn: &mut MySqlConnection, sql: &str) -> Result<(), ServerError> {
    sqlx::Executor::execute(&mut *conn, sql)
        .await
        .map(|_| ())
        .map_err(|e| server_error(&e))
}

/// The server's error: its message, SQLSTATE and error number.
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
    let number = db
        .try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
        .map(|e| e.number());
    ServerError {
        code: db.code().map(|c| c.into_owned()),
        detail: number.map(|n| format!("MySQL error {n}")),
        ..ServerError::message(db.message())
    }
}
