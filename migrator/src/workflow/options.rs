//! What the smart migrator is asked to do: the environment and the resolved options, and
//! the messages its revisions and outcomes carry.

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use super::error::WorkflowError;
use crate::db::{HistoryTables, Wait};
use crate::filter::SchemaFilter;

/// Where the migrator runs, from `DGS_ENV`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// Auto-sync: drift becomes a migration file, applied at once.
    #[default]
    Development,
    /// Strict: drift is an error unless `--force-sync-prod`.
    Production,
}

impl Environment {
    /// Reads `DGS_ENV`'s value: `development` (or `dev`, the default when unset or empty)
    /// or `production` (or `prod`). Anything else is an error rather than a guess, because
    /// guessing "development" on a production server would auto-generate DDL there.
    pub fn parse(value: Option<&str>) -> Result<Self, WorkflowError> {
        match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
            None | Some("") | Some("development") | Some("dev") => Ok(Self::Development),
            Some("production") | Some("prod") => Ok(Self::Production),
            Some(other) => Err(WorkflowError::UnknownEnvironment(other.to_string())),
        }
    }

    /// The name as `DGS_ENV` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Production => "production",
        }
    }
}

/// Everything the smart migrator needs to know, resolved from flags and environment.
#[derive(Clone, Debug)]
pub struct Options {
    /// Development or production.
    pub environment: Environment,
    /// The database.
    pub database_url: String,
    /// The migrations folder (revision files in its `versions/`).
    pub dir: PathBuf,
    /// Where backups go (`DGS_BACKUP_DIR`, default `./backups`).
    pub backup_dir: PathBuf,
    /// `--force-sync-prod`: generate and apply in production too.
    pub force_sync_prod: bool,
    /// `--backup`: back up in development too.
    pub backup: bool,
    /// `--skip-backup`: no backup, even in production.
    pub skip_backup: bool,
    /// How long to wait for the database.
    pub wait: Wait,
    /// How long to wait for another migrator's lock.
    pub lock_timeout: Duration,
    /// Which tables the migrator manages (the history tables of `history_tables` are left
    /// out whatever this filter was built with).
    pub filter: SchemaFilter,
    /// The history tables' names (`DGS_VERSION_TABLE`, default `dgs_schema_version`).
    pub history_tables: HistoryTables,
    /// Create the database when it does not exist (the zero-configuration default).
    pub create_database: bool,
    /// Where a zero-configuration run goes when no local server answers: an SQLite file and
    /// its own history folder (see [`run_models`](super::run_models)). `None` fails instead.
    pub embedded: Option<Embedded>,
}

impl Options {
    /// The dialect of the database URL, which decides which variant of each model is the
    /// target; `None` for a scheme no dialect reads (connecting reports it).
    pub fn dialect(&self) -> Option<crate::Dialect> {
        crate::Dialect::from_url(&self.database_url)
    }

    pub(super) fn wants_backup(&self) -> bool {
        !self.skip_backup && (self.environment == Environment::Production || self.backup)
    }

    pub(super) fn generates(&self) -> bool {
        self.environment == Environment::Development || self.force_sync_prod
    }
}

/// The embedded SQLite database a zero-configuration run falls back to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Embedded {
    /// The database file (`<app>_development.db`).
    pub file: PathBuf,
    /// Its migrations folder (revision files in its `versions/`), beside the committed one.
    pub dir: PathBuf,
}

impl Embedded {
    /// The kind of database the embedded default is: a file, no server.
    pub const DIALECT: crate::Dialect = crate::Dialect::Sqlite;

    /// The embedded database of `app` whose history lives in `<dir>/sqlite`, `dir` being
    /// the committed migrations folder.
    pub fn for_app(app: &str, dir: &std::path::Path) -> Self {
        Self {
            file: PathBuf::from(format!("{app}_development.db")),
            dir: dir.join("sqlite"),
        }
    }

    pub(super) fn url(&self) -> String {
        format!("sqlite://{}?mode=rwc", self.file.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn the_embedded_history_sits_beside_the_committed_one() {
        let embedded = Embedded::for_app("shop", std::path::Path::new("migrations"));
        assert_eq!(embedded.file, PathBuf::from("shop_development.db"));
        assert_eq!(embedded.dir, PathBuf::from("migrations/sqlite"));
        assert_eq!(embedded.url(), "sqlite://shop_development.db?mode=rwc");
    }
}
