//! Enum types: `CREATE TYPE ... AS ENUM`, `ALTER TYPE ... ADD VALUE`, the replacement of
//! a value list, `DROP TYPE` and `COMMENT ON TYPE`.

use schema_runtime::schema::{EnumType, QualifiedName};

use super::quote::{
    escape_controls, quote_ident, quote_literal, quote_name, quote_optional_literal,
};
use super::types::{render_type, using_cast};
use super::validate::MAX_IDENTIFIER_BYTES;
use crate::change::EnumColumn;
use crate::dialect::Statement;

/// `CREATE TYPE "x" AS ENUM ('a', 'b')`, then its comment.
pub fn create_enum(enum_type: &EnumType) -> Vec<Statement> {
    let values: Vec<String> = enum_type.values.iter().map(|v| quote_literal(v)).collect();
    let mut statements = vec![Statement::new(format!(
        "CREATE TYPE {} AS ENUM ({})",
        quote_name(&enum_type.name),
        values.join(", ")
    ))];
    if enum_type.comment.is_some() {
        statements.push(comment_on_type(
            &enum_type.name,
            enum_type.comment.as_deref(),
        ));
    }
    statements
}

/// `DROP TYPE "x"`.
pub fn drop_enum(name: &QualifiedName) -> Statement {
    Statement::new(format!("DROP TYPE {}", quote_name(name)))
}

/// `ALTER TYPE "x" ADD VALUE IF NOT EXISTS 'v' [BEFORE 'w']`.
///
/// `IF NOT EXISTS` makes the statement safe to run again: an executor commits after it
/// (see below), so a run stopped between that commit and the rest of the revision leaves
/// the value in place, and the rerun must not fail on it.
///
/// Marked transactional: PostgreSQL 12 and later run it inside a transaction block. The
/// caveat is that the new value cannot be *used* (as a default, in an `UPDATE`, in a
/// `USING` cast) until that transaction commits (error 55P04, "unsafe use of new value").
/// [`adds_enum_value`] recognises these statements from their text, so an executor can
/// commit after them before a later statement uses the value.
pub fn add_enum_value(name: &QualifiedName, value: &str, before: Option<&str>) -> Statement {
    let position = before
        .map(|b| format!(" BEFORE {}", quote_literal(b)))
        .unwrap_or_default();
    Statement::new(format!(
        "ALTER TYPE {} ADD VALUE IF NOT EXISTS {}{position}",
        quote_name(name),
        quote_literal(value)
    ))
}

/// True for an `ALTER TYPE ... ADD VALUE` statement, whose new value is unusable until its
/// transaction commits. Read from the SQL text, so it works as well on statements parsed
/// back from a revision file.
pub fn adds_enum_value(statement: &Statement) -> bool {
    // Hand-written revisions may spell keywords in lower case.
    let sql = statement.sql.trim_start().to_ascii_uppercase();
    sql.starts_with("ALTER TYPE ") && sql.contains(" ADD VALUE ")
}

/// The `down` of an added value: a comment, since PostgreSQL cannot remove an enum value.
pub fn irreversible_add_enum_value(name: &QualifiedName, value: &str) -> String {
    format!(
        "irreversible: PostgreSQL cannot remove value {} from enum type {}; \
         to undo, recreate the type without it by hand",
        escape_controls(&quote_literal(value)),
        escape_controls(&quote_name(name))
    )
}

/// `COMMENT ON TYPE "x" IS '...'` (`IS NULL` clears it).
pub fn comment_on_type(name: &QualifiedName, comment: Option<&str>) -> Statement {
    Statement::new(format!(
        "COMMENT ON TYPE {} IS {}",
        quote_name(name),
        quote_optional_literal(comment)
    ))
}

/// Replaces the value list of an enum type that is in use, the only way PostgreSQL allows
/// removing or reordering values: rename the old type away, create the new one under the
/// old name, convert each column through text (dropping its default first, since the old
/// default does not cast automatically, and setting it again after), drop the old type.
///
/// The conversion fails if a row holds a removed value, which rolls the whole revision
/// back. The type's comment stays on the old type and goes with it (the op does not carry
/// the comment). A check constraint or index expression that compares the column with a
/// literal of the old type must be dropped and re-created around this by hand.
pub fn replace_enum_values(
    name: &QualifiedName,
    values: &[String],
    columns: &[EnumColumn],
) -> Vec<Statement> {
    let old = QualifiedName {
        schema: name.schema.clone(),
        name: retired_name(&name.name),
    };
    let mut statements = vec![Statement::new(format!(
        "ALTER TYPE {} RENAME TO {}",
        quote_name(name),
        quote_ident(&old.name)
    ))];
    statements.extend(create_enum(&EnumType {
        name: name.clone(),
        values: values.to_vec(),
        comment: None,
    }));
    for user in columns {
        statements.extend(convert_column(user));
    }
    statements.push(drop_enum(&old));
    statements
}

/// `ALTER COLUMN ... TYPE "x" USING "col"::text::"x"`, with the default dropped around it.
fn convert_column(user: &EnumColumn) -> Vec<Statement> {
    let column = &user.column;
    let alter = |action: String| {
        Statement::new(format!(
            "ALTER TABLE {} ALTER COLUMN {} {action}",
            quote_name(&user.table),
            quote_ident(&column.name)
        ))
    };
    let ty = render_type(&column.ty);
    let mut statements = Vec::new();
    if column.default.is_some() {
        statements.push(alter("DROP DEFAULT".into()));
    }
    // The column's type names the enum, which now resolves to the new type; the old
    // values reach it through text.
    statements.push(alter(format!(
        "TYPE {ty} USING {}",
        using_cast(&column.name, &column.ty, &column.ty)
    )));
    if let Some(default) = &column.default {
        statements.push(alter(format!("SET DEFAULT {default}")));
    }
    statements
}

/// `<name>_old`, cut on a character boundary so that it stays within PostgreSQL's limit.
fn retired_name(name: &str) -> String {
    const SUFFIX: &str = "_old";
    let mut end = name.len().min(MAX_IDENTIFIER_BYTES - SUFFIX.len());
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{SUFFIX}", &name[..end])
}
