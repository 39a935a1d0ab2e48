//! Indexes: `CREATE INDEX`, `DROP INDEX`, `ALTER INDEX ... RENAME TO`. An index lives in its
//! table's namespace, so statements that name an index on its own qualify it with the
//! table's schema.

use schema_runtime::schema::{Index, QualifiedName};

use super::quote::{quote_ident, quote_in_namespace_of, quote_name};
use crate::dialect::Statement;

/// `CREATE [UNIQUE] INDEX "ix" ON "t" [USING method] ("a" [opclass] [DESC], (expr))
/// [INCLUDE (..)] [NULLS NOT DISTINCT] [WHERE predicate]`.
pub fn create_index(table: &QualifiedName, index: &Index) -> Statement {
    let unique = if index.unique { "UNIQUE " } else { "" };
    let method = index
        .method
        .as_deref()
        .map(|m| format!(" USING {}", access_method(m)))
        .unwrap_or_default();
    let parts = index.key_sql(quote_ident);
    let include = if index.include.is_empty() {
        String::new()
    } else {
        let columns: Vec<String> = index.include.iter().map(|c| quote_ident(c)).collect();
        format!(" INCLUDE ({})", columns.join(", "))
    };
    let nulls = if index.nulls_not_distinct {
        " NULLS NOT DISTINCT"
    } else {
        ""
    };
    let predicate = index
        .predicate
        .as_deref()
        .map(|p| format!(" WHERE {p}"))
        .unwrap_or_default();
    Statement::new(format!(
        "CREATE {unique}INDEX {} ON {}{method} ({}){include}{nulls}{predicate}",
        quote_ident(&index.name),
        quote_name(table),
        parts.join(", ")
    ))
}

/// `DROP INDEX "schema"."ix"`.
pub fn drop_index(table: &QualifiedName, name: &str) -> Statement {
    Statement::new(format!("DROP INDEX {}", quote_in_namespace_of(table, name)))
}

/// `ALTER INDEX "schema"."old" RENAME TO "new"`.
pub fn rename_index(table: &QualifiedName, from: &str, to: &str) -> Statement {
    Statement::new(format!(
        "ALTER INDEX {} RENAME TO {}",
        quote_in_namespace_of(table, from),
        quote_ident(to)
    ))
}

/// Built-in access methods (`gin`, `btree`) read best bare, as everyone writes them; any
/// other spelling is quoted like an identifier.
fn access_method(method: &str) -> String {
    let simple = method.starts_with(|c: char| c.is_ascii_lowercase())
        && method
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if simple {
        method.to_owned()
    } else {
        quote_ident(method)
    }
}
