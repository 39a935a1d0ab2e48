//! Spelling names and values safely in MySQL SQL: identifiers in backticks, literals in
//! single quotes with quotes and backslashes doubled.

use schema_runtime::schema::QualifiedName;

/// Backtick-quotes an identifier, doubling embedded backticks.
///
/// Always quoting keeps reserved words (`order`, `key`) and odd characters harmless.
pub fn quote_ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// A table name; a namespace (another database on the server) is never written, because
/// [`super::render::validate`] refuses names that have one.
pub fn quote_name(name: &QualifiedName) -> String {
    quote_ident(&name.name)
}

/// Single-quotes a string literal. Backslashes are doubled too: with the default
/// `sql_mode` MySQL reads `\` inside a literal as an escape.
pub fn quote_literal(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_and_literals_are_escaped() {
        assert_eq!(quote_ident("order"), "`order`");
        assert_eq!(quote_ident("a`b"), "`a``b`");
        assert_eq!(quote_literal(r"it's C:\x"), r"'it''s C:\\x'");
    }
}
