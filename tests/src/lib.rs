//! The testkit shared by the integration tests: throwaway databases on the local servers.
//!
//! Every test makes its own database and the database goes away when the [`TestDb`] value
//! is dropped, so tests run in parallel and leave nothing behind, even when they panic:
//!
//! ```no_run
//! use workspace_tests::TestDb;
//!
//! # async fn example() -> anyhow::Result<()> {
//! let db = TestDb::postgres().await?;
//! db.execute_script("CREATE TABLE t (id bigint PRIMARY KEY);").await?;
//! let mut conn: sqlx::PgConnection = db.connect().await?;
//! let pool: sqlx::PgPool = db.pool().await?;
//! # let _ = (&mut conn, pool);
//! # Ok(()) }
//! ```
//!
//! The servers are the ones DESIGN.md names: PostgreSQL on 127.0.0.1:5432 as `postgres`
//! (trust auth) and MariaDB/MySQL on 127.0.0.1:3306 as `root` with an empty password; SQLite
//! databases are files in a temporary directory. `DGS_TEST_POSTGRES_URL` and
//! `DGS_TEST_MYSQL_URL` override the server URLs (without a database path), and
//! `DGS_TEST_KEEP_DB=1` keeps the databases for a post-mortem.

pub mod cluster;
pub mod mariadb;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use migrator::Dialect;
use sqlx::{Connection, Executor};

/// The PostgreSQL server the tests use unless `DGS_TEST_POSTGRES_URL` says otherwise.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432";

/// The MySQL/MariaDB server the tests use unless `DGS_TEST_MYSQL_URL` says otherwise.
pub const DEFAULT_MYSQL_URL: &str = "mysql://root@127.0.0.1:3306";

/// Database names stay well under PostgreSQL's 63-byte identifier limit.
const MAX_PURPOSE_LEN: usize = 28;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A throwaway database, dropped (with any open connections) when this value is dropped.
#[derive(Debug)]
pub struct TestDb {
    dialect: Dialect,
    name: String,
    url: String,
    /// The server URL without a database, for the admin connection that drops it.
    server_url: String,
    /// Keeps the SQLite file's directory alive; removed on drop.
    dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A fresh database of `dialect` whose name starts with `t_<purpose>`.
    pub async fn for_dialect(dialect: Dialect, purpose: &str) -> Result<Self> {
        match dialect {
            Dialect::Postgresql => Self::postgres_for(purpose).await,
            Dialect::Mysql => Self::mysql_for(purpose).await,
            Dialect::Sqlite => Self::sqlite_for(purpose).await,
        }
    }

    /// A fresh PostgreSQL database named after the running test.
    pub async fn postgres() -> Result<Self> {
        Self::postgres_for(&purpose_from_thread()).await
    }

    /// A fresh PostgreSQL database whose name starts with `t_<purpose>`.
    pub async fn postgres_for(purpose: &str) -> Result<Self> {
        let server_url = server_url("DGS_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL);
        let name = unique_name(purpose);
        let mut admin = sqlx::PgConnection::connect(&format!("{server_url}/postgres"))
            .await
            .with_context(|| format!("cannot reach PostgreSQL at {server_url}; is it running?"))?;
        admin
            .execute(format!("CREATE DATABASE \"{name}\"").as_str())
            .await
            .with_context(|| format!("cannot create test database {name}"))?;
        admin.close().await.ok();
        Ok(Self {
            dialect: Dialect::Postgresql,
            url: format!("{server_url}/{name}"),
            name,
            server_url,
            dir: None,
        })
    }

    /// A fresh MySQL/MariaDB database named after the running test.
    pub async fn mysql() -> Result<Self> {
        Self::mysql_for(&purpose_from_thread()).await
    }

    /// A fresh MySQL/MariaDB database whose name starts with `t_<purpose>`.
    pub async fn mysql_for(purpose: &str) -> Result<Self> {
        let server_url = server_url("DGS_TEST_MYSQL_URL", DEFAULT_MYSQL_URL);
        let name = unique_name(purpose);
        let mut admin = sqlx::MySqlConnection::connect(&server_url)
            .await
            .with_context(|| format!("cannot reach MySQL at {server_url}; is it running?"))?;
        admin
            .execute(format!("CREATE DATABASE `{name}`").as_str())
            .await
            .with_context(|| format!("cannot create test database {name}"))?;
        admin.close().await.ok();
        Ok(Self {
            dialect: Dialect::Mysql,
            url: format!("{server_url}/{name}"),
            name,
            server_url,
            dir: None,
        })
    }

    /// A fresh SQLite database file in its own temporary directory.
    pub async fn sqlite() -> Result<Self> {
        Self::sqlite_for(&purpose_from_thread()).await
    }

    /// A fresh SQLite database file named `t_<purpose>_....db`.
    pub async fn sqlite_for(purpose: &str) -> Result<Self> {
        let dir = tempfile::tempdir().context("cannot make a temporary directory")?;
        let name = unique_name(purpose);
        let path = dir.path().join(format!("{name}.db"));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        // Create the file now, so that `url()` names an existing database like the others.
        sqlx::SqliteConnection::connect(&url)
            .await
            .with_context(|| format!("cannot create {}", path.display()))?
            .close()
            .await
            .ok();
        Ok(Self {
            dialect: Dialect::Sqlite,
            url,
            name,
            server_url: String::new(),
            dir: Some(dir),
        })
    }

    /// The database kind.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The database's name (for SQLite, the file's stem).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A URL that connects to this database (what `DATABASE_URL` would hold).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A new connection of the caller's choice of type:
    /// `let conn: sqlx::PgConnection = db.connect().await?;`
    pub async fn connect<C: Connection>(&self) -> Result<C> {
        C::connect(&self.url)
            .await
            .with_context(|| format!("cannot connect to {}", self.url))
    }

    /// A small pool: `let pool: sqlx::PgPool = db.pool().await?;`
    pub async fn pool<DB: sqlx::Database>(&self) -> Result<sqlx::Pool<DB>> {
        sqlx::pool::PoolOptions::<DB>::new()
            .max_connections(4)
            .connect(&self.url)
            .await
            .with_context(|| format!("cannot open a pool on {}", self.url))
    }

    /// Runs a script of `;`-separated statements on a fresh connection, as they are
    /// written (simple query protocol), so fixtures read like plain SQL files.
    pub async fn execute_script(&self, sql: &str) -> Result<()> {
        let context = || format!("fixture script failed on {}", self.name);
        match self.dialect {
            Dialect::Postgresql => {
                let mut conn: sqlx::PgConnection = self.connect().await?;
                sqlx::raw_sql(sql)
                    .execute(&mut conn)
                    .await
                    .with_context(context)?;
                conn.close().await.ok();
            }
            Dialect::Mysql => {
                let mut conn: sqlx::MySqlConnection = self.connect().await?;
                sqlx::raw_sql(sql)
                    .execute(&mut conn)
                    .await
                    .with_context(context)?;
                conn.close().await.ok();
            }
            Dialect::Sqlite => {
                let mut conn: sqlx::SqliteConnection = self.connect().await?;
                sqlx::raw_sql(sql)
                    .execute(&mut conn)
                    .await
                    .with_context(context)?;
                conn.close().await.ok();
            }
        }
        Ok(())
    }

    /// The first column of a query's rows, which must be text on every dialect (cast it in
    /// the SQL where it is not).
    pub async fn query_strings(&self, sql: &str) -> Result<Vec<String>> {
        let context = || format!("query failed on {}: {sql}", self.name);
        let rows = match self.dialect {
            Dialect::Postgresql => {
                let mut conn: sqlx::PgConnection = self.connect().await?;
                sqlx::query_scalar(sql).fetch_all(&mut conn).await
            }
            Dialect::Mysql => {
                let mut conn: sqlx::MySqlConnection = self.connect().await?;
                sqlx::query_scalar(sql).fetch_all(&mut conn).await
            }
            Dialect::Sqlite => {
                let mut conn: sqlx::SqliteConnection = self.connect().await?;
                sqlx::query_scalar(sql).fetch_all(&mut conn).await
            }
        };
        rows.with_context(context)
    }

    /// Drops the server-side database. Runs on its own thread with its own runtime, so it
    /// works from `Drop` inside or outside a tokio runtime.
    fn drop_database(&self) -> Result<()> {
        let (dialect, name, server_url) =
            (self.dialect, self.name.clone(), self.server_url.clone());
        let worker = std::thread::spawn(move || -> Result<()> {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async move {
                match dialect {
                    Dialect::Postgresql => {
                        let mut admin =
                            sqlx::PgConnection::connect(&format!("{server_url}/postgres")).await?;
                        let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                        admin.execute(sql.as_str()).await?;
                        admin.close().await.ok();
                    }
                    Dialect::Mysql => {
                        let mut admin = sqlx::MySqlConnection::connect(&server_url).await?;
                        let sql = format!("DROP DATABASE IF EXISTS `{name}`");
                        admin.execute(sql.as_str()).await?;
                        admin.close().await.ok();
                    }
                    Dialect::Sqlite => {}
                }
                Ok(())
            })
        });
        worker
            .join()
            .map_err(|_| anyhow::anyhow!("the thread dropping {} panicked", self.name))?
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if std::env::var_os("DGS_TEST_KEEP_DB").is_some() {
            eprintln!("keeping test database {} ({})", self.name, self.url);
            if let Some(dir) = self.dir.take() {
                let _ = dir.keep();
            }
            return;
        }
        if let Err(error) = self.drop_database() {
            eprintln!("could not drop test database {}: {error:#}", self.name);
        }
    }
}

/// Sets up `tracing` output for a test binary once (`RUST_LOG` picks the level; default
/// `warn`). Call it at the top of a test that you want to debug.
pub fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_test_writer()
        .try_init();
}

fn server_url(variable: &str, default: &str) -> String {
    std::env::var(variable)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_string())
        .trim_end_matches('/')
        .to_string()
}

/// Test threads are named after the test (`module::test_name`); the last segment makes
/// a leftover database say which test made it.
fn purpose_from_thread() -> String {
    let thread = std::thread::current();
    let name = thread.name().unwrap_or("test");
    let last = name.rsplit("::").next().unwrap_or(name);
    if last == "main" {
        "test".into()
    } else {
        last.to_string()
    }
}

/// `t_<purpose>_<pid>_<counter>_<nanos>`, lower-case ASCII, safe unquoted everywhere.
fn unique_name(purpose: &str) -> String {
    let mut clean: String = purpose
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    clean.truncate(MAX_PURPOSE_LEN);
    let counter = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("t_{clean}_{}_{counter}_{nanos}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_short() {
        let a = unique_name("a very Long purpose-with punctuation and more words");
        let b = unique_name("a very Long purpose-with punctuation and more words");
        assert_ne!(a, b);
        assert!(a.len() <= 63, "{a}");
        assert!(a.starts_with("t_a_very_long_purpose_with_pun"), "{a}");
        assert!(a
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'));
    }

    async fn pg_database_exists(name: &str) -> bool {
        let mut admin = sqlx::PgConnection::connect(&format!("{DEFAULT_POSTGRES_URL}/postgres"))
            .await
            .unwrap();
        let found: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
            .bind(name)
            .fetch_optional(&mut admin)
            .await
            .unwrap();
        found.is_some()
    }

    #[tokio::test]
    async fn postgres_database_is_dropped_even_with_open_connections() {
        let db = TestDb::postgres().await.unwrap();
        let name = db.name().to_string();
        assert!(name.starts_with("t_postgres_database_is_dropped"), "{name}");
        db.execute_script("CREATE TABLE a (id int); INSERT INTO a VALUES (1), (2);")
            .await
            .unwrap();
        let pool: sqlx::PgPool = db.pool().await.unwrap();
        let count: i64 = sqlx::query_scalar("SELECT count(*) FROM a")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(count, 2);
        assert!(pg_database_exists(&name).await);
        drop(db);
        assert!(!pg_database_exists(&name).await);
        pool.close().await;
    }

    #[test]
    fn drop_works_outside_a_runtime() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let db = runtime.block_on(TestDb::postgres()).unwrap();
        let name = db.name().to_string();
        drop(runtime);
        drop(db);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        assert!(!runtime.block_on(pg_database_exists(&name)));
    }

    #[tokio::test]
    async fn mysql_database_is_made_and_dropped() {
        let db = TestDb::mysql().await.unwrap();
        let name = db.name().to_string();
        db.execute_script("CREATE TABLE a (id int); INSERT INTO a VALUES (1), (2);")
            .await
            .unwrap();
        let mut conn: sqlx::MySqlConnection = db.connect().await.unwrap();
        let count: i64 = sqlx::query_scalar("SELECT count(*) FROM a")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(count, 2);
        drop(db);
        let left: Option<String> = sqlx::query_scalar(
            "SELECT schema_name FROM information_schema.schemata WHERE schema_name = ?",
        )
        .bind(&name)
        .fetch_optional(&mut conn)
        .await
        .unwrap();
        assert_eq!(left, None);
    }

    #[tokio::test]
    async fn sqlite_database_is_a_file_removed_on_drop() {
        let db = TestDb::sqlite().await.unwrap();
        db.execute_script("CREATE TABLE a (id int); INSERT INTO a VALUES (1);")
            .await
            .unwrap();
        let path = db.dir.as_ref().unwrap().path().to_path_buf();
        assert!(path.join(format!("{}.db", db.name())).exists());
        drop(db);
        assert!(!path.exists());
    }
}
