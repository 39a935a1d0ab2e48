//! `migrate diff` and `migrate check`: compare the models with the database and show the
//! operations (with their risk) and the SQL that would bring the database in line.
//! `check` is the CI gate: exit 1 on drift.

use serde::Serialize;

use crate::change::Op;
use crate::compare::{compare, Comparison};
use crate::filter::SchemaFilter;
use crate::render::{render_groups, render_script};
use crate::safety::{classify_all, Risk};

use super::exit::{Code, Exit};
use super::{schema_cmd, App, Format, Output, Settings};

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

/// Runs `diff` (exit 0 whatever it finds) or `check` (exit 1 on drift).
pub async fn run(app: &App, settings: &Settings, out: &Output, gate: bool) -> Result<Code, Exit> {
    let target = schema_cmd::target_schema(app)?;
    let mut db = settings.connect().await?;
    let comparison = compare(&mut db, &target, &SchemaFilter::default())
        .await
        .map_err(super::db_exit)?;
    let report = report(&comparison, db.dialect())?;
    match out.format() {
        Format::Json => out.json(&report)?,
        Format::Human => print_human(&report, &comparison, db.dialect(), out)?,
    }
    Ok(if gate && !comparison.in_sync() {
        Code::Drift
    } else {
        Code::Ok
    })
}

fn report(comparison: &Comparison, dialect: crate::Dialect) -> Result<Report<'_>, Exit> {
    let groups = render_groups(dialect, &comparison.ops).map_err(|e| Exit::new(Code::Usage, e))?;
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
            Risk::Blocking | Risk::DataDependent => out.yellow(op.risk.as_str()),
            Risk::Destructive => out.red("destructive (never applied automatically)"),
        };
        out.line(format!("  {:width$}  {risk}", op.description));
    }
    let groups = render_groups(dialect, &comparison.ops).map_err(|e| Exit::new(Code::Usage, e))?;
    out.line("");
    out.line(out.dim("-- SQL"));
    out.line(render_script(&groups));
    Ok(())
}
