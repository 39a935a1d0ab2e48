//! `migrate` with no subcommand: the smart migrator of the migration guide. Resolves the
//! environment (`DGS_ENV`, `DATABASE_URL`, `DGS_BACKUP_DIR`) and the flags into
//! [`workflow::Options`], runs the workflow, and prints what happened in the guide's words.

use std::path::PathBuf;

use serde::Serialize;

use crate::change::Op;
use crate::filter::SchemaFilter;
use crate::render::render;
use crate::workflow::{self, Environment, Event, Outcome, Report, WorkflowError};

use super::exit::{Code, Exit};
use super::{schema_cmd, App, Format, Output, Settings};

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

/// Runs the smart migrator.
pub async fn run(
    app: &App,
    settings: &Settings,
    args: &MigrateArgs,
    out: &Output,
) -> Result<Code, Exit> {
    let environment = Environment::parse(std::env::var("DGS_ENV").ok().as_deref())
        .map_err(|e| Exit::new(Code::Usage, e))?;
    let target = schema_cmd::target_schema(app)?;
    let (database_url, create_database) = database_url(app, settings, environment)?;
    let options = workflow::Options {
        environment,
        database_url,
        dir: settings.dir.clone(),
        backup_dir: std::env::var_os("DGS_BACKUP_DIR")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("backups")),
        force_sync_prod: args.force_sync_prod,
        backup: args.backup,
        skip_backup: args.skip_backup,
        wait: settings.wait,
        lock_timeout: settings.lock_timeout,
        filter: SchemaFilter::default(),
        create_database,
    };
    let human = out.format() == Format::Human;
    if human {
        out.line(format!(
            "migrate: {} environment, database {}",
            environment.name(),
            crate::db::redact(&options.database_url)
        ));
    }
    let mut print_event = |event: &Event| {
        if human {
            print_event(event, out);
        }
    };
    let report = workflow::run(&target, &options, &mut print_event)
        .await
        .map_err(workflow_exit)?;
    let dialect =
        crate::Dialect::from_url(&options.database_url).unwrap_or(crate::Dialect::Postgresql);
    match out.format() {
        Format::Json => out.json(&JsonReport::new(&report))?,
        Format::Human => print_outcome(&report.outcome, dialect, out),
    }
    Ok(match report.outcome {
        Outcome::ProductionDrift { .. } => Code::ProductionDrift,
        _ => Code::Ok,
    })
}

/// The database to use: the configured one, or in development the zero-configuration
/// default (created if missing). Production never guesses.
fn database_url(
    app: &App,
    settings: &Settings,
    environment: Environment,
) -> Result<(String, bool), Exit> {
    if let Some(url) = &settings.database_url {
        return Ok((url.clone(), false));
    }
    if environment == Environment::Production {
        return Err(Exit::usage(
            "DATABASE_URL is required in production (DGS_ENV=production)",
        ));
    }
    let dialect = crate::revision::load(&settings.dir)
        .ok()
        .and_then(|set| set.dialect())
        .unwrap_or(crate::Dialect::Postgresql);
    Ok((workflow::defaults::development_url(app.name, dialect), true))
}

fn workflow_exit(error: WorkflowError) -> Exit {
    match error {
        WorkflowError::Db(e) => super::db_exit(e),
        WorkflowError::Apply(e) => Exit::from(e),
        WorkflowError::Revisions(e) => Exit::from(e),
        e @ WorkflowError::Backup(_) => Exit::new(Code::BackupFailed, e),
        e => Exit::new(Code::Usage, e),
    }
}

fn print_event(event: &Event, out: &Output) {
    match event {
        Event::Connected { .. } => {}
        Event::BackupWritten(backup) => out.line(format!(
            "{} backup written to {} ({} bytes)",
            out.green("✓"),
            backup.path.display(),
            backup.bytes
        )),
        Event::MergeWritten { path, heads } => out.line(format!(
            "{} several heads ({}): wrote merge revision {}",
            out.green("✓"),
            heads
                .iter()
                .map(|h| h.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            path.display()
        )),
        Event::Upgraded { revisions } => out.line(format!(
            "{} applied {} revision{}: {}",
            out.green("✓"),
            revisions.len(),
            if revisions.len() == 1 { "" } else { "s" },
            revisions
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Event::Generated { path, ops } => {
            out.line(format!(
                "{} schema drift found: generated {} with {} operation{}",
                out.green("✓"),
                path.display(),
                ops.len(),
                if ops.len() == 1 { "" } else { "s" }
            ));
            for op in ops {
                out.line(format!("    {}", op.describe()));
            }
        }
        Event::ForcingProduction => out.line(out.yellow(
            "WARNING: --force-sync-prod: generating and applying unreviewed DDL on PRODUCTION",
        )),
    }
}

fn print_outcome(outcome: &Outcome, dialect: crate::Dialect, out: &Output) {
    match outcome {
        Outcome::InSync => out.line(format!(
            "{} Database schema is in sync with the models.",
            out.green("✓")
        )),
        Outcome::Synced { file } => {
            out.line(format!(
                "{} Database schema is in sync with the models.",
                out.green("✓")
            ));
            must_commit(file, out);
        }
        Outcome::PartialSync { file, blocked } => {
            if let Some(file) = file {
                must_commit(file, out);
            }
            out.line(out.yellow("⚠️ Partial sync complete. Schema drift persists."));
            print_blocked(blocked, dialect, out);
        }
        Outcome::ProductionDrift { missing, blocked } => {
            out.line(out.red("CRITICAL: Database schema is out of sync in PRODUCTION"));
            out.line("A migration is missing for these operations (auto-generation is disabled in production):");
            for op in missing {
                out.line(format!("    {}", op.describe()));
            }
            out.line(
                "Fix: run `make migrate` in development, commit the generated file, and redeploy.",
            );
            out.line("Emergency only: rerun with --force-sync-prod to generate and apply it here.");
            if !blocked.is_empty() {
                print_blocked(blocked, dialect, out);
            }
        }
    }
}

fn must_commit(file: &std::path::Path, out: &Output) {
    out.line(out.bold(&format!(
        "You MUST commit the new migration file: git add {}",
        file.display()
    )));
}

fn print_blocked(blocked: &[Op], dialect: crate::Dialect, out: &Output) {
    out.line("The safety rules blocked these destructive operations:");
    for op in blocked {
        out.line(format!("    {}", op.describe()));
    }
    out.line("The application is safe (it ignores what the models dropped), but the data stays.");
    out.line("To drop it, write a migration by hand and commit it:");
    out.line("    migrate revision -m \"drop_legacy_column\"");
    if let Ok(statements) = render(dialect, blocked) {
        out.line("  with, in its -- +up section:");
        for statement in statements {
            for line in statement.sql.lines() {
                out.line(format!("    {line}"));
            }
        }
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    environment: Environment,
    backup: Option<String>,
    applied: Vec<&'a str>,
    outcome: &'static str,
    generated: Option<String>,
    missing: Vec<String>,
    blocked: Vec<String>,
}

impl<'a> JsonReport<'a> {
    fn new(report: &'a Report) -> Self {
        let describe = |ops: &[Op]| ops.iter().map(Op::describe).collect::<Vec<_>>();
        let (outcome, generated, missing, blocked) = match &report.outcome {
            Outcome::InSync => ("in_sync", None, vec![], vec![]),
            Outcome::Synced { file } => ("synced", Some(file), vec![], vec![]),
            Outcome::PartialSync { file, blocked } => {
                ("partial_sync", file.as_ref(), vec![], describe(blocked))
            }
            Outcome::ProductionDrift { missing, blocked } => (
                "production_drift",
                None,
                describe(missing),
                describe(blocked),
            ),
        };
        Self {
            environment: report.environment,
            backup: report.backup.as_ref().map(|b| b.path.display().to_string()),
            applied: report.applied.iter().map(|r| r.as_str()).collect(),
            outcome,
            generated: generated.map(|p| p.display().to_string()),
            missing,
            blocked,
        }
    }
}
