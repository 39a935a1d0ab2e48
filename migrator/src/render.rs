//! Turning ops into SQL for a dialect: the `up` rendering of a list of ops, the `down`
//! rendering (the reverses, in reverse order), and the script text that goes into a
//! revision file's `-- +up` / `-- +down` sections. Which SQL each op becomes is the
//! dialect's business (`dialect::postgres::render`); this module only dispatches, keeps the
//! statements of one op together, and joins them.
//!
//! Rendering is pure: no connection, no I/O.

use thiserror::Error;

use schema_runtime::schema::Schema;

use crate::change::Op;
use crate::dialect::{mysql, postgres, sqlite, Dialect, Statement};

/// Why ops could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RenderError {
    /// The dialect has no renderer yet.
    #[error(
        "cannot write SQL for {dialect} yet: only postgresql histories can be generated for now"
    )]
    UnsupportedDialect {
        /// The dialect asked for.
        dialect: Dialect,
    },
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

/// The `up` statements of `ops`, in order.
pub fn render(dialect: Dialect, ops: &[Op]) -> Result<Vec<Statement>, RenderError> {
    Ok(render_groups(dialect, ops)?.into_iter().flatten().collect())
}

/// The `down` statements of `ops`: each op's reverse, last op first. An op the database
/// cannot undo becomes a comment-only statement saying so ([`Statement::is_comment_only`]).
pub fn render_down(dialect: Dialect, ops: &[Op]) -> Result<Vec<Statement>, RenderError> {
    Ok(render_down_groups(dialect, ops)?
        .into_iter()
        .flatten()
        .collect())
}

/// Like [`render`], with the statements of each op kept together (one group per op, in op
/// order), for [`render_script`].
pub fn render_groups(dialect: Dialect, ops: &[Op]) -> Result<Vec<Vec<Statement>>, RenderError> {
    let backend = Backend::for_dialect(dialect)?;
    let groups = ops
        .iter()
        .map(|op| {
            (backend.validate)(op)?;
            Ok((backend.render_op)(op))
        })
        .collect::<Result<Vec<_>, RenderError>>()?;
    tracing::debug!(%dialect, ops = ops.len(), "rendered up statements");
    Ok(groups)
}

/// Like [`render_down`], with the statements of each reversed op kept together (one group
/// per op, last op first), for [`render_script`].
pub fn render_down_groups(
    dialect: Dialect,
    ops: &[Op],
) -> Result<Vec<Vec<Statement>>, RenderError> {
    let backend = Backend::for_dialect(dialect)?;
    let groups = ops
        .iter()
        .rev()
        .map(|op| {
            (backend.validate)(op)?;
            Ok((backend.render_reverse)(op))
        })
        .collect::<Result<Vec<_>, RenderError>>()?;
    tracing::debug!(%dialect, ops = ops.len(), "rendered down statements");
    Ok(groups)
}

/// Like [`render_groups`], rendered against the schema the ops start from. SQLite needs it:
/// what its `ALTER TABLE` cannot do is a table rebuild, which writes the table's whole
/// definition. MySQL checks the column types of the keys the ops add against it (a key
/// over `longtext` would fail halfway through a revision there). PostgreSQL ignores it.
pub fn render_groups_from(
    dialect: Dialect,
    current: &Schema,
    ops: &[Op],
) -> Result<Vec<Vec<Statement>>, RenderError> {
    match dialect {
        Dialect::Sqlite => sqlite::render::render_groups(current, ops),
        Dialect::Mysql => {
            // Ops that do not apply to `current` are the diff's to explain, not this check's.
            if let Ok(after) = crate::diff::simulate_for(dialect, current, ops) {
                mysql::render::validate_keys(&after, ops)?;
            }
            let mut up = render_groups(dialect, ops)?;
            mysql::render::join_identity_keys_up(ops, &mut up);
            Ok(up)
        }
        Dialect::Postgresql => render_groups(dialect, ops),
    }
}

/// Like [`render_down_groups`], rendered against the schema the ops start from (see
/// [`render_groups_from`]).
pub fn render_down_groups_from(
    dialect: Dialect,
    current: &Schema,
    ops: &[Op],
) -> Result<Vec<Vec<Statement>>, RenderError> {
    match dialect {
        Dialect::Sqlite => sqlite::render::render_down_groups(current, ops),
        Dialect::Mysql => {
            let mut down = render_down_groups(dialect, ops)?;
            mysql::render::join_identity_keys_down(ops, &mut down);
            Ok(down)
        }
        Dialect::Postgresql => render_down_groups(dialect, ops),
    }
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

/// What rendering asks of a dialect. Adding a dialect adds an arm to
/// [`Backend::for_dialect`], nothing else here.
struct Backend {
    validate: fn(&Op) -> Result<(), RenderError>,
    render_op: fn(&Op) -> Vec<Statement>,
    render_reverse: fn(&Op) -> Vec<Statement>,
}

impl Backend {
    fn for_dialect(dialect: Dialect) -> Result<Self, RenderError> {
        match dialect {
            Dialect::Postgresql => Ok(Self {
                validate: postgres::render::validate,
                render_op: postgres::render::render_op,
                render_reverse: postgres::render::render_reverse,
            }),
            Dialect::Mysql => Ok(Self {
                validate: mysql::render::validate,
                render_op: mysql::render::render_op,
                render_reverse: mysql::render::render_reverse,
            }),
            Dialect::Sqlite => Ok(Self {
                validate: sqlite::render::validate_without_schema,
                render_op: sqlite::render::render_op,
                render_reverse: sqlite::render::render_reverse,
            }),
        }
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
