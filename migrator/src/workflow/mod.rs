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
mod error;
mod options;
mod report;

use std::path::{Path, PathBuf};

use schema_runtime::schema::Schema;

use crate::apply::{compose_parts, split_ops, ApplyOptions, Session};
use crate::change::Op;
use crate::compare::compare;
use crate::db::{Database, DbError, Wait};
use crate::filter::SchemaFilter;
use crate::revision::{self, NewRevision, RevisionFile, RevisionId, Target};

pub use backup::{Backup, BackupError};
pub use defaults::{describe as describe_database, ZERO_CONFIG_WAIT};
pub use embedded::run_models;
pub use env::EnvConfig;
pub use error::WorkflowError;
pub use options::{Embedded, Environment, Options};
pub use report::{
    Event, Outcome, Report, AUTO_SYNC_MESSAGE, IN_SYNC_MESSAGE, MERGE_MESSAGE,
    PARTIAL_SYNC_MESSAGE, PRODUCTION_DRIFT_MESSAGE,
};

/// The statements of the `blocked` drops, rendered against the schema `current` is in once
/// `applied` ran; empty where they cannot be rendered.
fn drop_sql(
    driver: &dyn crate::db::Driver,
    current: &Schema,
    applied: &[Op],
    blocked: &[Op],
) -> Vec<crate::dialect::Statement> {
    let after = match crate::replay::replay_for(driver.diff_hooks(), current, applied) {
        Ok(after) => after,
        Err(error) => {
            tracing::debug!(%error, "the blocked drops are shown without SQL");
            return Vec::new();
        }
    };
    match driver.plan(&after, blocked) {
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
        let driver = session.database().driver();
        if split.emitted.is_empty() {
            return Ok(if split.blocked.is_empty() {
                Outcome::InSync
            } else {
                Outcome::PartialSync {
                    file: None,
                    drop_sql: drop_sql(driver, &comparison.current, &[], &split.blocked),
                    blocked: split.blocked,
                }
            });
        }
        if !self.options.generates() {
            return Ok(Outcome::ProductionDrift {
                drop_sql: drop_sql(driver, &comparison.current, &split.emitted, &split.blocked),
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
        let parts = compose_parts(
            &comparison.current,
            &comparison.ops,
            driver,
            set.heads(),
            AUTO_SYNC_MESSAGE,
        )?;
        if parts.is_empty() {
            // split_ops found something to emit, so compose did too; stay defensive.
            return Ok(Outcome::PartialSync {
                file: None,
                drop_sql: Vec::new(),
                blocked: split.blocked,
            });
        }
        let current = session.current_heads().await?;
        self.ensure_backup(&current)?;
        // Usually one file; a revision of more locks than a transaction should take comes
        // in parts, each applied in a transaction of its own.
        let mut files = Vec::with_capacity(parts.len());
        for part in parts {
            let file = revision::write_new(&self.options.dir, RevisionFile::new(part.revision))?;
            (self.on_event)(&Event::Generated {
                path: file.path.clone(),
                ops: part.emitted,
            });
            files.push(file);
        }
        if let Err(error) = self.apply_generated(session).await {
            // A file never applied would fail every later run; the parts that committed stay.
            let applied = match revision::load(&self.options.dir) {
                Ok(set) => session.applied(&set).await.unwrap_or_default(),
                Err(_) => Default::default(),
            };
            let mut removed = None;
            for file in files.iter().filter(|f| !applied.contains(&f.revision)) {
                match std::fs::remove_file(&file.path) {
                    Ok(()) => removed = removed.or(Some(file.path.clone())),
                    Err(remove) => {
                        tracing::warn!(path = %file.path.display(), %remove, "could not remove the generated file");
                        return Err(error);
                    }
                }
            }
            return Err(match removed {
                Some(path) => WorkflowError::GeneratedFailed {
                    path,
                    source: Box::new(error),
                },
                None => error,
            });
        }
        let Some(file) = files.pop() else {
            return Ok(Outcome::InSync);
        };
        Ok(if split.blocked.is_empty() {
            Outcome::Synced { file: file.path }
        } else {
            Outcome::PartialSync {
                file: Some(file.path),
                drop_sql: drop_sql(driver, &comparison.current, &split.emitted, &split.blocked),
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
    let new_file = create && defaults::file_missing(url);
    match Database::connect(url, wait).await {
        Err(DbError::Refused { refusal, .. })
            if create && refusal.kind == crate::db::RefusalKind::UnknownDatabase =>
        {
            defaults::ensure_database(url, wait).await?;
            let db = Database::connect(url, wait).await?;
            Ok((db, Some(defaults::database_name(url))))
        }
        Err(DbError::Unreachable { waited, reason, .. }) if create => {
            let dialect = crate::Dialect::from_url(url).unwrap_or(crate::Dialect::Postgresql);
            let driver = crate::dialect::driver(dialect);
            Err(DbError::NoLocalServer {
                dialect,
                product: driver.product_name(),
                start_hint: driver.start_hint(),
                place: defaults::describe(url),
                waited,
                reason,
            })
        }
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
