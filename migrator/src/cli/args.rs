//! The command line as clap sees it: global options and one struct per subcommand. The
//! help reads like Alembic's, so an Alembic user finds the commands where they expect.

use std::path::PathBuf;

use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};

use crate::db::history::DEFAULT_VERSION_TABLE;
use crate::db::HistoryTables;

/// The first line of `migrate --help`.
const ABOUT: &str = "Code-first schema migrations: compare the models with the database, write \
reviewed revision files, apply them safely.";

/// Printed after `migrate --help`: the exit codes scripts rely on.
const AFTER_HELP: &str = "\
With no command, runs the smart migrator: upgrade to head, then compare the models with the \
database and sync the drift (development) or refuse it (production).

Targets: a revision id or a unique prefix, head, heads, base, or a relative step such as -1, \
+2, head-1 or <revision>+1.

Exit codes: 0 success, 1 a migration is missing (check; blocked drops alone are a warning, 0), \
2 bad usage or input, 3 database unreachable, 4 migration failed, 5 production drift, \
6 backup failed, 7 the data cannot take the generated migration (nothing written).";

/// How results are printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    #[default]
    Human,
    /// For scripts: one JSON document on stdout.
    Json,
}

/// Code-first schema migrations: compare the models with the database, write reviewed
/// revision files, apply them safely.
#[derive(Debug, Parser)]
#[command(name = "migrate", version, about = ABOUT, long_about = None, after_help = AFTER_HELP)]
pub struct Args {
    /// Output format (json for current, heads, history, check, diff, upgrade, downgrade,
    /// ci-sync).
    #[arg(long, value_enum, global = true, default_value_t = Format::Human)]
    pub format: Format,

    /// More log output (repeat for more).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// The database to work on.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// The migrations folder (revision files live in its `versions/`).
    #[arg(long, global = true, default_value = "migrations")]
    pub dir: PathBuf,

    /// How long to wait for the database to answer, in seconds [default: 60; 2 for the
    /// zero-configuration development database].
    #[arg(long, global = true, value_name = "SECONDS")]
    pub wait_timeout: Option<u64>,

    /// How long to wait for another migrator's lock, in seconds.
    #[arg(long, global = true, default_value_t = 60, value_name = "SECONDS")]
    pub lock_timeout: u64,

    /// Also manage this namespace (PostgreSQL schema) besides `public` and those the models
    /// use; repeatable.
    #[arg(long = "namespace", global = true, value_name = "NAME")]
    pub namespaces: Vec<String>,

    /// Manage only tables matching this glob (`*`, `?`; `audit.*` for a namespace);
    /// repeatable. Default: every table.
    #[arg(long, global = true, value_name = "PATTERN")]
    pub include: Vec<String>,

    /// Leave tables matching this glob alone: never compared, created or dropped;
    /// repeatable. The migrator's own tables and other migration tools' history tables
    /// (schema_migrations, alembic_version, ...) are always left out.
    #[arg(long, global = true, value_name = "PATTERN")]
    pub exclude: Vec<String>,

    /// The migrator's version table; its log is NAME_log (and, on SQLite, its lock table
    /// NAME_lock).
    #[arg(
        long,
        global = true,
        env = "DGS_VERSION_TABLE",
        value_name = "NAME",
        default_value = DEFAULT_VERSION_TABLE
    )]
    pub version_table: HistoryTables,

    /// The smart migrator's flags (used when no subcommand is given).
    #[command(flatten)]
    pub migrate: MigrateArgs,

    /// The subcommand; none runs the smart migrator.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Upgrade to a later version.
    Upgrade(UpgradeArgs),
    /// Revert to a previous version.
    Downgrade(DowngradeArgs),
    /// Display the current revision for a database.
    Current,
    /// List revisions in chronological order, newest first.
    History(HistoryArgs),
    /// Show the heads of the revision history.
    Heads,
    /// Show the revision denoted by the given symbol.
    Show(ShowArgs),
    /// Create a new revision file (empty, or --autogenerate from the models).
    Revision(RevisionArgs),
    /// Merge several heads together with a new, empty revision file.
    Merge(MergeArgs),
    /// 'stamp' the version table with the given revision; don't run any migrations.
    Stamp(StampArgs),
    /// Adopt an existing database (--from-db): write models that declare it, a baseline
    /// revision that creates it, and stamp the database at the baseline.
    Init(InitArgs),
    /// Exit 1 when a migration is missing (the CI gate; drops that autogeneration blocks
    /// alone are a warning, exit 0); --summary writes the Markdown job summary.
    Check(CheckArgs),
    /// Show the operations and SQL that would bring the database in line with the models.
    Diff,
    /// Print the target schema collected from the models.
    Schema(SchemaArgs),
    /// CI after a merge: upgrade the database to the heads and commit the migration it
    /// lacks (one file, one commit) to the current git branch.
    #[command(after_help = CI_SYNC_AFTER_HELP)]
    CiSync(CiSyncArgs),
}

/// The default commit message of `migrate ci-sync`: `[skip ci]` keeps the pushed commit
/// from starting the workflows again.
pub const CI_SYNC_COMMIT_MESSAGE: &str = "chore: auto-generate migration [skip ci]";

/// Printed after `migrate ci-sync --help`.
const CI_SYNC_AFTER_HELP: &str = "\
Meant for a CI job on the main branch with a fresh database (post-merge-migration.yml): it \
upgrades the database to the heads of the history, compares it with the models, and:

  - in sync, one head: prints so, changes nothing, exit 0;
  - drift: writes migrations/versions/<rev>_auto_sync_schema.sql (destructive operations only \
as comments, as autogeneration always does) and applies it to the database, so that a file \
that does not run is removed instead of committed; then runs `git add` on that file and \
`git commit -m MESSAGE` with only that file, exit 0;
  - several heads and no drift: writes and commits a merge revision the same way, exit 0;
  - drift that is only drops autogeneration blocks: nothing can be generated; prints a \
warning with the blocked operations and the revision to write by hand, and exits 0, like the \
smart migrator's partial sync and the pull-request check.

It refuses (exit 2) outside a git work tree and when the index already holds staged changes, \
so it never commits anything but the file it wrote. Pushing is left to the caller.";

/// `migrate check`.
#[derive(Debug, Default, ClapArgs)]
pub struct CheckArgs {
    /// Append the Markdown job summary to FILE (created if missing), e.g.
    /// "$GITHUB_STEP_SUMMARY": the proposed migration and an analysis of its risks.
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
}

/// `migrate ci-sync`.
#[derive(Debug, ClapArgs)]
pub struct CiSyncArgs {
    /// Append the Markdown job summary to FILE (created if missing), e.g.
    /// "$GITHUB_STEP_SUMMARY".
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,

    /// The commit message.
    #[arg(short, long, default_value = CI_SYNC_COMMIT_MESSAGE)]
    pub message: String,
}

/// `migrate upgrade`.
#[derive(Debug, ClapArgs)]
pub struct UpgradeArgs {
    /// Where to go; with --sql, FROM:TO (FROM defaults to base).
    #[arg(default_value = "head", allow_negative_numbers = true)]
    pub target: String,

    /// Don't touch the database: print the SQL the upgrade would run.
    #[arg(long)]
    pub sql: bool,

    /// Record the new checksum of applied files that changed instead of refusing to run.
    #[arg(long)]
    pub accept_changed_checksums: bool,
}

/// `migrate downgrade`.
#[derive(Debug, ClapArgs)]
pub struct DowngradeArgs {
    /// Where to go back to (e.g. -1, base, a revision); with --sql, FROM:TO.
    #[arg(allow_negative_numbers = true)]
    pub target: String,

    /// Don't touch the database: print the SQL the downgrade would run.
    #[arg(long)]
    pub sql: bool,

    /// Record the new checksum of applied files that changed instead of refusing to run.
    #[arg(long)]
    pub accept_changed_checksums: bool,
}

/// `migrate history`.
#[derive(Debug, ClapArgs)]
pub struct HistoryArgs {
    /// Mark the revisions the database is at (reads the database).
    #[arg(short, long)]
    pub indicate_current: bool,
}

/// `migrate schema`.
#[derive(Debug, ClapArgs)]
pub struct SchemaArgs {
    /// The dialect whose variant of each model to show (`postgresql`, `mysql`, `sqlite`);
    /// default: the database URL's, else the history's, else postgresql.
    #[arg(long, value_parser = parse_dialect)]
    pub dialect: Option<crate::Dialect>,
}

fn parse_dialect(text: &str) -> Result<crate::Dialect, String> {
    crate::Dialect::from_name(text)
        .ok_or_else(|| format!("`{text}` is not a dialect; expected postgresql, mysql or sqlite"))
}

/// `migrate show`.
#[derive(Debug, ClapArgs)]
pub struct ShowArgs {
    /// The revision (id, unique prefix, or head).
    pub revision: String,
}

/// `migrate revision`.
#[derive(Debug, ClapArgs)]
pub struct RevisionArgs {
    /// What the revision does, in a few words.
    #[arg(short, long)]
    pub message: String,

    /// Fill the revision from the difference between the models and the database.
    #[arg(long)]
    pub autogenerate: bool,

    /// Use this revision id instead of a random one.
    #[arg(long, value_name = "ID")]
    pub rev_id: Option<String>,

    /// Write `transactional: false`: each statement commits on its own (needed for
    /// CREATE INDEX CONCURRENTLY).
    #[arg(long, conflicts_with = "autogenerate")]
    pub non_transactional: bool,
}

/// `migrate merge`.
#[derive(Debug, ClapArgs)]
pub struct MergeArgs {
    /// The revisions to merge (default: every head).
    pub revisions: Vec<String>,

    /// What the merge revision says.
    #[arg(short, long, default_value = "merge heads")]
    pub message: String,

    /// Use this revision id instead of a random one.
    #[arg(long, value_name = "ID")]
    pub rev_id: Option<String>,
}

/// `migrate init --from-db`.
#[derive(Debug, ClapArgs)]
pub struct InitArgs {
    /// Read the models from the database (the one source `init` has).
    #[arg(long, required = true)]
    pub from_db: bool,

    /// Write a new models crate in this directory (the default, as `models`).
    #[arg(long = "crate", value_name = "DIR", conflicts_with = "module")]
    pub crate_dir: Option<PathBuf>,

    /// Write the models as a module of an existing crate instead: this directory, with
    /// `mod.rs` and one file per table (with --single-file, the one file DIR.rs).
    #[arg(long, value_name = "DIR")]
    pub module: Option<PathBuf>,

    /// The new crate's package name (default: the directory's name).
    #[arg(long, value_name = "NAME", conflicts_with = "module")]
    pub crate_name: Option<String>,

    /// Every model in one file instead of one file per table.
    #[arg(long)]
    pub single_file: bool,

    /// Print what would be written; write nothing and stamp nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Overwrite model files that exist.
    #[arg(long)]
    pub force: bool,

    /// What the baseline revision says.
    #[arg(short, long, default_value = "baseline")]
    pub message: String,
}

/// `migrate stamp`.
#[derive(Debug, ClapArgs)]
pub struct StampArgs {
    /// The revision to record (id, prefix, head, heads, base, or a step such as -1).
    #[arg(allow_negative_numbers = true)]
    pub revision: String,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_definition_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn upgrade_defaults_to_head() {
        let args = Args::try_parse_from(["migrate", "upgrade"]).unwrap();
        match args.command {
            Some(Command::Upgrade(upgrade)) => {
                assert_eq!(upgrade.target, "head");
                assert!(!upgrade.sql);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn relative_steps_are_targets_not_flags() {
        let args = Args::try_parse_from(["migrate", "downgrade", "-1", "--sql"]).unwrap();
        match args.command {
            Some(Command::Downgrade(downgrade)) => {
                assert_eq!(downgrade.target, "-1");
                assert!(downgrade.sql);
            }
            other => panic!("{other:?}"),
        }
        assert!(Args::try_parse_from(["migrate", "stamp", "-2"]).is_ok());
    }

    #[test]
    fn check_takes_a_summary_file_and_ci_sync_a_message() {
        let args = Args::try_parse_from(["migrate", "check", "--summary", "out.md"]).unwrap();
        match args.command {
            Some(Command::Check(check)) => {
                assert_eq!(check.summary, Some(PathBuf::from("out.md")));
            }
            other => panic!("{other:?}"),
        }
        let args = Args::try_parse_from(["migrate", "ci-sync"]).unwrap();
        match args.command {
            Some(Command::CiSync(sync)) => {
                assert_eq!(sync.message, CI_SYNC_COMMIT_MESSAGE);
                assert_eq!(sync.summary, None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_version_table_is_validated_and_defaults_to_ours() {
        let args = Args::try_parse_from(["migrate", "current"]).unwrap();
        assert_eq!(args.version_table, HistoryTables::default());
        let args = Args::try_parse_from(["migrate", "current", "--version-table", "ops_versions"])
            .unwrap();
        assert_eq!(args.version_table.log(), "ops_versions_log");
        let error =
            Args::try_parse_from(["migrate", "--version-table", "x; drop", "current"]).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(
            error.to_string().contains("is not a plain identifier"),
            "{error}"
        );
    }

    #[test]
    fn downgrade_needs_a_target() {
        assert!(Args::try_parse_from(["migrate", "downgrade"]).is_err());
    }
}

/// The smart migrator's own flags.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct MigrateArgs {
    /// In production, generate and apply a migration for the drift instead of failing
    /// (emergency only: the DDL is not reviewed).
    #[arg(long)]
    pub force_sync_prod: bool,

    /// Back up before changing the database, in development too.
    #[arg(long, conflicts_with = "skip_backup")]
    pub backup: bool,

    /// Do not back up, even in production (not recommended).
    #[arg(long)]
    pub skip_backup: bool,
}
