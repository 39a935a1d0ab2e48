//! The zero-configuration development database: with no `DATABASE_URL`, development uses
//! a database named after the application on the local server of the history's dialect,
//! created if missing (as Rails does), so a first run needs no setup.

use std::path::Path;
use std::str::FromStr;

use sqlx::mysql::MySqlConnectOptions;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::db::DbError;
use crate::dialect::Dialect;

/// Where PostgreSQL's Debian/Ubuntu packages put the server socket.
const POSTGRES_SOCKET_DIRS: &[&str] = &["/var/run/postgresql", "/tmp"];

/// The development database URL for `app` on the local server of `dialect`.
pub fn development_url(app: &str, dialect: Dialect) -> String {
    let database = format!("{app}_development");
    match dialect {
        Dialect::Postgresql => match local_socket_dir() {
            Some(dir) => format!("postgres:///{database}?host={dir}"),
            None => format!("postgres://localhost/{database}"),
        },
        Dialect::Mysql => format!("mysql://root@127.0.0.1:3306/{database}"),
        Dialect::Sqlite => format!("sqlite://{database}.db?mode=rwc"),
    }
}

fn local_socket_dir() -> Option<&'static str> {
    POSTGRES_SOCKET_DIRS
        .iter()
        .copied()
        .find(|dir| Path::new(dir).join(".s.PGSQL.5432").exists())
}

/// Creates the database the URL names when it does not exist yet (PostgreSQL: through the
/// `postgres` maintenance database of the same server; MySQL: through
/// `information_schema`). SQLite creates its file on connect. True when it was created.
pub async fn ensure_database(url: &str) -> Result<bool, DbError> {
    match Dialect::from_url(url) {
        Some(Dialect::Postgresql) => ensure_postgres(url).await,
        Some(Dialect::Mysql) => ensure_mysql(url).await,
        _ => Ok(false),
    }
}

async fn ensure_postgres(url: &str) -> Result<bool, DbError> {
    let options = PgConnectOptions::from_str(url).map_err(|source| DbError::BadUrl {
        url: crate::db::redact(url),
        source,
    })?;
    let Some(database) = options.get_database().map(str::to_string) else {
        return Ok(false);
    };
    let mut admin = options
        .clone()
        .database("postgres")
        .connect()
        .await
        .map_err(|source| DbError::Unreachable {
            url: crate::db::redact(url),
            waited: std::time::Duration::ZERO,
            source,
        })?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&database)
            .fetch_one(&mut admin)
            .await
            .map_err(|e| statement_error("looking up the development database", &e))?;
    if !exists {
        let sql = format!("CREATE DATABASE \"{}\"", database.replace('"', "\"\""));
        sqlx::raw_sql(&sql)
            .execute(&mut admin)
            .await
            .map_err(|e| statement_error("creating the development database", &e))?;
        tracing::info!(database, "created the development database");
    }
    let _ = admin.close().await;
    Ok(!exists)
}

async fn ensure_mysql(url: &str) -> Result<bool, DbError> {
    let options = MySqlConnectOptions::from_str(url).map_err(|source| DbError::BadUrl {
        url: crate::db::redact(url),
        source,
    })?;
    let Some(database) = options.get_database().map(str::to_string) else {
        return Ok(false);
    };
    // Every account can open information_schema, and it always exists.
    let mut admin = options
        .clone()
        .database("information_schema")
        .connect()
        .await
        .map_err(|source| DbError::Unreachable {
            url: crate::db::redact(url),
            waited: std::time::Duration::ZERO,
            source,
        })?;
    let exists: bool = sqlx::query_scalar(
        "SELECT COUNT(*) > 0 FROM information_schema.schemata WHERE schema_name = ?",
    )
    .bind(&database)
    .fetch_one(&mut admin)
    .await
    .map_err(|e| statement_error("looking up the development database", &e))?;
    if !exists {
        let sql = format!(
            "CREATE DATABASE IF NOT EXISTS `{}`",
            database.replace('`', "``")
        );
        sqlx::raw_sql(&sql)
            .execute(&mut admin)
            .await
            .map_err(|e| statement_error("creating the development database", &e))?;
        tracing::info!(database, "created the development database");
    }
    let _ = admin.close().await;
    Ok(!exists)
}

fn statement_error(context: &str, error: &sqlx::Error) -> DbError {
    DbError::Statement {
        context: context.to_string(),
        message: error.to_string(),
    }
}
