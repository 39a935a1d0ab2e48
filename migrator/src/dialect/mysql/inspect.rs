//! Reading a MySQL / MariaDB database into the schema model, from `information_schema`,
//! in a constant number of queries for the connected database (one per object kind, as
//! named constants below), whatever the number of tables.
//!
//! A MySQL "schema" is a database: the connection's database is the only namespace there
//! is, and a model that names another one is refused with [`InspectError::Namespaces`].
//! What is read goes through the same canonical spellings as the models
//! ([`super::normalize`]), so that the two meet. Views, triggers, routines and events are
//! not read into the schema; [`others`] lists them.

pub mod others;

use std::collections::BTreeMap;

use schema_runtime::schema::{
    CheckConstraint, Column, ColumnType, ForeignKey, ForeignKeyAction, Identity, Index, IndexPart,
    PrimaryKey, QualifiedName, Schema, Table, UniqueConstraint,
};
use sqlx::mysql::MySqlRow;
use sqlx::{MySqlConnection, Row};

use super::normalize::{canonical_default, canonical_expression};
use super::quote::quote_literal;
use super::types::parse_column_type;
use super::Flavour;
use crate::filter::{SchemaFilter, DEFAULT_NAMESPACE};

/// Why the database could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    /// A catalog query, or decoding its rows, failed.
    #[error("reading the MySQL catalog ({query}) failed: {source}")]
    Query {
        /// Which query.
        query: &'static str,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// The models name namespaces, which MySQL does not have inside a database.
    #[error(
        "MySQL has no schemas inside a database, but the models put tables in {}; on MySQL \
         every table lives in the database the URL names, so give those models a name for \
         MySQL (`#[table(mysql(name = \"...\"))]`) or drop `schema = ...` from them",
        names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
    )]
    Namespaces {
        /// The namespaces named.
        names: Vec<String>,
    },
    /// A foreign key rule this version does not know.
    #[error("foreign key {constraint} has the unknown referential action `{rule}`")]
    UnknownAction {
        /// The constraint.
        constraint: String,
        /// The rule as `REFERENTIAL_CONSTRAINTS` spells it.
        rule: String,
    },
}

impl From<InspectError> for crate::db::DbError {
    fn from(error: InspectError) -> Self {
        Self::Inspect(Box::new(error))
    }
}

const TABLES: &str = "
SELECT CAST(TABLE_NAME AS CHAR) AS table_name,
       CAST(TABLE_COMMENT AS CHAR) AS table_comment,
       CAST(TABLE_COLLATION AS CHAR) AS table_collation
FROM information_schema.TABLES
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'
ORDER BY TABLE_NAME";

const COLUMNS: &str = "
SELECT CAST(TABLE_NAME AS CHAR) AS table_name,
       CAST(COLUMN_NAME AS CHAR) AS column_name,
       CAST(DATA_TYPE AS CHAR) AS data_type,
       CAST(COLUMN_TYPE AS CHAR) AS column_type,
       CAST(IS_NULLABLE AS CHAR) AS is_nullable,
       CAST(COLUMN_DEFAULT AS CHAR) AS column_default,
       CAST(EXTRA AS CHAR) AS extra,
       CAST(GENERATION_EXPRESSION AS CHAR) AS generation_expression,
       CAST(COLLATION_NAME AS CHAR) AS collation_name,
       CAST(COLUMN_COMMENT AS CHAR) AS column_comment
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, ORDINAL_POSITION";

const STATISTICS: &str = "
SELECT CAST(TABLE_NAME AS CHAR) AS table_name,
       CAST(INDEX_NAME AS CHAR) AS index_name,
       CAST(NON_UNIQUE AS SIGNED) AS non_unique,
       CAST(COLUMN_NAME AS CHAR) AS column_name,
       CAST(SUB_PART AS SIGNED) AS sub_part,
       CAST(INDEX_TYPE AS CHAR) AS index_type,
       CAST(COLLATION AS CHAR) AS ordering
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

const FOREIGN_KEYS: &str = "
SELECT CAST(k.TABLE_NAME AS CHAR) AS table_name,
       CAST(k.CONSTRAINT_NAME AS CHAR) AS constraint_name,
       CAST(k.COLUMN_NAME AS CHAR) AS column_name,
       CAST(k.REFERENCED_TABLE_SCHEMA AS CHAR) AS referenced_schema,
       CAST(k.REFERENCED_TABLE_NAME AS CHAR) AS referenced_table,
       CAST(k.REFERENCED_COLUMN_NAME AS CHAR) AS referenced_column,
       CAST(r.UPDATE_RULE AS CHAR) AS update_rule,
       CAST(r.DELETE_RULE AS CHAR) AS delete_rule
FROM information_schema.KEY_COLUMN_USAGE k
JOIN information_schema.REFERENTIAL_CONSTRAINTS r
  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA
 AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
 AND r.TABLE_NAME = k.TABLE_NAME
WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION";

/// MariaDB's `CHECK_CONSTRAINTS` names the table (check names are per table there).
const CHECKS_MARIADB: &str = "
SELECT CAST(TABLE_NAME AS CHAR) AS table_name,
       CAST(CONSTRAINT_NAME AS CHAR) AS constraint_name,
       CAST(CHECK_CLAUSE AS CHAR) AS check_clause
FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, CONSTRAINT_NAME";

/// MySQL 8's does not (check names are per schema): the table comes from
/// `TABLE_CONSTRAINTS`.
const CHECKS_MYSQL: &str = "
SELECT CAST(tc.TABLE_NAME AS CHAR) AS table_name,
       CAST(cc.CONSTRAINT_NAME AS CHAR) AS constraint_name,
       CAST(cc.CHECK_CLAUSE AS CHAR) AS check_clause
FROM information_schema.TABLE_CONSTRAINTS tc
JOIN information_schema.CHECK_CONSTRAINTS cc
  ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.CONSTRAINT_TYPE = 'CHECK'
ORDER BY tc.TABLE_NAME, cc.CONSTRAINT_NAME";

/// Reads the managed tables of the connected database into a sorted [`Schema`].
/// `flavour` is the server's, as the connection found it ([`Flavour::from_version`]).
pub async fn inspect(
    conn: &mut MySqlConnection,
    filter: &SchemaFilter,
    flavour: Flavour,
) -> Result<Schema, InspectError> {
    refuse_namespaces(filter)?;
    let manages = |name: &str| filter.manages_table(&QualifiedName::new(name));

    let mut tables: BTreeMap<String, (Table, String)> = BTreeMap::new();
    for row in fetch(conn, "tables", TABLES).await? {
        let name: String = get(&row, "tables", "table_name")?;
        if !manages(&name) {
            continue;
        }
        let comment: Option<String> = get(&row, "tables", "table_comment")?;
        let collation: Option<String> = get(&row, "tables", "table_collation")?;
        let table = Table {
            comment: comment.filter(|c| !c.is_empty()),
            ..Table::new(QualifiedName::new(name.clone()))
        };
        tables.insert(name, (table, collation.unwrap_or_default()));
    }
    read_columns(conn, flavour, &mut tables).await?;
    read_indexes(conn, &mut tables).await?;
    read_foreign_keys(conn, &mut tables).await?;
    read_checks(conn, flavour, &mut tables).await?;

    let schema = Schema {
        tables: tables.into_values().map(|(table, _)| table).collect(),
        ..Schema::default()
    };
    tracing::debug!(tables = schema.tables.len(), ?flavour, "introspected MySQL");
    Ok(schema)
}

/// Refuses a filter that names namespaces besides the default one: on MySQL the
/// connection's database is the only one read.
fn refuse_namespaces(filter: &SchemaFilter) -> Result<(), InspectError> {
    let others: Vec<String> = filter
        .namespaces()
        .iter()
        .filter(|n| n.as_str() != DEFAULT_NAMESPACE)
        .cloned()
        .collect();
    if others.is_empty() {
        Ok(())
    } else {
        Err(InspectError::Namespaces { names: others })
    }
}

async fn fetch(
    conn: &mut MySqlConnection,
    query: &'static str,
    sql: &'static str,
) -> Result<Vec<MySqlRow>, InspectError> {
    sqlx::query(sql)
        .fetch_all(&mut *conn)
        .await
        .map_err(|source| InspectError::Query { query, source })
}

fn get<'r, T>(row: &'r MySqlRow, query: &'static str, column: &str) -> Result<T, InspectError>
where
    T: sqlx::Decode<'r, sqlx::MySql> + sqlx::Type<sqlx::MySql>,
{
    row.try_get(column)
        .map_err(|source| InspectError::Query { query, source })
}

async fn read_columns(
    conn: &mut MySqlConnection,
    flavour: Flavour,
    tables: &mut BTreeMap<String, (Table, String)>,
) -> Result<(), InspectError> {
    const Q: &str = "columns";
    for row in fetch(conn, Q, COLUMNS).await? {
        let table_name: String = get(&row, Q, "table_name")?;
        let Some((table, table_collation)) = tables.get_mut(&table_name) else {
            continue;
        };
        let data_type: String = get(&row, Q, "data_type")?;
        let column_type: String = get(&row, Q, "column_type")?;
        let extra: String = get::<Option<String>>(&row, Q, "extra")?.unwrap_or_default();
        let extra = extra.to_ascii_lowercase();
        let ty = parse_column_type(&data_type, &column_type);
        let raw_default: Option<String> = get(&row, Q, "column_default")?;
        let default = raw_default.and_then(|d| read_default(flavour, &d, &data_type, &extra, &ty));
        let collation: Option<String> = get(&row, Q, "collation_name")?;
        let comment: Option<String> = get(&row, Q, "column_comment")?;
        let is_nullable: String = get(&row, Q, "is_nullable")?;
        // `STORED GENERATED` or `VIRTUAL GENERATED` (MySQL 8's `DEFAULT_GENERATED` is an
        // expression default, not a generated column).
        let generated = if extra.contains("stored generated") || extra.contains("virtual generated")
        {
            get::<Option<String>>(&row, Q, "generation_expression")?
                .map(|e| super::normalize::canonical_expression(&e))
        } else {
            None
        };
        table.columns.push(Column {
            nullable: is_nullable.eq_ignore_ascii_case("YES"),
            default: default.filter(|_| generated.is_none()),
            generated_virtual: generated.is_some() && extra.contains("virtual generated"),
            generated,
            identity: extra
                .contains("auto_increment")
                .then_some(Identity::ByDefault),
            collation: collation
                .filter(|c| c != table_collation.as_str() && ty != ColumnType::Json),
            comment: comment.filter(|c| !c.is_empty()),
            ..Column::new(get::<String>(&row, Q, "column_name")?, ty)
        });
    }
    Ok(())
}

/// `COLUMN_DEFAULT` as a model default. MariaDB quotes literal strings and writes `NULL`
/// for "no default"; MySQL 8 writes strings bare and marks expressions `DEFAULT_GENERATED`.
fn read_default(
    flavour: Flavour,
    raw: &str,
    data_type: &str,
    extra: &str,
    ty: &ColumnType,
) -> Option<String> {
    let text = match flavour {
        Flavour::Mariadb if raw.eq_ignore_ascii_case("null") => return None,
        Flavour::Mariadb => raw.to_owned(),
        Flavour::Mysql if extra.contains("default_generated") => generated_default(raw),
        Flavour::Mysql if is_textual(data_type) => quote_literal(raw),
        Flavour::Mysql => raw.to_owned(),
    };
    Some(canonical_default(&text, ty))
}

/// A MySQL 8 expression default as `information_schema` shows it, in the SQL it stands
/// for: string literals there carry their character set and escaped quotes
/// (`DEFAULT ('[]')` reads `_utf8mb4\'[]\'`), which become `'[]'` again. A literal
/// quote inside a string is shown doubled and escaped (`\'\'`) and comes back as `''`.
pub fn generated_default(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(c) = rest.chars().next() {
        let boundary = !out
            .chars()
            .last()
            .is_some_and(|p| p.is_ascii_alphanumeric() || p == '_');
        if c == '_' && boundary {
            // `_utf8mb4\'...`: a character set introducer before a string literal.
            let name_len = rest[1..]
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .unwrap_or(rest.len() - 1);
            if name_len > 0 && rest[1 + name_len..].starts_with("\\'") {
                rest = &rest[1 + name_len..];
                continue;
            }
        }
        if let Some(after) = rest.strip_prefix("\\'") {
            out.push('\'');
            rest = after;
            continue;
        }
        if let Some(after) = rest.strip_prefix("\\\\") {
            out.push('\\');
            rest = after;
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn is_textual(data_type: &str) -> bool {
    matches!(
        data_type.to_ascii_lowercase().as_str(),
        "char"
            | "varchar"
            | "tinytext"
            | "text"
            | "mediumtext"
            | "longtext"
            | "enum"
            | "set"
            | "date"
            | "time"
            | "datetime"
            | "timestamp"
            | "binary"
            | "varbinary"
    )
}

async fn read_indexes(
    conn: &mut MySqlConnection,
    tables: &mut BTreeMap<String, (Table, String)>,
) -> Result<(), InspectError> {
    const Q: &str = "statistics";
    // (table, index) -> (unique, method, parts with their options), in key order.
    type Entry = (bool, String, Vec<(IndexPart, String)>);
    let mut found: BTreeMap<(String, String), Entry> = BTreeMap::new();
    for row in fetch(conn, Q, STATISTICS).await? {
        let table: String = get(&row, Q, "table_name")?;
        if !tables.contains_key(&table) {
            continue;
        }
        let index: String = get(&row, Q, "index_name")?;
        let non_unique: i64 = get(&row, Q, "non_unique")?;
        let column: Option<String> = get(&row, Q, "column_name")?;
        let sub_part: Option<i64> = get(&row, Q, "sub_part")?;
        let method: Option<String> = get(&row, Q, "index_type")?;
        // `D` for a descending key part (MariaDB 10.8 and MySQL 8 keep it).
        let ordering: Option<String> = get(&row, Q, "ordering")?;
        let options = if ordering.as_deref() == Some("D") {
            "DESC"
        } else {
            ""
        };
        let part = match (column, sub_part) {
            (Some(column), None) => IndexPart::Column(column),
            (Some(column), Some(length)) => {
                IndexPart::prefix(&column, u32::try_from(length).unwrap_or(u32::MAX))
            }
            (None, _) => IndexPart::Expression("<functional key part>".into()),
        };
        found
            .entry((table, index))
            .or_insert_with(|| (non_unique == 0, method.unwrap_or_default(), Vec::new()))
            .2
            .push((part, options.to_string()));
    }
    for ((table_name, name), (unique, method, keyed)) in found {
        let (parts, mut part_options): (Vec<IndexPart>, Vec<String>) = keyed.into_iter().unzip();
        if part_options.iter().all(String::is_empty) {
            part_options.clear();
        }
        let Some((table, _)) = tables.get_mut(&table_name) else {
            continue;
        };
        let columns = || -> Option<Vec<String>> {
            parts
                .iter()
                .map(|p| match p {
                    IndexPart::Column(c) => Some(c.clone()),
                    IndexPart::Expression(_) => None,
                })
                .collect()
        };
        let method = (!method.eq_ignore_ascii_case("BTREE")).then(|| method.to_ascii_lowercase());
        let plain = method.is_none() && part_options.is_empty();
        match (name.as_str(), unique, columns(), plain) {
            ("PRIMARY", _, Some(columns), true) => {
                table.primary_key = Some(PrimaryKey { name, columns });
            }
            (_, true, Some(columns), true) => {
                table.uniques.push(UniqueConstraint { name, columns })
            }
            _ => table.indexes.push(Index {
                name,
                parts,
                unique,
                predicate: None,
                method,
                part_options,
                include: Vec::new(),
                nulls_not_distinct: false,
            }),
        }
    }
    Ok(())
}

async fn read_foreign_keys(
    conn: &mut MySqlConnection,
    tables: &mut BTreeMap<String, (Table, String)>,
) -> Result<(), InspectError> {
    const Q: &str = "foreign keys";
    let mut keys: BTreeMap<(String, String), ForeignKey> = BTreeMap::new();
    for row in fetch(conn, Q, FOREIGN_KEYS).await? {
        let table: String = get(&row, Q, "table_name")?;
        if !tables.contains_key(&table) {
            continue;
        }
        let name: String = get(&row, Q, "constraint_name")?;
        let column: String = get(&row, Q, "column_name")?;
        let referenced_column: String = get(&row, Q, "referenced_column")?;
        let key = match keys.entry((table, name.clone())) {
            std::collections::btree_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::btree_map::Entry::Vacant(entry) => {
                let referenced_table: String = get(&row, Q, "referenced_table")?;
                let update: String = get(&row, Q, "update_rule")?;
                let delete: String = get(&row, Q, "delete_rule")?;
                entry.insert(ForeignKey {
                    name: name.clone(),
                    columns: Vec::new(),
                    referenced_table: QualifiedName::new(referenced_table),
                    referenced_columns: Vec::new(),
                    on_delete: action(&name, &delete)?,
                    on_update: action(&name, &update)?,
                    deferrable: false,
                    initially_deferred: false,
                    not_valid: false,
                })
            }
        };
        key.columns.push(column);
        key.referenced_columns.push(referenced_column);
    }
    for ((table, _), key) in keys {
        if let Some((table, _)) = tables.get_mut(&table) {
            table.foreign_keys.push(key);
        }
    }
    Ok(())
}

/// A referential rule. InnoDB checks `RESTRICT` and `NO ACTION` alike, at once, and
/// MariaDB reports a key declared without actions (as Rails writes them) as `RESTRICT`:
/// both read as `NO ACTION`, as the models' side is normalised.
fn action(constraint: &str, rule: &str) -> Result<ForeignKeyAction, InspectError> {
    match ForeignKeyAction::parse(rule) {
        Some(ForeignKeyAction::Restrict) => Ok(ForeignKeyAction::NoAction),
        Some(action) => Ok(action),
        None => Err(InspectError::UnknownAction {
            constraint: constraint.to_owned(),
            rule: rule.to_owned(),
        }),
    }
}

async fn read_checks(
    conn: &mut MySqlConnection,
    flavour: Flavour,
    tables: &mut BTreeMap<String, (Table, String)>,
) -> Result<(), InspectError> {
    const Q: &str = "check constraints";
    let sql = match flavour {
        Flavour::Mariadb => CHECKS_MARIADB,
        Flavour::Mysql => CHECKS_MYSQL,
    };
    for row in fetch(conn, Q, sql).await? {
        let table_name: String = get(&row, Q, "table_name")?;
        let Some((table, _)) = tables.get_mut(&table_name) else {
            continue;
        };
        let name: String = get(&row, Q, "constraint_name")?;
        let clause: String = get(&row, Q, "check_clause")?;
        let expression = canonical_expression(&clause);
        if is_json_column_check(table, &name, &expression) {
            continue;
        }
        table.checks.push(CheckConstraint {
            name,
            expression,
            not_valid: false,
        });
    }
    Ok(())
}

/// MariaDB's `json` is `longtext` plus a `json_valid(col)` check named after the column:
/// the column reads as JSON and the check is not reported.
fn is_json_column_check(table: &mut Table, name: &str, expression: &str) -> bool {
    let Some(column) = table.columns.iter_mut().find(|c| c.name == name) else {
        return false;
    };
    let json_valid = canonical_expression(&format!("json_valid(`{}`)", name.replace('`', "``")));
    if column.ty != ColumnType::Text || expression != json_valid {
        return false;
    }
    column.ty = ColumnType::Json;
    column.collation = None;
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mysql_8_expression_defaults_read_back_as_the_sql_they_stand_for() {
        // What MySQL 8.0 shows in COLUMN_DEFAULT for `DEFAULT ('[]')` on a JSON column.
        assert_eq!(generated_default(r"_utf8mb4\'[]\'"), "'[]'");
        assert_eq!(
            generated_default(r"concat(_utf8mb4\'a\',_latin1\'b\')"),
            "concat('a','b')"
        );
        assert_eq!(generated_default(r"_utf8mb4\'it\'\'s\'"), "'it''s'");
        assert_eq!(generated_default("uuid()"), "uuid()");
        assert_eq!(generated_default("(`price` * 2)"), "(`price` * 2)");
        // An identifier ending in a charset-like word is left alone.
        assert_eq!(generated_default("my_utf8mb4"), "my_utf8mb4");
    }

    #[test]
    fn defaults_read_the_same_from_both_flavours() {
        let json = ColumnType::Json;
        let mysql = read_default(
            Flavour::Mysql,
            r"_utf8mb4\'[]\'",
            "json",
            "default_generated",
            &json,
        );
        let mariadb = read_default(Flavour::Mariadb, "'[]'", "longtext", "", &json);
        assert_eq!(mysql.as_deref(), Some("'[]'"));
        assert_eq!(mysql, mariadb);
        // MySQL 8 writes a plain string default bare; MariaDB quotes it.
        assert_eq!(
            read_default(Flavour::Mysql, "x", "varchar", "", &ColumnType::Text),
            read_default(Flavour::Mariadb, "'x'", "varchar", "", &ColumnType::Text)
        );
        assert_eq!(
            read_default(Flavour::Mariadb, "NULL", "varchar", "", &ColumnType::Text),
            None
        );
    }
}
