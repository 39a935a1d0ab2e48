//! SQLite's backup: a consistent copy with `VACUUM INTO`, no tool needed.

use std::path::Path;
use std::str::FromStr;

use crate::db::backup::{file_name, Backup, BackupError, Pending};

/// Backs up into `dir`, naming the file after the database file, the time and `revision`.
pub fn backup(url: &str, dir: &Path, revision: &str) -> Result<Backup, BackupError> {
    sqlite_vacuum_into(url, dir, revision)
}

/// SQLite: `VACUUM INTO` a new file of mode 0600 named `<file stem>_<time>_<revision>.db`,
/// a consistent copy (one read transaction) that is itself an SQLite database, so
/// restoring is copying it back. No tool is needed: the statement runs on a connection of
/// its own, on a thread of its own with its own small runtime, since this function is
/// synchronous and may be called from inside an async runtime.
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

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    #[test]
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
}
