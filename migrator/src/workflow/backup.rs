//! Pre-migration backups: `pg_dump` in its custom format (restorable with `pg_restore`),
//! written to `DGS_BACKUP_DIR` with mode 0600 and named after the database, the time and
//! the current revision. The password reaches `pg_dump` through its environment, never its
//! command line, where any user of the machine could read it.

// A build without any database has nothing to back up; its helpers then go unused.
#![cfg_attr(
    not(any(feature = "postgres", feature = "mysql", feature = "sqlite")),
    allow(dead_code, unused_imports, unused_variables)
)]

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
#[cfg(any(feature = "postgres", feature = "mysql"))]
use std::process::{Command, Stdio};
#[cfg(feature = "sqlite")]
use std::str::FromStr;

#[cfg(any(feature = "postgres", feature = "mysql"))]
use crate::db::tls::RootCert;
#[cfg(feature = "mysql")]
use crate::db::tls::{TlsMode, TlsSettings};
use crate::dialect::Dialect;

/// Why a backup could not be made.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The backup folder could not be created or written.
    #[error("could not write the backup to {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// The dump tool is not installed.
    #[error(
        "`{tool}` was not found on PATH; install it (it comes with the PostgreSQL client \
         package) or pass --skip-backup to migrate without a backup"
    )]
    ToolMissing {
        /// The program name.
        tool: &'static str,
    },
    /// The dump tool ran and failed.
    #[error("`{tool}` failed ({status}): {stderr}")]
    ToolFailed {
        /// The program name.
        tool: &'static str,
        /// Its exit status.
        status: String,
        /// What it printed on stderr.
        stderr: String,
    },
    /// The URL could not be read for connection parameters.
    #[error("the database URL is not valid for a backup: {0}")]
    BadUrl(String),
    /// No backup method exists for the dialect yet.
    #[error("backups of {0} databases are not supported yet; pass --skip-backup")]
    Unsupported(Dialect),
}

/// A finished backup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backup {
    /// Where it was written.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
}

/// Backs up the database at `url` into `dir`, naming the file after `revision` (the
/// current head, or `base` for an empty history).
pub fn backup(url: &str, dir: &Path, revision: &str) -> Result<Backup, BackupError> {
    match Dialect::from_url(url) {
        #[cfg(feature = "postgres")]
        Some(Dialect::Postgresql) => pg_dump(url, dir, revision),
        #[cfg(feature = "mysql")]
        Some(Dialect::Mysql) => mysql_dump(url, dir, revision),
        #[cfg(feature = "sqlite")]
        Some(Dialect::Sqlite) => sqlite_vacuum_into(url, dir, revision),
        // A database this build leaves out (its connection fails before any backup).
        #[allow(unreachable_patterns)]
        Some(other) => Err(BackupError::Unsupported(other)),
        None => Err(BackupError::BadUrl("unknown scheme".into())),
    }
}

#[cfg(feature = "postgres")]
fn pg_dump(url: &str, dir: &Path, revision: &str) -> Result<Backup, BackupError> {
    let environment = pg_dump_environment(url)?;
    let database = environment
        .iter()
        .find(|(name, _)| *name == "PGDATABASE")
        .map_or_else(|| "postgres".to_owned(), |(_, value)| value.clone());
    let (pending, file) =
        Pending::create(dir, &file_name(&database, revision, chrono::Utc::now()))?;
    let mut command = Command::new("pg_dump");
    command
        .args(PG_DUMP_ARGS)
        .envs(environment)
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(Stdio::piped());
    let output = match command.output() {
        Ok(output) => output,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            pending.discard();
            return Err(BackupError::ToolMissing { tool: "pg_dump" });
        }
        Err(source) => return Err(pending.fail(source)),
    };
    if !output.status.success() {
        pending.discard();
        return Err(BackupError::ToolFailed {
            tool: "pg_dump",
            status: output.status.to_string(),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        });
    }
    pending.finish("pg_dump")
}

/// `pg_dump`'s arguments: everything about the connection goes through its environment.
#[cfg(feature = "postgres")]
const PG_DUMP_ARGS: [&str; 2] = ["--format=custom", "--no-password"];

/// The libpq variables that make `pg_dump` connect where the migrator did: host or socket
/// folder, port, user, database, the password from whichever form the URL holds it in, and
/// the TLS settings (mode, root, client certificate). What the URL does not say is left to
/// the variables the process already has, as the migrator's own connection left it.
#[cfg(feature = "postgres")]
pub fn pg_dump_environment(url: &str) -> Result<Vec<(&'static str, String)>, BackupError> {
    let (options, tls) = crate::dialect::postgres::connect::options(url)
        .map_err(|e| BackupError::BadUrl(e.to_string()))?;
    let host = match options.get_socket() {
        Some(socket) => socket.display().to_string(),
        None => options.get_host().to_owned(),
    };
    let mut environment = vec![
        ("PGHOST", host),
        ("PGPORT", options.get_port().to_string()),
        ("PGUSER", options.get_username().to_owned()),
        (
            "PGDATABASE",
            options.get_database().unwrap_or("postgres").to_owned(),
        ),
        ("PGAPPNAME", "migrate-backup".to_owned()),
        (
            "PGSSLMODE",
            tls.mode.spelling(Dialect::Postgresql).to_owned(),
        ),
    ];
    if let Some(password) = crate::db::password_of(url) {
        environment.push(("PGPASSWORD", password));
    }
    match &tls.root_cert {
        Some(RootCert::File(path)) => {
            environment.push(("PGSSLROOTCERT", path.display().to_string()))
        }
        Some(RootCert::System) => environment.push(("PGSSLROOTCERT", system_bundle())),
        None => {}
    }
    if let Some((cert, key)) = &tls.client_cert {
        environment.push(("PGSSLCERT", cert.display().to_string()));
        environment.push(("PGSSLKEY", key.display().to_string()));
    }
    if let Some(server_options) = options.get_options() {
        environment.push(("PGOPTIONS", server_options.to_owned()));
    }
    Ok(environment)
}

/// The system's CA bundle as a file, for `sslrootcert=system`: libpq before 16 reads
/// `system` as a file name, so the file is named where one is known.
#[cfg(feature = "postgres")]
fn system_bundle() -> String {
    let candidates = [
        std::env::var("SSL_CERT_FILE").ok(),
        Some("/etc/ssl/certs/ca-certificates.crt".to_owned()),
        Some("/etc/pki/tls/certs/ca-bundle.crt".to_owned()),
        Some("/etc/ssl/cert.pem".to_owned()),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|path| Path::new(path).exists())
        .unwrap_or_else(|| "system".to_owned())
}

/// MySQL / MariaDB: `mysqldump` (or `mariadb-dump`, where only that name is installed)
/// as one consistent snapshot (`--single-transaction`, InnoDB), routines and triggers
/// included, written as SQL text into a `.sql` file of mode 0600. The password goes
/// through `MYSQL_PWD`, never the command line.
#[cfg(feature = "mysql")]
fn mysql_dump(url: &str, dir: &Path, revision: &str) -> Result<Backup, BackupError> {
    let (options, tls) = crate::dialect::mysql::connect::options(url)
        .map_err(|e| BackupError::BadUrl(e.to_string()))?;
    let Some(database) = options.get_database().map(str::to_owned) else {
        return Err(BackupError::BadUrl(
            "a MySQL URL must name the database to back up".into(),
        ));
    };
    let name = file_name(&database, revision, chrono::Utc::now()).replace(".dump", ".sql");
    let mut last_missing = "mysqldump";
    for tool in ["mysqldump", "mariadb-dump"] {
        let (pending, file) = Pending::create(dir, &name)?;
        let mut command = Command::new(tool);
        command
            .args([
                "--single-transaction",
                "--routines",
                "--triggers",
                "--no-tablespaces",
            ])
            .args(mysql_place_args(&options))
            .arg(format!("--user={}", options.get_username()))
            .args(mysql_tls_args(&tls, is_mariadb_tool(tool)))
            .arg(&database)
            .env_remove("MYSQL_PWD")
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(Stdio::piped());
        if let Some(password) = crate::db::password_of(url) {
            command.env("MYSQL_PWD", password);
        }
        let output = match command.output() {
            Ok(output) => output,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                pending.discard();
                last_missing = tool;
                continue;
            }
            Err(source) => return Err(pending.fail(source)),
        };
        if !output.status.success() {
            pending.discard();
            return Err(BackupError::ToolFailed {
                tool,
                status: output.status.to_string(),
                stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
            });
        }
        return pending.finish(tool);
    }
    Err(BackupError::ToolMissing { tool: last_missing })
}

/// Where the dump tool connects: the socket the URL names, or TCP to its host and port
/// (`--protocol=TCP`, since the MySQL tools take `localhost` to mean the default socket,
/// which may be another server than the URL's port).
#[cfg(feature = "mysql")]
fn mysql_place_args(options: &sqlx::mysql::MySqlConnectOptions) -> Vec<String> {
    match options.get_socket() {
        Some(socket) => vec![format!("--socket={}", socket.display())],
        None => vec![
            "--protocol=TCP".to_owned(),
            format!("--host={}", options.get_host()),
            format!("--port={}", options.get_port()),
        ],
    }
}

/// Whether the dump tool is MariaDB's, whose TLS flags differ from MySQL's (`--ssl` and
/// `--ssl-verify-server-cert` where MySQL has `--ssl-mode`).
#[cfg(feature = "mysql")]
fn is_mariadb_tool(tool: &str) -> bool {
    tool.starts_with("mariadb")
        || Command::new(tool)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("MariaDB"))
}

/// The dump tool's TLS flags for the connection's settings.
#[cfg(feature = "mysql")]
pub fn mysql_tls_args(tls: &TlsSettings, mariadb: bool) -> Vec<String> {
    let mut args = Vec::new();
    if mariadb {
        match tls.mode {
            TlsMode::Disable => args.push("--skip-ssl".to_owned()),
            TlsMode::Allow | TlsMode::Prefer => {}
            TlsMode::Require | TlsMode::VerifyCa => args.push("--ssl".to_owned()),
            TlsMode::VerifyFull => {
                args.push("--ssl".to_owned());
                args.push("--ssl-verify-server-cert".to_owned());
            }
        }
    } else if tls.mode != TlsMode::Allow {
        args.push(format!("--ssl-mode={}", tls.mode.spelling(Dialect::Mysql)));
    }
    if tls.mode != TlsMode::Disable {
        if let Some(RootCert::File(path)) = &tls.root_cert {
            args.push(format!("--ssl-ca={}", path.display()));
        }
        if let Some((cert, key)) = &tls.client_cert {
            args.push(format!("--ssl-cert={}", cert.display()));
            args.push(format!("--ssl-key={}", key.display()));
        }
    }
    args
}

/// SQLite: `VACUUM INTO` a new file of mode 0600 named `<file stem>_<time>_<revision>.db`,
/// a consistent copy (one read transaction) that is itself an SQLite database, so
/// restoring is copying it back. No tool is needed: the statement runs on a connection of
/// its own, on a thread of its own with its own small runtime, since this function is
/// synchronous and may be called from inside an async runtime.
#[cfg(feature = "sqlite")]
fn sqlite_vacuum_into(url: &str, dir: &Path, revision: &str) -> Result<Backup, BackupError> {
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)
        .map_err(|e| BackupError::BadUrl(e.to_string()))?
        .create_if_missing(false);
    let database = options
        .get_filename()
        .file_stem()
        .map_or_else(|| "sqlite".to_owned(), |s| s.to_string_lossy().into_owned());
    let name = file_name(&database, revision, chrono::Utc::now()).replace(".dump", ".db");
    // VACUUM INTO accepts an empty file, so the file exists with its mode before any byte.
    let (pending, file) = Pending::create(dir, &name)?;
    drop(file);
    let target = pending.partial.to_string_lossy().replace('\'', "''");
    let vacuum = move || -> Result<(), String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        runtime.block_on(async move {
            use sqlx::{ConnectOptions, Connection};
            let mut conn = options.connect().await.map_err(|e| e.to_string())?;
            sqlx::Executor::execute(&mut conn, format!("VACUUM INTO '{target}'").as_str())
                .await
                .map_err(|e| e.to_string())?;
            conn.close().await.map_err(|e| e.to_string())
        })
    };
    let outcome = std::thread::spawn(vacuum)
        .join()
        .unwrap_or_else(|_| Err("the backup thread panicked".to_owned()));
    if let Err(stderr) = outcome {
        pending.discard();
        return Err(BackupError::ToolFailed {
            tool: "VACUUM INTO",
            status: "error".to_owned(),
            stderr,
        });
    }
    pending.finish("VACUUM INTO")
}

/// `<database>_<UTC time>_<revision>.dump`, e.g. `app_20261124T100000Z_3fa1c2d4e5b6.dump`.
pub fn file_name(database: &str, revision: &str, at: chrono::DateTime<chrono::Utc>) -> String {
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    format!(
        "{}_{}_{}.dump",
        safe(database),
        at.format("%Y%m%dT%H%M%SZ"),
        safe(revision)
    )
}

/// A backup being written: a private file under a hidden temporary name
/// (`.<name>.partial`), renamed to its final name only once complete, so a backup cut short
/// (a kill, a full disk) never passes for a finished one. The final name is never taken
/// twice: a second backup in the same second gets `_2` before its extension.
struct Pending {
    dir: PathBuf,
    name: String,
    partial: PathBuf,
}

impl Pending {
    fn create(dir: &Path, name: &str) -> Result<(Self, File), BackupError> {
        fs::create_dir_all(dir).map_err(|source| BackupError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let partial = dir.join(format!(".{name}.partial"));
        // A partial file of a run that was killed: nobody finishes it.
        let _ = fs::remove_file(&partial);
        let file = create_private(&partial)?;
        let pending = Self {
            dir: dir.to_path_buf(),
            name: name.to_owned(),
            partial,
        };
        Ok((pending, file))
    }

    fn discard(self) {
        let _ = fs::remove_file(&self.partial);
    }

    fn fail(self, source: io::Error) -> BackupError {
        let path = self.partial.clone();
        self.discard();
        BackupError::Io { path, source }
    }

    fn finish(self, tool: &str) -> Result<Backup, BackupError> {
        let path = self.free_name();
        if let Err(source) = fs::rename(&self.partial, &path) {
            return Err(self.fail(source));
        }
        let bytes = fs::metadata(&path)
            .map_err(|source| BackupError::Io {
                path: path.clone(),
                source,
            })?
            .len();
        tracing::info!(path = %path.display(), bytes, tool, "backup written");
        Ok(Backup { path, bytes })
    }

    /// The final name, or the first `<stem>_<n>.<ext>` not taken yet.
    fn free_name(&self) -> PathBuf {
        let first = self.dir.join(&self.name);
        if !first.exists() {
            return first;
        }
        let (stem, ext) = self.name.rsplit_once('.').unwrap_or((&self.name, ""));
        (2..)
            .map(|n| self.dir.join(format!("{stem}_{n}.{ext}")))
            .find(|path| !path.exists())
            .unwrap_or(first)
    }
}

/// Creates the file readable and writable by its owner only, before any byte is written.
fn create_private(path: &Path) -> Result<File, BackupError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map_err(|source| BackupError::Io {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "sqlite")]
    fn sqlite_backups_are_private_consistent_copies() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("app.db");
        let url = format!("sqlite://{}?mode=rwc", db.display());
        let setup = {
            let url = url.clone();
            move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async move {
                    use sqlx::Connection;
                    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
                    sqlx::raw_sql("CREATE TABLE t (x INT); INSERT INTO t VALUES (7);")
                        .execute(&mut conn)
                        .await
                        .unwrap();
                });
            }
        };
        std::thread::spawn(setup).join().unwrap();
        let backup = backup(&url, &dir.path().join("backups"), "3fa1c2d4e5b6").unwrap();
        let name = backup
            .path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            name.starts_with("app_") && name.ends_with("_3fa1c2d4e5b6.db"),
            "{name}"
        );
        assert!(backup.bytes > 0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&backup.path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn backups_never_share_a_name_and_never_look_finished_early() {
        let dir = tempfile::tempdir().unwrap();
        let (first, mut file) = Pending::create(dir.path(), "app_t_base.dump").unwrap();
        use std::io::Write;
        file.write_all(b"one").unwrap();
        assert!(
            !dir.path().join("app_t_base.dump").exists(),
            "unfinished: no final name"
        );
        let first = first.finish("test").unwrap();
        let (second, _) = Pending::create(dir.path(), "app_t_base.dump").unwrap();
        let second = second.finish("test").unwrap();
        assert_eq!(first.path, dir.path().join("app_t_base.dump"));
        assert_eq!(second.path, dir.path().join("app_t_base_2.dump"));
        assert_eq!(fs::read(&first.path).unwrap(), b"one");
        let left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".partial"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn names_carry_database_time_and_revision() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z")
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap();
        assert_eq!(
            file_name("app", "3fa1c2d4e5b6", at),
            "app_20261124T100000Z_3fa1c2d4e5b6.dump"
        );
        assert_eq!(
            file_name("a/b", "base", at),
            "a_b_20261124T100000Z_base.dump"
        );
    }

    #[test]
    #[cfg(feature = "postgres")]
    fn pg_dump_gets_the_password_and_tls_of_every_url_form() {
        let secret = "pw/with@odd:chars";
        let encoded = "pw%2Fwith%40odd%3Achars";
        for url in [
            format!("postgres://app:{encoded}@db:6432/shop?sslmode=require"),
            format!("postgres://app@db:6432/shop?password={encoded}&sslmode=require"),
        ] {
            let environment = pg_dump_environment(&url).unwrap();
            let get = |name: &str| {
                environment
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.as_str())
            };
            assert_eq!(get("PGPASSWORD"), Some(secret), "{url}");
            assert_eq!(get("PGSSLMODE"), Some("require"));
            assert_eq!(get("PGHOST"), Some("db"));
            assert_eq!(get("PGPORT"), Some("6432"));
            assert_eq!(get("PGDATABASE"), Some("shop"));
            assert!(!PG_DUMP_ARGS.iter().any(|arg| arg.contains("pw")));
        }
    }

    #[test]
    #[cfg(feature = "mysql")]
    fn mysql_dump_tools_get_their_own_tls_flags() {
        let tls = |url: &str| TlsSettings::from_url(Dialect::Mysql, url).unwrap();
        let required = tls("mysql://db/app?ssl-mode=REQUIRED");
        assert_eq!(mysql_tls_args(&required, true), vec!["--ssl"]);
        assert_eq!(
            mysql_tls_args(&required, false),
            vec!["--ssl-mode=REQUIRED"]
        );
        let disabled = tls("mysql://db/app?ssl-mode=DISABLED");
        assert_eq!(mysql_tls_args(&disabled, true), vec!["--skip-ssl"]);
        assert!(mysql_tls_args(&tls("mysql://db/app"), true).is_empty());
    }
}
