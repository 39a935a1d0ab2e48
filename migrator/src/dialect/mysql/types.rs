//! Column types between the schema model and MySQL: how each [`ColumnType`] is written,
//! and how `information_schema.COLUMNS` describes it back.
//!
//! The mapping is chosen so that what is written reads back as the same model type:
//!
//! | model | MySQL | read back from |
//! |---|---|---|
//! | `Boolean` | `tinyint(1)` | `tinyint(1)` |
//! | `Integer` / `BigInt` / `SmallInt` | `int` / `bigint` / `smallint` | display widths dropped |
//! | `Text` | `longtext` (unbounded, as PostgreSQL's `text`) | `longtext` |
//! | `Timestamp` | `datetime(6)` (microseconds, as PostgreSQL) | `datetime(6)` |
//! | `TimestampTz` | `timestamp(6)` (only as found in a database) | `timestamp(6)` |
//! | `Json` | `json` | `json` (MySQL 8), or MariaDB's `longtext` + `json_valid` check |
//! | `Bytes` | `longblob` | `longblob` |
//!
//! Model types MySQL has no column type for are rewritten before the diff
//! ([`super::normalize`]): an enum type becomes the inline `enum('a','b')` of its values, a
//! UUID `char(36)`, `jsonb` plain `json`, a timestamp with time zone a `datetime(6)`:
//! MySQL's `timestamp` ends in January 2038, and the application writes UTC anyway (sqlx
//! sets the session's time zone to UTC). A `timestamp(6)` column found in a database reads
//! as `TimestampTz`, so the models ask to convert it. Arrays and intervals cannot be expressed at all:
//! rendering refuses them with a clear error.

use schema_runtime::schema::ColumnType;

use super::quote::quote_literal;

/// The MySQL spelling of a column type.
pub fn render_type(ty: &ColumnType) -> String {
    match ty {
        ColumnType::Boolean => "tinyint(1)".into(),
        ColumnType::SmallInt => "smallint".into(),
        ColumnType::Integer => "int".into(),
        ColumnType::BigInt => "bigint".into(),
        ColumnType::Real => "float".into(),
        ColumnType::Double => "double".into(),
        ColumnType::Numeric {
            precision: Some(p),
            scale,
        } => format!("decimal({p},{})", scale.unwrap_or(0)),
        ColumnType::Numeric { .. } => "decimal(65,30)".into(),
        ColumnType::Text | ColumnType::Varchar { length: None } => "longtext".into(),
        ColumnType::Varchar { length: Some(n) } => format!("varchar({n})"),
        ColumnType::Char { length } => format!("char({length})"),
        ColumnType::Bytes => "longblob".into(),
        ColumnType::Uuid => "char(36)".into(),
        ColumnType::Date => "date".into(),
        ColumnType::Time => "time(6)".into(),
        ColumnType::Timestamp => "datetime(6)".into(),
        // Only what introspection read stands for this (the models' own are rewritten to
        // `Timestamp`): written back as it was, so a `down` restores it.
        ColumnType::TimestampTz => "timestamp(6)".into(),
        ColumnType::Json | ColumnType::Jsonb => "json".into(),
        // Refused by validation; written so that a message can still show something.
        ColumnType::Interval => "interval".into(),
        ColumnType::Array { element } => format!("{}[]", render_type(element)),
        ColumnType::Enum { name } => format!("enum {name}"),
        ColumnType::Custom { sql } => sql.clone(),
    }
}

/// `enum('a','b')`: the inline type MySQL uses for an enum's values.
pub fn inline_enum(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| quote_literal(v)).collect();
    format!("enum({})", quoted.join(","))
}

/// Why MySQL cannot hold a column of this type, if it cannot.
pub fn unsupported(ty: &ColumnType) -> Option<&'static str> {
    match ty {
        ColumnType::Array { .. } => {
            Some("MySQL has no array types; give the field a JSON variant (`#[column(mysql(sql_type = \"json\"))]`) or use a child table")
        }
        ColumnType::Interval => Some("MySQL has no interval type; store a number of seconds"),
        _ => None,
    }
}

/// The model type of a column, from `COLUMNS.DATA_TYPE` and `COLUMNS.COLUMN_TYPE`.
/// What the vocabulary does not know is kept as [`ColumnType::Custom`], display widths
/// removed (`int(11) unsigned` reads `int unsigned`), so that it is compared as written.
pub fn parse_column_type(data_type: &str, column_type: &str) -> ColumnType {
    let data_type = data_type.to_ascii_lowercase();
    let full = column_type.trim();
    let lower = full.to_ascii_lowercase();
    let args = arguments(&lower);
    let unsigned = lower.contains("unsigned") || lower.contains("zerofill");
    let custom = || ColumnType::Custom {
        sql: without_display_width(&data_type, &lower),
    };
    match data_type.as_str() {
        "tinyint" if lower == "tinyint(1)" => ColumnType::Boolean,
        "smallint" if !unsigned => ColumnType::SmallInt,
        "int" if !unsigned => ColumnType::Integer,
        "bigint" if !unsigned => ColumnType::BigInt,
        "float" if args.is_empty() && !unsigned => ColumnType::Real,
        "double" if args.is_empty() && !unsigned => ColumnType::Double,
        "decimal" if !unsigned => ColumnType::Numeric {
            precision: args.first().copied(),
            scale: Some(args.get(1).copied().unwrap_or(0)),
        },
        "longtext" => ColumnType::Text,
        "varchar" => ColumnType::Varchar {
            length: args.first().copied(),
        },
        "char" => match args.first() {
            Some(&length) => ColumnType::Char { length },
            None => ColumnType::Char { length: 1 },
        },
        "longblob" => ColumnType::Bytes,
        "date" => ColumnType::Date,
        "time" if args == [6] => ColumnType::Time,
        "datetime" if args == [6] => ColumnType::Timestamp,
        "timestamp" if args == [6] => ColumnType::TimestampTz,
        "json" => ColumnType::Json,
        // The values keep their case and quoting: `enum('Paid','it''s')`.
        "enum" => ColumnType::Custom {
            sql: format!("enum{}", &full[4..]),
        },
        _ => custom(),
    }
}

/// The numbers in the first parentheses: `decimal(12,2)` -> `[12, 2]`.
fn arguments(column_type: &str) -> Vec<u32> {
    let Some(open) = column_type.find('(') else {
        return Vec::new();
    };
    let Some(close) = column_type[open..].find(')') else {
        return Vec::new();
    };
    column_type[open + 1..open + close]
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect()
}

/// `int(11) unsigned` -> `int unsigned`: integer display widths mean nothing and MySQL 8
/// no longer shows them, so they are dropped for both flavours to read alike.
fn without_display_width(data_type: &str, column_type: &str) -> String {
    let integer = matches!(
        data_type,
        "tinyint" | "smallint" | "mediumint" | "int" | "bigint"
    );
    match (integer, column_type.find('('), column_type.find(')')) {
        (true, Some(open), Some(close)) if open < close => {
            format!("{}{}", &column_type[..open], &column_type[close + 1..])
        }
        _ => column_type.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rendered_type_reads_back_as_itself() {
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
            ColumnType::Char { length: 36 },
            ColumnType::Bytes,
            ColumnType::Date,
            ColumnType::Time,
            ColumnType::Timestamp,
            ColumnType::TimestampTz,
            ColumnType::Json,
        ];
        for ty in types {
            let sql = render_type(&ty);
            let data_type = sql.split('(').next().unwrap();
            assert_eq!(parse_column_type(data_type, &sql), ty, "{sql}");
        }
    }

    #[test]
    fn display_widths_and_other_types_are_kept_readable() {
        assert_eq!(parse_column_type("int", "int(11)"), ColumnType::Integer);
        assert_eq!(
            parse_column_type("timestamp", "timestamp(6)"),
            ColumnType::TimestampTz
        );
        assert_eq!(
            parse_column_type("int", "int(10) unsigned"),
            ColumnType::Custom {
                sql: "int unsigned".into()
            }
        );
        assert_eq!(
            parse_column_type("tinyint", "tinyint(4)"),
            ColumnType::Custom {
                sql: "tinyint".into()
            }
        );
        assert_eq!(
            parse_column_type("enum", "enum('Paid','it''s')"),
            ColumnType::Custom {
                sql: "enum('Paid','it''s')".into()
            }
        );
        assert_eq!(
            inline_enum(&["Paid".into(), "it's".into()]),
            "enum('Paid','it''s')"
        );
    }
}
