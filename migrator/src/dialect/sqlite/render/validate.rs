//! What SQLite cannot express, refused before any SQL is written: arrays, namespaces other
//! than `main`, exclusion constraints, partitioning, and names that are empty or hold a
//! NUL.

use schema_runtime::schema::{Column, ColumnType, QualifiedName, Table};

use crate::change::Op;
use crate::dialect::Dialect;
use crate::render::RenderError;

/// Every table of `op` lives in `main`, no column is an array, and no name is empty.
pub fn validate(op: &Op) -> Result<(), RenderError> {
    problem(op).map_err(|reason| RenderError::NotExpressible {
        dialect: Dialect::Sqlite,
        op: op.describe(),
        reason,
    })
}

fn problem(op: &Op) -> Result<(), String> {
    match op {
        Op::CreateNamespace { name } => Err(namespace_error(name, name)),
        Op::CreateTable { table } | Op::DropTable { table } => check_table(table),
        Op::AddExclusion { exclusion, .. } | Op::DropExclusion { exclusion, .. } => {
            Err(no_exclusions(&exclusion.name))
        }
        Op::SetPartitioning { table, .. } => Err(no_partitioning(table)),
        Op::ValidateConstraint { .. } => {
            Err("SQLite has no NOT VALID constraints to validate".into())
        }
        Op::RenameTable { from, to } => {
            check_name(from)?;
            check_name(to)
        }
        Op::AddColumn { table, column } | Op::DropColumn { table, column } => {
            check_name(table)?;
            check_column(table, column)
        }
        Op::AlterColumn { table, to, .. } => {
            check_name(table)?;
            check_column(table, to)
        }
        Op::RenameColumn { table, to, .. } => {
            check_name(table)?;
            check_identifier(table, to)
        }
        _ => Ok(()),
    }
}

fn no_partitioning(table: &QualifiedName) -> String {
    format!("SQLite has no partitioned tables (table {table})")
}

fn no_exclusions(name: &str) -> String {
    format!("SQLite has no exclusion constraints (`{name}`); keep it on PostgreSQL")
}

fn check_table(table: &Table) -> Result<(), String> {
    check_name(&table.name)?;
    if let Some(exclusion) = table.exclusions.first() {
        return Err(no_exclusions(&exclusion.name));
    }
    if table.partition_by.is_some() {
        return Err(no_partitioning(&table.name));
    }
    table
        .columns
        .iter()
        .try_for_each(|c| check_column(&table.name, c))
}

fn check_name(name: &QualifiedName) -> Result<(), String> {
    if let Some(schema) = &name.schema {
        if schema != Dialect::Sqlite.default_namespace() {
            return Err(namespace_error(schema, &name.to_string()));
        }
    }
    check_identifier(name, &name.name)
}

fn check_identifier(table: &QualifiedName, name: &str) -> Result<(), String> {
    if name.is_empty() || name.contains('\0') {
        return Err(format!(
            "table {table} has an empty name or a name with a NUL character"
        ));
    }
    Ok(())
}

fn check_column(table: &QualifiedName, column: &Column) -> Result<(), String> {
    check_identifier(table, &column.name)?;
    if let ColumnType::Array { .. } = column.ty {
        return Err(format!(
            "column {table}.{} is an array ({}), which SQLite has no type for; give the \
                 field a JSON variant (`#[column(sqlite(sql_type = \"json\"))]`), store it as \
                 serde_json::Value, or move it to a table of its own",
            column.name, column.ty
        ));
    }
    Ok(())
}

fn namespace_error(namespace: &str, object: &str) -> String {
    format!(
        "table {object} lives in the namespace {namespace:?}, and an SQLite database has \
             only `main` (attached databases are not managed); give the model a name for \
             SQLite (`#[table(sqlite(name = \"{namespace}_...\"))]`) or drop `schema = \
             \"{namespace}\"`"
    )
}
