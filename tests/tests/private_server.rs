//! A server configured as managed PostgreSQL services are: TCP connections over TLS only,
//! password authentication, a certificate from an authority no system store trusts. One
//! private cluster (started here, stopped at the end) serves every scenario, in order.

use std::time::{Duration, Instant};

use anyhow::Result;
use migrator::db::{Database, DbError, RefusalKind, Wait};
use workspace_tests::cluster::{make_authority, ClusterConfig, PrivateCluster};

/// A password that needs percent-encoding in a URL.
const PASSWORD: &str = "p/w@odd:chars#1";

async fn encrypted(url: &str) -> Result<bool> {
    let mut db = Database::connect(url, &Wait::default()).await?;
    let Some(conn) = db.raw::<sqlx::PgConnection>() else {
        anyhow::bail!("not PostgreSQL");
    };
    Ok(
        sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_one(conn)
            .await?,
    )
}

/// Connects with a long wait and expects a refusal well within it.
async fn refused(url: &str) -> Result<(RefusalKind, String)> {
    let started = Instant::now();
    let error = match Database::connect(url, &Wait::up_to(Duration::from_secs(30))).await {
        Ok(_) => anyhow::bail!("{url} connected"),
        Err(error) => error,
    };
    let took = started.elapsed();
    anyhow::ensure!(
        took < Duration::from_secs(5),
        "waited {took:?} for: {error}"
    );
    anyhow::ensure!(
        !error.to_string().contains("odd:chars"),
        "password shown: {error}"
    );
    match &error {
        DbError::Refused { refusal, .. } => Ok((refusal.kind, error.to_string())),
        other => anyhow::bail!("not a refusal: {other}"),
    }
}

#[tokio::test]
async fn a_tls_only_password_server_is_reached_or_refused_by_name() -> Result<()> {
    let cluster = PrivateCluster::start(ClusterConfig {
        app_password: PASSWORD.into(),
        tls_only: true,
    })?;
    let ca = cluster.ca_cert();
    let ca = ca.display();

    // Reached: the password in the user-info or as a parameter, TLS required or verified.
    assert!(encrypted(&cluster.url("app", PASSWORD, "app", "sslmode=require")).await?);
    let as_parameter = format!(
        "postgres://app@127.0.0.1:{}/app?password={}",
        cluster.port(),
        workspace_tests::cluster::url_encode(PASSWORD)
    );
    assert!(
        encrypted(&as_parameter).await?,
        "libpq's default, prefer, encrypts"
    );
    let full = cluster.url_on(
        "localhost",
        "app",
        PASSWORD,
        "app",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    );
    assert!(encrypted(&full).await?);
    let ca_only = cluster.url(
        "app",
        PASSWORD,
        "app",
        &format!("sslmode=verify-ca&sslrootcert={ca}"),
    );
    assert!(encrypted(&ca_only).await?);

    // Refused at once, each with its reason and fix.
    let (kind, message) = refused(&cluster.url("app", "wrong", "app", "")).await?;
    assert_eq!(kind, RefusalKind::Authentication, "{message}");
    assert!(
        message.contains("password authentication failed"),
        "{message}"
    );
    let (kind, message) = refused(&cluster.url("app", PASSWORD, "app", "sslmode=disable")).await?;
    assert_eq!(kind, RefusalKind::NotAllowed, "{message}");
    assert!(message.contains("sslmode=require"), "{message}");
    let (kind, message) = refused(&cluster.url("app", PASSWORD, "nowhere", "")).await?;
    assert_eq!(kind, RefusalKind::UnknownDatabase, "{message}");
    let (kind, message) = refused(&cluster.url("ghost", PASSWORD, "app", "")).await?;
    assert_eq!(kind, RefusalKind::Authentication, "{message}");
    let wrong_name = cluster.url(
        "app",
        PASSWORD,
        "app",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    );
    let (kind, message) = refused(&wrong_name).await?;
    assert_eq!(kind, RefusalKind::Tls, "{message}");
    assert!(message.contains("sslmode=verify-ca"), "{message}");
    let dir = tempfile::tempdir()?;
    let other = make_authority(dir.path(), "other", "another authority")?;
    let other_ca = cluster.url(
        "app",
        PASSWORD,
        "app",
        &format!("sslmode=verify-ca&sslrootcert={}", other.display()),
    );
    let (kind, message) = refused(&other_ca).await?;
    assert_eq!(kind, RefusalKind::Tls, "{message}");
    assert!(message.contains("sslrootcert"), "{message}");

    // pg_dump reaches it the same way: TLS verified, the password from the parameter.
    let backup_url = format!(
        "postgres://app@localhost:{}/app?sslmode=verify-full&sslrootcert={ca}&password={}",
        cluster.port(),
        workspace_tests::cluster::url_encode(PASSWORD)
    );
    let backups = tempfile::tempdir()?;
    let backup = migrator::workflow::backup::backup(&backup_url, backups.path(), "base")?;
    assert!(backup.bytes > 0);
    let name = backup
        .path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    assert!(name.starts_with("app_") && !name.contains("odd"), "{name}");
    // With TLS switched off the server turns pg_dump away: the settings did reach it.
    let plain = backup_url.replace("sslmode=verify-full", "sslmode=disable");
    let error = migrator::workflow::backup::backup(&plain, &backups.path().join("plain"), "base")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(error.contains("no encryption"), "{error}");
    assert!(!error.contains("odd:chars"), "{error}");
    Ok(())
}

/// Whether the MySQL session is encrypted (`Ssl_cipher` is set).
async fn mysql_encrypted(url: &str) -> Result<bool> {
    let mut db = Database::connect(url, &Wait::default()).await?;
    let Some(conn) = db.raw::<sqlx::MySqlConnection>() else {
        anyhow::bail!("not MySQL");
    };
    let cipher: (String, String) = sqlx::query_as("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
        .fetch_one(conn)
        .await?;
    Ok(!cipher.1.is_empty())
}

#[tokio::test]
async fn a_tls_only_mariadb_is_reached_or_refused_by_name() -> Result<()> {
    let server = workspace_tests::mariadb::PrivateMariadb::start()?;
    let ca = server.ca_cert();
    let ca = ca.display();
    assert!(mysql_encrypted(&server.url_on("127.0.0.1", "ssl-mode=REQUIRED")).await?);
    assert!(
        mysql_encrypted(&server.url_on("127.0.0.1", "")).await?,
        "PREFERRED encrypts"
    );
    let identity = server.url_on(
        "localhost",
        &format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={ca}"),
    );
    assert!(mysql_encrypted(&identity).await?);
    let verify_ca = server.url_on("127.0.0.1", &format!("ssl-mode=VERIFY_CA&ssl-ca={ca}"));
    assert!(mysql_encrypted(&verify_ca).await?);

    let wrong_name = server.url_on(
        "127.0.0.1",
        &format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={ca}"),
    );
    let (kind, message) = refused(&wrong_name).await?;
    assert_eq!(kind, RefusalKind::Tls, "{message}");
    assert!(message.contains("ssl-mode=VERIFY_CA"), "{message}");
    let (kind, message) = refused(&server.url_on("127.0.0.1", "ssl-mode=DISABLED")).await?;
    assert_eq!(kind, RefusalKind::Authentication, "{message}");
    assert!(message.contains("ssl-mode=REQUIRED"), "{message}");

    // mysqldump (MariaDB's) verifies the server too, over TCP to the URL's port.
    let backups = tempfile::tempdir()?;
    let backup = migrator::workflow::backup::backup(&identity, backups.path(), "base")?;
    assert!(backup.bytes > 0);
    // Without the TLS flags the server turns the dump tool away: the flags did reach it.
    let plain = server.url_on("127.0.0.1", "ssl-mode=DISABLED");
    let error = migrator::workflow::backup::backup(&plain, &backups.path().join("plain"), "base")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(error.contains("Access denied"), "{error}");
    Ok(())
}
