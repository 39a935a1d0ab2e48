//! Columns on SQLite: what `ALTER TABLE` does in place (add, rename, drop a plain column)
//! and what takes a table rebuild (type, nullability, default, a column with an index),
//! always with the rows kept.

use schema_runtime::schema::ColumnType::*;
use schema_runtime::TableDef;

use super::kit::scenario;
use super::models::*;

fn items(extra: Vec<schema_runtime::ColumnDef>) -> TableDef {
    let mut columns = vec![id(), col("name", Text)];
    columns.extend(extra);
    table("items", columns)
}

const TWO_ITEMS: &str = "INSERT INTO items (name) VALUES ('one'), ('two');";

#[tokio::test]
async fn add_nullable_column_in_place() {
    let a = models(vec![items(vec![])]);
    let b = models(vec![items(vec![col("note", Text).null()])]);
    let outcome = scenario("add_nullable_column_in_place", a, b)
        .seed(TWO_ITEMS)
        .rows_after_up(
            "SELECT name || ':' || coalesce(note, '-') FROM items ORDER BY id",
            &["one:-", "two:-"],
        )
        .rows_after_down("SELECT name FROM items ORDER BY id", &["one", "two"])
        .run()
        .await;
    assert!(!outcome.up.contains("_new_"), "{}", outcome.up);
}

#[tokio::test]
async fn add_not_null_column_with_default_fills_rows() {
    let a = models(vec![items(vec![])]);
    let b = models(vec![items(vec![
        col("quantity", Integer).default("1"),
        col("label", Text).max_length(20).default("'none'"),
    ])]);
    scenario("add_not_null_column_with_default_fills_rows", a, b)
        .seed(TWO_ITEMS)
        .rows_after_up(
            "SELECT name || ':' || quantity || ':' || label FROM items ORDER BY id",
            &["one:1:none", "two:1:none"],
        )
        .rows_after_down("SELECT name FROM items ORDER BY id", &["one", "two"])
        .run()
        .await;
}

#[tokio::test]
async fn add_column_with_expression_default_rebuilds() {
    let a = models(vec![items(vec![])]);
    let b = models(vec![items(vec![
        col("created_at", TimestampTz).default("now()"),
        col("slug", Text).default("lower('X')"),
    ])]);
    let outcome = scenario("add_column_with_expression_default_rebuilds", a, b)
        .seed(TWO_ITEMS)
        .rows_after_up(
            "SELECT name || ':' || slug || ':' || (created_at IS NOT NULL) FROM items ORDER BY id",
            &["one:x:1", "two:x:1"],
        )
        .rows_after_down("SELECT name FROM items ORDER BY id", &["one", "two"])
        .run()
        .await;
    assert!(
        outcome.up.contains("CREATE TABLE \"_new_items\""),
        "{}",
        outcome.up
    );
}

#[tokio::test]
async fn rename_column_keeps_rows() {
    let a = models(vec![items(vec![col("qty", Integer)])]);
    let b = models(vec![items(vec![col("quantity", Integer).was("qty")])]);
    scenario("rename_column_keeps_rows", a, b)
        .seed("INSERT INTO items (name, qty) VALUES ('one', 3);")
        .rows_after_up("SELECT CAST(quantity AS TEXT) FROM items", &["3"])
        .rows_after_down("SELECT CAST(qty AS TEXT) FROM items", &["3"])
        .run()
        .await;
}

#[tokio::test]
async fn drop_plain_column_in_place() {
    let a = models(vec![items(vec![col("note", Text).null()])]);
    let b = models(vec![items(vec![])]);
    let outcome = scenario("drop_plain_column_in_place", a, b)
        .seed(TWO_ITEMS)
        .rows("SELECT name FROM items ORDER BY id", &["one", "two"])
        .run()
        .await;
    assert!(
        outcome.up.contains("DROP COLUMN \"note\""),
        "{}",
        outcome.up
    );
}

#[tokio::test]
async fn drop_indexed_column_rebuilds() {
    let a = models(vec![items(vec![col("code", Text).null().index()])]);
    let b = models(vec![items(vec![])]);
    scenario("drop_indexed_column_rebuilds", a, b)
        .seed(TWO_ITEMS)
        .rows("SELECT name FROM items ORDER BY id", &["one", "two"])
        .run()
        .await;
}

#[tokio::test]
async fn widen_type_rebuilds_with_rows() {
    let a = models(vec![items(vec![col("qty", Integer)])]);
    let b = models(vec![items(vec![col("qty", BigInt)])]);
    scenario("widen_type_rebuilds_with_rows", a, b)
        .seed("INSERT INTO items (name, qty) VALUES ('one', 1), ('two', 2);")
        .rows(
            "SELECT name || ':' || qty FROM items ORDER BY id",
            &["one:1", "two:2"],
        )
        .run()
        .await;
}

#[tokio::test]
async fn nullability_both_ways_rebuilds_with_rows() {
    let a = models(vec![items(vec![
        col("note", Text).null(),
        col("code", Text),
    ])]);
    let b = models(vec![items(vec![
        col("note", Text),
        col("code", Text).null(),
    ])]);
    scenario("nullability_both_ways_rebuilds_with_rows", a, b)
        .seed("INSERT INTO items (name, note, code) VALUES ('one', 'n', 'c');")
        .rows(
            "SELECT name || ':' || note || ':' || code FROM items",
            &["one:n:c"],
        )
        .run()
        .await;
}

#[tokio::test]
async fn change_default_rebuilds_once_per_table() {
    let a = models(vec![items(vec![
        col("qty", Integer).default("0"),
        col("label", Text).default("'a'"),
    ])]);
    let b = models(vec![items(vec![
        col("qty", Integer).default("1"),
        col("label", Text).default("'b'"),
    ])]);
    let outcome = scenario("change_default_rebuilds_once_per_table", a, b)
        .seed(TWO_ITEMS)
        .rows_after_up(
            "SELECT name || ':' || qty || ':' || label FROM items ORDER BY id",
            &["one:0:a", "two:0:a"],
        )
        .run()
        .await;
    assert_eq!(
        outcome.up.matches("CREATE TABLE").count(),
        1,
        "{}",
        outcome.up
    );
}

#[tokio::test]
async fn collation_change_rebuilds_and_reads_back() {
    // Models have no collation attribute; the schema model has, for other producers.
    let a = models(vec![items(vec![col("code", Text)])]);
    let mut b = a.clone();
    for column in &mut b.tables[0].columns {
        if column.name == "code" {
            column.collation = Some("NOCASE".into());
        }
    }
    scenario("collation_change_rebuilds_and_reads_back", a, b)
        .seed("INSERT INTO items (name, code) VALUES ('one', 'A');")
        .rows_after_up("SELECT name FROM items WHERE code = 'a'", &["one"])
        .rows_after_down("SELECT name FROM items WHERE code = 'a'", &[])
        .run()
        .await;
}

/// A stored generated column: added by a rebuild that copies every other column and lets
/// the new table compute it, read back, and dropped the same way.
#[tokio::test]
async fn a_stored_generated_column_is_computed_for_the_rows_there() {
    let a = models(vec![table(
        "lines",
        vec![id(), col("quantity", Integer), col("unit_price", Integer)],
    )]);
    let total = schema_runtime::ColumnDef {
        generated: Some("quantity * unit_price".into()),
        ..col("total", Integer).null()
    };
    let b = models(vec![table(
        "lines",
        vec![
            id(),
            col("quantity", Integer),
            col("unit_price", Integer),
            total,
        ],
    )]);
    let outcome = scenario(
        "a_stored_generated_column_is_computed_for_the_rows_there",
        a,
        b,
    )
    .seed("INSERT INTO lines (quantity, unit_price) VALUES (3, 7);")
    .rows("SELECT quantity FROM lines", &["3"])
    .run()
    .await;
    assert!(
        outcome
            .up
            .contains(r#""total" INT GENERATED ALWAYS AS (quantity * unit_price) STORED"#),
        "{}",
        outcome.up
    );
    assert!(
        outcome
            .up
            .contains(r#"("id", "quantity", "unit_price") SELECT"#),
        "{}",
        outcome.up
    );
}

/// A VIRTUAL generated column is added in place (SQLite computes it when read), read back
/// as virtual, and dropped.
#[tokio::test]
async fn a_virtual_generated_column_is_added_in_place() {
    let a = on(vec![table(
        "lines",
        vec![id(), col("quantity", Integer), col("unit_price", Integer)],
    )]);
    let total = schema_runtime::ColumnDef {
        generated: Some("quantity * unit_price".into()),
        generated_virtual: true,
        ..col("total", Integer).null()
    };
    let b = on(vec![table(
        "lines",
        vec![
            id(),
            col("quantity", Integer),
            col("unit_price", Integer),
            total,
        ],
    )]);
    let outcome = scenario("a_virtual_generated_column_is_added_in_place", a, b)
        .seed("INSERT INTO lines (quantity, unit_price) VALUES (3, 7);")
        .rows("SELECT quantity FROM lines", &["3"])
        .run()
        .await;
    assert!(
        outcome.up.contains(
            r#"ADD COLUMN "total" INT GENERATED ALWAYS AS (quantity * unit_price) VIRTUAL"#
        ),
        "{}",
        outcome.up
    );
}

/// The models of a scenario built for this database (`generated_virtual` is refused on
/// PostgreSQL, which the scenario models are built for).
fn on(defs: Vec<schema_runtime::TableDef>) -> schema_runtime::Schema {
    schema_runtime::registry::build(defs, schema_runtime::Dialect::Sqlite)
        .unwrap_or_else(|e| panic!("the scenario's models are wrong: {e}"))
}
