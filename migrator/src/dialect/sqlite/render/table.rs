//! `CREATE TABLE` on SQLite: every constraint inline (SQLite cannot add one later), the
//! identity key as the rowid alias, and defaults parenthesised unless they are literals.

use schema_runtime::schema::{
    CheckConstraint, Column, ForeignKey, ForeignKeyAction, PrimaryKey, Table, UniqueConstraint,
};

use crate::dialect::sqlite::quote::{quote_ident, quote_name};
use crate::dialect::sqlite::types::render_type;

/// `CREATE TABLE "name" (...)` for `table` under the name `name_sql` (already quoted),
/// with `foreign_keys` as table constraints too.
pub fn create_table_sql(table: &Table, name_sql: &str, foreign_keys: &[ForeignKey]) -> String {
    let mut lines: Vec<String> = table.columns.iter().map(column_definition).collect();
    if let Some(key) = &table.primary_key {
        let autoincrement = match key.columns.as_slice() {
            [column] => table.column(column).is_some_and(|c| c.autoincrement),
            _ => false,
        };
        lines.push(primary_key_clause(key, autoincrement));
    }
    lines.extend(table.uniques.iter().map(unique_clause));
    lines.extend(table.checks.iter().map(check_clause));
    lines.extend(foreign_keys.iter().map(foreign_key_clause));
    let body = lines
        .iter()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join(",\n");
    format!("CREATE TABLE {name_sql} (\n{body}\n)")
}

/// `CREATE TABLE` for a table under its own name.
pub fn create_table(table: &Table, foreign_keys: &[ForeignKey]) -> String {
    create_table_sql(table, &quote_name(&table.name), foreign_keys)
}

/// `"name" TYPE [COLLATE c] [DEFAULT d] [GENERATED ALWAYS AS (e) STORED] [NOT NULL]`. An identity column is declared
/// `INTEGER`, which with a one-column primary key makes it SQLite's rowid alias.
pub fn column_definition(column: &Column) -> String {
    let ty = if column.identity.is_some() {
        "INTEGER".to_owned()
    } else {
        render_type(&column.ty)
    };
    let mut sql = format!("{} {ty}", quote_ident(&column.name));
    if let Some(collation) = &column.collation {
        sql.push_str(&format!(" COLLATE {}", quote_ident(collation)));
    }
    if let Some(default) = &column.default {
        sql.push_str(&format!(" DEFAULT {}", default_sql(default)));
    }
    if let Some(expression) = &column.generated {
        let kind = if column.generated_virtual {
            "VIRTUAL"
        } else {
            "STORED"
        };
        sql.push_str(&format!(" GENERATED ALWAYS AS ({expression}) {kind}"));
    }
    if !column.nullable {
        sql.push_str(" NOT NULL");
    }
    sql
}

/// SQLite takes a literal as a default as is and any other expression only in
/// parentheses; `pragma_table_xinfo` reports it without them, so the model's text round
/// trips either way.
pub fn default_sql(default: &str) -> String {
    if is_literal(default) {
        default.to_owned()
    } else {
        format!("({default})")
    }
}

/// Numbers, strings, blobs, `NULL`, `TRUE`/`FALSE` and the `CURRENT_*` keywords.
pub fn is_literal(expr: &str) -> bool {
    let text = expr.trim();
    let upper = text.to_ascii_uppercase();
    if matches!(
        upper.as_str(),
        "NULL" | "TRUE" | "FALSE" | "CURRENT_TIME" | "CURRENT_DATE" | "CURRENT_TIMESTAMP"
    ) {
        return true;
    }
    let unsigned = text.trim_start_matches(['-', '+']);
    if !unsigned.is_empty()
        && unsigned.chars().all(|c| c.is_ascii_digit() || c == '.')
        && unsigned.chars().filter(|c| *c == '.').count() <= 1
    {
        return true;
    }
    let quoted = text.strip_prefix(['x', 'X']).unwrap_or(text);
    quoted.len() >= 2
        && quoted.starts_with('\'')
        && quoted.ends_with('\'')
        && !quoted[1..quoted.len() - 1].replace("''", "").contains('\'')
}

/// `("a", "b")`.
pub fn column_list(columns: &[String]) -> String {
    let quoted: Vec<String> = columns.iter().map(|c| quote_ident(c)).collect();
    format!("({})", quoted.join(", "))
}

/// `CONSTRAINT "pk" PRIMARY KEY ("id")`, or `("id" AUTOINCREMENT)` for SQLite's
/// never-reused ids.
pub fn primary_key_clause(key: &PrimaryKey, autoincrement: bool) -> String {
    let columns = if autoincrement {
        format!(
            "({} AUTOINCREMENT)",
            key.columns
                .iter()
                .map(|c| quote_ident(c))
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        column_list(&key.columns)
    };
    format!(
        "CONSTRAINT {} PRIMARY KEY {columns}",
        quote_ident(&key.name)
    )
}

/// `CONSTRAINT "uq" UNIQUE ("a")`.
pub fn unique_clause(unique: &UniqueConstraint) -> String {
    format!(
        "CONSTRAINT {} UNIQUE {}",
        quote_ident(&unique.name),
        column_list(&unique.columns)
    )
}

/// `CONSTRAINT "ck" CHECK (expr)`, the expression verbatim (SQLite keeps the text, so it
/// reads back exactly).
pub fn check_clause(check: &CheckConstraint) -> String {
    format!(
        "CONSTRAINT {} CHECK ({})",
        quote_ident(&check.name),
        check.expression
    )
}

/// `CONSTRAINT "fk" FOREIGN KEY ("a") REFERENCES "t" ("id") [ON DELETE ..] [ON UPDATE ..]
/// [DEFERRABLE INITIALLY DEFERRED]`. The referenced table is never qualified: SQLite
/// resolves it in the referencing table's database.
pub fn foreign_key_clause(fk: &ForeignKey) -> String {
    let mut sql = format!(
        "CONSTRAINT {} FOREIGN KEY {} REFERENCES {} {}",
        quote_ident(&fk.name),
        column_list(&fk.columns),
        quote_ident(&fk.referenced_table.name),
        column_list(&fk.referenced_columns)
    );
    if fk.on_delete != ForeignKeyAction::NoAction {
        sql.push_str(&format!(" ON DELETE {}", fk.on_delete.as_sql()));
    }
    if fk.on_update != ForeignKeyAction::NoAction {
        sql.push_str(&format!(" ON UPDATE {}", fk.on_update.as_sql()));
    }
    match (fk.deferrable, fk.initially_deferred) {
        (true, true) => sql.push_str(" DEFERRABLE INITIALLY DEFERRED"),
        (true, false) => sql.push_str(" DEFERRABLE INITIALLY IMMEDIATE"),
        (false, _) => {}
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_stay_bare_and_expressions_get_parentheses() {
        for literal in [
            "0",
            "-1.5",
            "'it''s'",
            "NULL",
            "true",
            "CURRENT_TIMESTAMP",
            "X'00'",
        ] {
            assert_eq!(default_sql(literal), literal);
        }
        assert_eq!(default_sql("lower('A')"), "(lower('A'))");
        assert_eq!(default_sql("'a' || 'b'"), "('a' || 'b')");
        assert_eq!(default_sql("1 + 1"), "(1 + 1)");
    }
}
