//! Columns of a kept table: added, altered (what moved, as a [`ColumnChanges`] bit set) or
//! dropped. Renames happened before, in the renamed view.

use schema_runtime::schema::{Column, Table};

use super::order::Plan;
use super::walk::{Ctx, Effects};
use crate::change::{ColumnChanges, Op};

/// Adds the column ops of one kept table (named as in the target) to the plan.
pub(super) fn diff(
    ctx: &Ctx<'_>,
    existing: &Table,
    wanted: &Table,
    plan: &mut Plan,
    effects: &mut Effects,
) {
    for column in &wanted.columns {
        let Some(now) = existing.column(&column.name) else {
            plan.add_columns.push(Op::AddColumn {
                table: wanted.name.clone(),
                column: Column {
                    renamed_from: None,
                    ..column.clone()
                },
            });
            continue;
        };
        let changes = real_changes(ctx, ColumnChanges::between(now, column));
        if changes.is_empty() {
            continue;
        }
        if changes.contains(ColumnChanges::TYPE) {
            effects
                .retyped
                .insert((wanted.name.clone(), column.name.clone()));
        }
        plan.alter_columns.push(Op::AlterColumn {
            table: wanted.name.clone(),
            from: now.clone(),
            to: with_changes(now, column, changes),
            changes,
        });
    }
    for now in &existing.columns {
        if wanted.column(&now.name).is_none() {
            plan.drop_columns.push(Op::DropColumn {
                table: wanted.name.clone(),
                column: now.clone(),
            });
        }
    }
}

/// The changes the dialect can see: a comment where comments are not kept is no change.
fn real_changes(ctx: &Ctx<'_>, changes: ColumnChanges) -> ColumnChanges {
    let keeps_comments = ctx.options.hooks.has_comments();
    let mut real = ColumnChanges::empty();
    for bit in [
        ColumnChanges::TYPE,
        ColumnChanges::NULLABLE,
        ColumnChanges::DEFAULT,
        ColumnChanges::IDENTITY,
        ColumnChanges::COLLATION,
        ColumnChanges::COMMENT,
        ColumnChanges::GENERATED,
    ] {
        let seen = bit != ColumnChanges::COMMENT || keeps_comments;
        if changes.contains(bit) && seen {
            real.insert(bit);
        }
    }
    real
}

/// `from` with the flagged attributes taken from `to`: what an `AlterColumn` leaves behind.
/// The diff builds its ops' `to` this way, so that an attribute the dialect ignores is not
/// claimed changed (the reverse op would then describe the column wrongly); the replay
/// ([`replay`](mod@crate::replay)) applies ops this way, as renderers emit one clause per
/// flag.
pub(crate) fn with_changes(from: &Column, to: &Column, changes: ColumnChanges) -> Column {
    let mut column = from.clone();
    if changes.contains(ColumnChanges::TYPE) {
        column.ty = to.ty.clone();
    }
    if changes.contains(ColumnChanges::NULLABLE) {
        column.nullable = to.nullable;
    }
    if changes.contains(ColumnChanges::DEFAULT) {
        column.default = to.default.clone();
    }
    if changes.contains(ColumnChanges::IDENTITY) {
        column.identity = to.identity;
        column.identity_sequence = to.identity_sequence;
        column.autoincrement = to.autoincrement;
    }
    if changes.contains(ColumnChanges::COLLATION) {
        column.collation = to.collation.clone();
    }
    if changes.contains(ColumnChanges::COMMENT) {
        column.comment = to.comment.clone();
    }
    if changes.contains(ColumnChanges::GENERATED) {
        column.generated = to.generated.clone();
        column.generated_virtual = to.generated_virtual;
    }
    column
}
