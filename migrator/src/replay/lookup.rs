//! Finding a table or a column of the replayed schema, or the problem that it is missing.

use schema_runtime::schema::{Column, QualifiedName, Schema, Table};

use super::problem::Problem;

/// The table with this name.
pub(super) fn table<'a>(schema: &'a Schema, name: &QualifiedName) -> Result<&'a Table, Problem> {
    schema
        .table(name)
        .ok_or_else(|| Problem::NoTable(name.clone()))
}

/// The table with this name, to change.
pub(super) fn table_mut<'a>(
    schema: &'a mut Schema,
    name: &QualifiedName,
) -> Result<&'a mut Table, Problem> {
    schema
        .tables
        .iter_mut()
        .find(|t| &t.name == name)
        .ok_or_else(|| Problem::NoTable(name.clone()))
}

/// The column of a table.
pub(super) fn column<'a>(table: &'a Table, name: &str) -> Result<&'a Column, Problem> {
    table.column(name).ok_or_else(|| Problem::NoColumn {
        table: table.name.clone(),
        column: name.to_owned(),
    })
}
