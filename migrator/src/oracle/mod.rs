//! The oracle of the diff's tests: an in-memory PostgreSQL, written from the [`Op`]
//! vocabulary and PostgreSQL's documented behaviour alone. [`apply`] runs ops on a copy of a
//! [`Schema`] one after another and refuses, with the reason, the first one PostgreSQL would
//! refuse, or one whose reverse could not restore what it changes. The diff's property tests
//! and its `check` helper prove with it that a plan applies forward and backward and reaches
//! its target.
//!
//! It is test-only and shares no code with what it checks: it imports the op vocabulary
//! (`change`) and `schema_runtime` and nothing else of the crate (not the diff, not the
//! production `replay` the renderers track state with, not a renderer or a dialect); a test
//! reads its sources to keep it so. Where it needs what the diff also needs (how PostgreSQL
//! spells a renamed column inside a check it keeps parsed), it has its own version
//! ([`sql`]), so that a bug in the diff's helpers cannot hide in the oracle too.
//!
//! It is strict where strictness proves the order of a plan: an op may not name a table,
//! column, index, constraint, enum type or value that is not there, nor take a name in use
//! (constraint names per table; table, index and key names per namespace, as PostgreSQL's
//! `pg_class` has them; a table's row type against enum types); a table may not be dropped
//! while it still has indexes or foreign keys (its reverse, `CreateTable`, restores neither)
//! or while another table's foreign key points at it; a column may not be dropped while a
//! key, index, check or foreign key uses it (PostgreSQL would drop those silently, and the
//! reverse would not bring them back), nor retyped while a foreign key uses it; a key may not
//! be dropped while a foreign key points at its columns (PostgreSQL ties a foreign key to the
//! key it found when it was created, which the model does not record). And every op's
//! description of what it drops or changes, the side its reverse is built from, must match
//! the schema exactly.
//!
//! It models no rows, so it cannot tell whether an op would fail on data.

mod keys;
mod sql;
mod tables;
mod tests;

use std::collections::BTreeSet;
use std::fmt;

use schema_runtime::schema::{Column, ColumnType, QualifiedName, Schema, Table};

use crate::change::Op;

/// Whether namespaces must be created before anything goes in them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Namespaces {
    /// PostgreSQL: a namespace exists once the start schema has an object in it or an
    /// [`Op::CreateNamespace`] created it; tables and enum types go nowhere else.
    Created,
    /// Every namespace is there already (MySQL's databases and SQLite's attached files are
    /// not created by a migration, and their diffs emit no `CreateNamespace`).
    Given,
}

/// The first op of a list that the oracle refuses, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// The op's position in the list, from 0.
    pub(crate) step: usize,
    /// The op's [`Op::describe`] line.
    pub(crate) op: String,
    /// Why PostgreSQL (or the reverse of the op) would fail.
    pub(crate) reason: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "op {} ({}) is refused: {}",
            self.step, self.op, self.reason
        )
    }
}

/// What one op's check gives: nothing, or the reason it is refused.
type Verdict = Result<(), String>;

/// Applies `ops` to a copy of `start` in order, on a [`Database`] of its own, and returns
/// the schema they leave, or the first op refused.
pub(crate) fn apply(start: &Schema, ops: &[Op], namespaces: Namespaces) -> Result<Schema, Refusal> {
    let mut database = Database::new(start, namespaces);
    database.run(ops)?;
    Ok(database.schema().clone())
}

/// `schema` in the form two schemas are compared in when only what the database keeps
/// matters: no rename hints, columns ordered by name (an added column goes last in the
/// database, wherever the model puts it), tables, enum types and members ordered by name.
pub(crate) fn comparable(schema: &Schema) -> Schema {
    let mut schema = without_hints(schema);
    for table in &mut schema.tables {
        table.columns.sort_by(|a, b| a.name.cmp(&b.name));
    }
    sort(&mut schema);
    schema
}

fn without_hints(schema: &Schema) -> Schema {
    let mut schema = schema.clone();
    for table in &mut schema.tables {
        table.renamed_from = None;
        for column in &mut table.columns {
            column.renamed_from = None;
        }
    }
    schema
}

fn sort(schema: &mut Schema) {
    schema.tables.sort_by(|a, b| a.name.cmp(&b.name));
    schema.enums.sort_by(|a, b| a.name.cmp(&b.name));
    for table in &mut schema.tables {
        sort_members(table);
    }
}

fn sort_members(table: &mut Table) {
    table.uniques.sort_by(|a, b| a.name.cmp(&b.name));
    table.checks.sort_by(|a, b| a.name.cmp(&b.name));
    table.exclusions.sort_by(|a, b| a.name.cmp(&b.name));
    table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    table.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
}

/// A column as the database holds it: without the model's rename hint.
fn plain(column: &Column) -> Column {
    Column {
        renamed_from: None,
        ..column.clone()
    }
}

/// True when the type is the enum type or an array of it.
fn uses_enum(ty: &ColumnType, name: &QualifiedName) -> bool {
    match ty {
        ColumnType::Enum { name: used } => used == name,
        ColumnType::Array { element } => uses_enum(element, name),
        _ => false,
    }
}

/// The database the ops run on. It keeps what the schema model cannot show (the namespaces
/// that exist), so that a list and its reverse run on the same one, as a revision's `down`
/// runs where its `up` ran.
pub(crate) struct Database {
    schema: Schema,
    /// The namespaces that exist (`None` in it: the default one), or `None` when every
    /// namespace is given.
    namespaces: Option<BTreeSet<Option<String>>>,
}

impl Database {
    /// A database holding `start` (rename hints removed: a database keeps none).
    pub(crate) fn new(start: &Schema, rule: Namespaces) -> Self {
        let schema = without_hints(start);
        let namespaces = (rule == Namespaces::Created).then(|| {
            let tables = schema.tables.iter().map(|t| t.name.schema.clone());
            let enums = schema.enums.iter().map(|e| e.name.schema.clone());
            std::iter::once(None).chain(tables).chain(enums).collect()
        });
        Self { schema, namespaces }
    }

    /// Runs `ops` in order, stopping at the first one refused.
    pub(crate) fn run(&mut self, ops: &[Op]) -> Result<(), Refusal> {
        for (step, op) in ops.iter().enumerate() {
            self.apply(op).map_err(|reason| Refusal {
                step,
                op: op.describe(),
                reason,
            })?;
        }
        Ok(())
    }

    /// The schema the database holds now.
    pub(crate) fn schema(&self) -> &Schema {
        &self.schema
    }

    fn namespace_exists(&self, name: &QualifiedName) -> Verdict {
        match &self.namespaces {
            Some(known) if !known.contains(&name.schema) => Err(format!(
                "namespace {} does not exist, so {name} cannot go in it",
                name.schema.as_deref().unwrap_or_default()
            )),
            _ => Ok(()),
        }
    }

    fn table(&self, name: &QualifiedName) -> Result<&Table, String> {
        self.schema
            .tables
            .iter()
            .find(|t| &t.name == name)
            .ok_or_else(|| format!("table {name} does not exist"))
    }

    fn table_mut(&mut self, name: &QualifiedName) -> Result<&mut Table, String> {
        self.schema
            .tables
            .iter_mut()
            .find(|t| &t.name == name)
            .ok_or_else(|| format!("table {name} does not exist"))
    }

    fn apply(&mut self, op: &Op) -> Verdict {
        match op {
            Op::CreateNamespace { name } => {
                if let Some(known) = &mut self.namespaces {
                    known.insert(Some(name.clone()));
                }
                Ok(())
            }
            Op::CreateEnum { enum_type } => self.create_enum(enum_type),
            Op::DropEnum { enum_type } => self.drop_enum(enum_type),
            Op::AddEnumValue {
                name,
                value,
                before,
            } => self.add_enum_value(name, value, before.as_deref()),
            Op::ReplaceEnumValues {
                name,
                from,
                to,
                columns,
            } => self.replace_enum_values(name, from, to, columns),
            Op::SetEnumComment { name, from, to } => self.set_enum_comment(name, from, to),
            Op::CreateTable { table } => self.create_table(table),
            Op::DropTable { table } => self.drop_table(table),
            Op::RenameTable { from, to } => self.rename_table(from, to),
            Op::SetTableComment { table, from, to } => self.set_table_comment(table, from, to),
            Op::AddColumn { table, column } => self.add_column(table, column),
            Op::DropColumn { table, column } => self.drop_column(table, column),
            Op::RenameColumn { table, from, to } => self.rename_column(table, from, to),
            Op::AlterColumn {
                table,
                from,
                to,
                changes,
            } => self.alter_column(table, from, to, *changes),
            Op::AddPrimaryKey { table, key } => self.add_primary_key(table, key),
            Op::DropPrimaryKey { table, key } => self.drop_primary_key(table, key),
            Op::CreateIndex { table, index } => self.create_index(table, index),
            Op::DropIndex { table, index } => self.drop_index(table, index),
            Op::RenameIndex { table, from, to } => self.rename_index(table, from, to),
            Op::RenameConstraint { table, from, to } => self.rename_constraint(table, from, to),
            Op::AddUnique { table, unique } => self.add_unique(table, unique),
            Op::DropUnique { table, unique } => self.drop_unique(table, unique),
            Op::AddForeignKey { table, foreign_key } => self.add_foreign_key(table, foreign_key),
            Op::DropForeignKey { table, foreign_key } => self.drop_foreign_key(table, foreign_key),
            Op::AddCheck { table, check } => self.add_check(table, check),
            Op::DropCheck { table, check } => self.drop_check(table, check),
            Op::ValidateConstraint { table, constraint } => {
                let t = self.table_mut(table)?;
                let flag = match constraint {
                    crate::change::Validated::Check { check } => t
                        .checks
                        .iter_mut()
                        .find(|c| *c == check)
                        .map(|c| &mut c.not_valid),
                    crate::change::Validated::ForeignKey { foreign_key } => t
                        .foreign_keys
                        .iter_mut()
                        .find(|k| *k == foreign_key)
                        .map(|k| &mut k.not_valid),
                };
                match flag {
                    Some(flag) if *flag => {
                        *flag = false;
                        Ok(())
                    }
                    _ => Err(format!(
                        "table {table} has no unvalidated constraint {} as the op describes it",
                        constraint.name()
                    )),
                }
            }
            Op::SetPartitioning { table, from, to } => {
                let t = self.table_mut(table)?;
                if &t.partition_by != from {
                    return Err(described_otherwise(format!("the partitioning of {table}")));
                }
                t.partition_by = to.clone();
                Ok(())
            }
            Op::AddExclusion { table, exclusion } => self.add_exclusion(table, exclusion),
            Op::DropExclusion { table, exclusion } => self.drop_exclusion(table, exclusion),
        }
    }
}

/// The reason for an op whose picture of an object differs from the schema.
fn described_otherwise(what: impl fmt::Display) -> String {
    format!(
        "the op describes {what} otherwise than the schema has it, so its reverse would not \
         restore it"
    )
}
