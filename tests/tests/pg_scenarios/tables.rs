//! Tables: created with every column type, identity, primary keys, dropped, renamed, moved.

use schema_runtime::schema::{ColumnType, Schema};

use migrator::Dialect;

use super::kit::scenario;
use super::models::*;

fn empty() -> Schema {
    Schema::default()
}

fn mood() -> schema_runtime::EnumType {
    enum_type("mood", &["happy", "sad"])
}

#[tokio::test]
async fn create_table_with_every_column_type() {
    use ColumnType::*;
    let plain = [
        ("flag", Boolean),
        ("small", SmallInt),
        ("regular", Integer),
        ("big", BigInt),
        ("single", Real),
        ("double", Double),
        ("money", numeric(12, 2)),
        (
            "exact",
            Numeric {
                precision: None,
                scale: None,
            },
        ),
        ("body", Text),
        ("title", varchar(40)),
        ("code", Char { length: 3 }),
        ("raw", Bytes),
        ("key", Uuid),
        ("day", Date),
        ("at_time", Time),
        ("local", Timestamp),
        ("moment", TimestampTz),
        ("span", Interval),
        ("doc", Json),
        ("docb", Jsonb),
        ("tags", array(Text)),
        ("scores", array(Integer)),
    ];
    let mut columns = vec![id()];
    for (name, ty) in plain {
        columns.push(col(&format!("{name}_nullable"), ty.clone()).null());
        columns.push(col(name, ty));
    }
    columns.push(enum_col("mood", &mood()));
    columns.push(enum_array_col("moods", &mood()).null());
    // `sql_type` spellings the type parser collapses to what PostgreSQL reports.
    for (name, sql) in [
        ("as_int4", "int4"),
        ("as_char_varying", "character varying(10)"),
        ("as_unbounded_varchar", "varchar"),
        ("as_tstz", "timestamp with time zone"),
        ("as_float8", "float8"),
        ("as_bool", "bool"),
        ("as_decimal", "decimal(8, 3)"),
        ("as_inet", "inet"),
        ("as_int_array", "int[]"),
        ("as_int2", "int2"),
        ("as_int8", "INT8"),
        ("as_float4", "float4"),
        ("as_character", "character(3)"),
        ("as_local_long", "timestamp without time zone"),
        ("as_time_long", "time without time zone"),
        ("as_decimal_plain", "decimal"),
        ("as_numeric_precision", "numeric(10)"),
        ("as_varchar_array", "varchar(10)[]"),
        ("as_double_array", "double precision[]"),
        ("as_tstz_precision", "timestamptz(3)"),
        ("as_timetz", "time with time zone"),
        ("as_bits", "bit(3)"),
        ("as_spaced", "character  varying ( 12 )"),
    ] {
        columns.push(col(name, Text).sql_type(sql).null());
    }
    let b = models(vec![table("everything", columns)]);
    scenario("create_table_with_every_column_type", empty(), b)
        .skip(
            Dialect::Mysql,
            "every PostgreSQL type, arrays and interval included",
        )
        .skip(Dialect::Sqlite, "every PostgreSQL type, arrays included")
        .run()
        .await;
}

#[tokio::test]
async fn create_tables_with_and_without_identity() {
    let b = models(vec![
        table("by_default", vec![id(), col("name", ColumnType::Text)]),
        table("no_identity", vec![id().identity(false)]),
        table("int_key", vec![col("id", ColumnType::Integer).pk()]),
        table(
            "pair",
            vec![
                col("a", ColumnType::BigInt),
                col("b", ColumnType::BigInt),
                col("note", ColumnType::Text).null(),
            ],
        )
        .pk(&["a", "b"]),
    ]);
    scenario("create_tables_with_and_without_identity", empty(), b)
        .run()
        .await;
}

#[tokio::test]
async fn identity_added_to_an_existing_key() {
    let a = "CREATE TABLE things (id bigint NOT NULL, name text NOT NULL, \
             CONSTRAINT pk_things PRIMARY KEY (id));";
    let b = models(vec![table(
        "things",
        vec![id(), col("name", ColumnType::Text)],
    )]);
    scenario("identity_added_to_an_existing_key", a, b)
        .seed("INSERT INTO things VALUES (1, 'one'), (2, 'two');")
        // The new identity continues after the kept keys.
        .rows_after_up(
            "INSERT INTO things (name) VALUES ('three') RETURNING id || ':' || name",
            &["3:three"],
        )
        .rows_after_down(
            "SELECT id || ':' || name FROM things ORDER BY id",
            &["1:one", "2:two", "3:three"],
        )
        .run()
        .await;
}

#[tokio::test]
async fn identity_dropped_from_a_key() {
    let a = models(vec![table(
        "things",
        vec![id(), col("name", ColumnType::Text)],
    )]);
    let b = models(vec![table(
        "things",
        vec![id().identity(false), col("name", ColumnType::Text)],
    )]);
    scenario("identity_dropped_from_a_key", a, b)
        .seed("INSERT INTO things (name) VALUES ('one'), ('two');")
        .rows_after_up(
            "INSERT INTO things VALUES (10, 'ten') RETURNING id || ':' || name",
            &["10:ten"],
        )
        // The identity that `down` restores continues after every kept key.
        .rows_after_down(
            "INSERT INTO things (name) VALUES ('eleven') RETURNING id || ':' || name",
            &["11:eleven"],
        )
        .run()
        .await;
}

#[tokio::test]
async fn identity_always_becomes_by_default() {
    let a = "CREATE TABLE things (
        id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_things PRIMARY KEY
    );";
    let b = models(vec![table("things", vec![id()])]);
    scenario("identity_always_becomes_by_default", a, b)
        .seed("INSERT INTO things DEFAULT VALUES;")
        .rows("SELECT id::text FROM things", &["1"])
        .skip_all(
            &[Dialect::Mysql, Dialect::Sqlite],
            "GENERATED ALWAYS identity is PostgreSQL's",
        )
        .run()
        .await;
}

#[tokio::test]
async fn primary_key_gains_a_column() {
    let columns = || {
        vec![
            col("tenant", ColumnType::Integer),
            col("code", ColumnType::Text),
        ]
    };
    let a = models(vec![table("items", columns()).pk(&["code"])]);
    let b = models(vec![table("items", columns()).pk(&["tenant", "code"])]);
    scenario("primary_key_gains_a_column", a, b)
        .seed("INSERT INTO items VALUES (1, 'a'), (2, 'b');")
        .rows(
            "SELECT tenant || code FROM items ORDER BY code",
            &["1a", "2b"],
        )
        .skip(
            Dialect::Mysql,
            "a key over unbounded text, which MySQL indexes only with a length (refused by name)",
        )
        .run()
        .await;
}

#[tokio::test]
async fn primary_key_added_to_a_keyless_table() {
    let columns = || vec![col("code", ColumnType::Text), col("n", ColumnType::Integer)];
    let a = models(vec![table("counts", columns()).keyless()]);
    let b = models(vec![table("counts", columns()).pk(&["code"])]);
    scenario("primary_key_added_to_a_keyless_table", a, b)
        .seed("INSERT INTO counts VALUES ('a', 1), ('b', 2);")
        .rows("SELECT code || n FROM counts ORDER BY code", &["a1", "b2"])
        .skip(
            Dialect::Mysql,
            "a key over unbounded text, which MySQL indexes only with a length (refused by name)",
        )
        .run()
        .await;
}

fn users() -> schema_runtime::TableDef {
    table("users", vec![id(), col("email", varchar(320)).unique()])
}

#[tokio::test]
async fn drop_table_with_its_keys_and_indexes() {
    let orders = table(
        "orders",
        vec![
            id(),
            col("user_id", ColumnType::BigInt)
                .refs("users.id")
                .on_delete("cascade")
                .index(),
            col("total", numeric(12, 2)).check("total >= 0"),
        ],
    )
    .comment("Orders.");
    let a = models(vec![users(), orders]);
    let b = models(vec![users()]);
    scenario("drop_table_with_its_keys_and_indexes", a, b)
        .seed("INSERT INTO users (email) VALUES ('a@x'); INSERT INTO orders (user_id, total) VALUES (1, 5);")
        .rows("SELECT email FROM users", &["a@x"])
        .run()
        .await;
}

#[tokio::test]
async fn rename_table_keeps_rows_and_renames_generated_names() {
    let boards = |name: &str| {
        table(
            name,
            vec![
                id(),
                col("user_id", ColumnType::BigInt).refs("users.id").index(),
                col("title", varchar(80)).unique(),
            ],
        )
    };
    let cards = |target: &str| {
        table(
            "cards",
            vec![id(), col("board_id", ColumnType::BigInt).refs(target)],
        )
    };
    let a = models(vec![users(), boards("boards"), cards("boards.id")]);
    let b = models(vec![
        users(),
        boards("projects").was("boards"),
        cards("projects.id"),
    ]);
    scenario("rename_table_keeps_rows_and_renames_generated_names", a, b)
        .seed(
            "INSERT INTO users (email) VALUES ('a@x');
             INSERT INTO boards (user_id, title) VALUES (1, 'Roadmap'), (1, 'Bugs');
             INSERT INTO cards (board_id) VALUES (2);",
        )
        .rows_after_up(
            "SELECT p.title FROM projects p JOIN cards c ON c.board_id = p.id",
            &["Bugs"],
        )
        .rows_after_down(
            "SELECT b.title FROM boards b JOIN cards c ON c.board_id = b.id",
            &["Bugs"],
        )
        .run()
        .await;
}

#[tokio::test]
async fn move_table_to_another_namespace() {
    let a = models(vec![table(
        "invoices",
        vec![id(), col("total", numeric(12, 2))],
    )]);
    let b = models(vec![table(
        "billing.invoices",
        vec![id(), col("total", numeric(12, 2))],
    )
    .was("public.invoices")]);
    scenario("move_table_to_another_namespace", a, b)
        .seed("INSERT INTO invoices (total) VALUES (12.50);")
        .rows_after_up("SELECT total::text FROM billing.invoices", &["12.50"])
        .rows_after_down("SELECT total::text FROM public.invoices", &["12.50"])
        .skip(
            Dialect::Mysql,
            "namespaces: a MySQL schema is a database of its own",
        )
        .skip(
            Dialect::Sqlite,
            "namespaces: an SQLite database has only main",
        )
        .run()
        .await;
}

#[tokio::test]
async fn rename_table_and_column_together() {
    let a = models(vec![table(
        "people",
        vec![id(), col("fullname", ColumnType::Text)],
    )]);
    let b = models(vec![table(
        "persons",
        vec![id(), col("display_name", ColumnType::Text).was("fullname")],
    )
    .was("people")]);
    scenario("rename_table_and_column_together", a, b)
        .seed("INSERT INTO people (fullname) VALUES ('Ada');")
        .rows_after_up("SELECT display_name FROM persons", &["Ada"])
        .rows_after_down("SELECT fullname FROM people", &["Ada"])
        .run()
        .await;
}
