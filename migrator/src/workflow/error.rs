//! Why the smart migrator failed.

use std::path::PathBuf;

use super::backup::BackupError;
use crate::apply::ApplyError;
use crate::db::DbError;
use crate::render::RenderError;
use crate::revision::{RevisionError, RevisionId};

/// Why the run failed.
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// `DGS_ENV` holds something else than development or production.
    #[error("DGS_ENV is `{0}`; set it to `development` or `production`")]
    UnknownEnvironment(String),
    /// `DGS_VERSION_TABLE` holds a name that cannot be a table's.
    #[error("DGS_VERSION_TABLE: {0}")]
    VersionTable(#[from] crate::db::VersionTableError),
    /// The models could not be collected for the database's dialect.
    #[error("the models cannot be migrated: {0}")]
    Models(String),
    /// Production without `DATABASE_URL`.
    #[error("DATABASE_URL is required in production (DGS_ENV=production)")]
    MissingDatabaseUrl,
    /// The database could not be reached or read.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The migration files are wrong.
    #[error(transparent)]
    Revisions(#[from] RevisionError),
    /// Applying (or locking) failed.
    #[error(transparent)]
    Apply(#[from] ApplyError),
    /// SQL could not be written for the drift.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The backup failed (and `--skip-backup` was not given).
    #[error("the pre-migration backup failed, so nothing was changed: {0}")]
    Backup(#[from] BackupError),
    /// The generated migration would fail on rows already in the database: nothing was
    /// written or applied.
    #[error(
        "the migration the models need would fail on rows already in the database, so \
         nothing was written or applied:{}",
        .0.iter().map(|p| format!("\n  - {p}")).collect::<String>()
    )]
    DataWouldFail(Vec<crate::preflight::DataProblem>),
    /// The generated revision failed to apply (the data changed after the checks); the file
    /// was removed again.
    #[error(
        "{source}\nThe generated file {} was removed again: it was never applied, so there \
         is nothing to commit. Fix the data or the model and run again.",
        path.display()
    )]
    GeneratedFailed {
        /// The file that was written and removed.
        path: PathBuf,
        /// Why applying it failed.
        source: Box<WorkflowError>,
    },
    /// Several heads in production: merging is a development task.
    #[error(
        "the migration history has {} heads ({}); in production the migrator does not merge \
         them: run `make migrate` in development (or `migrate merge`), commit the merge \
         revision, and redeploy",
        heads.len(),
        heads.iter().map(|h| h.as_str()).collect::<Vec<_>>().join(", ")
    )]
    MultipleHeadsInProduction {
        /// The heads.
        heads: Vec<RevisionId>,
    },
    /// A history written for another database kind.
    #[error(
        "the migrations in {dir} are written for {history}, but DATABASE_URL points at a \
         {database} database"
    )]
    DialectMismatch {
        /// The migrations folder.
        dir: String,
        /// The history's dialect.
        history: crate::Dialect,
        /// The database's dialect.
        database: crate::Dialect,
    },
}
