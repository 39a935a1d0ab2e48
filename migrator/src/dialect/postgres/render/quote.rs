//! Spelling names and values safely in PostgreSQL SQL: every identifier double-quoted,
//! every literal single-quoted, and values kept on one line inside `--` comments.

use schema_runtime::schema::QualifiedName;

/// Double-quotes an identifier, doubling embedded quotes.
///
/// Always quoting (even `orders`) keeps the case and the spelling the model wrote, and
/// makes reserved words (`order`, `user`) and odd characters harmless.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A table or type name, qualified with its schema when it has one.
///
/// `schema: None` is left unqualified on purpose: it resolves through the connection's
/// `search_path` (`public` by default), which is what `None` means in the schema model.
pub fn quote_name(name: &QualifiedName) -> String {
    match &name.schema {
        Some(schema) => format!("{}.{}", quote_ident(schema), quote_ident(&name.name)),
        None => quote_ident(&name.name),
    }
}

/// An object that lives in a table's namespace (an index), qualified like the table.
pub fn quote_in_namespace_of(table: &QualifiedName, name: &str) -> String {
    quote_name(&QualifiedName {
        schema: table.schema.clone(),
        name: name.to_owned(),
    })
}

/// Single-quotes a string literal, doubling embedded quotes.
///
/// Like PostgreSQL's own `quote_literal()`, a value with a backslash is written as an
/// escape string (`E'a\\b'`) with the backslash doubled, so the literal means the same thing
/// whatever the session's `standard_conforming_strings` says.
pub fn quote_literal(value: &str) -> String {
    let quoted = value.replace('\'', "''");
    if value.contains('\\') {
        format!("E'{}'", quoted.replace('\\', "\\\\"))
    } else {
        format!("'{quoted}'")
    }
}

/// `'text'` or `NULL`, for `COMMENT ON ... IS`.
pub fn quote_optional_literal(value: Option<&str>) -> String {
    value.map_or_else(|| "NULL".to_owned(), quote_literal)
}

/// Spells control characters (newlines included) as Rust-style escapes, so that a value
/// quoted inside a `--` comment stays on one line.
pub fn escape_controls(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_always_quoted_and_quotes_doubled() {
        assert_eq!(quote_ident("orders"), r#""orders""#);
        assert_eq!(quote_ident("Order Items"), r#""Order Items""#);
        assert_eq!(quote_ident(r#"say "hi""#), r#""say ""hi""""#);
    }

    #[test]
    fn names_are_qualified_only_when_they_have_a_schema() {
        assert_eq!(quote_name(&QualifiedName::new("t")), r#""t""#);
        assert_eq!(
            quote_name(&QualifiedName::with_schema("Sales", "t")),
            r#""Sales"."t""#
        );
    }

    #[test]
    fn literals_double_quotes_and_escape_backslashes() {
        assert_eq!(quote_literal("it's"), "'it''s'");
        assert_eq!(quote_literal(r"C:\temp's"), r"E'C:\\temp''s'");
        assert_eq!(quote_optional_literal(None), "NULL");
    }

    #[test]
    fn comments_cannot_be_escaped_by_a_newline_in_a_value() {
        assert_eq!(escape_controls("a\nb\rc"), r"a\nb\rc");
    }
}
