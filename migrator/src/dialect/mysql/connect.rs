//! MySQL / MariaDB connections: connect with retry, run statements (text protocol, so any
//! DDL runs as written) and report the server's errors; the migration lock and the
//! history tables live in `lock.rs` and `history.rs`.

use std::str::FromStr;

use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlSslMode};
use sqlx::{ConnectOptions, Connection};

use super::Flavour;
use crate::db::connect::{
    certificate_advice, io_verdict, with_retry, Refusal, RefusalKind, Verdict,
};
use crate::db::tls::{TlsMode, TlsSettings};
use crate::db::url::retain_params;
use crate::db::{redact, DbError, ServerError, ServerErrorKind, Wait};

/// The query parameters sqlx reads; any other is dropped before sqlx sees it (sqlx would
/// log it with its value) and named in a log line instead.
const DRIVER_PARAMS: &[&str] = &[
    "sslmode",
    "ssl-mode",
    "sslca",
    "ssl-ca",
    "charset",
    "collation",
    "sslcert",
    "ssl-cert",
    "sslkey",
    "ssl-key",
    "statement-cache-capacity",
    "socket",
    "timezone",
    "time-zone",
];

/// The connection options a URL means, TLS settings checked first.
pub fn options(url: &str) -> Result<(MySqlConnectOptions, TlsSettings), DbError> {
    let tls = super::tls::from_url(url).map_err(|source| DbError::TlsSetting {
        url: redact(url),
        source,
    })?;
    let (driver_url, dropped) = retain_params(url, |key| DRIVER_PARAMS.contains(&key));
    for key in dropped {
        tracing::info!(parameter = %key, "ignoring a connection parameter the driver does not read");
    }
    let options = MySqlConnectOptions::from_str(&driver_url)
        .map_err(|source| DbError::BadUrl {
            url: redact(url),
            source,
        })?
        .ssl_mode(match tls.mode {
            TlsMode::Disable => MySqlSslMode::Disabled,
            TlsMode::Allow | TlsMode::Prefer => MySqlSslMode::Preferred,
            TlsMode::Require => MySqlSslMode::Required,
            TlsMode::VerifyCa => MySqlSslMode::VerifyCa,
            TlsMode::VerifyFull => MySqlSslMode::VerifyIdentity,
        })
        .log_statements(tracing::log::LevelFilter::Off)
        // sqlx logs every statement, and a slow one at WARN, whole: 50 MB for a big data
        // revision. `Database::execute` logs them instead, cut to a bounded length.
        .log_slow_statements(
            tracing::log::LevelFilter::Off,
            std::time::Duration::from_secs(1),
        );
    Ok((options, tls))
}

/// Connects, retrying with exponential backoff (100 ms doubling to 2 s) while the server
/// is not there yet, as for PostgreSQL; a refusal ends at once.
pub async fn connect(url: &str, wait: &Wait) -> Result<MySqlConnection, DbError> {
    let (options, tls) = options(url)?;
    connect_to(&redact(url), wait, &options, &tls).await
}

async fn connect_to(
    target: &str,
    wait: &Wait,
    options: &MySqlConnectOptions,
    tls: &TlsSettings,
) -> Result<MySqlConnection, DbError> {
    with_retry(
        target,
        wait,
        || options.connect(),
        |e| classify(e, tls, options),
    )
    .await
}

/// Which server the connection talks to, from its `version()` (`10.11.6-MariaDB-...` or
/// `8.0.36`).
pub async fn flavour(conn: &mut MySqlConnection) -> Result<Flavour, DbError> {
    let version: String = sqlx::query_scalar("SELECT CAST(version() AS CHAR)")
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| DbError::query("reading the server's version", server_error(&e)))?;
    Ok(Flavour::from_version(&version))
}

/// Creates the database the URL names when it does not exist yet, through
/// `information_schema`. True when it was created.
pub async fn create_if_missing(url: &str, wait: &Wait) -> Result<bool, DbError> {
    let (options, tls) = options(url)?;
    let Some(database) = options.get_database().map(str::to_string) else {
        return Ok(false);
    };
    // Every account can open information_schema, and it always exists.
    let admin_options = options.clone().database("information_schema");
    let mut admin = connect_to(&redact(url), wait, &admin_options, &tls).await?;
    let exists: bool = sqlx::query_scalar(
        "SELECT COUNT(*) > 0 FROM information_schema.schemata WHERE schema_name = ?",
    )
    .bind(&database)
    .fetch_one(&mut admin)
    .await
    .map_err(|e| DbError::statement("looking up the development database", &e))?;
    if !exists {
        let sql = format!(
            "CREATE DATABASE IF NOT EXISTS `{}`",
            database.replace('`', "``")
        );
        // `Executor::execute` with a `&str` runs it as written, like `raw_sql`, and its
        // future is `Send` (see `execute`).
        sqlx::Executor::execute(&mut admin, sql.as_str())
            .await
            .map_err(|e| DbError::statement("creating the development database", &e))?;
        tracing::info!(database, "created the development database");
    }
    let _ = admin.close().await;
    Ok(!exists)
}

fn classify(error: &sqlx::Error, tls: &TlsSettings, options: &MySqlConnectOptions) -> Verdict {
    match error {
        sqlx::Error::Io(io) => io_verdict(io, |reason| certificate_advice(reason, tls)),
        sqlx::Error::PoolTimedOut => Verdict::Wait("timed out".into()),
        sqlx::Error::Tls(source) => {
            let reason = source.to_string();
            let advice = if reason.contains("not support") {
                format!(
                    "the server does not offer TLS: ask for it to be enabled, or set {} to go \
                     without TLS",
                    tls.mode_setting(TlsMode::Prefer)
                )
            } else {
                certificate_advice(&reason, tls)
            };
            Verdict::Refuse(Refusal {
                kind: RefusalKind::Tls,
                reason,
                advice,
            })
        }
        sqlx::Error::Database(db) => {
            let number = db
                .try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
                .map(|e| e.number());
            database_verdict(number, db.message(), tls, options)
        }
        other => Verdict::Refuse(Refusal {
            kind: RefusalKind::Other,
            reason: other.to_string(),
            advice: "check the database URL".into(),
        }),
    }
}

fn database_verdict(
    number: Option<u16>,
    message: &str,
    tls: &TlsSettings,
    options: &MySqlConnectOptions,
) -> Verdict {
    let refuse = |kind, advice: String| {
        Verdict::Refuse(Refusal {
            kind,
            reason: message.to_owned(),
            advice,
        })
    };
    let database = options.get_database().unwrap_or("the database");
    match number {
        // 1040: too many connections; 1053: server shutdown in progress.
        Some(1040) => Verdict::Wait("too many connections".into()),
        Some(1053) => Verdict::Wait("the server is shutting down".into()),
        Some(1045) => refuse(
            RefusalKind::Authentication,
            format!(
                "check the user and password in DATABASE_URL (percent-encode / ? # @ : and % \
                 in a password); the server says the same for a user that does not exist{}",
                if tls.mode == TlsMode::Disable {
                    ", and MariaDB for a connection without TLS when it requires TLS \
                     (ssl-mode=REQUIRED)"
                } else {
                    ""
                }
            ),
        ),
        Some(1044) => refuse(
            RefusalKind::NotAllowed,
            format!("grant the user access to {database}, or connect as another user"),
        ),
        Some(1049) => refuse(
            RefusalKind::UnknownDatabase,
            format!(
                "create it (CREATE DATABASE `{database}`), or point DATABASE_URL at a database \
                 that exists"
            ),
        ),
        Some(1130) => refuse(
            RefusalKind::NotAllowed,
            "the server does not let this user connect from this host; ask its administrator"
                .into(),
        ),
        // 3159: the server requires secure transport.
        Some(3159) => refuse(
            RefusalKind::Tls,
            format!(
                "the server accepts TLS only: set {}",
                tls.mode_setting(TlsMode::Require)
            ),
        ),
        _ => refuse(RefusalKind::Other, "check the database URL".into()),
    }
}

/// Runs the statements between `BEGIN` and `COMMIT`. MySQL commits DDL implicitly, so
/// only the data statements among them are rolled back on a failure.
pub async fn execute_in_transaction(
    conn: &mut MySqlConnection,
    statements: &[String],
) -> Result<(), DbError> {
    let mut tx = conn
        .begin()
        .await
        .map_err(|e| DbError::statement("beginning a transaction", &e))?;
    for sql in statements {
        if let Err(e) = sqlx::Executor::execute(&mut *tx, sql.as_str()).await {
            return Err(DbError::Statement {
                context: format!("running `{}`", sql.lines().next().unwrap_or(sql)),
                message: server_error(&e).to_string(),
            });
        }
    }
    tx.commit()
        .await
        .map_err(|e| DbError::statement("committing", &e))
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
