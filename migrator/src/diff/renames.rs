//! Table and column renames: which `renamed_from` hints apply, and how a rename rewrites a
//! schema (the diff's renamed view and the production replay, [`replay`](mod@crate::replay),
//! share these rewrites, so the two agree on what a rename does to foreign keys, keys and
//! indexes).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use schema_runtime::schema::{IndexPart, QualifiedName, Schema, Table};

use super::expressions;
use crate::change::Op;
use crate::diff::expressions::Respelling;

/// The renames a diff performs, and the current schema as it looks after them.
pub(super) struct Renames<'s> {
    /// Table renames, `(from, to)`, in target-name order.
    tables: Vec<(QualifiedName, QualifiedName)>,
    /// Column renames `(table, from, to)`; the table is named as after the table renames.
    columns: Vec<(QualifiedName, String, String)>,
    /// New table name -> old table name, for the renamed tables.
    origins: BTreeMap<QualifiedName, QualifiedName>,
    /// The current schema with every rename applied, sorted, without hints: the current
    /// schema itself when there is nothing to apply or remove.
    pub(super) view: Cow<'s, Schema>,
}

impl Renames<'_> {
    /// The rename ops: tables first, then columns.
    pub(super) fn ops(&self) -> Vec<Op> {
        let tables = self.tables.iter().map(|(from, to)| Op::RenameTable {
            from: from.clone(),
            to: to.clone(),
        });
        let columns = self
            .columns
            .iter()
            .map(|(table, from, to)| Op::RenameColumn {
                table: table.clone(),
                from: from.clone(),
                to: to.clone(),
            });
        tables.chain(columns).collect()
    }

    /// The column renames of `table` (named as after the table renames), `(from, to)`.
    pub(super) fn columns_of<'a>(
        &'a self,
        table: &'a QualifiedName,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.columns
            .iter()
            .filter(move |(t, _, _)| t == table)
            .map(|(_, from, to)| (from.as_str(), to.as_str()))
    }

    /// The name a table of the view has in the current schema.
    pub(super) fn origin<'a>(&'a self, name: &'a QualifiedName) -> &'a QualifiedName {
        self.origins.get(name).unwrap_or(name)
    }
}

/// Works out the renames the target's hints ask for. A hint applies only when the old name
/// exists now and the new name does not yet, so a hint left in a model after its rename ran
/// is harmless. The target may reuse the old name for a new object (`email` renamed to
/// `email_old` and a new `email` added): the rename runs first and frees it.
pub(super) fn resolve<'s>(
    current: &'s Schema,
    target: &Schema,
    respelling: Respelling,
) -> Renames<'s> {
    let tables = table_renames(current, target);
    let mut view = Cow::Borrowed(current);
    for (from, to) in &tables {
        rename_table(view.to_mut(), from, to);
    }
    let columns = column_renames(&view, target);
    for (table, from, to) in &columns {
        rename_column(view.to_mut(), table, from, to, respelling);
    }
    if !view.is_sorted() {
        view.to_mut().sort();
    }
    let hinted = |table: &Table| {
        table.renamed_from.is_some() || table.columns.iter().any(|c| c.renamed_from.is_some())
    };
    if view.tables.iter().any(hinted) {
        for table in &mut view.to_mut().tables {
            table.renamed_from = None;
            for column in &mut table.columns {
                column.renamed_from = None;
            }
        }
    }
    let origins = tables
        .iter()
        .map(|(from, to)| (to.clone(), from.clone()))
        .collect();
    Renames {
        tables,
        columns,
        origins,
        view,
    }
}

fn table_renames(current: &Schema, target: &Schema) -> Vec<(QualifiedName, QualifiedName)> {
    let mut claimed = BTreeSet::new();
    let mut renames = Vec::new();
    for table in &target.tables {
        let Some(old) = &table.renamed_from else {
            continue;
        };
        let applies = old != &table.name
            && current.table(old).is_some()
            && current.table(&table.name).is_none()
            && !claimed.contains(old);
        if applies {
            claimed.insert(old.clone());
            renames.push((old.clone(), table.name.clone()));
        }
    }
    renames
}

fn column_renames(view: &Schema, target: &Schema) -> Vec<(QualifiedName, String, String)> {
    let mut renames = Vec::new();
    for table in &target.tables {
        let Some(now) = view.table(&table.name) else {
            continue;
        };
        let mut claimed = BTreeSet::new();
        for column in &table.columns {
            let Some(old) = &column.renamed_from else {
                continue;
            };
            let applies = old != &column.name
                && now.column(old).is_some()
                && now.column(&column.name).is_none()
                && !claimed.contains(old);
            if applies {
                claimed.insert(old.clone());
                renames.push((table.name.clone(), old.clone(), column.name.clone()));
            }
        }
    }
    renames
}

/// Renames a table and every foreign key that points at it, as the database does.
pub(crate) fn rename_table(schema: &mut Schema, from: &QualifiedName, to: &QualifiedName) {
    for table in &mut schema.tables {
        if &table.name == from {
            table.name = to.clone();
        }
        for fk in &mut table.foreign_keys {
            if &fk.referenced_table == from {
                fk.referenced_table = to.clone();
            }
        }
    }
}

/// Renames a column and every key, index and foreign key that lists it, as the database
/// does, and the column's name inside the table's check expressions, index expressions and
/// predicates as the database will deparse them (see [`expressions`]).
pub(crate) fn rename_column(
    schema: &mut Schema,
    table_name: &QualifiedName,
    from: &str,
    to: &str,
    respelling: Respelling,
) {
    let swap = |name: &mut String| {
        if name == from {
            *name = to.to_owned();
        }
    };
    for table in &mut schema.tables {
        for fk in &mut table.foreign_keys {
            if &fk.referenced_table == table_name {
                fk.referenced_columns.iter_mut().for_each(swap);
            }
        }
        if &table.name != table_name {
            continue;
        }
        table
            .columns
            .iter_mut()
            .for_each(|column| swap(&mut column.name));
        if let Some(pk) = &mut table.primary_key {
            pk.columns.iter_mut().for_each(swap);
        }
        for unique in &mut table.uniques {
            unique.columns.iter_mut().for_each(swap);
        }
        for fk in &mut table.foreign_keys {
            fk.columns.iter_mut().for_each(swap);
        }
        let rewrite =
            |text: &mut String| *text = expressions::rename_column(text, from, to, respelling);
        for check in &mut table.checks {
            rewrite(&mut check.expression);
        }
        for exclusion in &mut table.exclusions {
            rewrite(&mut exclusion.definition);
        }
        for index in &mut table.indexes {
            for part in &mut index.parts {
                match part {
                    IndexPart::Column(name) => swap(name),
                    IndexPart::Expression(text) => rewrite(text),
                }
            }
            if let Some(predicate) = &mut index.predicate {
                rewrite(predicate);
            }
        }
    }
}
