//! `migrate diff` and `migrate check`: compare the models with the database and show the
//! operations (each with its verdict: risk, applied or blocked) and the SQL that would
//! bring the database in line. `check` is the CI gate: exit 1 when a migration is missing
//! (drift that autogeneration would write); drift left only in drops it blocks is a
//! partial sync, a warning with the revision to write by hand, and exit 0. With `--summary
//! FILE` it also appends the Markdown job summary (the proposed migration file and its
//! analysis) to FILE.

use serde::Serialize;

use crate::apply::{compose_from, hand_written, read_heads, split_ops, HandWritten, Split};
use crate::change::Op;
use crate::compare::{compare_owned, Comparison};
use crate::db::Database;
use crate::diff::Unmanaged;
use crate::plan::Plan;
use crate::revision::{RevisionFile, RevisionId};
use crate::safety::{Action, Risk};
use crate::summary::{self, PARTIAL_SYNC_WARNING};
use crate::workflow::AUTO_SYNC_MESSAGE;

use super::exit::{Code, Exit};
use super::{ci_cmd, schema_cmd, App, CheckArgs, Format, Output, Settings};

/// One op as reported to people and scripts.
#[derive(Debug, Serialize)]
struct ReportedOp<'a> {
    description: String,
    risk: Risk,
    /// `apply` or `block`: what autogeneration does with it.
    action: &'static str,
    /// The words every command shows next to the op.
    label: String,
    why: String,
    sql: Vec<String>,
    op: &'a Op,
}

/// The revision to write by hand for the blocked ops, as JSON shows it.
#[derive(Debug, Serialize)]
struct ReportedHandWritten<'a> {
    message: &'a str,
    command: String,
    sql: &'a [String],
}

#[derive(Debug, Serialize)]
struct Report<'a> {
    in_sync: bool,
    /// True when autogeneration would write a migration for the drift: `check` exits 1.
    missing_migration: bool,
    dialect: &'static str,
    ops: Vec<ReportedOp<'a>>,
    /// The ops autogeneration blocks, described as in `ops`.
    blocked: Vec<String>,
    /// The revision that runs the blocked ops, written by hand.
    hand_written: Option<ReportedHandWritten<'a>>,
    /// What the database holds that the models cannot state, left as it is.
    unmanaged: &'a [Unmanaged],
}

/// What the comparison means for autogeneration: what it would write, the revision to
/// write by hand for what it blocks, and the plan of every op the listings, the SQL shown
/// and the job summary's analysis all read.
struct Drift<'c> {
    comparison: &'c Comparison,
    split: Split,
    clear: Option<HandWritten>,
    plan: Plan,
}

impl<'c> Drift<'c> {
    fn new(comparison: &'c Comparison, driver: &dyn crate::db::Driver) -> Result<Self, Exit> {
        let split = split_ops(&comparison.ops);
        let clear = if split.blocked.is_empty() {
            None
        } else {
            Some(
                hand_written(driver, &comparison.current, &split.emitted, &split.blocked)
                    .map_err(|e| Exit::new(Code::Usage, e))?,
            )
        };
        let plan = driver
            .plan(&comparison.current, &comparison.ops)
            .map_err(|e| Exit::new(Code::Usage, e))?;
        Ok(Self {
            comparison,
            split,
            clear,
            plan,
        })
    }

    /// True when `make migrate` would write a file: what `check` fails on.
    fn missing_migration(&self) -> bool {
        !self.split.emitted.is_empty()
    }
}

/// Runs `diff` (`check` is `None`: exit 0 whatever it finds) or `check` (exit 1 when a
/// migration is missing).
pub async fn run(
    app: &App,
    settings: &Settings,
    out: &Output,
    check: Option<&CheckArgs>,
) -> Result<Code, Exit> {
    let target = schema_cmd::target_schema(app, settings.dialect())?;
    let mut db = settings.connect().await?;
    // Another tool's table under the version table's name is reported here too, before
    // the comparison, which would only leave it out.
    db.history_status(&settings.history_tables)
        .await
        .map_err(super::db_exit)?;
    let comparison = compare_owned(&mut db, target, &settings.filter)
        .await
        .map_err(super::db_exit)?;
    let drift = Drift::new(&comparison, db.driver())?;
    let report = report(&drift, db.driver());
    match out.format() {
        Format::Json => out.json(&report)?,
        Format::Human => print_human(&report, &drift, out),
    }
    if let Some(path) = check.and_then(|c| c.summary.as_deref()) {
        let text = check_summary(settings, &mut db, &drift).await?;
        ci_cmd::append_summary(path, &text)?;
        if out.format() == Format::Human {
            out.info(format!("Job summary appended to {}.", path.display()));
        }
    }
    let code = if check.is_some() && drift.missing_migration() {
        Code::Drift
    } else {
        Code::Ok
    };
    drop(drift);
    // The process exits next, which frees both schemas at once; dropping thousands of
    // tables piece by piece first cost a tenth of a 1,000-table check.
    std::mem::forget(comparison);
    Ok(code)
}

/// The job summary of `check`: the file autogeneration would write after the history's
/// heads (composed, never written), with a note when the database is not at those heads.
async fn check_summary(
    settings: &Settings,
    db: &mut Database,
    drift: &Drift<'_>,
) -> Result<String, Exit> {
    let comparison = drift.comparison;
    let set = settings.load()?;
    let heads = set.heads();
    let mut recorded = read_heads(db, &settings.history_tables).await?;
    recorded.sort();
    let mut expected = heads.clone();
    expected.sort();
    let mut text = String::new();
    if recorded != expected {
        text.push_str(&summary::not_at_heads(&names(&recorded), &names(&expected)));
    }
    let proposed = compose_from(
        &comparison.current,
        &comparison.ops,
        db.driver(),
        heads,
        AUTO_SYNC_MESSAGE,
    )
    .map_err(|e| Exit::new(Code::Usage, e))?
    .map(|composed| RevisionFile::new(composed.revision));
    let proposed = proposed
        .as_ref()
        .map(|file| (file.file_name(), file.render()));
    text.push_str(&summary::markdown(
        db.driver().diff_hooks(),
        &drift.plan.sources(),
        proposed
            .as_ref()
            .map(|(name, body)| (name.as_str(), body.as_str())),
        drift.clear.as_ref(),
    ));
    Ok(text)
}

fn names(ids: &[RevisionId]) -> Vec<String> {
    ids.iter().map(|id| id.as_str().to_string()).collect()
}

fn report<'a>(drift: &'a Drift<'_>, driver: &dyn crate::db::Driver) -> Report<'a> {
    let hooks = driver.diff_hooks();
    let ops = drift
        .plan
        .changes()
        .iter()
        .zip(drift.plan.verdicts(hooks))
        .map(|(change, verdict)| ReportedOp {
            description: change.source.describe(),
            risk: verdict.risk,
            action: verdict.action.as_str(),
            label: verdict.label(),
            why: verdict.why,
            sql: change.cmd.iter().map(|s| s.sql.clone()).collect(),
            op: &change.source,
        })
        .collect();
    Report {
        in_sync: drift.comparison.in_sync(),
        missing_migration: drift.missing_migration(),
        dialect: driver.dialect().name(),
        ops,
        blocked: drift.split.blocked.iter().map(Op::describe).collect(),
        hand_written: drift.clear.as_ref().map(|clear| ReportedHandWritten {
            message: &clear.message,
            command: clear.command(),
            sql: &clear.sql,
        }),
        unmanaged: &drift.comparison.unmanaged,
    }
}

fn print_human(report: &Report<'_>, drift: &Drift<'_>, out: &Output) {
    print_unmanaged(report.unmanaged, out);
    if report.in_sync {
        out.line(out.green("The database matches the models: no drift."));
        return;
    }
    let count = report.ops.len();
    out.line(format!(
        "{} operation{} would bring the database in line with the models:",
        count,
        if count == 1 { "" } else { "s" }
    ));
    out.line("");
    let width = report
        .ops
        .iter()
        .map(|o| o.description.len())
        .max()
        .unwrap_or(0);
    for op in &report.ops {
        let label = if op.action != Action::Apply.as_str() {
            out.red(&op.label)
        } else if op.risk == Risk::Safe {
            out.green(&op.label)
        } else {
            out.yellow(&op.label)
        };
        out.line(format!("  {:width$}  {label}", op.description));
    }
    out.line("");
    out.line(out.dim("-- SQL"));
    out.line(drift.plan.up_script());
    print_verdict(drift, out);
}

/// What the models cannot state, first: no op touches it.
fn print_unmanaged(unmanaged: &[Unmanaged], out: &Output) {
    if unmanaged.is_empty() {
        return;
    }
    out.info(format!(
        "{} object{} the models cannot state, left as {} (never dropped or rebuilt):",
        unmanaged.len(),
        if unmanaged.len() == 1 { "" } else { "s" },
        if unmanaged.len() == 1 {
            "it is"
        } else {
            "they are"
        }
    ));
    for object in unmanaged {
        out.info(format!("  {}", object.describe()));
    }
    out.info("");
}

/// The last lines: what the drift means for the CI gate, and the fix.
fn print_verdict(drift: &Drift<'_>, out: &Output) {
    if drift.missing_migration() {
        out.line(out.bold(
            "A migration is missing: run `make migrate` and commit the file it writes \
             (`check` exits 1 until then).",
        ));
        return;
    }
    out.line(out.yellow(&format!(
        "{} Only drops that autogeneration blocks are left, so `make migrate` has nothing \
         to generate (`check` exits 0).",
        PARTIAL_SYNC_WARNING
    )));
    if let Some(clear) = &drift.clear {
        out.line(format!(
            "To clear it, write the drop by hand: `{}`, paste the SQL above into its -- +up \
             section, and commit it.",
            clear.command()
        ));
    }
}
