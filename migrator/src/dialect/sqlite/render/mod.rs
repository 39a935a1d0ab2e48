//! SQLite DDL for every [`Op`]. What SQLite's `ALTER TABLE` can do (rename a table or a
//! column, add a plain column, drop an unconstrained column) is written as such; everything
//! else (changing a column's type, nullability or default, adding or dropping a key, a
//! unique, a check or a foreign key) becomes a table rebuild ([`rebuild`]), which needs the
//! table's whole definition. That is why SQLite plans a list of ops against the schema
//! they start from ([`plan`]), replaying the ops on it ([`replay`](mod@crate::replay)) to know each
//! table's definition at every step. The reverses are planned the same way: the reversed
//! ops, last first, rendered as a list against the schema the whole list leaves, so the
//! reverse of each op is written for the schema after it, and folds as the `up` side does.
//!
//! Two foldings keep scripts short and data safe: the foreign keys added to a table created
//! in the same list are written into its `CREATE TABLE` (SQLite cannot add them later), and
//! consecutive rebuilding ops on one table become one rebuild. A rebuild followed later by
//! the table's `DROP TABLE` is left out.

pub mod rebuild;
pub mod table;
#[cfg(test)]
mod tests;
mod validate;

pub use super::alter::needs_rebuild;
pub use super::quote::{quote_ident, quote_literal, quote_name};
pub use validate::validate;

use schema_runtime::schema::{ForeignKey, QualifiedName, Schema};

use crate::change::Op;
use crate::dialect::{Dialect, Statement};
use crate::plan::Plan;
use crate::render::RenderError;
use crate::replay::replay_for;

/// The table an op changes, for ops that can need a rebuild.
fn rebuilt_table(op: &Op) -> Option<&QualifiedName> {
    match op {
        Op::AlterColumn { table, .. }
        | Op::AddColumn { table, .. }
        | Op::DropColumn { table, .. }
        | Op::AddPrimaryKey { table, .. }
        | Op::DropPrimaryKey { table, .. }
        | Op::AddUnique { table, .. }
        | Op::DropUnique { table, .. }
        | Op::AddForeignKey { table, .. }
        | Op::DropForeignKey { table, .. }
        | Op::AddCheck { table, .. }
        | Op::DropCheck { table, .. }
        | Op::RenameConstraint { table, .. } => Some(table),
        _ => None,
    }
}

/// The plan of `ops` applied to `current`: each op's statements (`up_groups`) and their
/// reverses (`down_groups`), given to the op they come from. A change is empty where its
/// statements were folded into another change's.
pub fn plan(current: &Schema, ops: &[Op]) -> Result<Plan, RenderError> {
    let up = up_groups(current, ops)?;
    let down = down_groups(current, ops)?;
    Ok(Plan::from_groups(ops, up, down))
}

/// The `up` statements of `ops` applied to `current`, one group per op (a group is empty
/// where its op was folded into another's statements).
fn up_groups(current: &Schema, ops: &[Op]) -> Result<Vec<Vec<Statement>>, RenderError> {
    for op in ops {
        validate(op)?;
    }
    let mut state = current.clone();
    let mut groups: Vec<Vec<Statement>> = Vec::with_capacity(ops.len());
    let mut folded = vec![false; ops.len()];
    let mut index = 0;
    while index < ops.len() {
        let op = &ops[index];
        if folded[index] {
            state = step(&state, op)?;
            groups.push(Vec::new());
            index += 1;
            continue;
        }
        if needs_rebuild(&state, op) {
            let table = rebuilt_table(op).cloned().ok_or_else(|| internal(op))?;
            let mut end = index + 1;
            while end < ops.len()
                && rebuilt_table(&ops[end]) == Some(&table)
                && needs_rebuild(&state, &ops[end])
            {
                end += 1;
            }
            let before = state.table(&table).cloned().ok_or_else(|| internal(op))?;
            for op in &ops[index..end] {
                state = step(&state, op)?;
            }
            let after = state.table(&table).cloned().ok_or_else(|| internal(op))?;
            let dropped_later = ops[end..]
                .iter()
                .any(|later| matches!(later, Op::DropTable { table: t } if t.name == table));
            groups.push(if dropped_later {
                Vec::new()
            } else {
                rebuild::rebuild(&before, &after)
            });
            groups.extend((index + 1..end).map(|_| Vec::new()));
            index = end;
            continue;
        }
        let statements = match op {
            Op::CreateTable { table } => {
                let fks = fold_foreign_keys(&table.name, &ops[index + 1..]);
                for (offset, _) in &fks {
                    folded[index + 1 + offset] = true;
                }
                let fks: Vec<ForeignKey> = fks.into_iter().map(|(_, fk)| fk).collect();
                vec![Statement::new(table::create_table(table, &fks))]
            }
            Op::RenameIndex { table, from, to } => rename_index(&state, table, from, to),
            other => render_op(other),
        };
        state = step(&state, op)?;
        groups.push(statements);
        index += 1;
    }
    tracing::debug!(ops = ops.len(), "rendered sqlite statements");
    Ok(groups)
}

/// The `down` statements of `ops` applied to `current`, one group per op, last op first:
/// the reverses rendered as a list (folded as [`up_groups`] folds) against the schema the
/// `up` statements leave, so each op's reverse is written for the schema after that op.
/// An op without a reverse becomes a comment saying so, in its place.
fn down_groups(current: &Schema, ops: &[Op]) -> Result<Vec<Vec<Statement>>, RenderError> {
    let after = replay_for(&super::diff::SqliteDiff, current, ops).map_err(|e| {
        RenderError::NotExpressible {
            dialect: Dialect::Sqlite,
            op: "render the down section".to_owned(),
            reason: format!("the ops do not apply to the current schema: {e}"),
        }
    })?;
    let mut reverses = Vec::with_capacity(ops.len());
    let mut irreversible = Vec::new();
    for (position, op) in ops.iter().rev().enumerate() {
        match op.reverse() {
            Some(reverse) => reverses.push(reverse),
            None => irreversible.push((position, op)),
        }
    }
    let mut groups = up_groups(&after, &reverses)?;
    for (position, op) in irreversible {
        groups.insert(
            position.min(groups.len()),
            vec![Statement::comment(&format!(
                "irreversible: {}",
                op.describe()
            ))],
        );
    }
    Ok(groups)
}

/// The foreign keys later ops add to a table `CREATE TABLE` is about to make, with their
/// positions in `rest`.
fn fold_foreign_keys(table: &QualifiedName, rest: &[Op]) -> Vec<(usize, ForeignKey)> {
    rest.iter()
        .enumerate()
        .take_while(|(_, op)| !matches!(op, Op::DropTable { table: t } if &t.name == table))
        .filter_map(|(offset, op)| match op {
            Op::AddForeignKey {
                table: t,
                foreign_key,
            } if t == table => Some((offset, foreign_key.clone())),
            _ => None,
        })
        .collect()
}

/// SQLite cannot rename an index: drop it and create it under the new name.
fn rename_index(state: &Schema, table: &QualifiedName, from: &str, to: &str) -> Vec<Statement> {
    let Some(mut index) = state
        .table(table)
        .and_then(|t| t.indexes.iter().find(|i| i.name == from))
        .cloned()
    else {
        return vec![Statement::comment(&format!("index {from} not found"))];
    };
    index.name = to.to_owned();
    vec![
        Statement::new(format!("DROP INDEX {}", quote_ident(from))),
        Statement::new(rebuild::create_index(table, &index)),
    ]
}

/// The statements of an op that needs no rebuild and no look at the schema.
pub fn render_op(op: &Op) -> Vec<Statement> {
    match op {
        Op::CreateTable { table } => vec![Statement::new(table::create_table(table, &[]))],
        Op::DropTable { table } => vec![Statement::new(format!(
            "DROP TABLE {}",
            quote_name(&table.name)
        ))],
        Op::RenameTable { from, to } => vec![Statement::new(format!(
            "ALTER TABLE {} RENAME TO {}",
            quote_name(from),
            quote_ident(&to.name)
        ))],
        Op::AddColumn { table, column } => vec![Statement::new(format!(
            "ALTER TABLE {} ADD COLUMN {}",
            quote_name(table),
            table::column_definition(column)
        ))],
        Op::DropColumn { table, column } => vec![Statement::new(format!(
            "ALTER TABLE {} DROP COLUMN {}",
            quote_name(table),
            quote_ident(&column.name)
        ))],
        Op::RenameColumn { table, from, to } => vec![Statement::new(format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}",
            quote_name(table),
            quote_ident(from),
            quote_ident(to)
        ))],
        Op::CreateIndex { table, index } => {
            vec![Statement::new(rebuild::create_index(table, index))]
        }
        Op::DropIndex { index, .. } => vec![Statement::new(format!(
            "DROP INDEX {}",
            quote_ident(&index.name)
        ))],
        // Nothing to write: SQLite has no comments and no enum types (enums are lowered to
        // checks before diffing), and comment-only column changes are no change here.
        Op::SetTableComment { .. }
        | Op::SetEnumComment { .. }
        | Op::CreateEnum { .. }
        | Op::DropEnum { .. }
        | Op::AddEnumValue { .. }
        | Op::ReplaceEnumValues { .. }
        | Op::AlterColumn { .. }
        | Op::CreateNamespace { .. } => Vec::new(),
        other => vec![Statement::comment(&format!(
            "needs a table rebuild, which needs the current schema: {}",
            other.describe()
        ))],
    }
}

/// The statements that undo one op without knowing the schema.
pub fn render_reverse(op: &Op) -> Vec<Statement> {
    match op.reverse() {
        Some(reverse) => render_op(&reverse),
        None => vec![Statement::comment(&format!(
            "irreversible: {}",
            op.describe()
        ))],
    }
}

/// Validation for rendering without the current schema: everything [`validate`] checks,
/// and no op that needs a rebuild.
pub fn validate_without_schema(op: &Op) -> Result<(), RenderError> {
    validate(op)?;
    if needs_rebuild(&Schema::default(), op) {
        return Err(RenderError::NotExpressible {
            dialect: Dialect::Sqlite,
            op: op.describe(),
            reason: "this needs a table rebuild, which needs the schema the migration starts \
                     from; render with migrator::render::plan"
                .to_owned(),
        });
    }
    Ok(())
}

fn step(state: &Schema, op: &Op) -> Result<Schema, RenderError> {
    replay_for(&super::diff::SqliteDiff, state, std::slice::from_ref(op)).map_err(|e| {
        RenderError::NotExpressible {
            dialect: Dialect::Sqlite,
            op: op.describe(),
            reason: format!("the ops do not apply to the current schema: {e}"),
        }
    })
}

fn internal(op: &Op) -> RenderError {
    RenderError::NotExpressible {
        dialect: Dialect::Sqlite,
        op: op.describe(),
        reason: "it names a table the current schema lacks".to_owned(),
    }
}
