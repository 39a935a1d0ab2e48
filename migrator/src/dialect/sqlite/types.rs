//! Column types on SQLite: the declared type written for each [`ColumnType`], and the
//! model-side lowering of what SQLite has no type for.
//!
//! SQLite stores any value in any column; the declared type only picks an affinity. The
//! migrator therefore writes a declared type that [`schema_runtime::parse_sql_type`] reads
//! back as the same [`ColumnType`], so that a round trip shows no drift:
//!
//! | model type            | declared type       | notes                                        |
//! |-----------------------|---------------------|----------------------------------------------|
//! | boolean               | `BOOLEAN`           | 0/1, NUMERIC affinity                        |
//! | smallint / bigint     | `SMALLINT`/`BIGINT` |                                              |
//! | integer               | `INT`               | not `INTEGER`: that would make a lone key a rowid alias |
//! | identity key          | `INTEGER`           | the rowid alias; read back as bigint, identity by default |
//! | real / double         | `REAL`/`DOUBLE PRECISION` |                                        |
//! | numeric(p,s)          | `NUMERIC(p,s)`      |                                              |
//! | text / varchar / char | `TEXT`/`VARCHAR(n)`/`CHAR(n)` | lengths are not enforced by SQLite |
//! | bytes                 | `BLOB`              |                                              |
//! | uuid                  | `UUID`              | stored as text                               |
//! | date, time, timestamp(tz), interval | `DATE`, `TIME`, `TIMESTAMP`, `TIMESTAMPTZ`, `INTERVAL` | stored as text |
//! | json, jsonb           | `JSON`              | jsonb is lowered to json by normalisation    |
//! | enum                  | `TEXT` + `CHECK ("col" IN (...))` named `ck_<table>_<col>_enum` | lowered by normalisation |
//! | array                 | error               | SQLite has no arrays                         |

use schema_runtime::schema::ColumnType;

/// The declared type written for `ty`. Arrays and enums never get here (validation refuses
/// arrays, normalisation lowers enums); should one slip through, it is written as `TEXT`
/// so that the statement still reads sensibly.
pub fn render_type(ty: &ColumnType) -> String {
    match ty {
        ColumnType::Boolean => "BOOLEAN".into(),
        ColumnType::SmallInt => "SMALLINT".into(),
        ColumnType::Integer => "INT".into(),
        ColumnType::BigInt => "BIGINT".into(),
        ColumnType::Real => "REAL".into(),
        ColumnType::Double => "DOUBLE PRECISION".into(),
        ColumnType::Numeric {
            precision: Some(p),
            scale: Some(s),
        } => format!("NUMERIC({p},{s})"),
        ColumnType::Numeric {
            precision: Some(p),
            scale: None,
        } => format!("NUMERIC({p})"),
        ColumnType::Numeric { .. } => "NUMERIC".into(),
        ColumnType::Text | ColumnType::Enum { .. } | ColumnType::Array { .. } => "TEXT".into(),
        ColumnType::Varchar { length: Some(n) } => format!("VARCHAR({n})"),
        ColumnType::Varchar { length: None } => "VARCHAR".into(),
        ColumnType::Char { length } => format!("CHAR({length})"),
        ColumnType::Bytes => "BLOB".into(),
        ColumnType::Uuid => "UUID".into(),
        ColumnType::Date => "DATE".into(),
        ColumnType::Time => "TIME".into(),
        ColumnType::Timestamp => "TIMESTAMP".into(),
        ColumnType::TimestampTz => "TIMESTAMPTZ".into(),
        ColumnType::Interval => "INTERVAL".into(),
        ColumnType::Json | ColumnType::Jsonb => "JSON".into(),
        ColumnType::Custom { sql } => sql.to_ascii_uppercase(),
    }
}

/// The model type a declared type reads back as. A column declared without a type (SQLite
/// allows it; BLOB affinity) is reported as a custom type with empty SQL, so the diff shows
/// it rather than guessing what it holds.
pub fn parse_declared_type(declared: &str) -> ColumnType {
    if declared.trim().is_empty() {
        return ColumnType::Custom { sql: String::new() };
    }
    // SQLite's `integer` holds 64 bits (what Django and Rails declare, keys and the
    // columns that reference them alike); the migrator writes `INT` for a 32-bit one.
    if declared.trim().eq_ignore_ascii_case("integer") {
        return ColumnType::BigInt;
    }
    schema_runtime::types::parse_sql_type(declared)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_declared_type_reads_back_as_itself() {
        let types = [
            ColumnType::Boolean,
            ColumnType::SmallInt,
            ColumnType::Integer,
            ColumnType::BigInt,
            ColumnType::Real,
            ColumnType::Double,
            ColumnType::Numeric {
                precision: Some(12),
                scale: Some(2),
            },
            ColumnType::Text,
            ColumnType::Varchar { length: Some(40) },
            ColumnType::Char { length: 3 },
            ColumnType::Bytes,
            ColumnType::Uuid,
            ColumnType::Date,
            ColumnType::Time,
            ColumnType::Timestamp,
            ColumnType::TimestampTz,
            ColumnType::Interval,
            ColumnType::Json,
        ];
        for ty in types {
            assert_eq!(parse_declared_type(&render_type(&ty)), ty, "{ty}");
        }
    }
}
