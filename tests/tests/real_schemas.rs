//! Databases that other tools built, with the models a team adopting the migrator writes
//! for them: a Rails schema (`<table>_pkey`, `index_<table>_on_<columns>`,
//! `fk_rails_<hash>`, `schema_migrations`) and a hand-written one whose constraints
//! PostgreSQL named (`<table>_<column>_fkey`, `..._key`, `..._check`, `..._idx`). The
//! models state no constraint names, so the naming convention gives them; the comparison
//! matches each with the database's member of the same structure, whatever that is called,
//! and reports no drift: nothing to rename. A model change then yields only that change.
//! The hand-written schema also holds a partitioned table with its partitions, an
//! exclusion constraint and a domain; a third spreads an application over two namespaces.
//! Each reaches zero drift, a development run changes nothing, and a database built from
//! the models dumps (`pg_dump --schema-only`) like the original.

use migrator::compare::compare;
use migrator::db::{Database, Wait};
use migrator::filter::SchemaFilter;
use migrator::render::render_groups_from;
use schema_runtime::decl::{CheckDef, ColumnDef, ExclusionDef, ForeignKeyDef, IndexDef, TableDef};
use schema_runtime::naming::NamingConvention;
use schema_runtime::registry::{self, ConventionRegistration};
use schema_runtime::schema::{ColumnType, ForeignKeyAction, Schema};
use schema_runtime::Dialect;
use workspace_tests::TestDb;

#[path = "pg_scenarios/models.rs"]
#[allow(dead_code)]
mod models;

use models::{col, index, models, numeric, table, ColumnDefExt, IndexDefExt, TableDefExt};

const RAILS: &str = include_str!("real_schemas/rails.sql");
const PG_DEFAULTS: &str = include_str!("real_schemas/pg_defaults.sql");
const EXTERNAL: &str = include_str!("real_schemas/external.sql");
const NAMESPACES: &str = include_str!("real_schemas/namespaces.sql");

fn varchar() -> ColumnType {
    ColumnType::Varchar { length: None }
}

/// A Rails `bigserial` key: a sequence default, not an identity.
fn serial_id(table: &str) -> schema_runtime::decl::ColumnDef {
    col("id", ColumnType::BigInt)
        .pk()
        .identity(false)
        .default(&format!("nextval('{table}_id_seq'::regclass)"))
}

/// The models of `rails.sql`, as an adopting team writes them (no names stated).
fn rails_models() -> Schema {
    models(vec![
        table(
            "organizations",
            vec![
                serial_id("organizations"),
                col("name", varchar()),
                col("created_at", ColumnType::Timestamp),
                col("updated_at", ColumnType::Timestamp),
            ],
        )
        .index(index(&["name"]).unique())
        .index(over(
            "index_organizations_on_name_search",
            &["to_tsvector('english', name)"],
            |i| i.method = Some("gin".into()),
        ))
        .check("on_name", "char_length(name) > 0"),
        table(
            "users",
            vec![
                serial_id("users"),
                col("organization_id", ColumnType::BigInt)
                    .refs("organizations.id")
                    .index(),
                col("email", varchar()),
                col("created_at", ColumnType::Timestamp),
            ],
        )
        .index(index(&["email"]).unique())
        .index(over("index_users_on_lower_email", &["lower(email)"], |i| {
            i.unique = true
        }))
        .index(over(
            "index_users_on_created_at",
            &["created_at DESC"],
            |_| {},
        )),
        table(
            "api_keys",
            vec![
                serial_id("api_keys"),
                col("organization_id", ColumnType::BigInt)
                    .refs("organizations.id")
                    .on_delete("cascade")
                    .index(),
                col("user_id", ColumnType::BigInt)
                    .null()
                    .refs("users.id")
                    .on_delete("set null"),
                col("token", varchar()),
                col("uses", ColumnType::Integer)
                    .default("0")
                    .check("uses >= 0"),
            ],
        )
        .index(index(&["token"]).unique())
        .index(IndexDef {
            method: Some("hash".into()),
            ..index(&["uses"])
        })
        .index(over(
            "index_api_keys_on_token_pattern",
            &["token varchar_pattern_ops"],
            |i| i.include = vec!["uses".into()],
        )),
        table(
            "memberships",
            vec![
                col("organization_id", ColumnType::BigInt),
                col("user_id", ColumnType::BigInt),
                col("role", varchar()),
            ],
        )
        .pk(&["organization_id", "user_id"]),
        table(
            "membership_grants",
            vec![
                serial_id("membership_grants"),
                col("organization_id", ColumnType::BigInt),
                col("user_id", ColumnType::BigInt),
            ],
        )
        .foreign_key(ForeignKeyDef {
            on_delete: Some(ForeignKeyAction::Cascade),
            ..composite_key("memberships", &["organization_id", "user_id"])
        }),
    ])
}

/// `index(name = .., parts(..))`, with whatever else `more` sets.
fn over(name: &str, parts: &[&str], more: impl FnOnce(&mut IndexDef)) -> IndexDef {
    let mut index = IndexDef {
        name: Some(name.into()),
        parts: parts.iter().map(|p| p.to_string()).collect(),
        ..IndexDef::default()
    };
    more(&mut index);
    index
}

/// `foreign_key(columns(..), references(table = .., columns(..)))` over the same columns
/// on both sides.
fn composite_key(target: &str, columns: &[&str]) -> ForeignKeyDef {
    let columns: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
    ForeignKeyDef {
        columns: columns.clone(),
        referenced_table: target.into(),
        referenced_columns: columns,
        ..ForeignKeyDef::default()
    }
}

trait KeysExt {
    fn foreign_key(self, key: ForeignKeyDef) -> Self;
    fn verbatim_check(self, name: &str, expression: &str) -> Self;
    fn check_not_valid(self, name: &str, expression: &str) -> Self;
    fn exclude(self, exclusion: ExclusionDef) -> Self;
}

impl KeysExt for TableDef {
    fn foreign_key(mut self, key: ForeignKeyDef) -> Self {
        self.foreign_keys.push(key);
        self
    }
    fn exclude(mut self, exclusion: ExclusionDef) -> Self {
        self.exclusions.push(exclusion);
        self
    }
    fn check_not_valid(mut self, name: &str, expression: &str) -> Self {
        self.checks.push(CheckDef {
            name: name.into(),
            expression: expression.into(),
            verbatim: true,
            not_valid: true,
            dialects: Vec::new(),
        });
        self
    }
    fn verbatim_check(mut self, name: &str, expression: &str) -> Self {
        self.checks.push(CheckDef {
            name: name.into(),
            expression: expression.into(),
            verbatim: true,
            not_valid: false,
            dialects: Vec::new(),
        });
        self
    }
}

/// The models of `pg_defaults.sql`, as declarations.
fn pg_default_defs() -> Vec<TableDef> {
    vec![
        table(
            "customers",
            vec![
                col("id", ColumnType::BigInt).pk(),
                col("email", ColumnType::Text).unique(),
                ColumnDef {
                    collation: Some("C".into()),
                    ..col("country", ColumnType::Char { length: 2 }).default("'NL'")
                },
                col("billing_email", ColumnType::Text)
                    .null()
                    .sql_type("email_address"),
            ],
        )
        .index(over(
            "customers_email_trgm_idx",
            &["email gin_trgm_ops"],
            |i| i.method = Some("gin".into()),
        ))
        .index(over("customers_lower_idx", &["lower(email)"], |i| {
            i.unique = true
        }))
        .index(over(
            "customers_email_bytes_idx",
            &["email collate \"C\" desc"],
            |_| {},
        )),
        table(
            "orders",
            vec![
                col("id", ColumnType::BigInt).pk(),
                col("customer_id", ColumnType::BigInt)
                    .refs("customers.id")
                    .on_delete("restrict")
                    .index(),
                external(
                    col("account_id", ColumnType::BigInt)
                        .null()
                        .refs("billing.accounts.id"),
                ),
                col("total", numeric(12, 2)).check("total >= 0"),
                col("placed_at", ColumnType::TimestampTz).default("now()"),
            ],
        )
        .index(index(&["placed_at"]).filter("total > 0"))
        .index(over(
            "orders_recent_idx",
            &["placed_at DESC NULLS FIRST"],
            |i| i.include = vec!["customer_id".into()],
        ))
        .verbatim_check("orders_total_sane", "total < 1000000"),
        table(
            "order_lines",
            vec![
                col("order_id", ColumnType::BigInt)
                    .refs("orders.id")
                    .on_delete("cascade"),
                col("line", ColumnType::Integer),
                col("quantity", ColumnType::Integer).check("quantity > 0"),
                col("unit_price", numeric(10, 2)).default("0"),
                ColumnDef {
                    generated: Some("quantity * unit_price".into()),
                    ..col("amount", numeric(12, 2)).null()
                },
            ],
        )
        .pk(&["order_id", "line"]),
        table(
            "shipments",
            vec![
                col("id", ColumnType::BigInt).pk(),
                col("order_id", ColumnType::BigInt),
                col("line", ColumnType::Integer),
                col("tracking", ColumnType::Text).null(),
            ],
        )
        .index(IndexDef {
            unique: true,
            nulls_not_distinct: true,
            ..index(&["tracking"])
        })
        .foreign_key(ForeignKeyDef {
            on_delete: Some(ForeignKeyAction::Cascade),
            initially_deferred: true,
            not_valid: false,
            deferrable: true,
            ..composite_key("order_lines", &["order_id", "line"])
        }),
        table(
            "events",
            vec![
                ColumnDef {
                    identity_always: true,
                    ..col("id", ColumnType::BigInt).pk()
                },
                ColumnDef {
                    identity_start: Some(1000),
                    identity_increment: Some(10),
                    ..col("seq", ColumnType::Integer)
                },
                col("name", ColumnType::Text),
            ],
        )
        .check_not_valid("events_name_short", "char_length(name) < 200"),
        table(
            "reservations",
            vec![
                col("id", ColumnType::BigInt).pk(),
                col("room_id", ColumnType::Integer),
                col("during", ColumnType::Text).sql_type("tstzrange"),
                col("cancelled", ColumnType::Boolean).default("false"),
                col("event_id", ColumnType::BigInt).null(),
            ],
        )
        .exclude(ExclusionDef {
            name: "reservations_room_id_during_excl".into(),
            elements: vec!["room_id WITH =".into(), "during WITH &&".into()],
            predicate: Some("not cancelled".into()),
            ..ExclusionDef::default()
        })
        .foreign_key(ForeignKeyDef {
            columns: vec!["event_id".into()],
            referenced_table: "events".into(),
            referenced_columns: vec!["id".into()],
            not_valid: true,
            ..ForeignKeyDef::default()
        }),
        TableDef {
            // Lower case on purpose: the server reads the key back as `RANGE (taken_at)`.
            partition_by: Some("range (taken_at)".into()),
            ..table(
                "measurements",
                vec![
                    col("id", ColumnType::BigInt),
                    col("taken_at", ColumnType::TimestampTz),
                    col("reading", numeric(10, 2)),
                ],
            )
            .pk(&["id", "taken_at"])
            .index(index(&["taken_at"]))
        },
    ]
}

/// `external`: the referenced table is another service's.
fn external(mut column: ColumnDef) -> ColumnDef {
    column.external = true;
    column
}

fn pg_default_models() -> Schema {
    models(pg_default_defs())
}

async fn database_with(sql: &str) -> (TestDb, Database) {
    let db = TestDb::postgres_for("real_schemas").await.unwrap();
    let mut database = Database::connect(db.url(), &Wait::default()).await.unwrap();
    database.execute(EXTERNAL).await.unwrap();
    database.execute(sql).await.unwrap();
    (db, database)
}

async fn ops_against(database: &mut Database, models: &Schema) -> Vec<String> {
    let filter = SchemaFilter::default().with_declared_tables(models);
    let comparison = compare(database, models, &filter).await.unwrap();
    comparison.ops.iter().map(|op| op.describe()).collect()
}

#[tokio::test]
async fn a_rails_schema_needs_no_renames_and_what_models_cannot_state_is_left_alone() {
    let (_db, mut database) = database_with(RAILS).await;
    let models = rails_models();
    let filter = SchemaFilter::default().with_declared_tables(&models);
    let comparison = compare(&mut database, &models, &filter).await.unwrap();
    let ops: Vec<String> = comparison.ops.iter().map(|op| op.describe()).collect();
    assert!(ops.is_empty(), "{ops:#?}");
    // Every index is stated, GIN, hash, expression, DESC, operator class and INCLUDE
    // alike: nothing is left unmanaged.
    assert!(
        comparison.unmanaged.is_empty(),
        "{:#?}",
        comparison.unmanaged
    );
    // A model that says less than the database is drift, never a silent match.
    let mut plain = rails_models();
    let users = plain
        .tables
        .iter_mut()
        .find(|t| t.name.name == "users")
        .unwrap();
    let created = users
        .indexes
        .iter_mut()
        .find(|i| i.name == "index_users_on_created_at")
        .unwrap();
    created.part_options.clear();
    let ops = ops_against(&mut database, &plain).await;
    assert_eq!(
        ops,
        [
            "drop index index_users_on_created_at on users",
            "create index index_users_on_created_at on users"
        ]
    );
}

#[tokio::test]
async fn a_schema_named_by_postgresql_needs_no_renames() {
    let (_db, mut database) = database_with(PG_DEFAULTS).await;
    let models = pg_default_models();
    let comparison = compare(&mut database, &models, &SchemaFilter::default())
        .await
        .unwrap();
    assert!(comparison.ops.is_empty(), "{:#?}", comparison.ops);
    let unmanaged: Vec<String> = comparison.unmanaged.iter().map(|u| u.describe()).collect();
    assert_eq!(
        unmanaged,
        [
            "table billing.accounts (referenced as external by \
             fk_orders_account_id_accounts): not managed, left as it is",
            "partition measurements_2026_11 of measurements (FOR VALUES FROM ('2026-11-01 \
             00:00:00+00') TO ('2026-12-01 00:00:00+00')): not managed, left as it is",
            "partition measurements_2026_12 of measurements (FOR VALUES FROM ('2026-12-01 \
             00:00:00+00') TO ('2027-01-01 00:00:00+00')): not managed, left as it is",
        ]
    );
}

/// Adoption is by structure: a changed definition is still a change, and a name the model
/// states is still enforced.
#[tokio::test]
async fn a_change_to_an_adopted_schema_is_only_that_change() {
    let (_db, mut database) = database_with(PG_DEFAULTS).await;
    let mut defs = pg_default_defs();
    defs[0]
        .columns
        .push(col("vip", ColumnType::Boolean).default("false"));
    // ON DELETE CASCADE where the database has RESTRICT: a different key.
    defs[1].columns[1] = defs[1].columns[1].clone().on_delete("cascade");
    // The partial index, named by the model: renamed to the stated name.
    defs[1].indexes[0] = defs[1].indexes[0].clone().named("ix_orders_recent");
    let ops = ops_against(&mut database, &models(defs)).await;
    assert_eq!(
        ops,
        vec![
            "drop foreign key orders_customer_id_fkey on orders",
            "rename index orders_placed_at_idx to ix_orders_recent on orders",
            "add column customers.vip",
            "add foreign key fk_orders_customer_id_customers on orders",
        ],
        "{ops:#?}"
    );
}

/// An exclusion constraint is compared in full (elements, method, predicate): a model that
/// drops the predicate rebuilds it, one that stops declaring it drops it, and a renamed one
/// is renamed in place.
#[tokio::test]
async fn an_exclusion_constraint_is_compared_in_full() {
    let (_db, mut database) = database_with(PG_DEFAULTS).await;
    let reservations = |defs: &mut Vec<TableDef>| -> usize {
        defs.iter()
            .position(|t| t.name == "reservations")
            .expect("the reservations model")
    };
    let mut defs = pg_default_defs();
    let at = reservations(&mut defs);
    defs[at].exclusions[0].predicate = None;
    let ops = ops_against(&mut database, &models(defs)).await;
    assert_eq!(
        ops,
        [
            "drop exclusion constraint reservations_room_id_during_excl on reservations",
            "add exclusion constraint reservations_room_id_during_excl on reservations",
        ]
    );

    let mut defs = pg_default_defs();
    let at = reservations(&mut defs);
    defs[at].exclusions[0].name = "no_double_booking".into();
    let ops = ops_against(&mut database, &models(defs)).await;
    assert_eq!(
        ops,
        ["rename constraint reservations_room_id_during_excl to no_double_booking on reservations"]
    );

    let mut defs = pg_default_defs();
    let at = reservations(&mut defs);
    defs[at].exclusions.clear();
    let schema = models(defs);
    let filter = SchemaFilter::default().with_declared_tables(&schema);
    let comparison = compare(&mut database, &schema, &filter).await.unwrap();
    let ops: Vec<String> = comparison.ops.iter().map(|op| op.describe()).collect();
    assert_eq!(
        ops,
        ["drop exclusion constraint reservations_room_id_during_excl on reservations"]
    );
    let verdicts = migrator::safety::verdicts(&comparison.ops);
    assert_eq!(verdicts[0].risk, migrator::safety::Risk::Loosening);
}

/// The partition key is compared: a model that forgets it, or states another, is drift,
/// which no revision is generated for (PostgreSQL cannot repartition in place) and the
/// message says which revision to write. The partitions are listed, never touched.
#[tokio::test]
async fn a_partition_key_is_compared_and_never_changed_by_a_generated_revision() {
    let (_db, mut database) = database_with(PG_DEFAULTS).await;
    let measurements = |defs: &mut Vec<TableDef>| -> usize {
        defs.iter()
            .position(|t| t.name == "measurements")
            .expect("the measurements model")
    };
    for (key, change) in [
        (None, "RANGE (taken_at) -> none"),
        (Some("HASH (id)"), "RANGE (taken_at) -> HASH (id)"),
    ] {
        let mut defs = pg_default_defs();
        let at = measurements(&mut defs);
        defs[at].partition_by = key.map(str::to_owned);
        let schema = models(defs);
        let comparison = compare(&mut database, &schema, &SchemaFilter::default())
            .await
            .unwrap();
        let ops: Vec<String> = comparison.ops.iter().map(|op| op.describe()).collect();
        assert_eq!(
            ops,
            [format!(
                "change partitioning of table measurements ({change})"
            )]
        );
        let error = render_groups_from(Dialect::Postgresql, &comparison.current, &comparison.ops)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("PostgreSQL cannot change how an existing table is partitioned")
                && error.contains("copies the rows of measurements"),
            "{error}"
        );
    }
}

/// `--include` scopes enum types too: checking a part of a database leaves the enum types
/// of the other tables alone instead of proposing to drop them.
#[tokio::test]
async fn an_included_subset_reaches_no_drift_with_enum_types_elsewhere() {
    let (_db, mut database) = database_with(
        "CREATE TYPE order_state AS ENUM ('open', 'paid');
         CREATE TYPE ticket_state AS ENUM ('new', 'closed');
         CREATE TABLE orders (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                              state order_state NOT NULL);
         CREATE TABLE tickets (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                               state ticket_state NOT NULL);",
    )
    .await;
    let state = models::enum_type("order_state", &["open", "paid"]);
    let schema = models(vec![table(
        "orders",
        vec![
            col("id", ColumnType::BigInt).pk(),
            models::enum_col("state", &state),
        ],
    )]);
    let filter = SchemaFilter::parse::<&str>(&[], &["orders"], &[]).unwrap();
    let comparison = compare(&mut database, &schema, &filter).await.unwrap();
    let ops: Vec<String> = comparison.ops.iter().map(|op| op.describe()).collect();
    assert!(ops.is_empty(), "{ops:#?}");
    // Without the pattern the whole namespace is managed, and the other table's type is
    // drift (a blocked drop), as before.
    let everything = compare(&mut database, &schema, &SchemaFilter::default())
        .await
        .unwrap();
    let ops: Vec<String> = everything.ops.iter().map(|op| op.describe()).collect();
    assert!(ops.iter().any(|op| op.contains("ticket_state")), "{ops:#?}");
}

/// The models of `pg_defaults.sql` under PostgreSQL's own naming convention.
fn pg_convention_models(defs: Vec<TableDef>) -> Schema {
    let convention = ConventionRegistration {
        module_path: "pg_scenarios::real",
        convention: NamingConvention::POSTGRES,
    };
    registry::build_with(defs, Dialect::Postgresql, &[convention])
        .unwrap_or_else(|e| panic!("the models are wrong: {e}"))
}

/// Creates the models' schema on a database as the engine would: the comparison with the
/// models, rendered and executed statement by statement.
async fn build_from_models(database: &mut Database, models: &Schema) {
    let comparison = compare(database, models, &SchemaFilter::default())
        .await
        .unwrap();
    let groups =
        render_groups_from(Dialect::Postgresql, &comparison.current, &comparison.ops).unwrap();
    for statement in groups.iter().flatten().filter(|s| !s.is_comment_only()) {
        database
            .execute(&statement.sql)
            .await
            .unwrap_or_else(|e| panic!("{e}\n{}", statement.sql));
    }
}

/// `pg_dump --schema-only` of the database, without its comments and settings: what a
/// reviewer compares.
fn schema_dump(url: &str) -> String {
    dump(url, &[])
}

/// [`schema_dump`] without the migrator's own history tables.
fn schema_dump_without_history(url: &str) -> String {
    dump(url, &["--exclude-table=public.dgs_*"])
}

fn dump(url: &str, extra: &[&str]) -> String {
    let out = std::process::Command::new("pg_dump")
        .args(["--schema-only", "--no-owner", "--no-privileges"])
        .args(extra)
        .arg(url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pg_dump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with("--") && !l.starts_with("SET ") && !l.trim().is_empty())
        .filter(|l| !l.starts_with("SELECT pg_catalog.set_config"))
        .filter(|l| !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// With `naming_convention!(postgres)` the models name everything as PostgreSQL did, so a
/// database built from them is the original one: the same `pg_dump`, line for line
/// (composite and deferrable keys, the check named by hand, the external reference).
#[tokio::test]
async fn a_database_built_from_the_models_dumps_like_the_original() {
    let (original, mut database) = database_with(PG_DEFAULTS).await;
    let models = pg_convention_models(pg_default_defs());
    assert!(ops_against(&mut database, &models).await.is_empty());

    let (fresh, mut built) = database_with("SELECT 1").await;
    build_from_models(&mut built, &models).await;
    assert!(ops_against(&mut built, &models).await.is_empty());
    // The partitions are the scheduled job's, which makes them as it did on the original.
    let unmanaged = compare(&mut database, &models, &SchemaFilter::default())
        .await
        .unwrap()
        .unmanaged;
    let partitions: Vec<_> = unmanaged.iter().filter(|u| u.kind == "partition").collect();
    assert_eq!(partitions.len(), 2, "{unmanaged:#?}");
    for u in partitions {
        built
            .execute(&format!(
                "CREATE TABLE {} PARTITION OF {} {}",
                u.name, u.table, u.why
            ))
            .await
            .unwrap();
    }
    let (want, got) = (schema_dump(original.url()), schema_dump(fresh.url()));
    assert!(want.contains("shipments_order_id_line_fkey"), "{want}");
    assert_eq!(want.matches("NOT VALID").count(), 2, "{want}");
    assert!(want.contains("EXCLUDE USING gist"), "{want}");
    assert!(want.contains("PARTITION BY RANGE (taken_at)"), "{want}");
    assert_eq!(got, want);
}

/// An external reference is checked against the database: without the table, the
/// comparison stops and names the table and the key, before anything is changed.
#[tokio::test]
async fn an_external_reference_to_a_missing_table_is_refused() {
    let db = TestDb::postgres_for("real_schemas").await.unwrap();
    let mut database = Database::connect(db.url(), &Wait::default()).await.unwrap();
    let models = pg_default_models();
    let error = compare(&mut database, &models, &SchemaFilter::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("table billing.accounts is referenced as external")
            && error.contains("fk_orders_account_id_accounts of orders"),
        "{error}"
    );
    let tables = db
        .query_strings("SELECT count(*)::text FROM pg_tables WHERE schemaname = 'public'")
        .await
        .unwrap();
    assert_eq!(tables, ["0"]);
}

/// Deferral is compared: a key the database defers and the model does not is drift.
#[tokio::test]
async fn a_changed_deferral_is_drift() {
    let (_db, mut database) = database_with(PG_DEFAULTS).await;
    let mut defs = pg_default_defs();
    defs[3].foreign_keys[0].initially_deferred = false;
    let ops = ops_against(&mut database, &models(defs)).await;
    assert_eq!(
        ops,
        vec![
            "drop foreign key shipments_order_id_line_fkey on shipments",
            "add foreign key fk_shipments_order_id_line_order_lines on shipments",
        ]
    );
}

/// `GENERATED ALWAYS` is compared: a model that says "by default" changes the identity,
/// and dropping the identity altogether is rated a loosening, never safe.
#[tokio::test]
async fn an_identity_s_kind_is_compared() {
    let (_db, mut database) = database_with(PG_DEFAULTS).await;
    let mut defs = pg_default_defs();
    defs[4].columns[0].identity_always = false;
    defs[4].columns[1].identity = Some(false);
    defs[4].columns[1].identity_start = None;
    defs[4].columns[1].identity_increment = None;
    let models = models(defs);
    let filter = SchemaFilter::default().with_declared_tables(&models);
    let comparison = compare(&mut database, &models, &filter).await.unwrap();
    let ops: Vec<String> = comparison.ops.iter().map(|op| op.describe()).collect();
    assert_eq!(ops.len(), 2, "{ops:#?}");
    assert!(ops.iter().all(|op| op.contains("events.")), "{ops:#?}");
    let verdicts = migrator::safety::verdicts(&comparison.ops);
    assert!(
        verdicts
            .iter()
            .all(|v| v.risk != migrator::safety::Risk::Safe),
        "{verdicts:#?}"
    );
}

/// A key part's collation is compared: an index over `email COLLATE "C"` is not one over
/// `email`.
#[tokio::test]
async fn an_index_part_s_collation_is_compared() {
    let (_db, mut database) = database_with(PG_DEFAULTS).await;
    let mut defs = pg_default_defs();
    let bytes = defs[0]
        .indexes
        .iter_mut()
        .find(|i| i.name.as_deref() == Some("customers_email_bytes_idx"))
        .expect("the collated index");
    bytes.parts = vec!["email DESC".into()];
    let ops = ops_against(&mut database, &models(defs)).await;
    assert_eq!(
        ops,
        [
            "drop index customers_email_bytes_idx on customers",
            "create index customers_email_bytes_idx on customers"
        ]
    );
}

/// An identity's start and step are compared and changed in place; the next value stays.
#[tokio::test]
async fn an_identity_s_start_and_step_are_compared() {
    let (_db, mut database) = database_with(PG_DEFAULTS).await;
    let mut defs = pg_default_defs();
    defs[4].columns[1].identity_increment = Some(5);
    let models = models(defs);
    let comparison = compare(&mut database, &models, &SchemaFilter::default())
        .await
        .unwrap();
    let ops: Vec<String> = comparison.ops.iter().map(|op| op.describe()).collect();
    assert_eq!(ops, ["alter column events.seq (identity)"]);
    let groups =
        render_groups_from(Dialect::Postgresql, &comparison.current, &comparison.ops).unwrap();
    let sql: Vec<&str> = groups.iter().flatten().map(|s| s.sql.as_str()).collect();
    assert_eq!(
        sql,
        [r#"ALTER TABLE "events" ALTER COLUMN "seq" SET START WITH 1000 SET INCREMENT BY 5"#]
    );
    for statement in &sql {
        database.execute(statement).await.unwrap();
    }
    assert!(ops_against(&mut database, &models).await.is_empty());
    let verdicts = migrator::safety::verdicts(&comparison.ops);
    assert_eq!(verdicts[0].risk, migrator::safety::Risk::Safe);
}

/// A generation expression is compared: one that goes is dropped in place (the values
/// stay); a new one cannot be given in place, and rendering says what to write instead.
#[tokio::test]
async fn a_generation_expression_is_compared() {
    let (_db, mut database) = database_with(PG_DEFAULTS).await;
    let mut defs = pg_default_defs();
    amount(&mut defs).generated = None;
    let plain = models(defs);
    let comparison = compare(&mut database, &plain, &SchemaFilter::default())
        .await
        .unwrap();
    let groups =
        render_groups_from(Dialect::Postgresql, &comparison.current, &comparison.ops).unwrap();
    let sql: Vec<&str> = groups.iter().flatten().map(|s| s.sql.as_str()).collect();
    assert_eq!(
        sql,
        [r#"ALTER TABLE "order_lines" ALTER COLUMN "amount" DROP EXPRESSION"#]
    );

    let mut defs = pg_default_defs();
    amount(&mut defs).generated = Some("quantity * unit_price * 2".into());
    let doubled = models(defs);
    let comparison = compare(&mut database, &doubled, &SchemaFilter::default())
        .await
        .unwrap();
    let error = render_groups_from(Dialect::Postgresql, &comparison.current, &comparison.ops)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("cannot give an existing column of order_lines a new generation"),
        "{error}"
    );
}

fn amount(defs: &mut [TableDef]) -> &mut ColumnDef {
    defs[2]
        .columns
        .iter_mut()
        .find(|c| c.name == "amount")
        .unwrap()
}

/// `NOT VALID` is compared: a model that says the check is valid is drift.
#[tokio::test]
async fn not_valid_is_compared() {
    let (_db, mut database) = database_with(PG_DEFAULTS).await;
    // The models now say the check and the key are valid: validated in place (the rows
    // are checked while the table stays writable), never dropped and added.
    let mut defs = pg_default_defs();
    let events = defs.iter_mut().find(|d| d.name == "events").unwrap();
    events.checks[0].not_valid = false;
    let reservations = defs.iter_mut().find(|d| d.name == "reservations").unwrap();
    reservations.foreign_keys[0].not_valid = false;
    let valid = models(defs);
    let comparison = compare(&mut database, &valid, &SchemaFilter::default())
        .await
        .unwrap();
    let ops: Vec<String> = comparison.ops.iter().map(|op| op.describe()).collect();
    assert_eq!(
        ops,
        [
            "validate constraint events_name_short on events",
            "validate constraint reservations_event_id_fkey on reservations",
        ]
    );
    let probes =
        migrator::preflight::probes(Dialect::Postgresql, &comparison.current, &comparison.ops);
    assert!(
        probes[0].sql.contains("WHERE NOT (") && probes.len() == 2,
        "{probes:#?}"
    );
    let groups =
        render_groups_from(Dialect::Postgresql, &comparison.current, &comparison.ops).unwrap();
    let sql: Vec<&str> = groups.iter().flatten().map(|s| s.sql.as_str()).collect();
    assert_eq!(
        sql,
        [
            r#"ALTER TABLE "events" VALIDATE CONSTRAINT "events_name_short""#,
            r#"ALTER TABLE "reservations" VALIDATE CONSTRAINT "reservations_event_id_fkey""#,
        ]
    );
    for statement in &sql {
        database.execute(statement).await.unwrap();
    }
    assert!(ops_against(&mut database, &valid).await.is_empty());
    // The other way a constraint can only be dropped and added back NOT VALID (the key
    // then under the convention's name: it is a new constraint).
    let ops = ops_against(&mut database, &pg_default_models()).await;
    assert_eq!(
        ops,
        [
            "drop foreign key reservations_event_id_fkey on reservations",
            "drop check constraint events_name_short on events",
            "add check constraint events_name_short on events",
            "add foreign key fk_reservations_event_id_events on reservations",
        ]
    );
}

/// The models of `namespaces.sql`, under PostgreSQL's naming convention.
fn namespace_defs() -> Vec<TableDef> {
    let plan = models::enum_type("app.plan", &["free", "team", "enterprise"]);
    let action = models::enum_type("audit.action", &["insert", "update", "delete"]);
    vec![
        table(
            "app.accounts",
            vec![
                col("id", ColumnType::BigInt).pk(),
                col("name", ColumnType::Text).unique(),
                models::enum_col("plan", &plan).default("'free'"),
            ],
        ),
        table(
            "app.events",
            vec![
                col("id", ColumnType::BigInt).pk(),
                col("account_id", ColumnType::BigInt)
                    .refs("app.accounts.id")
                    .on_delete("cascade")
                    .index(),
                col("kind", ColumnType::Text),
            ],
        ),
        table(
            "audit.events",
            vec![
                col("id", ColumnType::BigInt).pk(),
                col("account_id", ColumnType::BigInt)
                    .null()
                    .refs("app.accounts.id")
                    .on_delete("set null")
                    .index(),
                models::enum_col("action", &action),
                col("at", ColumnType::TimestampTz).default("now()"),
            ],
        )
        .verbatim_check("events_check", "action <> 'delete' OR account_id IS NULL")
        .comment("Every change, kept for seven years."),
    ]
}

/// What `migrate` with no subcommand does in development (compare, generate, apply) finds
/// the database in sync with the models, writes no revision and changes nothing.
async fn development_run_changes_nothing(db: &TestDb, models: &Schema) {
    use migrator::workflow::{self, EnvConfig, Outcome};
    let before = schema_dump_without_history(db.url());
    let dir = tempfile::tempdir().unwrap();
    let url = db.url().to_string();
    let options = EnvConfig::from_lookup(|name| (name == "DATABASE_URL").then(|| url.clone()))
        .unwrap()
        .options("real_schemas", &dir.path().join("migrations"))
        .unwrap();
    let report = workflow::run(models, &options, &mut |_| {}).await.unwrap();
    assert_eq!(report.outcome, Outcome::InSync);
    let versions = dir.path().join("migrations").join("versions");
    let written = std::fs::read_dir(&versions)
        .map(|entries| entries.count())
        .unwrap_or(0);
    assert_eq!(
        written,
        0,
        "a revision was written in {}",
        versions.display()
    );
    assert_eq!(schema_dump_without_history(db.url()), before);
}

/// Two namespaces with a table name in both, an enum type in each and keys across them:
/// zero drift, a development run that changes nothing, and a database built from the
/// models that dumps like the original.
#[tokio::test]
async fn an_application_over_several_namespaces_reaches_zero_drift_and_rebuilds_alike() {
    let (original, mut database) = database_with(NAMESPACES).await;
    let models = pg_convention_models(namespace_defs());
    let comparison = compare(&mut database, &models, &SchemaFilter::default())
        .await
        .unwrap();
    assert!(comparison.ops.is_empty(), "{:#?}", comparison.ops);
    assert!(
        comparison.unmanaged.is_empty(),
        "{:#?}",
        comparison.unmanaged
    );
    development_run_changes_nothing(&original, &models).await;

    let (fresh, mut built) = database_with("SELECT 1").await;
    build_from_models(&mut built, &models).await;
    assert!(ops_against(&mut built, &models).await.is_empty());
    let (want, got) = (
        schema_dump_without_history(original.url()),
        schema_dump_without_history(fresh.url()),
    );
    assert_eq!(want.matches("events_account_id_idx").count(), 2, "{want}");
    assert_eq!(got, want);
}

/// The hand-written and the Rails schema too: a development run finds each in sync and
/// leaves it alone, the partitioned table, the exclusion constraint, the external
/// reference and Rails' own tables included.
#[tokio::test]
async fn a_development_run_on_an_adopted_schema_changes_nothing() {
    let (db, _database) = database_with(PG_DEFAULTS).await;
    development_run_changes_nothing(&db, &pg_default_models()).await;
    // Rails' own tables (`schema_migrations`, `ar_internal_metadata`) are left out.
    let (db, _database) = database_with(RAILS).await;
    development_run_changes_nothing(&db, &rails_models()).await;
}

/// Under PostgreSQL's convention a renamed table takes its convention names along, as it
/// does under the default one: `orders_pkey` becomes `purchases_pkey`, so the renamed
/// database dumps like one built from the models. Names the model states, or that the
/// convention did not give (`orders_total_sane`, `orders_recent_idx`), stay; so do the
/// names of other tables' keys that point at it.
#[tokio::test]
async fn a_renamed_table_takes_its_convention_names_along() {
    let (_db, mut database) = database_with(PG_DEFAULTS).await;
    let mut defs = pg_default_defs();
    defs[1].name = "purchases".into();
    defs[1].renamed_from = Some("orders".into());
    // A renamed column takes the names built from it along too.
    defs[1].columns[4].name = "ordered_at".into();
    defs[1].columns[4].renamed_from = Some("placed_at".into());
    defs[1].indexes[0] = index(&["ordered_at"]).filter("total > 0");
    defs[1].indexes[1].parts = vec!["ordered_at DESC NULLS FIRST".into()];
    defs[2].columns[0] = col("order_id", ColumnType::BigInt)
        .refs("purchases.id")
        .on_delete("cascade");
    let models = pg_convention_models(defs);
    let ops = ops_against(&mut database, &models).await;
    assert_eq!(
        ops,
        [
            "rename table orders to purchases",
            "rename column purchases.placed_at to ordered_at",
            "rename constraint orders_pkey to purchases_pkey on purchases",
            "rename constraint orders_total_check to purchases_total_check on purchases",
            "rename index orders_customer_id_idx to purchases_customer_id_idx on purchases",
            "rename index orders_placed_at_idx to purchases_ordered_at_idx on purchases",
            "rename constraint orders_account_id_fkey to purchases_account_id_fkey on purchases",
            "rename constraint orders_customer_id_fkey to purchases_customer_id_fkey on purchases",
        ],
        "{ops:#?}"
    );
}
