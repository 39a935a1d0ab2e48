//! Enum types: create, drop, add a value, replace the value list, comments.

use migrator::change::EnumColumn;
use migrator::Op;

use super::{array, col, enum_of, enum_type, strings, t, ts, Case, ColumnExt};

const ORDER_STATUS: &str = "CREATE TYPE order_status AS ENUM ('pending', 'paid');";

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "create_enum",
            base: "",
            ops: vec![Op::CreateEnum {
                enum_type: enum_type(
                    t("order_state"),
                    &["new", "won't ship"],
                    Some("Where an order is: \"new\" or it's done"),
                ),
            }],
        },
        Case {
            name: "create_enum_in_schema",
            base: "CREATE SCHEMA sales;",
            ops: vec![Op::CreateEnum {
                enum_type: enum_type(ts("sales", "priority"), &["low", "high"], None),
            }],
        },
        Case {
            name: "drop_enum",
            base: "CREATE TYPE order_status AS ENUM ('pending', 'paid');
                   COMMENT ON TYPE order_status IS 'Order lifecycle';",
            ops: vec![Op::DropEnum {
                enum_type: enum_type(
                    t("order_status"),
                    &["pending", "paid"],
                    Some("Order lifecycle"),
                ),
            }],
        },
        Case {
            name: "add_enum_value",
            base: ORDER_STATUS,
            ops: vec![Op::AddEnumValue {
                name: t("order_status"),
                value: "refunded".into(),
                before: None,
            }],
        },
        Case {
            name: "add_enum_value_before_in_schema",
            base: "CREATE SCHEMA sales; CREATE TYPE sales.priority AS ENUM ('low', 'high');",
            ops: vec![Op::AddEnumValue {
                name: ts("sales", "priority"),
                value: "medium".into(),
                before: Some("high".into()),
            }],
        },
        Case {
            // The irreversible comment must keep the newline from ending the comment.
            name: "add_enum_value_with_odd_text",
            base: r#"CREATE TYPE "Order ""Status""" AS ENUM ('a');"#,
            ops: vec![Op::AddEnumValue {
                name: t("Order \"Status\""),
                value: "it's\nnew".into(),
                before: None,
            }],
        },
        Case {
            name: "replace_enum_values",
            base: "CREATE SCHEMA sales;
                   CREATE TYPE order_status AS ENUM ('pending', 'paid', 'cancelled');
                   CREATE TABLE sales.orders (
                       id bigint PRIMARY KEY,
                       status order_status NOT NULL DEFAULT 'pending',
                       history order_status[]
                   );
                   INSERT INTO sales.orders VALUES
                       (1, 'pending', '{pending,cancelled}'), (2, 'cancelled', NULL);",
            ops: vec![Op::ReplaceEnumValues {
                name: t("order_status"),
                from: strings(&["pending", "paid", "cancelled"]),
                to: strings(&["cancelled", "pending"]),
                columns: vec![
                    EnumColumn {
                        table: ts("sales", "orders"),
                        column: col("status", enum_of(t("order_status")))
                            .default_sql("'pending'::order_status"),
                    },
                    EnumColumn {
                        table: ts("sales", "orders"),
                        column: col("history", array(enum_of(t("order_status")))).null(),
                    },
                ],
            }],
        },
        Case {
            name: "set_enum_comment",
            base: ORDER_STATUS,
            ops: vec![Op::SetEnumComment {
                name: t("order_status"),
                from: None,
                to: Some("The order's \"state\"".into()),
            }],
        },
        Case {
            name: "clear_enum_comment",
            base: "CREATE SCHEMA sales; CREATE TYPE sales.priority AS ENUM ('low');
                   COMMENT ON TYPE sales.priority IS 'How urgent';",
            ops: vec![Op::SetEnumComment {
                name: ts("sales", "priority"),
                from: Some("How urgent".into()),
                to: None,
            }],
        },
    ]
}
