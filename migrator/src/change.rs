//! The closed vocabulary of schema changes. `diff` produces [`Op`]s, `safety` classifies them,
//! each dialect's renderer turns them into SQL, and [`Op::reverse`] gives the `down` section.
//! Every variant carries enough of the objects involved (whole tables, whole columns) that its
//! reverse can be built without looking at a database.

use schema_runtime::schema::{
    CheckConstraint, Column, EnumType, ExclusionConstraint, ForeignKey, Index, PrimaryKey,
    QualifiedName, Table, UniqueConstraint,
};
use serde::Serialize;

/// One schema change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// `CREATE SCHEMA IF NOT EXISTS`: a namespace the target's tables or enum types live
    /// in, where the current schema has none of its objects. The schema model cannot see an
    /// empty namespace, so the op may find it there already; and it has no reverse, since
    /// the namespace may hold objects the models do not manage.
    CreateNamespace {
        /// The namespace.
        name: String,
    },
    /// `CREATE TYPE ... AS ENUM`.
    CreateEnum {
        /// The new type.
        enum_type: EnumType,
    },
    /// `DROP TYPE`.
    DropEnum {
        /// The dropped type, whole, for the reverse.
        enum_type: EnumType,
    },
    /// `ALTER TYPE ... ADD VALUE`. PostgreSQL cannot remove a value, so this has no reverse.
    AddEnumValue {
        /// The enum type.
        name: QualifiedName,
        /// The new value.
        value: String,
        /// The existing value it goes right before (`None`: at the end).
        before: Option<String>,
    },
    /// Removes or reorders values of an existing enum type. No database does that in place:
    /// PostgreSQL renames the old type away, creates the new one, converts every column that
    /// uses it (`ALTER COLUMN ... TYPE ... USING col::text::type`, re-setting defaults) and
    /// drops the old type. The conversion fails when a row holds a removed value, so an op
    /// that removes values is destructive ([`Op::is_drop`]) and autogeneration leaves it to a
    /// reviewed migration; a pure reorder loses nothing and only rewrites the tables.
    ReplaceEnumValues {
        /// The enum type.
        name: QualifiedName,
        /// The values as they are.
        from: Vec<String>,
        /// The values as they should be.
        to: Vec<String>,
        /// Every column that uses the type (directly or as an array element) when the op
        /// runs, so that renderers can convert each one without looking at a database.
        columns: Vec<EnumColumn>,
    },
    /// `COMMENT ON TYPE`.
    SetEnumComment {
        /// The enum type.
        name: QualifiedName,
        /// The old comment.
        from: Option<String>,
        /// The new comment.
        to: Option<String>,
    },
    /// `CREATE TABLE` with its columns, primary key, uniques and checks. Foreign keys and
    /// indexes are separate ops, so that tables in a reference cycle can both exist first.
    CreateTable {
        /// The new table; its `foreign_keys` and `indexes` are ignored by renderers.
        table: Table,
    },
    /// `DROP TABLE`. Destructive: autogeneration never emits it as a runnable statement.
    /// The diff drops the table's foreign keys and indexes first, as ops of their own, so
    /// that the reverse (a `CreateTable`, which has neither) is followed by their re-creation.
    DropTable {
        /// The dropped table, whole but for foreign keys and indexes, for the reverse.
        table: Table,
    },
    /// `ALTER TABLE ... RENAME TO` (and `SET SCHEMA` when the namespace changes).
    RenameTable {
        /// The old name.
        from: QualifiedName,
        /// The new name.
        to: QualifiedName,
    },
    /// `COMMENT ON TABLE`.
    SetTableComment {
        /// The table.
        table: QualifiedName,
        /// The old comment.
        from: Option<String>,
        /// The new comment.
        to: Option<String>,
    },
    /// `ALTER TABLE ... ADD COLUMN`.
    AddColumn {
        /// The table.
        table: QualifiedName,
        /// The new column.
        column: Column,
    },
    /// `ALTER TABLE ... DROP COLUMN`. Destructive.
    DropColumn {
        /// The table.
        table: QualifiedName,
        /// The dropped column, whole, for the reverse.
        column: Column,
    },
    /// `ALTER TABLE ... RENAME COLUMN`.
    RenameColumn {
        /// The table.
        table: QualifiedName,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Changes to one column's type, nullability, default, identity, collation or comment.
    AlterColumn {
        /// The table.
        table: QualifiedName,
        /// The column as it is.
        from: Column,
        /// The column as it should be (same name).
        to: Column,
        /// What differs between `from` and `to`.
        changes: ColumnChanges,
    },
    /// `ALTER TABLE ... ADD CONSTRAINT ... PRIMARY KEY`.
    AddPrimaryKey {
        /// The table.
        table: QualifiedName,
        /// The key.
        key: PrimaryKey,
    },
    /// `ALTER TABLE ... DROP CONSTRAINT` of a primary key.
    DropPrimaryKey {
        /// The table.
        table: QualifiedName,
        /// The key.
        key: PrimaryKey,
    },
    /// `CREATE INDEX`.
    CreateIndex {
        /// The table.
        table: QualifiedName,
        /// The index.
        index: Index,
    },
    /// `DROP INDEX`.
    DropIndex {
        /// The table.
        table: QualifiedName,
        /// The index, whole, for the reverse.
        index: Index,
    },
    /// `ALTER INDEX ... RENAME TO`.
    RenameIndex {
        /// The table.
        table: QualifiedName,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// `ALTER TABLE ... RENAME CONSTRAINT` of a primary key, unique, foreign key or check
    /// whose definition is unchanged (generated names follow the table's name, so a table
    /// rename renames its constraints too). Emitted only for dialects that can rename
    /// constraints in place; elsewhere the diff drops and re-adds the constraint.
    RenameConstraint {
        /// The table.
        table: QualifiedName,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// `ALTER TABLE ... ADD CONSTRAINT ... UNIQUE`.
    AddUnique {
        /// The table.
        table: QualifiedName,
        /// The constraint.
        unique: UniqueConstraint,
    },
    /// `ALTER TABLE ... DROP CONSTRAINT` of a unique constraint.
    DropUnique {
        /// The table.
        table: QualifiedName,
        /// The constraint, whole, for the reverse.
        unique: UniqueConstraint,
    },
    /// `ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY`.
    AddForeignKey {
        /// The referencing table.
        table: QualifiedName,
        /// The constraint.
        foreign_key: ForeignKey,
    },
    /// `ALTER TABLE ... DROP CONSTRAINT` of a foreign key.
    DropForeignKey {
        /// The referencing table.
        table: QualifiedName,
        /// The constraint, whole, for the reverse.
        foreign_key: ForeignKey,
    },
    /// `ALTER TABLE ... ADD CONSTRAINT ... CHECK`.
    AddCheck {
        /// The table.
        table: QualifiedName,
        /// The constraint.
        check: CheckConstraint,
    },
    /// `ALTER TABLE ... DROP CONSTRAINT` of a check.
    DropCheck {
        /// The table.
        table: QualifiedName,
        /// The constraint, whole, for the reverse.
        check: CheckConstraint,
    },
    /// `ALTER TABLE ... VALIDATE CONSTRAINT` (PostgreSQL): a check or foreign key added
    /// `NOT VALID` that the models now say is valid. The rows already there are checked
    /// under a lock that lets reads and writes go on, where a drop and add would block
    /// them; no database marks a constraint unvalidated again, so it has no reverse.
    ValidateConstraint {
        /// The table.
        table: QualifiedName,
        /// The constraint, as it is before (`not_valid`), for the probe of its rows.
        constraint: Validated,
    },
    /// A table whose partitioning differs (PostgreSQL): partitioned by another key, no
    /// longer partitioned, or partitioned from now on. No database changes that in place,
    /// so every renderer refuses it with the revision to write by hand; it is an op so
    /// that the comparison reports it as drift.
    SetPartitioning {
        /// The table.
        table: QualifiedName,
        /// The partition key as it is (`None`: an ordinary table).
        from: Option<String>,
        /// The partition key as it should be.
        to: Option<String>,
    },
    /// `ALTER TABLE ... ADD CONSTRAINT ... EXCLUDE` (PostgreSQL).
    AddExclusion {
        /// The table.
        table: QualifiedName,
        /// The constraint.
        exclusion: ExclusionConstraint,
    },
    /// `ALTER TABLE ... DROP CONSTRAINT` of an exclusion constraint.
    DropExclusion {
        /// The table.
        table: QualifiedName,
        /// The constraint, whole, for the reverse.
        exclusion: ExclusionConstraint,
    },
}

/// The constraint [`Op::ValidateConstraint`] validates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Validated {
    /// A check.
    Check {
        /// The check, as it is (`not_valid`).
        check: CheckConstraint,
    },
    /// A foreign key.
    ForeignKey {
        /// The key, as it is (`not_valid`).
        foreign_key: ForeignKey,
    },
}

impl Validated {
    /// The constraint's name.
    pub fn name(&self) -> &str {
        match self {
            Validated::Check { check } => &check.name,
            Validated::ForeignKey { foreign_key } => &foreign_key.name,
        }
    }
}

/// A column that uses an enum type, as carried by [`Op::ReplaceEnumValues`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EnumColumn {
    /// The column's table.
    pub table: QualifiedName,
    /// The column, whole (its type says whether it is an array, its default must be re-set).
    pub column: Column,
}

/// What moved in an [`Op::AddColumn`]-less column change: a small bit set, so renderers and
/// the safety analysis can ask "did the type change?" without re-comparing columns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct ColumnChanges(u8);

impl ColumnChanges {
    /// The type changed.
    pub const TYPE: Self = Self(1);
    /// NULL / NOT NULL changed.
    pub const NULLABLE: Self = Self(1 << 1);
    /// The server default changed.
    pub const DEFAULT: Self = Self(1 << 2);
    /// Identity generation changed.
    pub const IDENTITY: Self = Self(1 << 3);
    /// The collation changed.
    pub const COLLATION: Self = Self(1 << 4);
    /// The comment changed.
    pub const COMMENT: Self = Self(1 << 5);
    /// The generation expression changed (or appeared, or went).
    pub const GENERATED: Self = Self(1 << 6);

    /// Nothing changed.
    pub const fn empty() -> Self {
        Self(0)
    }

    /// True when nothing changed.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// True when every bit of `other` is set here.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// Sets the bits of `other`.
    pub fn insert(&mut self, other: Self) {
        self.0 |= other.0;
    }

    /// The bits that differ between two columns (their names are not compared).
    pub fn between(from: &Column, to: &Column) -> Self {
        let mut changes = Self::empty();
        if from.ty != to.ty {
            changes.insert(Self::TYPE);
        }
        if from.nullable != to.nullable {
            changes.insert(Self::NULLABLE);
        }
        if from.default != to.default {
            changes.insert(Self::DEFAULT);
        }
        if from.identity != to.identity
            || from.identity_sequence != to.identity_sequence
            || from.autoincrement != to.autoincrement
        {
            changes.insert(Self::IDENTITY);
        }
        if from.collation != to.collation {
            changes.insert(Self::COLLATION);
        }
        if from.comment != to.comment {
            changes.insert(Self::COMMENT);
        }
        if from.generated != to.generated || from.generated_virtual != to.generated_virtual {
            changes.insert(Self::GENERATED);
        }
        changes
    }
}

impl std::ops::BitOr for ColumnChanges {
    type Output = Self;

    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

impl Op {
    /// The change that undoes this one, or `None` where the database cannot undo it
    /// (a PostgreSQL enum value cannot be removed) or should not (a namespace may hold
    /// objects the models do not manage).
    pub fn reverse(&self) -> Option<Op> {
        let op = match self.clone() {
            Op::CreateNamespace { .. } => return None,
            Op::CreateEnum { enum_type } => Op::DropEnum { enum_type },
            Op::DropEnum { enum_type } => Op::CreateEnum { enum_type },
            Op::AddEnumValue { .. } | Op::ValidateConstraint { .. } => return None,
            Op::ReplaceEnumValues {
                name,
                from,
                to,
                columns,
            } => Op::ReplaceEnumValues {
                name,
                from: to,
                to: from,
                columns,
            },
            Op::SetEnumComment { name, from, to } => Op::SetEnumComment {
                name,
                from: to,
                to: from,
            },
            Op::CreateTable { table } => Op::DropTable { table },
            Op::DropTable { table } => Op::CreateTable { table },
            Op::RenameTable { from, to } => Op::RenameTable { from: to, to: from },
            Op::SetTableComment { table, from, to } => Op::SetTableComment {
                table,
                from: to,
                to: from,
            },
            Op::AddColumn { table, column } => Op::DropColumn { table, column },
            Op::DropColumn { table, column } => Op::AddColumn { table, column },
            Op::RenameColumn { table, from, to } => Op::RenameColumn {
                table,
                from: to,
                to: from,
            },
            Op::AlterColumn {
                table,
                from,
                to,
                changes,
            } => Op::AlterColumn {
                table,
                from: to,
                to: from,
                changes,
            },
            Op::AddPrimaryKey { table, key } => Op::DropPrimaryKey { table, key },
            Op::DropPrimaryKey { table, key } => Op::AddPrimaryKey { table, key },
            Op::CreateIndex { table, index } => Op::DropIndex { table, index },
            Op::DropIndex { table, index } => Op::CreateIndex { table, index },
            Op::RenameIndex { table, from, to } => Op::RenameIndex {
                table,
                from: to,
                to: from,
            },
            Op::RenameConstraint { table, from, to } => Op::RenameConstraint {
                table,
                from: to,
                to: from,
            },
            Op::AddUnique { table, unique } => Op::DropUnique { table, unique },
            Op::DropUnique { table, unique } => Op::AddUnique { table, unique },
            Op::AddForeignKey { table, foreign_key } => Op::DropForeignKey { table, foreign_key },
            Op::DropForeignKey { table, foreign_key } => Op::AddForeignKey { table, foreign_key },
            Op::AddCheck { table, check } => Op::DropCheck { table, check },
            Op::DropCheck { table, check } => Op::AddCheck { table, check },
            Op::SetPartitioning { table, from, to } => Op::SetPartitioning {
                table,
                from: to,
                to: from,
            },
            Op::AddExclusion { table, exclusion } => Op::DropExclusion { table, exclusion },
            Op::DropExclusion { table, exclusion } => Op::AddExclusion { table, exclusion },
        };
        Some(op)
    }

    /// True for the ops that destroy data or objects: autogeneration never applies them.
    pub fn is_drop(&self) -> bool {
        match self {
            Op::DropTable { .. } | Op::DropColumn { .. } | Op::DropEnum { .. } => true,
            Op::ReplaceEnumValues { from, to, .. } => from.iter().any(|v| !to.contains(v)),
            _ => false,
        }
    }

    /// A one-line, dialect-neutral description for listings (`add column orders.note`).
    pub fn describe(&self) -> String {
        match self {
            Op::CreateNamespace { name } => format!("create namespace {name}"),
            Op::CreateEnum { enum_type } => format!("create enum type {}", enum_type.name),
            Op::DropEnum { enum_type } => format!("drop enum type {}", enum_type.name),
            Op::AddEnumValue { name, value, .. } => {
                format!("add value '{value}' to enum type {name}")
            }
            Op::ReplaceEnumValues { name, from, to, .. } => format!(
                "replace values of enum type {name} ({} -> {})",
                from.join(", "),
                to.join(", ")
            ),
            Op::SetEnumComment { name, .. } => format!("set comment on enum type {name}"),
            Op::CreateTable { table } => format!("create table {}", table.name),
            Op::DropTable { table } => format!("drop table {}", table.name),
            Op::RenameTable { from, to } => format!("rename table {from} to {to}"),
            Op::SetTableComment { table, .. } => format!("set comment on table {table}"),
            Op::AddColumn { table, column } => format!("add column {table}.{}", column.name),
            Op::DropColumn { table, column } => format!("drop column {table}.{}", column.name),
            Op::RenameColumn { table, from, to } => {
                format!("rename column {table}.{from} to {to}")
            }
            Op::AlterColumn {
                table, to, changes, ..
            } => format!(
                "alter column {table}.{} ({})",
                to.name,
                describe_changes(*changes)
            ),
            Op::AddPrimaryKey { table, key } => format!("add primary key {} on {table}", key.name),
            Op::DropPrimaryKey { table, key } => {
                format!("drop primary key {} on {table}", key.name)
            }
            Op::CreateIndex { table, index } => format!("create index {} on {table}", index.name),
            Op::DropIndex { table, index } => format!("drop index {} on {table}", index.name),
            Op::RenameIndex { table, from, to } => {
                format!("rename index {from} to {to} on {table}")
            }
            Op::RenameConstraint { table, from, to } => {
                format!("rename constraint {from} to {to} on {table}")
            }
            Op::AddUnique { table, unique } => {
                format!("add unique constraint {} on {table}", unique.name)
            }
            Op::DropUnique { table, unique } => {
                format!("drop unique constraint {} on {table}", unique.name)
            }
            Op::AddForeignKey { table, foreign_key } => {
                format!("add foreign key {} on {table}", foreign_key.name)
            }
            Op::DropForeignKey { table, foreign_key } => {
                format!("drop foreign key {} on {table}", foreign_key.name)
            }
            Op::AddCheck { table, check } => {
                format!("add check constraint {} on {table}", check.name)
            }
            Op::DropCheck { table, check } => {
                format!("drop check constraint {} on {table}", check.name)
            }
            Op::ValidateConstraint { table, constraint } => {
                format!("validate constraint {} on {table}", constraint.name())
            }
            Op::SetPartitioning { table, from, to } => {
                let key = |k: &Option<String>| k.clone().unwrap_or_else(|| "none".into());
                format!(
                    "change partitioning of table {table} ({} -> {})",
                    key(from),
                    key(to)
                )
            }
            Op::AddExclusion { table, exclusion } => {
                format!("add exclusion constraint {} on {table}", exclusion.name)
            }
            Op::DropExclusion { table, exclusion } => {
                format!("drop exclusion constraint {} on {table}", exclusion.name)
            }
        }
    }
}

fn describe_changes(changes: ColumnChanges) -> String {
    let names = [
        (ColumnChanges::TYPE, "type"),
        (ColumnChanges::NULLABLE, "nullability"),
        (ColumnChanges::DEFAULT, "default"),
        (ColumnChanges::IDENTITY, "identity"),
        (ColumnChanges::COLLATION, "collation"),
        (ColumnChanges::COMMENT, "comment"),
        (ColumnChanges::GENERATED, "generation expression"),
    ];
    names
        .iter()
        .filter(|(bit, _)| changes.contains(*bit))
        .map(|(_, name)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_namespace_has_no_reverse_and_is_not_a_drop() {
        let op = Op::CreateNamespace {
            name: "audit".into(),
        };
        assert_eq!(op.reverse(), None);
        assert!(!op.is_drop());
        assert_eq!(op.describe(), "create namespace audit");
        assert_eq!(crate::safety::classify(&op), crate::safety::Risk::Safe);
    }
}
