//! Turning ops into SQL for a dialect: the [`Plan`] of a list of ops (each op with its
//! statements and the statements that undo it, rendered in one pass), views of it (the
//! `up` statements, the `down` statements: the reverses, last op first), and the script
//! text that goes into a revision file's `-- +up` / `-- +down` sections. Which SQL each op
//! becomes is the dialect's business: each implements [`Renderer`] (in its
//! `dialect/<db>/driver.rs`, over its `render` module); this module asks the registered
//! one, keeps the statements of one op together, and joins them.
//!
//! Rendering is pure: no connection, no I/O.

mod error;
mod renderer;
mod script;

pub use error::RenderError;
pub use renderer::{plan_each, Renderer};
pub use script::render_script;

use schema_runtime::schema::Schema;

use crate::change::Op;
use crate::dialect::{Dialect, Statement};
use crate::plan::Plan;

/// The `up` statements of `ops`, in order, rendered without the schema they start from
/// (the commands of [`plan_without_schema`]).
pub fn render(dialect: Dialect, ops: &[Op]) -> Result<Vec<Statement>, RenderError> {
    Ok(plan_without_schema(dialect, ops)?.up())
}

/// The `down` statements of `ops`: each op's reverse, last op first (the reverses of
/// [`plan_without_schema`]). An op the database cannot undo becomes a comment-only
/// statement saying so ([`Statement::is_comment_only`]).
pub fn render_down(dialect: Dialect, ops: &[Op]) -> Result<Vec<Statement>, RenderError> {
    Ok(plan_without_schema(dialect, ops)?.down())
}

/// The plan of `ops` for `dialect`, rendered against the schema they start from. SQLite
/// needs it: what its `ALTER TABLE` cannot do is a table rebuild, which writes the table's
/// whole definition. MySQL checks the column types of the keys the ops add against it (a
/// key over `longtext` would fail halfway through a revision there). PostgreSQL ignores it.
pub fn plan(dialect: Dialect, current: &Schema, ops: &[Op]) -> Result<Plan, RenderError> {
    let plan = crate::dialect::driver(dialect).plan(current, ops)?;
    tracing::debug!(%dialect, ops = ops.len(), "rendered up and down statements");
    Ok(plan)
}

/// The plan of `ops` for `dialect` without the schema they start from: each op on its own
/// ([`plan_each`] over the registered renderer). SQLite refuses here the ops that need a
/// table rebuild, with a typed error.
pub fn plan_without_schema(dialect: Dialect, ops: &[Op]) -> Result<Plan, RenderError> {
    plan_each(crate::dialect::driver(dialect), ops)
}

/// The `up` statements of [`plan`], one group per op in op order, for [`render_script`] and
/// for callers that run the statements without writing a revision (tests, a model built
/// on an empty database).
pub fn render_groups_from(
    dialect: Dialect,
    current: &Schema,
    ops: &[Op],
) -> Result<Vec<Vec<Statement>>, RenderError> {
    Ok(plan(dialect, current, ops)?.up_groups())
}

#[cfg(test)]
mod tests {
    use super::*;
    use schema_runtime::schema::QualifiedName;

    fn add_value() -> Op {
        Op::AddEnumValue {
            name: QualifiedName::new("status"),
            value: "refunded".into(),
            before: None,
        }
    }

    #[test]
    fn sqlite_needs_the_current_schema_for_a_rebuild() {
        use schema_runtime::schema::CheckConstraint;
        let op = Op::AddCheck {
            table: QualifiedName::new("t"),
            check: CheckConstraint {
                name: "ck_t_x".into(),
                expression: "x > 0".into(),
                not_valid: false,
            },
        };
        assert!(matches!(
            render(Dialect::Sqlite, &[op]),
            Err(RenderError::NotExpressible {
                dialect: Dialect::Sqlite,
                ..
            })
        ));
        assert!(render(Dialect::Sqlite, &[add_value()]).unwrap().is_empty());
    }

    #[test]
    fn the_default_plan_is_each_op_with_its_reverse_and_the_views_read_it() {
        use schema_runtime::schema::EnumType;
        let ops = vec![
            Op::CreateEnum {
                enum_type: EnumType {
                    name: QualifiedName::new("status"),
                    values: vec!["paid".into()],
                    comment: None,
                },
            },
            add_value(),
        ];
        let renderer = crate::dialect::driver(Dialect::Postgresql);
        let plan = plan(Dialect::Postgresql, &Schema::default(), &ops).unwrap();
        assert_eq!(plan.changes().len(), ops.len());
        for (change, op) in plan.changes().iter().zip(&ops) {
            assert_eq!(&change.source, op);
            assert_eq!(change.cmd, renderer.render_op(op));
            assert_eq!(change.reverse, renderer.render_reverse(op));
        }
        assert!(plan.changes()[1].reverse[0].is_comment_only());
        assert_eq!(render(Dialect::Postgresql, &ops).unwrap(), plan.up());
        assert_eq!(render_down(Dialect::Postgresql, &ops).unwrap(), plan.down());
        assert_eq!(
            render_groups_from(Dialect::Postgresql, &Schema::default(), &ops).unwrap(),
            plan.up_groups()
        );
        // The down section undoes the enum value (a comment) before the type.
        assert!(plan.down()[0].is_comment_only() && !plan.down()[1].is_comment_only());
    }

    #[test]
    fn comment_statements_are_recognised_and_cannot_smuggle_sql() {
        let comment = Statement::comment("first\nDROP TABLE x");
        assert_eq!(comment.sql, "-- first\n-- DROP TABLE x");
        assert!(comment.is_comment_only());
        assert!(!Statement::new("-- note\nDROP TABLE x").is_comment_only());
        assert!(!Statement::new("SELECT 1").is_comment_only());
    }

    #[test]
    fn scripts_separate_op_groups_and_leave_comments_unterminated() {
        let groups = vec![
            vec![Statement::new("SELECT 1"), Statement::new("SELECT 2")],
            vec![],
            vec![Statement::comment("nothing to do")],
            vec![Statement::new("SELECT 3")],
        ];
        assert_eq!(
            render_script(&groups),
            "SELECT 1;\nSELECT 2;\n\n-- nothing to do\n\nSELECT 3;\n"
        );
    }

    #[test]
    fn down_of_an_irreversible_op_is_a_comment() {
        let down = render_down(Dialect::Postgresql, &[add_value()]).unwrap();
        assert_eq!(down.len(), 1);
        assert!(down[0].is_comment_only(), "{}", down[0].sql);
    }
}
