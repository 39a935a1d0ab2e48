//! The oracle's primary keys, uniques, checks, indexes and foreign keys, and PostgreSQL's
//! rules for their names: a constraint name is unique in its table (`pg_constraint`), and an
//! index name, which a primary key or unique constraint gives its index too, is unique among
//! the relations of its namespace (`pg_class`, which holds the tables as well).

use std::collections::BTreeSet;

use schema_runtime::schema::{
    CheckConstraint, ColumnType, ExclusionConstraint, ForeignKey, Index, IndexPart, PrimaryKey,
    QualifiedName, Table, UniqueConstraint,
};

use super::tables::{column_of, index_names};
use super::{described_otherwise, sql, Database, Verdict};

fn set(columns: &[String]) -> BTreeSet<&str> {
    columns.iter().map(String::as_str).collect()
}

/// The columns a foreign key can point at through this index: a unique index on plain
/// columns without a predicate.
fn unique_columns(index: &Index) -> Option<BTreeSet<&str>> {
    let plain = index
        .parts
        .iter()
        .all(|p| matches!(p, IndexPart::Column(_)));
    (index.unique && index.predicate.is_none() && plain).then(|| index.column_names().collect())
}

/// A key's column list: not empty, no column twice, every column there.
fn check_key_columns(table: &Table, what: &str, columns: &[String]) -> Verdict {
    if columns.is_empty() {
        return Err(format!("{what} lists no column"));
    }
    for (at, column) in columns.iter().enumerate() {
        if columns[..at].contains(column) {
            return Err(format!("{what} lists column {column} twice"));
        }
        column_of(table, column)?;
    }
    Ok(())
}

/// Every name an expression uses as a column is a column of the table (or, written bare,
/// an unreserved keyword such as `UNKNOWN` that is not one).
fn check_expression(table: &Table, what: &str, expression: &str) -> Verdict {
    for reference in sql::references(expression) {
        let keyword = reference.bare && sql::is_unreserved_keyword(&reference.name);
        if table.column(&reference.name).is_none() && !keyword {
            return Err(format!(
                "{what} names column {}, which table {} does not have",
                reference.name, table.name
            ));
        }
    }
    Ok(())
}

/// Integer types compare with one another, text types likewise; other types only with
/// themselves. PostgreSQL needs such an equality operator between a foreign key's columns
/// and the ones it points at.
fn comparable_types(a: &ColumnType, b: &ColumnType) -> bool {
    let family = |t: &ColumnType| {
        if t.is_integer() {
            Some(0)
        } else if t.is_string() {
            Some(1)
        } else {
            None
        }
    };
    a == b || family(a).is_some_and(|f| family(b) == Some(f))
}

impl Database {
    /// What holds `name` among the relations of a namespace (tables and indexes, keys'
    /// indexes among them), if anything.
    pub(super) fn relation_holder(&self, namespace: &Option<String>, name: &str) -> Option<String> {
        for table in self
            .schema
            .tables
            .iter()
            .filter(|t| &t.name.schema == namespace)
        {
            if table.name.name == name {
                return Some(format!("table {}", table.name));
            }
            if index_names(table).iter().any(|n| n == name) {
                return Some(format!("an index of table {}", table.name));
            }
        }
        None
    }

    fn claim_index_name(&self, table: &QualifiedName, name: &str) -> Verdict {
        match self.relation_holder(&table.schema, name) {
            Some(holder) => Err(format!("the index name {name} is taken by {holder}")),
            None => Ok(()),
        }
    }

    fn claim_constraint_name(&self, table: &QualifiedName, name: &str) -> Verdict {
        let t = self.table(table)?;
        let taken = t.primary_key.iter().any(|pk| pk.name == name)
            || t.uniques.iter().any(|u| u.name == name)
            || t.checks.iter().any(|c| c.name == name)
            || t.exclusions.iter().any(|e| e.name == name)
            || t.foreign_keys.iter().any(|fk| fk.name == name);
        if taken {
            return Err(format!(
                "table {table} already has a constraint named {name}"
            ));
        }
        Ok(())
    }

    /// A key over `columns` may go only once no foreign key points at those columns: the
    /// model does not record which of several equal keys a foreign key depends on.
    fn ensure_unreferenced(
        &self,
        table: &QualifiedName,
        what: &str,
        columns: &[String],
    ) -> Verdict {
        for other in &self.schema.tables {
            let pointing = other.foreign_keys.iter().find(|fk| {
                &fk.referenced_table == table && set(&fk.referenced_columns) == set(columns)
            });
            if let Some(fk) = pointing {
                return Err(format!(
                    "foreign key {} of table {} points at {what} of table {table}",
                    fk.name, other.name
                ));
            }
        }
        Ok(())
    }

    pub(super) fn add_primary_key(&mut self, name: &QualifiedName, key: &PrimaryKey) -> Verdict {
        let table = self.table(name)?;
        if let Some(pk) = &table.primary_key {
            return Err(format!("table {name} already has primary key {}", pk.name));
        }
        let what = format!("primary key {}", key.name);
        check_key_columns(table, &what, &key.columns)?;
        for column in &key.columns {
            if column_of(table, column)?.nullable {
                return Err(format!(
                    "column {name}.{column} allows NULL, so it cannot be in {what}"
                ));
            }
        }
        self.claim_constraint_name(name, &key.name)?;
        self.claim_index_name(name, &key.name)?;
        self.table_mut(name)?.primary_key = Some(key.clone());
        Ok(())
    }

    pub(super) fn drop_primary_key(&mut self, name: &QualifiedName, key: &PrimaryKey) -> Verdict {
        match &self.table(name)?.primary_key {
            None => return Err(format!("table {name} has no primary key")),
            Some(now) if now != key => {
                return Err(described_otherwise(format!("primary key {}", key.name)))
            }
            Some(_) => {}
        }
        self.ensure_unreferenced(name, &format!("primary key {}", key.name), &key.columns)?;
        self.table_mut(name)?.primary_key = None;
        Ok(())
    }

    pub(super) fn add_unique(
        &mut self,
        name: &QualifiedName,
        unique: &UniqueConstraint,
    ) -> Verdict {
        let table = self.table(name)?;
        check_key_columns(
            table,
            &format!("unique constraint {}", unique.name),
            &unique.columns,
        )?;
        self.claim_constraint_name(name, &unique.name)?;
        self.claim_index_name(name, &unique.name)?;
        self.table_mut(name)?.uniques.push(unique.clone());
        Ok(())
    }

    pub(super) fn drop_unique(
        &mut self,
        name: &QualifiedName,
        unique: &UniqueConstraint,
    ) -> Verdict {
        let what = format!("unique constraint {}", unique.name);
        let table = self.table(name)?;
        let now = table
            .uniques
            .iter()
            .find(|u| u.name == unique.name)
            .ok_or_else(|| format!("table {name} has no {what}"))?;
        if now != unique {
            return Err(described_otherwise(&what));
        }
        self.ensure_unreferenced(name, &what, &unique.columns)?;
        self.table_mut(name)?
            .uniques
            .retain(|u| u.name != unique.name);
        Ok(())
    }

    pub(super) fn add_check(&mut self, name: &QualifiedName, check: &CheckConstraint) -> Verdict {
        let what = format!("check constraint {}", check.name);
        check_expression(self.table(name)?, &what, &check.expression)?;
        self.claim_constraint_name(name, &check.name)?;
        self.table_mut(name)?.checks.push(check.clone());
        Ok(())
    }

    pub(super) fn drop_check(&mut self, name: &QualifiedName, check: &CheckConstraint) -> Verdict {
        let what = format!("check constraint {}", check.name);
        let now = self
            .table(name)?
            .checks
            .iter()
            .find(|c| c.name == check.name)
            .ok_or_else(|| format!("table {name} has no {what}"))?;
        if now != check {
            return Err(described_otherwise(&what));
        }
        self.table_mut(name)?
            .checks
            .retain(|c| c.name != check.name);
        Ok(())
    }

    /// Also an index of the namespace, as a unique is.
    pub(super) fn add_exclusion(
        &mut self,
        name: &QualifiedName,
        exclusion: &ExclusionConstraint,
    ) -> Verdict {
        self.claim_constraint_name(name, &exclusion.name)?;
        self.claim_index_name(name, &exclusion.name)?;
        self.table_mut(name)?.exclusions.push(exclusion.clone());
        Ok(())
    }

    pub(super) fn drop_exclusion(
        &mut self,
        name: &QualifiedName,
        exclusion: &ExclusionConstraint,
    ) -> Verdict {
        let what = format!("exclusion constraint {}", exclusion.name);
        let now = self
            .table(name)?
            .exclusions
            .iter()
            .find(|e| e.name == exclusion.name)
            .ok_or_else(|| format!("table {name} has no {what}"))?;
        if now != exclusion {
            return Err(described_otherwise(&what));
        }
        self.table_mut(name)?
            .exclusions
            .retain(|e| e.name != exclusion.name);
        Ok(())
    }

    pub(super) fn create_index(&mut self, name: &QualifiedName, index: &Index) -> Verdict {
        let what = format!("index {}", index.name);
        let table = self.table(name)?;
        if index.parts.is_empty() {
            return Err(format!("{what} has no key"));
        }
        for part in &index.parts {
            match part {
                IndexPart::Column(column) => column_of(table, column).map(|_| ())?,
                IndexPart::Expression(text) => check_expression(table, &what, text)?,
            }
        }
        if let Some(predicate) = &index.predicate {
            check_expression(table, &what, predicate)?;
        }
        self.claim_index_name(name, &index.name)?;
        self.table_mut(name)?.indexes.push(index.clone());
        Ok(())
    }

    pub(super) fn drop_index(&mut self, name: &QualifiedName, index: &Index) -> Verdict {
        let what = format!("index {}", index.name);
        let now = self
            .table(name)?
            .indexes
            .iter()
            .find(|i| i.name == index.name)
            .ok_or_else(|| format!("table {name} has no {what}"))?;
        if now != index {
            return Err(described_otherwise(&what));
        }
        if let Some(columns) = unique_columns(index) {
            let columns: Vec<String> = columns.into_iter().map(str::to_owned).collect();
            self.ensure_unreferenced(name, &format!("unique {what}"), &columns)?;
        }
        self.table_mut(name)?
            .indexes
            .retain(|i| i.name != index.name);
        Ok(())
    }

    pub(super) fn rename_index(&mut self, name: &QualifiedName, from: &str, to: &str) -> Verdict {
        if !self.table(name)?.indexes.iter().any(|i| i.name == from) {
            return Err(format!("table {name} has no index {from}"));
        }
        self.claim_index_name(name, to)?;
        for index in self
            .table_mut(name)?
            .indexes
            .iter_mut()
            .filter(|i| i.name == from)
        {
            index.name = to.to_owned();
        }
        Ok(())
    }

    /// `RENAME CONSTRAINT`; a primary key's or unique constraint's index takes the new name
    /// too, so it must be free in the namespace as well.
    pub(super) fn rename_constraint(
        &mut self,
        name: &QualifiedName,
        from: &str,
        to: &str,
    ) -> Verdict {
        let table = self.table(name)?;
        let indexed = table.primary_key.iter().any(|pk| pk.name == from)
            || table.uniques.iter().any(|u| u.name == from)
            || table.exclusions.iter().any(|e| e.name == from);
        let plain = table.checks.iter().any(|c| c.name == from)
            || table.foreign_keys.iter().any(|fk| fk.name == from);
        if !indexed && !plain {
            return Err(format!("table {name} has no constraint {from}"));
        }
        self.claim_constraint_name(name, to)?;
        if indexed {
            self.claim_index_name(name, to)?;
        }
        let table = self.table_mut(name)?;
        let names = table
            .primary_key
            .iter_mut()
            .map(|pk| &mut pk.name)
            .chain(table.uniques.iter_mut().map(|u| &mut u.name))
            .chain(table.checks.iter_mut().map(|c| &mut c.name))
            .chain(table.exclusions.iter_mut().map(|e| &mut e.name))
            .chain(table.foreign_keys.iter_mut().map(|fk| &mut fk.name));
        for held in names.filter(|n| n.as_str() == from) {
            *held = to.to_owned();
        }
        Ok(())
    }

    pub(super) fn add_foreign_key(&mut self, name: &QualifiedName, fk: &ForeignKey) -> Verdict {
        let what = format!("foreign key {}", fk.name);
        let owner = self.table(name)?;
        check_key_columns(owner, &what, &fk.columns)?;
        self.claim_constraint_name(name, &fk.name)?;
        let referenced = self.table(&fk.referenced_table)?;
        check_key_columns(referenced, &what, &fk.referenced_columns)?;
        if fk.columns.len() != fk.referenced_columns.len() {
            return Err(format!(
                "{what} pairs {} columns with {} referenced ones",
                fk.columns.len(),
                fk.referenced_columns.len()
            ));
        }
        for (local, far) in fk.columns.iter().zip(&fk.referenced_columns) {
            let (a, b) = (
                &column_of(owner, local)?.ty,
                &column_of(referenced, far)?.ty,
            );
            if !comparable_types(a, b) {
                return Err(format!(
                    "{what} compares {a} column {local} with {b} column {far}"
                ));
            }
        }
        let wanted = set(&fk.referenced_columns);
        let keyed = referenced
            .primary_key
            .iter()
            .any(|pk| set(&pk.columns) == wanted)
            || referenced.uniques.iter().any(|u| set(&u.columns) == wanted)
            || referenced
                .indexes
                .iter()
                .any(|i| unique_columns(i).as_ref() == Some(&wanted));
        if !keyed {
            return Err(format!(
                "{what} points at columns of table {} that no primary key, unique constraint \
                 or unique index covers",
                fk.referenced_table
            ));
        }
        self.table_mut(name)?.foreign_keys.push(fk.clone());
        Ok(())
    }

    pub(super) fn drop_foreign_key(&mut self, name: &QualifiedName, fk: &ForeignKey) -> Verdict {
        let what = format!("foreign key {}", fk.name);
        let now = self
            .table(name)?
            .foreign_keys
            .iter()
            .find(|f| f.name == fk.name)
            .ok_or_else(|| format!("table {name} has no {what}"))?;
        if now != fk {
            return Err(described_otherwise(&what));
        }
        self.table_mut(name)?
            .foreign_keys
            .retain(|f| f.name != fk.name);
        Ok(())
    }
}
