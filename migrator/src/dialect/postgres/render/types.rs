//! PostgreSQL spellings of [`ColumnType`], and the question a type change asks: does
//! `ALTER COLUMN ... TYPE` need a `USING` cast?

use schema_runtime::schema::ColumnType;

use super::quote::{quote_ident, quote_name};

/// The PostgreSQL spelling of a column type.
pub fn render_type(ty: &ColumnType) -> String {
    match ty {
        ColumnType::Boolean => "boolean".into(),
        ColumnType::SmallInt => "smallint".into(),
        ColumnType::Integer => "integer".into(),
        ColumnType::BigInt => "bigint".into(),
        ColumnType::Real => "real".into(),
        ColumnType::Double => "double precision".into(),
        ColumnType::Numeric {
            precision: Some(p),
            scale: Some(s),
        } => format!("numeric({p},{s})"),
        ColumnType::Numeric {
            precision: Some(p),
            scale: None,
        } => format!("numeric({p})"),
        // A scale without a precision cannot be written in PostgreSQL; the model never
        // builds one, and plain `numeric` is the closest honest spelling.
        ColumnType::Numeric {
            precision: None, ..
        } => "numeric".into(),
        ColumnType::Text => "text".into(),
        ColumnType::Varchar { length: Some(n) } => format!("varchar({n})"),
        ColumnType::Varchar { length: None } => "varchar".into(),
        ColumnType::Char { length } => format!("char({length})"),
        ColumnType::Bytes => "bytea".into(),
        ColumnType::Uuid => "uuid".into(),
        ColumnType::Date => "date".into(),
        ColumnType::Time => "time".into(),
        ColumnType::Timestamp => "timestamp".into(),
        ColumnType::TimestampTz => "timestamptz".into(),
        ColumnType::Interval => "interval".into(),
        ColumnType::Json => "json".into(),
        ColumnType::Jsonb => "jsonb".into(),
        ColumnType::Array { element } => format!("{}[]", render_type(element)),
        ColumnType::Enum { name } => quote_name(name),
        ColumnType::Custom { sql } => sql.clone(),
    }
}

/// True when changing a column from `from` to `to` needs `USING "col"::to`.
///
/// PostgreSQL converts a column without `USING` only through an assignment cast. Within one
/// family (numbers, strings, date-times, JSON, arrays of one family) such a cast exists, and
/// omitting `USING` is the safer choice: the assignment cast to `varchar(n)` fails on a long
/// value where an explicit cast would silently truncate it. For the same reason a change to
/// a string type never gets `USING`: every type converts to text by assignment. Across
/// families (`text` to `integer`, `varchar` to an enum) only an explicit cast works.
pub fn needs_using(from: &ColumnType, to: &ColumnType) -> bool {
    if from == to || to.is_string() {
        return false;
    }
    match (family(from), family(to)) {
        (Some(a), Some(b)) => a != b,
        // A custom type: no knowledge of its casts, so say what is meant explicitly.
        _ => true,
    }
}

/// The `USING` expression of a type change: `"col"::to`, or `"col"::text::to` when the
/// column holds an enum (or an array of one), which casts to nothing but text.
pub fn using_cast(column: &str, from: &ColumnType, to: &ColumnType) -> String {
    let bridge = if holds_enum(from) {
        format!("::{}", as_text(from))
    } else {
        String::new()
    };
    format!("{}{bridge}::{}", quote_ident(column), render_type(to))
}

fn holds_enum(ty: &ColumnType) -> bool {
    match ty {
        ColumnType::Enum { .. } => true,
        ColumnType::Array { element } => holds_enum(element),
        _ => false,
    }
}

/// `text`, or `text[]` for an array: the same shape with the elements as text.
fn as_text(ty: &ColumnType) -> String {
    match ty {
        ColumnType::Array { element } => format!("{}[]", as_text(element)),
        _ => "text".into(),
    }
}

/// Groups of types between which PostgreSQL has assignment casts.
#[derive(Debug, PartialEq, Eq)]
enum Family<'a> {
    Number,
    String,
    DateTime,
    Json,
    /// A type alone in its family (boolean, uuid, bytea, time, interval).
    Alone(&'a ColumnType),
    /// One enum type: distinct enum types never cast to each other.
    Enum(&'a ColumnType),
    Array(Box<Family<'a>>),
}

fn family(ty: &ColumnType) -> Option<Family<'_>> {
    use ColumnType::*;
    let family = match ty {
        SmallInt | Integer | BigInt | Real | Double | Numeric { .. } => Family::Number,
        Text | Varchar { .. } | Char { .. } => Family::String,
        Date | Timestamp | TimestampTz => Family::DateTime,
        Json | Jsonb => Family::Json,
        Boolean | Uuid | Bytes | Time | Interval => Family::Alone(ty),
        Enum { .. } => Family::Enum(ty),
        Array { element } => Family::Array(Box::new(family(element)?)),
        Custom { .. } => return None,
    };
    Some(family)
}

#[cfg(test)]
mod tests {
    use super::*;
    use schema_runtime::schema::QualifiedName;

    fn status() -> ColumnType {
        ColumnType::Enum {
            name: QualifiedName::new("status"),
        }
    }

    #[test]
    fn widenings_and_string_targets_need_no_cast() {
        assert!(!needs_using(&ColumnType::Integer, &ColumnType::BigInt));
        assert!(!needs_using(
            &ColumnType::Varchar { length: Some(40) },
            &ColumnType::Text
        ));
        assert!(!needs_using(&ColumnType::Integer, &ColumnType::Text));
        assert!(!needs_using(&status(), &ColumnType::Text));
        assert!(!needs_using(&ColumnType::Json, &ColumnType::Jsonb));
    }

    #[test]
    fn crossing_families_needs_a_cast() {
        assert!(needs_using(&ColumnType::Text, &ColumnType::Integer));
        assert!(needs_using(
            &ColumnType::Varchar { length: Some(20) },
            &status()
        ));
        assert!(needs_using(&ColumnType::Boolean, &ColumnType::Integer));
        assert!(needs_using(
            &ColumnType::Text,
            &ColumnType::Custom { sql: "inet".into() }
        ));
        let other = ColumnType::Enum {
            name: QualifiedName::new("other"),
        };
        assert!(needs_using(&status(), &other));
    }

    #[test]
    fn arrays_follow_their_elements() {
        let ints = ColumnType::Array {
            element: Box::new(ColumnType::Integer),
        };
        let bigints = ColumnType::Array {
            element: Box::new(ColumnType::BigInt),
        };
        let texts = ColumnType::Array {
            element: Box::new(ColumnType::Text),
        };
        assert!(!needs_using(&ints, &bigints));
        assert!(needs_using(&texts, &ints));
        assert_eq!(render_type(&ints), "integer[]");
    }

    #[test]
    fn enums_cast_through_text() {
        let statuses = ColumnType::Array {
            element: Box::new(status()),
        };
        assert_eq!(
            using_cast("s", &statuses, &statuses),
            r#""s"::text[]::"status"[]"#
        );
        assert_eq!(
            using_cast("s", &ColumnType::Text, &status()),
            r#""s"::"status""#
        );
    }
}
