//! Keys, uniques, checks, indexes and foreign keys on SQLite: indexes in place, every
//! constraint by a table rebuild that keeps the rows and the rows of referencing tables.

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
async fn add_unique_rebuilds_with_rows() {
    let a = models(vec![items(vec![])]);
    let b = models(vec![items(vec![]).unique(&["name"])]);
    scenario("add_unique_rebuilds_with_rows", a, b)
        .seed(TWO_ITEMS)
        .rows("SELECT name FROM items ORDER BY id", &["one", "two"])
        .run()
        .await;
}

#[tokio::test]
async fn add_check_rebuilds_with_rows() {
    let a = models(vec![items(vec![col("qty", Integer)])]);
    let b = models(vec![
        items(vec![col("qty", Integer)]).check("qty_non_negative", "qty >= 0")
    ]);
    scenario("add_check_rebuilds_with_rows", a, b)
        .seed("INSERT INTO items (name, qty) VALUES ('one', 1);")
        .rows("SELECT name || ':' || qty FROM items", &["one:1"])
        .run()
        .await;
}

#[tokio::test]
async fn partial_and_unique_indexes_in_place() {
    let a = models(vec![items(vec![col("qty", Integer)])]);
    let b = models(vec![items(vec![col("qty", Integer)])
        .index(index(&["qty"]).filter("qty > 0"))
        .index(index(&["name", "qty"]).unique())]);
    let outcome = scenario("partial_and_unique_indexes_in_place", a, b)
        .seed("INSERT INTO items (name, qty) VALUES ('one', 1);")
        .rows("SELECT name FROM items", &["one"])
        .run()
        .await;
    assert!(outcome.up.contains("WHERE qty > 0"), "{}", outcome.up);
    assert!(!outcome.up.contains("_new_"), "{}", outcome.up);
}

#[tokio::test]
async fn add_identity_key_to_a_keyless_table_numbers_rows() {
    let a = models(vec![table("tags", vec![col("name", Text)]).keyless()]);
    let b = models(vec![table("tags", vec![id(), col("name", Text)])]);
    scenario("add_identity_key_to_a_keyless_table_numbers_rows", a, b)
        .seed("INSERT INTO tags (name) VALUES ('a'), ('b');")
        .rows_after_up(
            "SELECT id || ':' || name FROM tags ORDER BY id",
            &["1:a", "2:b"],
        )
        .rows_after_down("SELECT name FROM tags ORDER BY name", &["a", "b"])
        .run()
        .await;
}

fn parent_child(child_fk: bool, parent_check: bool) -> schema_runtime::Schema {
    let mut parent = table("parents", vec![id(), col("name", Text)]);
    if parent_check {
        parent = parent.check("name_not_empty", "name <> ''");
    }
    let mut parent_id = col("parent_id", BigInt);
    if child_fk {
        parent_id = parent_id.refs("parents.id").on_delete("cascade");
    }
    models(vec![parent, table("children", vec![id(), parent_id])])
}

const FAMILY: &str = "INSERT INTO parents (name) VALUES ('p1'), ('p2'); \
                      INSERT INTO children (parent_id) VALUES (1), (2), (2);";

#[tokio::test]
async fn add_foreign_key_to_a_table_with_rows() {
    scenario(
        "add_foreign_key_to_a_table_with_rows",
        parent_child(false, false),
        parent_child(true, false),
    )
    .seed(FAMILY)
    .rows(
        "SELECT CAST(parent_id AS TEXT) FROM children ORDER BY id",
        &["1", "2", "2"],
    )
    .run()
    .await;
}

/// Rebuilding a parent drops it; with foreign keys on, that would delete the children of
/// an `ON DELETE CASCADE` key. The migrator's connection has them off, so they survive.
#[tokio::test]
async fn rebuilding_a_parent_keeps_cascading_children() {
    scenario(
        "rebuilding_a_parent_keeps_cascading_children",
        parent_child(true, false),
        parent_child(true, true),
    )
    .seed(FAMILY)
    .rows(
        "SELECT CAST(parent_id AS TEXT) FROM children ORDER BY id",
        &["1", "2", "2"],
    )
    .run()
    .await;
}

/// SQLite indexes expressions and descending keys, and reads both back.
#[tokio::test]
async fn expression_and_descending_indexes_in_place() {
    let a = models(vec![items(vec![col("qty", Integer)])]);
    let b = models(vec![items(vec![col("qty", Integer)]).index(
        schema_runtime::IndexDef {
            name: Some("ix_items_lower_name".into()),
            parts: vec!["lower(name)".into(), "qty DESC".into()],
            ..schema_runtime::IndexDef::default()
        },
    )]);
    let outcome = scenario("expression_and_descending_indexes_in_place", a, b)
        .seed("INSERT INTO items (name, qty) VALUES ('One', 1);")
        .rows("SELECT name FROM items WHERE lower(name) = 'one'", &["One"])
        .run()
        .await;
    assert!(
        outcome.up.contains(r#"((lower(name)), "qty" DESC)"#),
        "{}",
        outcome.up
    );
}
