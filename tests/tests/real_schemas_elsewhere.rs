//! Databases other tools built on SQLite and MariaDB, with the models a team adopting the
//! migrator writes for them: a Django project on SQLite (`AUTOINCREMENT` keys, deferrable
//! foreign keys, `<table>_<column>_<hash>` index names, functional and descending
//! indexes) and a Rails application on MariaDB (`index_<table>_on_<columns>`,
//! `fk_rails_<hash>`, an enum column, a descending index, a stored generated column).
//! The models state no constraint or index names but the ones over expressions; each
//! schema reaches zero drift, a development run changes nothing, and a database built
//! from the models compares clean against them.

use migrator::compare::compare;
use migrator::db::{Database, Wait};
use migrator::filter::SchemaFilter;
use migrator::render::render_groups_from;
use migrator::workflow::{self, EnvConfig, Outcome};
use schema_runtime::decl::{CheckDef, ColumnDef, ColumnVariant, ForeignKeyDef, IndexDef, TableDef};
use schema_runtime::registry;
use schema_runtime::schema::{ColumnType, Schema};
use schema_runtime::Dialect;
use workspace_tests::TestDb;

#[path = "pg_scenarios/models.rs"]
#[allow(dead_code)]
mod models;

use models::{col, table, ColumnDefExt, TableDefExt};

const DJANGO: &str = include_str!("real_schemas/django.sqlite.sql");
const RAILS: &str = include_str!("real_schemas/rails.mysql.sql");

fn varchar(length: u32) -> ColumnType {
    ColumnType::Varchar {
        length: Some(length),
    }
}

fn datetime(name: &str) -> ColumnDef {
    col(name, ColumnType::Text).sql_type("datetime")
}

/// Django's key: `integer NOT NULL PRIMARY KEY AUTOINCREMENT`.
fn django_id() -> ColumnDef {
    ColumnDef {
        variants: vec![ColumnVariant {
            dialect: Dialect::Sqlite,
            sql_type: None,
            default: None,
            check: None,
            collation: None,
            autoincrement: true,
        }],
        ..col("id", ColumnType::BigInt).pk()
    }
}

/// Django's foreign key: `REFERENCES .. DEFERRABLE INITIALLY DEFERRED`.
fn deferred(column: &str, table: &str) -> ForeignKeyDef {
    ForeignKeyDef {
        columns: vec![column.into()],
        referenced_table: table.into(),
        referenced_columns: vec!["id".into()],
        initially_deferred: true,
        ..ForeignKeyDef::default()
    }
}

fn named(name: &str, parts: &[&str]) -> IndexDef {
    IndexDef {
        name: Some(name.into()),
        parts: parts.iter().map(|p| p.to_string()).collect(),
        ..IndexDef::default()
    }
}

fn plain(columns: &[&str]) -> IndexDef {
    IndexDef {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        ..IndexDef::default()
    }
}

fn django_defs() -> Vec<TableDef> {
    let mut post = table(
        "blog_post",
        vec![
            django_id(),
            col("title", varchar(200)),
            col("slug", varchar(50)),
            col("body", ColumnType::Text),
            col("rating", ColumnType::Integer)
                .null()
                .sql_type("integer unsigned")
                .check("\"rating\" >= 0"),
            datetime("created"),
            col("author_id", ColumnType::BigInt),
        ],
    )
    .index(plain(&["slug"]))
    .index(plain(&["author_id"]))
    .index(named("blog_post_lower_title_idx", &["lower(\"title\")"]))
    .index(named("blog_post_created_desc_idx", &["created DESC"]));
    post.foreign_keys.push(deferred("author_id", "auth_user"));
    let mut tags = table(
        "blog_post_tags",
        vec![
            django_id(),
            col("post_id", ColumnType::BigInt),
            col("tag_id", ColumnType::BigInt),
        ],
    )
    .index(IndexDef {
        unique: true,
        ..plain(&["post_id", "tag_id"])
    })
    .index(plain(&["tag_id"]));
    tags.foreign_keys.extend([
        deferred("post_id", "blog_post"),
        deferred("tag_id", "blog_tag"),
    ]);
    vec![
        table(
            "auth_user",
            vec![
                django_id(),
                col("password", varchar(128)),
                datetime("last_login").null(),
                col("is_superuser", ColumnType::Boolean),
                col("username", varchar(150)).unique(),
                col("email", varchar(254)),
                col("is_active", ColumnType::Boolean),
                datetime("date_joined"),
            ],
        ),
        table(
            "blog_tag",
            vec![django_id(), col("name", varchar(50)).unique()],
        ),
        post,
        tags,
    ]
}

fn rails_defs() -> Vec<TableDef> {
    let status = models::enum_type("post_status", &["draft", "published"]);
    let timestamp = |name: &str| col(name, ColumnType::Timestamp);
    let users = table(
        "users",
        vec![
            col("id", ColumnType::BigInt).pk(),
            col("email", varchar(255)).default("''").unique(),
            col("name", varchar(100)).null(),
            timestamp("created_at"),
            timestamp("updated_at"),
        ],
    )
    .index(named("index_users_on_created_at", &["created_at DESC"]));
    let mut posts = table(
        "posts",
        vec![
            col("id", ColumnType::BigInt).pk(),
            col("user_id", ColumnType::BigInt).refs("users.id"),
            col("title", varchar(255)),
            // `text`, not the `longtext` a model's string is on MySQL.
            col("body", ColumnType::Text).null().sql_type("text"),
            models::enum_col("status", &status).default("'draft'"),
            ColumnDef {
                generated: Some("char_length(title)".into()),
                ..col("title_length", ColumnType::Integer).null()
            },
            timestamp("created_at"),
            timestamp("updated_at"),
        ],
    )
    .index(plain(&["user_id"]))
    .unique(&["user_id", "title"]);
    posts.checks.push(CheckDef {
        name: "chk_rails_title_present".into(),
        expression: "char_length(title) > 0".into(),
        verbatim: true,
        ..CheckDef::default()
    });
    vec![users, posts]
}

fn build(defs: Vec<TableDef>, dialect: Dialect) -> Schema {
    registry::build(defs, dialect).unwrap_or_else(|e| panic!("the models are wrong: {e}"))
}

async fn ops(database: &mut Database, models: &Schema) -> Vec<String> {
    let comparison = compare(database, models, &SchemaFilter::default())
        .await
        .unwrap();
    comparison.ops.iter().map(|op| op.describe()).collect()
}

/// Creates the models' schema as the engine would, statement by statement.
async fn build_from_models(database: &mut Database, models: &Schema, dialect: Dialect) {
    let comparison = compare(database, models, &SchemaFilter::default())
        .await
        .unwrap();
    let groups = render_groups_from(dialect, &comparison.current, &comparison.ops).unwrap();
    for statement in groups.iter().flatten().filter(|s| !s.is_comment_only()) {
        database
            .execute(&statement.sql)
            .await
            .unwrap_or_else(|e| panic!("{e}\n{}", statement.sql));
    }
}

/// A development run (compare, generate, apply) finds nothing to do and writes nothing.
async fn development_run_finds_nothing(db: &TestDb, models: &Schema) {
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
}

async fn adopt(dialect: Dialect, sql: &str, models: &Schema) {
    let db = TestDb::for_dialect(dialect, "real_schemas_elsewhere")
        .await
        .unwrap();
    db.execute_script(sql).await.unwrap();
    let mut database = Database::connect(db.url(), &Wait::default()).await.unwrap();
    let found = ops(&mut database, models).await;
    assert!(found.is_empty(), "{dialect}: {found:#?}");
    development_run_finds_nothing(&db, models).await;

    let fresh = TestDb::for_dialect(dialect, "real_schemas_elsewhere")
        .await
        .unwrap();
    let mut built = Database::connect(fresh.url(), &Wait::default())
        .await
        .unwrap();
    build_from_models(&mut built, models, dialect).await;
    let found = ops(&mut built, models).await;
    assert!(
        found.is_empty(),
        "{dialect}, built from the models: {found:#?}"
    );
}

#[tokio::test]
async fn a_django_project_on_sqlite_reaches_zero_drift_and_rebuilds_alike() {
    let models = build(django_defs(), Dialect::Sqlite);
    adopt(Dialect::Sqlite, DJANGO, &models).await;
}

/// Django's keys never hand out an id again: a model that forgets `autoincrement` is
/// drift, and the rebuild that follows keeps the rows.
#[tokio::test]
async fn a_forgotten_autoincrement_is_drift_on_sqlite() {
    let mut defs = django_defs();
    defs[1].columns[0].variants.clear();
    let models = build(defs, Dialect::Sqlite);
    let db = TestDb::sqlite_for("real_schemas_elsewhere").await.unwrap();
    db.execute_script(DJANGO).await.unwrap();
    let mut database = Database::connect(db.url(), &Wait::default()).await.unwrap();
    assert_eq!(
        ops(&mut database, &models).await,
        ["alter column blog_tag.id (identity)"]
    );
}

#[tokio::test]
async fn a_rails_application_on_mariadb_reaches_zero_drift_and_rebuilds_alike() {
    let models = build(rails_defs(), Dialect::Mysql);
    adopt(Dialect::Mysql, RAILS, &models).await;
}

/// A rebuild keeps `AUTOINCREMENT`'s promise: an id deleted from the top is not handed
/// out again after the table is rebuilt.
#[tokio::test]
async fn a_sqlite_rebuild_keeps_the_autoincrement_mark() {
    let db = TestDb::sqlite_for("real_schemas_elsewhere").await.unwrap();
    db.execute_script(DJANGO).await.unwrap();
    db.execute_script(
        "INSERT INTO blog_tag (name) VALUES ('a'), ('b'), ('c'); DELETE FROM blog_tag WHERE id = 3;",
    )
    .await
    .unwrap();
    let mut defs = django_defs();
    defs[1] = defs[1].clone().check("name_present", "length(name) > 0");
    let models = build(defs, Dialect::Sqlite);
    let mut database = Database::connect(db.url(), &Wait::default()).await.unwrap();
    let comparison = compare(&mut database, &models, &SchemaFilter::default())
        .await
        .unwrap();
    let ops: Vec<String> = comparison.ops.iter().map(|op| op.describe()).collect();
    assert_eq!(
        ops,
        ["add check constraint ck_blog_tag_name_present on blog_tag"]
    );
    let groups = render_groups_from(Dialect::Sqlite, &comparison.current, &comparison.ops).unwrap();
    let script: Vec<String> = groups.iter().flatten().map(|s| s.sql.clone()).collect();
    assert!(
        script.iter().any(|s| s.contains("sqlite_sequence")),
        "{script:#?}"
    );
    for statement in &script {
        database.execute(statement).await.unwrap();
    }
    db.execute_script("INSERT INTO blog_tag (name) VALUES ('d');")
        .await
        .unwrap();
    let mut conn: sqlx::SqliteConnection = db.connect().await.unwrap();
    let id: i64 = sqlx::query_scalar("SELECT id FROM blog_tag WHERE name = 'd'")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(id, 4, "the deleted id 3 came back");
    assert!(ops_after(&mut database, &models).await.is_empty());
}

async fn ops_after(database: &mut Database, models: &Schema) -> Vec<String> {
    ops(database, models).await
}
