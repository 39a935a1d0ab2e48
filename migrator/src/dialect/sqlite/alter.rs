//! What SQLite's `ALTER TABLE` can do in place, and so which ops need the table rebuilt:
//! asked by the renderer (which writes the rebuild) and by the safety analysis (for which
//! a rebuild copies every row).

use schema_runtime::schema::{Column, Schema, Table};

use super::render::table;
use crate::change::{ColumnChanges, Op};

/// Whether `op` on a table in `schema` needs the table rebuilt.
pub fn needs_rebuild(schema: &Schema, op: &Op) -> bool {
    match op {
        Op::AlterColumn { changes, .. } => {
            let mut cosmetic = ColumnChanges::empty();
            cosmetic.insert(ColumnChanges::COMMENT);
            !changes.is_empty() && !cosmetic.contains(*changes)
        }
        Op::AddColumn { column, .. } => !can_add_column(column),
        Op::DropColumn { table, column } => schema
            .table(table)
            .is_none_or(|t| column_is_constrained(t, &column.name)),
        Op::AddPrimaryKey { .. }
        | Op::DropPrimaryKey { .. }
        | Op::AddUnique { .. }
        | Op::DropUnique { .. }
        | Op::AddForeignKey { .. }
        | Op::DropForeignKey { .. }
        | Op::AddCheck { .. }
        | Op::DropCheck { .. }
        | Op::RenameConstraint { .. } => true,
        _ => false,
    }
}

/// `ALTER TABLE ... ADD COLUMN` takes no key, and no default that is an expression or a
/// `CURRENT_*` keyword; a NOT NULL column needs a default that is not NULL.
fn can_add_column(column: &Column) -> bool {
    // `ADD COLUMN` takes a VIRTUAL generated column only; a STORED one needs the rebuild.
    if column.identity.is_some() || (column.generated.is_some() && !column.generated_virtual) {
        return false;
    }
    if column.generated.is_some() {
        return true;
    }
    match &column.default {
        Some(default) => {
            let upper = default.trim().to_ascii_uppercase();
            table::is_literal(default)
                && !upper.starts_with("CURRENT_")
                && (column.nullable || upper != "NULL")
        }
        None => column.nullable,
    }
}

/// Whether `ALTER TABLE ... DROP COLUMN` would refuse the column: it is part of a key, a
/// unique, an index or a foreign key, or a check mentions it.
fn column_is_constrained(table: &Table, column: &str) -> bool {
    let named = |columns: &[String]| columns.iter().any(|c| c == column);
    table
        .primary_key
        .as_ref()
        .is_some_and(|k| named(&k.columns))
        || table.uniques.iter().any(|u| named(&u.columns))
        || table.foreign_keys.iter().any(|f| named(&f.columns))
        || table.indexes.iter().any(|i| {
            i.column_names().any(|c| c == column)
                || i.predicate.as_deref().is_some_and(|p| p.contains(column))
                || i.parts.len() != i.column_names().count()
        })
        || table.checks.iter().any(|c| c.expression.contains(column))
}
