//! `migrate init --from-db`: databases shaped like real applications (the schemas of
//! `real_schemas/`, written by other tools) declared as models that reach zero drift.

use migrator::adopt::{self, Adopted, Layout};
use migrator::db::{Database, Wait};
use migrator::filter::SchemaFilter;
use workspace_tests::TestDb;

const RAILS: &str = include_str!("real_schemas/rails.sql");
const PG_DEFAULTS: &str = include_str!("real_schemas/pg_defaults.sql");
const EXTERNAL: &str = include_str!("real_schemas/external.sql");
const NAMESPACES: &str = include_str!("real_schemas/namespaces.sql");
const ODD_NAMES: &str = include_str!("real_schemas/odd_names.sql");
const ODD_NAMES_MYSQL: &str = include_str!("real_schemas/odd_names.mysql.sql");
const ODD_NAMES_SQLITE: &str = include_str!("real_schemas/odd_names.sqlite.sql");
const RAILS_MYSQL: &str = include_str!("real_schemas/rails.mysql.sql");
const DJANGO_SQLITE: &str = include_str!("real_schemas/django.sqlite.sql");

async fn adopted(db: &TestDb, sql: &str) -> Adopted {
    let mut database = Database::connect(db.url(), &Wait::default()).await.unwrap();
    database.execute(sql).await.unwrap();
    adopt::adopt(&mut database, &SchemaFilter::default())
        .await
        .unwrap()
}

/// The generated source, one file after another, for failure messages.
fn source(adopted: &Adopted) -> String {
    let layout = Layout::Module {
        dir: "models".into(),
        per_table: false,
    };
    adopt::files(&adopted.adoption, &layout)
        .unwrap()
        .into_iter()
        .map(|f| format!("// {}\n{}", f.path.display(), f.text))
        .collect()
}

fn assert_in_sync(adopted: &Adopted) {
    let ops: Vec<String> = adopted
        .comparison
        .ops
        .iter()
        .map(|op| format!("{} {op:?}", op.describe()))
        .collect();
    assert!(ops.is_empty(), "{ops:#?}\n{}", source(adopted));
}

#[tokio::test]
async fn a_rails_schema_is_declared_without_drift() {
    let db = TestDb::postgres_for("adopt").await.unwrap();
    let adopted = adopted(&db, RAILS).await;
    assert_in_sync(&adopted);
    let foreign: Vec<&str> = adopted.foreign.iter().map(|f| f.table.as_str()).collect();
    assert_eq!(foreign, ["schema_migrations", "ar_internal_metadata"]);
}

#[tokio::test]
async fn a_schema_named_by_postgresql_is_declared_without_drift() {
    let db = TestDb::postgres_for("adopt").await.unwrap();
    let adopted = adopted(&db, &format!("{EXTERNAL}\n{PG_DEFAULTS}")).await;
    assert_in_sync(&adopted);
}

#[tokio::test]
async fn an_application_over_namespaces_is_declared_without_drift() {
    let db = TestDb::postgres_for("adopt").await.unwrap();
    let adopted = adopted(&db, NAMESPACES).await;
    assert_in_sync(&adopted);
}

#[tokio::test]
async fn reserved_words_quoted_names_and_cycles_are_declared_without_drift() {
    let db = TestDb::postgres_for("adopt").await.unwrap();
    let adopted = adopted(&db, ODD_NAMES).await;
    assert_in_sync(&adopted);
}

#[tokio::test]
async fn a_rails_schema_on_mariadb_is_declared_without_drift() {
    let db = TestDb::mysql_for("adopt").await.unwrap();
    let adopted = adopted(&db, RAILS_MYSQL).await;
    assert_in_sync(&adopted);
    let foreign: Vec<&str> = adopted.foreign.iter().map(|f| f.table.as_str()).collect();
    assert_eq!(foreign, ["schema_migrations", "ar_internal_metadata"]);
}

#[tokio::test]
async fn odd_names_on_mariadb_are_declared_without_drift() {
    let db = TestDb::mysql_for("adopt").await.unwrap();
    let adopted = adopted(&db, ODD_NAMES_MYSQL).await;
    assert_in_sync(&adopted);
}

#[tokio::test]
async fn a_django_project_on_sqlite_is_declared_without_drift() {
    let db = TestDb::sqlite_for("adopt").await.unwrap();
    let adopted = adopted(&db, DJANGO_SQLITE).await;
    assert_in_sync(&adopted);
    let foreign: Vec<&str> = adopted.foreign.iter().map(|f| f.table.as_str()).collect();
    assert_eq!(foreign, ["django_migrations"]);
}

#[tokio::test]
async fn odd_names_on_sqlite_are_declared_without_drift() {
    let db = TestDb::sqlite_for("adopt").await.unwrap();
    let adopted = adopted(&db, ODD_NAMES_SQLITE).await;
    assert_in_sync(&adopted);
}
