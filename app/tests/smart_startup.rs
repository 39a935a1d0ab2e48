//! How runs start: the migrator waits for a database that is not up yet (a private
//! PostgreSQL server started after it) and gives up with exit code 3 after
//! `--wait-timeout`; development without `DATABASE_URL` creates and uses
//! `<app>_development`; and the example `app` binary migrates on boot through the same
//! library function as `migrate`, refusing to start on production drift.

#[macro_use]
mod smart_kit;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use migrator::workflow::{self, defaults, Environment, Options, Outcome};
use migrator::Dialect;
use smart_kit::{full_schema, reduced_schema, Bin, Project};
use sqlx::Connection;

/// A port nothing listens on (free a moment ago).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A PostgreSQL server of its own in a temporary folder, stopped and removed on drop.
/// As root, initdb refuses to run, so the server runs as the `postgres` user then.
struct PrivateServer {
    dir: tempfile::TempDir,
    bin: PathBuf,
    as_postgres: bool,
    started: bool,
}

impl PrivateServer {
    /// Runs initdb (without fsync, for speed); the server is not started.
    fn init() -> Self {
        let bin = server_bin_dir();
        let as_postgres = running_as_root();
        let dir = tempfile::tempdir().unwrap();
        if as_postgres {
            run(Command::new("chown").arg("postgres").arg(dir.path()));
        }
        let server = Self {
            dir,
            bin,
            as_postgres,
            started: false,
        };
        let data = server.data();
        run(server
            .tool("initdb")
            .args(["--no-sync", "-A", "trust", "-U", "postgres", "-D"])
            .arg(&data));
        server
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn tool(&self, name: &str) -> Command {
        let program = self.bin.join(name);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        command.stdout(Stdio::null()).stderr(Stdio::piped());
        command
    }

    /// Starts the server on `port`, without waiting for it to accept connections.
    fn start(&mut self, port: u16) {
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.dir.path().display()
        );
        run(self
            .tool("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.path().join("log"))
            .args(["-W", "-o", &options, "start"]));
        self.started = true;
    }
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        if self.started {
            let _ = self
                .tool("pg_ctl")
                .arg("-D")
                .arg(self.data())
                .args(["-m", "immediate", "-w", "stop"])
                .status();
        }
    }
}

fn run(command: &mut Command) {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn running_as_root() -> bool {
    let output = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&output.stdout).trim() == "0"
}

/// Where initdb and pg_ctl are: PostgreSQL's Debian layout, newest first, or PATH.
fn server_bin_dir() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| entries.map(|e| e.unwrap().path().join("bin")).collect())
        .unwrap_or_default();
    versions.sort();
    if let Some(dir) = versions
        .into_iter()
        .rev()
        .find(|d| d.join("initdb").exists())
    {
        return dir;
    }
    std::env::var_os("PATH")
        .and_then(|path| {
            std::env::split_paths(&path)
                .find(|d| d.join("initdb").exists() && d.join("pg_ctl").exists())
        })
        .expect("initdb and pg_ctl (the PostgreSQL server package) are needed for this test")
}

#[tokio::test]
async fn the_migrator_waits_for_a_database_that_starts_later() {
    let project = Project::new().await;
    let port = free_port();
    let url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    let started = Instant::now();
    let child = project
        .invoke(Bin::Migrate, &["--wait-timeout", "60"])
        .database_url(Some(&url))
        .env("MIGRATE_LOG", "warn")
        .command()
        .spawn()
        .unwrap();
    let mut server = PrivateServer::init();
    std::thread::sleep(Duration::from_millis(500));
    let server_started = started.elapsed();
    server.start(port);
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stderr.contains("waiting for the database"),
        "the migrator did not wait: {stderr}"
    );
    assert!(started.elapsed() > server_started);
    assert!(stdout.contains("✓ Database schema is in sync"), "{stdout}");
    // It did its work on the private server.
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    let tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'organisations'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(tables, 1);
    conn.close().await.unwrap();
}

#[tokio::test]
async fn a_database_that_never_answers_is_exit_code_3() {
    let project = Project::new().await;
    let url = format!("postgres://postgres@127.0.0.1:{}/app", free_port());
    let started = Instant::now();
    let run = project
        .invoke(Bin::Migrate, &["--wait-timeout", "2"])
        .database_url(Some(&url))
        .run()
        .expect(3);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(
        run.stderr.contains("did not answer within"),
        "{}",
        run.stderr
    );
    assert!(project.files().is_empty());
    assert_smart_snapshot!("wait_timeout", project.transcripts(&[run]));
}

/// The zero-configuration database, through the library the binary calls (the binary's
/// app name is fixed, and a test must not touch the real `app_development`).
#[tokio::test]
async fn development_without_a_url_creates_the_app_database() {
    let app = format!("t_zero_{}_{}", std::process::id(), nanos());
    let database = format!("{app}_development");
    let url = defaults::development_url(&app, Dialect::Postgresql);
    // Host, port and user are left to the libpq variables and the socket lookup.
    assert_eq!(url, format!("postgres:///{database}"));
    let _cleanup = DropDatabase(database.clone());
    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        create_database: true,
        ..workflow::EnvConfig::from_lookup(|_| None)
            .unwrap()
            .options(&app, &dir.path().join("migrations"))
            .unwrap()
    };
    assert_eq!(options.environment, Environment::Development);
    assert_eq!(options.database_url, url);
    let report = workflow::run(&full_schema(), &options, &mut |_| {})
        .await
        .unwrap();
    assert!(
        matches!(report.outcome, Outcome::Synced { .. }),
        "{:?}",
        report.outcome
    );
    assert!(admin_database_exists(&database).await);
    // A second run finds the database and nothing to do.
    let again = workflow::run(&full_schema(), &options, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(again.outcome, Outcome::InSync);
    assert!(
        !defaults::ensure_database(&url, &migrator::db::Wait::default())
            .await
            .unwrap()
    );
}

/// MySQL's zero-configuration database is created the same way.
#[tokio::test]
async fn the_mysql_development_database_is_created_if_missing() {
    let app = format!("t_zero_my_{}_{}", std::process::id(), nanos());
    let url = defaults::development_url(&app, Dialect::Mysql);
    assert_eq!(
        url,
        format!("mysql://root@127.0.0.1:3306/{app}_development")
    );
    let created = defaults::ensure_database(&url, &migrator::db::Wait::default())
        .await
        .unwrap();
    let again = defaults::ensure_database(&url, &migrator::db::Wait::default()).await;
    let mut conn = sqlx::MySqlConnection::connect(&url).await.unwrap();
    sqlx::raw_sql(&format!("DROP DATABASE `{app}_development`"))
        .execute(&mut conn)
        .await
        .unwrap();
    assert!(created);
    assert!(!again.unwrap(), "an existing database is left alone");
}

fn nanos() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos()
}

struct DropDatabase(String);

impl Drop for DropDatabase {
    fn drop(&mut self) {
        let name = self.0.clone();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut admin =
                    sqlx::PgConnection::connect("postgres://postgres@127.0.0.1:5432/postgres")
                        .await
                        .unwrap();
                sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
            });
        })
        .join();
    }
}

async fn admin_database_exists(name: &str) -> bool {
    let mut admin = sqlx::PgConnection::connect("postgres://postgres@127.0.0.1:5432/postgres")
        .await
        .unwrap();
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(name)
        .fetch_one(&mut admin)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_app_migrates_on_boot_when_asked_to() {
    let project = Project::new().await;
    project.write_revision(
        "base_full",
        &[],
        &Default::default(),
        &full_schema(),
        "initial schema",
    );
    let off = project.invoke(Bin::App, &[]).run().expect(0);
    assert!(project.tables().await.is_empty(), "migrated while off");
    let on = project
        .invoke(Bin::App, &[])
        .env("APP_MIGRATE_ON_BOOT", "1")
        .run()
        .expect(0);
    assert!(on.stdout.ends_with("app: ready\n"), "{}", on.stdout);
    assert!(project
        .tables()
        .await
        .contains(&"public.organisations".to_string()));
    let again = project
        .invoke(Bin::App, &[])
        .env("APP_MIGRATE_ON_BOOT", "1")
        .env("DGS_ENV", "production")
        .run()
        .expect(0);
    let typo = project
        .invoke(Bin::App, &[])
        .env("APP_MIGRATE_ON_BOOT", "sure")
        .run()
        .expect(2);
    assert_smart_snapshot!(
        "migrate_on_boot",
        project.transcripts(&[off, on, again, typo])
    );
}

#[tokio::test]
async fn the_app_refuses_to_start_on_production_drift() {
    let project = Project::new().await;
    project.write_revision(
        "base_reduced",
        &[],
        &Default::default(),
        &reduced_schema(),
        "initial schema",
    );
    let boot = |env: &str| {
        project
            .invoke(Bin::App, &[])
            .env("APP_MIGRATE_ON_BOOT", "1")
            .env("DGS_ENV", env)
            .run()
    };
    let refused = boot("production").expect(1);
    assert!(!refused.stdout.contains("app: ready"), "{}", refused.stdout);
    assert!(
        refused
            .stdout
            .contains("CRITICAL: Database schema is out of sync in PRODUCTION"),
        "{}",
        refused.stdout
    );
    // The revision was applied (it is in the history); only the drift is refused.
    assert!(project
        .tables()
        .await
        .contains(&"public.projects".to_string()));
    assert!(!project
        .tables()
        .await
        .contains(&"public.comments".to_string()));
    let dev = boot("development").expect(0);
    let generated = project.file_ending("_auto_sync_schema.sql");
    assert!(dev.stdout.contains(&generated[..12]), "{}", dev.stdout);
    assert!(Path::new(&project.versions().join(&generated)).exists());
    assert_smart_snapshot!(
        "migrate_on_boot_refused",
        project.transcripts(&[refused, dev])
    );
}
