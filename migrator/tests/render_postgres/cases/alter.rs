//! `AlterColumn`: each aspect alone (its `down` is the opposite change), then combinations
//! whose statement order matters.

use schema_runtime::schema::{ColumnType, Identity};

use super::{alter, array, col, enum_of, t, ts, varchar, Case, ColumnExt};

pub fn cases() -> Vec<Case> {
    let mut cases = types();
    cases.extend(nullability_and_defaults());
    cases.extend(identity());
    cases.extend(collation_and_comments());
    cases
}

fn types() -> Vec<Case> {
    vec![
        Case {
            name: "alter_type_integer_to_bigint",
            base: "CREATE TABLE items (qty integer NOT NULL); INSERT INTO items VALUES (5);",
            ops: vec![alter(
                t("items"),
                col("qty", ColumnType::Integer),
                col("qty", ColumnType::BigInt),
            )],
        },
        Case {
            name: "alter_type_varchar_longer",
            base: "CREATE SCHEMA sales; CREATE TABLE sales.items (label varchar(40));",
            ops: vec![alter(
                ts("sales", "items"),
                col("label", varchar(40)).null(),
                col("label", varchar(100)).null(),
            )],
        },
        Case {
            name: "alter_type_varchar_to_text",
            base: "CREATE TABLE items (label varchar(40));",
            ops: vec![alter(
                t("items"),
                col("label", varchar(40)).null(),
                col("label", ColumnType::Text).null(),
            )],
        },
        Case {
            name: "alter_type_text_to_integer",
            base: "CREATE TABLE items (code text NOT NULL); INSERT INTO items VALUES ('42');",
            ops: vec![alter(
                t("items"),
                col("code", ColumnType::Text),
                col("code", ColumnType::Integer),
            )],
        },
        Case {
            name: "alter_type_varchar_to_enum_with_default",
            base: "CREATE TYPE order_status AS ENUM ('pending', 'paid');
                   CREATE TABLE orders (status varchar(20) NOT NULL DEFAULT 'pending');
                   INSERT INTO orders VALUES ('paid');",
            ops: vec![alter(
                t("orders"),
                col("status", varchar(20)).default_sql("'pending'::character varying"),
                col("status", enum_of(t("order_status"))).default_sql("'pending'::order_status"),
            )],
        },
        Case {
            // Distinct enum types have no cast between them: the values go through text.
            name: "alter_type_enum_to_other_enum",
            base: "CREATE TYPE order_status AS ENUM ('pending', 'paid');
                   CREATE TYPE payment_state AS ENUM ('pending', 'paid', 'refunded');
                   CREATE TABLE orders (state order_status[], status order_status);
                   INSERT INTO orders VALUES ('{paid}', 'paid');",
            ops: vec![
                alter(
                    t("orders"),
                    col("state", array(enum_of(t("order_status")))).null(),
                    col("state", array(enum_of(t("payment_state")))).null(),
                ),
                alter(
                    t("orders"),
                    col("status", enum_of(t("order_status"))).null(),
                    col("status", enum_of(t("payment_state"))).null(),
                ),
            ],
        },
        Case {
            // The default did not change, but it is dropped and set again around the type
            // change, which might not be able to convert it.
            name: "alter_type_keeps_default",
            base: "CREATE TABLE items (qty integer NOT NULL DEFAULT 0);",
            ops: vec![alter(
                t("items"),
                col("qty", ColumnType::Integer).default_sql("0"),
                col("qty", ColumnType::BigInt).default_sql("0"),
            )],
        },
        Case {
            name: "alter_type_arrays",
            base: "CREATE TABLE items (ids integer[], tags text[]);",
            ops: vec![
                alter(
                    t("items"),
                    col("ids", array(ColumnType::Integer)).null(),
                    col("ids", array(ColumnType::BigInt)).null(),
                ),
                alter(
                    t("items"),
                    col("tags", array(ColumnType::Text)).null(),
                    col("tags", array(ColumnType::Integer)).null(),
                ),
            ],
        },
    ]
}

fn nullability_and_defaults() -> Vec<Case> {
    vec![
        Case {
            name: "alter_set_not_null",
            base: "CREATE TABLE items (note text);",
            ops: vec![alter(
                t("items"),
                col("note", ColumnType::Text).null(),
                col("note", ColumnType::Text),
            )],
        },
        Case {
            name: "alter_set_default",
            base: "CREATE TABLE items (created_at timestamptz NOT NULL);",
            ops: vec![alter(
                t("items"),
                col("created_at", ColumnType::TimestampTz),
                col("created_at", ColumnType::TimestampTz).default_sql("now()"),
            )],
        },
        Case {
            name: "alter_change_default",
            base: "CREATE SCHEMA sales; CREATE TABLE sales.items (state text DEFAULT 'new');",
            ops: vec![alter(
                ts("sales", "items"),
                col("state", ColumnType::Text)
                    .null()
                    .default_sql("'new'::text"),
                col("state", ColumnType::Text)
                    .null()
                    .default_sql("'draft'::text"),
            )],
        },
    ]
}

fn identity() -> Vec<Case> {
    vec![
        Case {
            name: "alter_add_identity",
            base: "CREATE TABLE items (id integer NOT NULL);",
            ops: vec![alter(
                t("items"),
                col("id", ColumnType::Integer),
                col("id", ColumnType::Integer).identity(Identity::ByDefault),
            )],
        },
        Case {
            // SET NOT NULL must come before ADD GENERATED; down drops the identity first.
            name: "alter_add_identity_to_nullable_column",
            base: "CREATE TABLE items (id integer);",
            ops: vec![alter(
                t("items"),
                col("id", ColumnType::Integer).null(),
                col("id", ColumnType::Integer).identity(Identity::Always),
            )],
        },
        Case {
            name: "alter_identity_generation",
            base: "CREATE TABLE items (id bigint GENERATED BY DEFAULT AS IDENTITY);",
            ops: vec![alter(
                t("items"),
                col("id", ColumnType::BigInt).identity(Identity::ByDefault),
                col("id", ColumnType::BigInt).identity(Identity::Always),
            )],
        },
        Case {
            // An identity column cannot keep a default: the default goes first.
            name: "alter_default_to_identity",
            base: "CREATE TABLE items (id integer NOT NULL DEFAULT 0);",
            ops: vec![alter(
                t("items"),
                col("id", ColumnType::Integer).default_sql("0"),
                col("id", ColumnType::Integer).identity(Identity::ByDefault),
            )],
        },
        Case {
            name: "alter_type_and_identity",
            base: "CREATE SCHEMA sales;
                   CREATE TABLE sales.items (id integer GENERATED BY DEFAULT AS IDENTITY);",
            ops: vec![alter(
                ts("sales", "items"),
                col("id", ColumnType::Integer).identity(Identity::ByDefault),
                col("id", ColumnType::BigInt).identity(Identity::Always),
            )],
        },
    ]
}

fn collation_and_comments() -> Vec<Case> {
    vec![
        Case {
            name: "alter_set_collation",
            base: "CREATE TABLE items (name text NOT NULL);",
            ops: vec![alter(
                t("items"),
                col("name", ColumnType::Text),
                col("name", ColumnType::Text).collate("C"),
            )],
        },
        Case {
            name: "alter_change_collation",
            base: r#"CREATE TABLE items (name varchar(40) COLLATE "C");"#,
            ops: vec![alter(
                t("items"),
                col("name", varchar(40)).null().collate("C"),
                col("name", varchar(40)).null().collate("POSIX"),
            )],
        },
        Case {
            name: "alter_comment",
            base: "CREATE TABLE customers (email text);",
            ops: vec![alter(
                t("customers"),
                col("email", ColumnType::Text).null(),
                col("email", ColumnType::Text)
                    .null()
                    .comment("The customer's \"primary\" e-mail"),
            )],
        },
        Case {
            name: "alter_everything",
            base: "CREATE SCHEMA sales; CREATE TABLE sales.items (label varchar(20));",
            ops: vec![alter(
                ts("sales", "items"),
                col("label", varchar(20)).null(),
                col("label", ColumnType::Text)
                    .collate("C")
                    .default_sql("'untitled'::text")
                    .comment("Shown in lists"),
            )],
        },
    ]
}
