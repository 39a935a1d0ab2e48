//! Replayed ops on enum types, tables and columns.

use schema_runtime::schema::{Column, ColumnType, EnumType, QualifiedName, Schema, Table};

use super::canonical::canonical_table;
use super::keys;
use super::lookup::{column, table, table_mut};
use super::problem::Problem;
use crate::change::{ColumnChanges, EnumColumn};
use crate::diff::{self, Respelling};

fn enum_mut<'a>(schema: &'a mut Schema, name: &QualifiedName) -> Result<&'a mut EnumType, Problem> {
    schema
        .enums
        .iter_mut()
        .find(|e| &e.name == name)
        .ok_or_else(|| Problem::NoEnum(name.clone()))
}

fn stale(what: String) -> Problem {
    Problem::Stale { what }
}

fn same_column(a: &Column, b: &Column) -> bool {
    Column {
        renamed_from: None,
        ..a.clone()
    } == Column {
        renamed_from: None,
        ..b.clone()
    }
}

/// Every enum type a column type names must exist.
fn check_type(schema: &Schema, ty: &ColumnType) -> Result<(), Problem> {
    match ty {
        ColumnType::Enum { name } if schema.enum_type(name).is_none() => {
            Err(Problem::NoEnum(name.clone()))
        }
        ColumnType::Array { element } => check_type(schema, element),
        _ => Ok(()),
    }
}

pub(super) fn create_enum(schema: &mut Schema, enum_type: &EnumType) -> Result<(), Problem> {
    if schema.enum_type(&enum_type.name).is_some() {
        return Err(Problem::EnumExists(enum_type.name.clone()));
    }
    for (i, value) in enum_type.values.iter().enumerate() {
        if enum_type.values[..i].contains(value) {
            return Err(Problem::EnumValueExists {
                name: enum_type.name.clone(),
                value: value.clone(),
            });
        }
    }
    schema.enums.push(enum_type.clone());
    Ok(())
}

pub(super) fn drop_enum(schema: &mut Schema, enum_type: &EnumType) -> Result<(), Problem> {
    let name = &enum_type.name;
    if enum_mut(schema, name)? != enum_type {
        return Err(stale(format!("enum type {name}")));
    }
    if let Some(user) = diff::enum_users(schema, name).into_iter().next() {
        return Err(Problem::EnumInUse {
            name: name.clone(),
            table: user.table,
            column: user.column.name,
        });
    }
    schema.enums.retain(|e| &e.name != name);
    Ok(())
}

pub(super) fn add_enum_value(
    schema: &mut Schema,
    name: &QualifiedName,
    value: &str,
    before: Option<&str>,
) -> Result<(), Problem> {
    let enum_type = enum_mut(schema, name)?;
    if enum_type.values.iter().any(|v| v == value) {
        return Err(Problem::EnumValueExists {
            name: name.clone(),
            value: value.to_owned(),
        });
    }
    let at = match before {
        None => enum_type.values.len(),
        Some(before) => enum_type
            .values
            .iter()
            .position(|v| v == before)
            .ok_or_else(|| Problem::NoEnumValue {
                name: name.clone(),
                value: before.to_owned(),
            })?,
    };
    enum_type.values.insert(at, value.to_owned());
    Ok(())
}

pub(super) fn replace_enum_values(
    schema: &mut Schema,
    name: &QualifiedName,
    from: &[String],
    to: &[String],
    columns: &[EnumColumn],
) -> Result<(), Problem> {
    if enum_mut(schema, name)?.values != from {
        return Err(stale(format!("the values of enum type {name}")));
    }
    let users = diff::enum_users(schema, name);
    let listed = users.len() == columns.len()
        && users.iter().all(|user| {
            columns
                .iter()
                .any(|c| c.table == user.table && same_column(&c.column, &user.column))
        });
    if !listed {
        return Err(stale(format!("the columns that use enum type {name}")));
    }
    enum_mut(schema, name)?.values = to.to_vec();
    Ok(())
}

pub(super) fn set_enum_comment(
    schema: &mut Schema,
    name: &QualifiedName,
    from: &Option<String>,
    to: &Option<String>,
) -> Result<(), Problem> {
    let enum_type = enum_mut(schema, name)?;
    swap_setting(&mut enum_type.comment, from, to, || {
        format!("the comment of enum type {name}")
    })
}

/// Sets `slot` from `from` to `to`, refusing an op whose `from` is not what the schema
/// holds (`what` names the setting).
fn swap_setting(
    slot: &mut Option<String>,
    from: &Option<String>,
    to: &Option<String>,
    what: impl FnOnce() -> String,
) -> Result<(), Problem> {
    if slot != from {
        return Err(stale(what()));
    }
    slot.clone_from(to);
    Ok(())
}

/// Creates the table with its columns, primary key, uniques, checks and exclusion
/// constraints; like the renderers, it leaves out the table's indexes and foreign keys.
pub(super) fn create_table(schema: &mut Schema, table: &Table) -> Result<(), Problem> {
    if schema.table(&table.name).is_some() {
        return Err(Problem::TableExists(table.name.clone()));
    }
    let mut bare = table.clone();
    bare.indexes.clear();
    bare.foreign_keys.clear();
    for (i, column) in bare.columns.iter().enumerate() {
        if bare.columns[..i].iter().any(|c| c.name == column.name) {
            return Err(Problem::ColumnExists {
                table: bare.name.clone(),
                column: column.name.clone(),
            });
        }
        check_type(schema, &column.ty)?;
    }
    // Claim the members one by one on a table that starts empty, so that clashes among
    // them are caught like clashes with the rest of the schema.
    let mut empty = bare.clone();
    empty.primary_key = None;
    empty.uniques.clear();
    empty.checks.clear();
    empty.exclusions.clear();
    schema.tables.push(empty);
    let name = bare.name.clone();
    let result = (|| {
        if let Some(key) = &bare.primary_key {
            keys::add_primary_key(schema, &name, key)?;
        }
        for unique in &bare.uniques {
            keys::add_unique(schema, &name, unique)?;
        }
        for check in &bare.checks {
            keys::add_check(schema, &name, check)?;
        }
        for exclusion in &bare.exclusions {
            keys::add_exclusion(schema, &name, exclusion)?;
        }
        Ok(())
    })();
    if result.is_err() {
        schema.tables.retain(|t| t.name != name);
    }
    result
}

pub(super) fn drop_table(schema: &mut Schema, dropped: &Table) -> Result<(), Problem> {
    let name = &dropped.name;
    let now = table(schema, name)?;
    if !now.indexes.is_empty() || !now.foreign_keys.is_empty() {
        return Err(Problem::TableHasMembers(name.clone()));
    }
    for other in &schema.tables {
        if let Some(fk) = other
            .foreign_keys
            .iter()
            .find(|fk| &fk.referenced_table == name)
        {
            return Err(Problem::TableReferenced {
                table: name.clone(),
                by: format!("foreign key {} of table {}", fk.name, other.name),
            });
        }
    }
    let mut expected = dropped.clone();
    expected.indexes.clear();
    expected.foreign_keys.clear();
    if canonical_table(&expected) != canonical_table(now) {
        return Err(stale(format!("table {name}")));
    }
    schema.tables.retain(|t| &t.name != name);
    Ok(())
}

pub(super) fn rename_table(
    schema: &mut Schema,
    from: &QualifiedName,
    to: &QualifiedName,
) -> Result<(), Problem> {
    table(schema, from)?;
    if schema.table(to).is_some() {
        return Err(Problem::TableExists(to.clone()));
    }
    diff::rename_table(schema, from, to);
    Ok(())
}

pub(super) fn set_table_comment(
    schema: &mut Schema,
    name: &QualifiedName,
    from: &Option<String>,
    to: &Option<String>,
) -> Result<(), Problem> {
    let table = table_mut(schema, name)?;
    swap_setting(&mut table.comment, from, to, || {
        format!("the comment of table {name}")
    })
}

pub(super) fn set_partitioning(
    schema: &mut Schema,
    name: &QualifiedName,
    from: &Option<String>,
    to: &Option<String>,
) -> Result<(), Problem> {
    let table = table_mut(schema, name)?;
    swap_setting(&mut table.partition_by, from, to, || {
        format!("the partitioning of table {name}")
    })
}

pub(super) fn add_column(
    schema: &mut Schema,
    name: &QualifiedName,
    column: &Column,
) -> Result<(), Problem> {
    if table(schema, name)?.column(&column.name).is_some() {
        return Err(Problem::ColumnExists {
            table: name.clone(),
            column: column.name.clone(),
        });
    }
    check_type(schema, &column.ty)?;
    table_mut(schema, name)?.columns.push(column.clone());
    Ok(())
}

pub(super) fn drop_column(
    schema: &mut Schema,
    name: &QualifiedName,
    dropped: &Column,
) -> Result<(), Problem> {
    let now = column(table(schema, name)?, &dropped.name)?;
    if !same_column(now, dropped) {
        return Err(stale(format!("column {name}.{}", dropped.name)));
    }
    keys::ensure_unused(schema, name, &dropped.name, false)?;
    table_mut(schema, name)?
        .columns
        .retain(|c| c.name != dropped.name);
    Ok(())
}

pub(super) fn rename_column(
    schema: &mut Schema,
    name: &QualifiedName,
    from: &str,
    to: &str,
    respelling: Respelling,
) -> Result<(), Problem> {
    let table = table(schema, name)?;
    column(table, from)?;
    if table.column(to).is_some() {
        return Err(Problem::ColumnExists {
            table: name.clone(),
            column: to.to_owned(),
        });
    }
    diff::rename_column(schema, name, from, to, respelling);
    Ok(())
}

/// Applies the flagged attributes of `to` only, as a renderer emits one clause per flag.
pub(super) fn alter_column(
    schema: &mut Schema,
    name: &QualifiedName,
    from: &Column,
    to: &Column,
    changes: ColumnChanges,
) -> Result<(), Problem> {
    let table_now = table(schema, name)?;
    let now = column(table_now, &from.name)?;
    let what = || format!("column {name}.{}", from.name);
    let honest = ColumnChanges::between(from, to).contains(changes);
    if !same_column(now, from) || to.name != from.name || changes.is_empty() || !honest {
        return Err(stale(what()));
    }
    if changes.contains(ColumnChanges::TYPE) {
        check_type(schema, &to.ty)?;
        keys::ensure_unused(schema, name, &from.name, true)?;
    }
    let in_key = table_now
        .primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns.contains(&from.name));
    if changes.contains(ColumnChanges::NULLABLE) && to.nullable && in_key {
        return Err(Problem::NullableKeyColumn {
            table: name.clone(),
            column: from.name.clone(),
        });
    }
    let table = table_mut(schema, name)?;
    let Some(column) = table.columns.iter_mut().find(|c| c.name == from.name) else {
        return Err(stale(what()));
    };
    *column = diff::with_changes(column, to, changes);
    Ok(())
}
