//! Unique constraints, indexes (plain, composite, partial, unique, expression, other access
//! methods) and check constraints: added, dropped, changed and renamed.

use schema_runtime::schema::ColumnType::*;
use schema_runtime::schema::{Index, IndexPart};
use schema_runtime::TableDef;

use migrator::Dialect;

use super::kit::scenario;
use super::models::*;

/// `accounts`: the table these scenarios change, with `extra` applied to its declaration.
fn accounts(extra: impl FnOnce(TableDef) -> TableDef) -> TableDef {
    extra(table(
        "accounts",
        vec![
            id(),
            col("tenant", Integer),
            col("email", varchar(320)),
            col("handle", varchar(40)),
            col("balance", numeric(12, 2)),
            col("deleted_at", TimestampTz).null(),
        ],
    ))
}

fn plain(t: TableDef) -> TableDef {
    t
}

const TWO_ACCOUNTS: &str = "INSERT INTO accounts (tenant, email, handle, balance) VALUES
    (1, 'a@x', 'ann', 10), (1, 'b@x', 'bob', 0);";

const HANDLES: &str = "SELECT handle FROM accounts ORDER BY id";

#[tokio::test]
async fn add_unique_constraints() {
    let a = models(vec![accounts(plain)]);
    let b = models(vec![accounts(|t| {
        let mut t = t.unique(&["tenant", "handle"]);
        t.columns[2].unique = true;
        t
    })]);
    scenario("add_unique_constraints", a, b)
        .seed(TWO_ACCOUNTS)
        .rows(HANDLES, &["ann", "bob"])
        .run()
        .await;
}

#[tokio::test]
async fn drop_unique_constraints() {
    let a = models(vec![accounts(|t| {
        let mut t = t.unique_named("one_handle_per_tenant", &["tenant", "handle"]);
        t.columns[2].unique = true;
        t
    })]);
    let b = models(vec![accounts(plain)]);
    scenario("drop_unique_constraints", a, b)
        .seed(TWO_ACCOUNTS)
        .rows(HANDLES, &["ann", "bob"])
        .run()
        .await;
}

#[tokio::test]
async fn rename_a_unique_constraint() {
    let a = models(vec![accounts(|t| t.unique(&["tenant", "handle"]))]);
    let b = models(vec![accounts(|t| {
        t.unique_named("one_handle_per_tenant", &["tenant", "handle"])
    })]);
    scenario("rename_a_unique_constraint", a, b)
        .seed(TWO_ACCOUNTS)
        .run()
        .await;
}

fn every_index(t: TableDef) -> TableDef {
    let mut t = t
        .index(index(&["tenant", "handle"]))
        .index(index(&["email"]).unique().named("ux_accounts_email"))
        .index(index(&["handle"]).filter("deleted_at IS NULL"))
        .index(
            index(&["tenant", "email"])
                .unique()
                .named("ux_accounts_live_email")
                .filter("deleted_at IS NULL AND balance >= 0"),
        );
    t.columns[4].index = true;
    t
}

#[tokio::test]
async fn add_indexes_of_every_kind() {
    let a = models(vec![accounts(plain)]);
    let b = models(vec![accounts(every_index)]);
    scenario("add_indexes_of_every_kind", a, b)
        .seed(TWO_ACCOUNTS)
        .rows(HANDLES, &["ann", "bob"])
        .skip(Dialect::Mysql, "MySQL has no partial indexes")
        .run()
        .await;
}

#[tokio::test]
async fn drop_indexes_of_every_kind() {
    let a = models(vec![accounts(every_index)]);
    let b = models(vec![accounts(plain)]);
    scenario("drop_indexes_of_every_kind", a, b)
        .seed(TWO_ACCOUNTS)
        .rows(HANDLES, &["ann", "bob"])
        .skip(Dialect::Mysql, "MySQL has no partial indexes")
        .run()
        .await;
}

#[tokio::test]
async fn rename_an_index_with_the_same_definition() {
    let a = models(vec![accounts(|t| {
        t.index(index(&["handle"]).filter("deleted_at IS NULL"))
    })]);
    let b = models(vec![accounts(|t| {
        t.index(
            index(&["handle"])
                .named("ix_accounts_live_handle")
                .filter("deleted_at IS NULL"),
        )
    })]);
    scenario("rename_an_index_with_the_same_definition", a, b)
        .skip(Dialect::Mysql, "MySQL has no partial indexes")
        .run()
        .await;
}

#[tokio::test]
async fn change_an_index_predicate_and_columns() {
    let a = models(vec![accounts(|t| {
        t.index(
            index(&["handle"])
                .named("ix_accounts_live")
                .filter("deleted_at IS NULL"),
        )
        .index(index(&["tenant"]).named("ix_accounts_lookup"))
    })]);
    let b = models(vec![accounts(|t| {
        t.index(
            index(&["handle"])
                .named("ix_accounts_live")
                .filter("deleted_at IS NULL AND balance > 0"),
        )
        .index(index(&["tenant", "email"]).named("ix_accounts_lookup"))
    })]);
    scenario("change_an_index_predicate_and_columns", a, b)
        .skip(Dialect::Mysql, "MySQL has no partial indexes")
        .run()
        .await;
}

/// Expression keys and other access methods: the introspected model of such indexes
/// (models declare plain columns only), added and dropped.
#[tokio::test]
async fn expression_and_gin_indexes() {
    let a = models(vec![accounts(plain)]);
    let mut b = models(vec![accounts(|t| {
        let mut t = t;
        t.columns.push(col("tags", array(Text)).default("'{}'"));
        t.columns.push(col("profile", Jsonb).null());
        t
    })]);
    let indexes = &mut b.tables[0].indexes;
    indexes.push(Index {
        name: "ux_accounts_lower_email".into(),
        parts: vec![
            IndexPart::Column("tenant".into()),
            IndexPart::Expression("lower(email)".into()),
        ],
        unique: true,
        predicate: None,
        method: None,
        part_options: Vec::new(),
        include: Vec::new(),
        nulls_not_distinct: false,
    });
    indexes.push(Index {
        name: "ix_accounts_tags".into(),
        parts: vec![IndexPart::Column("tags".into())],
        unique: false,
        predicate: None,
        method: Some("gin".into()),
        part_options: Vec::new(),
        include: Vec::new(),
        nulls_not_distinct: false,
    });
    indexes.push(Index {
        name: "ix_accounts_profile_plan".into(),
        parts: vec![IndexPart::Expression("(profile ->> 'plan')".into())],
        unique: false,
        predicate: Some("profile IS NOT NULL".into()),
        method: None,
        part_options: Vec::new(),
        include: Vec::new(),
        nulls_not_distinct: false,
    });
    scenario("expression_and_gin_indexes", a, b)
        .seed(TWO_ACCOUNTS)
        .rows(HANDLES, &["ann", "bob"])
        .skip_all(
            &[Dialect::Mysql, Dialect::Sqlite],
            "a text[] column and a gin index, both PostgreSQL's",
        )
        .run()
        .await;
}

fn checked(t: TableDef) -> TableDef {
    let mut t = t.check("balance_non_negative", "balance >= 0").check(
        "handle_shape",
        "handle ~ '^[a-z]+$' AND length(handle) <= 20",
    );
    t.columns[1].check = Some("tenant > 0".into());
    t
}

#[tokio::test]
async fn add_check_constraints() {
    let a = models(vec![accounts(plain)]);
    let b = models(vec![accounts(checked)]);
    scenario("add_check_constraints", a, b)
        .seed(TWO_ACCOUNTS)
        .rows(HANDLES, &["ann", "bob"])
        .skip_all(
            &[Dialect::Mysql, Dialect::Sqlite],
            "the checks use PostgreSQL's regular-expression operator ~",
        )
        .run()
        .await;
}

#[tokio::test]
async fn drop_check_constraints() {
    let a = models(vec![accounts(checked)]);
    let b = models(vec![accounts(plain)]);
    scenario("drop_check_constraints", a, b)
        .seed(TWO_ACCOUNTS)
        .rows(HANDLES, &["ann", "bob"])
        .skip_all(
            &[Dialect::Mysql, Dialect::Sqlite],
            "the checks use PostgreSQL's regular-expression operator ~",
        )
        .run()
        .await;
}

#[tokio::test]
async fn change_a_check_expression() {
    let a = models(vec![accounts(checked)]);
    let b = models(vec![accounts(|t| {
        let mut t = checked(t);
        t.checks[0].expression = "balance >= -100".into();
        t
    })]);
    scenario("change_a_check_expression", a, b)
        .seed(TWO_ACCOUNTS)
        .rows(HANDLES, &["ann", "bob"])
        .skip_all(
            &[Dialect::Mysql, Dialect::Sqlite],
            "the checks use PostgreSQL's regular-expression operator ~",
        )
        .run()
        .await;
}
