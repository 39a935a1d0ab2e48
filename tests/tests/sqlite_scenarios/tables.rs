//! Tables on SQLite: created with their foreign keys inline, renamed, the whole example
//! application, and the no-op.

use schema_runtime::schema::ColumnType::*;
use schema_runtime::schema::Schema;

use super::kit::scenario;
use super::models::*;

#[tokio::test]
async fn create_tables_with_foreign_keys_inline() {
    let b = models(vec![
        table("authors", vec![id(), col("name", Text)]),
        table(
            "books",
            vec![
                id(),
                col("author_id", BigInt)
                    .refs("authors.id")
                    .on_delete("cascade"),
                col("title", varchar(200)),
            ],
        ),
    ]);
    let outcome = scenario(
        "create_tables_with_foreign_keys_inline",
        Schema::default(),
        b,
    )
    .run()
    .await;
    assert!(outcome
        .up
        .contains("FOREIGN KEY (\"author_id\") REFERENCES \"authors\""));
    assert!(!outcome.up.contains("_new_"), "{}", outcome.up);
}

#[tokio::test]
async fn rename_table_keeps_rows_and_references() {
    let a = models(vec![
        table("people", vec![id(), col("name", Text)]),
        table(
            "pets",
            vec![id(), col("owner_id", BigInt).refs("people.id")],
        ),
    ]);
    let b = models(vec![
        table("persons", vec![id(), col("name", Text)]).was("people"),
        table(
            "pets",
            vec![id(), col("owner_id", BigInt).refs("persons.id")],
        ),
    ]);
    scenario("rename_table_keeps_rows_and_references", a, b)
        .seed("INSERT INTO people (name) VALUES ('ada'); INSERT INTO pets (owner_id) VALUES (1);")
        .rows_after_up("SELECT name FROM persons", &["ada"])
        .rows_after_down("SELECT name FROM people", &["ada"])
        .rows("SELECT CAST(owner_id AS TEXT) FROM pets", &["1"])
        .run()
        .await;
}

/// The example application as it stands on SQLite: its SQLite variants (JSON labels, a
/// prefixed `audit_events`, GLOB checks) applied by the registry, nothing removed by hand.
fn example_app() -> Schema {
    app_schema::link();
    schema_runtime::registry::collect(schema_runtime::Dialect::Sqlite)
        .expect("the example models are valid")
}

#[tokio::test]
async fn example_app_from_an_empty_database() {
    scenario(
        "example_app_from_an_empty_database",
        Schema::default(),
        example_app(),
    )
    .run()
    .await;
}

#[tokio::test]
async fn no_change_gives_no_ops() {
    let outcome = scenario("no_change_gives_no_ops", example_app(), example_app())
        .run()
        .await;
    assert!(outcome.ops.is_empty());
}

#[tokio::test]
async fn enum_column_is_checked_text() {
    let status = enum_type("order_status", &["pending", "paid"]);
    let b = models(vec![table(
        "orders",
        vec![id(), enum_col("status", &status).default("'pending'")],
    )]);
    let outcome = scenario("enum_column_is_checked_text", Schema::default(), b)
        .run()
        .await;
    assert!(outcome
        .up
        .contains(r#"CONSTRAINT "ck_orders_status_enum" CHECK ("status" IN ('pending', 'paid'))"#));
}

#[tokio::test]
async fn new_enum_value_widens_the_check_and_keeps_rows() {
    let before = enum_type("order_status", &["pending", "paid"]);
    let after = enum_type("order_status", &["pending", "paid", "refunded"]);
    let orders = |e| models(vec![table("orders", vec![id(), enum_col("status", e)])]);
    scenario(
        "new_enum_value_widens_the_check_and_keeps_rows",
        orders(&before),
        orders(&after),
    )
    .seed("INSERT INTO orders (status) VALUES ('paid'), ('pending');")
    .rows(
        "SELECT status FROM orders ORDER BY id",
        &["paid", "pending"],
    )
    .run()
    .await;
}
