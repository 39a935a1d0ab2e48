//! `ALTER TABLE ... ALTER COLUMN`: one statement per changed aspect, in an order that
//! PostgreSQL accepts whatever combination changed.
//!
//! The order, and why:
//! 1. `DROP DEFAULT` when the default goes away, or before a type or collation change (the
//!    old default may not cast to the new type) or before identity is added (an identity
//!    column cannot have a default);
//! 2. `DROP IDENTITY IF EXISTS` before `DROP NOT NULL` and `SET DEFAULT`, which an identity
//!    column refuses;
//! 3. `TYPE t [COLLATE c] [USING "col"::t]` (collation changes ride on `TYPE`);
//! 4. `SET DEFAULT` (re-set after a type change even when the default itself did not move);
//! 5. `SET NOT NULL` / `DROP NOT NULL`, before identity is added, which needs NOT NULL;
//! 6. `ADD GENERATED ... AS IDENTITY` / `SET GENERATED ...`;
//! 7. `COMMENT ON COLUMN`.

use schema_runtime::schema::{Column, QualifiedName};

use super::quote::{quote_ident, quote_name};
use super::table::{comment_on_column, identity_keywords};
use super::types::{needs_using, render_type, using_cast};
use crate::change::ColumnChanges;
use crate::dialect::Statement;

/// The statements that turn column `from` into column `to`, for the aspects in `changes`.
pub fn alter_column(
    table: &QualifiedName,
    from: &Column,
    to: &Column,
    changes: ColumnChanges,
) -> Vec<Statement> {
    let retype =
        changes.contains(ColumnChanges::TYPE) || changes.contains(ColumnChanges::COLLATION);
    let adds_identity = changes.contains(ColumnChanges::IDENTITY)
        && from.identity.is_none()
        && to.identity.is_some();
    let default_moves = changes.contains(ColumnChanges::DEFAULT);
    // Dropped ahead of the change that would trip over it; set again afterwards if wanted.
    let drop_default_first = from.default.is_some()
        && ((default_moves && to.default.is_none()) || retype || adds_identity);

    let alter = |action: String| {
        Statement::new(format!(
            "ALTER TABLE {} ALTER COLUMN {} {action}",
            quote_name(table),
            quote_ident(&to.name)
        ))
    };
    let mut statements = Vec::new();
    if drop_default_first {
        statements.push(alter("DROP DEFAULT".into()));
    }
    if changes.contains(ColumnChanges::IDENTITY) && from.identity.is_some() && to.identity.is_none()
    {
        statements.push(alter("DROP IDENTITY IF EXISTS".into()));
    }
    if retype {
        statements.push(alter(type_action(from, to)));
    }
    if let Some(default) = &to.default {
        if default_moves || drop_default_first {
            statements.push(alter(format!("SET DEFAULT {default}")));
        }
    }
    if changes.contains(ColumnChanges::NULLABLE) {
        statements.push(alter(
            if to.nullable {
                "DROP NOT NULL"
            } else {
                "SET NOT NULL"
            }
            .into(),
        ));
    }
    if changes.contains(ColumnChanges::IDENTITY) {
        if let Some(identity) = to.identity {
            let keywords = identity_keywords(identity);
            statements.push(alter(if from.identity.is_some() {
                format!("SET GENERATED {keywords}")
            } else {
                format!("ADD GENERATED {keywords} AS IDENTITY")
            }));
        }
    }
    if changes.contains(ColumnChanges::COMMENT) {
        statements.push(comment_on_column(table, &to.name, to.comment.as_deref()));
    }
    statements
}

/// `TYPE t [COLLATE c] [USING "col"::t]` (through `::text` from an enum).
///
/// `COLLATE` is spelled whenever the target has a collation (a bare `TYPE` would reset it
/// to the type's default), and as `COLLATE "default"` when a collation is being removed,
/// so the reviewer sees that the statement is about the collation.
fn type_action(from: &Column, to: &Column) -> String {
    let ty = render_type(&to.ty);
    let mut action = format!("TYPE {ty}");
    match (&from.collation, &to.collation) {
        (_, Some(collation)) => action.push_str(&format!(" COLLATE {}", quote_ident(collation))),
        (Some(_), None) => action.push_str(" COLLATE \"default\""),
        (None, None) => {}
    }
    if needs_using(&from.ty, &to.ty) {
        action.push_str(&format!(
            " USING {}",
            using_cast(&to.name, &from.ty, &to.ty)
        ));
    }
    action
}
