//! Pre-migration backups, written to `DGS_BACKUP_DIR` with mode 0600 and named after the
//! database, the time and the current revision: `pg_dump` in its custom format on
//! PostgreSQL, `mysqldump` on MySQL and MariaDB, `VACUUM INTO` on SQLite (each in its
//! dialect folder; the shared part in `db::backup`).

use std::path::Path;

pub use crate::db::backup::{file_name, Backup, BackupError};
use crate::dialect::Dialect;

/// Backs up the database at `url` into `dir`, naming the file after `revision` (the
/// current head, or `base` for an empty history).
pub fn backup(url: &str, dir: &Path, revision: &str) -> Result<Backup, BackupError> {
    match Dialect::from_url(url) {
        Some(dialect) => crate::dialect::driver(dialect).backup(url, dir, revision),
        None => Err(BackupError::BadUrl("unknown scheme".into())),
    }
}
