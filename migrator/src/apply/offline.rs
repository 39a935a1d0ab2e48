//! Offline mode (`migrate upgrade --sql`, `migrate downgrade --sql`): the SQL a run would
//! execute, printed instead of run, touching no database. As in Alembic, the starting point
//! is given (`FROM:TO`; an upgrade starts from `base` when FROM is left out), since no
//! version table is read.
//!
//! The script is what an online run executes, from the same functions: the migration lock,
//! the history tables, then per revision `BEGIN`, its statements, the version-table update
//! and the log row, `COMMIT`. A `transactional: false` revision's statements stand alone,
//! followed by its bookkeeping in a transaction of its own. Two things differ from a live
//! run, by necessity: the log's `duration_ms` is computed by the server
//! (`clock_timestamp() - now()`, NULL for a non-transactional revision) and `applied_by`
//! is the database user alone; and a revision that uses an enum value it adds cannot be
//! rerun with commit points, so it fails as written.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use crate::db::{HeadChange, HistorySql, HistoryTables, LogAction, LogDuration, LogEntry};
use crate::dialect::Dialect;
use crate::revision::{
    ResolvedTarget, RevisionError, RevisionFile, RevisionId, RevisionSet, Target,
};

use super::error::ApplyError;
use super::session::{ancestors_inclusive, check_dialect, check_reversible, file_of};
use super::{parents_label, Direction};

/// The range of an offline run: `FROM:TO` or just `TO`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfflineRange {
    /// Where the database is assumed to be; `None` means base (for an upgrade).
    pub from: Option<Target>,
    /// Where the script takes it.
    pub to: Target,
}

impl FromStr for OfflineRange {
    type Err = RevisionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.split_once(':') {
            Some((from, to)) => Ok(Self {
                from: Some(from.parse()?),
                to: to.parse()?,
            }),
            None => Ok(Self {
                from: None,
                to: text.parse()?,
            }),
        }
    }
}

impl fmt::Display for OfflineRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.from {
            Some(from) => write!(f, "{from}:{}", self.to),
            None => write!(f, "{}", self.to),
        }
    }
}

/// The SQL script that moves a database at `range.from` to `range.to`, keeping its history
/// in `tables`. No database is read, so nothing is checked or carried over: a database
/// still at the previous build's `schema_migrations` needs one online run first, or a
/// script written for `--version-table schema_migrations`.
pub fn offline_script(
    set: &RevisionSet,
    dialect: Dialect,
    direction: Direction,
    range: &OfflineRange,
    tables: &HistoryTables,
) -> Result<String, ApplyError> {
    let history = HistorySql::for_dialect(dialect, tables)?;
    check_dialect(set, dialect)?;
    let mut applied = match (&range.from, direction) {
        (None, Direction::Up) => BTreeSet::new(),
        (None, Direction::Down) => return Err(ApplyError::OfflineDowngradeNeedsStart),
        (Some(from), _) => match set.resolve_target(from, &BTreeSet::new())? {
            ResolvedTarget::Base => BTreeSet::new(),
            ResolvedTarget::Revisions(ids) => ancestors_inclusive(set, &ids),
        },
    };
    let plan = match direction {
        Direction::Up => set.upgrade_plan(&applied, &range.to)?,
        Direction::Down => set.downgrade_plan(&applied, &range.to)?,
    };
    if direction == Direction::Down {
        for id in &plan {
            check_reversible(file_of(set, id)?)?;
        }
    }
    let mut script = Script::default();
    script.comment(&format!(
        "Offline script for `migrate {} --sql {range}` on {dialect}.",
        direction.verb()
    ));
    if plan.is_empty() {
        script.comment("Nothing to run: the database would already be there.");
        return Ok(script.text);
    }
    script.comment(
        "Run it in one session (psql -v ON_ERROR_STOP=1 -f FILE): it holds the migration lock \
         throughout.",
    );
    script.blank();
    script.statement(&history.lock());
    for sql in history.create_tables() {
        script.statement(&sql);
    }
    let mut heads = set.current_heads(&applied);
    for id in &plan {
        let file = file_of(set, id)?;
        match direction {
            Direction::Up => applied.insert(id.clone()),
            Direction::Down => applied.remove(id),
        };
        let after = set.current_heads(&applied);
        revision(&mut script, &history, file, direction, &heads, &after);
        heads = after;
    }
    script.statement(&history.unlock());
    Ok(script.text)
}

/// One revision's part of the script.
fn revision(
    script: &mut Script,
    history: &HistorySql,
    file: &RevisionFile,
    direction: Direction,
    before: &[RevisionId],
    after: &[RevisionId],
) {
    let (statements, arrow) = match direction {
        Direction::Up => (
            file.up_statements(),
            format!("{} -> {}", parents_label(file), file.revision),
        ),
        Direction::Down => (
            file.down_statements(),
            format!("{} -> {}", file.revision, parents_label(file)),
        ),
    };
    script.comment(&format!(
        "Running {} {arrow}, {}",
        direction.verb(),
        file.message
    ));
    script.comment(&file.path.display().to_string());
    if !file.transactional {
        script.comment("Not transactional: each statement commits on its own.");
        for statement in &statements {
            script.statement(&statement.sql);
        }
    }
    script.statement(history.begin());
    if file.transactional {
        for statement in &statements {
            script.statement(&statement.sql);
        }
    }
    for sql in history.update_heads(&HeadChange::between(before, after)) {
        script.statement(&sql);
    }
    script.statement(&history.log(&LogEntry {
        revision: &file.revision,
        action: match direction {
            Direction::Up => LogAction::Up,
            Direction::Down => LogAction::Down,
        },
        checksum: Some(file.checksum),
        message: &file.message,
        duration: if file.transactional {
            LogDuration::SinceTransactionStart
        } else {
            LogDuration::Unknown
        },
        client: None,
    }));
    script.statement(history.commit());
}

/// The script being written: statements end with `;` and a blank line.
#[derive(Default)]
struct Script {
    text: String,
}

impl Script {
    fn comment(&mut self, text: &str) {
        for line in text.lines() {
            self.text.push_str("-- ");
            self.text.push_str(line);
            self.text.push('\n');
        }
    }

    fn blank(&mut self) {
        self.text.push('\n');
    }

    fn statement(&mut self, sql: &str) {
        self.text.push_str(sql);
        self.text.push_str(";\n\n");
    }
}
