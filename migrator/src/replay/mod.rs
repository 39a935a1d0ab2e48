//! The schema state the renderers and the workflow track op by op: [`replay`] applies ops to
//! a [`Schema`] one after another, as the database will, and fails when an op refers to
//! something missing, takes a name in use, or removes something still needed (a column an
//! index lists, a key a foreign key points at, a table another one references). SQLite's
//! renderer needs it to know a table's whole definition before each rebuild, MySQL's to check
//! the keys a list leads to, and autogeneration and the workflow to render blocked drops
//! against the schema the applied ops leave. It is public so that other tools can check a
//! list of ops (a hand-edited plan, a reversed one) without a database.
//!
//! It is production code and reuses the diff's own helpers (how a rename rewrites keys and
//! expressions, what a column change leaves), so that it predicts what the diff predicts. It
//! is therefore *not* the oracle of the diff's tests: those check the diff against an
//! independent model of PostgreSQL that shares no code with the diff or with this module.
//!
//! It is stricter than a database in three ways, each a rule the diff keeps: an op's
//! description of what it changes or drops must match the schema (so its reverse is right),
//! a table may be dropped only once its indexes and foreign keys are gone (its reverse,
//! `CreateTable`, restores neither), and a column a foreign key uses is not retyped in place.
//! It models rows nowhere, so it cannot tell whether an op would fail on data.

mod canonical;
mod keys;
mod lookup;
mod objects;
mod problem;

use schema_runtime::schema::Schema;

use crate::change::Op;
use crate::diff::Respelling;

pub use canonical::canonical;
pub use problem::{Problem, ReplayError};

/// Applies `ops` to a copy of `schema`, in order, and returns the result sorted
/// ([`Schema::sort`]), or the first op that does not apply and why. Renamed columns are
/// spelled inside expressions as PostgreSQL deparses them; [`replay_for`] spells them as
/// another dialect writes them.
pub fn replay(schema: &Schema, ops: &[Op]) -> Result<Schema, ReplayError> {
    replay_with(schema, ops, Respelling::Deparsed)
}

/// [`replay`], with renamed columns spelled inside expressions as the database that `hooks`
/// describes writes them (SQLite keeps a quoted name quoted), so the result reads as that
/// database will.
pub fn replay_for(
    hooks: &dyn crate::diff::DiffHooks,
    schema: &Schema,
    ops: &[Op],
) -> Result<Schema, ReplayError> {
    replay_with(schema, ops, hooks.respelling())
}

fn replay_with(schema: &Schema, ops: &[Op], respelling: Respelling) -> Result<Schema, ReplayError> {
    let mut state = schema.clone();
    for (step, op) in ops.iter().enumerate() {
        apply(&mut state, op, respelling).map_err(|problem| ReplayError {
            step,
            description: op.describe(),
            problem: Box::new(problem),
        })?;
    }
    state.sort();
    Ok(state)
}

fn apply(schema: &mut Schema, op: &Op, respelling: Respelling) -> Result<(), Problem> {
    match op {
        // The schema model has no namespaces of their own (a namespace is where tables and
        // enum types are), and the op is `IF NOT EXISTS`: there is nothing to check.
        Op::CreateNamespace { .. } => Ok(()),
        Op::CreateEnum { enum_type } => objects::create_enum(schema, enum_type),
        Op::DropEnum { enum_type } => objects::drop_enum(schema, enum_type),
        Op::AddEnumValue {
            name,
            value,
            before,
        } => objects::add_enum_value(schema, name, value, before.as_deref()),
        Op::ReplaceEnumValues {
            name,
            from,
            to,
            columns,
        } => objects::replace_enum_values(schema, name, from, to, columns),
        Op::SetEnumComment { name, from, to } => objects::set_enum_comment(schema, name, from, to),
        Op::CreateTable { table } => objects::create_table(schema, table),
        Op::DropTable { table } => objects::drop_table(schema, table),
        Op::RenameTable { from, to } => objects::rename_table(schema, from, to),
        Op::SetTableComment { table, from, to } => {
            objects::set_table_comment(schema, table, from, to)
        }
        Op::AddColumn { table, column } => objects::add_column(schema, table, column),
        Op::DropColumn { table, column } => objects::drop_column(schema, table, column),
        Op::RenameColumn { table, from, to } => {
            objects::rename_column(schema, table, from, to, respelling)
        }
        Op::AlterColumn {
            table,
            from,
            to,
            changes,
        } => objects::alter_column(schema, table, from, to, *changes),
        Op::AddPrimaryKey { table, key } => keys::add_primary_key(schema, table, key),
        Op::DropPrimaryKey { table, key } => keys::drop_primary_key(schema, table, key),
        Op::CreateIndex { table, index } => keys::create_index(schema, table, index),
        Op::DropIndex { table, index } => keys::drop_index(schema, table, index),
        Op::RenameIndex { table, from, to } => keys::rename_index(schema, table, from, to),
        Op::RenameConstraint { table, from, to } => {
            keys::rename_constraint(schema, table, from, to)
        }
        Op::AddUnique { table, unique } => keys::add_unique(schema, table, unique),
        Op::DropUnique { table, unique } => keys::drop_unique(schema, table, unique),
        Op::AddForeignKey { table, foreign_key } => {
            keys::add_foreign_key(schema, table, foreign_key)
        }
        Op::DropForeignKey { table, foreign_key } => {
            keys::drop_foreign_key(schema, table, foreign_key)
        }
        Op::AddCheck { table, check } => keys::add_check(schema, table, check),
        Op::DropCheck { table, check } => keys::drop_check(schema, table, check),
        Op::ValidateConstraint { table, constraint } => {
            keys::validate_constraint(schema, table, constraint)
        }
        Op::SetPartitioning { table, from, to } => {
            objects::set_partitioning(schema, table, from, to)
        }
        Op::AddExclusion { table, exclusion } => keys::add_exclusion(schema, table, exclusion),
        Op::DropExclusion { table, exclusion } => keys::drop_exclusion(schema, table, exclusion),
    }
}
