//! Foreign keys across models: looks each parsed `references` up in the whole set of tables,
//! checks that the target exists, has the column, has the same type and is a key the
//! database accepts as a target, and adds the named [`ForeignKey`] to the referencing table.

use super::error::ModelProblem;
use super::resolve::{PendingReference, Resolved};
use crate::naming;
use crate::schema::{ForeignKey, IndexPart, Table};

/// Adds every valid reference as a foreign key; reports the others.
pub(super) fn resolve(resolved: &mut [Resolved], problems: &mut Vec<ModelProblem>) {
    let mut found = Vec::new();
    for (index, source) in resolved.iter().enumerate() {
        for reference in &source.references {
            if let Some(fk) = foreign_key(resolved, source, reference, problems) {
                found.push((index, fk));
            }
        }
    }
    for (index, fk) in found {
        let table = &mut resolved[index].table;
        // A reference states no name: the convention gives it.
        table.conventional_names.insert(fk.name.clone());
        table.foreign_keys.push(fk);
    }
}

fn foreign_key(
    all: &[Resolved],
    source: &Resolved,
    reference: &PendingReference,
    problems: &mut Vec<ModelProblem>,
) -> Option<ForeignKey> {
    let problem_count = problems.len();
    // Duplicate table names are reported elsewhere; the first in canonical order stands in.
    let Some(target) = all.iter().find(|r| r.table.name == reference.table) else {
        problems.push(ModelProblem::MissingReferencedTable {
            model: source.model.clone(),
            column: reference.column.clone(),
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
    };
    let Some(referenced) = target.table.column(&reference.referenced_column) else {
        problems.push(ModelProblem::MissingReferencedColumn {
            model: source.model.clone(),
            column: reference.column.clone(),
            reference: reference.written.clone(),
            target: target.model.clone(),
            referenced_column: reference.referenced_column.clone(),
        });
        return None;
    };
    // Resolution created every column the references name, so this lookup cannot miss.
    let own = source.table.column(&reference.column)?;
    if own.ty != referenced.ty {
        problems.push(ModelProblem::ReferenceTypeMismatch {
            model: source.model.clone(),
            column: reference.column.clone(),
            column_type: own.ty.clone(),
            reference: reference.written.clone(),
            referenced_type: referenced.ty.clone(),
        });
    }
    if !is_unique_key(&target.table, &referenced.name) {
        problems.push(ModelProblem::ReferencedColumnNotUnique {
            model: source.model.clone(),
            column: reference.column.clone(),
            reference: reference.written.clone(),
        });
    }
    (problems.len() == problem_count).then(|| ForeignKey {
        name: naming::foreign_key(
            &source.table.name.name,
            &[&reference.column],
            &reference.table.name,
        ),
        columns: vec![reference.column.clone()],
        referenced_table: reference.table.clone(),
        referenced_columns: vec![referenced.name.clone()],
        on_delete: reference.on_delete,
        on_update: reference.on_update,
        deferrable: false,
    })
}

/// Whether `column` alone is the primary key, a unique constraint, or a full (not partial)
/// unique index: what PostgreSQL and MySQL accept as the target of a foreign key.
fn is_unique_key(table: &Table, column: &str) -> bool {
    let alone = |columns: &[String]| matches!(columns, [only] if only == column);
    table
        .primary_key
        .as_ref()
        .is_some_and(|pk| alone(&pk.columns))
        || table.uniques.iter().any(|u| alone(&u.columns))
        || table.indexes.iter().any(|i| {
            i.unique
                && i.predicate.is_none()
                && matches!(i.parts.as_slice(), [IndexPart::Column(only)] if only == column)
        })
}
