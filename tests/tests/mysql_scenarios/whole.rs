//! Whole schemas: the example application as far as MySQL can hold it, and the clear
//! errors for what it cannot (namespaces, arrays, partial indexes).

use migrator::compare::compare;
use migrator::db::{Database, Wait};
use migrator::filter::SchemaFilter;
use migrator::render::render;
use migrator::{diff, Dialect, DiffOptions};
use schema_runtime::schema::{ColumnType, Schema};
use workspace_tests::TestDb;

use super::kit::scenario;

fn example_app() -> Schema {
    app_schema::link();
    schema_runtime::registry::collect(schema_runtime::Dialect::Postgresql)
        .expect("the example models are valid")
}

/// The example app as it stands on MySQL: its MySQL variants (`REGEXP` checks, JSON labels,
/// a prefixed `audit_events`, plain indexes for the partial ones) applied by the registry.
pub fn example_app_for_mysql() -> Schema {
    app_schema::link();
    schema_runtime::registry::collect(Dialect::Mysql).expect("the example models are valid")
}

#[tokio::test]
async fn example_app_from_an_empty_database() {
    scenario(
        "example_app_from_an_empty_database",
        Schema::default(),
        example_app_for_mysql(),
    )
    .run()
    .await;
}

#[tokio::test]
async fn the_example_app_in_sync_gives_no_ops() {
    let outcome = scenario(
        "the_example_app_in_sync_gives_no_ops",
        example_app_for_mysql(),
        example_app_for_mysql(),
    )
    .run()
    .await;
    assert!(outcome.ops.is_empty());
}

#[tokio::test]
async fn what_mysql_cannot_express_is_a_clear_error() {
    let db = TestDb::mysql().await.unwrap();
    let mut engine = Database::connect(db.url(), &Wait::default()).await.unwrap();

    // A namespace: refused when the database is read, naming it.
    let error = compare(&mut engine, &example_app(), &SchemaFilter::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("no schemas inside a database"), "{error}");
    assert!(error.contains("`audit`"), "{error}");

    // An array column and a partial index: refused when SQL is written, naming them.
    let mut no_namespace = example_app();
    no_namespace.tables.retain(|t| t.name.schema.is_none());
    let ops = diff(
        &Schema::default(),
        &no_namespace,
        &DiffOptions::new(Dialect::Mysql),
    );
    let error = render(Dialect::Mysql, &ops).unwrap_err().to_string();
    assert!(
        error.contains("labels") && error.contains("array"),
        "{error}"
    );
    let mut no_array = no_namespace.clone();
    for table in &mut no_array.tables {
        table
            .columns
            .retain(|c| !matches!(c.ty, ColumnType::Array { .. }));
    }
    let ops = diff(
        &Schema::default(),
        &no_array,
        &DiffOptions::new(Dialect::Mysql),
    );
    let error = render(Dialect::Mysql, &ops).unwrap_err().to_string();
    assert!(error.contains("no partial indexes"), "{error}");
    assert!(
        error.contains("ix_users_active_email") || error.contains("ix_tasks_open_by_project"),
        "{error}"
    );
}
