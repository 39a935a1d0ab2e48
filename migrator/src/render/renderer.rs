//! The trait each database kind implements to turn ops into SQL, and the plan of a
//! database whose SQL for an op needs nothing but the op.

use schema_runtime::schema::{QualifiedName, Schema};

use super::error::RenderError;
use crate::change::Op;
use crate::dialect::Statement;
use crate::plan::{Plan, PlannedChange};

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
