//! Columns: added, dropped, renamed, retyped (widened, narrowed, across families), made
//! (not) nullable, collated. Rows in the table before the change are still there after it.

use schema_runtime::schema::ColumnType::{self, *};
use schema_runtime::schema::{Index, IndexPart};
use schema_runtime::TableDef;

use migrator::Dialect;

use super::kit::scenario;
use super::models::*;

fn items(extra: Vec<schema_runtime::ColumnDef>) -> TableDef {
    let mut columns = vec![id(), col("name", Text)];
    columns.extend(extra);
    table("items", columns)
}

const TWO_ITEMS: &str = "INSERT INTO items (name) VALUES ('one'), ('two');";

#[tokio::test]
async fn add_nullable_column_keeps_rows() {
    let a = models(vec![items(vec![])]);
    let b = models(vec![items(vec![col("note", Text)
        .null()
        .comment("Free text.")])]);
    scenario("add_nullable_column_keeps_rows", a, b)
        .seed(TWO_ITEMS)
        .rows_after_up(
            "SELECT name || ':' || coalesce(note, '-') FROM items ORDER BY id",
            &["one:-", "two:-"],
        )
        .rows_after_down("SELECT name FROM items ORDER BY id", &["one", "two"])
        .run()
        .await;
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
async fn add_identity_key_to_a_table_with_rows() {
    let columns = || vec![col("name", Text)];
    let a = models(vec![table("tags", columns()).keyless()]);
    let mut with_key = vec![id()];
    with_key.extend(columns());
    let b = models(vec![table("tags", with_key)]);
    scenario("add_identity_key_to_a_table_with_rows", a, b)
        .seed("INSERT INTO tags VALUES ('red'), ('blue');")
        .rows_after_up(
            "SELECT id || ':' || name FROM tags ORDER BY id",
            &["1:red", "2:blue"],
        )
        .rows_after_down("SELECT name FROM tags ORDER BY name", &["blue", "red"])
        .run()
        .await;
}

#[tokio::test]
async fn drop_column_with_its_index_and_check() {
    let a = models(vec![items(vec![col("weight", Integer)
        .null()
        .index()
        .check("weight > 0")])]);
    let b = models(vec![items(vec![])]);
    scenario("drop_column_with_its_index_and_check", a, b)
        .seed("INSERT INTO items (name, weight) VALUES ('one', 3), ('two', NULL);")
        .rows("SELECT name FROM items ORDER BY id", &["one", "two"])
        .run()
        .await;
}

#[tokio::test]
async fn rename_column_keeps_data_and_renames_generated_names() {
    let users = table("users", vec![id()]);
    let a = models(vec![
        users.clone(),
        items(vec![
            col("code", varchar(20)).unique(),
            col("owner", BigInt).refs("users.id").index(),
        ]),
    ]);
    let b = models(vec![
        users,
        items(vec![
            col("sku", varchar(20)).unique().was("code"),
            col("owner_id", BigInt)
                .refs("users.id")
                .index()
                .was("owner"),
        ]),
    ]);
    scenario("rename_column_keeps_data_and_renames_generated_names", a, b)
        .seed(
            "INSERT INTO users (id) VALUES (1);
             INSERT INTO items (name, code, owner) VALUES ('one', 'A-1', 1);",
        )
        .rows_after_up("SELECT sku || ':' || owner_id FROM items", &["A-1:1"])
        .rows_after_down("SELECT code || ':' || owner FROM items", &["A-1:1"])
        .run()
        .await;
}

/// Each column's type before and after, and a value that fits both.
const WIDENINGS: &[(&str, &str, &str, &str)] = &[
    ("small_to_int", "smallint", "integer", "7"),
    ("int_to_big", "integer", "bigint", "2147483647"),
    (
        "short_to_long",
        "varchar(20)",
        "varchar(200)",
        "twenty chars exactly",
    ),
    ("varchar_to_text", "varchar(40)", "text", "some text"),
    (
        "more_digits",
        "numeric(10,2)",
        "numeric(14,2)",
        "12345678.90",
    ),
    ("real_to_double", "real", "double precision", "1.5"),
    ("json_to_jsonb", "json", "jsonb", "{\"a\": 1}"),
    ("char_to_text", "char(3)", "text", "abc"),
];

fn typed_table(types: &[(&str, &str, &str, &str)], after: bool) -> TableDef {
    let mut columns = vec![id()];
    for (name, from, to, _) in types {
        let sql = if after { to } else { from };
        columns.push(col(name, Text).sql_type(sql));
    }
    table("measures", columns)
}

fn typed_rows(types: &[(&str, &str, &str, &str)]) -> (String, String, String) {
    let names: Vec<&str> = types.iter().map(|t| t.0).collect();
    let values: Vec<String> = types
        .iter()
        .map(|t| format!("'{}'", t.3.replace('\'', "''")))
        .collect();
    let insert = format!(
        "INSERT INTO measures ({}) VALUES ({});",
        names.join(", "),
        values.join(", ")
    );
    let read: Vec<String> = names.iter().map(|n| format!("{n}::text")).collect();
    let query = format!("SELECT concat_ws('|', {}) FROM measures", read.join(", "));
    let expected: Vec<&str> = types.iter().map(|t| t.3).collect();
    (insert, query, expected.join("|"))
}

#[tokio::test]
async fn widen_types_keeps_data() {
    let (insert, query, row) = typed_rows(WIDENINGS);
    let a = models(vec![typed_table(WIDENINGS, false)]);
    let b = models(vec![typed_table(WIDENINGS, true)]);
    // SQLite keeps no decimal scale: NUMERIC affinity stores 12345678.90 as a real.
    let sqlite_row = row.replace("12345678.90", "12345678.9");
    scenario("widen_types_keeps_data", a, b)
        .seed(&insert)
        .rows(&query, &[&row])
        .rows_on(Dialect::Sqlite, &[&sqlite_row])
        .run()
        .await;
}

const NARROWINGS: &[(&str, &str, &str, &str)] = &[
    ("big_to_int", "bigint", "integer", "42"),
    (
        "long_to_short",
        "varchar(200)",
        "varchar(20)",
        "short enough",
    ),
    ("text_to_varchar", "text", "varchar(10)", "ten chars!"),
    ("fewer_digits", "numeric(12,2)", "numeric(8,2)", "123456.78"),
    ("double_to_real", "double precision", "real", "0.25"),
];

#[tokio::test]
async fn narrow_types_keeps_data_that_fits() {
    let (insert, query, row) = typed_rows(NARROWINGS);
    let a = models(vec![typed_table(NARROWINGS, false)]);
    let b = models(vec![typed_table(NARROWINGS, true)]);
    scenario("narrow_types_keeps_data_that_fits", a, b)
        .seed(&insert)
        .rows(&query, &[&row])
        .run()
        .await;
}

const ACROSS_FAMILIES: &[(&str, &str, &str, &str)] = &[
    ("text_to_int", "text", "integer", "42"),
    ("text_to_date", "varchar(10)", "date", "2024-02-29"),
    ("text_to_bool", "text", "boolean", "true"),
    ("int_to_text", "integer", "text", "7"),
    (
        "uuid_to_text",
        "uuid",
        "text",
        "0b0a3f6e-6d61-4c1c-9f4e-2d64e4a4a001",
    ),
];

#[tokio::test]
async fn retype_across_families_with_using() {
    let (insert, query, row) = typed_rows(ACROSS_FAMILIES);
    let a = models(vec![typed_table(ACROSS_FAMILIES, false)]);
    let b = models(vec![typed_table(ACROSS_FAMILIES, true)]);
    scenario("retype_across_families_with_using", a, b)
        .seed(&insert)
        .rows(&query, &[&row])
        .skip(
            Dialect::Mysql,
            "MySQL casts no 'true' to a number: text to boolean needs PostgreSQL's USING",
        )
        .run()
        .await;
}

#[tokio::test]
async fn set_and_drop_not_null() {
    let a = models(vec![items(vec![
        col("color", Text).null(),
        col("size", Integer),
    ])]);
    let b = models(vec![items(vec![
        col("color", Text),
        col("size", Integer).null(),
    ])]);
    scenario("set_and_drop_not_null", a, b)
        .seed("INSERT INTO items (name, color, size) VALUES ('one', 'red', 1);")
        .rows("SELECT name || color || size FROM items", &["onered1"])
        .run()
        .await;
}

#[tokio::test]
async fn type_default_and_nullability_change_together() {
    let a = models(vec![items(vec![col("rank", Integer).null().default("0")])]);
    let b = models(vec![items(vec![col("rank", BigInt).default("-1")])]);
    scenario("type_default_and_nullability_change_together", a, b)
        .seed("INSERT INTO items (name, rank) VALUES ('one', 5);")
        .rows("SELECT name || rank FROM items", &["one5"])
        .run()
        .await;
}

#[tokio::test]
async fn collation_set_and_removed() {
    // `#[column(collation = "C")]` on code; title loses the one the database has.
    let code = schema_runtime::decl::ColumnDef {
        collation: Some("C".into()),
        ..col("code", Text)
    };
    let b = models(vec![items(vec![code, col("title", Text)])]);
    let a_sql = "CREATE TABLE items (
        id bigint GENERATED BY DEFAULT AS IDENTITY CONSTRAINT pk_items PRIMARY KEY,
        name text NOT NULL,
        code text NOT NULL,
        title text COLLATE \"C\" NOT NULL
    );";
    scenario("collation_set_and_removed", a_sql, b)
        .seed("INSERT INTO items (name, code, title) VALUES ('one', 'B', 'b');")
        .rows("SELECT name || code || title FROM items", &["oneBb"])
        .skip(
            Dialect::Mysql,
            "collation \"C\" is PostgreSQL's; MySQL's own are in mysql_scenarios",
        )
        .skip(
            Dialect::Sqlite,
            "collation \"C\" is PostgreSQL's; SQLite's own are in sqlite_scenarios",
        )
        .run()
        .await;
}

#[tokio::test]
async fn retype_a_key_and_the_foreign_keys_that_use_it() {
    let schema_with = |ty: ColumnType| {
        models(vec![
            table("users", vec![col("id", ty.clone()).pk()]),
            table(
                "orders",
                vec![id(), col("user_id", ty).refs("users.id").index()],
            ),
        ])
    };
    scenario(
        "retype_a_key_and_the_foreign_keys_that_use_it",
        schema_with(Integer),
        schema_with(BigInt),
    )
    .seed("INSERT INTO users VALUES (1), (2); INSERT INTO orders (user_id) VALUES (2);")
    .rows("SELECT user_id::text FROM orders", &["2"])
    .run()
    .await;
}

/// PostgreSQL rewrites checks, index expressions and predicates when a column they name
/// is renamed; the diff follows, so nothing is dropped and re-created (here with new names
/// that must be quoted: a keyword and a mixed-case name).
#[tokio::test]
async fn rename_columns_named_in_checks_and_index_expressions() {
    let state = |total: &str, code: &str, renamed: bool| {
        let quoted = |name: &str| format!("\"{name}\"");
        let mut amount = col(total, numeric(12, 2)).check(&format!("{} >= 0", quoted(total)));
        let mut label = col(code, Text);
        if renamed {
            amount = amount.was("total");
            label = label.was("code");
        }
        let mut schema = models(vec![items(vec![amount, label]).index(
            index(&["name"])
                .named("ix_items_live")
                .filter(&format!("{} > 0", quoted(total))),
        )]);
        schema.tables[0].indexes.push(Index {
            name: "ix_items_code".into(),
            parts: vec![IndexPart::Expression(format!("lower({})", quoted(code)))],
            unique: false,
            predicate: None,
            method: None,
            part_options: Vec::new(),
            include: Vec::new(),
            nulls_not_distinct: false,
        });
        schema
    };
    let outcome = scenario(
        "rename_columns_named_in_checks_and_index_expressions",
        state("total", "code", false),
        state("order", "Code", true),
    )
    .seed("INSERT INTO items (name, total, code) VALUES ('one', 5, 'A');")
    .rows_after_up(
        "SELECT name || \"order\" || \"Code\" FROM items",
        &["one5.00A"],
    )
    // SQLite keeps no decimal scale.
    .rows_on(Dialect::Sqlite, &["one5A"])
    .rows_after_down("SELECT name || total || code FROM items", &["one5.00A"])
    .rows_on(Dialect::Sqlite, &["one5A"])
    .skip(
        Dialect::Mysql,
        "an expression index, which MariaDB cannot create",
    )
    .run()
    .await;
    assert_eq!(
        outcome.ops.len(),
        3,
        "two column renames and one constraint rename"
    );
}
