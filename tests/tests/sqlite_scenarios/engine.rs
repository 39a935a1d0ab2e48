//! What the SQLite engine refuses or guards: a rebuild that would break a reference rolls
//! back, arrays and namespaces are errors naming the model's table and column, the
//! migration lock is exclusive, and the history tables work.

use migrator::compare::compare;
use migrator::db::{Database, HeadChange, HistorySql, HistoryTables, Wait};
use migrator::filter::SchemaFilter;
use migrator::render::{render_groups_from, RenderError};
use migrator::revision::RevisionId;
use migrator::{diff, Dialect, DiffOptions};
use schema_runtime::schema::ColumnType::*;
use schema_runtime::schema::Schema;
use sqlx::SqliteConnection;
use workspace_tests::TestDb;

use super::kit::{build_from_models, execute};
use super::models::*;

#[tokio::test]
async fn a_foreign_key_that_rows_break_rolls_the_rebuild_back() {
    let db = TestDb::sqlite().await.unwrap();
    let mut engine = Database::connect(db.url(), &Wait::default()).await.unwrap();
    let a = models(vec![
        table("parents", vec![id()]),
        table("children", vec![id(), col("parent_id", BigInt)]),
    ]);
    let b = models(vec![
        table("parents", vec![id()]),
        table(
            "children",
            vec![id(), col("parent_id", BigInt).refs("parents.id")],
        ),
    ]);
    build_from_models(&mut engine, &a).await.unwrap();
    let mut rows: SqliteConnection = db.connect().await.unwrap();
    sqlx::raw_sql("INSERT INTO children (parent_id) VALUES (42)")
        .execute(&mut rows)
        .await
        .unwrap();
    let filter = SchemaFilter::default();
    let comparison = compare(&mut engine, &b, &filter).await.unwrap();
    let up = render_groups_from(Dialect::Sqlite, &comparison.current, &comparison.ops).unwrap();
    let error = execute(&mut engine, up.iter().flatten()).await.unwrap_err();
    assert!(
        format!("{error:#}").contains("FOREIGN KEY constraint failed after a table rebuild"),
        "{error:#}"
    );
    // Rolled back: the table is as it was, with its row, and still differs from B.
    let again = compare(&mut engine, &b, &filter).await.unwrap();
    assert_eq!(again.ops, comparison.ops);
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM children")
        .fetch_one(&mut rows)
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[test]
fn arrays_and_namespaces_are_refused_by_name() {
    let options = DiffOptions::new(Dialect::Sqlite);
    let arrays = models(vec![table(
        "projects",
        vec![id(), col("labels", array(Text))],
    )]);
    let ops = diff(&Schema::default(), &lowered(&arrays), &options);
    let error = render_groups_from(Dialect::Sqlite, &Schema::default(), &ops).unwrap_err();
    assert!(matches!(error, RenderError::NotExpressible { .. }));
    let message = error.to_string();
    assert!(
        message.contains("column projects.labels is an array"),
        "{message}"
    );

    let namespaced = models(vec![table("audit.events", vec![id()])]);
    let ops = diff(&Schema::default(), &lowered(&namespaced), &options);
    let message = render_groups_from(Dialect::Sqlite, &Schema::default(), &ops)
        .unwrap_err()
        .to_string();
    assert!(message.contains("audit.events"), "{message}");
    assert!(message.contains("namespace \"audit\""), "{message}");
}

#[tokio::test]
async fn the_migration_lock_is_exclusive_and_names_its_holder() {
    let db = TestDb::sqlite().await.unwrap();
    let mut first = Database::connect(db.url(), &Wait::default()).await.unwrap();
    let mut second = Database::connect(db.url(), &Wait::default()).await.unwrap();
    assert!(first.try_lock(&HistoryTables::default()).await.unwrap());
    assert!(!second.try_lock(&HistoryTables::default()).await.unwrap());
    let holder = second
        .lock_holder(&HistoryTables::default())
        .await
        .unwrap()
        .expect("a holder");
    assert_eq!(i64::from(holder.pid), i64::from(std::process::id()));
    assert!(
        holder
            .end_it
            .contains(&format!("stop process {}", holder.pid))
            && holder
                .end_it
                .contains("DELETE FROM dgs_schema_version_lock"),
        "{}",
        holder.end_it
    );
    assert!(first.unlock(&HistoryTables::default()).await.unwrap());
    assert!(second
        .lock_holder(&HistoryTables::default())
        .await
        .unwrap()
        .is_none());
    assert!(second.try_lock(&HistoryTables::default()).await.unwrap());
    assert!(second.unlock(&HistoryTables::default()).await.unwrap());
    // A row left by a process of this host that has ended is taken over.
    let host = holder.client_addr.clone().unwrap_or_default();
    let mut rows: SqliteConnection = db.connect().await.unwrap();
    sqlx::query("INSERT INTO dgs_schema_version_lock (id, pid, host) VALUES (1, 999999999, ?)")
        .bind(&host)
        .execute(&mut rows)
        .await
        .unwrap();
    assert_eq!(
        first.try_lock(&HistoryTables::default()).await.unwrap(),
        !host.is_empty()
    );
    // The lock table is the migrator's own: never reported as drift.
    let schema = first.inspect(&SchemaFilter::default()).await.unwrap();
    assert!(schema.tables.is_empty(), "{schema:?}");
}

#[tokio::test]
async fn history_tables_record_heads_and_stay_out_of_the_schema() {
    let db = TestDb::sqlite().await.unwrap();
    let mut engine = Database::connect(db.url(), &Wait::default()).await.unwrap();
    assert!(!engine
        .history_exists(&HistoryTables::default())
        .await
        .unwrap());
    let history = HistorySql::for_dialect(Dialect::Sqlite, &HistoryTables::default()).unwrap();
    let head = RevisionId::parse("3fa1c2d4e5b6").unwrap();
    let mut statements = history.create_tables();
    statements.extend(history.update_heads(&HeadChange {
        remove: vec![],
        add: vec![head.clone()],
    }));
    engine.execute_in_transaction(&statements).await.unwrap();
    assert!(engine
        .history_complete(&HistoryTables::default())
        .await
        .unwrap());
    assert_eq!(
        engine.read_heads(&HistoryTables::default()).await.unwrap(),
        vec![head]
    );
    assert!(engine
        .read_checksums(&HistoryTables::default())
        .await
        .unwrap()
        .is_empty());
    let schema = engine.inspect(&SchemaFilter::default()).await.unwrap();
    assert!(schema.tables.is_empty(), "{schema:?}");
}

/// What `migrate revision --autogenerate` and `migrate upgrade` / `downgrade` do on an
/// SQLite file, through the library: two autogenerated revisions (a create, then a change
/// that takes a table rebuild), applied by a session, rows kept both ways.
#[tokio::test]
async fn autogenerated_revisions_upgrade_and_downgrade_a_database_file() {
    use migrator::apply::{autogenerate_revision, ApplyOptions, Session};
    use migrator::revision::{load, Target};

    let db = TestDb::sqlite().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let a = models(vec![table("items", vec![id(), col("note", Text).null()])]);
    let b = models(vec![table(
        "items",
        vec![id(), col("note", Text).default("'-'")],
    )]);
    let mut database = Database::connect(db.url(), &Wait::default()).await.unwrap();
    let mut session = Session::begin(&mut database, ApplyOptions::default())
        .await
        .unwrap();

    let set = load(dir.path()).unwrap();
    let first = autogenerate_revision(
        session.database(),
        &a,
        &set,
        dir.path(),
        "create",
        None,
        &migrator::filter::SchemaFilter::default(),
    )
    .await
    .unwrap()
    .file
    .expect("a first revision");
    assert!(first.render().contains("-- dialect: sqlite"));
    let set = load(dir.path()).unwrap();
    session.upgrade(&set, &Target::Heads).await.unwrap();

    let mut rows: SqliteConnection = db.connect().await.unwrap();
    sqlx::raw_sql("INSERT INTO items (note) VALUES ('kept')")
        .execute(&mut rows)
        .await
        .unwrap();

    let second = autogenerate_revision(
        session.database(),
        &b,
        &set,
        dir.path(),
        "rebuild",
        None,
        &migrator::filter::SchemaFilter::default(),
    )
    .await
    .unwrap()
    .file
    .expect("a second revision");
    assert!(second.render().contains("CREATE TABLE \"_new_items\""));
    let set = load(dir.path()).unwrap();
    session.upgrade(&set, &Target::Heads).await.unwrap();
    let filter = SchemaFilter::default();
    assert!(compare(session.database(), &b, &filter)
        .await
        .unwrap()
        .in_sync());

    session
        .downgrade(&set, &Target::Revision(first.revision.as_str().to_owned()))
        .await
        .unwrap();
    assert!(compare(session.database(), &a, &filter)
        .await
        .unwrap()
        .in_sync());
    session.finish().await.unwrap();
    let notes: Vec<String> = sqlx::query_scalar("SELECT note FROM items")
        .fetch_all(&mut rows)
        .await
        .unwrap();
    assert_eq!(notes, vec!["kept"]);
}

/// `migrate upgrade --sql` on an SQLite history: the script runs as is on a fresh file
/// (the lock statement turns foreign keys off and creates its table first) and leaves the
/// database at the head.
#[tokio::test]
async fn offline_scripts_run_on_a_fresh_file() {
    use migrator::apply::autogenerate_from_comparison;
    use migrator::apply::{offline_script, Direction, OfflineRange};
    use migrator::revision::load;

    let dir = tempfile::tempdir().unwrap();
    let a = models(vec![
        table("parents", vec![id(), col("name", Text)]),
        table(
            "children",
            vec![
                id(),
                col("parent_id", BigInt)
                    .refs("parents.id")
                    .on_delete("cascade"),
            ],
        ),
    ]);
    let scratch = TestDb::sqlite().await.unwrap();
    let mut database = Database::connect(scratch.url(), &Wait::default())
        .await
        .unwrap();
    let comparison = compare(&mut database, &a, &SchemaFilter::default())
        .await
        .unwrap();
    let set = load(dir.path()).unwrap();
    autogenerate_from_comparison(
        &comparison,
        migrator::dialect::driver(Dialect::Sqlite),
        &set,
        dir.path(),
        "create",
        None,
    )
    .unwrap();
    let set = load(dir.path()).unwrap();
    let range: OfflineRange = "head".parse().unwrap();
    let script = offline_script(
        &set,
        Dialect::Sqlite,
        Direction::Up,
        &range,
        &HistoryTables::default(),
    )
    .unwrap();
    assert!(script.contains("PRAGMA foreign_keys = OFF;"), "{script}");

    let fresh = TestDb::sqlite().await.unwrap();
    let mut conn: SqliteConnection = fresh.connect().await.unwrap();
    sqlx::raw_sql(&script).execute(&mut conn).await.unwrap();
    let mut engine = Database::connect(fresh.url(), &Wait::default())
        .await
        .unwrap();
    assert_eq!(
        engine.read_heads(&HistoryTables::default()).await.unwrap(),
        set.heads()
    );
    assert!(compare(&mut engine, &a, &SchemaFilter::default())
        .await
        .unwrap()
        .in_sync());
    assert!(engine
        .lock_holder(&HistoryTables::default())
        .await
        .unwrap()
        .is_none());
}

/// A database another tool wrote: unnamed and column-level constraints, a reference
/// without columns, an expression index and a partial one, all read back.
#[tokio::test]
async fn a_hand_written_database_is_read_in_full() {
    use schema_runtime::schema::{ForeignKeyAction, Identity, IndexPart, QualifiedName};

    let db = TestDb::sqlite().await.unwrap();
    let mut rows: SqliteConnection = db.connect().await.unwrap();
    sqlx::raw_sql(
        "CREATE TABLE p (id INTEGER PRIMARY KEY, code TEXT UNIQUE);
         CREATE TABLE c (
             id INTEGER PRIMARY KEY,
             p_id INT NOT NULL REFERENCES p ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
             qty INT DEFAULT (1 + 1) CHECK (qty > 0),
             note TEXT,
             CHECK (note <> 'x, (y)')
         );
         CREATE INDEX ix_c_lower ON c (lower(note)) WHERE qty > 1;",
    )
    .execute(&mut rows)
    .await
    .unwrap();
    let mut engine = Database::connect(db.url(), &Wait::default()).await.unwrap();
    let schema = engine.inspect(&SchemaFilter::default()).await.unwrap();
    let c = schema.table(&QualifiedName::new("c")).unwrap();
    assert_eq!(c.column("id").unwrap().identity, Some(Identity::ByDefault));
    assert_eq!(c.column("qty").unwrap().default.as_deref(), Some("1 + 1"));
    assert_eq!(c.column("qty").unwrap().ty, Integer);
    let checks: Vec<(&str, &str)> = c
        .checks
        .iter()
        .map(|k| (k.name.as_str(), k.expression.as_str()))
        .collect();
    assert_eq!(
        checks,
        vec![("ck_c_1", "qty > 0"), ("ck_c_2", "note <> 'x, (y)'")]
    );
    let fk = &c.foreign_keys[0];
    assert_eq!(fk.name, "fk_c_p_id_p");
    assert_eq!(fk.referenced_columns, vec!["id".to_owned()]);
    assert_eq!(fk.on_delete, ForeignKeyAction::Cascade);
    assert!(fk.deferrable);
    let index = &c.indexes[0];
    assert_eq!(
        index.parts,
        vec![IndexPart::Expression("lower(note)".into())]
    );
    assert_eq!(index.predicate.as_deref(), Some("qty > 1"));
    let p = schema.table(&QualifiedName::new("p")).unwrap();
    assert_eq!(p.uniques[0].name, "uq_p_code");
    assert_eq!(p.uniques[0].columns, vec!["code".to_owned()]);
}

/// The models lowered as `compare` lowers them, so that a test can diff by hand.
fn lowered(models: &Schema) -> Schema {
    let mut target = models.clone();
    target.normalize_default_namespace(Dialect::Sqlite.default_namespace());
    migrator::dialect::sqlite::normalize::normalize_target(&mut target);
    target
}
