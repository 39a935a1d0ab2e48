//! `migrate diff` and `migrate check`: compare the models with the database and show the
//! operations (with their risk) and the SQL that would bring the database in line.
//! `check` is the CI gate: exit 1 on drift; with `--summary FILE` it also appends the
//! Markdown job summary (the proposed migration file and its risk analysis) to FILE.

use serde::Serialize;

use crate::apply::{compose_from, read_heads};
use crate::change::Op;
use crate::compare::{compare, Comparison};
use crate::db::Database;
use crate::render::{render_groups_from, render_script};
use crate::revision::{RevisionFile, RevisionId};
use crate::safety::{classify_all, Risk};
use crate::summary;
use crate::workflow::AUTO_SYNC_MESSAGE;

use super::exit::{Code, Exit};
use super::{ci_cmd, schema_cmd, App, CheckArgs, Format, Output, Settings};

/// One op as reported to people and scripts.
#[derive(Debug, Serialize)]
struct ReportedOp<'a> {
    description: String,
    risk: Risk,
    sql: Vec<String>,
    op: &'a Op,
}

#[derive(Debug, Serialize)]
struct Report<'a> {
    in_sync: bool,
    dialect: &'static str,
    ops: Vec<ReportedOp<'a>>,
}

/// Runs `diff` (`check` is `None`: exit 0 whatever it finds) or `check` (exit 1 on drift).
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
    let comparison = compare(&mut db, &target, &settings.filter)
        .await
        .map_err(super::db_exit)?;
    let report = report(&comparison, db.dialect())?;
    match out.format() {
        Format::Json => out.json(&report)?,
        Format::Human => print_human(&report, &comparison, db.dialect(), out)?,
    }
    if let Some(path) = check.and_then(|c| c.summary.as_deref()) {
        let text = check_summary(settings, &mut db, &comparison).await?;
        ci_cmd::append_summary(path, &text)?;
        if out.format() == Format::Human {
            out.info(format!("Job summary appended to {}.", path.display()));
        }
    }
    Ok(if check.is_some() && !comparison.in_sync() {
        Code::Drift
    } else {
        Code::Ok
    })
}

/// The job summary of `check`: the file autogeneration would write after the history's
/// heads (composed, never written), with a note when the database is not at those heads.
async fn check_summary(
    settings: &Settings,
    db: &mut Database,
    comparison: &Comparison,
) -> Result<String, Exit> {
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
        db.dialect(),
        heads,
        AUTO_SYNC_MESSAGE,
    )
    .map_err(|e| Exit::new(Code::Usage, e))?
    .map(|composed| RevisionFile::new(composed.revision));
    let proposed = proposed
        .as_ref()
        .map(|file| (file.file_name(), file.render()));
    text.push_str(&summary::markdown(
        &comparison.ops,
        proposed
            .as_ref()
            .map(|(name, body)| (name.as_str(), body.as_str())),
    ));
    Ok(text)
}

fn names(ids: &[RevisionId]) -> Vec<String> {
    ids.iter().map(|id| id.as_str().to_string()).collect()
}

fn report(comparison: &Comparison, dialect: crate::Dialect) -> Result<Report<'_>, Exit> {
    let groups = render_groups_from(dialect, &comparison.current, &comparison.ops)
        .map_err(|e| Exit::new(Code::Usage, e))?;
    let ops = comparison
        .ops
        .iter()
        .zip(groups)
        .zip(classify_all(&comparison.ops))
        .map(|((op, statements), risk)| ReportedOp {
            description: op.describe(),
            risk,
            sql: statements.into_iter().map(|s| s.sql).collect(),
            op,
        })
        .collect();
    Ok(Report {
        in_sync: comparison.in_sync(),
        dialect: dialect.name(),
        ops,
    })
}

fn print_human(
    report: &Report<'_>,
    comparison: &Comparison,
    dialect: crate::Dialect,
    out: &Output,
) -> Result<(), Exit> {
    if report.in_sync {
        out.line(out.green("The database matches the models: no drift."));
        return Ok(());
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
        let risk = match op.risk {
            Risk::Safe => out.green(op.risk.as_str()),
            Risk::Loosening | Risk::Blocking | Risk::DataDependent => out.yellow(op.risk.as_str()),
            Risk::Destructive => out.red("destructive (never applied automatically)"),
        };
        out.line(format!("  {:width$}  {risk}", op.description));
    }
    let groups = render_groups_from(dialect, &comparison.current, &comparison.ops)
        .map_err(|e| Exit::new(Code::Usage, e))?;
    out.line("");
    out.line(out.dim("-- SQL"));
    out.line(render_script(&groups));
    Ok(())
}
