//! Autogeneration: a revision file written from the difference between the models and the
//! database (`migrate revision --autogenerate`, and the smart migrator's auto sync).
//!
//! What it emits and what it blocks is [`crate::safety::verdicts`]' call, the one every
//! listing shows. Destructive ops (drops of tables, columns, enum types and enum values),
//! and the drops that only prepare them, are never emitted as runnable SQL: the up section
//! lists them as `-- blocked (destructive): ...` comments so the reviewer sees what the
//! models ask for, and a revision written by hand ([`hand_written`]) runs them. The down
//! section undoes the emitted ops only. When nothing can be emitted, no file is written.

use std::path::Path;

use schema_runtime::schema::{Column, ForeignKey, QualifiedName, Schema};

use crate::change::{ColumnChanges, Op};
use crate::compare::compare;
use crate::compare::Comparison;
use crate::db::{Database, Driver};
use crate::dialect::{Dialect, Statement};
use crate::filter::SchemaFilter;
use crate::plan::Plan;
use crate::render::{render_script, RenderError};
use crate::revision::{self, NewRevision, RevisionFile, RevisionId, RevisionSet};
use crate::safety::{inserts_need, verdicts};

use super::error::ApplyError;
use super::session::check_dialect;

/// Drift split into what autogeneration emits and what it leaves to a human.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Split {
    /// Ops written as runnable SQL, in the diff's order.
    pub emitted: Vec<Op>,
    /// Destructive ops, written as comments only.
    pub blocked: Vec<Op>,
}

/// Splits ops as [`verdicts`] says: an op it blocks (a drop that destroys data, or a key,
/// index or constraint drop that only prepares a blocked table drop) is blocked, any
/// other is emitted. A blocked drop of a NOT NULL column that nothing fills in by itself
/// is replaced by `DROP NOT NULL` on it: the application no longer writes the column, and
/// its inserts must keep working while the data stays. The blocked drop then describes the
/// column as the relaxation leaves it, and a blocked op names its table and foreign key
/// columns as the emitted renames after it leave them: blocked ops are rendered against
/// the schema after the emitted ops (SQLite's renderer replays them there, and refuses a
/// table or column described otherwise; the hand-written revision runs there), and that is
/// the drift the next comparison reports.
pub fn split_ops(ops: &[Op]) -> Split {
    let mut split = Split::default();
    for (at, (op, verdict)) in ops.iter().zip(verdicts(ops)).enumerate() {
        if verdict.is_blocked() {
            let op = after_renames(op, &ops[at + 1..]);
            match relax_dropped_column(&op) {
                Some((relax, drop)) => {
                    split.emitted.push(relax);
                    split.blocked.push(drop);
                }
                None => split.blocked.push(op),
            }
        } else {
            split.emitted.push(op.clone());
        }
    }
    hold_retypes_behind_blocked_keys(&mut split);
    split
}

/// A column retype that needs a foreign key gone (the key's own column, or the column it
/// references) cannot run while the drop of that key is blocked, with the table it goes
/// with: it waits for the hand-written revision too.
fn hold_retypes_behind_blocked_keys(split: &mut Split) {
    let mut held: Vec<(QualifiedName, String)> = Vec::new();
    for op in &split.blocked {
        let keys: Vec<(&QualifiedName, &ForeignKey)> = match op {
            Op::DropForeignKey { table, foreign_key } => vec![(table, foreign_key)],
            Op::DropTable { table } => table
                .foreign_keys
                .iter()
                .map(|k| (&table.name, k))
                .collect(),
            _ => Vec::new(),
        };
        for (table, key) in keys {
            held.extend(key.columns.iter().map(|c| (table.clone(), c.clone())));
            held.extend(
                key.referenced_columns
                    .iter()
                    .map(|c| (key.referenced_table.clone(), c.clone())),
            );
        }
    }
    if held.is_empty() {
        return;
    }
    let (wait, emit): (Vec<Op>, Vec<Op>) = std::mem::take(&mut split.emitted)
        .into_iter()
        .partition(|op| {
            matches!(op, Op::AlterColumn { table, to, changes, .. }
                if changes.contains(ColumnChanges::TYPE)
                    && held.iter().any(|(t, c)| t == table && *c == to.name))
        });
    split.emitted = emit;
    split.blocked.extend(wait);
}

/// `op` as the renames in `later` (ops that come after it) leave what it names: its table,
/// and its foreign keys' columns and referenced tables and columns. Renames are never
/// blocked, so they all run before the blocked ops do.
fn after_renames(op: &Op, later: &[Op]) -> Op {
    let mut op = op.clone();
    for rename in later {
        match rename {
            Op::RenameTable { from, to } => {
                if let Some(table) = table_of(&mut op).filter(|t| *t == from) {
                    *table = to.clone();
                }
                for fk in foreign_keys_of(&mut op) {
                    if fk.referenced_table == *from {
                        fk.referenced_table = to.clone();
                    }
                }
            }
            Op::RenameColumn { table, from, to } => {
                let own = table_of(&mut op).is_some_and(|t| t == table);
                let rename = |columns: &mut Vec<String>| {
                    for column in columns.iter_mut().filter(|c| *c == from) {
                        column.clone_from(to);
                    }
                };
                for fk in foreign_keys_of(&mut op) {
                    if own {
                        rename(&mut fk.columns);
                    }
                    if fk.referenced_table == *table {
                        rename(&mut fk.referenced_columns);
                    }
                }
            }
            _ => {}
        }
    }
    op
}

/// The foreign keys a blocked drop removes: its own, or a dropped table's.
fn foreign_keys_of(op: &mut Op) -> Vec<&mut ForeignKey> {
    match op {
        Op::DropForeignKey { foreign_key, .. } => vec![foreign_key],
        Op::DropTable { table } => table.foreign_keys.iter_mut().collect(),
        _ => Vec::new(),
    }
}

/// The table a blocked drop of a column, key, index or constraint is on.
fn table_of(op: &mut Op) -> Option<&mut QualifiedName> {
    match op {
        Op::DropColumn { table, .. }
        | Op::DropPrimaryKey { table, .. }
        | Op::DropIndex { table, .. }
        | Op::DropUnique { table, .. }
        | Op::DropForeignKey { table, .. }
        | Op::DropCheck { table, .. }
        | Op::DropExclusion { table, .. } => Some(table),
        _ => None,
    }
}

/// For a blocked drop of a NOT NULL column without a default or identity, the change that
/// lets inserts leave it out, and the drop of the column as that change leaves it.
fn relax_dropped_column(op: &Op) -> Option<(Op, Op)> {
    let Op::DropColumn { table, column } = op else {
        return None;
    };
    if !inserts_need(column) {
        return None;
    }
    let relaxed = Column {
        nullable: true,
        ..column.clone()
    };
    let relax = Op::AlterColumn {
        table: table.clone(),
        from: column.clone(),
        to: relaxed.clone(),
        changes: ColumnChanges::NULLABLE,
    };
    let drop = Op::DropColumn {
        table: table.clone(),
        column: relaxed,
    };
    Some((relax, drop))
}

/// The revision a person writes to run what autogeneration blocked: the message to give
/// `migrate revision -m` and the statements to paste into its `-- +up` section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandWritten {
    /// The revision's message, e.g. `drop_legacy` for a column `legacy`.
    pub message: String,
    /// The statements, each with its terminator, in the order they must run.
    pub sql: Vec<String>,
}

impl HandWritten {
    /// The one line that says how to write it: `migrate revision -m MESSAGE`.
    pub fn command(&self) -> String {
        format!("migrate revision -m {}", self.message)
    }
}

/// The hand-written revision for the `blocked` ops, rendered against the schema `current`
/// is in once `emitted` ran (an SQLite drop can be a table rebuild, which needs the
/// table as it will be).
pub fn hand_written(
    driver: &dyn Driver,
    current: &Schema,
    emitted: &[Op],
    blocked: &[Op],
) -> Result<HandWritten, RenderError> {
    let sql = blocked_plan(driver, current, emitted, blocked)?
        .up()
        .into_iter()
        .map(|statement| format!("{};", statement.sql.trim_end().trim_end_matches(';')))
        .collect();
    Ok(HandWritten {
        message: drop_message(blocked),
        sql,
    })
}

/// The plan of the `blocked` ops, rendered against the schema `current` is in once
/// `emitted` ran (or `current`, when the emitted ops do not apply to it): what the
/// hand-written revision runs and the blocked comments show.
fn blocked_plan(
    driver: &dyn Driver,
    current: &Schema,
    emitted: &[Op],
    blocked: &[Op],
) -> Result<Plan, RenderError> {
    let after = crate::replay::replay_for(driver.diff_hooks(), current, emitted)
        .unwrap_or_else(|_| current.clone());
    driver.plan(&after, blocked)
}

/// The message of the revision written by hand for `blocked`, `drop_<what>`: the dropped
/// tables, columns and enum types by name (two at most, then `_and_more`), or
/// `drop_blocked_objects` when only their parts are listed. Every command that tells how
/// to clear blocked drops suggests this one.
pub fn drop_message(blocked: &[Op]) -> String {
    let names: Vec<String> = blocked
        .iter()
        .filter_map(|op| match op {
            Op::DropTable { table } => Some(table.name.name.clone()),
            Op::DropColumn { column, .. } => Some(column.name.clone()),
            Op::DropEnum { enum_type } => Some(enum_type.name.name.clone()),
            Op::ReplaceEnumValues { name, .. } => Some(format!("{}_values", name.name)),
            _ => None,
        })
        .collect();
    let slug = match names.as_slice() {
        [] => "blocked_objects".to_string(),
        [one] => one.clone(),
        [one, two] => format!("{one}_and_{two}"),
        [one, ..] => format!("{one}_and_more"),
    };
    let slug: String = slug
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("drop_{slug}")
}

/// A revision composed from ops, not yet written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Composed {
    /// The revision's contents.
    pub revision: NewRevision,
    /// The ops its up section runs.
    pub emitted: Vec<Op>,
    /// The ops listed as blocked comments.
    pub blocked: Vec<Op>,
}

/// Composes the revision for `ops` following `down_revisions`; `None` when no op can be
/// emitted (no drift, or only destructive drift). Pure: writes nothing.
pub fn compose(
    ops: &[Op],
    dialect: Dialect,
    down_revisions: Vec<RevisionId>,
    message: &str,
) -> Result<Option<Composed>, RenderError> {
    compose_from(
        &Schema::default(),
        ops,
        crate::dialect::driver(dialect),
        down_revisions,
        message,
    )
}

/// Like [`compose`], rendered against `current`, the schema the ops start from. SQLite
/// needs it: what its `ALTER TABLE` cannot do is a table rebuild, which writes the whole
/// table (see [`crate::render::plan`]). The up section is the plan's commands, in order,
/// and the down section its reverses, last change first: one rendering of `emitted`.
pub fn compose_from(
    current: &Schema,
    ops: &[Op],
    driver: &dyn Driver,
    down_revisions: Vec<RevisionId>,
    message: &str,
) -> Result<Option<Composed>, RenderError> {
    let Split { emitted, blocked } = split_ops(ops);
    if emitted.is_empty() {
        return Ok(None);
    }
    let held = Held {
        current,
        emitted: &emitted,
        blocked: &blocked,
    };
    let revision = write_revision(
        driver,
        current,
        &emitted,
        Some(held),
        message,
        down_revisions,
    )?;
    Ok(Some(Composed {
        revision,
        emitted,
        blocked,
    }))
}

/// The revisions for `ops`, in order, each following the one before it (the first follows
/// `down_revisions`). That is one revision, as [`compose_from`] writes it, unless the
/// database bounds the locks one revision may take ([`Driver::locks_per_revision`]) and the
/// emitted ops need more: then they are cut into consecutive runs that each fit, written as
/// parts (`<message> (part 1 of 3)`). Each part commits on its own, so the first revision
/// of a schema of thousands of tables applies on a stock server, and a run stopped between
/// parts resumes after the last committed one. The blocked comments go with the last part.
/// Empty when no op can be emitted.
pub fn compose_parts(
    current: &Schema,
    ops: &[Op],
    driver: &dyn Driver,
    down_revisions: Vec<RevisionId>,
    message: &str,
) -> Result<Vec<Composed>, RenderError> {
    let Split { emitted, blocked } = split_ops(ops);
    let runs = match driver.locks_per_revision() {
        Some(budget) => runs_within(&emitted, budget),
        None => vec![emitted.len()],
    };
    if runs.len() <= 1 {
        let whole = compose_from(current, ops, driver, down_revisions, message)?;
        return Ok(whole.into_iter().collect());
    }
    let count = runs.len();
    let mut parts: Vec<Composed> = Vec::with_capacity(count);
    let mut state = current.clone();
    let mut down = down_revisions;
    let mut start = 0;
    for (at, length) in runs.into_iter().enumerate() {
        let run = &emitted[start..start + length];
        start += length;
        let last = at + 1 == count;
        let held = last.then_some(Held {
            current,
            emitted: &emitted,
            blocked: &blocked,
        });
        let message = format!("{message} (part {} of {count})", at + 1);
        let revision = write_revision(driver, &state, run, held, &message, down)?;
        down = vec![revision.revision.clone()];
        state = crate::replay::replay_for(driver.diff_hooks(), &state, run)
            .unwrap_or_else(|_| state.clone());
        parts.push(Composed {
            revision,
            emitted: run.to_vec(),
            blocked: if last { blocked.clone() } else { Vec::new() },
        });
    }
    Ok(parts)
}

/// The ops held back from a revision, with what their comments are planned against.
struct Held<'a> {
    /// The schema before the whole of `emitted`.
    current: &'a Schema,
    emitted: &'a [Op],
    blocked: &'a [Op],
}

/// The revision running `run` on `state`: the plan's commands up, their reverses down, and
/// after the commands, the comments for the ops `held` back, when there are any.
fn write_revision(
    driver: &dyn Driver,
    state: &Schema,
    run: &[Op],
    held: Option<Held<'_>>,
    message: &str,
    down_revisions: Vec<RevisionId>,
) -> Result<NewRevision, RenderError> {
    let plan = driver.plan(state, run)?;
    let mut up = plan.up_script();
    if let Some(held) = held.filter(|h| !h.blocked.is_empty()) {
        up.push('\n');
        let blocked = blocked_plan(driver, held.current, held.emitted, held.blocked)?;
        up.push_str(&render_script(&blocked_comments(&blocked)));
    }
    let mut revision = NewRevision::new(message, driver.dialect(), down_revisions);
    revision.transactional = plan.up_is_transactional();
    revision.up = up;
    revision.down = plan.down_script();
    Ok(revision)
}

/// The lengths of consecutive runs of `ops` that each take at most `budget` locks (as
/// [`locks_taken`] counts them); an op that alone takes more is a run of its own.
fn runs_within(ops: &[Op], budget: usize) -> Vec<usize> {
    let mut runs = Vec::new();
    let (mut length, mut locks) = (0, 0);
    for op in ops {
        let taken = locks_taken(op);
        if length > 0 && locks + taken > budget {
            runs.push(length);
            (length, locks) = (0, 0);
        }
        length += 1;
        locks += taken;
    }
    if length > 0 {
        runs.push(length);
    }
    runs
}

/// The locks an op keeps until its revision commits, counted generously. A new table
/// locks itself, its TOAST table and that table's index, its primary key and unique
/// indexes, and the sequence of each identity or serial column; any other op locks the
/// object it makes or changes and the table it is on (a foreign key, the table it
/// references too).
fn locks_taken(op: &Op) -> usize {
    match op {
        Op::CreateTable { table } => {
            let sequences = table
                .columns
                .iter()
                .filter(|c| {
                    c.identity.is_some()
                        || c.default.as_deref().is_some_and(|d| d.contains("nextval("))
                })
                .count();
            3 + usize::from(table.primary_key.is_some()) + table.uniques.len() + sequences
        }
        Op::AddForeignKey { .. } => 3,
        _ => 2,
    }
}

/// One comment group per change of the blocked ops' plan, after a note saying why they
/// are comments.
fn blocked_comments(blocked: &Plan) -> Vec<Vec<Statement>> {
    let mut groups = vec![vec![Statement::comment(
        "Autogeneration never drops anything. The models also ask for the changes below, \
         which would destroy data;\nto run them, write a revision by hand \
         (`migrate revision -m \"...\"`) and review it.",
    )]];
    for change in blocked.changes() {
        groups.push(
            change
                .cmd
                .iter()
                .map(|s| Statement::comment(&format!("blocked (destructive): {};", s.sql)))
                .collect(),
        );
    }
    groups
}

/// What autogeneration found and wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Autogenerated {
    /// The written file, the new head; `None` when no op could be emitted.
    pub file: Option<RevisionFile>,
    /// The parts written before `file` when the revision took more locks than one
    /// transaction should ([`compose_parts`]), first part first; empty otherwise.
    pub earlier: Vec<RevisionFile>,
    /// The ops its up section runs.
    pub emitted: Vec<Op>,
    /// The destructive ops it lists as comments only.
    pub blocked: Vec<Op>,
}

/// Writes the revision for `ops` into `dir`, following the history's heads (all of them,
/// making it a merge, when there are several), with the given id or a random one. Writes
/// nothing when no op can be emitted.
pub fn autogenerate_from_ops(
    ops: &[Op],
    dialect: Dialect,
    set: &RevisionSet,
    dir: &Path,
    message: &str,
    rev_id: Option<RevisionId>,
) -> Result<Autogenerated, ApplyError> {
    autogenerate_from(
        &Schema::default(),
        ops,
        crate::dialect::driver(dialect),
        set,
        dir,
        message,
        rev_id,
    )
}

/// Like [`autogenerate_from_ops`] for the ops of a comparison, rendered against the schema
/// the database holds (which SQLite's table rebuilds need; see [`compose_from`]).
pub fn autogenerate_from_comparison(
    comparison: &Comparison,
    driver: &dyn Driver,
    set: &RevisionSet,
    dir: &Path,
    message: &str,
    rev_id: Option<RevisionId>,
) -> Result<Autogenerated, ApplyError> {
    autogenerate_from(
        &comparison.current,
        &comparison.ops,
        driver,
        set,
        dir,
        message,
        rev_id,
    )
}

fn autogenerate_from(
    current: &Schema,
    ops: &[Op],
    driver: &dyn Driver,
    set: &RevisionSet,
    dir: &Path,
    message: &str,
    rev_id: Option<RevisionId>,
) -> Result<Autogenerated, ApplyError> {
    check_dialect(set, driver.dialect())?;
    let mut parts = compose_parts(current, ops, driver, set.heads(), message)?;
    let Some(last) = parts.last_mut() else {
        let Split { emitted, blocked } = split_ops(ops);
        return Ok(Autogenerated {
            file: None,
            earlier: Vec::new(),
            emitted,
            blocked,
        });
    };
    if let Some(id) = rev_id {
        last.revision.revision = id;
    }
    let mut emitted = Vec::new();
    let mut blocked = Vec::new();
    let mut written = Vec::with_capacity(parts.len());
    for part in parts {
        emitted.extend(part.emitted);
        blocked.extend(part.blocked);
        written.push(revision::write_new(dir, RevisionFile::new(part.revision))?);
    }
    let file = written.pop();
    Ok(Autogenerated {
        file,
        earlier: written,
        emitted,
        blocked,
    })
}

/// Compares the models (`target_schema`) with the database and writes the revision that
/// brings the database in line, as [`autogenerate_from_ops`] does. The database must be at
/// the history's heads: a revision generated against an older database would repeat what
/// the pending revisions do. The heads are read from the history tables the filter leaves
/// out ([`SchemaFilter::history_tables`]).
pub async fn autogenerate_revision(
    db: &mut Database,
    target_schema: &Schema,
    set: &RevisionSet,
    dir: &Path,
    message: &str,
    rev_id: Option<RevisionId>,
    filter: &SchemaFilter,
) -> Result<Autogenerated, ApplyError> {
    check_dialect(set, db.dialect())?;
    let database = db.read_heads(filter.history_tables()).await?;
    let heads = set.heads();
    let mut expected = heads.clone();
    expected.sort();
    if database != expected {
        return Err(ApplyError::NotUpToDate { database, heads });
    }
    let comparison = compare(db, target_schema, filter).await?;
    autogenerate_from_comparison(&comparison, db.driver(), set, dir, message, rev_id)
}

/// [`autogenerate_revision`] with a random id: the written file and the blocked ops, or
/// `None` when nothing could be emitted (no drift, or only destructive drift; then nothing
/// is written).
pub async fn autogenerate(
    db: &mut Database,
    target_schema: &Schema,
    set: &RevisionSet,
    dir: &Path,
    message: &str,
) -> Result<Option<(RevisionFile, Vec<Op>)>, ApplyError> {
    let generated = autogenerate_revision(
        db,
        target_schema,
        set,
        dir,
        message,
        None,
        &SchemaFilter::default(),
    )
    .await?;
    Ok(generated.file.map(|file| (file, generated.blocked)))
}
