//! Enum types: created, extended at the end and in the middle, used by new columns and
//! arrays, a new value used at once, values removed or reordered, text columns converted,
//! and a type dropped with its last column.

use schema_runtime::schema::ColumnType::*;
use schema_runtime::{EnumType, Schema, TableDef};

use migrator::Dialect;

use super::kit::scenario;
use super::models::*;

fn status(values: &[&str]) -> EnumType {
    enum_type("order_status", values)
}

fn orders(status: &EnumType) -> TableDef {
    table(
        "orders",
        vec![
            id(),
            enum_col("status", status).default("'pending'"),
            enum_array_col("history", status).default("'{}'"),
        ],
    )
}

const SEED: &str = "INSERT INTO orders (status, history) VALUES
    ('pending', '{}'), ('paid', '{pending,paid}');";

const READ: &str = "SELECT status || ':' || history::text FROM orders ORDER BY id";

const ROWS: &[&str] = &["pending:{}", "paid:{pending,paid}"];

#[tokio::test]
async fn create_enum_types_with_their_table() {
    let mut commented = enum_type("priority", &["low", "high"]);
    commented.comment = Some("How urgent it is.".into());
    let b = models(vec![table(
        "orders",
        vec![
            id(),
            enum_col("status", &status(&["pending", "paid"])).default("'pending'"),
            enum_array_col("priorities", &commented).null(),
        ],
    )]);
    scenario("create_enum_types_with_their_table", Schema::default(), b)
        .skip_all(
            &[Dialect::Mysql, Dialect::Sqlite],
            "an enum array (priority[]) it has no type for; its own enum scenarios cover the rest",
        )
        .run()
        .await;
}

#[tokio::test]
async fn add_an_enum_value_at_the_end() {
    let a = models(vec![orders(&status(&["pending", "paid"]))]);
    let b = models(vec![orders(&status(&["pending", "paid", "refunded"]))]);
    scenario("add_an_enum_value_at_the_end", a, b)
        .seed(SEED)
        .rows(READ, ROWS)
        .skip_all(&[Dialect::Mysql, Dialect::Sqlite], "an enum array (order_status[]) it has no type for; its own enum scenarios cover the rest")
        .run()
        .await;
}

#[tokio::test]
async fn add_enum_values_in_the_middle() {
    let a = models(vec![orders(&status(&["pending", "paid"]))]);
    let b = models(vec![orders(&status(&[
        "draft", "pending", "approved", "checked", "paid",
    ]))]);
    scenario("add_enum_values_in_the_middle", a, b)
        .seed(SEED)
        .rows(READ, ROWS)
        .skip_all(&[Dialect::Mysql, Dialect::Sqlite], "an enum array (order_status[]) it has no type for; its own enum scenarios cover the rest")
        .run()
        .await;
}

/// `ALTER TYPE ... ADD VALUE` and a default that uses the new value: the value is unusable
/// until its transaction commits, which the executor (and the runner) does in between.
#[tokio::test]
async fn add_an_enum_value_and_use_it_as_a_default() {
    let a = models(vec![orders(&status(&["pending", "paid"]))]);
    let new = status(&["new", "pending", "paid"]);
    let b = models(vec![table(
        "orders",
        vec![
            id(),
            enum_col("status", &new).default("'new'"),
            enum_array_col("history", &new).default("'{new}'"),
        ],
    )]);
    scenario("add_an_enum_value_and_use_it_as_a_default", a, b)
        .seed(SEED)
        .rows(READ, ROWS)
        .skip_all(&[Dialect::Mysql, Dialect::Sqlite], "an enum array (order_status[]) it has no type for; its own enum scenarios cover the rest")
        .run()
        .await;
}

#[tokio::test]
async fn add_enum_and_enum_array_columns_to_a_table_with_rows() {
    let values = status(&["pending", "paid"]);
    let a = models(vec![table("orders", vec![id(), col("total", Integer)])]);
    let b = models(vec![table(
        "orders",
        vec![
            id(),
            col("total", Integer),
            enum_col("status", &values).default("'paid'"),
            enum_array_col("history", &values).null(),
        ],
    )]);
    scenario("add_enum_and_enum_array_columns_to_a_table_with_rows", a, b)
        .seed("INSERT INTO orders (total) VALUES (5);")
        .rows_after_up(
            "SELECT total || ':' || status || ':' || coalesce(history::text, '-') FROM orders",
            &["5:paid:-"],
        )
        .rows_after_down("SELECT total::text FROM orders", &["5"])
        .skip_all(&[Dialect::Mysql, Dialect::Sqlite], "an enum array (order_status[]) it has no type for; its own enum scenarios cover the rest")
        .run()
        .await;
}

/// A removed value cannot be dropped in place: the type is replaced and every column
/// converted (destructive: it fails if a row holds the value).
#[tokio::test]
async fn remove_an_enum_value() {
    let a = models(vec![orders(&status(&["pending", "paid", "cancelled"]))]);
    let b = models(vec![orders(&status(&["pending", "paid"]))]);
    scenario("remove_an_enum_value", a, b)
        .seed(SEED)
        .rows(READ, ROWS)
        .skip_all(&[Dialect::Mysql, Dialect::Sqlite], "an enum array (order_status[]) it has no type for; its own enum scenarios cover the rest")
        .run()
        .await;
}

#[tokio::test]
async fn reorder_enum_values() {
    let a = models(vec![orders(&status(&["paid", "pending"]))]);
    let b = models(vec![orders(&status(&["pending", "paid"]))]);
    scenario("reorder_enum_values", a, b)
        .seed(SEED)
        .rows(READ, ROWS)
        .skip_all(&[Dialect::Mysql, Dialect::Sqlite], "an enum array (order_status[]) it has no type for; its own enum scenarios cover the rest")
        .run()
        .await;
}

#[tokio::test]
async fn text_column_becomes_an_enum() {
    let values = status(&["pending", "paid"]);
    let a = models(vec![table(
        "orders",
        vec![id(), col("status", varchar(20)).default("'pending'")],
    )]);
    let b = models(vec![table(
        "orders",
        vec![id(), enum_col("status", &values).default("'pending'")],
    )]);
    scenario("text_column_becomes_an_enum", a, b)
        .seed("INSERT INTO orders (status) VALUES ('paid'); INSERT INTO orders (id) VALUES (2);")
        .rows(
            "SELECT status::text FROM orders ORDER BY id",
            &["paid", "pending"],
        )
        .run()
        .await;
}

#[tokio::test]
async fn drop_an_enum_type_with_its_last_column() {
    let a = models(vec![orders(&status(&["pending", "paid"]))]);
    let b = models(vec![table("orders", vec![id()])]);
    scenario("drop_an_enum_type_with_its_last_column", a, b)
        .seed(SEED)
        .rows("SELECT id::text FROM orders ORDER BY id", &["1", "2"])
        .skip_all(&[Dialect::Mysql, Dialect::Sqlite], "an enum array (order_status[]) it has no type for; its own enum scenarios cover the rest")
        .run()
        .await;
}
