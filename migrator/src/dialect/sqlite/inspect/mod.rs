//! SQLite introspection: reads the tables of the `main` database into the same [`Schema`]
//! the models produce. Three queries, whatever the number of tables, each joining
//! `sqlite_schema` with a table-valued pragma (`pragma_table_xinfo`,
//! `pragma_index_list` + `pragma_index_xinfo`, `pragma_foreign_key_list`), inside one read
//! transaction so that they see one state. What no pragma reports (constraint names, CHECK
//! expressions, `DEFERRABLE`, partial index predicates, expression keys) is read from the
//! stored `CREATE` statements ([`parse`]).
//!
//! Decisions worth knowing:
//! - A lone `INTEGER PRIMARY KEY` column is SQLite's rowid alias: reported as a `bigint`
//!   identity column `BY DEFAULT`, which is what the models' identity keys lower to.
//! - SQLite keeps no primary key name; it is read from `CONSTRAINT "pk_..."` when written,
//!   else `pk_<table>` (the diff does not compare primary key names on SQLite).
//! - Unnamed constraints (written by another tool) get deterministic names:
//!   `uq_<table>_<cols>` and `fk_<table>_<cols>_<reftable>` as the models would name them,
//!   and `ck_<table>_<n>` for the n-th unnamed check, in the order of the statement.
//! - Views and triggers are not read into the schema; [`others`] lists them.
//! - `sqlite_*` tables and the migrator's own tables are never reported. Column collations
//!   are read from the column definitions (no pragma reports them).

pub mod others;
pub mod parse;

use std::collections::BTreeMap;

use schema_runtime::schema::{
    CheckConstraint, Column, ForeignKey, ForeignKeyAction, Identity, Index, IndexPart, PrimaryKey,
    QualifiedName, Schema, Table, UniqueConstraint,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{Connection, Row, SqliteConnection};

use super::types::parse_declared_type;
use crate::filter::SchemaFilter;

/// Tables the migrator may manage: no SQLite internals. The history and lock tables are
/// left out by the filter, under their configured names.
const TABLES: &str = "m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";

/// Every column of every table, with the table's `CREATE` statement.
pub fn columns_query() -> String {
    format!(
        "SELECT m.name AS table_name, m.sql AS table_sql, c.cid, c.name AS column_name, \
         c.type AS declared, c.\"notnull\" AS not_null, c.dflt_value, c.pk, c.hidden \
         FROM sqlite_schema AS m JOIN pragma_table_xinfo(m.name) AS c \
         WHERE {TABLES} ORDER BY m.name, c.cid"
    )
}

/// Every key column of every index, with the index's `CREATE` statement.
pub fn indexes_query() -> String {
    format!(
        "SELECT m.name AS table_name, il.name AS index_name, il.\"unique\" AS is_unique, \
         il.origin, x.seqno, x.name AS column_name, x.\"desc\" AS descending, \
         s.sql AS index_sql \
         FROM sqlite_schema AS m JOIN pragma_index_list(m.name) AS il \
         JOIN pragma_index_xinfo(il.name) AS x \
         LEFT JOIN sqlite_schema AS s ON s.type = 'index' AND s.name = il.name \
         WHERE {TABLES} AND x.key = 1 ORDER BY m.name, il.name, x.seqno"
    )
}

/// Every column pair of every foreign key.
pub fn foreign_keys_query() -> String {
    format!(
        "SELECT m.name AS table_name, f.id, f.seq, f.\"table\" AS referenced_table, \
         f.\"from\" AS column_name, f.\"to\" AS referenced_column, f.on_update, f.on_delete \
         FROM sqlite_schema AS m JOIN pragma_foreign_key_list(m.name) AS f \
         WHERE {TABLES} ORDER BY m.name, f.id, f.seq"
    )
}

/// Reads the managed tables. The error is the driver's, for the caller to wrap.
pub async fn inspect(
    conn: &mut SqliteConnection,
    filter: &SchemaFilter,
) -> Result<Schema, sqlx::Error> {
    let mut tx = conn.begin().await?;
    let columns = sqlx::query(&columns_query()).fetch_all(&mut *tx).await?;
    let indexes = sqlx::query(&indexes_query()).fetch_all(&mut *tx).await?;
    let foreign_keys = sqlx::query(&foreign_keys_query())
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    let mut tables = read_columns(&columns, filter)?;
    read_indexes(&mut tables, &indexes)?;
    read_foreign_keys(&mut tables, &foreign_keys)?;
    let mut schema = Schema {
        enums: Vec::new(),
        tables: tables.into_values().map(|(table, _)| table).collect(),
    };
    fill_implicit_references(&mut schema);
    schema.sort();
    tracing::debug!(tables = schema.tables.len(), "read the sqlite schema");
    Ok(schema)
}

/// Tables by name, each with its parsed `CREATE TABLE` clauses.
type Tables = BTreeMap<String, (Table, parse::TableClauses)>;

fn read_columns(rows: &[SqliteRow], filter: &SchemaFilter) -> Result<Tables, sqlx::Error> {
    let mut tables = Tables::new();
    let mut keys: BTreeMap<String, Vec<(i64, String, String)>> = BTreeMap::new();
    for row in rows {
        let table_name: String = row.try_get("table_name")?;
        if !filter.manages_table(&QualifiedName::new(table_name.clone())) {
            continue;
        }
        // 1: a virtual table's hidden column; 2 and 3: generated, virtual and stored.
        let hidden: i64 = row.try_get("hidden")?;
        if hidden == 1 {
            continue;
        }
        let (table, _) = tables.entry(table_name.clone()).or_insert_with(|| {
            let sql: Option<String> = row.try_get("table_sql").ok().flatten();
            (
                Table::new(QualifiedName::new(table_name.clone())),
                parse::table_clauses(sql.as_deref().unwrap_or_default()),
            )
        });
        let name: String = row.try_get("column_name")?;
        let declared: Option<String> = row.try_get("declared")?;
        let declared = declared.unwrap_or_default();
        let not_null: i64 = row.try_get("not_null")?;
        let pk: i64 = row.try_get("pk")?;
        let mut column = Column::new(name.clone(), parse_declared_type(&declared));
        column.generated_virtual = hidden == 2;
        column.nullable = not_null == 0 && pk == 0;
        column.default = row.try_get("dflt_value")?;
        table.columns.push(column);
        if pk > 0 {
            keys.entry(table_name)
                .or_default()
                .push((pk, name, declared));
        }
    }
    for (table_name, mut key) in keys {
        let Some((table, clauses)) = tables.get_mut(&table_name) else {
            continue;
        };
        key.sort();
        if let [(_, column, declared)] = key.as_slice() {
            if declared.eq_ignore_ascii_case("INTEGER") {
                if let Some(c) = table.columns.iter_mut().find(|c| &c.name == column) {
                    c.ty = schema_runtime::schema::ColumnType::BigInt;
                    c.identity = Some(Identity::ByDefault);
                    c.nullable = false;
                }
            }
        }
        if clauses.autoincrement {
            if let [(_, column, _)] = key.as_slice() {
                if let Some(c) = table.columns.iter_mut().find(|c| &c.name == column) {
                    c.autoincrement = c.identity.is_some();
                }
            }
        }
        table.primary_key = Some(PrimaryKey {
            name: clauses
                .primary_key_name
                .clone()
                .unwrap_or_else(|| format!("pk_{table_name}")),
            columns: key.into_iter().map(|(_, c, _)| c).collect(),
        });
    }
    for (table_name, (table, clauses)) in &mut tables {
        for (column, collation) in &clauses.collations {
            if let Some(c) = table.columns.iter_mut().find(|c| &c.name == column) {
                c.collation = Some(collation.clone());
            }
        }
        for (column, expression) in &clauses.generated {
            if let Some(c) = table.columns.iter_mut().find(|c| &c.name == column) {
                c.generated = Some(expression.clone());
            }
        }
        table.checks = clauses
            .checks
            .iter()
            .enumerate()
            .map(|(n, (name, expression))| {
                let name = name.clone().unwrap_or_else(|| {
                    // No name in the database: the diff may match it with any model
                    // check of the same expression.
                    let made_up = format!("ck_{table_name}_{}", n + 1);
                    table.conventional_names.insert(made_up.clone());
                    made_up
                });
                CheckConstraint {
                    name,
                    expression: expression.clone(),
                    not_valid: false,
                }
            })
            .collect();
    }
    Ok(tables)
}

fn read_indexes(tables: &mut Tables, rows: &[SqliteRow]) -> Result<(), sqlx::Error> {
    // (table, index) -> (unique, origin, sql, (column name, descending) by position)
    type Entry = (bool, String, Option<String>, Vec<(Option<String>, bool)>);
    let mut found: BTreeMap<(String, String), Entry> = BTreeMap::new();
    for row in rows {
        let table: String = row.try_get("table_name")?;
        if !tables.contains_key(&table) {
            continue;
        }
        let index: String = row.try_get("index_name")?;
        let unique: i64 = row.try_get("is_unique")?;
        let origin: String = row.try_get("origin")?;
        let sql: Option<String> = row.try_get("index_sql")?;
        let column: Option<String> = row.try_get("column_name")?;
        let descending: i64 = row.try_get("descending")?;
        found
            .entry((table, index))
            .or_insert_with(|| (unique != 0, origin, sql, Vec::new()))
            .3
            .push((column, descending != 0));
    }
    for ((table_name, index_name), (unique, origin, sql, columns)) in found {
        let Some((table, clauses)) = tables.get_mut(&table_name) else {
            continue;
        };
        match origin.as_str() {
            "u" => {
                let columns: Vec<String> = columns.into_iter().filter_map(|(c, _)| c).collect();
                // SQLite backs identical UNIQUE clauses with one index; the table as
                // written still has each of them, and a rebuild writes each back.
                let mut names: Vec<String> = clauses
                    .uniques
                    .iter()
                    .filter(|(_, c)| c == &columns)
                    .filter_map(|(name, _)| name.clone())
                    .collect();
                if names.is_empty() {
                    names.push(format!("uq_{table_name}_{}", columns.join("_")));
                }
                for name in names {
                    let columns = columns.clone();
                    table.uniques.push(UniqueConstraint { name, columns });
                }
            }
            "c" => {
                let parsed = parse::index_clauses(sql.as_deref().unwrap_or_default());
                let mut part_options: Vec<String> = columns
                    .iter()
                    .map(|(_, descending)| if *descending { "DESC" } else { "" }.to_string())
                    .collect();
                if part_options.iter().all(String::is_empty) {
                    part_options.clear();
                }
                let parts = columns
                    .into_iter()
                    .enumerate()
                    .map(|(n, (column, _))| match column {
                        Some(c) => IndexPart::Column(c),
                        None => IndexPart::Expression(
                            parsed
                                .parts
                                .get(n)
                                .map(|p| parse::key_expression(p))
                                .unwrap_or_default(),
                        ),
                    })
                    .collect();
                table.indexes.push(Index {
                    name: index_name,
                    parts,
                    unique,
                    predicate: parsed.predicate,
                    method: None,
                    part_options,
                    include: Vec::new(),
                    nulls_not_distinct: false,
                });
            }
            _ => {}
        }
    }
    Ok(())
}

fn read_foreign_keys(tables: &mut Tables, rows: &[SqliteRow]) -> Result<(), sqlx::Error> {
    // (table, id) -> foreign key being assembled
    let mut found: BTreeMap<(String, i64), ForeignKey> = BTreeMap::new();
    for row in rows {
        let table: String = row.try_get("table_name")?;
        if !tables.contains_key(&table) {
            continue;
        }
        let id: i64 = row.try_get("id")?;
        let referenced: String = row.try_get("referenced_table")?;
        let column: String = row.try_get("column_name")?;
        let referenced_column: Option<String> = row.try_get("referenced_column")?;
        let on_update: String = row.try_get("on_update")?;
        let on_delete: String = row.try_get("on_delete")?;
        let fk = found.entry((table, id)).or_insert_with(|| ForeignKey {
            name: String::new(),
            columns: Vec::new(),
            referenced_table: QualifiedName::new(referenced),
            referenced_columns: Vec::new(),
            on_delete: ForeignKeyAction::parse(&on_delete).unwrap_or_default(),
            on_update: ForeignKeyAction::parse(&on_update).unwrap_or_default(),
            deferrable: false,
            initially_deferred: false,
            not_valid: false,
        });
        fk.columns.push(column);
        fk.referenced_columns
            .push(referenced_column.unwrap_or_default());
    }
    for ((table_name, _), mut fk) in found {
        let Some((table, clauses)) = tables.get_mut(&table_name) else {
            continue;
        };
        let declared = clauses
            .foreign_keys
            .iter()
            .find(|(_, c, _)| c == &fk.columns);
        let deferral = declared.map(|(_, _, d)| *d).unwrap_or_default();
        fk.deferrable = deferral.deferrable;
        fk.initially_deferred = deferral.initially_deferred;
        fk.name = declared
            .and_then(|(name, _, _)| name.clone())
            .unwrap_or_else(|| {
                format!(
                    "fk_{table_name}_{}_{}",
                    fk.columns.join("_"),
                    fk.referenced_table.name
                )
            });
        table.foreign_keys.push(fk);
    }
    Ok(())
}

/// `REFERENCES t` without columns means t's primary key.
fn fill_implicit_references(schema: &mut Schema) {
    let keys: BTreeMap<String, Vec<String>> = schema
        .tables
        .iter()
        .filter_map(|t| {
            t.primary_key
                .as_ref()
                .map(|k| (t.name.name.clone(), k.columns.clone()))
        })
        .collect();
    for table in &mut schema.tables {
        for fk in &mut table.foreign_keys {
            if fk.referenced_columns.iter().any(String::is_empty) {
                if let Some(key) = keys.get(&fk.referenced_table.name) {
                    fk.referenced_columns = key.clone();
                }
            }
        }
    }
}
