//! The rows put into A, chosen once B is known so that they satisfy both: three rows per
//! table with `id` 1, 2, 3; every other value derived from the row number, so values
//! differ row to row (unique keys hold) and pass every generated check, and a reference
//! column holds a key its parent has. Row 1 holds NULL in a column NULL-able in A and B.
//!
//! What the rows read as is one text line per row, the columns cast to text and joined
//! with `|`: the same query shape on every dialect, read through the testkit.

use anyhow::Result;
use schema_runtime::schema::{Column, ColumnType, Schema, Table};
use workspace_tests::TestDb;

use super::mutate::Pair;

/// Rows per table.
const ROWS: u32 = 3;

/// The `INSERT`s that fill A, parents first (A's tables only reference earlier ones).
pub fn inserts(pair: &Pair) -> String {
    let mut tables: Vec<&Table> = pair.a.tables.iter().collect();
    // `t0`, `t1`...: the creation order, in which references point backwards.
    tables.sort_by_key(|t| t.name.name[1..].parse::<u32>().unwrap_or(u32::MAX));
    let mut sql = String::new();
    for table in tables {
        let names: Vec<String> = table.columns.iter().map(|c| quote(&c.name)).collect();
        let rows: Vec<String> = (1..=ROWS)
            .map(|row| {
                let values: Vec<String> = table
                    .columns
                    .iter()
                    .map(|c| value(pair, &table.name.name, c, row))
                    .collect();
                format!("({})", values.join(", "))
            })
            .collect();
        sql.push_str(&format!(
            "INSERT INTO {} ({}) VALUES {};\n",
            quote(&table.name.name),
            names.join(", "),
            rows.join(", ")
        ));
    }
    sql
}

fn value(pair: &Pair, table: &str, column: &Column, row: u32) -> String {
    let null_in_b = pair
        .b_column(table, &column.name)
        .is_none_or(|c| c.nullable);
    if row == 1 && column.nullable && null_in_b {
        return "NULL".into();
    }
    match &column.ty {
        ColumnType::Integer | ColumnType::BigInt => row.to_string(),
        ColumnType::Numeric { .. } => format!("{row}.50"),
        ColumnType::Boolean => if row % 2 == 0 { "TRUE" } else { "FALSE" }.into(),
        ColumnType::Date => format!("'2026-01-0{row}'"),
        ColumnType::Timestamp => format!("'2026-01-0{row} 10:00:00'"),
        ColumnType::Enum { .. } => if row % 2 == 0 { "'b'" } else { "'a'" }.into(),
        _ => format!("'s{row}'"),
    }
}

/// A's rows as one table reads them: for each of A's tables, the rows of its columns.
pub type Snapshot = Vec<(String, Vec<String>)>;

/// Reads, for each of A's tables, A's columns under the names `name_of` gives them now
/// (`(table, [columns])`), in A's column order.
pub async fn read(
    db: &TestDb,
    a: &Schema,
    name_of: impl Fn(&Table) -> (String, Vec<String>),
) -> Result<Snapshot> {
    let mut snapshot = Vec::new();
    for table in &a.tables {
        let (name, columns) = name_of(table);
        let cells: Vec<String> = columns
            .iter()
            .map(|c| format!("COALESCE(CAST({} AS TEXT), 'NULL')", quote(c)))
            .collect();
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {}",
            cells.join(" || '|' || "),
            quote(&name),
            quote("id")
        );
        snapshot.push((table.name.name.clone(), db.query_strings(&sql).await?));
    }
    Ok(snapshot)
}

fn quote(name: &str) -> String {
    format!("\"{name}\"")
}
