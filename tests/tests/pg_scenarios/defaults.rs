//! Server defaults in every spelling a user may write, set, changed and dropped, on new
//! tables and added columns: after the generated SQL runs, a second comparison finds
//! nothing, whatever the spelling (zero false drift).

use schema_runtime::schema::ColumnType::{self, *};
use schema_runtime::{ColumnDef, EnumType, TableDef};

use migrator::Dialect;

use super::kit::scenario;
use super::models::*;

fn status() -> EnumType {
    enum_type("order_status", &["pending", "paid", "cancelled"])
}

/// (column, type, a spelling of a default, another value for the same column).
fn spellings() -> Vec<(&'static str, ColumnType, &'static str, &'static str)> {
    let status = ColumnType::Enum {
        name: status().name,
    };
    vec![
        ("v", varchar(40), "'x'", "'y'"),
        (
            "v_cast",
            varchar(40),
            "'x'::varchar",
            "'y'::character varying",
        ),
        ("v_typed", varchar(40), "varchar 'x'", "'y'::text"),
        ("num_zero", numeric(12, 2), "0", "1"),
        ("num_zero_point", numeric(12, 2), "0.00", "0.5"),
        (
            "num_cast",
            numeric(12, 2),
            "0::numeric",
            "(1)::numeric(12,2)",
        ),
        ("minus_one", Integer, "-1", "-2"),
        ("minus_paren", Integer, "(-1)", "- 2"),
        ("big_minus", BigInt, "-42", "42"),
        ("small", SmallInt, "1", "'2'"),
        ("flag", Boolean, "true", "false"),
        ("flag_upper", Boolean, "FALSE", "TRUE"),
        ("flag_text", Boolean, "'t'", "'false'::boolean"),
        ("made_now", TimestampTz, "now()", "CURRENT_TIMESTAMP"),
        ("made_current", TimestampTz, "CURRENT_TIMESTAMP", "now()"),
        ("made_upper", TimestampTz, "NOW()", "statement_timestamp()"),
        ("made_local", Timestamp, "now()", "LOCALTIMESTAMP"),
        (
            "made_at_utc",
            Timestamp,
            "(now() AT TIME ZONE 'utc')",
            "now()",
        ),
        ("today", Date, "CURRENT_DATE", "'2024-01-01'"),
        ("doc", Jsonb, "'{}'::jsonb", "'[]'::jsonb"),
        ("doc_plain", Jsonb, "'{}'", "'{\"a\": 1}'"),
        ("doc_json", Json, "'{}'", "'[]'::json"),
        (
            "uid",
            Uuid,
            "gen_random_uuid()",
            "'00000000-0000-0000-0000-000000000000'",
        ),
        (
            "status",
            status.clone(),
            "'pending'",
            "'paid'::order_status",
        ),
        ("history", array(status), "'{}'", "'{paid}'"),
        ("words", array(Text), "ARRAY[]::text[]", "'{a,b}'"),
        ("numbers", array(Integer), "'{}'", "ARRAY[1, 2]"),
        ("label", Text, "'it''s'", "E'back\\\\slash'"),
        ("span", Interval, "'1 day'", "interval '2 hours'"),
        ("ratio", Double, "0.5", "1e3"),
        ("single", Real, "1.5", "'2.5'::real"),
        ("code", Char { length: 3 }, "'abc'", "'x'"),
        ("sum", Integer, "(1 + 2)", "abs(-3)"),
        ("raw", Bytes, "'\\x00'::bytea", "''::bytea"),
    ]
}

/// The spelling table: one column per spelling, with `pick` choosing the default.
fn spelled(pick: impl Fn(&'static str, &'static str) -> Option<&'static str>) -> TableDef {
    let mut columns: Vec<ColumnDef> = vec![id()];
    for (name, ty, first, second) in spellings() {
        let mut column = match &ty {
            ColumnType::Enum { .. } => enum_col(name, &status()),
            ColumnType::Array { element } if matches!(**element, ColumnType::Enum { .. }) => {
                enum_array_col(name, &status())
            }
            _ => col(name, ty),
        };
        column = column.null();
        if let Some(default) = pick(first, second) {
            column = column.default(default);
        }
        columns.push(column);
    }
    table("spelled", columns)
}

#[tokio::test]
async fn create_table_with_every_default_spelling() {
    let b = models(vec![spelled(|first, _| Some(first))]);
    scenario(
        "create_table_with_every_default_spelling",
        schema_runtime::Schema::default(),
        b,
    )
    .skip_all(
        &[Dialect::Mysql, Dialect::Sqlite],
        "an enum array (order_status[]) it has no type for; its own enum scenarios cover the rest",
    )
    .run()
    .await;
}

#[tokio::test]
async fn set_defaults_of_every_spelling() {
    let a = models(vec![spelled(|_, _| None)]);
    let b = models(vec![spelled(|first, _| Some(first))]);
    scenario("set_defaults_of_every_spelling", a, b)
        .seed("INSERT INTO spelled (v) VALUES ('kept');")
        // SET DEFAULT leaves existing rows alone.
        .rows(
            "SELECT v || coalesce(flag::text, '-') FROM spelled",
            &["kept-"],
        )
        .skip_all(&[Dialect::Mysql, Dialect::Sqlite], "an enum array (order_status[]) it has no type for; its own enum scenarios cover the rest")
        .run()
        .await;
}

#[tokio::test]
async fn change_defaults_of_every_spelling() {
    let a = models(vec![spelled(|first, _| Some(first))]);
    let b = models(vec![spelled(|_, second| Some(second))]);
    scenario("change_defaults_of_every_spelling", a, b)
        .skip_all(&[Dialect::Mysql, Dialect::Sqlite], "an enum array (order_status[]) it has no type for; its own enum scenarios cover the rest")
        .run()
        .await;
}

#[tokio::test]
async fn drop_defaults_of_every_spelling() {
    let a = models(vec![spelled(|first, _| Some(first))]);
    let b = models(vec![spelled(|_, _| None)]);
    scenario("drop_defaults_of_every_spelling", a, b)
        .skip_all(&[Dialect::Mysql, Dialect::Sqlite], "an enum array (order_status[]) it has no type for; its own enum scenarios cover the rest")
        .run()
        .await;
}

#[tokio::test]
async fn add_columns_with_every_default_spelling_fills_rows() {
    let a = models(vec![table("spelled", vec![id()])]);
    let mut b = models(vec![spelled(|first, _| Some(first))]);
    // NOT NULL as well: the default is what lets the column be added to a table with rows.
    for column in &mut b.tables[0].columns {
        column.nullable = false;
    }
    scenario("add_columns_with_every_default_spelling_fills_rows", a, b)
        .seed("INSERT INTO spelled DEFAULT VALUES;")
        .rows_after_up(
            "SELECT concat_ws('|', v, num_zero, minus_one, flag, status, label, history, doc) \
             FROM spelled",
            &["x|0.00|-1|t|pending|it's|{}|{}"],
        )
        .rows_after_down("SELECT id::text FROM spelled", &["1"])
        .skip_all(&[Dialect::Mysql, Dialect::Sqlite], "an enum array (order_status[]) it has no type for; its own enum scenarios cover the rest")
        .run()
        .await;
}

/// Another tool (or an older version of the models) wrote the defaults with explicit casts
/// and other spellings; the models' plain spellings mean the same, so nothing is proposed.
#[tokio::test]
async fn equivalent_spellings_in_the_database_are_not_drift() {
    let a = "CREATE TYPE order_status AS ENUM ('pending', 'paid', 'cancelled');
        CREATE TABLE spelled (
            id bigint GENERATED BY DEFAULT AS IDENTITY CONSTRAINT pk_spelled PRIMARY KEY,
            v character varying(40) DEFAULT 'x'::character varying,
            amount numeric(12,2) DEFAULT 0.00,
            flag boolean DEFAULT 'true'::boolean,
            made timestamptz DEFAULT now(),
            doc jsonb DEFAULT '{}',
            status order_status DEFAULT 'pending'::order_status,
            minus integer DEFAULT '-1'::integer
        );";
    let b = models(vec![table(
        "spelled",
        vec![
            id(),
            col("v", varchar(40)).null().default("'x'"),
            col("amount", numeric(12, 2)).null().default("0.00"),
            col("flag", Boolean).null().default("true"),
            col("made", TimestampTz).null().default("NOW()"),
            col("doc", Jsonb).null().default("'{}'::jsonb"),
            enum_col("status", &status()).null().default("'pending'"),
            col("minus", Integer).null().default("-1"),
        ],
    )]);
    let outcome = scenario("equivalent_spellings_in_the_database_are_not_drift", a, b)
        .skip_all(
            &[Dialect::Mysql, Dialect::Sqlite],
            "A is written in PostgreSQL's spellings, which is the point",
        )
        .run()
        .await;
    assert!(outcome.ops.is_empty());
}
