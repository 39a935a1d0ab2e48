//! TLS against the local PostgreSQL, which offers it with Debian's self-signed "snakeoil"
//! certificate (issued to `localhost`): `sslmode=require` really encrypts, verification
//! accepts the right root and host and refuses the wrong ones at once, never waiting out a
//! refusal as if the server were down.

use std::time::{Duration, Instant};

use anyhow::Result;
use migrator::db::{Database, DbError, RefusalKind, Wait};
use workspace_tests::cluster::SNAKEOIL_CERT;
use workspace_tests::TestDb;

/// A wait long enough that a refusal answered within it was not waited out.
const PATIENT: Duration = Duration::from_secs(30);

fn with_params(db: &TestDb, host: &str, params: &str) -> String {
    let url = db.url().replacen("127.0.0.1", host, 1);
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{params}")
}

async fn session_is_encrypted(db: &mut Database) -> Result<bool> {
    let Some(conn) = db.raw::<sqlx::PgConnection>() else {
        anyhow::bail!("not a PostgreSQL connection");
    };
    Ok(
        sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_one(conn)
            .await?,
    )
}

async fn refusal(url: &str) -> (DbError, Duration) {
    let started = Instant::now();
    match Database::connect(url, &Wait::up_to(PATIENT)).await {
        Ok(_) => panic!("{url} connected"),
        Err(error) => (error, started.elapsed()),
    }
}

#[tokio::test]
async fn require_encrypts_the_session_and_disable_does_not() -> Result<()> {
    let db = TestDb::postgres().await?;
    let mut tls = Database::connect(
        &with_params(&db, "127.0.0.1", "sslmode=require"),
        &Wait::default(),
    )
    .await?;
    assert!(session_is_encrypted(&mut tls).await?);
    let mut plain = Database::connect(
        &with_params(&db, "127.0.0.1", "sslmode=disable"),
        &Wait::default(),
    )
    .await?;
    assert!(!session_is_encrypted(&mut plain).await?);
    // Saying nothing is libpq's `prefer`: encrypted, since the server offers TLS.
    let mut default = Database::connect(db.url(), &Wait::default()).await?;
    assert!(session_is_encrypted(&mut default).await?);
    Ok(())
}

#[tokio::test]
async fn verify_full_accepts_the_right_root_and_host_name() -> Result<()> {
    let db = TestDb::postgres().await?;
    let url = with_params(
        &db,
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={SNAKEOIL_CERT}"),
    );
    let mut conn = Database::connect(&url, &Wait::default()).await?;
    assert!(session_is_encrypted(&mut conn).await?);
    Ok(())
}

#[tokio::test]
async fn verify_full_refuses_a_certificate_for_another_name_at_once() -> Result<()> {
    let db = TestDb::postgres().await?;
    // The certificate names `localhost`; 127.0.0.1 is not in it.
    let url = with_params(
        &db,
        "127.0.0.1",
        &format!("sslmode=verify-full&sslrootcert={SNAKEOIL_CERT}"),
    );
    let (error, took) = refusal(&url).await;
    assert!(took < Duration::from_secs(5), "waited {took:?}: {error}");
    let DbError::Refused { refusal, .. } = &error else {
        panic!("not a refusal: {error}");
    };
    assert_eq!(refusal.kind, RefusalKind::Tls);
    let message = error.to_string();
    assert!(message.contains("does not name the host"), "{message}");
    assert!(message.contains("sslmode=verify-ca"), "{message}");
    Ok(())
}

#[tokio::test]
async fn verify_ca_checks_the_issuer_but_not_the_name() -> Result<()> {
    let db = TestDb::postgres().await?;
    let url = with_params(
        &db,
        "127.0.0.1",
        &format!("sslmode=verify-ca&sslrootcert={SNAKEOIL_CERT}"),
    );
    let mut conn = Database::connect(&url, &Wait::default()).await?;
    assert!(session_is_encrypted(&mut conn).await?);
    Ok(())
}

#[tokio::test]
async fn unusable_tls_settings_are_named_before_any_connection() -> Result<()> {
    let db = TestDb::postgres().await?;
    let missing = with_params(
        &db,
        "127.0.0.1",
        "sslmode=verify-ca&sslrootcert=/nonexistent/root.pem",
    );
    let (error, took) = refusal(&missing).await;
    assert!(took < Duration::from_secs(1), "waited {took:?}");
    assert!(matches!(error, DbError::TlsSetting { .. }), "{error}");
    assert!(
        error.to_string().contains("/nonexistent/root.pem"),
        "{error}"
    );
    let no_root = with_params(&db, "127.0.0.1", "sslmode=verify-full");
    let (error, _) = refusal(&no_root).await;
    assert!(error.to_string().contains("sslrootcert=system"), "{error}");
    Ok(())
}

#[tokio::test]
async fn require_over_a_unix_socket_is_refused_with_the_reason() -> Result<()> {
    let Some(dir) = ["/var/run/postgresql", "/tmp"]
        .into_iter()
        .find(|dir| std::path::Path::new(dir).join(".s.PGSQL.5432").exists())
    else {
        anyhow::bail!("no local PostgreSQL socket in /var/run/postgresql or /tmp");
    };
    let db = TestDb::postgres().await?;
    let name = db.url().rsplit('/').next().unwrap_or_default().to_owned();
    let url = format!("postgres:///{name}?host={dir}&user=postgres&sslmode=require");
    let (error, took) = refusal(&url).await;
    assert!(took < Duration::from_secs(5), "waited {took:?}");
    let message = error.to_string();
    assert!(message.contains("does not support TLS"), "{message}");
    assert!(message.contains("sslmode=prefer"), "{message}");
    Ok(())
}

#[tokio::test]
async fn mysql_required_tls_on_a_server_without_it_is_refused_at_once() -> Result<()> {
    // The shared MariaDB runs without TLS, which makes the refusal testable here.
    let db = TestDb::mysql().await?;
    let url = format!("{}?ssl-mode=REQUIRED", db.url());
    let (error, took) = refusal(&url).await;
    assert!(took < Duration::from_secs(5), "waited {took:?}");
    assert!(
        matches!(&error, DbError::Refused { refusal, .. } if refusal.kind == RefusalKind::Tls),
        "{error}"
    );
    assert!(error.to_string().contains("ssl-mode=PREFERRED"), "{error}");
    let missing_ca = format!("{}?ssl-mode=VERIFY_IDENTITY", db.url());
    let (error, _) = refusal(&missing_ca).await;
    assert!(matches!(error, DbError::TlsSetting { .. }), "{error}");
    assert!(error.to_string().contains("ssl-ca"), "{error}");
    Ok(())
}
