//! MySQL / MariaDB DDL for every [`Op`]: backtick-quoted identifiers, `ENGINE=InnoDB`
//! tables, and column changes as one `MODIFY COLUMN` with the column's whole definition
//! (MySQL has no `ALTER COLUMN ... TYPE`, and a comment or a default cannot be changed
//! without restating the rest).
//!
//! DDL is not transactional in MySQL: every statement commits on its own (an implicit
//! commit), so every statement is marked `transactional: false`, and a revision written
//! for MySQL says `-- transactional: false`. The executor then runs it statement by
//! statement and, on a failure, names the statements that already took effect.
//!
//! Enum types, namespaces and in-place constraint renames do not exist here; the diff does
//! not ask for them ([`mod@crate::diff`]'s hooks), and [`validate`] refuses what the models ask
//! for but MySQL cannot express (arrays, intervals, partial or expression indexes,
//! deferrable keys, namespaces) with a sentence saying so.

use schema_runtime::schema::{
    CheckConstraint, Column, ColumnType, ForeignKey, ForeignKeyAction, Identity, Index, IndexPart,
    QualifiedName, Schema, Table, UniqueConstraint,
};

use super::quote::{quote_ident, quote_literal, quote_name};
use super::types::{render_type, unsupported};
use super::Flavour;
use crate::change::Op;
use crate::dialect::{Dialect, Statement};
use crate::plan::PlannedChange;
use crate::render::RenderError;

/// The longest identifier MySQL accepts, in characters.
pub const MAX_IDENTIFIER_CHARS: usize = 64;

/// A statement as MySQL runs it: committing on its own.
fn ddl(sql: impl Into<String>) -> Statement {
    Statement {
        sql: sql.into(),
        transactional: false,
    }
}

/// Refuses ops MySQL cannot carry out, before any SQL is written.
pub fn validate(op: &Op) -> Result<(), RenderError> {
    match problem(op) {
        Some(reason) => Err(RenderError::NotExpressible {
            dialect: Dialect::Mysql,
            op: op.describe(),
            reason,
        }),
        None => Ok(()),
    }
}

fn problem(op: &Op) -> Option<String> {
    if let Some(namespace) = namespace_of(op) {
        return Some(format!(
            "MySQL has no schemas inside a database (namespace `{namespace}`); put the table in \
             the connected database: `#[table(mysql(name = \"...\"))]` or no `schema = ...`"
        ));
    }
    match op {
        Op::CreateNamespace { name } => Some(format!(
            "MySQL has no schemas inside a database (namespace `{name}`)"
        )),
        Op::RenameConstraint { .. } => {
            Some("MySQL cannot rename a constraint in place; drop it and add it again".into())
        }
        Op::AddExclusion { exclusion, .. } | Op::DropExclusion { exclusion, .. } => {
            Some(no_exclusions(&exclusion.name))
        }
        Op::SetPartitioning { table, .. } => Some(no_partitioning(table)),
        Op::ValidateConstraint { .. } => {
            Some("MySQL has no NOT VALID constraints to validate".into())
        }
        Op::CreateTable { table } if table.partition_by.is_some() => {
            Some(no_partitioning(&table.name))
        }
        Op::CreateTable { table } => table
            .exclusions
            .first()
            .map(|e| no_exclusions(&e.name))
            .or_else(|| table.columns.iter().find_map(column_problem))
            .or_else(|| table.indexes.iter().find_map(index_problem))
            .or_else(|| table.foreign_keys.iter().find_map(foreign_key_problem))
            .or_else(|| unindexable_key(table)),
        Op::AddColumn { column, .. } => column_problem(column),
        Op::AlterColumn {
            from, to, changes, ..
        } if changes.contains(crate::change::ColumnChanges::GENERATED)
            && (from.generated_virtual || to.generated_virtual)
            && !(from.generated_virtual && to.generated_virtual) =>
        {
            Some(format!(
                "MariaDB cannot turn column {} into or out of a VIRTUAL generated column in \
                 place; write a revision by hand that drops the column and adds it back",
                to.name
            ))
        }
        Op::AlterColumn { to, .. } => column_problem(to),
        Op::CreateIndex { index, .. } => index_problem(index),
        Op::AddForeignKey { foreign_key, .. } => foreign_key_problem(foreign_key),
        _ => None,
    }
}

fn namespace_of(op: &Op) -> Option<&str> {
    let names: Vec<&QualifiedName> = match op {
        Op::CreateTable { table } | Op::DropTable { table } => vec![&table.name],
        Op::RenameTable { from, to } => vec![from, to],
        Op::AddForeignKey { table, foreign_key } | Op::DropForeignKey { table, foreign_key } => {
            vec![table, &foreign_key.referenced_table]
        }
        Op::SetTableComment { table, .. }
        | Op::AddColumn { table, .. }
        | Op::DropColumn { table, .. }
        | Op::RenameColumn { table, .. }
        | Op::AlterColumn { table, .. }
        | Op::AddPrimaryKey { table, .. }
        | Op::DropPrimaryKey { table, .. }
        | Op::CreateIndex { table, .. }
        | Op::DropIndex { table, .. }
        | Op::RenameIndex { table, .. }
        | Op::RenameConstraint { table, .. }
        | Op::AddUnique { table, .. }
        | Op::DropUnique { table, .. }
        | Op::AddCheck { table, .. }
        | Op::DropCheck { table, .. } => vec![table],
        _ => Vec::new(),
    };
    names.into_iter().find_map(|n| n.schema.as_deref())
}

fn no_partitioning(table: &QualifiedName) -> String {
    format!("partitioning (table {table}) is supported on PostgreSQL only so far")
}

fn no_exclusions(name: &str) -> String {
    format!("MySQL has no exclusion constraints (`{name}`); keep it on PostgreSQL")
}

fn column_problem(column: &Column) -> Option<String> {
    if column.name.chars().count() > MAX_IDENTIFIER_CHARS {
        return Some(format!(
            "the column name {:?} is longer than MySQL's 64 characters",
            column.name
        ));
    }
    let ty = match &column.ty {
        schema_runtime::schema::ColumnType::Array { element } => element.as_ref(),
        other => other,
    };
    if column.generated.is_some() && !column.nullable {
        return Some(format!(
            "column {} is generated and NOT NULL, but MySQL's generated columns admit NULL",
            column.name
        ));
    }
    unsupported(&column.ty)
        .or_else(|| unsupported(ty))
        .map(|why| format!("column {} is {}: {why}", column.name, column.ty))
}

/// What InnoDB cannot do with a foreign key: defer it, or `SET DEFAULT` (MariaDB accepts
/// the words and keeps another action, which would read back as drift forever).
fn foreign_key_problem(foreign_key: &ForeignKey) -> Option<String> {
    if foreign_key.deferrable {
        return Some(format!(
            "MySQL checks foreign keys immediately; foreign key {} cannot be deferrable",
            foreign_key.name
        ));
    }
    [foreign_key.on_delete, foreign_key.on_update]
        .contains(&ForeignKeyAction::SetDefault)
        .then(|| {
            format!(
                "InnoDB has no SET DEFAULT action; give foreign key {} another `on_delete` / \
                 `on_update` for MySQL",
                foreign_key.name
            )
        })
}

/// A key or index of a new table over a column MySQL can index only by a prefix length
/// (`longtext`, `longblob`, `json`): the server would refuse it halfway through a revision.
fn unindexable_key(table: &Table) -> Option<String> {
    let mut keys: Vec<(String, Vec<&str>)> = Vec::new();
    if let Some(pk) = &table.primary_key {
        keys.push((
            "the primary key".into(),
            pk.columns.iter().map(String::as_str).collect(),
        ));
    }
    for unique in &table.uniques {
        keys.push((
            format!("unique {}", unique.name),
            unique.columns.iter().map(String::as_str).collect(),
        ));
    }
    for index in &table.indexes {
        keys.push((
            format!("index {}", index.name),
            index.column_names().collect(),
        ));
    }
    for fk in &table.foreign_keys {
        keys.push((
            format!("foreign key {}", fk.name),
            fk.columns.iter().map(String::as_str).collect(),
        ));
    }
    keys.iter()
        .find_map(|(key, columns)| unindexable_column(table, key, columns))
}

/// The sentence for the first column of `columns` MySQL cannot use in `key` whole.
fn unindexable_column(table: &Table, key: &str, columns: &[&str]) -> Option<String> {
    let column = columns
        .iter()
        .filter_map(|name| table.columns.iter().find(|c| c.name == *name))
        .find(|c| !indexable(&c.ty))?;
    Some(format!(
        "column {}.{} is {} ({} on MySQL), which MySQL cannot use in {key} without a length; \
         give the field `max_length` or a variant like `#[column(mysql(sql_type = \"varchar(255)\"))]`",
        table.name,
        column.name,
        column.ty,
        render_type(&column.ty)
    ))
}

/// Refuses a key added to an existing table over a column MySQL cannot index whole. The
/// column types are those the ops leave (`after`: the schema they start from with every op
/// applied), which is where a column added in the same revision is found.
pub fn validate_keys(after: &Schema, ops: &[Op]) -> Result<(), RenderError> {
    for op in ops {
        let (table, key, columns): (&QualifiedName, String, Vec<&str>) = match op {
            Op::AddPrimaryKey { table, key } => (
                table,
                "the primary key".into(),
                key.columns.iter().map(String::as_str).collect(),
            ),
            Op::AddUnique { table, unique } => (
                table,
                format!("unique {}", unique.name),
                unique.columns.iter().map(String::as_str).collect(),
            ),
            Op::CreateIndex { table, index } => (
                table,
                format!("index {}", index.name),
                index.column_names().collect(),
            ),
            Op::AddForeignKey { table, foreign_key } => (
                table,
                format!("foreign key {}", foreign_key.name),
                foreign_key.columns.iter().map(String::as_str).collect(),
            ),
            _ => continue,
        };
        let Some(table) = after.table(table) else {
            continue;
        };
        if let Some(reason) = unindexable_column(table, &key, &columns) {
            return Err(RenderError::NotExpressible {
                dialect: Dialect::Mysql,
                op: op.describe(),
                reason,
            });
        }
    }
    Ok(())
}

/// Whether MySQL can index the whole value of a column of this type.
fn indexable(ty: &ColumnType) -> bool {
    !matches!(
        ty,
        ColumnType::Text | ColumnType::Bytes | ColumnType::Json | ColumnType::Jsonb
    )
}

fn index_problem(index: &Index) -> Option<String> {
    if index.predicate.is_some() {
        return Some(format!(
            "MySQL has no partial indexes; index {} has a WHERE clause. Give the model a plain \
             index of that name for MySQL (`#[table(mysql(index(name = .., columns(..))))]`), \
             or enforce the rule in the application",
            index.name
        ));
    }
    if let Some(method) = &index.method {
        return Some(format!(
            "MySQL has no `{method}` index method (index {})",
            index.name
        ));
    }
    if index
        .parts
        .iter()
        .any(|p| matches!(p, IndexPart::Expression(_)) && p.as_prefix().is_none())
    {
        return Some(format!(
            "index {} has expression keys, which MariaDB cannot index; index a generated \
             column instead",
            index.name
        ));
    }
    if let Some(options) = index
        .part_options
        .iter()
        .find(|o| !o.is_empty() && o.as_str() != "DESC")
    {
        return Some(format!(
            "index {} states `{options}` on a key part, and MySQL keeps only `DESC`",
            index.name
        ));
    }
    None
}

/// The statements that carry out one op, in the order they must run.
pub fn render_op(op: &Op, flavour: Flavour) -> Vec<Statement> {
    match op {
        // MySQL keeps enums inside column types and has no namespaces to create: the diff
        // never asks, and there is nothing to run if it did.
        Op::CreateNamespace { .. }
        | Op::CreateEnum { .. }
        | Op::DropEnum { .. }
        | Op::AddEnumValue { .. }
        | Op::ReplaceEnumValues { .. }
        | Op::SetEnumComment { .. } => Vec::new(),
        Op::CreateTable { table } => vec![create_table(table, flavour)],
        Op::DropTable { table } => vec![ddl(format!("DROP TABLE {}", quote_name(&table.name)))],
        Op::RenameTable { from, to } => vec![ddl(format!(
            "RENAME TABLE {} TO {}",
            quote_name(from),
            quote_name(to)
        ))],
        Op::SetTableComment { table, to, .. } => vec![alter(
            table,
            format!("COMMENT = {}", quote_literal(to.as_deref().unwrap_or(""))),
        )],
        Op::AddColumn { table, column } => {
            vec![alter(
                table,
                format!("ADD COLUMN {}", column_definition(column, flavour)),
            )]
        }
        Op::DropColumn { table, column } => vec![alter(
            table,
            format!("DROP COLUMN {}", quote_ident(&column.name)),
        )],
        Op::RenameColumn { table, from, to } => vec![alter(
            table,
            format!("RENAME COLUMN {} TO {}", quote_ident(from), quote_ident(to)),
        )],
        Op::AlterColumn { table, to, .. } => vec![alter(
            table,
            format!("MODIFY COLUMN {}", column_definition(to, flavour)),
        )],
        Op::AddPrimaryKey { table, key } => vec![alter(
            table,
            format!("ADD PRIMARY KEY {}", column_list(&key.columns)),
        )],
        Op::DropPrimaryKey { table, .. } => vec![alter(table, "DROP PRIMARY KEY".into())],
        Op::CreateIndex { table, index } => vec![create_index(table, index)],
        Op::DropIndex { table, index } => vec![ddl(format!(
            "DROP INDEX {} ON {}",
            quote_ident(&index.name),
            quote_name(table)
        ))],
        Op::RenameIndex { table, from, to } => vec![alter(
            table,
            format!("RENAME INDEX {} TO {}", quote_ident(from), quote_ident(to)),
        )],
        // Refused by `validate`; nothing is written if it is ever reached.
        Op::RenameConstraint { .. }
        | Op::AddExclusion { .. }
        | Op::DropExclusion { .. }
        | Op::SetPartitioning { .. }
        | Op::ValidateConstraint { .. } => Vec::new(),
        Op::AddUnique { table, unique } => {
            vec![alter(table, format!("ADD {}", unique_clause(unique)))]
        }
        Op::DropUnique { table, unique } => vec![alter(
            table,
            format!("DROP INDEX {}", quote_ident(&unique.name)),
        )],
        Op::AddForeignKey { table, foreign_key } => vec![alter(
            table,
            format!("ADD {}", foreign_key_clause(foreign_key)),
        )],
        Op::DropForeignKey { table, foreign_key } => vec![alter(
            table,
            format!("DROP FOREIGN KEY {}", quote_ident(&foreign_key.name)),
        )],
        Op::AddCheck { table, check } => vec![alter(table, format!("ADD {}", check_clause(check)))],
        // `DROP CONSTRAINT` works on MariaDB 10.2+ and MySQL 8.0.19+ (MySQL's older
        // `DROP CHECK` is unknown to MariaDB).
        Op::DropCheck { table, check } => vec![alter(
            table,
            format!("DROP CONSTRAINT {}", quote_ident(&check.name)),
        )],
    }
}

/// An identity column added to an existing table together with the primary key over it:
/// MySQL accepts an `AUTO_INCREMENT` column only as part of a key, so the two must be one
/// `ALTER TABLE` on the way up (and the key and the column one on the way down). Returns the
/// table and the positions of the `AddColumn` and `AddPrimaryKey` ops of each such pair.
fn identity_key_pairs(ops: &[Op]) -> Vec<(&QualifiedName, usize, usize)> {
    ops.iter()
        .enumerate()
        .filter_map(|(i, op)| match op {
            Op::AddColumn { table, column } if column.identity.is_some() => {
                let j = ops.iter().position(|other| {
                    matches!(other, Op::AddPrimaryKey { table: t, key }
                        if t == table && key.columns.contains(&column.name))
                })?;
                Some((table, i, j))
            }
            _ => None,
        })
        .collect()
}

/// Joins the statements of each identity column and its primary key into one `ALTER
/// TABLE` (an `AUTO_INCREMENT` column must be part of a key): on the way up the key's
/// action goes into the column's statement, on the way down (where the key's reverse runs
/// before the column's) the column's into the key's; the change left without statements
/// is empty. `changes` holds one change per op of `ops`, in op order.
pub fn join_identity_keys(ops: &[Op], changes: &mut [PlannedChange]) {
    for (table, column, key) in identity_key_pairs(ops) {
        let up = |at: usize| changes.get(at).map(|c| c.cmd.as_slice());
        if let Some(sql) = joined(table, up(column), up(key)) {
            changes[column].cmd = vec![ddl(sql)];
            changes[key].cmd = Vec::new();
        }
        let down = |at: usize| changes.get(at).map(|c| c.reverse.as_slice());
        if let Some(sql) = joined(table, down(key), down(column)) {
            changes[key].reverse = vec![ddl(sql)];
            changes[column].reverse = Vec::new();
        }
    }
}

/// The one statement of `into` with the actions of the one statement of `from` appended,
/// when both are `ALTER TABLE` statements of `table`.
fn joined(
    table: &QualifiedName,
    into: Option<&[Statement]>,
    from: Option<&[Statement]>,
) -> Option<String> {
    let prefix = format!("ALTER TABLE {} ", quote_name(table));
    let prefix = prefix.as_str();
    match (into, from) {
        (Some([first]), Some([second])) => second
            .sql
            .strip_prefix(prefix)
            .filter(|_| first.sql.starts_with(prefix))
            .map(|actions| format!("{}, {actions}", first.sql)),
        _ => None,
    }
}

/// The statements that undo one op: the rendering of [`Op::reverse`], or a comment-only
/// statement for an op that has none.
pub fn render_reverse(op: &Op, flavour: Flavour) -> Vec<Statement> {
    match op.reverse() {
        Some(reverse) => render_op(&reverse, flavour),
        None => vec![Statement::comment(&format!(
            "irreversible: {}",
            op.describe()
        ))],
    }
}

fn alter(table: &QualifiedName, action: String) -> Statement {
    ddl(format!("ALTER TABLE {} {action}", quote_name(table)))
}

/// `CREATE TABLE` with one column per line, then the primary key, uniques and checks,
/// `ENGINE=InnoDB` (the only engine with foreign keys and crash safety) and the comment.
fn create_table(table: &Table, flavour: Flavour) -> Statement {
    let mut lines: Vec<String> = table
        .columns
        .iter()
        .map(|column| column_definition(column, flavour))
        .collect();
    if let Some(key) = &table.primary_key {
        lines.push(format!("PRIMARY KEY {}", column_list(&key.columns)));
    }
    lines.extend(table.uniques.iter().map(unique_clause));
    lines.extend(table.checks.iter().map(check_clause));
    let body = lines
        .iter()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join(",\n");
    let mut sql = format!(
        "CREATE TABLE {} (\n{body}\n) ENGINE=InnoDB",
        quote_name(&table.name)
    );
    if let Some(comment) = &table.comment {
        sql.push_str(&format!(" COMMENT={}", quote_literal(comment)));
    }
    ddl(sql)
}

/// `` `name` type [COLLATE c] [NOT] NULL [DEFAULT expr] [AUTO_INCREMENT] [COMMENT '...'] ``:
/// the whole column, as `ADD COLUMN` and `MODIFY COLUMN` both need it, for the flavour
/// of server it runs on.
pub fn column_definition(column: &Column, flavour: Flavour) -> String {
    let mut sql = format!("{} {}", quote_ident(&column.name), render_type(&column.ty));
    if let Some(collation) = &column.collation {
        sql.push_str(&format!(" COLLATE {}", quote_ident(collation)));
    }
    // MariaDB takes no NULL, NOT NULL or DEFAULT on a generated column (it is nullable).
    if let Some(expression) = &column.generated {
        let kind = if column.generated_virtual {
            "VIRTUAL"
        } else {
            "STORED"
        };
        sql.push_str(&format!(" GENERATED ALWAYS AS ({expression}) {kind}"));
        if let Some(comment) = &column.comment {
            sql.push_str(&format!(" COMMENT {}", quote_literal(comment)));
        }
        return sql;
    }
    sql.push_str(if column.nullable {
        " NULL"
    } else {
        " NOT NULL"
    });
    if let Some(default) = &column.default {
        sql.push_str(&format!(
            " DEFAULT {}",
            default_expression(default, &column.ty, flavour)
        ));
    }
    if let Some(Identity::ByDefault | Identity::Always) = column.identity {
        sql.push_str(" AUTO_INCREMENT");
    }
    if let Some(comment) = &column.comment {
        sql.push_str(&format!(" COMMENT {}", quote_literal(comment)));
    }
    sql
}

/// A default as the server accepts it: literals and `current_timestamp` bare, any other
/// expression in parentheses (MySQL 8 requires them; MariaDB accepts them). MySQL 8 takes
/// no literal default on a `longtext`, `longblob` or `json` column, only an expression
/// (8.0.13 and later), so there a literal is parenthesised too: `DEFAULT ('[]')`. MariaDB
/// takes the literal as it is, and the migrator writes it so there.
fn default_expression(default: &str, ty: &ColumnType, flavour: Flavour) -> String {
    let lower = default.trim().to_ascii_lowercase();
    if flavour == Flavour::Mysql
        && takes_no_literal(ty)
        && lower != "null"
        && !lower.starts_with('(')
    {
        return format!("({default})");
    }
    let literal = lower.starts_with('\'')
        || lower == "null"
        || lower.starts_with("current_timestamp")
        || lower.parse::<f64>().is_ok()
        || (lower.starts_with('(') && lower.ends_with(')'));
    if literal {
        default.to_owned()
    } else {
        format!("({default})")
    }
}

/// True for the column types MySQL 8 gives no literal default: the `TEXT` and `BLOB`
/// families, `JSON` and the spatial types, written by the models or as a raw `sql_type`.
fn takes_no_literal(ty: &ColumnType) -> bool {
    match ty {
        ColumnType::Text
        | ColumnType::Varchar { length: None }
        | ColumnType::Bytes
        | ColumnType::Json
        | ColumnType::Jsonb => true,
        ColumnType::Custom { sql } => {
            let sql = sql.trim().to_ascii_lowercase();
            let base = sql.split(['(', ' ']).next().unwrap_or("");
            base.ends_with("text")
                || base.ends_with("blob")
                || matches!(
                    base,
                    "json"
                        | "geometry"
                        | "point"
                        | "linestring"
                        | "polygon"
                        | "multipoint"
                        | "multilinestring"
                        | "multipolygon"
                        | "geometrycollection"
                )
        }
        _ => false,
    }
}

fn column_list(columns: &[String]) -> String {
    let quoted: Vec<String> = columns.iter().map(|c| quote_ident(c)).collect();
    format!("({})", quoted.join(", "))
}

fn unique_clause(unique: &UniqueConstraint) -> String {
    format!(
        "CONSTRAINT {} UNIQUE {}",
        quote_ident(&unique.name),
        column_list(&unique.columns)
    )
}

fn check_clause(check: &CheckConstraint) -> String {
    format!(
        "CONSTRAINT {} CHECK ({})",
        quote_ident(&check.name),
        check.expression
    )
}

fn foreign_key_clause(key: &ForeignKey) -> String {
    format!(
        "CONSTRAINT {} FOREIGN KEY {} REFERENCES {} {} ON DELETE {} ON UPDATE {}",
        quote_ident(&key.name),
        column_list(&key.columns),
        quote_name(&key.referenced_table),
        column_list(&key.referenced_columns),
        key.on_delete.as_sql(),
        key.on_update.as_sql()
    )
}

fn create_index(table: &QualifiedName, index: &Index) -> Statement {
    // A key prefix is written bare: in parentheses it would be a functional key part.
    let parts: Vec<String> = index
        .parts_with_options()
        .map(|(part, options)| {
            let key = match (part.as_prefix(), part) {
                (Some((column, length)), _) => format!("{}({length})", quote_ident(&column)),
                (None, IndexPart::Column(column)) => quote_ident(column),
                (None, IndexPart::Expression(expression)) => format!("({expression})"),
            };
            match options {
                "" => key,
                options => format!("{key} {options}"),
            }
        })
        .collect();
    ddl(format!(
        "CREATE {}INDEX {} ON {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        quote_ident(&index.name),
        quote_name(table),
        parts.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use schema_runtime::schema::PrimaryKey;

    fn table() -> QualifiedName {
        QualifiedName::new("orders")
    }

    #[test]
    fn every_statement_commits_on_its_own() {
        let op = Op::AddColumn {
            table: table(),
            column: Column {
                comment: Some("it's".into()),
                default: Some("'x'".into()),
                ..Column::new("note", ColumnType::Varchar { length: Some(20) })
            },
        };
        let up = render_op(&op, Flavour::Mariadb);
        assert_eq!(
            up[0].sql,
            "ALTER TABLE `orders` ADD COLUMN `note` varchar(20) NOT NULL DEFAULT 'x' COMMENT 'it''s'"
        );
        assert!(!up[0].transactional);
        assert_eq!(
            render_reverse(&op, Flavour::Mariadb)[0].sql,
            "ALTER TABLE `orders` DROP COLUMN `note`"
        );
    }

    /// `orders (id bigint, code <code>)`, before any key.
    fn orders(code: ColumnType) -> Table {
        Table {
            columns: vec![
                Column::new("id", ColumnType::BigInt),
                Column::new("code", code),
            ],
            ..Table::new(table())
        }
    }

    fn unique_code() -> UniqueConstraint {
        UniqueConstraint {
            name: "uq_orders_code".into(),
            columns: vec!["code".into()],
        }
    }

    #[test]
    fn a_key_prefix_is_written_bare_and_is_not_an_expression() {
        let index = Index {
            name: "ix_orders_code".into(),
            parts: vec![
                IndexPart::prefix("Display Name", 20),
                IndexPart::Column("id".into()),
            ],
            unique: false,
            predicate: None,
            method: None,
            part_options: vec!["DESC".into(), String::new()],
            include: Vec::new(),
            nulls_not_distinct: false,
        };
        assert_eq!(index_problem(&index), None);
        assert_eq!(
            create_index(&table(), &index).sql,
            "CREATE INDEX `ix_orders_code` ON `orders` (`Display Name`(20) DESC, `id`)"
        );
        let expression = Index {
            parts: vec![IndexPart::Expression("lower(`code`)".into())],
            ..index
        };
        assert!(index_problem(&expression).is_some());
    }

    #[test]
    fn a_key_over_longtext_is_refused_before_any_sql_runs() {
        let mut new = orders(ColumnType::Text);
        new.uniques.push(unique_code());
        let error = validate(&Op::CreateTable { table: new })
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("column orders.code is text (longtext on MySQL)")
                && error.contains("unique uq_orders_code")
                && error.contains("max_length"),
            "{error}"
        );

        let add = Op::AddUnique {
            table: table(),
            unique: unique_code(),
        };
        let current = Schema {
            tables: vec![orders(ColumnType::Text)],
            ..Schema::default()
        };
        let error =
            crate::render::render_groups_from(Dialect::Mysql, &current, std::slice::from_ref(&add))
                .unwrap_err()
                .to_string();
        assert!(error.contains("unique uq_orders_code"), "{error}");
        let bounded = Schema {
            tables: vec![orders(ColumnType::Varchar { length: Some(40) })],
            ..Schema::default()
        };
        assert!(crate::render::render_groups_from(Dialect::Mysql, &bounded, &[add]).is_ok());
    }

    /// `customers (id)` and `orders (customer_id)`; the ops give `orders` an index and a
    /// foreign key over `customer_id`, and an identity column with its primary key.
    fn foreign_key_and_identity_key() -> (Schema, Vec<Op>) {
        let customers = Table {
            columns: vec![Column::new("id", ColumnType::BigInt)],
            primary_key: Some(PrimaryKey {
                name: "PRIMARY".into(),
                columns: vec!["id".into()],
            }),
            ..Table::new(QualifiedName::new("customers"))
        };
        let orders = Table {
            columns: vec![Column::new("customer_id", ColumnType::BigInt)],
            ..Table::new(table())
        };
        let current = Schema {
            tables: vec![customers, orders],
            ..Schema::default()
        };
        let ops = vec![
            Op::CreateIndex {
                table: table(),
                index: Index {
                    name: "ix_orders_customer_id".into(),
                    parts: vec![IndexPart::Column("customer_id".into())],
                    unique: false,
                    predicate: None,
                    method: None,
                    part_options: Vec::new(),
                    include: Vec::new(),
                    nulls_not_distinct: false,
                },
            },
            Op::AddForeignKey {
                table: table(),
                foreign_key: ForeignKey {
                    name: "fk_orders_customer_id".into(),
                    columns: vec!["customer_id".into()],
                    referenced_table: QualifiedName::new("customers"),
                    referenced_columns: vec!["id".into()],
                    on_delete: ForeignKeyAction::Restrict,
                    on_update: ForeignKeyAction::NoAction,
                    deferrable: false,
                    initially_deferred: false,
                    not_valid: false,
                },
            },
            Op::AddColumn {
                table: table(),
                column: Column {
                    identity: Some(Identity::ByDefault),
                    ..Column::new("seq", ColumnType::BigInt)
                },
            },
            Op::AddPrimaryKey {
                table: table(),
                key: PrimaryKey {
                    name: "PRIMARY".into(),
                    columns: vec!["seq".into()],
                },
            },
        ];
        (current, ops)
    }

    #[test]
    fn each_change_carries_its_op_and_its_reverse() {
        let (current, ops) = foreign_key_and_identity_key();
        let plan = crate::render::plan(Dialect::Mysql, &current, &ops).unwrap();
        assert_eq!(plan.sources(), ops);
        let sql =
            |statements: &[Statement]| statements.iter().map(|s| s.sql.clone()).collect::<Vec<_>>();
        let changes = plan.changes();
        // The index and the foreign key are undone on their own, each by its op's reverse.
        for (change, op) in changes[..2].iter().zip(&ops) {
            assert_eq!(change.cmd, render_op(op, Flavour::Mariadb));
            assert_eq!(change.reverse, render_reverse(op, Flavour::Mariadb));
        }
        // The identity column and its key are one statement each way, on the change whose
        // statement runs first.
        assert_eq!(
            sql(&changes[2].cmd),
            ["ALTER TABLE `orders` ADD COLUMN `seq` bigint NOT NULL AUTO_INCREMENT, ADD PRIMARY KEY (`seq`)"]
        );
        assert!(changes[3].cmd.is_empty() && changes[2].reverse.is_empty());
        assert_eq!(
            sql(&changes[3].reverse),
            ["ALTER TABLE `orders` DROP PRIMARY KEY, DROP COLUMN `seq`"]
        );
        // Down undoes the last change first: the foreign key goes before the index it uses.
        assert_eq!(
            sql(&plan.down()),
            [
                "ALTER TABLE `orders` DROP PRIMARY KEY, DROP COLUMN `seq`",
                "ALTER TABLE `orders` DROP FOREIGN KEY `fk_orders_customer_id`",
                "DROP INDEX `ix_orders_customer_id` ON `orders`",
            ]
        );
        assert!(plan.down().iter().all(|s| !s.transactional));
    }

    #[test]
    fn without_the_schema_each_op_is_planned_on_its_own() {
        let (_, ops) = foreign_key_and_identity_key();
        let plan = crate::render::plan_without_schema(Dialect::Mysql, &ops).unwrap();
        for (change, op) in plan.changes().iter().zip(&ops) {
            assert_eq!(&change.source, op);
            assert_eq!(change.cmd, render_op(op, Flavour::Mariadb));
            assert_eq!(change.reverse, render_reverse(op, Flavour::Mariadb));
        }
        assert_eq!(
            crate::render::render_down(Dialect::Mysql, &ops).unwrap(),
            ops.iter()
                .rev()
                .flat_map(|op| render_reverse(op, Flavour::Mariadb))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn what_mysql_cannot_express_is_refused_with_a_reason() {
        let partial = Op::CreateIndex {
            table: table(),
            index: Index {
                name: "ix_orders_open".into(),
                parts: vec![IndexPart::Column("id".into())],
                unique: false,
                predicate: Some("status = 'open'".into()),
                method: None,
                part_options: Vec::new(),
                include: Vec::new(),
                nulls_not_distinct: false,
            },
        };
        let error = validate(&partial).unwrap_err().to_string();
        assert!(error.contains("no partial indexes"), "{error}");
        let namespaced = Op::RenameTable {
            from: QualifiedName::with_schema("audit", "a"),
            to: QualifiedName::with_schema("audit", "b"),
        };
        assert!(validate(&namespaced)
            .unwrap_err()
            .to_string()
            .contains("namespace `audit`"));
        let array = Op::AddColumn {
            table: table(),
            column: Column::new(
                "labels",
                ColumnType::Array {
                    element: Box::new(ColumnType::Text),
                },
            ),
        };
        assert!(validate(&array).unwrap_err().to_string().contains("array"));
    }

    #[test]
    fn expressions_in_defaults_get_parentheses() {
        let text = ColumnType::Varchar { length: Some(20) };
        for flavour in [Flavour::Mariadb, Flavour::Mysql] {
            assert_eq!(default_expression("'a'", &text, flavour), "'a'");
            assert_eq!(
                default_expression("current_timestamp(6)", &ColumnType::Timestamp, flavour),
                "current_timestamp(6)"
            );
            assert_eq!(
                default_expression("0.50", &ColumnType::Double, flavour),
                "0.50"
            );
            assert_eq!(default_expression("uuid()", &text, flavour), "(uuid())");
        }
    }

    #[test]
    fn mysql_8_gets_literal_defaults_on_text_and_json_as_expressions() {
        let json = Column {
            default: Some("'[]'".into()),
            ..Column::new("tags", ColumnType::Json)
        };
        assert_eq!(
            column_definition(&json, Flavour::Mysql),
            "`tags` json NOT NULL DEFAULT ('[]')"
        );
        assert_eq!(
            column_definition(&json, Flavour::Mariadb),
            "`tags` json NOT NULL DEFAULT '[]'"
        );
        for ty in [
            ColumnType::Text,
            ColumnType::Bytes,
            ColumnType::Custom {
                sql: "mediumtext".into(),
            },
            ColumnType::Custom {
                sql: "POINT".into(),
            },
        ] {
            assert_eq!(
                default_expression("'x'", &ty, Flavour::Mysql),
                "('x')",
                "{ty:?}"
            );
            assert_eq!(
                default_expression("'x'", &ty, Flavour::Mariadb),
                "'x'",
                "{ty:?}"
            );
        }
        // Bounded strings keep their literal on both; an expression is not wrapped twice.
        let bounded = ColumnType::Varchar { length: Some(20) };
        assert_eq!(default_expression("'x'", &bounded, Flavour::Mysql), "'x'");
        assert_eq!(
            default_expression("(uuid())", &ColumnType::Text, Flavour::Mysql),
            "(uuid())"
        );
        assert_eq!(
            default_expression("NULL", &ColumnType::Json, Flavour::Mysql),
            "NULL"
        );
        // The rendering of a whole op follows the flavour too.
        let add = Op::AddColumn {
            table: table(),
            column: json,
        };
        assert!(render_op(&add, Flavour::Mysql)[0]
            .sql
            .ends_with("DEFAULT ('[]')"));
        assert!(render_op(&add, Flavour::Mariadb)[0]
            .sql
            .ends_with("DEFAULT '[]'"));
    }
}
