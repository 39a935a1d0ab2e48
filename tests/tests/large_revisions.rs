//! The first revision of a schema of thousands of tables, on a PostgreSQL configured as
//! shipped (`max_locks_per_transaction` 64, `max_connections` 100: a lock table of 6,400
//! for all sessions). In one transaction the revision runs out of the lock table ("out of
//! shared memory"); autogeneration writes it in parts, which apply one after the other,
//! and the database then matches the models.

mod apply_kit;

use apply_kit::{connect, options};
use migrator::apply::{autogenerate_revision, compose_from, Session};
use migrator::compare::compare;
use migrator::filter::SchemaFilter;
use migrator::revision::{self, Target};
use schema_runtime::decl::TableDef;
use schema_runtime::schema::{ColumnType, Schema};
use sqlx::{Connection, PgConnection};
use workspace_tests::TestDb;

#[path = "pg_scenarios/models.rs"]
#[allow(dead_code)]
mod models;

use models::{col, id, index, models, table, ColumnDefExt, TableDefExt};

/// Tables of an application's shape: an identity key, text that gets a TOAST table, a
/// default, an index, and a foreign key to an earlier table on every other one.
fn schema(tables: usize) -> Schema {
    let defs: Vec<TableDef> = (0..tables)
        .map(|i| {
            let mut columns = vec![
                id(),
                col("title", ColumnType::Text),
                col("created_at", ColumnType::TimestampTz).default("now()"),
            ];
            if i % 2 == 1 {
                columns
                    .push(col("parent_id", ColumnType::BigInt).refs(&format!("item_{}.id", i / 2)));
            }
            table(&format!("item_{i}"), columns).index(index(&["created_at"]))
        })
        .collect();
    models(defs)
}

#[tokio::test]
async fn a_first_revision_of_two_thousand_tables_is_written_in_parts_that_apply() {
    let db = TestDb::postgres_for("large_revisions").await.unwrap();
    let mut conn = PgConnection::connect(db.url()).await.unwrap();
    let settings: (String, String) = sqlx::query_as(
        "SELECT current_setting('max_locks_per_transaction'), current_setting('max_connections')",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    let models = schema(2_000);
    let mut database = connect(&db).await;
    let dir = tempfile::tempdir().unwrap();
    let set = revision::load(dir.path()).unwrap();

    // The control: the same changes as one revision, in one transaction, fail on a server
    // configured as shipped (a server with a larger lock table holds them).
    let comparison = compare(&mut database, &models, &SchemaFilter::default())
        .await
        .unwrap();
    let whole = compose_from(
        &comparison.current,
        &comparison.ops,
        database.driver(),
        Vec::new(),
        "whole",
    )
    .unwrap()
    .unwrap();
    let at_once = sqlx::raw_sql(&format!("BEGIN;\n{}\nROLLBACK;", whole.revision.up))
        .execute(&mut conn)
        .await;
    if settings == ("64".to_string(), "100".to_string()) {
        let error = at_once
            .expect_err("one transaction holds the whole revision")
            .to_string();
        assert!(error.contains("shared memory"), "{error}");
    }
    // The failed transaction keeps its locks until it ends.
    sqlx::raw_sql("ROLLBACK").execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();

    let generated = autogenerate_revision(
        &mut database,
        &models,
        &set,
        dir.path(),
        "first",
        None,
        &SchemaFilter::default(),
    )
    .await
    .unwrap();
    let parts = generated.earlier.len() + 1;
    assert!(parts >= 4, "{parts} parts");
    let last = generated.file.unwrap();
    assert_eq!(last.message, format!("first (part {parts} of {parts})"));

    let set = revision::load(dir.path()).unwrap();
    assert_eq!(set.heads(), vec![last.revision.clone()]);
    let mut session = Session::begin(&mut database, options()).await.unwrap();
    let report = session.upgrade(&set, &Target::Heads).await.unwrap();
    assert_eq!(report.steps.len(), parts);
    session.finish().await.unwrap();

    let after = compare(&mut database, &models, &SchemaFilter::default())
        .await
        .unwrap();
    let ops: Vec<String> = after.ops.iter().map(|op| op.describe()).collect();
    assert!(ops.is_empty(), "{ops:#?}");
    assert_eq!(after.current.tables.len(), 2_000);
}
