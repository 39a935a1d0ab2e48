//! Columns: add (plain, with every feature, identity), drop, rename.

use migrator::Op;
use schema_runtime::schema::{ColumnType, Identity};

use super::{col, t, ts, varchar, Case, ColumnExt};

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "add_column",
            base: "CREATE TABLE customers (id bigint);",
            ops: vec![Op::AddColumn {
                table: t("customers"),
                column: col("note", ColumnType::Text).null(),
            }],
        },
        Case {
            name: "add_column_with_everything",
            base: "CREATE SCHEMA sales; CREATE TABLE sales.orders (id bigint);",
            ops: vec![Op::AddColumn {
                table: ts("sales", "orders"),
                column: col("code", varchar(20))
                    .collate("C")
                    .default_sql("'n/a'")
                    .comment("Short code; 'n/a' when unknown"),
            }],
        },
        Case {
            name: "add_column_identity",
            base: "CREATE TABLE customers (id bigint); INSERT INTO customers VALUES (1), (2);",
            ops: vec![Op::AddColumn {
                table: t("customers"),
                column: col("seq", ColumnType::BigInt).identity(Identity::Always),
            }],
        },
        Case {
            // The dropped column is the last one, so re-adding it restores the same layout.
            name: "drop_column",
            base: "CREATE TABLE customers (id bigint NOT NULL, name varchar(40));
                   COMMENT ON COLUMN customers.name IS 'Display name';",
            ops: vec![Op::DropColumn {
                table: t("customers"),
                column: col("name", varchar(40)).null().comment("Display name"),
            }],
        },
        Case {
            name: "rename_column",
            base: "CREATE SCHEMA sales; CREATE TABLE sales.customers (name text);",
            ops: vec![Op::RenameColumn {
                table: ts("sales", "customers"),
                from: "name".into(),
                to: "fullName".into(),
            }],
        },
    ]
}
