//! Primary keys, uniques, checks, indexes and foreign keys.

use schema_runtime::schema::{ForeignKeyAction, IndexPart};

use super::*;

fn t(columns: Vec<Column>) -> Table {
    table("t", columns)
}

#[test]
fn add_primary_key_after_making_its_column_not_null() {
    let from = schema(vec![t(vec![bigint("id").null()])]);
    let to = schema(vec![t(vec![bigint("id")]).pk(&["id"])]);
    assert_ops(
        &from,
        &to,
        &[
            "alter column t.id (nullability)",
            "add primary key pk_t on t",
        ],
    );
}

#[test]
fn drop_primary_key_before_allowing_null() {
    let from = schema(vec![t(vec![bigint("id")]).pk(&["id"])]);
    let to = schema(vec![t(vec![bigint("id").null()])]);
    assert_ops(
        &from,
        &to,
        &[
            "drop primary key pk_t on t",
            "alter column t.id (nullability)",
        ],
    );
}

#[test]
fn changed_composite_primary_key_is_dropped_and_added() {
    let lines = |key: &[&str]| {
        table(
            "order_lines",
            vec![bigint("order_id"), int("line_no"), int("qty")],
        )
        .pk(key)
    };
    assert_ops(
        &schema(vec![lines(&["order_id"])]),
        &schema(vec![lines(&["order_id", "line_no"])]),
        &[
            "drop primary key pk_order_lines on order_lines",
            "add primary key pk_order_lines on order_lines",
        ],
    );
}

#[test]
fn changing_a_referenced_key_drops_and_restores_its_foreign_keys() {
    let parent = |key: &[&str]| table("parent", vec![bigint("id"), int("tenant")]).pk(key);
    let child = |cols: &[&str]| {
        table(
            "child",
            vec![bigint("id"), bigint("parent_id"), int("tenant")],
        )
        .pk(&["id"])
        .fk("fk_child_parent", cols, "parent", &["id"])
    };
    // The key moves from (id) to (id, tenant), but a unique keeps (id) referencable.
    let from = schema(vec![parent(&["id"]), child(&["parent_id"])]);
    let to = schema(vec![
        parent(&["id", "tenant"]).unique("uq_parent_id", &["id"]),
        child(&["parent_id"]),
    ]);
    assert_ops(
        &from,
        &to,
        &[
            "drop foreign key fk_child_parent on child",
            "drop primary key pk_parent on parent",
            "add primary key pk_parent on parent",
            "add unique constraint uq_parent_id on parent",
            "add foreign key fk_child_parent on child",
        ],
    );
}

#[test]
fn composite_foreign_key() {
    let parent = table("parent", vec![bigint("id"), int("tenant")]).pk(&["id", "tenant"]);
    let child = table("child", vec![bigint("parent_id"), int("tenant")]).fk(
        "fk_child_parent",
        &["parent_id", "tenant"],
        "parent",
        &["id", "tenant"],
    );
    let bare_child = table("child", vec![bigint("parent_id"), int("tenant")]);
    assert_ops(
        &schema(vec![parent.clone(), bare_child]),
        &schema(vec![parent, child]),
        &["add foreign key fk_child_parent on child"],
    );
}

#[test]
fn primary_key_rename() {
    let from = schema(vec![t(vec![bigint("id")]).pk_named("t_pkey", &["id"])]);
    let to = schema(vec![t(vec![bigint("id")]).pk(&["id"])]);
    assert_ops(&from, &to, &["rename constraint t_pkey to pk_t on t"]);
    // MySQL and SQLite do not keep the name: nothing to do.
    for dialect in [Dialect::Mysql, Dialect::Sqlite] {
        assert!(check_with(&from, &to, &on(dialect), false).is_empty());
    }
}

#[test]
fn uniques_added_dropped_changed() {
    let from = schema(vec![t(vec![int("a"), int("b")])
        .unique("uq_a", &["a"])
        .unique("uq_gone", &["b"])]);
    let to = schema(vec![t(vec![int("a"), int("b")])
        .unique("uq_a", &["a", "b"])
        .unique("uq_new", &["a"])]);
    assert_ops(
        &from,
        &to,
        &[
            "drop unique constraint uq_a on t",
            "drop unique constraint uq_gone on t",
            "add unique constraint uq_a on t",
            "add unique constraint uq_new on t",
        ],
    );
}

#[test]
fn unique_renamed_in_place_on_postgres_only() {
    let from = schema(vec![t(vec![int("a")]).unique("t_a_key", &["a"])]);
    let to = schema(vec![t(vec![int("a")]).unique("uq_t_a", &["a"])]);
    assert_ops(&from, &to, &["rename constraint t_a_key to uq_t_a on t"]);
    let ops = check_with(&from, &to, &on(Dialect::Mysql), true);
    assert_eq!(
        describe(&ops),
        [
            "drop unique constraint t_a_key on t",
            "add unique constraint uq_t_a on t"
        ]
    );
}

#[test]
fn checks_added_dropped_changed_renamed() {
    let from = schema(vec![t(vec![int("a")])
        .check("ck_positive", "a > 0")
        .check("ck_small", "a < 10")
        .check("t_a_check", "a <> 5")]);
    let to = schema(vec![t(vec![int("a")])
        .check("ck_positive", "a >= 0")
        .check("ck_t_not_five", "a <> 5")
        .check("ck_wide", "a < 100")]);
    assert_ops(
        &from,
        &to,
        &[
            "drop check constraint ck_positive on t",
            "drop check constraint ck_small on t",
            "rename constraint t_a_check to ck_t_not_five on t",
            "add check constraint ck_positive on t",
            "add check constraint ck_wide on t",
        ],
    );
}

#[test]
fn indexes_added_dropped_changed() {
    let from = schema(vec![t(vec![int("a"), int("b")])
        .index("ix_a", &["a"])
        .index("ix_b", &["b"])]);
    let mut unique_a = index("ix_a", &["a"]);
    unique_a.unique = true;
    let to = schema(vec![t(vec![int("a"), int("b")])
        .index_with(unique_a)
        .index("ix_ab", &["a", "b"])]);
    assert_ops(
        &from,
        &to,
        &[
            "drop index ix_a on t",
            "drop index ix_b on t",
            "create index ix_a on t",
            "create index ix_ab on t",
        ],
    );
}

#[test]
fn index_renamed_where_the_dialect_can() {
    let from = schema(vec![t(vec![int("a")]).index("t_a_idx", &["a"])]);
    let to = schema(vec![t(vec![int("a")]).index("ix_t_a", &["a"])]);
    assert_ops(&from, &to, &["rename index t_a_idx to ix_t_a on t"]);
    let ops = check_with(&from, &to, &on(Dialect::Mysql), true);
    assert_eq!(describe(&ops), ["rename index t_a_idx to ix_t_a on t"]);
    let ops = check_with(&from, &to, &on(Dialect::Sqlite), true);
    assert_eq!(
        describe(&ops),
        ["drop index t_a_idx on t", "create index ix_t_a on t"]
    );
}

#[test]
fn partial_index_predicate_method_and_expressions_count() {
    let base = index("ix_a", &["a"]);
    let mut partial = base.clone();
    partial.predicate = Some("a > 0".into());
    let mut gin = base.clone();
    gin.method = Some("gin".into());
    let mut expression = base.clone();
    expression.parts = vec![IndexPart::Expression("lower(a)".into())];
    let with = |i: Index| schema(vec![t(vec![text("a")]).index_with(i)]);
    for changed in [partial, gin, expression] {
        assert_ops(
            &with(base.clone()),
            &with(changed),
            &["drop index ix_a on t", "create index ix_a on t"],
        );
    }
}

#[test]
fn same_definition_under_a_new_name_pairs_one_to_one() {
    let from = schema(vec![t(vec![int("a")])
        .index("old_1", &["a"])
        .index("old_2", &["a"])]);
    let to = schema(vec![t(vec![int("a")]).index("new_1", &["a"])]);
    assert_ops(
        &from,
        &to,
        &["drop index old_2 on t", "rename index old_1 to new_1 on t"],
    );
}

#[test]
fn foreign_key_action_change_is_drop_and_add() {
    let mut cascade = fk("fk_orders_user_id_users", &["user_id"], "users", &["id"]);
    cascade.on_delete = ForeignKeyAction::Cascade;
    let mut to_orders = orders();
    to_orders.foreign_keys = vec![cascade];
    assert_ops(
        &schema(vec![users(), orders()]),
        &schema(vec![users(), to_orders]),
        &[
            "drop foreign key fk_orders_user_id_users on orders",
            "add foreign key fk_orders_user_id_users on orders",
        ],
    );
}

#[test]
fn foreign_key_renamed() {
    let mut to_orders = orders();
    to_orders.foreign_keys = vec![fk("orders_user_id_fkey", &["user_id"], "users", &["id"])];
    assert_ops(
        &schema(vec![users(), orders()]),
        &schema(vec![users(), to_orders.clone()]),
        &["rename constraint fk_orders_user_id_users to orders_user_id_fkey on orders"],
    );
    let ops = check_with(
        &schema(vec![users(), orders()]),
        &schema(vec![users(), to_orders]),
        &on(Dialect::Sqlite),
        true,
    );
    assert_eq!(
        describe(&ops),
        [
            "drop foreign key fk_orders_user_id_users on orders",
            "add foreign key orders_user_id_fkey on orders"
        ]
    );
}

#[test]
fn dropped_unique_index_behind_a_foreign_key_takes_the_key_along() {
    let mut key = index("ux_users_email", &["email"]);
    key.unique = true;
    let mut renamed = key.clone();
    renamed.name = "ix_users_email".into();
    let users_with = |i: Index| table("users", vec![bigint("id"), text("email")]).index_with(i);
    let sessions = table("sessions", vec![text("email")]).fk(
        "fk_sessions_email",
        &["email"],
        "users",
        &["email"],
    );
    let from = schema(vec![users_with(key), sessions.clone()]);
    let to = schema(vec![users_with(renamed), sessions]);
    // SQLite cannot rename the index: drop + create, with the foreign key out of the way.
    let ops = check_with(&from, &to, &on(Dialect::Sqlite), true);
    assert_eq!(
        describe(&ops),
        [
            "drop foreign key fk_sessions_email on sessions",
            "drop index ux_users_email on users",
            "create index ix_users_email on users",
            "add foreign key fk_sessions_email on sessions",
        ]
    );
    // PostgreSQL renames it and leaves the foreign key alone.
    assert_ops(
        &from,
        &to,
        &["rename index ux_users_email to ix_users_email on users"],
    );
}

#[test]
fn foreign_key_to_a_dropped_table_goes_first() {
    let from = schema(vec![users(), orders()]);
    let to = schema(vec![table("orders", orders().columns)
        .pk(&["id"])
        .index("ix_orders_user_id", &["user_id"])]);
    assert_ops(
        &from,
        &to,
        &[
            "drop foreign key fk_orders_user_id_users on orders",
            "drop table users",
        ],
    );
}

#[test]
fn foreign_key_across_a_table_rename_and_a_retype() {
    // users is renamed and its key widened: the foreign key is dropped under the old
    // names before the rename, and added under the new ones at the end.
    let from = schema(vec![
        table("users", vec![int("id")]).pk_named("pk_u", &["id"]),
        table("orders", vec![int("user_id")]).fk("fk_o_u", &["user_id"], "users", &["id"]),
    ]);
    let to = schema(vec![
        table("people", vec![bigint("id")])
            .pk_named("pk_u", &["id"])
            .was("users"),
        table("orders", vec![int("user_id")]).fk("fk_o_u", &["user_id"], "people", &["id"]),
    ]);
    let ops = check_with(&from, &to, &DiffOptions::default(), true);
    assert_eq!(
        describe(&ops),
        [
            "drop foreign key fk_o_u on orders",
            "rename table users to people",
            "alter column people.id (type)",
            "add foreign key fk_o_u on orders",
        ]
    );
    let Op::DropForeignKey { foreign_key, .. } = &ops[0] else {
        panic!("a drop first");
    };
    assert_eq!(foreign_key.referenced_table.name, "users");
}

#[test]
fn a_name_passed_on_is_freed_before_it_is_taken() {
    let from = schema(vec![t(vec![int("a"), int("b")])
        .unique("baz", &["a"])
        .index("foo", &["b"])]);
    let to = schema(vec![t(vec![int("a"), int("b")])
        .unique("foo", &["a"])
        .index("bar", &["b"])]);
    assert_ops(
        &from,
        &to,
        &[
            "rename index foo to bar on t",
            "rename constraint baz to foo on t",
        ],
    );
}
