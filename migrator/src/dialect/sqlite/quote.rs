//! How SQLite spells names and string literals in the SQL this crate writes.

use schema_runtime::schema::QualifiedName;

/// Double-quotes an identifier, doubling embedded quotes.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A table name. Validation refuses namespaces other than `main`, so this is the name alone.
pub fn quote_name(name: &QualifiedName) -> String {
    quote_ident(&name.name)
}

/// Single-quotes a string literal, doubling embedded quotes (SQLite has no backslash
/// escapes).
pub fn quote_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}
