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

mod keys;
mod objects;

use schema_runtime::schema::{QualifiedName, Schema, Table};
use thiserror::Error;

use crate::change::Op;
use crate::diff::Respelling;

/// Why an op cannot apply to a schema. Messages read as sentences about the schema.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum Problem {
    /// The table is not there.
    #[error("table {0} does not exist")]
    NoTable(QualifiedName),
    /// The table is there already.
    #[error("table {0} already exists")]
    TableExists(QualifiedName),
    /// The column is not there.
    #[error("column {column} of table {table} does not exist")]
    NoColumn {
        /// The table.
        table: QualifiedName,
        /// The column.
        column: String,
    },
    /// The column is there already (or listed twice in a new table).
    #[error("column {column} of table {table} already exists")]
    ColumnExists {
        /// The table.
        table: QualifiedName,
        /// The column.
        column: String,
    },
    /// The enum type is not there.
    #[error("enum type {0} does not exist")]
    NoEnum(QualifiedName),
    /// The enum type is there already.
    #[error("enum type {0} already exists")]
    EnumExists(QualifiedName),
    /// The enum type lacks a value the op names.
    #[error("enum type {name} has no value '{value}'")]
    NoEnumValue {
        /// The enum type.
        name: QualifiedName,
        /// The value.
        value: String,
    },
    /// The enum type has the value already.
    #[error("enum type {name} already has the value '{value}'")]
    EnumValueExists {
        /// The enum type.
        name: QualifiedName,
        /// The value.
        value: String,
    },
    /// A column still uses the enum type being dropped.
    #[error("enum type {name} is still used by column {column} of table {table}")]
    EnumInUse {
        /// The enum type.
        name: QualifiedName,
        /// The using table.
        table: QualifiedName,
        /// The using column.
        column: String,
    },
    /// A constraint or index the op names is not on the table.
    #[error("table {table} has no {kind} named {name}")]
    NoMember {
        /// The table.
        table: QualifiedName,
        /// `primary key`, `unique constraint`, `index`, `foreign key`, `check constraint`
        /// or `constraint`.
        kind: &'static str,
        /// The name.
        name: String,
    },
    /// The name is taken: constraint names are unique per table, and index names (which
    /// primary keys and uniques also take) per namespace.
    #[error("the name {name} is already taken by {holder}")]
    NameTaken {
        /// The name.
        name: String,
        /// What holds it, e.g. `an index on table orders`.
        holder: String,
    },
    /// The table has a primary key already.
    #[error("table {0} already has a primary key")]
    HasPrimaryKey(QualifiedName),
    /// A primary key column would allow NULL.
    #[error("column {column} of table {table} is in the primary key, so it cannot allow NULL")]
    NullableKeyColumn {
        /// The table.
        table: QualifiedName,
        /// The column.
        column: String,
    },
    /// Something still uses the column the op drops or retypes.
    #[error("column {column} of table {table} is used by {user}, which must go first")]
    ColumnInUse {
        /// The table.
        table: QualifiedName,
        /// The column.
        column: String,
        /// What uses it, e.g. `index ix_orders_total`.
        user: String,
    },
    /// A foreign key points at the key the op drops.
    #[error("{key} of table {table} is what {by} points at")]
    KeyInUse {
        /// The table with the key.
        table: QualifiedName,
        /// The key, e.g. `primary key pk_users`.
        key: String,
        /// The foreign key, e.g. `foreign key fk_orders_user of table orders`.
        by: String,
    },
    /// A foreign key of another table points at the table the op drops.
    #[error("table {table} is referenced by {by}")]
    TableReferenced {
        /// The dropped table.
        table: QualifiedName,
        /// The foreign key, e.g. `foreign key fk_orders_user of table orders`.
        by: String,
    },
    /// The dropped table still has indexes or foreign keys.
    #[error(
        "table {0} still has indexes or foreign keys; drop them first, since the reverse \
         CreateTable would not restore them"
    )]
    TableHasMembers(QualifiedName),
    /// Nothing unique covers the columns a foreign key points at.
    #[error(
        "foreign key {foreign_key} points at ({columns}) of table {table}, which no primary \
         key, unique constraint or unique index covers"
    )]
    NoReferencedKey {
        /// The referenced table.
        table: QualifiedName,
        /// The referenced columns, comma-separated.
        columns: String,
        /// The foreign key.
        foreign_key: String,
    },
    /// A foreign key's column lists differ in length.
    #[error(
        "foreign key {foreign_key} pairs {local} columns with {referenced} referenced columns"
    )]
    ForeignKeyArity {
        /// The foreign key.
        foreign_key: String,
        /// Its own columns.
        local: usize,
        /// The referenced columns.
        referenced: usize,
    },
    /// The op's picture of the object it changes or drops differs from the schema, so its
    /// reverse would not restore what was there.
    #[error("the op describes {what} differently from the schema it applies to")]
    Stale {
        /// What differs, e.g. `column orders.note`.
        what: String,
    },
}

/// An op of a list that could not apply.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("op {step} ({description}) does not apply: {problem}")]
pub struct ReplayError {
    /// The op's position in the list, from 0.
    pub step: usize,
    /// The op's [`Op::describe`] line.
    pub description: String,
    /// What is wrong (boxed: errors stay small on the happy path).
    pub problem: Box<Problem>,
}

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

/// A schema in the form two schemas compare in when only what a database keeps matters:
/// rename hints removed, columns sorted by name (a column added to an existing table goes
/// last, whatever the model's order), everything else in [`Schema::sort`] order.
pub fn canonical(schema: &Schema) -> Schema {
    let mut schema = schema.clone();
    schema.tables = schema.tables.iter().map(canonical_table).collect();
    schema.sort();
    schema
}

/// One table in [`canonical`] form.
fn canonical_table(table: &Table) -> Table {
    let mut table = table.clone();
    table.renamed_from = None;
    for column in &mut table.columns {
        column.renamed_from = None;
    }
    table.columns.sort_by(|a, b| a.name.cmp(&b.name));
    table.sort_members();
    table
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
    }
}
