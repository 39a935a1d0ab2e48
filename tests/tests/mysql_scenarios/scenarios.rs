//! Scenarios on the real MySQL / MariaDB server: tables, columns, defaults, keys, indexes,
//! foreign keys, checks, enums and comments. Rows in a table before the change are still
//! there after `up` and after `down`.

use schema_runtime::schema::ColumnType::*;
use schema_runtime::TableDef;

use super::kit::scenario;
use super::models::*;

fn items(extra: Vec<schema_runtime::ColumnDef>) -> TableDef {
    let mut columns = vec![id(), col("name", varchar(50))];
    columns.extend(extra);
    table("items", columns)
}

const TWO_ITEMS: &str = "INSERT INTO items (name) VALUES ('one'), ('two');";

#[tokio::test]
async fn create_a_table_from_nothing() {
    let b = models(vec![
        items(vec![col("note", Text).null()]).comment("Things.")
    ]);
    scenario(
        "create_a_table_from_nothing",
        schema_runtime::Schema::default(),
        b,
    )
    .run()
    .await;
}

#[tokio::test]
async fn every_column_type_reads_back_as_declared() {
    let b = models(vec![items(vec![
        col("flag", Boolean),
        col("small", SmallInt),
        col("medium", Integer),
        col("ratio", Real),
        col("precise", Double),
        col("money", numeric(12, 2)),
        col("body", Text),
        col("code", Char { length: 3 }),
        col("blob", Bytes),
        col("token", Uuid),
        col("day", Date),
        col("at", Time),
        col("seen", Timestamp),
        col("stamped", TimestampTz).null(),
        col("doc", Json).null(),
        col("doc_b", Jsonb).null(),
    ])]);
    scenario(
        "every_column_type_reads_back_as_declared",
        schema_runtime::Schema::default(),
        b,
    )
    .run()
    .await;
}

#[tokio::test]
async fn add_nullable_column_keeps_rows() {
    let a = models(vec![items(vec![])]);
    let b = models(vec![items(vec![col("note", Text)
        .null()
        .comment("Free text.")])]);
    scenario("add_nullable_column_keeps_rows", a, b)
        .seed(TWO_ITEMS)
        .rows_after_up(
            "SELECT CONCAT(name, ':', COALESCE(note, '-')) FROM items ORDER BY id",
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
        col("active", Boolean).default("true"),
        col("price", numeric(8, 2)).default("0"),
    ])]);
    scenario("add_not_null_column_with_default_fills_rows", a, b)
        .seed(TWO_ITEMS)
        .rows_after_up(
            "SELECT CONCAT(name, ':', quantity, ':', label, ':', active, ':', price) FROM items ORDER BY id",
            &["one:1:none:1:0.00", "two:1:none:1:0.00"],
        )
        .rows_after_down("SELECT name FROM items ORDER BY id", &["one", "two"])
        .run()
        .await;
}

#[tokio::test]
async fn timestamps_default_to_now() {
    let a = models(vec![items(vec![])]);
    let b = models(vec![items(vec![
        col("created_at", Timestamp).default("now()"),
        col("updated_at", TimestampTz).default("CURRENT_TIMESTAMP"),
    ])]);
    scenario("timestamps_default_to_now", a, b)
        .seed(TWO_ITEMS)
        .rows_after_up(
            "SELECT CONCAT(name, ':', created_at IS NOT NULL) FROM items ORDER BY id",
            &["one:1", "two:1"],
        )
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
async fn rename_column_keeps_data() {
    let a = models(vec![items(vec![col("title", varchar(40)).null()])]);
    let b = models(vec![items(vec![col("heading", varchar(40))
        .null()
        .was("title")])]);
    scenario("rename_column_keeps_data", a, b)
        .seed("INSERT INTO items (name, title) VALUES ('one', 'First');")
        .rows_after_up("SELECT heading FROM items", &["First"])
        .rows_after_down("SELECT title FROM items", &["First"])
        .run()
        .await;
}

#[tokio::test]
async fn rename_table_keeps_rows() {
    let a = models(vec![items(vec![])]);
    let b = models(vec![
        table("things", vec![id(), col("name", varchar(50))]).was("items")
    ]);
    scenario("rename_table_keeps_rows", a, b)
        .seed(TWO_ITEMS)
        .rows_after_up("SELECT name FROM things ORDER BY id", &["one", "two"])
        .rows_after_down("SELECT name FROM items ORDER BY id", &["one", "two"])
        .run()
        .await;
}

#[tokio::test]
async fn widen_a_varchar_and_an_integer() {
    let a = models(vec![items(vec![
        col("code", varchar(5)),
        col("n", Integer),
    ])]);
    let b = models(vec![items(vec![
        col("code", varchar(50)),
        col("n", BigInt),
    ])]);
    scenario("widen_a_varchar_and_an_integer", a, b)
        .seed("INSERT INTO items (name, code, n) VALUES ('one', 'abc', 7);")
        .rows("SELECT CONCAT(code, ':', n) FROM items", &["abc:7"])
        .run()
        .await;
}

#[tokio::test]
async fn set_and_drop_not_null() {
    let a = models(vec![items(vec![
        col("a", Integer).null(),
        col("b", Integer),
    ])]);
    let b = models(vec![items(vec![
        col("a", Integer),
        col("b", Integer).null(),
    ])]);
    scenario("set_and_drop_not_null", a, b)
        .seed("INSERT INTO items (name, a, b) VALUES ('one', 1, 2);")
        .rows("SELECT CONCAT(a, ':', b) FROM items", &["1:2"])
        .run()
        .await;
}

#[tokio::test]
async fn change_and_drop_defaults() {
    let a = models(vec![items(vec![
        col("a", Integer).default("1"),
        col("b", varchar(10)).default("'x'"),
    ])]);
    let b = models(vec![items(vec![
        col("a", Integer).default("2"),
        col("b", varchar(10)),
    ])]);
    scenario("change_and_drop_defaults", a, b)
        .seed(TWO_ITEMS)
        .rows("SELECT CONCAT(a, b) FROM items ORDER BY id", &["1x", "1x"])
        .run()
        .await;
}

#[tokio::test]
async fn column_and_table_comments() {
    let a = models(vec![items(vec![col("note", Text).null()])]);
    let b = models(vec![items(vec![col("note", Text)
        .null()
        .comment("It's a note.")])
    .comment("Things we sell.")]);
    scenario("column_and_table_comments", a, b).run().await;
}

#[tokio::test]
async fn add_indexes_and_uniques() {
    let a = models(vec![items(vec![
        col("code", varchar(20)),
        col("n", Integer),
    ])]);
    let b = models(vec![items(vec![
        col("code", varchar(20)).unique(),
        col("n", Integer),
    ])
    .index(index(&["n", "code"]))
    .index(index(&["n"]).named("ix_items_by_n").unique())]);
    scenario("add_indexes_and_uniques", a, b)
        .seed("INSERT INTO items (name, code, n) VALUES ('one', 'a', 1), ('two', 'b', 2);")
        .rows("SELECT code FROM items ORDER BY id", &["a", "b"])
        .run()
        .await;
}

#[tokio::test]
async fn rename_an_index_with_the_same_definition() {
    let a = models(vec![
        items(vec![col("n", Integer)]).index(index(&["n"]).named("ix_old"))
    ]);
    let b = models(vec![
        items(vec![col("n", Integer)]).index(index(&["n"]).named("ix_new"))
    ]);
    let outcome = scenario("rename_an_index_with_the_same_definition", a, b)
        .run()
        .await;
    assert!(outcome
        .ops
        .iter()
        .all(|op| matches!(op, migrator::Op::RenameIndex { .. })));
}

#[tokio::test]
async fn add_and_drop_primary_keys() {
    let a = models(vec![table(
        "tags",
        vec![col("name", varchar(20)), col("kind", varchar(20))],
    )
    .keyless()]);
    let b = models(vec![table(
        "tags",
        vec![col("name", varchar(20)), col("kind", varchar(20))],
    )
    .pk(&["name", "kind"])]);
    scenario("add_and_drop_primary_keys", a, b)
        .seed("INSERT INTO tags VALUES ('red', 'colour'), ('big', 'size');")
        .rows("SELECT name FROM tags ORDER BY name", &["big", "red"])
        .run()
        .await;
}

fn parents_and_children(on_delete: Option<&str>) -> Vec<TableDef> {
    let mut parent_id = col("parent_id", BigInt).null();
    if let Some(action) = on_delete {
        parent_id = parent_id.refs("parents.id").on_delete(action);
    }
    vec![
        table("parents", vec![id(), col("name", varchar(20))]),
        table("children", vec![id(), parent_id]),
    ]
}

#[tokio::test]
async fn add_a_foreign_key_to_an_existing_column() {
    let a = models(parents_and_children(None));
    let b = models(parents_and_children(Some("cascade")));
    scenario("add_a_foreign_key_to_an_existing_column", a, b)
        .seed(
            "INSERT INTO parents (name) VALUES ('p'); INSERT INTO children (parent_id) VALUES (1);",
        )
        .rows("SELECT CAST(parent_id AS CHAR) FROM children", &["1"])
        .run()
        .await;
}

#[tokio::test]
async fn change_the_actions_of_a_foreign_key() {
    let a = models(parents_and_children(Some("cascade")));
    let b = models(parents_and_children(Some("set null")));
    scenario("change_the_actions_of_a_foreign_key", a, b)
        .run()
        .await;
}

#[tokio::test]
async fn foreign_key_cycle_between_two_new_tables() {
    let b = models(vec![
        table(
            "people",
            vec![id(), col("team_id", BigInt).null().refs("teams.id")],
        ),
        table(
            "teams",
            vec![
                id(),
                col("lead_id", BigInt)
                    .null()
                    .refs("people.id")
                    .on_delete("set null"),
            ],
        ),
    ]);
    scenario(
        "foreign_key_cycle_between_two_new_tables",
        schema_runtime::Schema::default(),
        b,
    )
    .run()
    .await;
}

#[tokio::test]
async fn add_change_and_drop_checks() {
    let a = models(vec![items(vec![col("n", Integer), col("m", Integer)])
        .check("n_positive", "n > 0")
        .check("m_small", "m < 100")]);
    let b = models(vec![items(vec![col("n", Integer), col("m", Integer)])
        .check("n_positive", "n >= 0")
        .check("n_m", "n <= m AND m IN (1, 2, 50)")]);
    scenario("add_change_and_drop_checks", a, b)
        .seed("INSERT INTO items (name, n, m) VALUES ('one', 1, 50);")
        .rows("SELECT CONCAT(n, ':', m) FROM items", &["1:50"])
        .run()
        .await;
}

#[tokio::test]
async fn create_a_table_with_an_inline_enum() {
    let status = enum_type("order_status", &["pending", "paid", "it's done"]);
    let b = models(vec![table(
        "orders",
        vec![id(), enum_col("status", &status).default("'pending'")],
    )]);
    scenario(
        "create_a_table_with_an_inline_enum",
        schema_runtime::Schema::default(),
        b,
    )
    .run()
    .await;
}

#[tokio::test]
async fn add_enum_values_in_the_middle() {
    let before = enum_type("order_status", &["pending", "paid"]);
    let after = enum_type("order_status", &["pending", "shipped", "paid", "refunded"]);
    let orders = |e| models(vec![table("orders", vec![id(), enum_col("status", e)])]);
    scenario(
        "add_enum_values_in_the_middle",
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

#[tokio::test]
async fn retype_a_key_and_the_foreign_keys_that_use_it() {
    let tables = |ty: schema_runtime::schema::ColumnType| {
        models(vec![
            table("owners", vec![col("id", ty.clone()).pk().identity(false)]),
            table("pets", vec![id(), col("owner_id", ty).refs("owners.id")]),
        ])
    };
    scenario(
        "retype_a_key_and_the_foreign_keys_that_use_it",
        tables(Integer),
        tables(BigInt),
    )
    .seed("INSERT INTO owners VALUES (7); INSERT INTO pets (owner_id) VALUES (7);")
    .rows("SELECT CAST(owner_id AS CHAR) FROM pets", &["7"])
    .run()
    .await;
}

#[tokio::test]
async fn reserved_words_and_odd_names() {
    let b = models(vec![table(
        "order",
        vec![
            id(),
            col("key", varchar(10)).check("`key` <> ''"),
            col("Select Me", Integer).null().index(),
        ],
    )]);
    scenario(
        "reserved_words_and_odd_names",
        schema_runtime::Schema::default(),
        b,
    )
    .run()
    .await;
}

#[tokio::test]
async fn equivalent_spellings_in_the_database_are_not_drift() {
    let sql = "CREATE TABLE items (
        id bigint(20) NOT NULL AUTO_INCREMENT,
        name varchar(50) NOT NULL,
        flag tinyint(1) NOT NULL DEFAULT 0,
        n int(11) NOT NULL DEFAULT '5',
        created_at datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
        PRIMARY KEY (id),
        CONSTRAINT ck_items_n CHECK ((n > 0))
    ) ENGINE=InnoDB";
    let b = models(vec![items(vec![
        col("flag", Boolean).default("false"),
        col("n", Integer).default("5"),
        col("created_at", Timestamp).default("now()"),
    ])
    .check("n", "n > 0")]);
    let outcome = scenario("equivalent_spellings_in_the_database_are_not_drift", sql, b)
        .run()
        .await;
    assert!(outcome.ops.is_empty(), "{:?}", outcome.ops);
}

#[tokio::test]
async fn drop_a_foreign_key_and_its_index_keeps_the_column() {
    let a = models(parents_and_children(Some("cascade")));
    let b = models(parents_and_children(None));
    scenario("drop_a_foreign_key_and_its_index_keeps_the_column", a, b)
        .seed(
            "INSERT INTO parents (name) VALUES ('p'); INSERT INTO children (parent_id) VALUES (1);",
        )
        .rows("SELECT CAST(parent_id AS CHAR) FROM children", &["1"])
        .run()
        .await;
}

#[tokio::test]
async fn a_timestamp_column_from_another_tool_becomes_datetime() {
    let sql = "CREATE TABLE items (
        id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
        name varchar(50) NOT NULL,
        seen timestamp(6) NULL
    ) ENGINE=InnoDB";
    let b = models(vec![items(vec![col("seen", TimestampTz).null()])]);
    scenario(
        "a_timestamp_column_from_another_tool_becomes_datetime",
        sql,
        b,
    )
    .seed("INSERT INTO items (name, seen) VALUES ('one', '2030-01-02 03:04:05.123456');")
    .rows(
        "SELECT CAST(seen AS CHAR) FROM items",
        &["2030-01-02 03:04:05.123456"],
    )
    .run()
    .await;
}

/// MariaDB (10.8 and later) keeps a descending key part, and reads it back.
#[tokio::test]
async fn a_descending_index_reads_back() {
    let a = models(vec![items(vec![col("qty", Integer)])]);
    let b = models(vec![items(vec![col("qty", Integer)]).index(
        schema_runtime::IndexDef {
            name: Some("ix_items_recent".into()),
            parts: vec!["qty DESC".into(), "name".into()],
            ..schema_runtime::IndexDef::default()
        },
    )]);
    let outcome = scenario("a_descending_index_reads_back", a, b)
        .seed("INSERT INTO items (name, qty) VALUES ('one', 1);")
        .rows("SELECT name FROM items", &["one"])
        .run()
        .await;
    assert!(
        outcome.up.contains("(`qty` DESC, `name`)"),
        "{}",
        outcome.up
    );
}

/// A stored generated column: added to a table with rows, computed for them, read back
/// (MariaDB rewrites the expression as `` `quantity` * `unit_price` ``), and dropped.
#[tokio::test]
async fn a_stored_generated_column_is_computed_for_the_rows_there() {
    let a = models(vec![items(vec![
        col("quantity", Integer),
        col("unit_price", Integer),
    ])]);
    let total = schema_runtime::ColumnDef {
        generated: Some("quantity * unit_price".into()),
        ..col("total", BigInt).null()
    };
    let b = models(vec![items(vec![
        col("quantity", Integer),
        col("unit_price", Integer),
        total,
    ])]);
    let outcome = scenario(
        "a_stored_generated_column_is_computed_for_the_rows_there",
        a,
        b,
    )
    .seed("INSERT INTO items (name, quantity, unit_price) VALUES ('one', 3, 7);")
    .rows("SELECT name FROM items", &["one"])
    .run()
    .await;
    assert!(
        outcome
            .up
            .contains("`total` bigint GENERATED ALWAYS AS (quantity * unit_price) STORED"),
        "{}",
        outcome.up
    );
}

/// A generation expression changes in place (`MODIFY COLUMN` recomputes every row), and
/// a column that stops being generated keeps its values.
#[tokio::test]
async fn a_generation_expression_changes_and_goes_in_place() {
    let lines = |generated: Option<&str>| {
        let total = schema_runtime::ColumnDef {
            generated: generated.map(str::to_owned),
            ..col("total", BigInt).null()
        };
        models(vec![items(vec![
            col("quantity", Integer),
            col("unit_price", Integer),
            total,
        ])])
    };
    let seed = "INSERT INTO items (name, quantity, unit_price) VALUES ('one', 3, 7);";
    scenario(
        "a_generation_expression_changes_in_place",
        lines(Some("quantity * unit_price")),
        lines(Some("quantity + unit_price")),
    )
    .seed(seed)
    .rows_after_up("SELECT total FROM items", &["10"])
    .rows_after_down("SELECT total FROM items", &["21"])
    .run()
    .await;
    scenario(
        "a_generation_expression_goes_in_place",
        lines(Some("quantity * unit_price")),
        lines(None),
    )
    .seed(seed)
    .rows("SELECT total FROM items", &["21"])
    .run()
    .await;
}

/// A VIRTUAL generated column round-trips, and turning it STORED is refused with the
/// revision to write, since MariaDB cannot do that in place.
#[tokio::test]
async fn a_virtual_generated_column_reads_back_and_stays_virtual() {
    let lines = |generated_virtual: bool| {
        let total = schema_runtime::ColumnDef {
            generated: Some("quantity * unit_price".into()),
            generated_virtual,
            ..col("total", BigInt).null()
        };
        on(vec![items(vec![
            col("quantity", Integer),
            col("unit_price", Integer),
            total,
        ])])
    };
    let a = on(vec![items(vec![
        col("quantity", Integer),
        col("unit_price", Integer),
    ])]);
    scenario("a_virtual_generated_column_reads_back", a, lines(true))
        .seed("INSERT INTO items (name, quantity, unit_price) VALUES ('one', 3, 7);")
        .rows("SELECT name FROM items", &["one"])
        .run()
        .await;
    let op = migrator::change::Op::AlterColumn {
        table: schema_runtime::QualifiedName::new("items"),
        from: lines(true).tables[0].columns[4].clone(),
        to: lines(false).tables[0].columns[4].clone(),
        changes: migrator::change::ColumnChanges::GENERATED,
    };
    let error = migrator::dialect::mysql::render::validate(&op)
        .unwrap_err()
        .to_string();
    assert!(error.contains("into or out of a VIRTUAL"), "{error}");
}

/// The models of a scenario built for this database (`generated_virtual` is refused on
/// PostgreSQL, which the scenario models are built for).
fn on(defs: Vec<schema_runtime::TableDef>) -> schema_runtime::Schema {
    schema_runtime::registry::build(defs, schema_runtime::Dialect::Mysql)
        .unwrap_or_else(|e| panic!("the scenario's models are wrong: {e}"))
}
