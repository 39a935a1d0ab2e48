//! Identifiers PostgreSQL only takes quoted (mixed case, reserved words, spaces), names of
//! exactly 63 bytes (the limit), and tables in namespaces other than `public`.

use schema_runtime::schema::ColumnType::*;
use schema_runtime::{Schema, TableDef};

use migrator::Dialect;

use super::kit::scenario;
use super::models::*;

fn order_table() -> TableDef {
    let state = enum_type("OrderState", &["New", "Done"]);
    table(
        "Order",
        vec![
            id(),
            col("select", Text).index().check("\"select\" <> ''"),
            col("MixedCase", varchar(10)).unique(),
            col("user", Text).null().comment("A reserved word."),
            enum_col("State", &state).default("'New'"),
        ],
    )
    .comment("An order, in a table named by a reserved word.")
}

fn group_table() -> TableDef {
    table(
        "group",
        vec![
            id(),
            col("Order Id", BigInt)
                .refs("Order.id")
                .on_delete("cascade"),
        ],
    )
    .index(index(&["Order Id"]).unique().filter("\"Order Id\" > 0"))
}

#[tokio::test]
async fn mixed_case_and_reserved_words_from_empty() {
    let b = models(vec![order_table(), group_table()]);
    scenario(
        "mixed_case_and_reserved_words_from_empty",
        Schema::default(),
        b,
    )
    .skip(Dialect::Mysql, "MySQL has no partial indexes")
    .run()
    .await;
}

#[tokio::test]
async fn mixed_case_and_reserved_words_renamed_and_added() {
    let a = models(vec![order_table(), group_table()]);
    let mut renamed = order_table();
    renamed.name = "PurchaseOrder".into();
    renamed.renamed_from = Some("Order".into());
    renamed.columns[1].name = "Where".into();
    renamed.columns[1].renamed_from = Some("select".into());
    renamed.columns[1].check = Some("\"Where\" <> ''".into());
    renamed.columns.push(col("From", Date).null().index());
    let mut group = group_table();
    group.columns[1].references = Some("PurchaseOrder.id".into());
    let b = models(vec![renamed, group]);
    scenario("mixed_case_and_reserved_words_renamed_and_added", a, b)
        .seed(
            "INSERT INTO \"Order\" (\"select\", \"MixedCase\") VALUES ('x', 'Y');
             INSERT INTO \"group\" (\"Order Id\") VALUES (1);",
        )
        .rows_after_up(
            "SELECT \"Where\" || \"MixedCase\" || g.\"Order Id\" \
             FROM \"PurchaseOrder\" o JOIN \"group\" g ON g.\"Order Id\" = o.id",
            &["xY1"],
        )
        .rows_after_down("SELECT \"select\" || \"MixedCase\" FROM \"Order\"", &["xY"])
        .skip(Dialect::Mysql, "MySQL has no partial indexes")
        .run()
        .await;
}

/// Sixty-three bytes: PostgreSQL's identifier limit, exactly.
const LONG_TABLE: &str = "a_table_name_that_is_exactly_sixty_three_bytes_long_xxxxxxxxxxx";
const LONG_COLUMN: &str = "a_column_name_that_is_exactly_sixty_three_bytes_long_xxxxxxxxxx";
const OTHER_LONG_COLUMN: &str = "another_column_name_of_exactly_sixty_three_bytes_long_xxxxxxxxx";

fn long_table(extra: Vec<schema_runtime::ColumnDef>) -> TableDef {
    let mut columns = vec![
        id(),
        col(LONG_COLUMN, Text)
            .unique()
            .index()
            .check("length(a_column_name_that_is_exactly_sixty_three_bytes_long_xxxxxxxxxx) > 0"),
    ];
    columns.extend(extra);
    table(LONG_TABLE, columns)
}

fn long_child() -> TableDef {
    table(
        "child_with_a_long_reference",
        vec![
            id(),
            col(LONG_COLUMN, BigInt).refs(&format!("{LONG_TABLE}.id")),
        ],
    )
}

#[tokio::test]
async fn sixty_three_byte_names_from_empty() {
    assert_eq!((LONG_TABLE.len(), LONG_COLUMN.len()), (63, 63));
    let b = models(vec![long_table(vec![]), long_child()]);
    scenario("sixty_three_byte_names_from_empty", Schema::default(), b)
        .skip(
            Dialect::Mysql,
            "a key over unbounded text, which MySQL indexes only with a length (refused by name)",
        )
        .run()
        .await;
}

#[tokio::test]
async fn sixty_three_byte_column_added_to_a_table_with_rows() {
    assert_eq!(OTHER_LONG_COLUMN.len(), 63);
    let a = models(vec![long_table(vec![])]);
    let b = models(vec![long_table(vec![col(OTHER_LONG_COLUMN, Integer)
        .null()
        .index()])]);
    scenario("sixty_three_byte_column_added_to_a_table_with_rows", a, b)
        .seed(&format!(
            "INSERT INTO {LONG_TABLE} ({LONG_COLUMN}) VALUES ('kept');"
        ))
        .rows(
            &format!("SELECT {LONG_COLUMN} FROM {LONG_TABLE}"),
            &["kept"],
        )
        .skip(
            Dialect::Mysql,
            "a key over unbounded text, which MySQL indexes only with a length (refused by name)",
        )
        .run()
        .await;
}

fn users() -> TableDef {
    table("users", vec![id(), col("email", Text)])
}

/// A table in a new namespace that references `public`, with an enum type of its own
/// namespace and a mixed-case namespace beside it: the namespaces are created first.
#[tokio::test]
async fn tables_in_new_namespaces_referencing_public() {
    let level = enum_type("audit.level", &["info", "warning"]);
    let events = table(
        "audit.events",
        vec![
            id(),
            col("user_id", BigInt)
                .refs("users.id")
                .on_delete("cascade")
                .index(),
            enum_col("level", &level).default("'info'"),
            col("payload", Jsonb).default("'{}'"),
        ],
    )
    .comment("Who did what.");
    let daily = table(
        "Reporting.Daily Totals",
        vec![
            col("day", Date).pk(),
            col("events", BigInt).default("0").check("events >= 0"),
        ],
    );
    let a = models(vec![users()]);
    let b = models(vec![users(), events, daily]);
    scenario("tables_in_new_namespaces_referencing_public", a, b)
        .seed("INSERT INTO users (email) VALUES ('a@x');")
        .rows("SELECT email FROM users", &["a@x"])
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

/// The namespace exists (it has a table): no `CREATE SCHEMA` is proposed.
#[tokio::test]
async fn another_table_in_an_existing_namespace() {
    let log = table("audit.log", vec![id(), col("line", Text)]);
    let a = models(vec![users(), log.clone()]);
    let b = models(vec![
        users(),
        log,
        table(
            "audit.events",
            vec![id(), col("user_id", BigInt).refs("users.id")],
        ),
    ]);
    scenario("another_table_in_an_existing_namespace", a, b)
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
