//! Backups, the part every database shares: what a backup is, why one failed, how its file
//! is named, and the private file it is written to under a temporary name. Each database's
//! way of making one (`pg_dump`, `mysqldump`, SQLite's `VACUUM INTO`) is in its folder
//! under `dialect/`, behind `Driver::backup`.

// A build without any database has nothing to back up, so nothing writes a file.
#![cfg_attr(
    not(any(feature = "postgres", feature = "mysql", feature = "sqlite")),
    allow(dead_code)
)]

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

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
pub(crate) struct Pending {
    dir: PathBuf,
    name: String,
    pub(crate) partial: PathBuf,
}

impl Pending {
    pub(crate) fn create(dir: &Path, name: &str) -> Result<(Self, File), BackupError> {
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

    pub(crate) fn discard(self) {
        let _ = fs::remove_file(&self.partial);
    }

    pub(crate) fn fail(self, source: io::Error) -> BackupError {
        let path = self.partial.clone();
        self.discard();
        BackupError::Io { path, source }
    }

    pub(crate) fn finish(self, tool: &str) -> Result<Backup, BackupError> {
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
pub(crate) fn create_private(path: &Path) -> Result<File, BackupError> {
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
}
