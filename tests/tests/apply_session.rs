//! Applying revisions to a real PostgreSQL: upgrades and downgrades through a branch and
//! its merge, stamps, checksums of applied files, the dialect check, and the migration
//! lock (a run that cannot get it names who holds it; runs at once apply each revision
//! exactly once).

mod apply_kit;

use std::time::Duration;

use apply_kit::{connect, heads, ids, log, options, table_exists, upgrade_heads, History};
use migrator::apply::{ApplyError, ApplyOptions, ErrorClass, Session};
use migrator::db::{Database, DbError, HistoryTables, Wait, MIGRATION_LOCK_KEY};
use migrator::revision::{RevisionError, Target};
use sqlx::{Connection, PgConnection};
use workspace_tests::TestDb;

/// a -> (b, c) -> d.
fn branch_and_merge() -> History {
    let history = History::new();
    history.add("aaaa", &[], "CREATE TABLE a (id int);", "DROP TABLE a;");
    history.add(
        "bbbb",
        &["aaaa"],
        "CREATE TABLE b (id int);",
        "DROP TABLE b;",
    );
    history.add(
        "cccc",
        &["aaaa"],
        "CREATE TABLE c (id int);",
        "DROP TABLE c;",
    );
    history.add("dddd", &["bbbb", "cccc"], "", "");
    history
}

#[tokio::test]
async fn apply_upgrade_runs_each_revision_once_and_records_the_heads() {
    let db = TestDb::postgres().await.unwrap();
    let history = branch_and_merge();
    let set = history.load();

    let mut database = connect(&db).await;
    let mut session = Session::begin(&mut database, options()).await.unwrap();
    let report = session
        .upgrade(&set, &Target::Revision("bbbb".into()))
        .await
        .unwrap();
    assert_eq!(report.revisions(), ids(&["aaaa", "bbbb"]));
    assert_eq!(report.steps[0].statements, 1);
    assert_eq!(session.current_heads().await.unwrap(), ids(&["bbbb"]));
    let report = session
        .upgrade(&set, &Target::Revision("cccc".into()))
        .await
        .unwrap();
    assert_eq!(report.revisions(), ids(&["cccc"]));
    assert_eq!(
        session.current_heads().await.unwrap(),
        ids(&["bbbb", "cccc"])
    );
    let report = session.upgrade(&set, &Target::Head).await.unwrap();
    assert_eq!(report.revisions(), ids(&["dddd"]));
    assert!(session
        .upgrade(&set, &Target::Heads)
        .await
        .unwrap()
        .steps
        .is_empty());
    let applied = session.applied(&set).await.unwrap();
    assert_eq!(applied.len(), 4);
    session.finish().await.unwrap();

    assert_eq!(heads(&db).await, vec!["dddd"]);
    assert_eq!(
        log(&db).await,
        vec!["aaaa up", "bbbb up", "cccc up", "dddd up"]
    );
    for table in ["a", "b", "c"] {
        assert!(table_exists(&db, table).await, "{table}");
    }
}

#[tokio::test]
async fn apply_downgrade_undoes_newest_first_and_refuses_irreversible_revisions() {
    let db = TestDb::postgres().await.unwrap();
    let history = branch_and_merge();
    upgrade_heads(&db, &history.load()).await;

    let mut database = connect(&db).await;
    let mut session = Session::begin(&mut database, options()).await.unwrap();
    let report = session
        .downgrade(&history.load(), &Target::Revision("aaaa".into()))
        .await
        .unwrap();
    assert_eq!(report.revisions(), ids(&["dddd", "cccc", "bbbb"]));
    assert_eq!(session.current_heads().await.unwrap(), ids(&["aaaa"]));
    session.finish().await.unwrap();
    assert!(!table_exists(&db, "b").await && !table_exists(&db, "c").await);
    assert!(table_exists(&db, "a").await);

    // A revision that changes something and has no down section stops the downgrade
    // before anything runs, here before dddd's (empty, harmless) down section.
    history.add("eeee", &["aaaa"], "CREATE TABLE e (id int);", "");
    let set = history.load();
    upgrade_heads(&db, &set).await;
    let mut database = connect(&db).await;
    let mut session = Session::begin(&mut database, options()).await.unwrap();
    let error = session.downgrade(&set, &Target::Base).await.unwrap_err();
    session.finish().await.unwrap();
    assert!(matches!(error, ApplyError::Irreversible { .. }), "{error}");
    assert!(error.to_string().contains("eeee_step_eeee.sql"), "{error}");
    assert_eq!(error.class(), ErrorClass::Input);
    assert_eq!(heads(&db).await, vec!["dddd", "eeee"]);
}

#[tokio::test]
async fn apply_stamp_records_without_running_and_repairs_unknown_revisions() {
    let db = TestDb::postgres().await.unwrap();
    let history = branch_and_merge();
    let set = history.load();
    let mut database = connect(&db).await;
    let mut session = Session::begin(&mut database, options()).await.unwrap();
    session
        .stamp(&set, &Target::Revision("bbbb".into()))
        .await
        .unwrap();
    assert_eq!(session.current_heads().await.unwrap(), ids(&["bbbb"]));
    session.finish().await.unwrap();
    assert!(!table_exists(&db, "a").await, "stamp ran SQL");
    assert_eq!(log(&db).await, vec!["aaaa stamp_up", "bbbb stamp_up"]);

    // A version table naming a revision no file defines stops an upgrade (bad input) ...
    db.execute_script("INSERT INTO dgs_schema_version VALUES ('zzzz')")
        .await
        .unwrap();
    let mut database = connect(&db).await;
    let mut session = Session::begin(&mut database, options()).await.unwrap();
    let error = session.upgrade(&set, &Target::Heads).await.unwrap_err();
    assert!(
        matches!(
            error,
            ApplyError::Revision(RevisionError::UnknownApplied { .. })
        ),
        "{error}"
    );
    assert_eq!(error.class(), ErrorClass::Input);
    // ... and stamping is the way out.
    session
        .stamp(&set, &Target::Revision("aaaa".into()))
        .await
        .unwrap();
    assert_eq!(session.current_heads().await.unwrap(), ids(&["aaaa"]));
    session.stamp(&set, &Target::Base).await.unwrap();
    assert!(session.current_heads().await.unwrap().is_empty());
    session.finish().await.unwrap();
    let log = log(&db).await;
    assert_eq!(
        log[2..],
        ["bbbb stamp_down", "zzzz stamp_down", "aaaa stamp_down"]
    );
}

#[tokio::test]
async fn apply_changed_checksum_stops_the_upgrade_until_accepted() {
    let db = TestDb::postgres().await.unwrap();
    let history = History::new();
    let first = history.add("aaaa", &[], "CREATE TABLE a (id int);", "DROP TABLE a;");
    upgrade_heads(&db, &history.load()).await;
    history.add(
        "bbbb",
        &["aaaa"],
        "CREATE TABLE b (id int);",
        "DROP TABLE b;",
    );

    // A CRLF checkout of the applied file is not a change.
    let text = std::fs::read_to_string(&first).unwrap();
    std::fs::write(&first, text.replace('\n', "\r\n")).unwrap();
    let mut database = connect(&db).await;
    let mut session = Session::begin(&mut database, options()).await.unwrap();
    assert!(session.applied(&history.load()).await.is_ok());
    session.finish().await.unwrap();

    // An edit is, and nothing runs.
    std::fs::write(&first, text.replace("id int", "id bigint")).unwrap();
    let set = history.load();
    let mut database = connect(&db).await;
    let mut session = Session::begin(&mut database, options()).await.unwrap();
    let error = session.upgrade(&set, &Target::Head).await.unwrap_err();
    session.finish().await.unwrap();
    let ApplyError::ChangedChecksums { changed } = &error else {
        panic!("{error}");
    };
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].path, first);
    assert!(
        error.to_string().contains("--accept-changed-checksums"),
        "{error}"
    );
    assert_eq!(error.class(), ErrorClass::Input);
    assert!(!table_exists(&db, "b").await);

    // Accepting records the new checksum once; later runs pass without the flag.
    let accept = ApplyOptions {
        accept_changed_checksums: true,
        ..options()
    };
    let mut database = connect(&db).await;
    let mut session = Session::begin(&mut database, accept).await.unwrap();
    let report = session.upgrade(&set, &Target::Head).await.unwrap();
    session.finish().await.unwrap();
    assert_eq!(report.revisions(), ids(&["bbbb"]));
    assert_eq!(log(&db).await, vec!["aaaa up", "aaaa accept", "bbbb up"]);
    let mut database = connect(&db).await;
    let mut session = Session::begin(&mut database, options()).await.unwrap();
    assert!(session.upgrade(&set, &Target::Head).await.is_ok());
    session.finish().await.unwrap();
}

#[tokio::test]
async fn apply_history_for_another_database_is_refused_before_anything_runs() {
    let db = TestDb::postgres().await.unwrap();
    let history = History::new();
    history.write(
        "aaaa_lite.sql",
        "-- revision: aaaa\n-- message: lite\n-- dialect: sqlite\n\n-- +up\nCREATE TABLE a (id int);\n",
    );
    let mut database = connect(&db).await;
    let mut session = Session::begin(&mut database, options()).await.unwrap();
    let error = session
        .upgrade(&history.load(), &Target::Head)
        .await
        .unwrap_err();
    session.finish().await.unwrap();
    assert!(
        matches!(error, ApplyError::DialectMismatch { .. }),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("written for sqlite, but the database is postgresql"),
        "{error}"
    );
    assert!(!table_exists(&db, "a").await);
}

#[tokio::test]
async fn apply_lock_timeout_names_the_holder() {
    let db = TestDb::postgres().await.unwrap();
    let mut holder: PgConnection =
        PgConnection::connect(&format!("{}?application_name=holder-test", db.url()))
            .await
            .unwrap();
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(MIGRATION_LOCK_KEY)
        .execute(&mut holder)
        .await
        .unwrap();
    let holder_pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&mut holder)
        .await
        .unwrap();

    let mut database = connect(&db).await;
    let started = std::time::Instant::now();
    let error = Session::begin(
        &mut database,
        ApplyOptions {
            lock_timeout: Duration::from_millis(300),
            ..options()
        },
    )
    .await
    .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    let ApplyError::Db(DbError::LockTimeout {
        holder: Some(found),
        ..
    }) = &error
    else {
        panic!("{error}");
    };
    assert_eq!(found.pid, holder_pid);
    assert_eq!(found.application_name, "holder-test");
    assert_eq!(error.class(), ErrorClass::MigrationFailed);
    let message = error.to_string();
    assert!(message.contains(&format!("pid {holder_pid}")), "{message}");
    assert!(
        message.contains("application_name 'holder-test'"),
        "{message}"
    );
    assert!(message.contains("client 127.0.0.1"), "{message}");
    assert!(message.contains("connected since"), "{message}");

    // Once the holder lets go, the next run gets the lock.
    holder.close().await.unwrap();
    let session = Session::begin(&mut database, options()).await.unwrap();
    session.finish().await.unwrap();
}

#[tokio::test]
async fn apply_sessions_started_at_once_apply_each_revision_exactly_once() {
    let db = TestDb::postgres().await.unwrap();
    let history = History::new();
    history.add(
        "aaaa",
        &[],
        "CREATE TABLE runs (revision text);\nINSERT INTO runs VALUES ('aaaa');\nSELECT pg_sleep(0.2);",
        "DROP TABLE runs;",
    );
    history.add("bbbb", &["aaaa"], "INSERT INTO runs VALUES ('bbbb');", "");
    let set = history.load();
    // Spawned tasks also prove a session's futures are Send.
    let mut runs = tokio::task::JoinSet::new();
    for _ in 0..3 {
        let (url, set) = (db.url().to_owned(), set.clone());
        runs.spawn(async move {
            let mut database = Database::connect(&url, &Wait::default()).await.unwrap();
            let lock_timeout = Duration::from_secs(20);
            let mut session = Session::begin(
                &mut database,
                ApplyOptions {
                    lock_timeout,
                    ..options()
                },
            )
            .await
            .unwrap();
            let report = session.upgrade(&set, &Target::Head).await.unwrap();
            session.finish().await.unwrap();
            report.steps.len()
        });
    }
    let applied: Vec<usize> = runs.join_all().await;
    assert_eq!(applied.iter().sum::<usize>(), 2, "{applied:?}");
    let mut conn: PgConnection = db.connect().await.unwrap();
    let rows: Vec<String> = sqlx::query_scalar("SELECT revision FROM runs ORDER BY 1")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert_eq!(rows, vec!["aaaa", "bbbb"]);
    assert_eq!(log(&db).await, vec!["aaaa up", "bbbb up"]);
}

#[tokio::test]
async fn apply_a_foreign_version_table_stops_the_session_and_releases_the_lock() {
    let db = TestDb::postgres().await.unwrap();
    db.execute_script(
        "CREATE TABLE schema_migrations (version varchar PRIMARY KEY);
         INSERT INTO schema_migrations VALUES ('20240101000000');",
    )
    .await
    .unwrap();
    let rails = ApplyOptions {
        history_tables: HistoryTables::legacy(),
        ..options()
    };
    let mut database = connect(&db).await;
    let error = Session::begin(&mut database, rails).await.unwrap_err();
    let ApplyError::Db(DbError::ForeignHistoryTable(foreign)) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(foreign.table, "schema_migrations");
    assert_eq!(foreign.columns, ["version"]);
    assert_eq!(foreign.tool, Some("Rails (Active Record) or dbmate"));
    assert_eq!(error.class(), ErrorClass::Input);
    assert!(!table_exists(&db, "schema_migrations_log").await);
    // The lock was released: the default name, which Rails does not use, works at once.
    let history = History::new();
    history.add("aaaa", &[], "CREATE TABLE a (id int);", "DROP TABLE a;");
    assert_eq!(upgrade_heads(&db, &history.load()).await, ids(&["aaaa"]));
    assert_eq!(heads(&db).await, ["aaaa"]);
}

#[tokio::test]
async fn apply_a_session_carries_the_previous_history_over_once() {
    let db = TestDb::postgres().await.unwrap();
    let history = branch_and_merge();
    let set = history.load();
    upgrade_heads(&db, &set).await;
    db.execute_script(
        "ALTER TABLE dgs_schema_version RENAME TO schema_migrations;
         ALTER TABLE dgs_schema_version_log RENAME TO schema_migrations_log;",
    )
    .await
    .unwrap();
    let mut database = connect(&db).await;
    let tables = HistoryTables::default();
    assert_eq!(
        migrator::apply::read_heads(&mut database, &tables)
            .await
            .unwrap(),
        ids(&["dddd"]),
        "a read-only look finds the previous tables"
    );
    assert!(table_exists(&db, "schema_migrations").await);
    let session = Session::begin(&mut database, options()).await.unwrap();
    assert_eq!(
        session.carried_over().map(ToString::to_string).as_deref(),
        Some("carried the history over from schema_migrations to dgs_schema_version")
    );
    session.finish().await.unwrap();
    assert!(!table_exists(&db, "schema_migrations").await);
    assert_eq!(heads(&db).await, ["dddd"]);
    assert_eq!(log(&db).await.len(), 4);
    let session = Session::begin(&mut database, options()).await.unwrap();
    assert!(session.carried_over().is_none());
    session.finish().await.unwrap();
}
