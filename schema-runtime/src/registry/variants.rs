//! Per-dialect variants: before anything is resolved, every declaration is rewritten into
//! what it declares on one dialect. Table variants move the table (and the references to
//! it) and replace indexes, uniques and checks by name; column variants replace the
//! column's SQL; indexes, uniques, checks and foreign keys limited to `dialects(..)` are
//! kept only there. After this pass the declarations carry no variants, so the passes
//! after it never think about dialects.

use std::collections::BTreeMap;

use crate::decl::{ColumnDef, TableDef};
use crate::dialect::Dialect;

/// A table's (schema, name) as declared, the key references are matched by.
type Place = (Option<String>, String);

/// The declarations as they stand on `dialect`.
pub(super) fn for_dialect(defs: Vec<TableDef>, dialect: Dialect) -> Vec<TableDef> {
    let mut moved: BTreeMap<Place, Place> = BTreeMap::new();
    let mut defs: Vec<TableDef> = defs
        .into_iter()
        .map(|def| {
            let (def, from) = table(def, dialect);
            if let Some(from) = from {
                moved.insert(from, (def.schema.clone(), def.name.clone()));
            }
            def
        })
        .collect();
    if !moved.is_empty() {
        for column in defs.iter_mut().flat_map(|d| d.columns.iter_mut()) {
            if let Some(reference) = &mut column.references {
                if let Some(rewritten) = follow(reference, &moved) {
                    *reference = rewritten;
                }
            }
        }
        for key in defs.iter_mut().flat_map(|d| d.foreign_keys.iter_mut()) {
            let (schema, table) = match key.referenced_table.split_once('.') {
                Some((schema, table)) => (Some(schema.to_string()), table.to_string()),
                None => (None, key.referenced_table.clone()),
            };
            if let Some((schema, table)) = moved.get(&(schema, table)) {
                key.referenced_table = match schema {
                    Some(schema) => format!("{schema}.{table}"),
                    None => table.clone(),
                };
            }
        }
    }
    defs
}

/// The table on `dialect`, and where it was declared if a variant moved it.
fn table(mut def: TableDef, dialect: Dialect) -> (TableDef, Option<Place>) {
    let variants = std::mem::take(&mut def.variants);
    let kept = |dialects: &[Dialect]| dialects.is_empty() || dialects.contains(&dialect);
    def.indexes.retain(|i| kept(&i.dialects));
    def.uniques.retain(|u| kept(&u.dialects));
    def.checks.retain(|c| kept(&c.dialects));
    def.exclusions.retain(|e| kept(&e.dialects));
    def.foreign_keys.retain(|k| kept(&k.dialects));
    let mut from = None;
    if let Some(variant) = variants.into_iter().find(|v| v.dialect == dialect) {
        if variant.name.is_some() || variant.schema.is_some() {
            from = Some((def.schema.clone(), def.name.clone()));
            def.name = variant.name.unwrap_or(def.name);
            def.schema = variant.schema;
        }
        for index in variant.indexes {
            def.indexes
                .retain(|i| index.name.is_none() || i.name != index.name);
            def.indexes.push(index);
        }
        for unique in variant.uniques {
            def.uniques
                .retain(|u| unique.name.is_none() || u.name != unique.name);
            def.uniques.push(unique);
        }
        for check in variant.checks {
            def.checks.retain(|c| c.name != check.name);
            def.checks.push(check);
        }
    }
    for index in &mut def.indexes {
        index.dialects.clear();
    }
    for unique in &mut def.uniques {
        unique.dialects.clear();
    }
    for check in &mut def.checks {
        check.dialects.clear();
    }
    for key in &mut def.foreign_keys {
        key.dialects.clear();
    }
    for exclusion in &mut def.exclusions {
        exclusion.dialects.clear();
    }
    for column in &mut def.columns {
        self::column(column, dialect);
    }
    (def, from)
}

fn column(column: &mut ColumnDef, dialect: Dialect) {
    let variants = std::mem::take(&mut column.variants);
    let Some(variant) = variants.into_iter().find(|v| v.dialect == dialect) else {
        return;
    };
    if let Some(sql_type) = variant.sql_type {
        column.sql_type = Some(sql_type);
        column.max_length = None;
    }
    if let Some(default) = variant.default {
        column.default = Some(default);
    }
    if let Some(check) = variant.check {
        column.check = Some(check);
    }
    if let Some(collation) = variant.collation {
        column.collation = Some(collation);
    }
    column.autoincrement |= variant.autoincrement;
}

/// `table.column` or `schema.table.column` pointing at a moved table, rewritten to where
/// the table is now. A malformed reference is left for the reference pass to report.
fn follow(reference: &str, moved: &BTreeMap<Place, Place>) -> Option<String> {
    let parts: Vec<&str> = reference.split('.').collect();
    let (schema, table, column) = match parts.as_slice() {
        [table, column] => (None, *table, *column),
        [schema, table, column] => (Some((*schema).to_string()), *table, *column),
        _ => return None,
    };
    let (schema, table) = moved.get(&(schema, table.to_string()))?;
    Some(match schema {
        Some(schema) => format!("{schema}.{table}.{column}"),
        None => format!("{table}.{column}"),
    })
}
