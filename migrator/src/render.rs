//! Turning ops into SQL for a dialect: the [`Plan`] of a list of ops (each op with its
//! statements and the statements that undo it, rendered in one pass), views of it (the
//! `up` statements, the `down` statements: the reverses, last op first), and the script
//! text that goes into a revision file's `-- +up` / `-- +down` sections. Which SQL each op
//! becomes is the dialect's business: each implements [`Renderer`] (in its
//! `dialect/<db>/driver.rs`, over its `render` module); this module asks the registered
//! one, keeps the statements of one op together, and joins them.
//!
//! Rendering is pure: no connection, no I/O.

use thiserror::Error;

use schema_runtime::schema::{QualifiedName, Schema};

use crate::change::Op;
use crate::dialect::{Dialect, Statement};
use crate::plan::{Plan, PlannedChange};

/// Why ops could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RenderError {
    /// The dialect cannot express what an op asks for (an array column or a namespace on
    /// SQLite or MySQL), or cannot render it without more context.
    #[error("cannot {op} on {dialect}: {reason}")]
    NotExpressible {
        /// The dialect asked for.
        dialect: Dialect,
        /// The op, described in words.
        op: String,
        /// What the dialect lacks and what to change, naming the model's table and column.
        reason: String,
    },
    /// This build does not include the database kind (a cargo feature of `migrator`).
    #[error(
        "this build cannot write SQL for {dialect}: it was compiled without the `{feature}` \
         feature of the migrator crate"
    )]
    NotCompiled {
        /// The dialect asked for.
        dialect: Dialect,
        /// The cargo feature that adds it.
        feature: &'static str,
    },
    /// A name the database would truncate, refuse or misread.
    #[error(
        "cannot {op}: the {kind} name {name:?} ({bytes} bytes) {problem}; rename it in the model"
    )]
    InvalidName {
        /// The op, described in words.
        op: String,
        /// What the name names (`table`, `column`, `enum value`, ...).
        kind: &'static str,
        /// The name as given.
        name: String,
        /// Its length in bytes (the unit of PostgreSQL's limit).
        bytes: usize,
        /// What is wrong with it.
        problem: &'static str,
    },
}

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

/// What rendering asks of a database kind: the SQL of one op and of its reverse, the
/// refusal of what it cannot hold, and the [`Plan`] of a whole list against the schema it
/// starts from, where an op's SQL depends on that schema or on its neighbours.
pub trait Renderer: Sync {
    /// An identifier as this database quotes it.
    fn quote_ident(&self, name: &str) -> String;

    /// A possibly schema-qualified name as this database quotes it.
    fn quote_name(&self, name: &QualifiedName) -> String;

    /// Refuses an op this database cannot hold, naming what to change in the model.
    fn validate(&self, op: &Op) -> Result<(), RenderError>;

    /// The statements of one op.
    fn render_op(&self, op: &Op) -> Vec<Statement>;

    /// The statements that undo one op; a comment-only statement where nothing can.
    fn render_reverse(&self, op: &Op) -> Vec<Statement>;

    /// The plan of `ops` applied to `current`: for each op, its statements, the statements
    /// that undo it, and the op, in one pass, so that the `up` and `down` sections and
    /// everything that reads the ops come from one rendering. By default the schema is not
    /// needed and each op is rendered on its own ([`plan_each`]).
    fn plan(&self, _current: &Schema, ops: &[Op]) -> Result<Plan, RenderError> {
        plan_each(self, ops)
    }
}

/// Each op validated, rendered and reversed on its own, in op order: the plan of a
/// database whose SQL for an op depends neither on the schema nor on the other ops.
pub fn plan_each<R: Renderer + ?Sized>(renderer: &R, ops: &[Op]) -> Result<Plan, RenderError> {
    let changes = ops
        .iter()
        .map(|op| {
            renderer.validate(op)?;
            Ok(PlannedChange {
                cmd: renderer.render_op(op),
                reverse: renderer.render_reverse(op),
                source: op.clone(),
            })
        })
        .collect::<Result<Vec<_>, RenderError>>()?;
    Ok(Plan::new(changes))
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

/// The text of a revision file section: each statement followed by `;` and a newline, a
/// blank line between the groups of different ops. Comment-only statements get no `;`
/// (after a `--` comment it would be part of the comment). Empty groups are left out.
///
/// Takes groups rather than a flat list because a flat list has lost where one op ends and
/// the next begins, which is what the blank lines show the reviewer.
pub fn render_script(groups: &[Vec<Statement>]) -> String {
    groups
        .iter()
        .filter(|group| !group.is_empty())
        .map(|group| group.iter().map(terminated).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

fn terminated(statement: &Statement) -> String {
    if statement.is_comment_only() {
        format!("{}\n", statement.sql)
    } else {
        format!("{};\n", statement.sql)
    }
}

// Defined here rather than next to `Statement` because comment-only statements exist for
// rendering's sake; the executor only needs to recognise them.
impl Statement {
    /// A statement that runs nothing: `text` as `--` comment lines, for what a reviewer
    /// must read in a script but the database must not run (an irreversible `down`).
    pub fn comment(text: &str) -> Self {
        let sql = if text.is_empty() {
            "--".to_owned()
        } else {
            text.lines()
                .map(|line| format!("-- {line}"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        Self::new(sql)
    }

    /// True when the SQL holds nothing but blank lines and `--` comments, so an executor
    /// skips it. Read from the text, so statements parsed back from a revision file are
    /// recognised too.
    pub fn is_comment_only(&self) -> bool {
        self.sql.lines().all(|line| {
            let line = line.trim_start();
            line.is_empty() || line.starts_with("--")
        })
    }
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
