//! Risk classification of ops: what may lose data, fail on existing rows, or lock a table.
//! Autogeneration applies only what is not [`Risk::Destructive`].

use serde::Serialize;

use crate::change::{ColumnChanges, Op};
use schema_runtime::schema::ColumnType;

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
            } else if changes.contains(ColumnChanges::TYPE) {
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

/// True when every value of `from` fits in `to` without loss.
pub fn is_widening(from: &ColumnType, to: &ColumnType) -> bool {
    use ColumnType::*;
    match (from, to) {
        (SmallInt, Integer | BigInt | Numeric { .. }) => true,
        (Integer, BigInt | Numeric { .. }) => true,
        (BigInt, Numeric { .. }) => true,
        (Real, Double) => true,
        (Varchar { .. } | Char { .. }, Text) => true,
        (Varchar { length: Some(a) }, Varchar { length: Some(b) }) => b >= a,
        (Varchar { .. }, Varchar { length: None }) => true,
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
