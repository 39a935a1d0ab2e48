//! `migrate upgrade`, `migrate downgrade` (both also offline with `--sql`) and
//! `migrate stamp`: a session under the migration lock, with a line per revision as it
//! starts and a summary at the end.

use std::collections::BTreeSet;
use std::time::Duration;

use serde::Serialize;

use crate::apply::{offline_script, AppliedStep, ApplyReport, Direction, OfflineRange, Progress};
use crate::db::humanize;
use crate::dialect::Dialect;
use crate::revision::{Anchor, RevisionFile, RevisionId, RevisionSet, Target};

use super::exit::{Code, Exit};
use super::{DowngradeArgs, Format, Output, Settings, StampArgs, UpgradeArgs};

/// What `--format json` prints after an upgrade or downgrade.
#[derive(Serialize)]
struct JsonReport<'r> {
    direction: Direction,
    steps: &'r [AppliedStep],
    heads: &'r [RevisionId],
}

/// Runs `migrate upgrade`.
pub async fn upgrade(settings: &Settings, out: &Output, args: &UpgradeArgs) -> Result<Code, Exit> {
    let set = settings.load_existing()?;
    if args.sql {
        return offline(settings, out, &set, Direction::Up, &args.target);
    }
    let target = parse_target(&set, &args.target)?;
    run(
        settings,
        out,
        &set,
        Direction::Up,
        &target,
        args.accept_changed_checksums,
    )
    .await
}

/// Runs `migrate downgrade`.
pub async fn downgrade(
    settings: &Settings,
    out: &Output,
    args: &DowngradeArgs,
) -> Result<Code, Exit> {
    let set = settings.load_existing()?;
    if args.sql {
        return offline(settings, out, &set, Direction::Down, &args.target);
    }
    let target = parse_target(&set, &args.target)?;
    run(
        settings,
        out,
        &set,
        Direction::Down,
        &target,
        args.accept_changed_checksums,
    )
    .await
}

/// Runs `migrate stamp`.
pub async fn stamp(settings: &Settings, out: &Output, args: &StampArgs) -> Result<Code, Exit> {
    let set = settings.load_existing()?;
    let target = parse_target(&set, &args.revision)?;
    let mut db = settings.connect().await?;
    let (mut session, set) = start(settings, &mut db, out, &set, false).await?;
    let outcome = async {
        let before = session.current_heads().await?;
        session.stamp(&set, &target).await?;
        let after = session.current_heads().await?;
        Ok::<_, crate::apply::ApplyError>((before, after))
    }
    .await;
    let finished = session.finish().await;
    let (before, after) = outcome?;
    finished?;
    out.info(format!(
        "Stamped the database at {} (was {}); no SQL ran.",
        describe_heads(&set, &after),
        describe_heads(&set, &before)
    ));
    Ok(Code::Ok)
}

/// Takes the migration lock after refusing a history of another dialect (before anything
/// is created), and reads the files again under the lock: another migrator may have
/// written and applied revisions while this one waited.
async fn start<'d>(
    settings: &Settings,
    db: &'d mut crate::db::Database,
    out: &Output,
    set: &RevisionSet,
    accept_changed_checksums: bool,
) -> Result<(crate::apply::Session<'d>, RevisionSet), Exit> {
    crate::apply::check_dialect(set, db.dialect())?;
    let session = settings
        .begin_session(db, out, accept_changed_checksums)
        .await?;
    let set = settings.load_existing()?;
    Ok((session, set))
}

/// Parses a target and, unless it is a step from where the database stands, checks that
/// it names something in the files, so a typo fails before any connection.
fn parse_target(set: &RevisionSet, given: &str) -> Result<Target, Exit> {
    let target: Target = given.parse()?;
    let from_database = matches!(
        target,
        Target::Relative {
            anchor: Anchor::Current,
            ..
        }
    );
    if !from_database {
        set.resolve_target(&target, &BTreeSet::new())?;
    }
    Ok(target)
}

async fn run(
    settings: &Settings,
    out: &Output,
    set: &RevisionSet,
    direction: Direction,
    target: &Target,
    accept_changed_checksums: bool,
) -> Result<Code, Exit> {
    let mut db = settings.connect().await?;
    let (mut session, set) = start(settings, &mut db, out, set, accept_changed_checksums).await?;
    let set = &set;
    if out.format() == Format::Human {
        let printer = out.clone();
        session.on_progress(move |progress| {
            if let Progress::Starting { file, direction } = progress {
                printer.info(running_line(file, direction));
            }
        });
    }
    let outcome = async {
        let report = match direction {
            Direction::Up => session.upgrade(set, target).await?,
            Direction::Down => session.downgrade(set, target).await?,
        };
        let heads = session.current_heads().await?;
        Ok::<_, crate::apply::ApplyError>((report, heads))
    }
    .await;
    let finished = session.finish().await;
    let (report, heads) = outcome?;
    finished?;
    match out.format() {
        Format::Json => out.json(&JsonReport {
            direction,
            steps: &report.steps,
            heads: &heads,
        })?,
        Format::Human => print_summary(out, set, direction, &report, &heads),
    }
    Ok(Code::Ok)
}

/// `Running upgrade a -> b, message`, as Alembic says it (`<base>` where Alembic leaves a
/// blank, as `history` shows it).
fn running_line(file: &RevisionFile, direction: Direction) -> String {
    let parents = crate::apply::parents_label(file);
    match direction {
        Direction::Up => format!(
            "Running upgrade {parents} -> {}, {}",
            file.revision, file.message
        ),
        Direction::Down => format!(
            "Running downgrade {} -> {parents}, {}",
            file.revision, file.message
        ),
    }
}

fn print_summary(
    out: &Output,
    set: &RevisionSet,
    direction: Direction,
    report: &ApplyReport,
    heads: &[RevisionId],
) {
    let at = describe_heads(set, heads);
    if report.steps.is_empty() {
        out.info(format!("Nothing to do: the database is at {at}."));
        return;
    }
    let total: Duration = report.steps.iter().map(|s| s.duration).sum();
    let count = report.steps.len();
    out.info(out.green(&format!(
        "Done: {count} revision{} {} in {}; the database is at {at}.",
        if count == 1 { "" } else { "s" },
        match direction {
            Direction::Up => "applied",
            Direction::Down => "undone",
        },
        humanize(total)
    )));
}

/// `base`, or the heads with `(head)` on those no file follows.
pub(super) fn describe_heads(set: &RevisionSet, heads: &[RevisionId]) -> String {
    if heads.is_empty() {
        return "base".to_owned();
    }
    heads
        .iter()
        .map(|id| {
            if set.is_head(id) {
                format!("{id} (head)")
            } else {
                id.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `--sql`: print the script, touch no database.
fn offline(
    settings: &Settings,
    out: &Output,
    set: &RevisionSet,
    direction: Direction,
    range: &str,
) -> Result<Code, Exit> {
    let range: OfflineRange = range.parse()?;
    let dialect = set
        .dialect()
        .or_else(|| settings.database_url.as_deref().and_then(Dialect::from_url))
        .unwrap_or(Dialect::Postgresql);
    let script = offline_script(set, dialect, direction, &range, &settings.history_tables)?;
    out.line(script.trim_end());
    Ok(Code::Ok)
}
