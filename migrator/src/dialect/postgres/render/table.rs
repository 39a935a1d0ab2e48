//! Tables, columns and constraints: `CREATE TABLE`, column definitions, constraint clauses
//! and the `COMMENT ON` statements that accompany them.

use schema_runtime::schema::{
    CheckConstraint, Column, ExclusionConstraint, ForeignKey, ForeignKeyAction, Identity,
    IdentitySequence, PrimaryKey, QualifiedName, Table, UniqueConstraint,
};

use super::quote::{quote_ident, quote_name, quote_optional_literal};
use super::types::render_type;
use crate::dialect::Statement;

/// `CREATE TABLE` with one column per line, then the primary key, uniques and checks,
/// followed by its comments. Foreign keys and indexes are separate ops.
pub fn create_table(table: &Table) -> Vec<Statement> {
    let sequences: Vec<(&Column, String)> = table
        .columns
        .iter()
        .filter_map(|c| own_sequence(c).map(|s| (c, s)))
        .collect();
    let mut statements: Vec<Statement> = sequences
        .iter()
        .map(|(column, sequence)| create_sequence(column, sequence))
        .collect();
    let mut lines: Vec<String> = table.columns.iter().map(column_definition).collect();
    if let Some(key) = &table.primary_key {
        lines.push(primary_key_clause(key));
    }
    lines.extend(table.uniques.iter().map(unique_clause));
    // A check stated NOT VALID is added after the table: inside CREATE TABLE the server
    // would validate it (there are no rows) and read it back as valid.
    lines.extend(
        table
            .checks
            .iter()
            .filter(|c| !c.not_valid)
            .map(check_clause),
    );
    lines.extend(table.exclusions.iter().map(exclusion_clause));
    let body = lines
        .iter()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join(",\n");
    let partitioning = table
        .partition_by
        .as_ref()
        .map(|key| format!(" PARTITION BY {key}"))
        .unwrap_or_default();
    statements.push(Statement::new(format!(
        "CREATE TABLE {} (\n{body}\n){partitioning}",
        quote_name(&table.name)
    )));
    statements.extend(
        sequences
            .iter()
            .map(|(column, sequence)| own_by(&table.name, column, sequence)),
    );
    statements.extend(
        table
            .checks
            .iter()
            .filter(|c| c.not_valid)
            .map(|c| add_constraint(&table.name, check_clause(c))),
    );
    if let Some(comment) = &table.comment {
        statements.push(comment_on_table(&table.name, Some(comment)));
    }
    statements.extend(
        table
            .columns
            .iter()
            .filter(|c| c.comment.is_some())
            .map(|c| comment_on_column(&table.name, &c.name, c.comment.as_deref())),
    );
    statements
}

/// `"name" type [COLLATE "c"] [GENERATED ... AS IDENTITY] [DEFAULT expr] [NOT NULL]`.
///
/// `COLLATE` sits right after the type, where PostgreSQL's documentation writes it.
pub fn column_definition(column: &Column) -> String {
    let mut sql = format!("{} {}", quote_ident(&column.name), render_type(&column.ty));
    if let Some(collation) = &column.collation {
        sql.push_str(&format!(" COLLATE {}", quote_ident(collation)));
    }
    if let Some(identity) = column.identity {
        sql.push_str(&format!(
            " GENERATED {} AS IDENTITY{}",
            identity_keywords(identity),
            sequence_options(column.identity_sequence)
        ));
    }
    if let Some(expression) = &column.generated {
        sql.push_str(&format!(" GENERATED ALWAYS AS ({expression}) STORED"));
    }
    if let Some(default) = &column.default {
        sql.push_str(&format!(" DEFAULT {default}"));
    }
    if !column.nullable {
        sql.push_str(" NOT NULL");
    }
    sql
}

/// `BY DEFAULT` or `ALWAYS`.
/// ` (START WITH n INCREMENT BY m)` for an identity whose sequence is not the default.
pub fn sequence_options(sequence: Option<IdentitySequence>) -> String {
    match sequence {
        Some(IdentitySequence { start, increment }) => {
            format!(" (START WITH {start} INCREMENT BY {increment})")
        }
        None => String::new(),
    }
}

pub fn identity_keywords(identity: Identity) -> &'static str {
    match identity {
        Identity::ByDefault => "BY DEFAULT",
        Identity::Always => "ALWAYS",
    }
}

/// `("a", "b")`.
pub fn column_list(columns: &[String]) -> String {
    let quoted: Vec<String> = columns.iter().map(|c| quote_ident(c)).collect();
    format!("({})", quoted.join(", "))
}

/// `CONSTRAINT "pk" PRIMARY KEY ("id")`.
pub fn primary_key_clause(key: &PrimaryKey) -> String {
    format!(
        "CONSTRAINT {} PRIMARY KEY {}",
        quote_ident(&key.name),
        column_list(&key.columns)
    )
}

/// `CONSTRAINT "uq" UNIQUE ("a", "b")`.
pub fn unique_clause(unique: &UniqueConstraint) -> String {
    format!(
        "CONSTRAINT {} UNIQUE {}",
        quote_ident(&unique.name),
        column_list(&unique.columns)
    )
}

/// `CONSTRAINT "ck" CHECK (expr) [NOT VALID]`; the expression is SQL and stays verbatim.
pub fn check_clause(check: &CheckConstraint) -> String {
    format!(
        "CONSTRAINT {} CHECK ({}){}",
        quote_ident(&check.name),
        check.expression,
        if check.not_valid { " NOT VALID" } else { "" }
    )
}

/// `CONSTRAINT "name" EXCLUDE USING gist (..) [WHERE (..)] [DEFERRABLE ..]`.
pub fn exclusion_clause(exclusion: &ExclusionConstraint) -> String {
    format!(
        "CONSTRAINT {} {}",
        quote_ident(&exclusion.name),
        exclusion.definition
    )
}

/// `CONSTRAINT "fk" FOREIGN KEY ("a") REFERENCES "t" ("id") [ON DELETE ..] [ON UPDATE ..]
/// [DEFERRABLE INITIALLY DEFERRED]`; `NO ACTION` is the default and left out.
pub fn foreign_key_clause(fk: &ForeignKey) -> String {
    let mut sql = format!(
        "CONSTRAINT {} FOREIGN KEY {} REFERENCES {} {}",
        quote_ident(&fk.name),
        column_list(&fk.columns),
        quote_name(&fk.referenced_table),
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
    if fk.not_valid {
        sql.push_str(" NOT VALID");
    }
    sql
}

/// `ALTER TABLE "t" ADD <clause>`.
pub fn add_constraint(table: &QualifiedName, clause: String) -> Statement {
    Statement::new(format!("ALTER TABLE {} ADD {clause}", quote_name(table)))
}

/// `ALTER TABLE "t" DROP CONSTRAINT "name"`.
pub fn drop_constraint(table: &QualifiedName, name: &str) -> Statement {
    Statement::new(format!(
        "ALTER TABLE {} DROP CONSTRAINT {}",
        quote_name(table),
        quote_ident(name)
    ))
}

/// `ALTER TABLE "t" RENAME CONSTRAINT "old" TO "new"` (a key's index follows the name).
pub fn rename_constraint(table: &QualifiedName, from: &str, to: &str) -> Statement {
    Statement::new(format!(
        "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
        quote_name(table),
        quote_ident(from),
        quote_ident(to)
    ))
}

/// `COMMENT ON TABLE "t" IS '...'` (`IS NULL` clears it).
pub fn comment_on_table(table: &QualifiedName, comment: Option<&str>) -> Statement {
    Statement::new(format!(
        "COMMENT ON TABLE {} IS {}",
        quote_name(table),
        quote_optional_literal(comment)
    ))
}

/// `COMMENT ON COLUMN "t"."c" IS '...'` (`IS NULL` clears it).
pub fn comment_on_column(table: &QualifiedName, column: &str, comment: Option<&str>) -> Statement {
    Statement::new(format!(
        "COMMENT ON COLUMN {}.{} IS {}",
        quote_name(table),
        quote_ident(column),
        quote_optional_literal(comment)
    ))
}

/// `ALTER TABLE "t" ADD COLUMN ...`, then its comment.
pub fn add_column(table: &QualifiedName, column: &Column) -> Vec<Statement> {
    let sequence = own_sequence(column);
    let mut statements: Vec<Statement> = sequence
        .iter()
        .map(|s| create_sequence(column, s))
        .collect();
    statements.push(Statement::new(format!(
        "ALTER TABLE {} ADD COLUMN {}",
        quote_name(table),
        column_definition(column)
    )));
    statements.extend(sequence.iter().map(|s| own_by(table, column, s)));
    if column.comment.is_some() {
        statements.push(comment_on_column(
            table,
            &column.name,
            column.comment.as_deref(),
        ));
    }
    statements
}

/// The sequence a `serial` column takes its values from, as its default names it
/// (`nextval('orders_id_seq'::regclass)` -> `orders_id_seq`, in the quoting `regclass`
/// prints, which is SQL): created with the column and owned by it, as `serial` does, so that
/// a table adopted from a database built with `serial` or `bigserial` (Rails, Django before
/// 3.2) is created again from the models. A sequence that already exists makes the
/// statement fail rather than be shared by surprise; several tables sharing one sequence is
/// for a hand-written revision.
fn own_sequence(column: &Column) -> Option<String> {
    if column.identity.is_some() {
        return None;
    }
    let default = column.default.as_deref()?.trim();
    let inner = default
        .strip_prefix("nextval('")?
        .strip_suffix("'::regclass)")?;
    (!inner.is_empty() && !inner.replace("''", "").contains('\'')).then(|| inner.replace("''", "'"))
}

fn create_sequence(column: &Column, sequence: &str) -> Statement {
    let ty = match column.ty {
        schema_runtime::schema::ColumnType::SmallInt => " AS smallint",
        schema_runtime::schema::ColumnType::Integer => " AS integer",
        _ => "",
    };
    Statement::new(format!("CREATE SEQUENCE {sequence}{ty}"))
}

fn own_by(table: &QualifiedName, column: &Column, sequence: &str) -> Statement {
    Statement::new(format!(
        "ALTER SEQUENCE {sequence} OWNED BY {}.{}",
        quote_name(table),
        quote_ident(&column.name)
    ))
}

/// `ALTER TABLE ... SET SCHEMA` when the namespace moves, then `RENAME TO` when the name
/// changes. The move comes first so that the rename addresses the table where it now is.
pub fn rename_table(from: &QualifiedName, to: &QualifiedName, default: &str) -> Vec<Statement> {
    let mut statements = Vec::new();
    let mut current = from.clone();
    if from.schema != to.schema {
        let target = to.schema.as_deref().unwrap_or(default);
        statements.push(Statement::new(format!(
            "ALTER TABLE {} SET SCHEMA {}",
            quote_name(from),
            quote_ident(target)
        )));
        current.schema = to.schema.clone();
    }
    if from.name != to.name {
        statements.push(Statement::new(format!(
            "ALTER TABLE {} RENAME TO {}",
            quote_name(&current),
            quote_ident(&to.name)
        )));
    }
    statements
}
