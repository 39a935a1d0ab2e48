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
//! 6. `ADD GENERATED ... AS IDENTITY` / `SET GENERATED ...`; a new identity's sequence
//!    starts at 1 whatever the column holds, so it is moved past the existing values
//!    (`setval`), or the first insert after the migration would collide with a kept row;
//! 7. `COMMENT ON COLUMN`.

use schema_runtime::schema::{Column, QualifiedName};

use super::quote::{quote_ident, quote_literal, quote_name};
use super::table::{comment_on_column, identity_keywords, sequence_options};
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
            let start = to.identity_sequence.map_or(1, |s| s.start);
            if from.identity.is_none() {
                statements.push(alter(format!(
                    "ADD GENERATED {keywords} AS IDENTITY{}",
                    sequence_options(to.identity_sequence)
                )));
                statements.push(identity_past_existing_values(table, &to.name, start));
            } else {
                if from.identity != to.identity {
                    statements.push(alter(format!("SET GENERATED {keywords}")));
                }
                if from.identity_sequence != to.identity_sequence {
                    // The next value stays where it is: START WITH is where a RESTART goes.
                    let increment = to.identity_sequence.map_or(1, |s| s.increment);
                    statements.push(alter(format!(
                        "SET START WITH {start} SET INCREMENT BY {increment}"
                    )));
                }
            }
        }
    }
    // Only going is possible in place (a new or changed expression is refused before
    // rendering, by `validate`): the column keeps its values and becomes a plain one.
    if changes.contains(ColumnChanges::GENERATED) && to.generated.is_none() {
        statements.push(alter("DROP EXPRESSION".into()));
    }
    if changes.contains(ColumnChanges::COMMENT) {
        statements.push(comment_on_column(table, &to.name, to.comment.as_deref()));
    }
    statements
}

/// Moves a new identity's sequence past the values the column already holds (to 1 on an
/// empty table; `GREATEST` ignores the NULL `MAX` of no rows and keeps negative keys from
/// asking for a value below the sequence's minimum).
fn identity_past_existing_values(table: &QualifiedName, column: &str, start: i64) -> Statement {
    // The table argument is parsed like SQL (so it is quoted); the column one is taken as is.
    let next = if start == 1 {
        format!("GREATEST(MAX({}), 0) + 1", quote_ident(column))
    } else {
        format!("GREATEST(MAX({}) + 1, {start})", quote_ident(column))
    };
    Statement::new(format!(
        "SELECT setval(pg_get_serial_sequence({}, {}), {next}, false) FROM {}",
        quote_literal(&quote_name(table)),
        quote_literal(column),
        quote_name(table)
    ))
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

#[cfg(test)]
mod tests {
    use schema_runtime::schema::{ColumnType, Identity};

    use super::*;

    #[test]
    fn a_new_identity_starts_past_the_existing_values() {
        let table = QualifiedName::with_schema("Audit", "Order's");
        let from = Column::new("Id", ColumnType::BigInt);
        let mut to = from.clone();
        to.identity = Some(Identity::ByDefault);
        let sql: Vec<String> = alter_column(&table, &from, &to, ColumnChanges::IDENTITY)
            .into_iter()
            .map(|s| s.sql)
            .collect();
        assert_eq!(
            sql,
            [
                r#"ALTER TABLE "Audit"."Order's" ALTER COLUMN "Id" ADD GENERATED BY DEFAULT AS IDENTITY"#,
                r#"SELECT setval(pg_get_serial_sequence('"Audit"."Order''s"', 'Id'), GREATEST(MAX("Id"), 0) + 1, false) FROM "Audit"."Order's""#,
            ]
        );
        // Switching the kind of an existing identity keeps its sequence where it is.
        let mut always = to.clone();
        always.identity = Some(Identity::Always);
        let sql = alter_column(&table, &to, &always, ColumnChanges::IDENTITY);
        assert_eq!(sql.len(), 1);
    }
}
