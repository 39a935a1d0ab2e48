//! Whole schemas: the example application from an empty database, and the no-op (models
//! and database already agree).

use migrator::db::{Database, Wait};
use migrator::dialect::postgres::inspect::inspect;
use migrator::dialect::postgres::normalize::normalize_target;
use migrator::filter::SchemaFilter;
use migrator::{diff, Dialect, DiffOptions};
use schema_runtime::Schema;
use sqlx::PgConnection;
use workspace_tests::TestDb;

use super::kit::{build_from_models, scenario};

fn example_app() -> Schema {
    app_schema::link();
    schema_runtime::registry::collect(schema_runtime::Dialect::Postgresql)
        .expect("the example models are valid")
}

#[tokio::test]
async fn example_app_from_an_empty_database() {
    scenario(
        "example_app_from_an_empty_database",
        Schema::default(),
        example_app(),
    )
    .skip_all(&[Dialect::Mysql, Dialect::Sqlite], OWN_TARGET)
    .run()
    .await;
}

/// The example app's models are another schema on MySQL and SQLite (their variants), so
/// those runs live in `mysql_scenarios::whole` and `sqlite_scenarios::tables`.
const OWN_TARGET: &str = "the example's variants make another target there; see its own suite";

#[tokio::test]
async fn no_change_gives_no_ops() {
    let outcome = scenario("no_change_gives_no_ops", example_app(), example_app())
        .skip_all(&[Dialect::Mysql, Dialect::Sqlite], OWN_TARGET)
        .run()
        .await;
    assert!(outcome.ops.is_empty());
}

/// Models that read exactly like the database (every expression in the server's spelling)
/// cost no normalisation round trip at all; the example's own spellings cost a constant
/// few and still find nothing to do.
#[tokio::test]
async fn a_database_in_sync_costs_no_normalisation_query() {
    let db = TestDb::postgres().await.unwrap();
    let mut conn: PgConnection = db.connect().await.unwrap();
    let mut engine = Database::connect(db.url(), &Wait::default()).await.unwrap();
    let models = example_app();
    build_from_models(&mut engine, &models).await.unwrap();
    let filter = SchemaFilter::default().with_namespaces_of(&models);
    let current = inspect(&mut conn, &filter).await.unwrap();
    let options = DiffOptions::new(Dialect::Postgresql);

    let mut spelled_like_the_server = current.clone();
    let stats = normalize_target(&mut conn, &current, &mut spelled_like_the_server)
        .await
        .unwrap();
    assert_eq!((stats.tables, stats.queries), (0, 0));
    assert!(diff(&current, &spelled_like_the_server, &options).is_empty());

    let mut target = models.clone();
    target.normalize_default_namespace("public");
    let stats = normalize_target(&mut conn, &current, &mut target)
        .await
        .unwrap();
    // begin, the script, search_path, scratch tables, columns, constraints, indexes, at
    // most five lookups of what those name by OID, rollback: 13 at most, whatever the
    // number of tables.
    assert!(stats.queries > 0 && stats.queries <= 13, "{stats:?}");
    assert!(diff(&current, &target, &options).is_empty());
}
