//! Replayed ops on primary keys, uniques, checks, indexes and foreign keys, and the rules
//! they share: which names are free, which columns and keys are still in use.

use std::collections::BTreeSet;

use schema_runtime::schema::{
    CheckConstraint, ExclusionConstraint, ForeignKey, Index, IndexPart, PrimaryKey, QualifiedName,
    Schema, Table, UniqueConstraint,
};

use super::lookup::{column, table, table_mut};
use super::problem::Problem;
use crate::change::Validated;
use crate::diff::key_columns;

/// Constraint names are unique per table (PostgreSQL's `pg_constraint` rule).
fn claim_constraint_name(table: &Table, name: &str) -> Result<(), Problem> {
    let taken = table.primary_key.iter().any(|pk| pk.name == name)
        || table.uniques.iter().any(|u| u.name == name)
        || table.foreign_keys.iter().any(|fk| fk.name == name)
        || table.checks.iter().any(|c| c.name == name)
        || table.exclusions.iter().any(|e| e.name == name);
    if taken {
        return Err(Problem::NameTaken {
            name: name.to_owned(),
            holder: format!("a constraint of table {}", table.name),
        });
    }
    Ok(())
}

/// Index names, which primary keys and uniques take too, are unique per namespace.
fn claim_index_name(
    schema: &Schema,
    namespace: &Option<String>,
    name: &str,
) -> Result<(), Problem> {
    for table in schema.tables.iter().filter(|t| &t.name.schema == namespace) {
        let taken = table.primary_key.iter().any(|pk| pk.name == name)
            || table.uniques.iter().any(|u| u.name == name)
            || table.indexes.iter().any(|i| i.name == name)
            || table.exclusions.iter().any(|e| e.name == name);
        if taken {
            return Err(Problem::NameTaken {
                name: name.to_owned(),
                holder: format!("an index of table {}", table.name),
            });
        }
    }
    Ok(())
}

fn ensure_columns<'a>(
    table: &Table,
    names: impl IntoIterator<Item = &'a String>,
) -> Result<(), Problem> {
    names
        .into_iter()
        .try_for_each(|name| column(table, name).map(|_| ()))
}

fn no_member(table: &QualifiedName, kind: &'static str, name: &str) -> Problem {
    Problem::NoMember {
        table: table.clone(),
        kind,
        name: name.to_owned(),
    }
}

fn stale(kind: &str, name: &str, table: &QualifiedName) -> Problem {
    Problem::Stale {
        what: format!("{kind} {name} of table {table}"),
    }
}

/// Fails when something still uses the column: with `only_foreign_keys`, the foreign keys
/// on either side (a type change); otherwise also the keys and indexes listing it (a drop).
pub(super) fn ensure_unused(
    schema: &Schema,
    table_name: &QualifiedName,
    column_name: &str,
    only_foreign_keys: bool,
) -> Result<(), Problem> {
    let in_use = |user: String| Problem::ColumnInUse {
        table: table_name.clone(),
        column: column_name.to_owned(),
        user,
    };
    let lists = |columns: &[String]| columns.iter().any(|c| c == column_name);
    let owner = table(schema, table_name)?;
    if let Some(fk) = owner.foreign_keys.iter().find(|fk| lists(&fk.columns)) {
        return Err(in_use(format!("foreign key {}", fk.name)));
    }
    for other in &schema.tables {
        let referencing = other
            .foreign_keys
            .iter()
            .find(|fk| &fk.referenced_table == table_name && lists(&fk.referenced_columns));
        if let Some(fk) = referencing {
            return Err(in_use(format!(
                "foreign key {} of table {}",
                fk.name, other.name
            )));
        }
    }
    if only_foreign_keys {
        return Ok(());
    }
    if let Some(pk) = owner.primary_key.iter().find(|pk| lists(&pk.columns)) {
        return Err(in_use(format!("primary key {}", pk.name)));
    }
    if let Some(unique) = owner.uniques.iter().find(|u| lists(&u.columns)) {
        return Err(in_use(format!("unique constraint {}", unique.name)));
    }
    let indexed = |i: &&Index| i.column_names().any(|c| c == column_name);
    if let Some(index) = owner.indexes.iter().find(indexed) {
        return Err(in_use(format!("index {}", index.name)));
    }
    Ok(())
}

/// How many keys of the table cover exactly this column set.
fn keys_covering(table: &Table, columns: &BTreeSet<String>) -> usize {
    let set = |cols: &[String]| cols.iter().cloned().collect::<BTreeSet<_>>();
    let pk = table
        .primary_key
        .iter()
        .filter(|pk| &set(&pk.columns) == columns)
        .count();
    let uniques = table
        .uniques
        .iter()
        .filter(|u| &set(&u.columns) == columns)
        .count();
    let indexes = table
        .indexes
        .iter()
        .filter(|i| key_columns(i).as_ref() == Some(columns))
        .count();
    pk + uniques + indexes
}

/// Fails when a foreign key points at this key and no other key covers the same columns.
fn ensure_key_unused(
    schema: &Schema,
    table_name: &QualifiedName,
    key: String,
    columns: BTreeSet<String>,
) -> Result<(), Problem> {
    if keys_covering(table(schema, table_name)?, &columns) > 1 {
        return Ok(());
    }
    for other in &schema.tables {
        let referencing = other.foreign_keys.iter().find(|fk| {
            &fk.referenced_table == table_name
                && fk
                    .referenced_columns
                    .iter()
                    .cloned()
                    .collect::<BTreeSet<_>>()
                    == columns
        });
        if let Some(fk) = referencing {
            return Err(Problem::KeyInUse {
                table: table_name.clone(),
                key,
                by: format!("foreign key {} of table {}", fk.name, other.name),
            });
        }
    }
    Ok(())
}

pub(super) fn add_primary_key(
    schema: &mut Schema,
    name: &QualifiedName,
    key: &PrimaryKey,
) -> Result<(), Problem> {
    let table = table(schema, name)?;
    if table.primary_key.is_some() {
        return Err(Problem::HasPrimaryKey(name.clone()));
    }
    for column_name in &key.columns {
        if column(table, column_name)?.nullable {
            return Err(Problem::NullableKeyColumn {
                table: name.clone(),
                column: column_name.clone(),
            });
        }
    }
    claim_constraint_name(table, &key.name)?;
    claim_index_name(schema, &name.schema, &key.name)?;
    table_mut(schema, name)?.primary_key = Some(key.clone());
    Ok(())
}

pub(super) fn drop_primary_key(
    schema: &mut Schema,
    name: &QualifiedName,
    key: &PrimaryKey,
) -> Result<(), Problem> {
    match &table(schema, name)?.primary_key {
        None => return Err(no_member(name, "primary key", &key.name)),
        Some(now) if now != key => return Err(stale("primary key", &key.name, name)),
        Some(_) => {}
    }
    let columns = key.columns.iter().cloned().collect();
    ensure_key_unused(schema, name, format!("primary key {}", key.name), columns)?;
    table_mut(schema, name)?.primary_key = None;
    Ok(())
}

pub(super) fn add_unique(
    schema: &mut Schema,
    name: &QualifiedName,
    unique: &UniqueConstraint,
) -> Result<(), Problem> {
    let table = table(schema, name)?;
    ensure_columns(table, &unique.columns)?;
    claim_constraint_name(table, &unique.name)?;
    claim_index_name(schema, &name.schema, &unique.name)?;
    table_mut(schema, name)?.uniques.push(unique.clone());
    Ok(())
}

pub(super) fn drop_unique(
    schema: &mut Schema,
    name: &QualifiedName,
    unique: &UniqueConstraint,
) -> Result<(), Problem> {
    let now = table(schema, name)?
        .uniques
        .iter()
        .find(|u| u.name == unique.name)
        .ok_or_else(|| no_member(name, "unique constraint", &unique.name))?;
    if now != unique {
        return Err(stale("unique constraint", &unique.name, name));
    }
    let columns = unique.columns.iter().cloned().collect();
    let key = format!("unique constraint {}", unique.name);
    ensure_key_unused(schema, name, key, columns)?;
    table_mut(schema, name)?
        .uniques
        .retain(|u| u.name != unique.name);
    Ok(())
}

pub(super) fn add_check(
    schema: &mut Schema,
    name: &QualifiedName,
    check: &CheckConstraint,
) -> Result<(), Problem> {
    claim_constraint_name(table(schema, name)?, &check.name)?;
    table_mut(schema, name)?.checks.push(check.clone());
    Ok(())
}

pub(super) fn drop_check(
    schema: &mut Schema,
    name: &QualifiedName,
    check: &CheckConstraint,
) -> Result<(), Problem> {
    let now = table(schema, name)?
        .checks
        .iter()
        .find(|c| c.name == check.name)
        .ok_or_else(|| no_member(name, "check constraint", &check.name))?;
    if now != check {
        return Err(stale("check constraint", &check.name, name));
    }
    table_mut(schema, name)?
        .checks
        .retain(|c| c.name != check.name);
    Ok(())
}

/// The check or foreign key, as the op describes it, becomes valid.
pub(super) fn validate_constraint(
    schema: &mut Schema,
    name: &QualifiedName,
    constraint: &Validated,
) -> Result<(), Problem> {
    let table = table_mut(schema, name)?;
    let flag = match constraint {
        Validated::Check { check } => table
            .checks
            .iter_mut()
            .find(|c| *c == check)
            .map(|c| &mut c.not_valid),
        Validated::ForeignKey { foreign_key } => table
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
        _ => Err(stale("constraint", constraint.name(), name)),
    }
}

/// An exclusion constraint is a constraint and, like a unique, the index behind it.
pub(super) fn add_exclusion(
    schema: &mut Schema,
    name: &QualifiedName,
    exclusion: &ExclusionConstraint,
) -> Result<(), Problem> {
    claim_constraint_name(table(schema, name)?, &exclusion.name)?;
    claim_index_name(schema, &name.schema, &exclusion.name)?;
    table_mut(schema, name)?.exclusions.push(exclusion.clone());
    Ok(())
}

pub(super) fn drop_exclusion(
    schema: &mut Schema,
    name: &QualifiedName,
    exclusion: &ExclusionConstraint,
) -> Result<(), Problem> {
    let now = table(schema, name)?
        .exclusions
        .iter()
        .find(|e| e.name == exclusion.name)
        .ok_or_else(|| no_member(name, "exclusion constraint", &exclusion.name))?;
    if now != exclusion {
        return Err(stale("exclusion constraint", &exclusion.name, name));
    }
    table_mut(schema, name)?
        .exclusions
        .retain(|e| e.name != exclusion.name);
    Ok(())
}

pub(super) fn create_index(
    schema: &mut Schema,
    name: &QualifiedName,
    index: &Index,
) -> Result<(), Problem> {
    let table = table(schema, name)?;
    for part in &index.parts {
        if let IndexPart::Column(c) = part {
            column(table, c)?;
        }
    }
    claim_index_name(schema, &name.schema, &index.name)?;
    table_mut(schema, name)?.indexes.push(index.clone());
    Ok(())
}

pub(super) fn drop_index(
    schema: &mut Schema,
    name: &QualifiedName,
    index: &Index,
) -> Result<(), Problem> {
    let now = table(schema, name)?
        .indexes
        .iter()
        .find(|i| i.name == index.name)
        .ok_or_else(|| no_member(name, "index", &index.name))?;
    if now != index {
        return Err(stale("index", &index.name, name));
    }
    if let Some(columns) = key_columns(index) {
        ensure_key_unused(
            schema,
            name,
            format!("unique index {}", index.name),
            columns,
        )?;
    }
    table_mut(schema, name)?
        .indexes
        .retain(|i| i.name != index.name);
    Ok(())
}

pub(super) fn rename_index(
    schema: &mut Schema,
    name: &QualifiedName,
    from: &str,
    to: &str,
) -> Result<(), Problem> {
    if !table(schema, name)?.indexes.iter().any(|i| i.name == from) {
        return Err(no_member(name, "index", from));
    }
    claim_index_name(schema, &name.schema, to)?;
    let table = table_mut(schema, name)?;
    for index in table.indexes.iter_mut().filter(|i| i.name == from) {
        index.name = to.to_owned();
    }
    Ok(())
}

/// Renames whichever constraint has the name; a primary key or unique also needs the name
/// free among the namespace's indexes, since its index takes the new name too.
pub(super) fn rename_constraint(
    schema: &mut Schema,
    name: &QualifiedName,
    from: &str,
    to: &str,
) -> Result<(), Problem> {
    let table = table(schema, name)?;
    let indexed = table.primary_key.iter().any(|pk| pk.name == from)
        || table.uniques.iter().any(|u| u.name == from)
        || table.exclusions.iter().any(|e| e.name == from);
    let other = table.foreign_keys.iter().any(|fk| fk.name == from)
        || table.checks.iter().any(|c| c.name == from);
    if !indexed && !other {
        return Err(no_member(name, "constraint", from));
    }
    claim_constraint_name(table, to)?;
    if indexed {
        claim_index_name(schema, &name.schema, to)?;
    }
    let table = table_mut(schema, name)?;
    let rename = |n: &mut String| {
        if n == from {
            *n = to.to_owned();
        }
    };
    table
        .primary_key
        .iter_mut()
        .for_each(|pk| rename(&mut pk.name));
    table.uniques.iter_mut().for_each(|u| rename(&mut u.name));
    table
        .foreign_keys
        .iter_mut()
        .for_each(|fk| rename(&mut fk.name));
    table.checks.iter_mut().for_each(|c| rename(&mut c.name));
    table
        .exclusions
        .iter_mut()
        .for_each(|e| rename(&mut e.name));
    Ok(())
}

pub(super) fn add_foreign_key(
    schema: &mut Schema,
    name: &QualifiedName,
    fk: &ForeignKey,
) -> Result<(), Problem> {
    let owner = table(schema, name)?;
    claim_constraint_name(owner, &fk.name)?;
    ensure_columns(owner, &fk.columns)?;
    if fk.columns.len() != fk.referenced_columns.len() {
        return Err(Problem::ForeignKeyArity {
            foreign_key: fk.name.clone(),
            local: fk.columns.len(),
            referenced: fk.referenced_columns.len(),
        });
    }
    let referenced = table(schema, &fk.referenced_table)?;
    ensure_columns(referenced, &fk.referenced_columns)?;
    let columns = fk.referenced_columns.iter().cloned().collect();
    if keys_covering(referenced, &columns) == 0 {
        return Err(Problem::NoReferencedKey {
            table: fk.referenced_table.clone(),
            columns: fk.referenced_columns.join(", "),
            foreign_key: fk.name.clone(),
        });
    }
    table_mut(schema, name)?.foreign_keys.push(fk.clone());
    Ok(())
}

pub(super) fn drop_foreign_key(
    schema: &mut Schema,
    name: &QualifiedName,
    fk: &ForeignKey,
) -> Result<(), Problem> {
    let now = table(schema, name)?
        .foreign_keys
        .iter()
        .find(|f| f.name == fk.name)
        .ok_or_else(|| no_member(name, "foreign key", &fk.name))?;
    if now != fk {
        return Err(stale("foreign key", &fk.name, name));
    }
    table_mut(schema, name)?
        .foreign_keys
        .retain(|f| f.name != fk.name);
    Ok(())
}
