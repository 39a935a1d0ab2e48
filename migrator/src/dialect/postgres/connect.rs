//! PostgreSQL connections: connect with retry, run statements and report the server's
//! errors in full; the migration lock and the history tables live in `lock.rs` and
//! `history.rs`.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgConnection, PgDatabaseError, PgErrorPosition};
use sqlx::{ConnectOptions, Connection};

use crate::db::connect::{io_verdict, with_retry, Refusal, RefusalKind, Verdict};
use crate::db::tls::{RootCert, TlsMode, TlsSettings};
use crate::db::url::retain_params;
use crate::db::{redact, DbError, ServerError, ServerErrorKind, Wait};

/// The query parameters sqlx reads; any other is dropped before sqlx sees it (sqlx would
/// log it with its value) and named in a log line instead.
const DRIVER_PARAMS: &[&str] = &[
    "sslmode",
    "ssl-mode",
    "sslrootcert",
    "ssl-root-cert",
    "ssl-ca",
    "sslcert",
    "ssl-cert",
    "sslkey",
    "ssl-key",
    "statement-cache-capacity",
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "application_name",
    "options",
];

/// The connection options a URL means, TLS settings applied as libpq applies them.
pub fn options(url: &str) -> Result<(PgConnectOptions, TlsSettings), DbError> {
    let tls = super::tls::from_url(url).map_err(|source| DbError::TlsSetting {
        url: redact(url),
        source,
    })?;
    let (driver_url, dropped) = retain_params(url, |key| {
        DRIVER_PARAMS.contains(&key) || key.starts_with("options[")
    });
    for key in dropped {
        tracing::info!(parameter = %key, "ignoring a connection parameter the driver does not read");
    }
    let mut options = PgConnectOptions::from_str(&driver_url)
        .map_err(|source| DbError::BadUrl {
            url: redact(url),
            source,
        })?
        .ssl_mode(sqlx_mode(tls.mode));
    options = match &tls.root_cert {
        // An empty inline root leaves the system's store as the only source of roots
        // (sqlx would read `system` as a file name).
        Some(RootCert::System) => options.ssl_root_cert_from_pem(Vec::new()),
        Some(RootCert::File(path)) => options.ssl_root_cert(path),
        None => options,
    };
    if let Some((cert, key)) = &tls.client_cert {
        options = options.ssl_client_cert(cert).ssl_client_key(key);
    }
    let options = options
        .application_name("migrate")
        .log_statements(tracing::log::LevelFilter::Off)
        // sqlx logs every statement, and a slow one at WARN, whole: 50 MB for a big data
        // revision. `Database::execute` logs them instead, cut to a bounded length.
        .log_slow_statements(
            tracing::log::LevelFilter::Off,
            std::time::Duration::from_secs(1),
        );
    Ok((options, tls))
}

fn sqlx_mode(mode: TlsMode) -> sqlx::postgres::PgSslMode {
    use sqlx::postgres::PgSslMode as M;
    match mode {
        TlsMode::Disable => M::Disable,
        TlsMode::Allow => M::Allow,
        TlsMode::Prefer => M::Prefer,
        TlsMode::Require => M::Require,
        TlsMode::VerifyCa => M::VerifyCa,
        TlsMode::VerifyFull => M::VerifyFull,
    }
}

/// Connects, retrying with exponential backoff (100 ms doubling to 2 s) while the server
/// is not there yet; a refusal (unknown role or database, wrong password, TLS) ends at once.
pub async fn connect(url: &str, wait: &Wait) -> Result<PgConnection, DbError> {
    let (options, tls) = options(url)?;
    connect_to(&redact(url), wait, &options, &tls).await
}

async fn connect_to(
    target: &str,
    wait: &Wait,
    options: &PgConnectOptions,
    tls: &TlsSettings,
) -> Result<PgConnection, DbError> {
    with_retry(
        target,
        wait,
        || options.connect(),
        |e| classify(e, tls, options),
    )
    .await
}

/// Creates the database the URL names when it does not exist yet, through the `postgres`
/// maintenance database of the same server. True when it was created.
pub async fn create_if_missing(url: &str, wait: &Wait) -> Result<bool, DbError> {
    let (options, tls) = options(url)?;
    let Some(database) = options.get_database().map(str::to_string) else {
        return Ok(false);
    };
    let admin_options = options.clone().database("postgres");
    let mut admin = connect_to(&redact(url), wait, &admin_options, &tls).await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&database)
            .fetch_one(&mut admin)
            .await
            .map_err(|e| DbError::statement("looking up the development database", &e))?;
    if !exists {
        let sql = format!("CREATE DATABASE \"{}\"", database.replace('"', "\"\""));
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

/// Whether a failed connection is worth waiting out, and if not, what to tell the user.
fn classify(error: &sqlx::Error, tls: &TlsSettings, options: &PgConnectOptions) -> Verdict {
    match error {
        sqlx::Error::Io(io) => io_verdict(io, |reason| tls_advice(reason, tls)),
        sqlx::Error::PoolTimedOut => Verdict::Wait("timed out".into()),
        sqlx::Error::Tls(source) => {
            let reason = source.to_string();
            Verdict::Refuse(Refusal {
                kind: RefusalKind::Tls,
                advice: tls_advice(&reason, tls),
                reason,
            })
        }
        sqlx::Error::Database(db) => database_verdict(db.code().as_deref(), db.message(), options),
        other => Verdict::Refuse(Refusal {
            kind: RefusalKind::Other,
            reason: other.to_string(),
            advice: "check the database URL".into(),
        }),
    }
}

fn database_verdict(code: Option<&str>, message: &str, options: &PgConnectOptions) -> Verdict {
    let refuse = |kind, advice: String| {
        Verdict::Refuse(Refusal {
            kind,
            reason: message.to_owned(),
            advice,
        })
    };
    let user = options.get_username();
    let database = options.get_database().unwrap_or(user);
    match code {
        // cannot_connect_now: starting up, shutting down, in recovery.
        Some("57P03") => Verdict::Wait(message.to_owned()),
        Some("53300") => Verdict::Wait("too many connections".into()),
        Some("28P01") => refuse(
            RefusalKind::Authentication,
            "check the user and password in DATABASE_URL (percent-encode / ? # @ : and % in \
             a password), or PGPASSWORD, or ~/.pgpass"
                .into(),
        ),
        Some("28000") if message.contains("does not exist") => refuse(
            RefusalKind::UnknownUser,
            format!(
                "create the role (as the postgres OS user: `createuser --superuser {user}`), or \
                 connect as a role that exists: set PGUSER, or the user in DATABASE_URL \
                 (postgres://postgres@localhost/{database})"
            ),
        ),
        // PostgreSQL 15 says "no encryption", older releases "SSL off".
        Some("28000") if message.contains("no encryption") || message.contains("SSL off") => {
            refuse(
                RefusalKind::NotAllowed,
                "the server accepts this user only over TLS: set sslmode=require (or verify-full)"
                    .into(),
            )
        }
        Some("28000") => refuse(
            RefusalKind::NotAllowed,
            "the server's pg_hba.conf does not let this user in from here; ask its \
             administrator, or connect as another user"
                .into(),
        ),
        Some("3D000") => refuse(
            RefusalKind::UnknownDatabase,
            format!(
                "create it (`createdb {database}`, or CREATE DATABASE), or point DATABASE_URL \
                 at a database that exists"
            ),
        ),
        Some("42501") => refuse(
            RefusalKind::NotAllowed,
            "grant this user CONNECT on the database, or connect as another user".into(),
        ),
        _ => refuse(RefusalKind::Other, "check the database URL".into()),
    }
}

/// What to change after a TLS failure, by what the TLS layer said.
fn tls_advice(reason: &str, tls: &TlsSettings) -> String {
    if reason.contains("does not support TLS") {
        return format!(
            "the server does not offer TLS (PostgreSQL never does over a Unix socket): connect \
             over TCP to a server with ssl = on, or set {} to go without TLS",
            tls.mode_setting(TlsMode::Prefer)
        );
    }
    crate::db::connect::certificate_advice(reason, tls)
}

/// Runs the statements in one transaction, rolling back on the first failure.
pub async fn execute_in_transaction(
    conn: &mut PgConnection,
    statements: &[String],
) -> Result<(), DbError> {
    let mut tx = conn
        .begin()
        .await
        .map_err(|e| DbError::statement("beginning a transaction", &e))?;
    for sql in statements {
        if let Err(e) = sqlx::Executor::execute(&mut *tx, sql.as_str()).await {
            return Err(DbError::Statement {
                context: format!("running `{}`", first_line(sql)),
                message: server_message(&e),
            });
        }
    }
    tx.commit()
        .await
        .map_err(|e| DbError::statement("committing", &e))
}

fn first_line(sql: &str) -> &str {
    sql.lines().next().unwrap_or(sql)
}

/// The server's `server_version_num` (`150004` for 15.4), which decides the driver a
/// connection answers with.
pub async fn server_version(conn: &mut PgConnection) -> Result<u32, DbError> {
    let text: String = sqlx::query_scalar("SELECT current_setting('server_version_num')")
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| DbError::query("reading the server's version", server_error(&e)))?;
    text.trim().parse().map_err(|_| {
        DbError::Inspect(
            format!("the server reported version number {text:?}, not a number").into(),
        )
    })
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
        // duplicate_object: among others, an enum value that is there already.
        Some("42710") => ServerErrorKind::AlreadyExists,
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
