//! Checks an op's names before rendering. PostgreSQL silently truncates an identifier past
//! 63 bytes (`NAMEDATALEN - 1`), so a longer model name would be created under a different
//! name and show up as drift on every later comparison; an empty or NUL-containing name
//! cannot be written at all. Better a clear error before any SQL is written. The same goes
//! for a change PostgreSQL cannot make in place: a new generation expression, another
//! partitioning.

use schema_runtime::schema::{Column, ColumnType, QualifiedName, Table};

use crate::change::Op;
use crate::render::RenderError;

/// The longest identifier (and enum label) PostgreSQL keeps, in bytes.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// Every name in `op` is non-empty, NUL-free and at most [`MAX_IDENTIFIER_BYTES`] long.
pub fn validate(op: &Op) -> Result<(), RenderError> {
    if let Op::AlterColumn {
        to, changes, table, ..
    } = op
    {
        if changes.contains(crate::change::ColumnChanges::GENERATED) && to.generated.is_some() {
            return Err(RenderError::NotExpressible {
                op: op.describe(),
                dialect: schema_runtime::Dialect::Postgresql,
                reason: format!(
                    "PostgreSQL cannot give an existing column of {table} a new generation \
                     expression in place; write a revision by hand that drops column {} and \
                     adds it back generated (its values are computed again)",
                    to.name
                ),
            });
        }
    }
    if let Op::SetPartitioning { table, to, .. } = op {
        let wanted = match to {
            Some(key) => format!("partitioned by {key}"),
            None => "as an ordinary table".to_string(),
        };
        return Err(RenderError::NotExpressible {
            op: op.describe(),
            dialect: schema_runtime::Dialect::Postgresql,
            reason: format!(
                "PostgreSQL cannot change how an existing table is partitioned; write a \
                 revision by hand that creates the table anew {wanted}, copies the rows of \
                 {table} into it and swaps the names"
            ),
        });
    }
    let mut names = Names::default();
    names.collect(op);
    for (kind, name) in names.0 {
        let problem = if name.is_empty() {
            "is empty"
        } else if name.contains('\0') {
            "contains a NUL character"
        } else if name.len() > MAX_IDENTIFIER_BYTES {
            "is longer than 63 bytes, so PostgreSQL would truncate or refuse it"
        } else {
            continue;
        };
        return Err(RenderError::InvalidName {
            op: op.describe(),
            kind,
            name: name.to_owned(),
            bytes: name.len(),
            problem,
        });
    }
    Ok(())
}

/// The names an op mentions, each with what kind of name it is.
#[derive(Default)]
struct Names<'a>(Vec<(&'static str, &'a str)>);

impl<'a> Names<'a> {
    fn push(&mut self, kind: &'static str, name: &'a str) {
        self.0.push((kind, name));
    }

    fn qualified(&mut self, kind: &'static str, name: &'a QualifiedName) {
        if let Some(schema) = &name.schema {
            self.push("schema", schema);
        }
        self.push(kind, &name.name);
    }

    fn columns(&mut self, columns: &'a [String]) {
        for column in columns {
            self.push("column", column);
        }
    }

    fn column(&mut self, column: &'a Column) {
        self.push("column", &column.name);
        self.column_type(&column.ty);
    }

    fn column_type(&mut self, ty: &'a ColumnType) {
        match ty {
            ColumnType::Enum { name } => self.qualified("enum type", name),
            ColumnType::Array { element } => self.column_type(element),
            _ => {}
        }
    }

    fn table(&mut self, table: &'a Table) {
        self.qualified("table", &table.name);
        table.columns.iter().for_each(|c| self.column(c));
        if let Some(key) = &table.primary_key {
            self.push("constraint", &key.name);
            self.columns(&key.columns);
        }
        for unique in &table.uniques {
            self.push("constraint", &unique.name);
            self.columns(&unique.columns);
        }
        for check in &table.checks {
            self.push("constraint", &check.name);
        }
        for exclusion in &table.exclusions {
            self.push("constraint", &exclusion.name);
        }
    }

    fn collect(&mut self, op: &'a Op) {
        match op {
            Op::CreateNamespace { name } => self.push("schema", name),
            Op::CreateEnum { enum_type } | Op::DropEnum { enum_type } => {
                self.qualified("enum type", &enum_type.name);
                for value in &enum_type.values {
                    self.push("enum value", value);
                }
            }
            Op::AddEnumValue {
                name,
                value,
                before,
            } => {
                self.qualified("enum type", name);
                self.push("enum value", value);
                if let Some(before) = before {
                    self.push("enum value", before);
                }
            }
            Op::ReplaceEnumValues {
                name,
                from,
                to,
                columns,
            } => {
                self.qualified("enum type", name);
                from.iter()
                    .chain(to)
                    .for_each(|v| self.push("enum value", v));
                for user in columns {
                    self.qualified("table", &user.table);
                    self.column(&user.column);
                }
            }
            Op::SetEnumComment { name, .. } => self.qualified("enum type", name),
            Op::CreateTable { table } | Op::DropTable { table } => self.table(table),
            Op::RenameTable { from, to } => {
                self.qualified("table", from);
                self.qualified("table", to);
            }
            Op::SetTableComment { table, .. } => self.qualified("table", table),
            Op::AddColumn { table, column } | Op::DropColumn { table, column } => {
                self.qualified("table", table);
                self.column(column);
            }
            Op::AlterColumn {
                table, from, to, ..
            } => {
                self.qualified("table", table);
                self.column(from);
                self.column(to);
            }
            Op::RenameColumn { table, from, to } => {
                self.qualified("table", table);
                self.push("column", from);
                self.push("column", to);
            }
            Op::AddPrimaryKey { table, key } | Op::DropPrimaryKey { table, key } => {
                self.qualified("table", table);
                self.push("constraint", &key.name);
                self.columns(&key.columns);
            }
            Op::CreateIndex { table, index } | Op::DropIndex { table, index } => {
                self.qualified("table", table);
                self.push("index", &index.name);
                index.column_names().for_each(|c| self.push("column", c));
            }
            Op::RenameIndex { table, from, to } => {
                self.qualified("table", table);
                self.push("index", from);
                self.push("index", to);
            }
            Op::RenameConstraint { table, from, to } => {
                self.qualified("table", table);
                self.push("constraint", from);
                self.push("constraint", to);
            }
            Op::AddUnique { table, unique } | Op::DropUnique { table, unique } => {
                self.qualified("table", table);
                self.push("constraint", &unique.name);
                self.columns(&unique.columns);
            }
            Op::AddForeignKey { table, foreign_key }
            | Op::DropForeignKey { table, foreign_key } => {
                self.qualified("table", table);
                self.push("constraint", &foreign_key.name);
                self.columns(&foreign_key.columns);
                self.qualified("table", &foreign_key.referenced_table);
                self.columns(&foreign_key.referenced_columns);
            }
            Op::AddCheck { table, check } | Op::DropCheck { table, check } => {
                self.qualified("table", table);
                self.push("constraint", &check.name);
            }
            Op::SetPartitioning { table, .. } => self.qualified("table", table),
            Op::ValidateConstraint { table, constraint } => {
                self.qualified("table", table);
                self.push("constraint", constraint.name());
            }
            Op::AddExclusion { table, exclusion } | Op::DropExclusion { table, exclusion } => {
                self.qualified("table", table);
                self.push("constraint", &exclusion.name);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rename(to: &str) -> Op {
        Op::RenameColumn {
            table: QualifiedName::new("t"),
            from: "a".into(),
            to: to.into(),
        }
    }

    #[test]
    fn names_up_to_63_bytes_pass() {
        assert_eq!(validate(&rename(&"x".repeat(63))), Ok(()));
        // 31 two-byte characters and one ASCII byte: 63 bytes, 32 characters.
        assert_eq!(validate(&rename(&format!("{}x", "é".repeat(31)))), Ok(()));
    }

    #[test]
    fn a_64_byte_name_is_refused_with_its_size() {
        let err = validate(&rename(&"é".repeat(32))).unwrap_err();
        let RenderError::InvalidName { kind, bytes, .. } = &err else {
            panic!("unexpected error {err:?}");
        };
        assert_eq!((*kind, *bytes), ("column", 64));
        assert!(err.to_string().contains("longer than 63 bytes"), "{err}");
    }

    #[test]
    fn empty_and_nul_names_are_refused() {
        assert!(validate(&rename("")).is_err());
        assert!(validate(&rename("a\0b")).is_err());
    }
}
