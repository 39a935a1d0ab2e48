//! Checks across the fields of one struct: duplicate column names, the primary key declared
//! in two places (or named with no key to name), and table-level lists naming columns
//! that do not exist. (Identity off the key is PostgreSQL's, so the registry, which knows
//! the database, decides.) Each problem becomes one error at the token to fix; all are reported together.

use darling::error::Accumulator;

use super::model::{is_option, Column, Table};
use crate::args::{error_at, ColumnRef};

/// Runs every check. `all_fields_parsed` is false when a field's attributes could not be read:
/// its column name is then unknown, so checks that compare names are skipped rather than
/// reporting columns as missing.
pub fn table(table: &Table, all_fields_parsed: bool, errors: &mut Accumulator) {
    duplicate_columns(&table.columns, errors);
    primary_key_declared_once(table, errors);
    if !all_fields_parsed {
        return;
    }
    if table.columns.is_empty() {
        errors.push(error_at(
            table.ident.span(),
            format!(
                "`{}` has no columns; a table needs at least one field that is not `skip`ped",
                table.ident
            ),
        ));
        return;
    }
    if let Some(key) = &table.primary_key {
        column_list(table, "primary_key", &key.columns, errors);
        key_columns_not_null(table, &key.columns, errors);
    }
    for key in &table.foreign_keys {
        column_list(table, "foreign_key", &key.columns, errors);
    }
    let variants = table.variants.iter();
    let indexes = table
        .indexes
        .iter()
        .chain(variants.clone().flat_map(|v| &v.indexes));
    for index in indexes {
        column_list(table, "index", &index.columns, errors);
        column_list(table, "include", &index.include, errors);
    }
    let uniques = table
        .uniques
        .iter()
        .chain(variants.flat_map(|v| &v.uniques));
    for unique in uniques {
        column_list(table, "unique", &unique.columns, errors);
    }
}

fn duplicate_columns(columns: &[Column], errors: &mut Accumulator) {
    for (i, column) in columns.iter().enumerate() {
        if let Some(first) = columns[..i].iter().find(|c| c.name == column.name) {
            errors.push(error_at(
                column.name_span,
                format!(
                    "column `{}` is declared twice: fields `{}` and `{}` both map to it; give one of them another `name = \"...\"`",
                    column.name, first.field, column.field
                ),
            ));
        }
    }
}

fn primary_key_declared_once(table: &Table, errors: &mut Accumulator) {
    let field_keys: Vec<&Column> = table
        .columns
        .iter()
        .filter(|c| c.primary_key.is_some())
        .collect();
    let named_only = table.primary_key.as_ref().filter(|k| k.columns.is_empty());
    if let (Some(key), true) = (named_only, field_keys.is_empty()) {
        errors.push(error_at(
            key.key,
            "this `primary_key(name = ..)` names the key its fields declare, but no field has `#[column(primary_key)]`; mark the key's fields or list them with `columns(...)`",
        ));
    }
    let declared = table.primary_key.as_ref().filter(|k| !k.columns.is_empty());
    if let (Some(key), Some(first)) = (declared, field_keys.first()) {
        errors.push(error_at(
            key.key,
            format!(
                "the primary key is declared twice: field `{}` has `#[column(primary_key)]` and this `primary_key(...)` declares another; keep one of them (the table-level form for a key of several columns)",
                first.field
            ),
        ));
    }
    if let Some(span) = table.no_primary_key {
        if declared.is_some() || !field_keys.is_empty() {
            errors.push(error_at(
                span,
                "`no_primary_key` says the table has no primary key, but one is declared; remove one of them",
            ));
        }
    }
}

/// Each name in a table-level list must be a column, once.
fn column_list(table: &Table, what: &str, list: &[ColumnRef], errors: &mut Accumulator) {
    for (i, column) in list.iter().enumerate() {
        if list[..i].iter().any(|c| c.name == column.name) {
            errors.push(error_at(
                column.span,
                format!(
                    "column `{}` is listed twice in this `{what}(...)`",
                    column.name
                ),
            ));
        } else if !table.columns.iter().any(|c| c.name == column.name) {
            errors.push(error_at(
                column.span,
                unknown_column(table, what, &column.name),
            ));
        }
    }
}

/// The syntactic half of "a key column is NOT NULL"; aliases are caught by the generated code.
fn key_columns_not_null(table: &Table, key: &[ColumnRef], errors: &mut Accumulator) {
    for column_ref in key {
        let column = table.columns.iter().find(|c| c.name == column_ref.name);
        if let Some(column) = column.filter(|c| is_option(&c.ty)) {
            errors.push(error_at(
                column_ref.span,
                format!(
                    "a primary key cannot be NULL, but field `{}` is an `Option`; remove the `Option` or leave the column out of the key",
                    column.field
                ),
            ));
        }
    }
}

fn unknown_column(table: &Table, what: &str, name: &str) -> String {
    let columns = table
        .columns
        .iter()
        .map(|c| format!("`{}`", c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let hint = if let Some(renamed) = table.columns.iter().find(|c| c.field == name) {
        format!("; field `{name}` is stored as column `{}`", renamed.name)
    } else if table.skipped.iter().any(|f| f == name) {
        format!("; field `{name}` is marked `skip`, so it is not a column")
    } else {
        String::new()
    };
    format!(
        "`{what}(...)` names column `{name}`, which `{}` does not have (its columns are {columns}){hint}",
        table.ident
    )
}
