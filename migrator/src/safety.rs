//! Risk classification of ops: what may lose data, fail on existing rows, or lock a table.
//! Autogeneration applies only what is not [`Risk::Destructive`].

use std::collections::HashSet;

use serde::Serialize;

use crate::change::{ColumnChanges, Op};
use schema_runtime::schema::{ColumnType, QualifiedName};

/// How dangerous an op is to run against a database with data in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    /// Cannot lose data or fail because of existing rows.
    Safe,
    /// Rewrites or locks the table for a time that grows with its size.
    Blocking,
    /// May fail on existing data (SET NOT NULL, narrowing a type, a new unique).
    DataDependent,
    /// Drops data or objects. Never applied by autogeneration.
    Destructive,
}

impl Risk {
    /// The lower-case name used in listings.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Safe => "safe",
            Risk::Blocking => "blocking",
            Risk::DataDependent => "data-dependent",
            Risk::Destructive => "destructive",
        }
    }
}

/// The risk of one op.
pub fn classify(op: &Op) -> Risk {
    match op {
        Op::DropTable { .. } | Op::DropColumn { .. } | Op::DropEnum { .. } => Risk::Destructive,
        // Removing values is a drop; a pure reorder converts every using column in place.
        Op::ReplaceEnumValues { .. } if op.is_drop() => Risk::Destructive,
        Op::ReplaceEnumValues { .. } => Risk::Blocking,
        Op::AlterColumn {
            from, to, changes, ..
        } => {
            let narrows = changes.contains(ColumnChanges::TYPE) && !is_widening(&from.ty, &to.ty);
            let forbids_null = changes.contains(ColumnChanges::NULLABLE) && !to.nullable;
            if narrows || forbids_null {
                Risk::DataDependent
            } else if changes.contains(ColumnChanges::TYPE) && !keeps_storage(&from.ty, &to.ty) {
                Risk::Blocking
            } else {
                Risk::Safe
            }
        }
        Op::AddUnique { .. } | Op::AddPrimaryKey { .. } | Op::AddCheck { .. } => {
            Risk::DataDependent
        }
        Op::AddForeignKey { .. } => Risk::DataDependent,
        Op::CreateIndex { index, .. } if index.unique => Risk::DataDependent,
        Op::CreateIndex { .. } => Risk::Blocking,
        // `IF NOT EXISTS`, and nothing is in a new namespace yet.
        Op::CreateNamespace { .. } => Risk::Safe,
        // A volatile default is computed row by row: the table is rewritten.
        Op::AddColumn { column, .. } if column.default.as_deref().is_some_and(is_volatile) => {
            Risk::Blocking
        }
        Op::AddColumn { column, .. } if !column.nullable && column.default.is_none() => {
            // Fails on a table with rows unless it is an identity column.
            if column.identity.is_some() {
                Risk::Blocking
            } else {
                Risk::DataDependent
            }
        }
        _ => Risk::Safe,
    }
}

/// The risk of each op of a list, in context: an op that builds on a table an earlier op
/// of the same list created (its columns, keys, indexes, foreign keys) finds the table
/// empty, so nothing can fail on existing rows or take long. Listings of a whole plan
/// should use this rather than [`classify`] op by op, which would flag every foreign key
/// of a new table as data-dependent.
pub fn classify_all(ops: &[Op]) -> Vec<Risk> {
    let mut created: HashSet<&QualifiedName> = HashSet::new();
    ops.iter()
        .map(|op| {
            match op {
                Op::CreateTable { table } => {
                    created.insert(&table.name);
                }
                Op::RenameTable { from, to } if created.contains(from) => {
                    created.insert(to);
                }
                _ => {}
            }
            match builds_on(op) {
                Some(table) if created.contains(table) => Risk::Safe,
                _ => classify(op),
            }
        })
        .collect()
}

/// The table an additive op changes: the ops that cannot hurt an empty table.
fn builds_on(op: &Op) -> Option<&QualifiedName> {
    match op {
        Op::AddColumn { table, .. }
        | Op::AlterColumn { table, .. }
        | Op::AddPrimaryKey { table, .. }
        | Op::CreateIndex { table, .. }
        | Op::AddUnique { table, .. }
        | Op::AddForeignKey { table, .. }
        | Op::AddCheck { table, .. } => Some(table),
        _ => None,
    }
}

/// Functions whose value differs row by row: as a column default they make PostgreSQL
/// rewrite the table when the column is added (a stable default like `now()` is computed
/// once and stored in the catalog instead).
const VOLATILE_FUNCTIONS: &[&str] = &[
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "random",
    "clock_timestamp",
    "timeofday",
    "nextval",
];

/// True when the default calls a well-known volatile function.
fn is_volatile(default: &str) -> bool {
    let text = default.to_ascii_lowercase();
    VOLATILE_FUNCTIONS.iter().any(|name| {
        text.match_indices(name).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + name.len()..].trim_start();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_') && after.starts_with('(')
        })
    })
}

/// True when PostgreSQL changes the type in the catalog only, without rewriting or even
/// scanning the table: every stored value is already valid as it is (a longer or unbounded
/// varchar, text, a numeric with more digits and the same scale).
fn keeps_storage(from: &ColumnType, to: &ColumnType) -> bool {
    use ColumnType::*;
    match (from, to) {
        (Varchar { length: Some(a) }, Varchar { length: Some(b) }) => b >= a,
        (Varchar { .. }, Varchar { length: None } | Text) | (Text, Varchar { length: None }) => {
            true
        }
        (
            Numeric {
                precision: Some(p1),
                scale: Some(s1),
            },
            Numeric {
                precision: Some(p2),
                scale: Some(s2),
            },
        ) => s1 == s2 && p2 >= p1,
        (
            Numeric { .. },
            Numeric {
                precision: None,
                scale: None,
            },
        ) => true,
        _ => false,
    }
}

/// True when every value of `from` fits in `to` without loss.
pub fn is_widening(from: &ColumnType, to: &ColumnType) -> bool {
    use ColumnType::*;
    match (from, to) {
        (SmallInt, Integer | BigInt | Numeric { .. }) => true,
        (Integer, BigInt | Numeric { .. }) => true,
        (BigInt, Numeric { .. }) => true,
        (Real, Double) => true,
        // Every value has a text form, and the conversion needs no cast that could fail.
        (_, Text | Varchar { length: None }) => true,
        (Varchar { length: Some(a) }, Varchar { length: Some(b) }) => b >= a,
        (Json, Jsonb) | (Jsonb, Json) => true,
        (Timestamp, TimestampTz) => true,
        (
            Numeric {
                precision: Some(p1),
                scale: Some(s1),
            },
            Numeric {
                precision: Some(p2),
                scale: Some(s2),
            },
        ) => s2 >= s1 && (p2 - s2) >= (p1 - s1),
        (
            Numeric { .. },
            Numeric {
                precision: None, ..
            },
        ) => true,
        _ => from == to,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use schema_runtime::schema::{Column, ForeignKey, ForeignKeyAction, Table};

    fn varchar(length: Option<u32>) -> ColumnType {
        ColumnType::Varchar { length }
    }

    fn retype(from: ColumnType, to: ColumnType) -> Op {
        Op::AlterColumn {
            table: QualifiedName::new("t"),
            from: Column::new("c", from),
            to: Column::new("c", to),
            changes: ColumnChanges::TYPE,
        }
    }

    #[test]
    fn type_changes_that_keep_the_storage_are_safe() {
        let numeric = |p, s| ColumnType::Numeric {
            precision: Some(p),
            scale: Some(s),
        };
        for (from, to) in [
            (varchar(Some(20)), varchar(Some(200))),
            (varchar(Some(20)), ColumnType::Text),
            (ColumnType::Text, varchar(None)),
            (numeric(10, 2), numeric(14, 2)),
        ] {
            assert_eq!(
                classify(&retype(from.clone(), to.clone())),
                Risk::Safe,
                "{from} -> {to}"
            );
        }
        for (from, to) in [
            (ColumnType::Integer, ColumnType::BigInt),
            (numeric(10, 2), numeric(14, 4)),
            (ColumnType::Json, ColumnType::Jsonb),
        ] {
            assert_eq!(
                classify(&retype(from.clone(), to.clone())),
                Risk::Blocking,
                "{from} -> {to}"
            );
        }
    }

    #[test]
    fn a_volatile_default_rewrites_the_table() {
        let add = |default: &str| {
            let mut column = Column::new("c", ColumnType::Uuid);
            column.default = Some(default.into());
            classify(&Op::AddColumn {
                table: QualifiedName::new("t"),
                column,
            })
        };
        assert_eq!(add("gen_random_uuid()"), Risk::Blocking);
        assert_eq!(add("public.GEN_RANDOM_UUID ()"), Risk::Blocking);
        assert_eq!(add("now()"), Risk::Safe);
        assert_eq!(add("my_random(1)"), Risk::Safe);
        // Text, not SQL: a literal that reads like a call errs on the careful side.
        assert_eq!(add("'random()'::text"), Risk::Blocking);
    }

    #[test]
    fn ops_on_a_table_created_in_the_same_plan_are_safe() {
        let mut table = Table::new(QualifiedName::new("new"));
        table
            .columns
            .push(Column::new("user_id", ColumnType::BigInt));
        let fk = |on: &str| Op::AddForeignKey {
            table: QualifiedName::new(on),
            foreign_key: ForeignKey {
                name: "fk".into(),
                columns: vec!["user_id".into()],
                referenced_table: QualifiedName::new("users"),
                referenced_columns: vec!["id".into()],
                on_delete: ForeignKeyAction::NoAction,
                on_update: ForeignKeyAction::NoAction,
                deferrable: false,
            },
        };
        let ops = [fk("new"), Op::CreateTable { table }, fk("new"), fk("old")];
        assert_eq!(
            classify_all(&ops),
            [
                Risk::DataDependent,
                Risk::Safe,
                Risk::Safe,
                Risk::DataDependent
            ]
        );
    }

    #[test]
    fn anything_to_unbounded_text_widens() {
        let status = ColumnType::Enum {
            name: QualifiedName::new("status"),
        };
        for from in [
            ColumnType::Integer,
            ColumnType::Uuid,
            ColumnType::Varchar { length: Some(3) },
            status,
        ] {
            assert!(is_widening(&from, &ColumnType::Text), "{from}");
            assert!(
                is_widening(&from, &ColumnType::Varchar { length: None }),
                "{from}"
            );
        }
        assert!(!is_widening(
            &ColumnType::Integer,
            &ColumnType::Varchar { length: Some(5) }
        ));
        assert!(!is_widening(&ColumnType::Text, &ColumnType::Integer));
    }
}
