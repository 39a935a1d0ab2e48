//! The table walk: tables created, dropped or kept, and for kept ones their comment plus
//! the column and constraint diffs. Foreign keys come in a second pass, once every column
//! type change and every dropped key is known, because those break foreign keys elsewhere.

use schema_runtime::schema::{Schema, Table};

use super::order::Plan;
use super::renames::Renames;
use super::walk::{Ctx, Effects};
use super::{columns, constraints, DiffOptions};
use crate::change::Op;

/// Adds the table-level ops to the plan.
pub(super) fn diff(
    current: &Schema,
    renames: &Renames<'_>,
    target: &Schema,
    options: &DiffOptions,
    plan: &mut Plan,
) {
    let ctx = Ctx {
        current,
        renames,
        options,
    };
    let view = &renames.view;
    let mut effects = Effects::default();
    for wanted in &target.tables {
        match view.table(&wanted.name) {
            Some(existing) => {
                columns::diff(&ctx, existing, wanted, plan, &mut effects);
                constraints::keys(&ctx, existing, wanted, plan, &mut effects);
                comment(&ctx, existing, wanted, plan);
                partitioning(existing, wanted, plan);
            }
            None => create(wanted, plan),
        }
    }
    for existing in &view.tables {
        if target.table(&existing.name).is_none() {
            drop(&ctx, existing, plan);
        }
    }
    for wanted in &target.tables {
        if let Some(existing) = view.table(&wanted.name) {
            constraints::foreign_keys(&ctx, existing, wanted, &effects, plan);
        }
    }
}

/// A new table: the table itself, then its indexes and foreign keys as ops of their own.
fn create(wanted: &Table, plan: &mut Plan) {
    plan.create_tables.push(without_hints(wanted));
    for index in &wanted.indexes {
        plan.add_keys.push(Op::CreateIndex {
            table: wanted.name.clone(),
            index: index.clone(),
        });
    }
    for fk in &wanted.foreign_keys {
        plan.add_foreign_keys.push(Op::AddForeignKey {
            table: wanted.name.clone(),
            foreign_key: fk.clone(),
        });
    }
}

/// A table the target no longer has. Its foreign keys and indexes are dropped as ops of
/// their own first, so that the reversed list (whose `CreateTable` has neither) gets them
/// back; foreign keys of other tables that point at it go away in their own tables' diff.
fn drop(ctx: &Ctx<'_>, existing: &Table, plan: &mut Plan) {
    let original = ctx.original(existing);
    for fk in &original.foreign_keys {
        plan.drop_foreign_keys.push(Op::DropForeignKey {
            table: original.name.clone(),
            foreign_key: fk.clone(),
        });
    }
    for index in &original.indexes {
        plan.drop_keys.push(Op::DropIndex {
            table: original.name.clone(),
            index: index.clone(),
        });
    }
    plan.drop_tables.push(existing.clone());
}

/// Another partition key, or partitioning that comes or goes: drift, which no renderer
/// writes (see [`Op::SetPartitioning`]). The partitions themselves are not compared.
fn partitioning(existing: &Table, wanted: &Table, plan: &mut Plan) {
    if existing.partition_by != wanted.partition_by {
        plan.alter_columns.push(Op::SetPartitioning {
            table: wanted.name.clone(),
            from: existing.partition_by.clone(),
            to: wanted.partition_by.clone(),
        });
    }
}

fn comment(ctx: &Ctx<'_>, existing: &Table, wanted: &Table, plan: &mut Plan) {
    if existing.comment != wanted.comment && ctx.options.hooks.has_comments() {
        plan.comments.push(Op::SetTableComment {
            table: wanted.name.clone(),
            from: existing.comment.clone(),
            to: wanted.comment.clone(),
        });
    }
}

/// `table` without the models' hints: an op carries the table as the database will have
/// it, and the hints have done their job once renames are resolved. The walk reads the
/// target with its hints (`conventional_names` says which names the convention gave), and
/// strips them from what it copies into an op.
fn without_hints(table: &Table) -> Table {
    let mut table = table.clone();
    table.renamed_from = None;
    table.conventional_names.clear();
    for column in &mut table.columns {
        column.renamed_from = None;
    }
    table
}
