//! `migrate` with no subcommand: the smart migrator of the migration guide. Resolves the
//! environment (`DGS_ENV`, `DATABASE_URL`, `DGS_BACKUP_DIR`, `DGS_VERSION_TABLE`, through
//! [`workflow::EnvConfig`] as an application migrating on boot does) and the flags into
//! [`workflow::Options`], runs the workflow, and prints what happened in the guide's words.

use super::args::MigrateArgs;
use std::path::Path;

use serde::Serialize;

use crate::change::Op;
use crate::workflow::{self, EnvConfig, Environment, Event, Outcome, Report, WorkflowError};
use crate::Statement;

use super::exit::{Code, Exit};
use super::{schema_cmd, App, Format, Output, Settings};

/// Runs the smart migrator.
pub async fn run(
    app: &App,
    settings: &Settings,
    args: &MigrateArgs,
    out: &Output,
) -> Result<Code, Exit> {
    // DGS_VERSION_TABLE was read by clap already, and `--version-table` wins over it.
    let mut config = EnvConfig::from_lookup(|name| {
        (name != workflow::env::VERSION_TABLE_VAR)
            .then(|| std::env::var(name).ok())
            .flatten()
    })
    .map_err(workflow_exit)?;
    // `--database-url` (or DATABASE_URL, which clap also reads) wins over the environment.
    if let Some(url) = settings
        .database_url
        .as_ref()
        .filter(|u| !u.trim().is_empty())
    {
        config.database_url = Some(url.clone());
    }
    let base = config
        .options(app.name, &settings.dir)
        .map_err(workflow_exit)?;
    let options = workflow::Options {
        force_sync_prod: args.force_sync_prod,
        backup: args.backup,
        skip_backup: args.skip_backup,
        wait: settings.wait(base.create_database),
        lock_timeout: settings.lock_timeout,
        filter: settings.filter.clone(),
        history_tables: settings.history_tables.clone(),
        embedded: (base.create_database
            && base.dialect() != Some(crate::workflow::Embedded::DIALECT))
        .then(|| workflow::Embedded::for_app(app.name, &settings.dir)),
        ..base
    };
    let dialect = options.dialect().unwrap_or(crate::Dialect::Postgresql);
    // Built before connecting, so that a mistake in the models is reported first.
    let target = schema_cmd::target_schema(app, dialect)?;
    let targets = |wanted: crate::Dialect| {
        if wanted == dialect {
            Ok(target.clone())
        } else {
            schema_cmd::target_schema(app, wanted).map_err(|e| format!("{:#}", e.error()))
        }
    };
    let human = out.format() == Format::Human;
    if human {
        out.line(format!(
            "migrate: {} environment, database {}",
            options.environment.name(),
            describe_database(&options)
        ));
    }
    let mut print_event = |event: &Event| {
        if human {
            print_event(event, out);
        }
    };
    let report = workflow::run_models(&targets, &options, &mut print_event)
        .await
        .map_err(workflow_exit)?;
    match out.format() {
        Format::Json => out.json(&JsonReport::new(&report))?,
        Format::Human => print_outcome(&report, out),
    }
    Ok(if report.outcome.is_success() {
        Code::Ok
    } else {
        Code::ProductionDrift
    })
}

/// The database in the banner: the URL given (password removed), or, for the
/// zero-configuration database, where it is (`app_development on /var/run/postgresql:5432
/// as root`), which its bare URL leaves to the environment.
fn describe_database(options: &workflow::Options) -> String {
    if options.create_database {
        crate::workflow::describe_database(&options.database_url)
    } else {
        crate::db::redact(&options.database_url)
    }
}

fn workflow_exit(error: WorkflowError) -> Exit {
    Exit::new(workflow_code(&error), error)
}

/// The exit code of a failed run; a generated file that failed takes its failure's.
fn workflow_code(error: &WorkflowError) -> Code {
    match error {
        WorkflowError::UnknownEnvironment(_) | WorkflowError::MissingDatabaseUrl => Code::Usage,
        WorkflowError::Db(e) => crate::apply::db_error_class(e).into(),
        WorkflowError::Apply(e) => e.class().into(),
        WorkflowError::Backup(_) => Code::BackupFailed,
        WorkflowError::DataWouldFail(_) => Code::DataWouldFail,
        WorkflowError::GeneratedFailed { source, .. } => workflow_code(source),
        _ => Code::Usage,
    }
}

fn print_event(event: &Event, out: &Output) {
    match event {
        Event::Connected { .. } => {}
        Event::ForcingProduction | Event::EmbeddedFallback { .. } => {
            out.line(out.yellow(&event.to_string()))
        }
        _ => out.line(format!("{} {event}", out.green("✓"))),
    }
}

fn print_outcome(report: &Report, out: &Output) {
    let headline = report.outcome.headline();
    let production = report.environment == Environment::Production;
    match &report.outcome {
        Outcome::InSync => {
            out.line(format!("{} {headline}", out.green("✓")));
            must_commit(report, None, production, out);
        }
        Outcome::Synced { file } => {
            out.line(format!("{} {headline}", out.green("✓")));
            must_commit(report, Some(file), production, out);
        }
        Outcome::PartialSync {
            file,
            blocked,
            drop_sql,
        } => {
            must_commit(report, file.as_deref(), production, out);
            out.line(out.yellow(headline));
            print_blocked(blocked, drop_sql, out);
        }
        Outcome::ProductionDrift {
            missing,
            blocked,
            drop_sql,
        } => {
            out.line(out.red(headline));
            out.line("A migration is missing for these operations (auto-generation is disabled in production):");
            for op in missing {
                out.line(format!("    {}", op.describe()));
                if relaxes_a_dropped_column(op, blocked) {
                    out.line(
                        "      (the models no longer write this NOT NULL column, which has no \
                         default: inserts fail until it is NULL-able)",
                    );
                }
            }
            out.line(
                "Fix: run `make migrate` in development, commit the generated file, and redeploy.",
            );
            out.line("Emergency only: rerun with --force-sync-prod to generate and apply it here.");
            if !blocked.is_empty() {
                print_blocked(blocked, drop_sql, out);
            }
        }
    }
}

/// True for the `DROP NOT NULL` that stands in for a blocked drop of the same column.
fn relaxes_a_dropped_column(op: &Op, blocked: &[Op]) -> bool {
    let Op::AlterColumn { table, to, .. } = op else {
        return false;
    };
    to.nullable
        && blocked.iter().any(|b| {
            matches!(b, Op::DropColumn { table: t, column } if t == table && column.name == to.name)
        })
}

/// The files this run wrote, which the next deploy needs: the merge revision, the
/// generated migration, or both. On a production server (`--force-sync-prod`) they must
/// travel back to the repository first.
fn must_commit(report: &Report, generated: Option<&Path>, production: bool, out: &Output) {
    if let (Some(embedded), Some(_)) = (&report.embedded, generated) {
        // The embedded database's revisions are for this machine: nothing to commit.
        out.info(format!(
            "The embedded database's revisions in {} are for this machine only: nothing to \
             commit. The history to commit is generated against PostgreSQL.",
            embedded.dir.join("versions").display()
        ));
        return;
    }
    let files: Vec<String> = report
        .merge
        .as_deref()
        .into_iter()
        .chain(generated)
        .map(|p| p.display().to_string())
        .collect();
    if files.is_empty() {
        return;
    }
    let what = if files.len() == 1 {
        "the new migration file"
    } else {
        "the new migration files"
    };
    let line = if production {
        format!(
            "Copy {what} into the repository and commit it, or the next deploy will not know \
             about it: {}",
            files.join(" ")
        )
    } else {
        format!("You MUST commit {what}: git add {}", files.join(" "))
    };
    out.line(out.bold(&line));
}

fn print_blocked(blocked: &[Op], drop_sql: &[Statement], out: &Output) {
    out.line("The safety rules blocked these destructive operations:");
    for op in blocked {
        out.line(format!("    {}", op.describe()));
    }
    out.line("The application is safe (it ignores what the models dropped), but the data stays.");
    out.line(if blocked.len() == 1 {
        "To drop it, write a migration by hand and commit it:"
    } else {
        "To drop them, write a migration by hand and commit it:"
    });
    out.line(format!(
        "    migrate revision -m {}",
        crate::apply::drop_message(blocked)
    ));
    if !drop_sql.is_empty() {
        out.line("  with, in its -- +up section:");
        for statement in drop_sql {
            // Pasted into a file, each statement needs its terminator.
            for line in format!("{};", statement.sql.trim_end_matches(';')).lines() {
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
    merge: Option<String>,
    generated: Option<String>,
    missing: Vec<String>,
    blocked: Vec<String>,
    /// The embedded SQLite file, when no local server answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    embedded: Option<String>,
}

impl<'a> JsonReport<'a> {
    fn new(report: &'a Report) -> Self {
        let describe = |ops: &[Op]| ops.iter().map(Op::describe).collect::<Vec<_>>();
        let (outcome, generated, missing, blocked) = match &report.outcome {
            Outcome::InSync => ("in_sync", None, vec![], vec![]),
            Outcome::Synced { file } => ("synced", Some(file), vec![], vec![]),
            Outcome::PartialSync { file, blocked, .. } => {
                ("partial_sync", file.as_ref(), vec![], describe(blocked))
            }
            Outcome::ProductionDrift {
                missing, blocked, ..
            } => (
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
            merge: report.merge.as_ref().map(|p| p.display().to_string()),
            generated: generated.map(|p| p.display().to_string()),
            missing,
            blocked,
            embedded: report
                .embedded
                .as_ref()
                .map(|e| e.file.display().to_string()),
        }
    }
}
