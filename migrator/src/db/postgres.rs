//! PostgreSQL connections: connect with retry, run statements transactionally.

use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions, Connection};

use super::{redact, DbError, Wait};

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

/// The server's own message, without the driver's decoration.
pub fn server_message(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    }
}
