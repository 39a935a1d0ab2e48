//! PostgreSQL DDL for every [`Op`]: deterministic, reviewer-readable SQL in which every
//! identifier is double-quoted and every value single-quoted. Names with a schema are
//! qualified; names without one are left to `search_path` (`public`).
//!
//! Expressions the schema model holds as SQL (defaults, check expressions, index
//! predicates and expression keys) are written verbatim: they are SQL already.
//!
//! Every statement is marked transactional. One caveat: a value added by
//! `ALTER TYPE ... ADD VALUE` cannot be used in the transaction that added it (PostgreSQL
//! 12+); [`adds_enum_value`] finds those statements so that an executor can commit after
//! them.

mod alter;
mod enums;
mod index;
mod quote;
mod table;
mod types;
mod validate;

pub use enums::adds_enum_value;
pub use quote::{quote_ident, quote_literal, quote_name};
pub use types::{needs_using, render_type};
pub use validate::{validate, MAX_IDENTIFIER_BYTES};

use crate::change::Op;
use crate::dialect::{Dialect, Statement};

/// The statements that carry out one op, in the order they must run.
pub fn render_op(op: &Op) -> Vec<Statement> {
    match op {
        Op::CreateNamespace { name } => vec![Statement::new(format!(
            "CREATE SCHEMA IF NOT EXISTS {}",
            quote_ident(name)
        ))],
        Op::CreateEnum { enum_type } => enums::create_enum(enum_type),
        Op::DropEnum { enum_type } => vec![enums::drop_enum(&enum_type.name)],
        Op::AddEnumValue {
            name,
            value,
            before,
        } => vec![enums::add_enum_value(name, value, before.as_deref())],
        Op::ReplaceEnumValues {
            name, to, columns, ..
        } => enums::replace_enum_values(name, to, columns),
        Op::SetEnumComment { name, to, .. } => vec![enums::comment_on_type(name, to.as_deref())],
        Op::CreateTable { table } => table::create_table(table),
        Op::DropTable { table } => vec![Statement::new(format!(
            "DROP TABLE {}",
            quote_name(&table.name)
        ))],
        Op::RenameTable { from, to } => {
            table::rename_table(from, to, Dialect::Postgresql.default_namespace())
        }
        Op::SetTableComment { table, to, .. } => {
            vec![table::comment_on_table(table, to.as_deref())]
        }
        Op::AddColumn { table, column } => table::add_column(table, column),
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
        Op::AlterColumn {
            table,
            from,
            to,
            changes,
        } => alter::alter_column(table, from, to, *changes),
        Op::AddPrimaryKey { table, key } => {
            vec![table::add_constraint(table, table::primary_key_clause(key))]
        }
        Op::DropPrimaryKey { table, key } => vec![table::drop_constraint(table, &key.name)],
        Op::CreateIndex { table, index } => vec![index::create_index(table, index)],
        Op::DropIndex { table, index } => vec![index::drop_index(table, &index.name)],
        Op::RenameIndex { table, from, to } => vec![index::rename_index(table, from, to)],
        Op::RenameConstraint { table, from, to } => vec![table::rename_constraint(table, from, to)],
        Op::AddUnique { table, unique } => {
            vec![table::add_constraint(table, table::unique_clause(unique))]
        }
        Op::DropUnique { table, unique } => vec![table::drop_constraint(table, &unique.name)],
        Op::AddForeignKey { table, foreign_key } => vec![table::add_constraint(
            table,
            table::foreign_key_clause(foreign_key),
        )],
        Op::DropForeignKey { table, foreign_key } => {
            vec![table::drop_constraint(table, &foreign_key.name)]
        }
        Op::AddCheck { table, check } => {
            vec![table::add_constraint(table, table::check_clause(check))]
        }
        Op::DropCheck { table, check } => vec![table::drop_constraint(table, &check.name)],
        Op::ValidateConstraint { table, constraint } => vec![Statement::new(format!(
            "ALTER TABLE {} VALIDATE CONSTRAINT {}",
            quote_name(table),
            quote_ident(constraint.name())
        ))],
        // Refused by `validate`; nothing is written if it is ever reached.
        Op::SetPartitioning { .. } => Vec::new(),
        Op::AddExclusion { table, exclusion } => {
            vec![table::add_constraint(
                table,
                table::exclusion_clause(exclusion),
            )]
        }
        Op::DropExclusion { table, exclusion } => {
            vec![table::drop_constraint(table, &exclusion.name)]
        }
    }
}

/// The statements that undo one op: the rendering of [`Op::reverse`], or, for an op
/// PostgreSQL cannot undo, one comment-only statement (see
/// [`Statement::is_comment_only`]) that says so where a reviewer reads the `down` section.
pub fn render_reverse(op: &Op) -> Vec<Statement> {
    match op.reverse() {
        Some(reverse) => render_op(&reverse),
        None => vec![Statement::comment(&irreversible(op))],
    }
}

/// Why `op` has no reverse, as one line.
fn irreversible(op: &Op) -> String {
    match op {
        Op::AddEnumValue { name, value, .. } => enums::irreversible_add_enum_value(name, value),
        Op::CreateNamespace { name } => format!(
            "irreversible: schema {} is kept, since it may hold objects the models do not \
             manage; drop it by hand once it is empty",
            quote::escape_controls(&quote_ident(name))
        ),
        Op::ValidateConstraint { constraint, .. } => format!(
            "irreversible: constraint {} stays validated (the rows were checked; nothing \
             marks it NOT VALID again short of dropping it and adding it back NOT VALID)",
            quote::escape_controls(&quote_ident(constraint.name()))
        ),
        other => format!("irreversible: {}", other.describe()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_namespace_is_created_if_missing_and_kept_on_the_way_down() {
        let op = Op::CreateNamespace {
            name: "Audit \"log\"".into(),
        };
        let up = render_op(&op);
        assert_eq!(up.len(), 1);
        assert_eq!(up[0].sql, r#"CREATE SCHEMA IF NOT EXISTS "Audit ""log""""#);
        let down = render_reverse(&op);
        assert_eq!(down.len(), 1);
        assert!(down[0].is_comment_only(), "{}", down[0].sql);
        assert!(down[0].sql.contains("schema \"Audit \"\"log\"\"\" is kept"));
        assert!(validate(&Op::CreateNamespace {
            name: "n".repeat(64)
        })
        .is_err());
    }
}
