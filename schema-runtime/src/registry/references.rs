//! Foreign keys across models: looks each parsed reference up in the whole set of tables,
//! checks that the target exists, has the columns, with the same types, and that they are a
//! key the database accepts as a target, and adds the named [`ForeignKey`] to the
//! referencing table. An `external` reference names a table the models do not declare;
//! it is checked against the database instead, when the models are compared with it.

use std::collections::BTreeSet;

use super::error::ModelProblem;
use super::resolve::{first_by_name, PendingReference, Resolved};
use crate::naming::NamingConvention;
use crate::schema::{ForeignKey, IndexPart, Table};

/// Adds every valid reference as a foreign key, named by each table's convention where
/// the model states no name; reports the others.
pub(super) fn resolve(
    resolved: &mut [Resolved],
    naming: &[&NamingConvention],
    problems: &mut Vec<ModelProblem>,
) {
    let by_name = first_by_name(resolved);
    let mut found = Vec::new();
    for (index, source) in resolved.iter().enumerate() {
        for reference in &source.references {
            let target = by_name.get(&reference.table).map(|&at| &resolved[at]);
            let naming = naming[index];
            if let Some(fk) = foreign_key(resolved, target, source, naming, reference, problems) {
                found.push((index, fk, reference.name.is_none()));
            }
        }
    }
    for (index, fk, conventional) in found {
        let table = &mut resolved[index].table;
        if conventional {
            table.conventional_names.insert(fk.name.clone());
        }
        table.foreign_keys.push(fk);
    }
}

/// The foreign key `reference` (written in `source`, named by `naming`) declares, when
/// `target` (the referenced table's model, if one declares it) checks out. Duplicate table
/// names are reported elsewhere; the first in canonical order stands in as `target`.
fn foreign_key(
    all: &[Resolved],
    target: Option<&Resolved>,
    source: &Resolved,
    naming: &NamingConvention,
    reference: &PendingReference,
    problems: &mut Vec<ModelProblem>,
) -> Option<ForeignKey> {
    let problem_count = problems.len();
    let column = reference.column_label();
    match (target, reference.external) {
        (Some(target), true) => {
            problems.push(ModelProblem::ExternalReferenceToModel {
                model: source.model.clone(),
                column,
                reference: reference.written.clone(),
                target: target.model.clone(),
            });
            return None;
        }
        (None, false) => {
            problems.push(ModelProblem::MissingReferencedTable {
                model: source.model.clone(),
                column,
                reference: reference.written.clone(),
                table: reference.table.clone(),
                candidates: all
                    .iter()
                    .map(|r| &r.table.name)
                    .filter(|n| n.name == reference.table.name)
                    .cloned()
                    .collect(),
            });
            return None;
        }
        (Some(target), false) => check_target(source, target, reference, problems),
        // Checked against the database when the models are compared with it.
        (None, true) => {}
    }
    let name = reference.name.clone().unwrap_or_else(|| {
        naming.foreign_key(
            &source.table.name.name,
            &reference.columns,
            &reference.table.name,
        )
    });
    (problems.len() == problem_count).then(|| ForeignKey {
        name,
        columns: reference.columns.clone(),
        referenced_table: reference.table.clone(),
        referenced_columns: reference.referenced_columns.clone(),
        on_delete: reference.on_delete,
        on_update: reference.on_update,
        deferrable: reference.deferrable,
        initially_deferred: reference.initially_deferred,
        not_valid: reference.not_valid,
    })
}

/// The referenced columns exist, have the referencing columns' types, and are a key of
/// the referenced table.
fn check_target(
    source: &Resolved,
    target: &Resolved,
    reference: &PendingReference,
    problems: &mut Vec<ModelProblem>,
) {
    let column = reference.column_label();
    let pairs = reference.columns.iter().zip(&reference.referenced_columns);
    let mut complete = true;
    for (own, referenced) in pairs {
        let Some(referenced) = target.table.column(referenced) else {
            complete = false;
            problems.push(ModelProblem::MissingReferencedColumn {
                model: source.model.clone(),
                column: column.clone(),
                reference: reference.written.clone(),
                target: target.model.clone(),
                referenced_column: referenced.clone(),
            });
            continue;
        };
        // Resolution created every column the references name, so this lookup cannot miss.
        let Some(own) = source.table.column(own) else {
            continue;
        };
        if own.ty != referenced.ty {
            problems.push(ModelProblem::ReferenceTypeMismatch {
                model: source.model.clone(),
                column: own.name.clone(),
                column_type: own.ty.clone(),
                reference: reference.written.clone(),
                referenced_type: referenced.ty.clone(),
            });
        }
    }
    if complete && !is_unique_key(&target.table, &reference.referenced_columns) {
        problems.push(ModelProblem::ReferencedColumnNotUnique {
            model: source.model.clone(),
            column,
            reference: reference.written.clone(),
        });
    }
}

/// Whether `columns` (in any order) are the primary key, a unique constraint, or a full
/// (not partial) unique index: what PostgreSQL and MySQL accept as the target of a
/// foreign key.
fn is_unique_key(table: &Table, columns: &[String]) -> bool {
    let wanted: BTreeSet<&str> = columns.iter().map(String::as_str).collect();
    let same = |key: &[String]| {
        key.len() == wanted.len() && key.iter().all(|c| wanted.contains(c.as_str()))
    };
    table
        .primary_key
        .as_ref()
        .is_some_and(|pk| same(&pk.columns))
        || table.uniques.iter().any(|u| same(&u.columns))
        || table.indexes.iter().any(|i| {
            let parts: Option<Vec<String>> = i
                .parts
                .iter()
                .map(|p| match p {
                    IndexPart::Column(c) => Some(c.clone()),
                    IndexPart::Expression(_) => None,
                })
                .collect();
            i.unique && i.predicate.is_none() && parts.is_some_and(|p| same(&p))
        })
}
