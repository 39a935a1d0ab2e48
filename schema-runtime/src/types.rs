//! The `SqlType` trait: how a Rust field type becomes a column type. The derive never looks
//! at type names; it asks this trait, so type aliases work and users can implement it for
//! their own types.

use crate::schema::{ColumnType, EnumType};

/// A Rust type that can be stored in a column.
///
/// Implement it for your own types to use them as fields of a `#[derive(Table)]` struct:
///
/// ```
/// use schema_runtime::{ColumnType, SqlType};
///
/// struct Email(String);
///
/// impl SqlType for Email {
///     fn column_type() -> ColumnType {
///         ColumnType::Varchar { length: Some(320) }
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a column: it does not implement `schema_runtime::SqlType`",
    label = "this field's type has no column type",
    note = "implement `SqlType` for it (saying which column type it maps to), or mark the field `#[column(skip)]`"
)]
pub trait SqlType {
    /// Whether the type admits NULL. Only `Option<T>` says yes; every other field is NOT NULL.
    const NULLABLE: bool = false;

    /// The column type this Rust type maps to.
    fn column_type() -> ColumnType;

    /// The named enum type the column needs, for `#[derive(DbEnum)]` types (and `Option`s and
    /// arrays of them). The registry declares each such type once.
    fn enum_type() -> Option<EnumType> {
        None
    }
}

/// Marks the Rust types that `#[column(max_length = N)]` applies to.
#[diagnostic::on_unimplemented(
    message = "`max_length` applies only to string fields, and `{Self}` is not one",
    label = "`max_length` needs a `String` (or `Option<String>`) field",
    note = "use `sql_type = \"...\"` to give a non-string column an explicit SQL type"
)]
pub trait StringLike: SqlType {}

impl StringLike for String {}
impl StringLike for Box<str> {}
impl<T: StringLike> StringLike for Option<T> {}

macro_rules! simple_sql_type {
    ($($ty:ty => $column:expr),* $(,)?) => {
        $(impl SqlType for $ty {
            fn column_type() -> ColumnType {
                $column
            }
        })*
    };
}

simple_sql_type! {
    bool => ColumnType::Boolean,
    i16 => ColumnType::SmallInt,
    i32 => ColumnType::Integer,
    i64 => ColumnType::BigInt,
    f32 => ColumnType::Real,
    f64 => ColumnType::Double,
    String => ColumnType::Text,
    Box<str> => ColumnType::Text,
    Vec<u8> => ColumnType::Bytes,
}

impl<T: SqlType> SqlType for Option<T> {
    const NULLABLE: bool = true;

    fn column_type() -> ColumnType {
        T::column_type()
    }

    fn enum_type() -> Option<EnumType> {
        T::enum_type()
    }
}

/// Arrays (PostgreSQL only; other dialects reject them with an error naming the column).
/// `Vec<u8>` is binary data, not an array of bytes; this impl covers every other element.
impl<T: ArrayElement> SqlType for Vec<T> {
    fn column_type() -> ColumnType {
        ColumnType::Array {
            element: Box::new(T::column_type()),
        }
    }

    fn enum_type() -> Option<EnumType> {
        T::enum_type()
    }
}

/// Element types a `Vec<T>` column may hold. Separate from [`SqlType`] so that `Vec<u8>`
/// can mean binary data without overlapping impls.
pub trait ArrayElement: SqlType {}

impl ArrayElement for bool {}
impl ArrayElement for i16 {}
impl ArrayElement for i32 {}
impl ArrayElement for i64 {}
impl ArrayElement for f32 {}
impl ArrayElement for f64 {}
impl ArrayElement for String {}

#[cfg(feature = "uuid")]
simple_sql_type! { uuid::Uuid => ColumnType::Uuid }
#[cfg(feature = "uuid")]
impl ArrayElement for uuid::Uuid {}

#[cfg(feature = "rust_decimal")]
simple_sql_type! { rust_decimal::Decimal => ColumnType::Numeric { precision: None, scale: None } }

#[cfg(feature = "serde_json")]
simple_sql_type! { serde_json::Value => ColumnType::Jsonb }

#[cfg(feature = "chrono")]
simple_sql_type! {
    chrono::NaiveDate => ColumnType::Date,
    chrono::NaiveTime => ColumnType::Time,
    chrono::NaiveDateTime => ColumnType::Timestamp,
    chrono::DateTime<chrono::Utc> => ColumnType::TimestampTz,
    chrono::DateTime<chrono::FixedOffset> => ColumnType::TimestampTz,
    chrono::DateTime<chrono::Local> => ColumnType::TimestampTz,
    chrono::Duration => ColumnType::Interval,
}

#[cfg(feature = "time")]
simple_sql_type! {
    time::Date => ColumnType::Date,
    time::Time => ColumnType::Time,
    time::PrimitiveDateTime => ColumnType::Timestamp,
    time::OffsetDateTime => ColumnType::TimestampTz,
    time::Duration => ColumnType::Interval,
}

/// Parses an SQL type as written in `#[column(sql_type = "...")]` (or read from a catalog)
/// into the neutral vocabulary. Synonyms collapse (`int4`, `integer` and `int` are one type;
/// `character varying(40)` is `varchar(40)`), which is what keeps spelling differences from
/// showing up as drift. Anything unknown is kept as [`ColumnType::Custom`], lower-cased and
/// with its whitespace collapsed.
pub fn parse_sql_type(text: &str) -> ColumnType {
    let normal = collapse_whitespace(text.trim());
    if let Some(inner) = normal.strip_suffix("[]") {
        return ColumnType::Array {
            element: Box::new(parse_sql_type(inner)),
        };
    }
    let (base, args) = split_args(&normal);
    let args = args.as_deref().map(parse_numbers);
    match (base, args) {
        ("bool" | "boolean", None) => ColumnType::Boolean,
        ("smallint" | "int2", None) => ColumnType::SmallInt,
        ("integer" | "int" | "int4", None) => ColumnType::Integer,
        ("bigint" | "int8", None) => ColumnType::BigInt,
        ("real" | "float4", None) => ColumnType::Real,
        ("double precision" | "float8" | "double", None) => ColumnType::Double,
        ("numeric" | "decimal", None) => ColumnType::Numeric {
            precision: None,
            scale: None,
        },
        ("numeric" | "decimal", Some(Some(nums))) if nums.len() == 1 => ColumnType::Numeric {
            precision: Some(nums[0]),
            scale: None,
        },
        ("numeric" | "decimal", Some(Some(nums))) if nums.len() == 2 => ColumnType::Numeric {
            precision: Some(nums[0]),
            scale: Some(nums[1]),
        },
        ("text", None) => ColumnType::Text,
        ("varchar" | "character varying", None) => ColumnType::Varchar { length: None },
        ("varchar" | "character varying", Some(Some(nums))) if nums.len() == 1 => {
            ColumnType::Varchar {
                length: Some(nums[0]),
            }
        }
        ("char" | "character" | "bpchar", Some(Some(nums))) if nums.len() == 1 => {
            ColumnType::Char { length: nums[0] }
        }
        ("char" | "character", None) => ColumnType::Char { length: 1 },
        ("bytea" | "blob", None) => ColumnType::Bytes,
        ("uuid", None) => ColumnType::Uuid,
        ("date", None) => ColumnType::Date,
        ("time" | "time without time zone", None) => ColumnType::Time,
        ("timestamp" | "timestamp without time zone", None) => ColumnType::Timestamp,
        ("timestamptz" | "timestamp with time zone", None) => ColumnType::TimestampTz,
        ("interval", None) => ColumnType::Interval,
        ("json", None) => ColumnType::Json,
        ("jsonb", None) => ColumnType::Jsonb,
        _ => ColumnType::Custom { sql: normal },
    }
}

/// Lower-cased, with runs of whitespace made one space and none beside a parenthesis,
/// outside single-quoted strings: the labels of `enum('Paid', 'in  progress')` keep their
/// case and spacing, which MySQL compares.
fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    let mut space = false;
    for c in text.chars() {
        if quoted {
            out.push(c);
            quoted = c != '\'';
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        let beside_paren = c == '(' || c == ')' || out.ends_with('(');
        if space && !out.is_empty() && !beside_paren {
            out.push(' ');
        }
        space = false;
        quoted = c == '\'';
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Splits `numeric(12,2)` into `("numeric", Some("12,2"))`.
fn split_args(text: &str) -> (&str, Option<String>) {
    match (text.find('('), text.ends_with(')')) {
        (Some(open), true) => (
            text[..open].trim_end(),
            Some(text[open + 1..text.len() - 1].to_string()),
        ),
        _ => (text, None),
    }
}

fn parse_numbers(args: &str) -> Option<Vec<u32>> {
    args.split(',').map(|n| n.trim().parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_collapse_to_one_type() {
        assert_eq!(parse_sql_type("INT4"), ColumnType::Integer);
        assert_eq!(parse_sql_type("integer"), ColumnType::Integer);
        assert_eq!(
            parse_sql_type("character  varying (40)"),
            ColumnType::Varchar { length: Some(40) }
        );
        assert_eq!(
            parse_sql_type("NUMERIC(12, 2)"),
            ColumnType::Numeric {
                precision: Some(12),
                scale: Some(2)
            }
        );
        assert_eq!(
            parse_sql_type("timestamp with time zone"),
            ColumnType::TimestampTz
        );
        assert_eq!(
            parse_sql_type("text[]"),
            ColumnType::Array {
                element: Box::new(ColumnType::Text)
            }
        );
    }

    #[test]
    fn unknown_types_are_kept_verbatim() {
        assert_eq!(
            parse_sql_type("CIDR"),
            ColumnType::Custom { sql: "cidr".into() }
        );
        assert_eq!(
            parse_sql_type("varchar(abc)"),
            ColumnType::Custom {
                sql: "varchar(abc)".into()
            }
        );
    }

    #[test]
    fn quoted_values_keep_their_case_and_spacing() {
        assert_eq!(
            parse_sql_type("ENUM ( 'New', 'in  progress','it''s Self' )"),
            ColumnType::Custom {
                sql: "enum('New', 'in  progress','it''s Self')".into()
            }
        );
    }

    #[test]
    fn option_is_nullable_and_keeps_the_inner_type() {
        const _: () = assert!(<Option<i64> as SqlType>::NULLABLE);
        const _: () = assert!(!<i64 as SqlType>::NULLABLE);
        assert_eq!(<Option<i64>>::column_type(), ColumnType::BigInt);
        assert_eq!(<Vec<u8>>::column_type(), ColumnType::Bytes);
        assert_eq!(
            <Vec<i32>>::column_type(),
            ColumnType::Array {
                element: Box::new(ColumnType::Integer)
            }
        );
    }
}
