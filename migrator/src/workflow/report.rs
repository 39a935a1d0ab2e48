//! What the smart migrator tells its caller: the events of a run as they happen (worded
//! here, in their `Display`), its outcome and report, and why it failed.

use std::fmt;
use std::path::PathBuf;

use super::backup::Backup;
use super::options::{Embedded, Environment};
use crate::change::Op;
use crate::revision::RevisionId;

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
