//! The migrator's own run on MySQL: autogenerate a revision (written `transactional:
//! false`), apply it under the `GET_LOCK` migration lock with the history tables, find no
//! drift, downgrade to base; a failing non-transactional revision names what already ran;
//! a second migrator waits for the lock and names its holder.

use std::time::Duration;

use migrator::apply::{autogenerate, ApplyError, ApplyOptions, Session};
use migrator::compare::compare;
use migrator::db::{Database, DbError, HistoryTables, Wait};
use migrator::filter::SchemaFilter;
use migrator::revision::{self, Target};
use migrator::Dialect;
use workspace_tests::TestDb;

use super::whole::example_app_for_mysql;

async fn connect(db: &TestDb) -> Database {
    Database::connect(db.url(), &Wait::default()).await.unwrap()
}

#[tokio::test]
async fn autogenerate_upgrade_and_downgrade_the_example_app() {
    let db = TestDb::mysql().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut database = connect(&db).await;
    let models = example_app_for_mysql();

    let set = revision::load(dir.path()).unwrap();
    let (file, blocked) = autogenerate(&mut database, &models, &set, dir.path(), "init")
        .await
        .unwrap()
        .expect("a revision for an empty database");
    assert!(blocked.is_empty());
    assert_eq!(file.dialect, Dialect::Mysql);
    assert!(!file.transactional, "MySQL DDL commits on its own");

    let set = revision::load(dir.path()).unwrap();
    let mut session = Session::begin(&mut database, ApplyOptions::default())
        .await
        .unwrap();
    let report = session.upgrade(&set, &Target::Head).await.unwrap();
    assert_eq!(report.steps.len(), 1);
    assert_eq!(
        session.current_heads().await.unwrap(),
        vec![file.revision.clone()]
    );
    session.finish().await.unwrap();

    let comparison = compare(&mut database, &models, &SchemaFilter::default())
        .await
        .unwrap();
    assert!(comparison.in_sync(), "{:?}", comparison.ops);
    assert!(
        database
            .read_checksums(&HistoryTables::default())
            .await
            .unwrap()
            .len()
            == 1
    );

    let mut session = Session::begin(&mut database, ApplyOptions::default())
        .await
        .unwrap();
    session.downgrade(&set, &Target::Base).await.unwrap();
    assert!(session.current_heads().await.unwrap().is_empty());
    session.finish().await.unwrap();
    let left = database.inspect(&SchemaFilter::default()).await.unwrap();
    assert!(left.tables.is_empty(), "{:?}", left.tables);
}

#[tokio::test]
async fn a_failing_statement_says_which_statements_already_ran() {
    let db = TestDb::mysql().await.unwrap();
    let (_dir, set) = one_revision(
        "aaaa_two_tables.sql",
        "-- revision: aaaa\n-- down_revision: none\n-- message: two tables\n\
         -- created: 2026-01-01T10:00:00Z\n-- dialect: mysql\n-- transactional: false\n\n\
         -- +up\nCREATE TABLE a (id int PRIMARY KEY) ENGINE=InnoDB;\n\
         CREATE TABLE a (id int PRIMARY KEY) ENGINE=InnoDB;\n\
         CREATE TABLE b (id int PRIMARY KEY) ENGINE=InnoDB;\n\n-- +down\nDROP TABLE a;\n",
    );
    let mut database = connect(&db).await;
    let mut session = Session::begin(&mut database, ApplyOptions::default())
        .await
        .unwrap();
    let error = session.upgrade(&set, &Target::Head).await.unwrap_err();
    let ApplyError::Partial(partial) = &error else {
        panic!("expected a partial failure, got {error}");
    };
    assert_eq!(partial.ran.len(), 1);
    assert_eq!(partial.not_applied.len(), 1);
    assert!(partial.error.message.contains("already exists"), "{error}");
    assert!(session.current_heads().await.unwrap().is_empty());
    session.finish().await.unwrap();
}

/// MySQL commits DDL on its own, so a `transactional: true` header cannot hold: the revision
/// runs statement by statement and the failure says exactly what ran, never "rolled back".
#[tokio::test]
async fn a_transactional_header_on_mysql_reports_what_really_ran() {
    let db = TestDb::mysql().await.unwrap();
    let (_dir, set) = one_revision("aaaa_three.sql", "-- revision: aaaa\n-- down_revision: none\n-- message: three\n\
         -- created: 2026-01-01T10:00:00Z\n-- dialect: mysql\n-- transactional: true\n\n\
         -- +up\nCREATE TABLE a (id int PRIMARY KEY) ENGINE=InnoDB;\n\
         CREATE TABLE b (id int PRIMARY KEY) ENGINE=InnoDB;\n\
         CREATE TABLE a (id int PRIMARY KEY) ENGINE=InnoDB;\n\n-- +down\nDROP TABLE b;\nDROP TABLE a;\n");
    let mut database = connect(&db).await;
    let mut session = Session::begin(&mut database, ApplyOptions::default())
        .await
        .unwrap();
    let error = session.upgrade(&set, &Target::Head).await.unwrap_err();
    let ApplyError::Partial(partial) = &error else {
        panic!("expected a partial failure naming what ran, got {error}");
    };
    assert_eq!(partial.ran.len(), 2, "{error}");
    assert!(!error.to_string().contains("rolled back"), "{error}");
    assert!(error.to_string().contains("transactional: true"), "{error}");
    session.finish().await.unwrap();
    let tables = database.inspect(&SchemaFilter::default()).await.unwrap();
    assert_eq!(
        tables.tables.len(),
        2,
        "the two tables stayed, as the error says"
    );
}

#[tokio::test]
async fn a_second_migrator_waits_for_the_lock_and_names_its_holder() {
    let db = TestDb::mysql().await.unwrap();
    let mut first = connect(&db).await;
    let mut second = connect(&db).await;
    first
        .lock(&HistoryTables::default(), Duration::from_secs(1))
        .await
        .unwrap();
    let error = second
        .lock(&HistoryTables::default(), Duration::from_millis(300))
        .await
        .unwrap_err();
    let DbError::LockTimeout { holder, .. } = &error else {
        panic!("expected a lock timeout, got {error}");
    };
    let holder = holder.as_ref().expect("the holder is named");
    assert_eq!(holder.user.as_deref(), Some("root"));
    // The advice is MySQL's own, not PostgreSQL's.
    let message = error.to_string();
    assert!(
        message.contains(&format!("KILL {}", holder.pid)) && !message.contains("pg_terminate"),
        "{message}"
    );
    assert!(first.unlock(&HistoryTables::default()).await.unwrap());
    second
        .lock(&HistoryTables::default(), Duration::from_secs(1))
        .await
        .unwrap();
    assert!(
        !first.unlock(&HistoryTables::default()).await.unwrap(),
        "the lock belongs to the second session"
    );
    assert!(second.unlock(&HistoryTables::default()).await.unwrap());
}

#[tokio::test]
async fn a_backup_is_a_private_sql_dump() {
    let db = TestDb::mysql().await.unwrap();
    db.execute_script("CREATE TABLE kept (id int PRIMARY KEY); INSERT INTO kept VALUES (42);")
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let backup = migrator::workflow::backup::backup(db.url(), dir.path(), "base").unwrap();
    assert!(backup.path.extension().is_some_and(|e| e == "sql"));
    let text = std::fs::read_to_string(&backup.path).unwrap();
    assert!(text.contains("CREATE TABLE `kept`"), "{text}");
    assert!(text.contains("(42)"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup.path)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn hand_written_mysql_revisions_are_not_transactional() {
    use migrator::revision::NewRevision;
    assert!(!NewRevision::new("x", Dialect::Mysql, Vec::new()).transactional);
    assert!(NewRevision::new("x", Dialect::Postgresql, Vec::new()).transactional);
}

/// A history of one revision file, `name` holding `text`, in a folder of its own (kept alive
/// by the returned handle).
fn one_revision(name: &str, text: &str) -> (tempfile::TempDir, revision::RevisionSet) {
    let dir = tempfile::tempdir().unwrap();
    let versions = revision::versions_dir(dir.path());
    std::fs::create_dir_all(&versions).unwrap();
    std::fs::write(versions.join(name), text).unwrap();
    let set = revision::load(dir.path()).unwrap();
    (dir, set)
}

/// The connection reads the server's `version()` and answers with the driver of its
/// flavour, so what is rendered for it is written for that server: MySQL 8 takes no literal
/// default on a JSON column, only `DEFAULT ('[]')`. MariaDB takes either spelling, and
/// reads both back as the model's `'[]'`: a revision written for MySQL 8 shows no drift on
/// MariaDB.
#[tokio::test]
async fn the_connection_renders_for_the_flavour_of_its_server() {
    use migrator::change::Op;
    use migrator::dialect::mysql::driver::Mysql;
    use migrator::dialect::mysql::Flavour;
    use migrator::render::Renderer;
    use schema_runtime::schema::{Column, ColumnType, QualifiedName, Schema, Table};

    let db = TestDb::mysql().await.unwrap();
    let mut database = connect(&db).await;
    let raw = database.raw::<sqlx::MySqlConnection>().unwrap();
    let version: String = sqlx::query_scalar("SELECT CAST(version() AS CHAR)")
        .fetch_one(raw)
        .await
        .unwrap();
    let flavour = Flavour::from_version(&version);
    let json = |name: &str| Column {
        default: Some("'[]'".into()),
        ..Column::new(name, ColumnType::Json)
    };
    let add = |column: Column| Op::AddColumn {
        table: QualifiedName::new("docs"),
        column,
    };
    let written = database.driver().render_op(&add(json("tags")))[0]
        .sql
        .clone();
    let expected = Mysql::of(flavour).render_op(&add(json("tags")))[0]
        .sql
        .clone();
    assert_eq!(written, expected, "the driver of {version}");
    let mysql_8 = Mysql::of(Flavour::Mysql).render_op(&add(json("labels")))[0]
        .sql
        .clone();
    assert!(mysql_8.ends_with("DEFAULT ('[]')"), "{mysql_8}");

    database
        .execute("CREATE TABLE docs (id bigint NOT NULL)")
        .await
        .unwrap();
    database.execute(&written).await.unwrap();
    if flavour == Flavour::Mariadb {
        database.execute(&mysql_8).await.unwrap();
    }
    let mut columns = vec![Column::new("id", ColumnType::BigInt), json("tags")];
    if flavour == Flavour::Mariadb {
        columns.push(json("labels"));
    }
    let models = Schema {
        tables: vec![Table {
            columns,
            ..Table::new(QualifiedName::new("docs"))
        }],
        ..Schema::default()
    };
    let comparison = compare(&mut database, &models, &SchemaFilter::default())
        .await
        .unwrap();
    assert!(comparison.in_sync(), "{:?}", comparison.ops);
}
