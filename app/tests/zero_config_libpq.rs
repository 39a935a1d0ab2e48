//! The zero-configuration run (no `DATABASE_URL`) reads the libpq variables as `psql`
//! does: `PGHOST` (a host or a socket folder), `PGPORT`, `PGUSER`, `PGPASSWORD`,
//! `PGDATABASE` and `PGSSLMODE`; and where nothing listens it says so within seconds.

mod smart_kit;

use std::time::{Duration, Instant};

use smart_kit::{Bin, Project};
use workspace_tests::cluster::{ClusterConfig, PrivateCluster};

const PASSWORD: &str = "libpq-password";

#[tokio::test]
async fn the_libpq_variables_choose_the_server_user_password_database_and_tls() {
    let cluster = PrivateCluster::start(ClusterConfig {
        app_password: PASSWORD.into(),
        tls_only: true,
    })
    .unwrap();
    let project = Project::new().await;
    let port = cluster.port().to_string();
    // Over TCP, TLS required (the server takes nothing else), password from PGPASSWORD,
    // into a database PGDATABASE names, created on the way as the zero-config database is.
    let run = project
        .invoke(Bin::Migrate, &[])
        .database_url(None)
        .env("PGHOST", "127.0.0.1")
        .env("PGPORT", &port)
        .env("PGUSER", "app")
        .env("PGPASSWORD", PASSWORD)
        .env("PGDATABASE", "app")
        .env("PGSSLMODE", "require")
        .run()
        .expect(0);
    assert!(
        run.stdout
            .contains(&format!("database app on 127.0.0.1:{port} as app")),
        "{}",
        run.stdout
    );
    let tables = cluster
        .psql_in(
            "app",
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
        )
        .unwrap();
    assert_ne!(tables, "0", "the models' tables are on the private server");
    // PGHOST as a socket folder with a PGPORT other than 5432: the socket of that port.
    let socket = project
        .invoke(Bin::Migrate, &["current"])
        .database_url(None)
        .env("PGHOST", &cluster.socket_dir().display().to_string())
        .env("PGPORT", &port)
        .env("PGUSER", "postgres")
        .env("PGDATABASE", "app")
        .run()
        .expect(0);
    assert!(
        !socket.stdout.contains("base (no revision applied)"),
        "{}",
        socket.stdout
    );
}

#[tokio::test]
async fn without_a_local_server_the_zero_config_run_says_so_within_seconds() {
    let project = Project::new().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
        .to_string();
    let started = Instant::now();
    // A subcommand (the smart migrator would fall back to the embedded SQLite database).
    let run = project
        .invoke(Bin::Migrate, &["current"])
        .database_url(None)
        .env("PGHOST", "127.0.0.1")
        .env("PGPORT", &port)
        .run()
        .expect(3);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert!(
        run.stderr
            .contains("no PostgreSQL server answers on this machine"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("DATABASE_URL"), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("127.0.0.1:{port}")),
        "{}",
        run.stderr
    );
}
