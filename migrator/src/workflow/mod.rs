//! The smart migrator: what `migrate` does with no subcommand. It waits for the database,
//! backs up when asked to (always in production), takes the migration lock, upgrades to
//! head, then compares the models with the database and acts on the drift according to
//! the environment:
//!
//! - development: write `migrations/versions/<rev>_auto_sync_schema.sql` for the drift that
//!   can be applied without losing data, apply it, and say the file must be committed;
//! - production: fail with `CRITICAL: Database schema is out of sync in PRODUCTION` unless
//!   `--force-sync-prod`, which then behaves as development does;
//! - either: drift left only because drops are blocked is a partial sync, reported and
//!   accepted.
//!
//! Nothing is printed here: the run reports [`Event`]s as they happen and returns a
//! [`Report`]; the CLI (and an application migrating on boot, through [`migrate_on_boot`])
//! decides how they look. Their wording lives here, in [`Event`]'s `Display` and
//! [`Outcome::headline`], so both say the same thing.

pub mod backup;
pub mod defaults;
mod embedded;
pub mod env;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use schema_runtime::schema::Schema;
use serde::Serialize;

use crate::apply::{compose_from, split_ops, ApplyError, ApplyOptions, Session};
use crate::change::Op;
use crate::compare::compare;
use crate::db::{Database, DbError, HistoryTables, Wait};
use crate::filter::SchemaFilter;
use crate::render::RenderError;
use crate::revision::{self, NewRevision, RevisionError, RevisionFile, RevisionId, Target};

pub use backup::{Backup, BackupError};
pub use defaults::{describe as describe_database, ZERO_CONFIG_WAIT};
pub use embedded::{run_models, Embedded};
pub use env::EnvConfig;

/// The message of revisions the migrator writes for drift.
pub const AUTO_SYNC_MESSAGE: &str = "auto sync schema";

/// The message of merge revisions the migrator writes for several heads.
pub const MERGE_MESSAGE: &str = "merge heads";

/// What a run that leaves no drift says.
pub const IN_SYNC_MESSAGE: &str = "Database schema is in sync with the models.";

/// What a run that leaves only blocked drops says (the guide's wording).
pub const PARTIAL_SYNC_MESSAGE: &str = "⚠️ Partial sync complete. Schema drift persists.";

/// What a production run with uncovered drift says (the guide's wording).
pub const PRODUCTION_DRIFT_MESSAGE: &str = "CRITICAL: Database schema is out of sync in PRODUCTION";

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
    /// its own history folder (see [`run_models`]). `None` fails instead.
    pub embedded: Option<Embedded>,
}

impl Options {
    /// The dialect of the database URL, which decides which variant of each model is the
    /// target; `None` for a scheme no dialect reads (connecting reports it).
    pub fn dialect(&self) -> Option<crate::Dialect> {
        crate::Dialect::from_url(&self.database_url)
    }

    fn wants_backup(&self) -> bool {
        !self.skip_backup && (self.environment == Environment::Production || self.backup)
    }

    fn generates(&self) -> bool {
        self.environment == Environment::Development || self.force_sync_prod
    }
}

/// Something that happened during the run, reported as it happens.
#[derive(Clone, Debug)]
pub enum Event {
    /// Connected to the database.
    Connected {
        /// The database kind.
        dialect: crate::Dialect,
    },
    /// A backup was written.
    BackupWritten(Backup),
    /// Several heads were merged by a new merge revision.
    MergeWritten {
        /// The merge revision's file.
        path: PathBuf,
        /// The heads it merges.
        heads: Vec<RevisionId>,
    },
    /// Revisions were applied.
    Upgraded {
        /// The applied revisions, in order.
        revisions: Vec<RevisionId>,
    },
    /// A migration file was generated for the drift.
    Generated {
        /// The new file.
        path: PathBuf,
        /// The ops it applies.
        ops: Vec<Op>,
    },
    /// `--force-sync-prod` is about to change a production database without a reviewed file.
    ForcingProduction,
    /// The previous build's history tables were renamed to the configured ones.
    CarriedOver(crate::apply::CarriedOver),
    /// The zero-configuration database did not exist and was created.
    DatabaseCreated {
        /// Its name (for SQLite, the file).
        name: String,
    },
    /// No local server answered, so the run uses the embedded SQLite database.
    EmbeddedFallback {
        /// Where the server was looked for, and why it did not do.
        reason: String,
        /// The SQLite file and its history folder.
        embedded: Embedded,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Connected { dialect } => write!(f, "connected to the {dialect} database"),
            Self::BackupWritten(backup) => write!(
                f,
                "backup written to {} ({} bytes)",
                backup.path.display(),
                backup.bytes
            ),
            Self::MergeWritten { path, heads } => write!(
                f,
                "several heads ({}): wrote merge revision {}",
                join(heads),
                path.display()
            ),
            Self::Upgraded { revisions } => write!(
                f,
                "applied {} revision{}: {}",
                revisions.len(),
                plural(revisions.len()),
                join(revisions)
            ),
            Self::Generated { path, ops } => {
                write!(
                    f,
                    "schema drift found: generated {} with {} operation{}",
                    path.display(),
                    ops.len(),
                    plural(ops.len())
                )?;
                for op in ops {
                    write!(f, "\n    {}", op.describe())?;
                }
                Ok(())
            }
            Self::ForcingProduction => f.write_str(
                "WARNING: --force-sync-prod: generating and applying unreviewed DDL on PRODUCTION",
            ),
            Self::CarriedOver(carried) => carried.fmt(f),
            Self::DatabaseCreated { name } => {
                write!(f, "created the development database {name}")
            }
            Self::EmbeddedFallback { reason, embedded } => write!(
                f,
                "{reason}, so this run uses the embedded SQLite database {} (its own history \
                 in {}, for this machine only); to use PostgreSQL, start it or set DATABASE_URL",
                embedded.file.display(),
                embedded.dir.display()
            ),
        }
    }
}

fn join(ids: &[RevisionId]) -> String {
    ids.iter()
        .map(RevisionId::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// How the run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The database matches the models.
    InSync,
    /// Drift was generated into a file and applied; the file must be committed.
    Synced {
        /// The generated file.
        file: PathBuf,
    },
    /// Only drops the safety rules block are left (after an optional sync).
    PartialSync {
        /// The generated file, if non-destructive drift was also synced.
        file: Option<PathBuf>,
        /// The blocked drops.
        blocked: Vec<Op>,
        /// The statements a hand-written migration would run for them, rendered against the
        /// schema they start from (an SQLite drop can be a table rebuild); empty where they
        /// cannot be rendered.
        drop_sql: Vec<crate::dialect::Statement>,
    },
    /// Production with drift that a migration should have covered.
    ProductionDrift {
        /// The ops a migration is missing.
        missing: Vec<Op>,
        /// Drops that would be blocked anyway.
        blocked: Vec<Op>,
        /// The statements of those drops, as in [`Outcome::PartialSync`], rendered for after
        /// the missing migration.
        drop_sql: Vec<crate::dialect::Statement>,
    },
}

impl Outcome {
    /// The one line that says how the run ended, in the guide's words.
    pub fn headline(&self) -> &'static str {
        match self {
            Self::InSync | Self::Synced { .. } => IN_SYNC_MESSAGE,
            Self::PartialSync { .. } => PARTIAL_SYNC_MESSAGE,
            Self::ProductionDrift { .. } => PRODUCTION_DRIFT_MESSAGE,
        }
    }

    /// True when the database may be used: every outcome but production drift.
    pub fn is_success(&self) -> bool {
        !matches!(self, Self::ProductionDrift { .. })
    }
}

/// What the run did.
#[derive(Clone, Debug)]
pub struct Report {
    /// The environment it ran in.
    pub environment: Environment,
    /// The backup, if one was written.
    pub backup: Option<Backup>,
    /// The merge revision written for several heads (development), to be committed.
    pub merge: Option<PathBuf>,
    /// Every revision applied, the generated one included.
    pub applied: Vec<RevisionId>,
    /// How it ended.
    pub outcome: Outcome,
    /// Set when the run used the embedded SQLite database because no local server answered.
    pub embedded: Option<Embedded>,
}

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

/// The statements of the `blocked` drops, rendered against the schema `current` is in once
/// `applied` ran; empty where they cannot be rendered.
fn drop_sql(
    dialect: crate::Dialect,
    current: &Schema,
    applied: &[Op],
    blocked: &[Op],
) -> Vec<crate::dialect::Statement> {
    let after = match crate::diff::simulate_for(dialect, current, applied) {
        Ok(after) => after,
        Err(error) => {
            tracing::debug!(%error, "the blocked drops are shown without SQL");
            return Vec::new();
        }
    };
    match crate::render::plan(dialect, &after, blocked) {
        Ok(plan) => plan.up(),
        Err(error) => {
            tracing::debug!(%error, "the blocked drops are shown without SQL");
            Vec::new()
        }
    }
}

/// Runs the smart migrator against `target` (the models' schema).
pub async fn run(
    target: &Schema,
    options: &Options,
    on_event: &mut dyn FnMut(&Event),
) -> Result<Report, WorkflowError> {
    let db = open(options, on_event).await?;
    run_on(db, target, options, on_event).await
}

/// Connects as the options say, reporting a database it had to create.
async fn open(
    options: &Options,
    on_event: &mut dyn FnMut(&Event),
) -> Result<Database, WorkflowError> {
    let (db, created) = connect_creating(
        &options.database_url,
        &options.wait,
        options.create_database,
    )
    .await?;
    if let Some(name) = created {
        on_event(&Event::DatabaseCreated { name });
    }
    on_event(&Event::Connected {
        dialect: db.dialect(),
    });
    Ok(db)
}

/// Runs the smart migrator on an open connection.
async fn run_on(
    mut db: Database,
    target: &Schema,
    options: &Options,
    on_event: &mut dyn FnMut(&Event),
) -> Result<Report, WorkflowError> {
    // Refused before anything is touched; read again under the lock below, since another
    // migrator may have written and applied revisions while this one waited for it.
    let set = revision::load(&options.dir)?;
    check_dialect(&set, &db, &options.dir)?;
    // Deferred: the history tables appear with the first revision applied, so a run that
    // changes nothing (in sync, production drift, a failed backup) leaves no trace.
    let mut session = Session::begin_deferred(
        &mut db,
        ApplyOptions {
            lock_timeout: options.lock_timeout,
            accept_changed_checksums: false,
            history_tables: options.history_tables.clone(),
        },
    )
    .await?;
    if let Some(carried) = session.carried_over() {
        on_event(&Event::CarriedOver(carried.clone()));
    }
    let set = revision::load(&options.dir)?;
    let filter = options
        .filter
        .clone()
        .with_history_tables(&options.history_tables);
    let mut run = Run {
        options,
        filter: &filter,
        on_event,
        backup: None,
        merge: None,
        applied: Vec::new(),
    };
    let result = run.steps(&mut session, set, target).await;
    let finished = session.finish().await;
    // The run's own error says more than a failure to release the lock after it.
    let outcome = result?;
    finished?;
    Ok(Report {
        environment: options.environment,
        backup: run.backup,
        merge: run.merge,
        applied: run.applied,
        outcome,
        embedded: None,
    })
}

/// Runs the smart migrator as an application's boot does: the options come from the
/// environment exactly as the `migrate` binary reads it (`DGS_ENV`, `DATABASE_URL`,
/// `DGS_BACKUP_DIR`, `DGS_VERSION_TABLE`) with every flag at its default, for the migrations in `dir`.
/// `target` gives the models' schema on the database's dialect (usually
/// `schema_runtime::registry::collect`). The caller must refuse to start when the outcome
/// is not [`Outcome::is_success`].
pub async fn migrate_on_boot(
    app: &str,
    target: &dyn Fn(crate::Dialect) -> Result<Schema, String>,
    dir: &Path,
    on_event: &mut dyn FnMut(&Event),
) -> Result<Report, WorkflowError> {
    let options = EnvConfig::from_env()?.options(app, dir)?;
    let dialect = options.dialect().unwrap_or(crate::Dialect::Postgresql);
    let target = target(dialect).map_err(WorkflowError::Models)?;
    run(&target, &options, on_event).await
}

struct Run<'o, 'e> {
    options: &'o Options,
    filter: &'o SchemaFilter,
    on_event: &'e mut dyn FnMut(&Event),
    backup: Option<Backup>,
    merge: Option<PathBuf>,
    applied: Vec<RevisionId>,
}

impl Run<'_, '_> {
    async fn steps(
        &mut self,
        session: &mut Session<'_>,
        mut set: revision::RevisionSet,
        target: &Schema,
    ) -> Result<Outcome, WorkflowError> {
        let heads = set.heads();
        if heads.len() > 1 {
            if self.options.environment == Environment::Production {
                return Err(WorkflowError::MultipleHeadsInProduction { heads });
            }
            set = self.write_merge(&set, heads)?;
        }
        self.upgrade(session, &set).await?;

        let comparison = compare(session.database(), target, self.filter).await?;
        let split = split_ops(&comparison.ops);
        let dialect = session.database().dialect();
        if split.emitted.is_empty() {
            return Ok(if split.blocked.is_empty() {
                Outcome::InSync
            } else {
                Outcome::PartialSync {
                    file: None,
                    drop_sql: drop_sql(dialect, &comparison.current, &[], &split.blocked),
                    blocked: split.blocked,
                }
            });
        }
        if !self.options.generates() {
            return Ok(Outcome::ProductionDrift {
                drop_sql: drop_sql(dialect, &comparison.current, &split.emitted, &split.blocked),
                missing: split.emitted,
                blocked: split.blocked,
            });
        }
        // Rows the generated SQL would fail on stop the run before anything is written.
        let problems =
            crate::preflight::run(session.database(), &comparison.current, &split.emitted).await?;
        if !problems.is_empty() {
            return Err(WorkflowError::DataWouldFail(problems));
        }
        if self.options.environment == Environment::Production {
            (self.on_event)(&Event::ForcingProduction);
        }
        // Composed (which can fail to render) before the backup, and the backup taken
        // before the file is written: a failed backup leaves neither a change nor a file.
        let Some(composed) = compose_from(
            &comparison.current,
            &comparison.ops,
            dialect,
            set.heads(),
            AUTO_SYNC_MESSAGE,
        )?
        else {
            // split_ops found something to emit, so compose did too; stay defensive.
            return Ok(Outcome::PartialSync {
                file: None,
                drop_sql: Vec::new(),
                blocked: split.blocked,
            });
        };
        let current = session.current_heads().await?;
        self.ensure_backup(&current)?;
        let file = revision::write_new(&self.options.dir, RevisionFile::new(composed.revision))?;
        (self.on_event)(&Event::Generated {
            path: file.path.clone(),
            ops: composed.emitted,
        });
        if let Err(error) = self.apply_generated(session).await {
            // Never applied, never committed: a file left behind would fail every later run.
            return Err(match std::fs::remove_file(&file.path) {
                Ok(()) => WorkflowError::GeneratedFailed {
                    path: file.path,
                    source: Box::new(error),
                },
                Err(remove) => {
                    tracing::warn!(path = %file.path.display(), %remove, "could not remove the generated file");
                    error
                }
            });
        }
        Ok(if split.blocked.is_empty() {
            Outcome::Synced { file: file.path }
        } else {
            Outcome::PartialSync {
                file: Some(file.path),
                drop_sql: drop_sql(dialect, &comparison.current, &split.emitted, &split.blocked),
                blocked: split.blocked,
            }
        })
    }

    /// Applies the revision just written (with anything else pending).
    async fn apply_generated(&mut self, session: &mut Session<'_>) -> Result<(), WorkflowError> {
        let set = revision::load(&self.options.dir)?;
        self.upgrade(session, &set).await
    }

    /// Applies every pending revision, backing up first when a backup is due.
    async fn upgrade(
        &mut self,
        session: &mut Session<'_>,
        set: &revision::RevisionSet,
    ) -> Result<(), WorkflowError> {
        let applied = session.applied(set).await?;
        let pending = set.upgrade_plan(&applied, &Target::Heads)?;
        if pending.is_empty() {
            return Ok(());
        }
        let current = set.current_heads(&applied);
        self.ensure_backup(&current)?;
        let report = session.upgrade(set, &Target::Heads).await?;
        let revisions: Vec<RevisionId> = report.steps.iter().map(|s| s.revision.clone()).collect();
        (self.on_event)(&Event::Upgraded {
            revisions: revisions.clone(),
        });
        self.applied.extend(revisions);
        Ok(())
    }

    /// Backs up once per run, before the first change, when the options ask for it.
    fn ensure_backup(&mut self, current: &[RevisionId]) -> Result<(), WorkflowError> {
        if self.backup.is_some() || !self.options.wants_backup() {
            return Ok(());
        }
        let revision = match current {
            [] => "base".to_string(),
            heads => heads
                .iter()
                .map(|h| h.as_str())
                .collect::<Vec<_>>()
                .join("+"),
        };
        let backup = backup::backup(
            &self.options.database_url,
            &self.options.backup_dir,
            &revision,
        )?;
        (self.on_event)(&Event::BackupWritten(backup.clone()));
        self.backup = Some(backup);
        Ok(())
    }

    fn write_merge(
        &mut self,
        set: &revision::RevisionSet,
        heads: Vec<RevisionId>,
    ) -> Result<revision::RevisionSet, WorkflowError> {
        let dialect = set.dialect().unwrap_or(crate::Dialect::Postgresql);
        let new = NewRevision::new(MERGE_MESSAGE, dialect, heads.clone());
        let file = revision::write_new(&self.options.dir, RevisionFile::new(new))?;
        (self.on_event)(&Event::MergeWritten {
            path: file.path.clone(),
            heads,
        });
        self.merge = Some(file.path);
        Ok(revision::load(&self.options.dir)?)
    }
}

/// Connects, waiting for the server; with `create` (the zero-configuration development
/// database), a database that does not exist yet is created first, and a server that is
/// not running is reported as such, naming where we looked.
pub async fn connect(url: &str, wait: &Wait, create: bool) -> Result<Database, DbError> {
    connect_creating(url, wait, create).await.map(|(db, _)| db)
}

/// [`connect`], and the name of the database when this call created it.
pub async fn connect_creating(
    url: &str,
    wait: &Wait,
    create: bool,
) -> Result<(Database, Option<String>), DbError> {
    let new_file = create && defaults::sqlite_file_missing(url);
    match Database::connect(url, wait).await {
        Err(DbError::Refused { refusal, .. })
            if create && refusal.kind == crate::db::RefusalKind::UnknownDatabase =>
        {
            defaults::ensure_database(url, wait).await?;
            let db = Database::connect(url, wait).await?;
            Ok((db, Some(defaults::database_name(url))))
        }
        Err(DbError::Unreachable { waited, reason, .. }) if create => Err(DbError::NoLocalServer {
            dialect: crate::Dialect::from_url(url).unwrap_or(crate::Dialect::Postgresql),
            place: defaults::describe(url),
            waited,
            reason,
        }),
        Ok(db) => Ok((db, new_file.then(|| defaults::database_name(url)))),
        Err(other) => Err(other),
    }
}

fn check_dialect(
    set: &revision::RevisionSet,
    db: &Database,
    dir: &Path,
) -> Result<(), WorkflowError> {
    match set.dialect() {
        Some(history) if history != db.dialect() => Err(WorkflowError::DialectMismatch {
            dir: dir.display().to_string(),
            history,
            database: db.dialect(),
        }),
        _ => Ok(()),
    }
}
