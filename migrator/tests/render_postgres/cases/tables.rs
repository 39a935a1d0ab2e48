//! Tables: create (every column feature, every type, quoting, long names), drop, rename,
//! comments.

use migrator::Op;
use schema_runtime::schema::{
    CheckConstraint, ColumnType, ForeignKeyAction, Identity, Index, IndexPart, UniqueConstraint,
};

use super::{
    array, col, enum_of, fk_to_customers, pk, strings, t, table, ts, varchar, Case, ColumnExt,
};

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "create_table",
            base: "CREATE TYPE order_status AS ENUM ('pending', 'paid');",
            ops: vec![Op::CreateTable { table: orders() }],
        },
        Case {
            name: "create_table_every_type",
            base: "CREATE SCHEMA sales; CREATE TYPE sales.mood AS ENUM ('ok', 'meh');",
            ops: vec![Op::CreateTable {
                table: every_type(),
            }],
        },
        Case {
            name: "create_table_minimal_in_schema",
            base: "CREATE SCHEMA audit;",
            ops: vec![Op::CreateTable {
                table: table(
                    ts("audit", "events"),
                    vec![col("payload", ColumnType::Jsonb).null()],
                ),
            }],
        },
        Case {
            name: "create_table_quoting",
            base: r#"CREATE SCHEMA "My Schema";"#,
            ops: vec![Op::CreateTable { table: quoting() }],
        },
        Case {
            name: "create_table_63_byte_names",
            base: "",
            ops: long_names(),
        },
        Case {
            name: "drop_table",
            base: "CREATE SCHEMA sales;
                   CREATE TABLE sales.orders (
                       id bigint NOT NULL,
                       reference varchar(40),
                       total numeric(12,2) DEFAULT 0 NOT NULL,
                       CONSTRAINT pk_orders PRIMARY KEY (id),
                       CONSTRAINT uq_orders_reference UNIQUE (reference),
                       CONSTRAINT ck_orders_total_non_negative CHECK (total >= 0)
                   );
                   COMMENT ON TABLE sales.orders IS 'Orders';
                   COMMENT ON COLUMN sales.orders.reference IS 'Their reference';",
            ops: vec![Op::DropTable {
                table: dropped_orders(),
            }],
        },
        Case {
            name: "rename_table",
            base: "CREATE TABLE customers (id bigint);",
            ops: vec![Op::RenameTable {
                from: t("customers"),
                to: t("clients"),
            }],
        },
        Case {
            name: "rename_table_across_schemas",
            base:
                "CREATE SCHEMA sales; CREATE SCHEMA archive; CREATE TABLE sales.orders (id bigint);",
            ops: vec![Op::RenameTable {
                from: ts("sales", "orders"),
                to: ts("archive", "old_orders"),
            }],
        },
        Case {
            // Down moves the table back to the default namespace, which must be named.
            name: "rename_table_schema_only",
            base: "CREATE SCHEMA archive; CREATE TABLE orders (id bigint);",
            ops: vec![Op::RenameTable {
                from: t("orders"),
                to: ts("archive", "orders"),
            }],
        },
        Case {
            name: "set_table_comment",
            base: "CREATE SCHEMA sales; CREATE TABLE sales.orders (id bigint);",
            ops: vec![Op::SetTableComment {
                table: ts("sales", "orders"),
                from: None,
                to: Some("Orders, the customer's \"cart\"".into()),
            }],
        },
        Case {
            name: "clear_table_comment",
            base: "CREATE TABLE customers (id bigint); COMMENT ON TABLE customers IS 'People';",
            ops: vec![Op::SetTableComment {
                table: t("customers"),
                from: Some("People".into()),
                to: None,
            }],
        },
        Case {
            name: "table_comment_with_backslash",
            base: "CREATE TABLE exports (id bigint);",
            ops: vec![Op::SetTableComment {
                table: t("exports"),
                from: None,
                to: Some(r"Written to C:\exports\ by the 'nightly' job".into()),
            }],
        },
    ]
}

/// Every column feature, plus a foreign key and an index that CREATE TABLE must leave out
/// (they are separate ops).
fn orders() -> schema_runtime::schema::Table {
    let mut orders = table(
        t("orders"),
        vec![
            col("id", ColumnType::BigInt).identity(Identity::ByDefault),
            col("customer_id", ColumnType::BigInt),
            col("reference", varchar(40)),
            col("status", enum_of(t("order_status"))).default_sql("'pending'"),
            col(
                "total",
                ColumnType::Numeric {
                    precision: Some(12),
                    scale: Some(2),
                },
            )
            .default_sql("0"),
            col("note", ColumnType::Text)
                .null()
                .comment("Free text, in the customer's words"),
            col("created_at", ColumnType::TimestampTz).default_sql("now()"),
            col("code", ColumnType::Text).null().collate("C"),
        ],
    );
    orders.primary_key = Some(pk("pk_orders", &["id"]));
    orders.uniques = vec![UniqueConstraint {
        name: "uq_orders_customer_id_reference".into(),
        columns: strings(&["customer_id", "reference"]),
    }];
    orders.checks = vec![CheckConstraint {
        name: "ck_orders_total_non_negative".into(),
        expression: "total >= 0".into(),
        not_valid: false,
    }];
    orders.comment = Some("A customer order.".into());
    orders.foreign_keys = vec![fk_to_customers(
        "fk_orders_customer_id_customers",
        "customer_id",
        ForeignKeyAction::Cascade,
        ForeignKeyAction::NoAction,
    )];
    orders.indexes = vec![Index {
        name: "ix_orders_created_at".into(),
        parts: vec![IndexPart::Column("created_at".into())],
        unique: false,
        predicate: None,
        method: None,
        part_options: Vec::new(),
        include: Vec::new(),
        nulls_not_distinct: false,
    }];
    orders
}

fn every_type() -> schema_runtime::schema::Table {
    use ColumnType::*;
    let types = vec![
        ("c_boolean", Boolean),
        ("c_smallint", SmallInt),
        ("c_integer", Integer),
        ("c_bigint", BigInt),
        ("c_real", Real),
        ("c_double", Double),
        (
            "c_numeric",
            Numeric {
                precision: None,
                scale: None,
            },
        ),
        (
            "c_numeric_p",
            Numeric {
                precision: Some(10),
                scale: None,
            },
        ),
        (
            "c_numeric_p_s",
            Numeric {
                precision: Some(12),
                scale: Some(2),
            },
        ),
        ("c_text", Text),
        ("c_varchar", Varchar { length: None }),
        ("c_varchar_n", varchar(255)),
        ("c_char", Char { length: 3 }),
        ("c_bytes", Bytes),
        ("c_uuid", Uuid),
        ("c_date", Date),
        ("c_time", Time),
        ("c_timestamp", Timestamp),
        ("c_timestamptz", TimestampTz),
        ("c_interval", Interval),
        ("c_json", Json),
        ("c_jsonb", Jsonb),
        ("c_integer_array", array(Integer)),
        ("c_text_matrix", array(array(Text))),
        ("c_enum", enum_of(ts("sales", "mood"))),
        ("c_enum_array", array(enum_of(ts("sales", "mood")))),
        ("c_inet", Custom { sql: "inet".into() }),
        (
            "c_tsvector",
            Custom {
                sql: "tsvector".into(),
            },
        ),
    ];
    table(
        ts("sales", "every_type"),
        types
            .into_iter()
            .map(|(name, ty)| col(name, ty).null())
            .collect(),
    )
}

/// Mixed case, reserved words, spaces and embedded quotes in every kind of name.
fn quoting() -> schema_runtime::schema::Table {
    let mut order = table(
        ts("My Schema", "Order"),
        vec![
            col("userId", ColumnType::BigInt),
            col("select", ColumnType::Text).null(),
            col("say \"hi\"", ColumnType::Text)
                .null()
                .comment("it's \"quoted\""),
            col("from", ColumnType::Date).null(),
        ],
    );
    order.primary_key = Some(pk("PK Order", &["userId"]));
    order.checks = vec![CheckConstraint {
        name: "ck \"odd\"".into(),
        expression: "\"select\" <> ''".into(),
        not_valid: false,
    }];
    order.comment = Some("Reserved words & \"quotes\"".into());
    order
}

/// Names at exactly PostgreSQL's 63-byte limit, in ASCII and in two-byte characters.
fn long_names() -> Vec<Op> {
    let table_name = format!("t{}", "a".repeat(62));
    let column = format!("{}x", "é".repeat(31));
    let mut long = table(t(&table_name), vec![col(&column, ColumnType::Integer)]);
    long.primary_key = Some(pk(&format!("pk_{}", "p".repeat(60)), &[&column]));
    vec![
        Op::CreateTable { table: long },
        Op::CreateIndex {
            table: t(&table_name),
            index: Index {
                name: format!("ix_{}", "i".repeat(60)),
                parts: vec![IndexPart::Column(column.clone())],
                unique: false,
                predicate: None,
                method: None,
                part_options: Vec::new(),
                include: Vec::new(),
                nulls_not_distinct: false,
            },
        },
    ]
}

/// The whole table as introspection would report it, so `down` can re-create it.
fn dropped_orders() -> schema_runtime::schema::Table {
    let mut orders = table(
        ts("sales", "orders"),
        vec![
            col("id", ColumnType::BigInt),
            col("reference", varchar(40))
                .null()
                .comment("Their reference"),
            col(
                "total",
                ColumnType::Numeric {
                    precision: Some(12),
                    scale: Some(2),
                },
            )
            .default_sql("0"),
        ],
    );
    orders.primary_key = Some(pk("pk_orders", &["id"]));
    orders.uniques = vec![UniqueConstraint {
        name: "uq_orders_reference".into(),
        columns: strings(&["reference"]),
    }];
    orders.checks = vec![CheckConstraint {
        name: "ck_orders_total_non_negative".into(),
        expression: "total >= (0)::numeric".into(),
        not_valid: false,
    }];
    orders.comment = Some("Orders".into());
    orders
}
