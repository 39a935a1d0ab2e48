//! Keys, indexes and constraints, then a realistic multi-op script.

use migrator::Op;
use schema_runtime::schema::ForeignKeyAction::{Cascade, NoAction, Restrict, SetDefault, SetNull};
use schema_runtime::schema::{
    CheckConstraint, ColumnType, ForeignKey, Identity, Index, IndexPart, UniqueConstraint,
};

use super::{col, enum_of, enum_type, fk_to_customers, pk, strings, t, table, ts, Case, ColumnExt};

pub fn cases() -> Vec<Case> {
    let mut cases = keys();
    cases.extend(indexes());
    cases.extend(foreign_keys_and_checks());
    cases.push(feature_script());
    cases
}

fn index(name: &str, parts: Vec<IndexPart>) -> Index {
    Index {
        name: name.into(),
        parts,
        unique: false,
        predicate: None,
        method: None,
        part_options: Vec::new(),
        include: Vec::new(),
        nulls_not_distinct: false,
    }
}

fn column(name: &str) -> IndexPart {
    IndexPart::Column(name.into())
}

fn keys() -> Vec<Case> {
    vec![
        Case {
            name: "add_primary_key_composite",
            base: "CREATE SCHEMA sales;
                   CREATE TABLE sales.lines (order_id bigint NOT NULL, line_no integer NOT NULL);",
            ops: vec![Op::AddPrimaryKey {
                table: ts("sales", "lines"),
                key: pk("pk_lines", &["order_id", "line_no"]),
            }],
        },
        Case {
            name: "drop_primary_key",
            base: "CREATE TABLE customers (id bigint CONSTRAINT pk_customers PRIMARY KEY);",
            ops: vec![Op::DropPrimaryKey {
                table: t("customers"),
                key: pk("pk_customers", &["id"]),
            }],
        },
        Case {
            name: "rename_constraint",
            base: "CREATE SCHEMA sales;
                   CREATE TABLE sales.orders (id bigint CONSTRAINT pk_orders PRIMARY KEY);",
            ops: vec![Op::RenameConstraint {
                table: ts("sales", "orders"),
                from: "pk_orders".into(),
                to: "pk_purchases".into(),
            }],
        },
        Case {
            name: "add_unique",
            base: "CREATE SCHEMA sales;
                   CREATE TABLE sales.orders (customer_id bigint, reference text);",
            ops: vec![Op::AddUnique {
                table: ts("sales", "orders"),
                unique: UniqueConstraint {
                    name: "uq_orders_customer_id_reference".into(),
                    columns: strings(&["customer_id", "reference"]),
                },
            }],
        },
        Case {
            name: "drop_unique",
            base: "CREATE TABLE customers (email text CONSTRAINT uq_customers_email UNIQUE);",
            ops: vec![Op::DropUnique {
                table: t("customers"),
                unique: UniqueConstraint {
                    name: "uq_customers_email".into(),
                    columns: strings(&["email"]),
                },
            }],
        },
    ]
}

fn indexes() -> Vec<Case> {
    vec![
        Case {
            name: "create_index",
            base: "CREATE TABLE customers (email text);",
            ops: vec![Op::CreateIndex {
                table: t("customers"),
                index: index("ix_customers_email", vec![column("email")]),
            }],
        },
        Case {
            // Down drops the index qualified with the table's schema.
            name: "create_unique_index_in_schema",
            base: "CREATE SCHEMA sales;
                   CREATE TABLE sales.orders (customer_id bigint, \"Reference\" text);",
            ops: vec![Op::CreateIndex {
                table: ts("sales", "orders"),
                index: Index {
                    unique: true,
                    ..index(
                        "ix_orders_customer_id_Reference",
                        vec![column("customer_id"), column("Reference")],
                    )
                },
            }],
        },
        Case {
            name: "create_index_gin",
            base: "CREATE TABLE docs (tags jsonb);",
            ops: vec![Op::CreateIndex {
                table: t("docs"),
                index: Index {
                    method: Some("gin".into()),
                    ..index("ix_docs_tags", vec![column("tags")])
                },
            }],
        },
        Case {
            name: "create_index_expression_partial",
            base: "CREATE TABLE customers (email text, tenant_id bigint, deleted_at timestamptz);",
            ops: vec![Op::CreateIndex {
                table: t("customers"),
                index: Index {
                    unique: true,
                    predicate: Some("deleted_at IS NULL".into()),
                    ..index(
                        "ix_customers_tenant_id_lower_email",
                        vec![
                            column("tenant_id"),
                            IndexPart::Expression("lower(email)".into()),
                        ],
                    )
                },
            }],
        },
        Case {
            name: "drop_index_in_schema",
            base: "CREATE SCHEMA sales; CREATE TABLE sales.orders (created_at timestamptz);
                   CREATE INDEX ix_orders_created_at ON sales.orders (created_at);",
            ops: vec![Op::DropIndex {
                table: ts("sales", "orders"),
                index: index("ix_orders_created_at", vec![column("created_at")]),
            }],
        },
        Case {
            name: "drop_index",
            base: "CREATE TABLE customers (email text);
                   CREATE INDEX ix_customers_email ON customers (email);",
            ops: vec![Op::DropIndex {
                table: t("customers"),
                index: index("ix_customers_email", vec![column("email")]),
            }],
        },
        Case {
            name: "rename_index_in_schema",
            base: "CREATE SCHEMA sales; CREATE TABLE sales.orders (placed date);
                   CREATE INDEX ix_orders_shipped ON sales.orders (placed);",
            ops: vec![Op::RenameIndex {
                table: ts("sales", "orders"),
                from: "ix_orders_shipped".into(),
                to: "ix_orders_placed".into(),
            }],
        },
    ]
}

const FK_BASE: &str = "CREATE SCHEMA sales;
    CREATE TABLE customers (id bigint CONSTRAINT pk_customers PRIMARY KEY);
    CREATE TABLE sales.lines (order_id bigint, line_no integer,
                              CONSTRAINT pk_lines PRIMARY KEY (order_id, line_no));
    CREATE TABLE refs (a bigint, b bigint, c bigint, d bigint DEFAULT 0, e bigint, f bigint,
                       order_id bigint, line_no integer);";

fn foreign_keys_and_checks() -> Vec<Case> {
    vec![
        Case {
            name: "add_foreign_key_actions",
            base: FK_BASE,
            ops: foreign_key_actions(),
        },
        Case {
            name: "drop_foreign_key",
            base: "CREATE TABLE customers (id bigint CONSTRAINT pk_customers PRIMARY KEY);
                   CREATE TABLE orders (customer_id bigint);
                   ALTER TABLE orders ADD CONSTRAINT fk_orders_customer_id_customers
                       FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE;",
            ops: vec![Op::DropForeignKey {
                table: t("orders"),
                foreign_key: fk_to_customers(
                    "fk_orders_customer_id_customers",
                    "customer_id",
                    Cascade,
                    NoAction,
                ),
            }],
        },
        Case {
            name: "add_check",
            base: r#"CREATE TABLE orders ("Status" text);"#,
            ops: vec![Op::AddCheck {
                table: t("orders"),
                check: CheckConstraint {
                    name: "ck_orders_status_known".into(),
                    expression: r#""Status" <> 'it''s unknown'"#.into(),
                    not_valid: false,
                },
            }],
        },
        Case {
            name: "drop_check",
            base: "CREATE SCHEMA sales; CREATE TABLE sales.orders (total numeric,
                       CONSTRAINT ck_orders_total_non_negative CHECK (total >= 0));",
            ops: vec![Op::DropCheck {
                table: ts("sales", "orders"),
                check: CheckConstraint {
                    name: "ck_orders_total_non_negative".into(),
                    expression: "total >= (0)::numeric".into(),
                    not_valid: false,
                },
            }],
        },
    ]
}

/// Every referential action on both sides, a deferrable key, and a composite key to a table
/// in another schema.
fn foreign_key_actions() -> Vec<Op> {
    let fks = vec![
        fk_to_customers("fk_refs_a", "a", Cascade, NoAction),
        fk_to_customers("fk_refs_b", "b", Restrict, Restrict),
        fk_to_customers("fk_refs_c", "c", SetNull, Cascade),
        fk_to_customers("fk_refs_d", "d", SetDefault, SetDefault),
        fk_to_customers("fk_refs_e", "e", NoAction, NoAction),
        ForeignKey {
            deferrable: true,
            initially_deferred: true,
            not_valid: false,
            ..fk_to_customers("fk_refs_f", "f", NoAction, SetNull)
        },
        ForeignKey {
            name: "fk_refs_order_id_line_no_lines".into(),
            columns: strings(&["order_id", "line_no"]),
            referenced_table: ts("sales", "lines"),
            referenced_columns: strings(&["order_id", "line_no"]),
            on_delete: Cascade,
            on_update: NoAction,
            deferrable: false,
            initially_deferred: false,
            not_valid: false,
        },
    ];
    fks.into_iter()
        .map(|foreign_key| Op::AddForeignKey {
            table: t("refs"),
            foreign_key,
        })
        .collect()
}

/// What a feature branch typically produces, in diff order: the blank lines between op
/// groups and the reversed `down` are the point.
fn feature_script() -> Case {
    let mut orders = table(
        t("orders"),
        vec![
            col("id", ColumnType::BigInt).identity(Identity::ByDefault),
            col("customer_id", ColumnType::BigInt),
            col("status", enum_of(t("order_status"))).default_sql("'pending'"),
            col("note", ColumnType::Text)
                .null()
                .comment("Free text from the customer"),
        ],
    );
    orders.primary_key = Some(pk("pk_orders", &["id"]));
    orders.comment = Some("A customer order.".into());
    Case {
        name: "feature_script",
        base: "CREATE TABLE customers (id bigint CONSTRAINT pk_customers PRIMARY KEY);",
        ops: vec![
            Op::CreateEnum {
                enum_type: enum_type(
                    t("order_status"),
                    &["pending", "paid", "cancelled"],
                    Some("Where an order is"),
                ),
            },
            Op::CreateTable { table: orders },
            Op::AddForeignKey {
                table: t("orders"),
                foreign_key: fk_to_customers(
                    "fk_orders_customer_id_customers",
                    "customer_id",
                    Cascade,
                    NoAction,
                ),
            },
            Op::CreateIndex {
                table: t("orders"),
                index: index("ix_orders_customer_id", vec![column("customer_id")]),
            },
            Op::AddColumn {
                table: t("customers"),
                column: col("vip", ColumnType::Boolean).default_sql("false"),
            },
        ],
    }
}
