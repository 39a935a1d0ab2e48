//! The scale of risk, and the two column facts the analysis and the rest of the engine
//! read it by: whether inserts need a column, and whether a type change widens.

use schema_runtime::schema::{Column, ColumnType};
use serde::Serialize;

/// How dangerous an op is to run against a database with data in it, least first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    /// Cannot lose data or fail because of existing rows.
    Safe,
    /// Removes a guarantee the data relies on (a unique or primary key, a unique index, a
    /// foreign key, a check): nothing is lost and nothing fails, but from then on the
    /// database accepts rows it used to refuse.
    Loosening,
    /// Rewrites or locks the table for a time that grows with its size.
    Blocking,
    /// May fail on existing data (SET NOT NULL, narrowing a type, a new unique).
    DataDependent,
    /// Drops data or objects. Never applied by autogeneration.
    Destructive,
}

impl Risk {
    /// The lower-case name used in listings (and, the same, in JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Safe => "safe",
            Risk::Loosening => "loosening",
            Risk::Blocking => "blocking",
            Risk::DataDependent => "data-dependent",
            Risk::Destructive => "destructive",
        }
    }
}

/// True for a column that, once the models stop writing it, makes every insert fail: NOT
/// NULL, and nothing fills it in by itself. Autogeneration makes such a column NULL-able
/// when it blocks its drop.
pub fn inserts_need(column: &Column) -> bool {
    !column.nullable && column.default.is_none() && column.identity.is_none()
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
