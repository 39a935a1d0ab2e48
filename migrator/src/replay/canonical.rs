//! The form in which two schemas compare when only what a database keeps matters.

use schema_runtime::schema::{Schema, Table};

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
pub(super) fn canonical_table(table: &Table) -> Table {
    let mut table = table.clone();
    table.renamed_from = None;
    for column in &mut table.columns {
        column.renamed_from = None;
    }
    table.columns.sort_by(|a, b| a.name.cmp(&b.name));
    table.sort_members();
    table
}
