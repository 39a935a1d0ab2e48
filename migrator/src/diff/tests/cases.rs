//! Tables, columns, renames, namespaces and ordering.

use schema_runtime::schema::{ColumnType, Identity, QualifiedName, Schema};

use super::*;
use crate::change::ColumnChanges;

fn rich() -> Schema {
    schema_with(
        vec![enum_type("mood", &["happy", "sad"])],
        vec![
            users().comment("people"),
            orders()
                .check("ck_orders_total", "total >= 0")
                .unique("uq_orders_user_total", &["user_id", "total"]),
            table(
                "billing.invoices",
                vec![bigint("id"), enum_of("mood", "mood").null()],
            )
            .pk(&["id"]),
        ],
    )
}

#[test]
fn identical_schemas_give_no_ops() {
    assert_ops(&rich(), &rich(), &[]);
    assert_ops(&Schema::default(), &Schema::default(), &[]);
}

#[test]
fn shuffled_identical_schemas_give_no_ops() {
    assert_ops(&rich(), &shuffled(&rich()), &[]);
}

#[test]
fn diff_is_deterministic_on_a_large_change() {
    let from = rich();
    let to = schema(vec![
        users().pk_named("users_pkey", &["id"]),
        table("tags", vec![bigint("id"), text("label")]).pk(&["id"]),
    ]);
    let first = check(&from, &to);
    for _ in 0..3 {
        assert_eq!(check(&shuffled(&from), &shuffled(&to)), first);
    }
}

#[test]
fn create_table_then_its_index_and_foreign_key() {
    let from = schema(vec![users()]);
    let to = schema(vec![users(), orders()]);
    assert_ops(
        &from,
        &to,
        &[
            "create table orders",
            "create index ix_orders_user_id on orders",
            "add foreign key fk_orders_user_id_users on orders",
        ],
    );
}

#[test]
fn created_table_carries_no_index_or_foreign_key() {
    let ops = check_with(
        &schema(vec![users()]),
        &schema(vec![users(), orders()]),
        &DiffOptions::default(),
        true,
    );
    let Op::CreateTable { table } = &ops[0] else {
        panic!("expected a create table first");
    };
    assert!(table.indexes.is_empty() && table.foreign_keys.is_empty());
    assert!(table.primary_key.is_some());
}

#[test]
fn drop_table_drops_its_foreign_keys_and_indexes_first() {
    let from = schema(vec![users(), orders()]);
    let to = schema(vec![users()]);
    assert_ops(
        &from,
        &to,
        &[
            "drop foreign key fk_orders_user_id_users on orders",
            "drop index ix_orders_user_id on orders",
            "drop table orders",
        ],
    );
}

#[test]
fn dropped_tables_go_referencing_first() {
    let from = schema(vec![users(), orders()]);
    assert_ops(
        &from,
        &Schema::default(),
        &[
            "drop foreign key fk_orders_user_id_users on orders",
            "drop index ix_orders_user_id on orders",
            "drop table orders",
            "drop table users",
        ],
    );
}

#[test]
fn created_tables_follow_foreign_key_order() {
    // a -> b -> c: the names sort the other way round from the order that reads well.
    let to = schema(vec![
        table("a", vec![bigint("id"), bigint("b_id")])
            .pk(&["id"])
            .fk("fk_a_b", &["b_id"], "b", &["id"]),
        table("b", vec![bigint("id"), bigint("c_id")])
            .pk(&["id"])
            .fk("fk_b_c", &["c_id"], "c", &["id"]),
        table("c", vec![bigint("id")]).pk(&["id"]),
    ]);
    assert_ops(
        &Schema::default(),
        &to,
        &[
            "create table c",
            "create table b",
            "create table a",
            "add foreign key fk_a_b on a",
            "add foreign key fk_b_c on b",
        ],
    );
}

#[test]
fn reference_cycle_creates_both_tables_before_either_foreign_key() {
    let to = schema(vec![
        table("teams", vec![bigint("id"), bigint("captain_id").null()])
            .pk(&["id"])
            .fk("fk_teams_captain", &["captain_id"], "players", &["id"]),
        table("players", vec![bigint("id"), bigint("team_id")])
            .pk(&["id"])
            .fk("fk_players_team", &["team_id"], "teams", &["id"]),
    ]);
    assert_ops(
        &Schema::default(),
        &to,
        &[
            "create table players",
            "create table teams",
            "add foreign key fk_players_team on players",
            "add foreign key fk_teams_captain on teams",
        ],
    );
    // And back: both foreign keys go before either table.
    assert_ops(
        &to,
        &Schema::default(),
        &[
            "drop foreign key fk_players_team on players",
            "drop foreign key fk_teams_captain on teams",
            "drop table teams",
            "drop table players",
        ],
    );
}

#[test]
fn self_reference_is_added_after_its_table() {
    let categories = table("categories", vec![bigint("id"), bigint("parent_id").null()])
        .pk(&["id"])
        .fk(
            "fk_categories_parent",
            &["parent_id"],
            "categories",
            &["id"],
        );
    assert_ops(
        &Schema::default(),
        &schema(vec![categories.clone()]),
        &[
            "create table categories",
            "add foreign key fk_categories_parent on categories",
        ],
    );
    assert_ops(
        &schema(vec![categories]),
        &Schema::default(),
        &[
            "drop foreign key fk_categories_parent on categories",
            "drop table categories",
        ],
    );
}

#[test]
fn add_columns() {
    let from = schema(vec![users()]);
    let mut wider = users();
    wider.columns.push(text("nickname").null());
    wider.columns.push(int("karma").default_sql("0"));
    assert_ops(
        &from,
        &schema(vec![wider]),
        &["add column users.nickname", "add column users.karma"],
    );
}

#[test]
fn drop_column_after_what_uses_it() {
    let from = schema(vec![users(), orders()]);
    let narrower = table("orders", vec![bigint("id"), int("total")]).pk(&["id"]);
    assert_ops(
        &from,
        &schema(vec![users(), narrower]),
        &[
            "drop foreign key fk_orders_user_id_users on orders",
            "drop index ix_orders_user_id on orders",
            "drop column orders.user_id",
        ],
    );
}

#[test]
fn alter_column_type() {
    let from = schema(vec![table("t", vec![int("n")])]);
    let to = schema(vec![table("t", vec![bigint("n")])]);
    assert_ops(&from, &to, &["alter column t.n (type)"]);
}

#[test]
fn alter_column_reports_every_attribute_in_one_op() {
    let from = schema(vec![table("t", vec![int("n"), text("s")])]);
    let to = schema(vec![table(
        "t",
        vec![
            int("n").null().default_sql("1").comment("count"),
            text("s").collate("C"),
        ],
    )]);
    assert_ops(
        &from,
        &to,
        &[
            "alter column t.n (nullability, default, comment)",
            "alter column t.s (collation)",
        ],
    );
}

#[test]
fn identity_change_is_one_flag() {
    let from = schema(vec![table("t", vec![bigint("id")]).pk(&["id"])]);
    let to = schema(vec![table("t", vec![bigint("id").identity()]).pk(&["id"])]);
    let ops = check_with(&from, &to, &DiffOptions::default(), true);
    let [Op::AlterColumn { changes, to, .. }] = ops.as_slice() else {
        panic!("one alter expected: {:?}", describe(&ops));
    };
    assert_eq!(*changes, ColumnChanges::IDENTITY);
    assert_eq!(to.identity, Some(Identity::ByDefault));
}

#[test]
fn numeric_precision_is_compared_exactly() {
    let numeric = |p: Option<u32>, s: Option<u32>| ColumnType::Numeric {
        precision: p,
        scale: s,
    };
    let from = schema(vec![table("t", vec![col("x", numeric(Some(12), Some(2)))])]);
    let same = schema(vec![table("t", vec![col("x", numeric(Some(12), Some(2)))])]);
    let open = schema(vec![table("t", vec![col("x", numeric(None, None))])]);
    assert_ops(&from, &same, &[]);
    assert_ops(&from, &open, &["alter column t.x (type)"]);
}

#[test]
fn varchar_without_length_is_not_text() {
    let from = schema(vec![table(
        "t",
        vec![col("x", ColumnType::Varchar { length: None })],
    )]);
    assert_ops(
        &from,
        &schema(vec![table("t", vec![text("x")])]),
        &["alter column t.x (type)"],
    );
}

#[test]
fn rename_hints_alone_are_no_drift() {
    let from = schema(vec![users()]);
    let mut hinted = users().was("people");
    hinted.columns[1] = text("email").was("mail");
    assert_ops(&from, &schema(vec![hinted]), &[]);
}

#[test]
fn retyping_a_referenced_key_drops_and_restores_the_foreign_key() {
    let from = schema(vec![
        table("users", vec![int("id")]).pk(&["id"]),
        table("orders", vec![int("id"), int("user_id")])
            .pk(&["id"])
            .fk("fk_orders_users", &["user_id"], "users", &["id"]),
    ]);
    let to = schema(vec![
        table("users", vec![bigint("id")]).pk(&["id"]),
        table("orders", vec![int("id"), bigint("user_id")])
            .pk(&["id"])
            .fk("fk_orders_users", &["user_id"], "users", &["id"]),
    ]);
    assert_ops(
        &from,
        &to,
        &[
            "drop foreign key fk_orders_users on orders",
            "alter column orders.user_id (type)",
            "alter column users.id (type)",
            "add foreign key fk_orders_users on orders",
        ],
    );
}

#[test]
fn rename_table() {
    let from = schema(vec![users()]);
    let to = schema(vec![table("people", users().columns)
        .pk_named("pk_users", &["id"])
        .unique("uq_users_email", &["email"])
        .was("users")]);
    assert_ops(&from, &to, &["rename table users to people"]);
}

#[test]
fn rename_table_renames_generated_constraint_names_in_place() {
    let from = schema(vec![users(), orders()]);
    let to = schema(vec![
        table("people", users().columns)
            .pk(&["id"])
            .unique("uq_people_email", &["email"])
            .was("users"),
        table("orders", orders().columns)
            .pk(&["id"])
            .index("ix_orders_user_id", &["user_id"])
            .fk("fk_orders_user_id_people", &["user_id"], "people", &["id"]),
    ]);
    assert_ops(
        &from,
        &to,
        &[
            "rename table users to people",
            "rename constraint pk_users to pk_people on people",
            "rename constraint uq_users_email to uq_people_email on people",
            "rename constraint fk_orders_user_id_users to fk_orders_user_id_people on orders",
        ],
    );
}

#[test]
fn renamed_table_is_diffed_as_usual() {
    let from = schema(vec![users()]);
    let mut people = users().pk_named("pk_users", &["id"]).was("users");
    people.name = QualifiedName::new("people");
    people.columns.push(text("nickname").null());
    assert_ops(
        &from,
        &schema(vec![people]),
        &["rename table users to people", "add column people.nickname"],
    );
}

#[test]
fn stale_or_blocked_rename_hints_are_ignored() {
    // The rename already ran: the old name is gone.
    let from = schema(vec![table("people", vec![bigint("id")])]);
    let to = schema(vec![table("people", vec![bigint("id")]).was("users")]);
    assert_ops(&from, &to, &[]);
    // Both names exist: the hint cannot be a rename; the old table is simply dropped.
    let from = schema(vec![
        table("people", vec![bigint("id")]),
        table("users", vec![bigint("id")]),
    ]);
    assert_ops(&from, &to, &["drop table users"]);
}

#[test]
fn renamed_table_frees_its_name_for_a_new_table() {
    let from = schema(vec![table("events", vec![bigint("id")])]);
    let to = schema(vec![
        table("events_archive", vec![bigint("id")]).was("events"),
        table("events", vec![bigint("id"), text("kind")]),
    ]);
    assert_ops(
        &from,
        &to,
        &[
            "rename table events to events_archive",
            "create table events",
        ],
    );
}

#[test]
fn rename_column_keeps_its_index_and_references() {
    let from = schema(vec![users(), orders()]);
    let to = schema(vec![
        users(),
        table(
            "orders",
            vec![
                bigint("id"),
                bigint("customer_id").was("user_id"),
                int("total"),
            ],
        )
        .pk(&["id"])
        .index("ix_orders_user_id", &["customer_id"])
        .fk(
            "fk_orders_user_id_users",
            &["customer_id"],
            "users",
            &["id"],
        ),
    ]);
    assert_ops(&from, &to, &["rename column orders.user_id to customer_id"]);
}

#[test]
fn rename_referenced_column() {
    let from = schema(vec![users(), orders()]);
    let to = schema(vec![
        table("users", vec![bigint("user_id").was("id"), text("email")])
            .pk(&["user_id"])
            .unique("uq_users_email", &["email"]),
        table("orders", orders().columns)
            .pk(&["id"])
            .index("ix_orders_user_id", &["user_id"])
            .fk(
                "fk_orders_user_id_users",
                &["user_id"],
                "users",
                &["user_id"],
            ),
    ]);
    assert_ops(&from, &to, &["rename column users.id to user_id"]);
}

#[test]
fn rename_column_with_other_changes() {
    let from = schema(vec![table("t", vec![int("n")])]);
    let to = schema(vec![table("t", vec![bigint("count").was("n").null()])]);
    assert_ops(
        &from,
        &to,
        &[
            "rename column t.n to count",
            "alter column t.count (type, nullability)",
        ],
    );
}

#[test]
fn renamed_column_frees_its_name_for_a_new_column() {
    let from = schema(vec![table("t", vec![text("email")])]);
    let to = schema(vec![table(
        "t",
        vec![text("email_old").was("email"), text("email").null()],
    )]);
    assert_ops(
        &from,
        &to,
        &["rename column t.email to email_old", "add column t.email"],
    );
}

#[test]
fn rename_column_hint_onto_an_existing_column_is_ignored() {
    let from = schema(vec![table("t", vec![int("a"), int("b")])]);
    let to = schema(vec![table("t", vec![int("b").was("a")])]);
    assert_ops(&from, &to, &["drop column t.a"]);
}

#[test]
fn namespaces_keep_same_named_tables_apart() {
    let from = schema(vec![table("users", vec![bigint("id")]).pk(&["id"])]);
    let to = schema(vec![
        table("users", vec![bigint("id")]).pk(&["id"]),
        table("billing.users", vec![bigint("id"), bigint("account_id")])
            .pk_named("pk_billing_users", &["id"])
            .fk(
                "fk_billing_users_account",
                &["account_id"],
                "users",
                &["id"],
            ),
    ]);
    assert_ops(
        &from,
        &to,
        &[
            "create namespace billing",
            "create table billing.users",
            "add foreign key fk_billing_users_account on billing.users",
        ],
    );
}

#[test]
fn explicit_default_namespace_is_the_same_table() {
    let from = schema(vec![users(), orders()]);
    let to = schema(vec![
        table("public.users", users().columns)
            .pk(&["id"])
            .unique("uq_users_email", &["email"]),
        table("public.orders", orders().columns)
            .pk(&["id"])
            .index("ix_orders_user_id", &["user_id"])
            .fk(
                "fk_orders_user_id_users",
                &["user_id"],
                "public.users",
                &["id"],
            ),
    ]);
    assert_ops(&from, &to, &[]);
}

#[test]
fn move_table_to_another_namespace() {
    let from = schema(vec![table("invoices", vec![bigint("id")])]);
    let to = schema(vec![
        table("billing.invoices", vec![bigint("id")]).was("invoices")
    ]);
    // SET SCHEMA needs the namespace to exist.
    assert_ops(
        &from,
        &to,
        &[
            "create namespace billing",
            "rename table invoices to billing.invoices",
        ],
    );
}

#[test]
fn unmanaged_namespaces_are_left_alone() {
    let from = schema(vec![users(), table("audit.log", vec![bigint("id")])]);
    let to = schema(vec![users()]);
    let mut options = DiffOptions::default();
    assert_eq!(
        describe(&check_with(&from, &to, &options, true)),
        ["drop table audit.log"]
    );
    options.managed_namespaces = Some(vec!["billing".into()]);
    assert!(diff(&from, &to, &options).is_empty());
    options.managed_namespaces = Some(vec!["audit".into()]);
    assert_eq!(
        describe(&diff(&from, &to, &options)),
        ["drop table audit.log"]
    );
}

#[test]
fn comments_are_last() {
    let from = schema(vec![users()]);
    let mut to_users = users().comment("people who log in");
    to_users.columns.push(text("nickname").null());
    assert_ops(
        &from,
        &schema(vec![to_users]),
        &["add column users.nickname", "set comment on table users"],
    );
}

#[test]
fn sqlite_ignores_comments() {
    let from = schema(vec![table("t", vec![int("n")])]);
    let to = schema(vec![
        table("t", vec![int("n").comment("count")]).comment("things")
    ]);
    let ops = check_with(&from, &to, &on(Dialect::Sqlite), false);
    assert!(ops.is_empty(), "{:?}", describe(&ops));
}

#[test]
fn ordering_of_a_mixed_change() {
    let from = schema(vec![users(), orders()]);
    let to = schema_with(
        vec![enum_type("status", &["open", "paid"])],
        vec![
            table(
                "users",
                vec![bigint("id"), text("email"), text("name").null()],
            )
            .pk(&["id"])
            .index("ix_users_email", &["email"]),
            table(
                "orders",
                vec![bigint("id"), bigint("user_id"), enum_of("status", "status")],
            )
            .pk(&["id"])
            .index("ix_orders_user_id", &["user_id"])
            .fk("fk_orders_user_id_users", &["user_id"], "users", &["id"]),
            table("payments", vec![bigint("id"), bigint("order_id")])
                .pk(&["id"])
                .fk("fk_payments_order", &["order_id"], "orders", &["id"]),
        ],
    );
    assert_ops(
        &from,
        &to,
        &[
            "drop unique constraint uq_users_email on users",
            "create enum type status",
            "create table payments",
            "add column orders.status",
            "add column users.name",
            "drop column orders.total",
            "create index ix_users_email on users",
            "add foreign key fk_payments_order on payments",
        ],
    );
}

#[test]
fn a_namespace_is_created_only_where_nothing_of_the_target_lives_yet() {
    let from = schema_with(vec![enum_type("billing.state", &["open"])], vec![users()]);
    let to = schema_with(
        vec![enum_type("billing.state", &["open"])],
        vec![
            users(),
            table("billing.invoices", vec![bigint("id")]),
            table("audit.log", vec![bigint("id")]),
            table("audit.log_archive", vec![bigint("id")]),
            table("public.accounts", vec![bigint("id")]),
        ],
    );
    assert_ops(
        &from,
        &to,
        &[
            "create namespace audit",
            "create table accounts",
            "create table audit.log",
            "create table audit.log_archive",
            "create table billing.invoices",
        ],
    );
    // Dialects whose namespaces are not created by migrations get no such op.
    let ops = diff(&from, &to, &on(Dialect::Sqlite));
    assert!(!describe(&ops)
        .iter()
        .any(|d| d.starts_with("create namespace")));
}

#[test]
fn a_column_rename_carries_the_checks_and_index_expressions_that_name_it() {
    let from = schema(vec![table("t", vec![bigint("id"), int("total")])
        .check("ck_t_total", "(total > 0)")
        .index_with(Index {
            predicate: Some("(total > 0)".into()),
            ..index("ix_t_live", &["id"])
        })]);
    let to = schema(vec![table(
        "t",
        vec![bigint("id"), int("amount").was("total")],
    )
    .check("ck_t_total", "(amount > 0)")
    .index_with(Index {
        predicate: Some("(amount > 0)".into()),
        ..index("ix_t_live", &["id"])
    })]);
    assert_ops(&from, &to, &["rename column t.total to amount"]);
}

#[test]
fn a_check_on_a_reused_column_name_is_not_mistaken_for_the_old_one() {
    // The database rewrites the check to `total_old > 0` on the rename; the target's check
    // names the new `total`, so it is a different check.
    let from = schema(vec![
        table("t", vec![bigint("id"), int("total")]).check("ck_t_total", "(total > 0)")
    ]);
    let to = schema(vec![table(
        "t",
        vec![bigint("id"), int("total_old").was("total"), int("total")],
    )
    .check("ck_t_total", "(total > 0)")]);
    assert_ops(
        &from,
        &to,
        &[
            "drop check constraint ck_t_total on t",
            "rename column t.total to total_old",
            "add column t.total",
            "add check constraint ck_t_total on t",
        ],
    );
}

#[test]
fn ops_carry_no_model_hints() {
    // The walk reads the target with its hints; what it copies into an op has none.
    let from = schema(vec![table("t", vec![int("a")])]);
    let mut new_table = table("people", vec![bigint("id").was("person_id")]).was("humans");
    new_table.conventional_names.insert("pk_people".into());
    let to = schema(vec![
        new_table,
        table("t", vec![int("a"), int("b").was("gone")]),
    ]);
    let ops = check_with(&from, &to, &DiffOptions::default(), false);
    assert_eq!(
        describe(&ops),
        ["create table people", "add column t.b"],
        "the stale hints rename nothing"
    );
    match &ops[..] {
        [Op::CreateTable { table }, Op::AddColumn { column, .. }] => {
            assert_eq!(table.renamed_from, None);
            assert!(table.conventional_names.is_empty());
            assert_eq!(table.columns[0].renamed_from, None);
            assert_eq!(column.renamed_from, None);
        }
        other => panic!("{other:?}"),
    }
}
