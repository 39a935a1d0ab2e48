//! A rendered plan: each op of a list with the statements that carry it out and the
//! statements that undo it, rendered together by the dialect's [`Renderer::plan`] (Atlas's
//! `Change{Cmd, Reverse, Source}`, in ariga/atlas `sql/migrate/migrate.go`). A revision's
//! `-- +up` section is the commands in order and its `-- +down` section the reverses, last
//! change first; the listings of `diff` and `check`, the safety verdicts and the CI summary
//! read the same changes' source ops, so what a reviewer is shown and what runs cannot come
//! from two renderings that disagree.
//!
//! Not to be confused with the revision graph's upgrade plan (`RevisionSet::upgrade_plan`),
//! which orders revision files: this plan is the SQL of one list of ops.
//!
//! [`Renderer::plan`]: crate::render::Renderer::plan

use crate::change::Op;
use crate::dialect::Statement;
use crate::diff::DiffHooks;
use crate::render::render_script;
use crate::safety::{verdicts_on, Verdict};

/// One op as rendered: its statements, the statements that undo them, and the op itself.
///
/// Named so as not to be read as a [`crate::change`] item: an [`Op`] is a change to the
/// schema, a `PlannedChange` is that op in one dialect's SQL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedChange {
    /// The statements that carry out `source`, in the order they run. Empty where the
    /// dialect has nothing to run for it, or wrote it into another change's statements
    /// (SQLite folds consecutive rebuilds of a table into the first, and the foreign keys
    /// of a new table into its `CREATE TABLE`; MySQL joins an identity column and its
    /// primary key into one `ALTER TABLE`).
    pub cmd: Vec<Statement>,
    /// The statements that undo `cmd`, run after the reverses of every later change. A
    /// comment-only statement ([`Statement::is_comment_only`]) where nothing can undo it;
    /// empty where the dialect wrote the undoing into another change's reverse.
    pub reverse: Vec<Statement>,
    /// The op this change renders.
    pub source: Op,
}

/// The changes of one list of ops, one per op and in op order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    changes: Vec<PlannedChange>,
}

impl Plan {
    /// A plan of these changes, in the order they run.
    pub fn new(changes: Vec<PlannedChange>) -> Self {
        Self { changes }
    }

    /// The plan of `ops` from a rendering that kept each op's statements in a group: `up`
    /// one group per op in op order, `down` one group per op, last op first (as a down
    /// section runs them). Both have one group per op by the renderers' construction; a
    /// missing group would be an empty one.
    pub fn from_groups(ops: &[Op], up: Vec<Vec<Statement>>, down: Vec<Vec<Statement>>) -> Self {
        debug_assert_eq!(up.len(), ops.len(), "one up group per op");
        debug_assert_eq!(down.len(), ops.len(), "one down group per op");
        let mut up = up.into_iter();
        let mut down = down.into_iter().rev();
        let changes = ops
            .iter()
            .map(|op| PlannedChange {
                cmd: up.next().unwrap_or_default(),
                reverse: down.next().unwrap_or_default(),
                source: op.clone(),
            })
            .collect();
        Self { changes }
    }

    /// The changes, in the order their commands run.
    pub fn changes(&self) -> &[PlannedChange] {
        &self.changes
    }

    /// The changes, for a dialect that joins the statements of two of them.
    pub fn changes_mut(&mut self) -> &mut [PlannedChange] {
        &mut self.changes
    }

    /// The changes, owned.
    pub fn into_changes(self) -> Vec<PlannedChange> {
        self.changes
    }

    /// True when the plan has no change (the list of ops was empty).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The ops the changes render, in order.
    pub fn sources(&self) -> Vec<Op> {
        self.changes.iter().map(|c| c.source.clone()).collect()
    }

    /// The verdict of each change's source op, in the context of the whole list, on the
    /// database `hooks` describe ([`verdicts_on`]).
    pub fn verdicts(&self, hooks: &dyn DiffHooks) -> Vec<Verdict> {
        verdicts_on(hooks, &self.sources())
    }

    /// The `up` statements, one group per change, in order.
    pub fn up_groups(&self) -> Vec<Vec<Statement>> {
        self.changes.iter().map(|c| c.cmd.clone()).collect()
    }

    /// The `down` statements, one group per change, last change first.
    pub fn down_groups(&self) -> Vec<Vec<Statement>> {
        self.changes
            .iter()
            .rev()
            .map(|c| c.reverse.clone())
            .collect()
    }

    /// The `up` statements, in the order they run.
    pub fn up(&self) -> Vec<Statement> {
        self.changes.iter().flat_map(|c| c.cmd.clone()).collect()
    }

    /// The `down` statements, in the order they run (last change first).
    pub fn down(&self) -> Vec<Statement> {
        self.changes
            .iter()
            .rev()
            .flat_map(|c| c.reverse.clone())
            .collect()
    }

    /// The text of the `-- +up` section ([`render_script`] of [`Plan::up_groups`]).
    pub fn up_script(&self) -> String {
        render_script(&self.up_groups())
    }

    /// The text of the `-- +down` section ([`render_script`] of [`Plan::down_groups`]).
    pub fn down_script(&self) -> String {
        render_script(&self.down_groups())
    }

    /// True when every `up` statement can run inside a transaction.
    pub fn up_is_transactional(&self) -> bool {
        self.changes
            .iter()
            .flat_map(|c| &c.cmd)
            .all(|s| s.transactional)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use schema_runtime::schema::{Column, ColumnType, QualifiedName, Table};

    fn ops() -> Vec<Op> {
        let table = Table {
            columns: vec![Column::new("id", ColumnType::BigInt)],
            ..Table::new(QualifiedName::new("t"))
        };
        vec![
            Op::CreateTable {
                table: table.clone(),
            },
            Op::AddColumn {
                table: QualifiedName::new("t"),
                column: Column {
                    nullable: true,
                    ..Column::new("note", ColumnType::Text)
                },
            },
            Op::DropTable { table },
        ]
    }

    fn group(sql: &str) -> Vec<Statement> {
        vec![Statement::new(sql)]
    }

    #[test]
    fn down_groups_are_given_to_the_ops_they_undo() {
        let ops = ops();
        let plan = Plan::from_groups(
            &ops,
            vec![group("up 0"), Vec::new(), group("up 2")],
            vec![group("down 2"), group("down 1"), group("down 0")],
        );
        let changes = plan.changes();
        assert_eq!(changes.len(), 3);
        for (at, (change, op)) in changes.iter().zip(&ops).enumerate() {
            assert_eq!(&change.source, op);
            assert_eq!(change.reverse, group(&format!("down {at}")));
        }
        assert!(changes[1].cmd.is_empty());
        assert_eq!(plan.sources(), ops);
        assert_eq!(
            plan.verdicts(&crate::dialect::postgres::diff::PostgresDiff),
            crate::safety::verdicts(&ops)
        );
    }

    #[test]
    fn sections_are_the_commands_in_order_and_the_reverses_last_first() {
        let ops = ops();
        let up = vec![group("A"), Vec::new(), group("C")];
        let down = vec![group("c"), vec![Statement::comment("none")], group("a")];
        let plan = Plan::from_groups(&ops, up.clone(), down.clone());
        assert_eq!(plan.up_groups(), up);
        assert_eq!(plan.down_groups(), down);
        assert_eq!(plan.up_script(), "A;\n\nC;\n");
        assert_eq!(plan.down_script(), "c;\n\n-- none\n\na;\n");
        let sql = |s: Vec<Statement>| s.into_iter().map(|s| s.sql).collect::<Vec<_>>();
        assert_eq!(sql(plan.up()), ["A", "C"]);
        assert_eq!(sql(plan.down()), ["c", "-- none", "a"]);
        assert!(plan.up_is_transactional());
    }

    #[test]
    fn one_statement_outside_a_transaction_makes_the_up_section_so() {
        let ops = ops();
        let mut outside = Statement::new("CREATE INDEX CONCURRENTLY x ON t (id)");
        outside.transactional = false;
        let plan = Plan::from_groups(
            &ops,
            vec![group("A"), vec![outside], Vec::new()],
            vec![Vec::new(), Vec::new(), Vec::new()],
        );
        assert!(!plan.up_is_transactional());
        assert!(Plan::default().is_empty() && Plan::default().up_is_transactional());
    }
}
