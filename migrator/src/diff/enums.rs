//! Enum types: created, extended value by value, replaced when values go away or move,
//! dropped once nothing in the target uses them, and their comments.

use schema_runtime::schema::{ColumnType, EnumType, QualifiedName, Schema};

use super::order::Plan;
use super::DiffOptions;
use crate::change::{EnumColumn, Op};

/// Adds the enum ops to the plan. `current` is the schema before renames: value
/// replacements run before them and name the columns they convert as they are then.
pub(super) fn diff(current: &Schema, target: &Schema, options: &DiffOptions, plan: &mut Plan) {
    if !options.hooks.has_enum_types() {
        return;
    }
    for wanted in &target.enums {
        let Some(existing) = current.enum_type(&wanted.name) else {
            plan.enums.push(Op::CreateEnum {
                enum_type: wanted.clone(),
            });
            continue;
        };
        values(current, existing, wanted, plan);
        if existing.comment != wanted.comment {
            plan.comments.push(Op::SetEnumComment {
                name: wanted.name.clone(),
                from: existing.comment.clone(),
                to: wanted.comment.clone(),
            });
        }
    }
    for existing in &current.enums {
        if target.enum_type(&existing.name).is_none() && users(target, &existing.name).is_empty() {
            plan.drop_enums.push(Op::DropEnum {
                enum_type: existing.clone(),
            });
        }
    }
}

/// Values only appended or inserted (the existing ones keep their order) become one
/// `AddEnumValue` each; anything else replaces the whole list.
fn values(current: &Schema, existing: &EnumType, wanted: &EnumType, plan: &mut Plan) {
    if existing.values == wanted.values {
        return;
    }
    let kept: Vec<&String> = wanted
        .values
        .iter()
        .filter(|v| existing.values.contains(v))
        .collect();
    let only_added = kept.len() == existing.values.len()
        && kept.iter().zip(&existing.values).all(|(a, b)| *a == b);
    if !only_added {
        plan.enums.push(Op::ReplaceEnumValues {
            name: wanted.name.clone(),
            from: existing.values.clone(),
            to: wanted.values.clone(),
            columns: users(current, &wanted.name),
        });
        return;
    }
    for (i, value) in wanted.values.iter().enumerate() {
        if existing.values.contains(value) {
            continue;
        }
        // The next value that exists already: it is there whatever order the adds run in,
        // and adding in target order before it lays the new values out as the target has.
        let before = wanted.values[i + 1..]
            .iter()
            .find(|next| existing.values.contains(next))
            .cloned();
        plan.enums.push(Op::AddEnumValue {
            name: wanted.name.clone(),
            value: value.clone(),
            before,
        });
    }
}

/// Every column of `schema` whose type is the enum or an array of it, in table order.
pub(crate) fn users(schema: &Schema, name: &QualifiedName) -> Vec<EnumColumn> {
    let mut found = Vec::new();
    for table in &schema.tables {
        for column in &table.columns {
            if uses_enum(&column.ty, name) {
                let mut column = column.clone();
                column.renamed_from = None;
                found.push(EnumColumn {
                    table: table.name.clone(),
                    column,
                });
            }
        }
    }
    found
}

/// True when the type is the enum or an array of it.
pub(super) fn uses_enum(ty: &ColumnType, name: &QualifiedName) -> bool {
    match ty {
        ColumnType::Enum { name: used } => used == name,
        ColumnType::Array { element } => uses_enum(element, name),
        _ => false,
    }
}
