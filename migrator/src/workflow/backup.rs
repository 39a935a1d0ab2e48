//! Pre-migration backups: `pg_dump` in its custom format (restorable with `pg_restore`),
//! written to `DGS_BACKUP_DIR` with mode 0600 and named after the database, the time and
//! the current revision. The password reaches `pg_dump` through its environment, never its
//! command line, where any user of the machine could read it.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;

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
        Some(Dialect::Postgresql) => pg_dump(url, dir, revision),
        Some(other) => Err(BackupError::Unsupported(other)),
        None => Err(BackupError::BadUrl("unknown scheme".into())),
    }
}

fn pg_dump(url: &str, dir: &Path, revision: &str) -> Result<Backup, BackupError> {
    let options =
        PgConnectOptions::from_str(url).map_err(|e| BackupError::BadUrl(e.to_string()))?;
    let database = options.get_database().unwrap_or("postgres").to_string();
    fs::create_dir_all(dir).map_err(|source| BackupError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let path = dir.join(file_name(&database, revision, chrono::Utc::now()));
    let file = create_private(&path)?;
    let mut command = Command::new("pg_dump");
    command
        .args(["--format=custom", "--no-password"])
        .env("PGHOST", options.get_host())
        .env("PGPORT", options.get_port().to_string())
        .env("PGUSER", options.get_username())
        .env("PGDATABASE", &database)
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(Stdio::piped());
    if let Some(password) = password_of(url) {
        command.env("PGPASSWORD", password);
    }
    let output = match command.output() {
        Ok(output) => output,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let _ = fs::remove_file(&path);
            return Err(BackupError::ToolMissing { tool: "pg_dump" });
        }
        Err(source) => {
            let _ = fs::remove_file(&path);
            return Err(BackupError::Io { path, source });
        }
    };
    if !output.status.success() {
        let _ = fs::remove_file(&path);
        return Err(BackupError::ToolFailed {
            tool: "pg_dump",
            status: output.status.to_string(),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        });
    }
    let bytes = fs::metadata(&path)
        .map_err(|source| BackupError::Io {
            path: path.clone(),
            source,
        })?
        .len();
    tracing::info!(path = %path.display(), bytes, "backup written");
    Ok(Backup { path, bytes })
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

/// The password part of a URL, percent-decoded, if any.
fn password_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split('/').next()?;
    let userinfo = authority.rsplit_once('@')?.0;
    let password = userinfo.split_once(':')?.1;
    Some(percent_decode(password))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn passwords_are_read_and_decoded() {
        assert_eq!(
            password_of("postgres://app:p%40ss@db/app").as_deref(),
            Some("p@ss")
        );
        assert_eq!(password_of("postgres://app@db/app"), None);
        assert_eq!(password_of("postgres:///app"), None);
    }
}
