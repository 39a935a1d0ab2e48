//! The oracle's enum types, tables and columns: what PostgreSQL does with `CREATE TYPE`,
//! `CREATE TABLE`, `ALTER TABLE ... ADD / DROP / RENAME / ALTER COLUMN` and their kin.

use schema_runtime::schema::{Column, ColumnType, EnumType, IndexPart, QualifiedName, Table};

use super::{described_otherwise, plain, sort_members, sql, uses_enum, Database, Verdict};
use crate::change::{ColumnChanges, EnumColumn};

impl Database {
    fn enum_mut(&mut self, name: &QualifiedName) -> Result<&mut EnumType, String> {
        self.schema
            .enums
            .iter_mut()
            .find(|e| &e.name == name)
            .ok_or_else(|| format!("enum type {name} does not exist"))
    }

    /// The columns that use the enum type, as `(table, column)`.
    fn enum_users(&self, name: &QualifiedName) -> Vec<(QualifiedName, Column)> {
        let mut users = Vec::new();
        for table in &self.schema.tables {
            for column in table.columns.iter().filter(|c| uses_enum(&c.ty, name)) {
                users.push((table.name.clone(), column.clone()));
            }
        }
        users
    }

    /// A column PostgreSQL accepts: its enum types exist; an identity column is a NOT NULL
    /// integer without a default.
    fn check_column(&self, table: &QualifiedName, column: &Column) -> Verdict {
        self.check_type(&column.ty)?;
        if column.identity.is_some() {
            let integer = matches!(
                column.ty,
                ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt
            );
            if !integer || column.nullable || column.default.is_some() {
                return Err(format!(
                    "identity column {table}.{} must be a NOT NULL integer without a default",
                    column.name
                ));
            }
        }
        Ok(())
    }

    fn check_type(&self, ty: &ColumnType) -> Verdict {
        match ty {
            ColumnType::Enum { name } if self.schema.enum_type(name).is_none() => {
                Err(format!("enum type {name} does not exist"))
            }
            ColumnType::Array { element } => self.check_type(element),
            _ => Ok(()),
        }
    }

    pub(super) fn create_enum(&mut self, enum_type: &EnumType) -> Verdict {
        let name = &enum_type.name;
        self.namespace_exists(name)?;
        if self.schema.enum_type(name).is_some() {
            return Err(format!("enum type {name} already exists"));
        }
        if self.schema.table(name).is_some() {
            return Err(format!("table {name} already takes the type name {name}"));
        }
        for (at, value) in enum_type.values.iter().enumerate() {
            if enum_type.values[..at].contains(value) {
                return Err(format!("enum type {name} lists the value '{value}' twice"));
            }
        }
        self.schema.enums.push(enum_type.clone());
        Ok(())
    }

    pub(super) fn drop_enum(&mut self, enum_type: &EnumType) -> Verdict {
        let name = &enum_type.name;
        if self.enum_mut(name)? != enum_type {
            return Err(described_otherwise(format!("enum type {name}")));
        }
        if let Some((table, column)) = self.enum_users(name).first() {
            return Err(format!(
                "column {table}.{} still uses enum type {name}",
                column.name
            ));
        }
        self.schema.enums.retain(|e| &e.name != name);
        Ok(())
    }

    pub(super) fn add_enum_value(
        &mut self,
        name: &QualifiedName,
        value: &str,
        before: Option<&str>,
    ) -> Verdict {
        let enum_type = self.enum_mut(name)?;
        if enum_type.values.iter().any(|v| v == value) {
            return Err(format!("enum type {name} already has the value '{value}'"));
        }
        let at = match before {
            None => enum_type.values.len(),
            Some(before) => enum_type
                .values
                .iter()
                .position(|v| v == before)
                .ok_or_else(|| format!("enum type {name} has no value '{before}'"))?,
        };
        enum_type.values.insert(at, value.to_owned());
        Ok(())
    }

    pub(super) fn replace_enum_values(
        &mut self,
        name: &QualifiedName,
        from: &[String],
        to: &[String],
        columns: &[EnumColumn],
    ) -> Verdict {
        if self.enum_mut(name)?.values != from {
            return Err(described_otherwise(format!(
                "the values of enum type {name}"
            )));
        }
        if let Some(twice) = to.iter().enumerate().find(|(at, v)| to[..*at].contains(v)) {
            return Err(format!("the new values of {name} list '{}' twice", twice.1));
        }
        let users = self.enum_users(name);
        let listed: Vec<(QualifiedName, Column)> = columns
            .iter()
            .map(|c| (c.table.clone(), plain(&c.column)))
            .collect();
        let same = users.len() == listed.len()
            && users.iter().all(|u| listed.contains(u))
            && listed.iter().all(|l| users.contains(l));
        if !same {
            return Err(described_otherwise(format!(
                "the columns that use enum type {name}"
            )));
        }
        self.enum_mut(name)?.values = to.to_vec();
        Ok(())
    }

    pub(super) fn set_enum_comment(
        &mut self,
        name: &QualifiedName,
        from: &Option<String>,
        to: &Option<String>,
    ) -> Verdict {
        let enum_type = self.enum_mut(name)?;
        if &enum_type.comment != from {
            return Err(described_otherwise(format!(
                "the comment of enum type {name}"
            )));
        }
        enum_type.comment = to.clone();
        Ok(())
    }

    /// A table name must be free among the namespace's tables, indexes and types.
    fn claim_table_name(&self, name: &QualifiedName) -> Verdict {
        self.namespace_exists(name)?;
        if let Some(holder) = self.relation_holder(&name.schema, &name.name) {
            return Err(format!("the name {name} is taken by {holder}"));
        }
        if self.schema.enum_type(name).is_some() {
            return Err(format!(
                "enum type {name} already takes the type name {name}"
            ));
        }
        Ok(())
    }

    /// `CREATE TABLE` with the columns, primary key, uniques, checks and exclusion
    /// constraints; the table's indexes
    /// and foreign keys are not part of the op.
    pub(super) fn create_table(&mut self, table: &Table) -> Verdict {
        let name = &table.name;
        self.claim_table_name(name)?;
        let mut created = Table::new(name.clone());
        created.comment = table.comment.clone();
        created.partition_by = table.partition_by.clone();
        for column in &table.columns {
            if created.column(&column.name).is_some() {
                return Err(format!("table {name} lists column {} twice", column.name));
            }
            self.check_column(name, column)?;
            created.columns.push(plain(column));
        }
        self.schema.tables.push(created);
        if let Some(key) = &table.primary_key {
            self.add_primary_key(name, key)?;
        }
        for unique in &table.uniques {
            self.add_unique(name, unique)?;
        }
        for check in &table.checks {
            self.add_check(name, check)?;
        }
        for exclusion in &table.exclusions {
            self.add_exclusion(name, exclusion)?;
        }
        Ok(())
    }

    pub(super) fn drop_table(&mut self, dropped: &Table) -> Verdict {
        let name = &dropped.name;
        let now = self.table(name)?;
        if !now.indexes.is_empty() || !now.foreign_keys.is_empty() {
            return Err(format!(
                "table {name} still has indexes or foreign keys, which the reverse \
                 CreateTable would not restore"
            ));
        }
        for other in &self.schema.tables {
            if let Some(fk) = other
                .foreign_keys
                .iter()
                .find(|fk| &fk.referenced_table == name)
            {
                return Err(format!(
                    "foreign key {} of table {} references table {name}",
                    fk.name, other.name
                ));
            }
        }
        let mut described = dropped.clone();
        described.indexes.clear();
        described.foreign_keys.clear();
        described.renamed_from = None;
        described.columns = dropped.columns.iter().map(plain).collect();
        sort_members(&mut described);
        let mut held = now.clone();
        sort_members(&mut held);
        if described != held {
            return Err(described_otherwise(format!("table {name}")));
        }
        self.schema.tables.retain(|t| &t.name != name);
        Ok(())
    }

    /// `RENAME TO`, and `SET SCHEMA` when the namespace changes, which moves the table's
    /// indexes (its keys' among them) along.
    pub(super) fn rename_table(&mut self, from: &QualifiedName, to: &QualifiedName) -> Verdict {
        let table = self.table(from)?;
        let moved: Vec<String> = if from.schema == to.schema {
            Vec::new()
        } else {
            index_names(table)
        };
        self.claim_table_name(to)?;
        for index in &moved {
            if let Some(holder) = self.relation_holder(&to.schema, index) {
                return Err(format!(
                    "index {index} of table {from} cannot move: the name is taken by {holder}"
                ));
            }
        }
        for table in &mut self.schema.tables {
            if &table.name == from {
                table.name = to.clone();
            }
            for fk in &mut table.foreign_keys {
                if &fk.referenced_table == from {
                    fk.referenced_table = to.clone();
                }
            }
        }
        Ok(())
    }

    pub(super) fn set_table_comment(
        &mut self,
        name: &QualifiedName,
        from: &Option<String>,
        to: &Option<String>,
    ) -> Verdict {
        let table = self.table_mut(name)?;
        if &table.comment != from {
            return Err(described_otherwise(format!("the comment of table {name}")));
        }
        table.comment = to.clone();
        Ok(())
    }

    pub(super) fn add_column(&mut self, name: &QualifiedName, column: &Column) -> Verdict {
        if self.table(name)?.column(&column.name).is_some() {
            return Err(format!("column {name}.{} already exists", column.name));
        }
        self.check_column(name, column)?;
        self.table_mut(name)?.columns.push(plain(column));
        Ok(())
    }

    pub(super) fn drop_column(&mut self, name: &QualifiedName, dropped: &Column) -> Verdict {
        let table = self.table(name)?;
        let now = column_of(table, &dropped.name)?;
        if now != &plain(dropped) {
            return Err(described_otherwise(format!(
                "column {name}.{}",
                dropped.name
            )));
        }
        if let Some(user) = self.column_user(name, &dropped.name, false) {
            return Err(format!(
                "column {name}.{} is used by {user}, which must go first",
                dropped.name
            ));
        }
        self.table_mut(name)?
            .columns
            .retain(|c| c.name != dropped.name);
        Ok(())
    }

    /// What uses a column: a foreign key on either side, and unless `only_foreign_keys`, a
    /// key, index or check of its table.
    pub(super) fn column_user(
        &self,
        name: &QualifiedName,
        column: &str,
        only_foreign_keys: bool,
    ) -> Option<String> {
        let lists = |columns: &[String]| columns.iter().any(|c| c == column);
        for other in &self.schema.tables {
            for fk in &other.foreign_keys {
                let here = &other.name == name && lists(&fk.columns);
                let there = &fk.referenced_table == name && lists(&fk.referenced_columns);
                if here || there {
                    return Some(format!("foreign key {} of table {}", fk.name, other.name));
                }
            }
        }
        if only_foreign_keys {
            return None;
        }
        let table = self.table(name).ok()?;
        if let Some(pk) = table.primary_key.iter().find(|pk| lists(&pk.columns)) {
            return Some(format!("primary key {}", pk.name));
        }
        if let Some(unique) = table.uniques.iter().find(|u| lists(&u.columns)) {
            return Some(format!("unique constraint {}", unique.name));
        }
        if let Some(check) = table
            .checks
            .iter()
            .find(|c| sql::mentions(&c.expression, column))
        {
            return Some(format!("check constraint {}", check.name));
        }
        if let Some(exclusion) = table
            .exclusions
            .iter()
            .find(|e| sql::mentions(&e.definition, column))
        {
            return Some(format!("exclusion constraint {}", exclusion.name));
        }
        let indexed = |part: &IndexPart| match part {
            IndexPart::Column(c) => c == column,
            IndexPart::Expression(text) => sql::mentions(text, column),
        };
        table
            .indexes
            .iter()
            .find(|i| {
                i.parts.iter().any(indexed)
                    || i.predicate
                        .as_deref()
                        .is_some_and(|p| sql::mentions(p, column))
            })
            .map(|i| format!("index {}", i.name))
    }

    /// `RENAME COLUMN`: keys, indexes and foreign keys follow the column, and the expressions
    /// that name it deparse with the new name.
    pub(super) fn rename_column(&mut self, name: &QualifiedName, from: &str, to: &str) -> Verdict {
        let table = self.table(name)?;
        column_of(table, from)?;
        if table.column(to).is_some() {
            return Err(format!("column {name}.{to} already exists"));
        }
        let swap = |c: &mut String| {
            if c == from {
                *c = to.to_owned();
            }
        };
        for other in &mut self.schema.tables {
            for fk in other.foreign_keys.iter_mut() {
                if &fk.referenced_table == name {
                    fk.referenced_columns.iter_mut().for_each(swap);
                }
            }
        }
        let table = self.table_mut(name)?;
        table.columns.iter_mut().for_each(|c| swap(&mut c.name));
        table
            .primary_key
            .iter_mut()
            .for_each(|pk| pk.columns.iter_mut().for_each(swap));
        for unique in &mut table.uniques {
            unique.columns.iter_mut().for_each(swap);
        }
        for fk in &mut table.foreign_keys {
            fk.columns.iter_mut().for_each(swap);
        }
        let respell = |text: &mut String| *text = sql::respell(text, from, to);
        for check in &mut table.checks {
            respell(&mut check.expression);
        }
        for exclusion in &mut table.exclusions {
            respell(&mut exclusion.definition);
        }
        for index in &mut table.indexes {
            for part in &mut index.parts {
                match part {
                    IndexPart::Column(c) => swap(c),
                    IndexPart::Expression(text) => respell(text),
                }
            }
            index.predicate.iter_mut().for_each(respell);
        }
        Ok(())
    }

    /// `ALTER COLUMN`: the op's `from` is the column as it is, and `to` differs from it in
    /// exactly the attributes `changes` flags; the column becomes `to`.
    pub(super) fn alter_column(
        &mut self,
        name: &QualifiedName,
        from: &Column,
        to: &Column,
        changes: ColumnChanges,
    ) -> Verdict {
        let table = self.table(name)?;
        let what = || format!("column {name}.{}", from.name);
        if column_of(table, &from.name)? != &plain(from) {
            return Err(described_otherwise(what()));
        }
        if to.name != from.name {
            return Err(format!("{} would be renamed by an AlterColumn", what()));
        }
        if changes.is_empty() || ColumnChanges::between(from, to) != changes {
            return Err(format!(
                "the changes the op flags for {} are not the ones between its from and to",
                what()
            ));
        }
        if changes.contains(ColumnChanges::TYPE) {
            if let Some(user) = self.column_user(name, &from.name, true) {
                return Err(format!(
                    "{} cannot change type while {user} uses it",
                    what()
                ));
            }
        }
        let in_key = table
            .primary_key
            .as_ref()
            .is_some_and(|pk| pk.columns.contains(&from.name));
        if to.nullable && in_key {
            return Err(format!(
                "{} is in the primary key, so it cannot allow NULL",
                what()
            ));
        }
        self.check_column(name, to)?;
        let table = self.table_mut(name)?;
        if let Some(column) = table.columns.iter_mut().find(|c| c.name == from.name) {
            *column = plain(to);
        }
        Ok(())
    }
}

/// The column of a table.
pub(super) fn column_of<'t>(table: &'t Table, name: &str) -> Result<&'t Column, String> {
    table
        .column(name)
        .ok_or_else(|| format!("column {}.{name} does not exist", table.name))
}

/// The names the table's indexes take in its namespace: its indexes' and its keys'.
pub(super) fn index_names(table: &Table) -> Vec<String> {
    let keys = table.primary_key.iter().map(|pk| pk.name.clone());
    let uniques = table.uniques.iter().map(|u| u.name.clone());
    let indexes = table.indexes.iter().map(|i| i.name.clone());
    let exclusions = table.exclusions.iter().map(|e| e.name.clone());
    keys.chain(uniques)
        .chain(indexes)
        .chain(exclusions)
        .collect()
}
