//! What the replay reports: why an op does not apply, and which op of the list it was.

use schema_runtime::schema::QualifiedName;
use thiserror::Error;

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
    /// The op's [`Op::describe`](crate::change::Op::describe) line.
    pub description: String,
    /// What is wrong (boxed: errors stay small on the happy path).
    pub problem: Box<Problem>,
}
