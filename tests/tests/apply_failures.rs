//! Every way applying can fail, against a real PostgreSQL, and what each leaves behind: a
//! failing statement rolls its revision back and leaves the database at the previous one;
//! a non-transactional revision says exactly which statements ran; bad files, unknown
//! revisions and cycles stop before anything runs. Also autogeneration against a live
//! database, whose file must apply and leave no drift.

mod apply_kit;

use apply_kit::{connect, heads, ids, log, options, table_exists, upgrade_heads, History};
use migrator::apply::{autogenerate_revision, ApplyError, ErrorClass, PartialReason, Session};
use migrator::compare::compare;
use migrator::db::ServerErrorKind;
use migrator::filter::SchemaFilter;
use migrator::revision::{self, RevisionError, Target};
use schema_runtime::schema::{Column, ColumnType, PrimaryKey, QualifiedName, Schema, Table};
use workspace_tests::TestDb;

async fn upgrade(
    db: &TestDb,
    history: &History,
    target: Target,
) -> Result<Vec<String>, ApplyError> {
    let set = history.load();
    let mut database = connect(db).await;
    let mut session = Session::begin(&mut database, options()).await.unwrap();
    let result = session.upgrade(&set, &target).await;
    session.finish().await.unwrap();
    result.map(|r| r.revisions().iter().map(ToString::to_string).collect())
}

#[tokio::test]
async fn apply_failing_statement_rolls_back_its_revision_and_names_file_line_and_server() {
    let db = TestDb::postgres().await.unwrap();
    let history = History::new();
    history.add("aaaa", &[], "CREATE TABLE a (id int);", "DROP TABLE a;");
    let path = history.add(
        "bbbb",
        &["aaaa"],
        "CREATE TABLE b (id int);\nINSERT INTO b VALUES (1);\n\nINSERT INTO a VALUES ('not a number');",
        "DROP TABLE b;",
    );
    history.add(
        "cccc",
        &["bbbb"],
        "CREATE TABLE c (id int);",
        "DROP TABLE c;",
    );

    let error = upgrade(&db, &history, Target::Head).await.unwrap_err();
    let ApplyError::Statement(failure) = &error else {
        panic!("{error}");
    };
    assert_eq!(failure.path, path);
    // Header (6 lines), a blank line, `-- +up`: the up SQL starts on line 9.
    assert_eq!(failure.line, Some(12));
    assert!(failure.statement.starts_with("INSERT INTO a VALUES"));
    assert_eq!(failure.error.code.as_deref(), Some("22P02"));
    assert_eq!(failure.database_at, ids(&["aaaa"]));
    assert_eq!(error.class(), ErrorClass::MigrationFailed);
    let message = error.to_string();
    assert!(message.contains("bbbb_step_bbbb.sql, line 12"), "{message}");
    assert!(
        message.contains("invalid input syntax for type integer"),
        "{message}"
    );
    assert!(
        message.contains("the database is still at aaaa"),
        "{message}"
    );

    // aaaa committed; nothing of bbbb is left, and cccc never ran.
    assert_eq!(heads(&db).await, vec!["aaaa"]);
    assert!(table_exists(&db, "a").await);
    assert!(!table_exists(&db, "b").await);
    assert!(!table_exists(&db, "c").await);
    assert_eq!(log(&db).await, vec!["aaaa up"]);
}

#[tokio::test]
async fn apply_non_transactional_failure_says_which_statements_ran() {
    let db = TestDb::postgres().await.unwrap();
    let history = History::new();
    history.add("aaaa", &[], "CREATE TABLE a (id int);", "DROP TABLE a;");
    history.add_with(
        "bbbb",
        &["aaaa"],
        "CREATE INDEX CONCURRENTLY ix_a_id ON a (id);\n\
         CREATE INDEX CONCURRENTLY ix_missing ON missing (id);\n\
         CREATE INDEX CONCURRENTLY ix_a_id2 ON a (id);",
        "DROP INDEX CONCURRENTLY ix_a_id2;\nDROP INDEX CONCURRENTLY ix_a_id;",
        false,
    );
    let error = upgrade(&db, &history, Target::Head).await.unwrap_err();
    let ApplyError::Partial(failure) = &error else {
        panic!("{error}");
    };
    assert_eq!(failure.reason, PartialReason::NonTransactional);
    assert_eq!(
        failure.ran.iter().map(|s| s.line).collect::<Vec<_>>(),
        vec![9]
    );
    assert_eq!(failure.line, Some(10));
    assert_eq!(failure.not_applied, vec![11]);
    assert_eq!(error.class(), ErrorClass::MigrationFailed);
    let message = error.to_string();
    assert!(
        message.contains("ran and kept: line 9: CREATE INDEX CONCURRENTLY ix_a_id ON a (id)"),
        "{message}"
    );
    assert!(
        message.contains("relation \"missing\" does not exist"),
        "{message}"
    );
    assert!(message.contains("not applied: line 11"), "{message}");
    assert!(
        message.contains("the version table still records aaaa"),
        "{message}"
    );
    assert!(
        table_exists(&db, "ix_a_id").await,
        "the first statement stays"
    );
    assert!(!table_exists(&db, "ix_a_id2").await);
    assert_eq!(heads(&db).await, vec!["aaaa"]);

    // Once the kept statement is undone by hand and the cause fixed, the revision runs again
    // from the top.
    db.execute_script("DROP INDEX ix_a_id; CREATE TABLE missing (id int);")
        .await
        .unwrap();
    assert_eq!(
        upgrade(&db, &history, Target::Head).await.unwrap(),
        vec!["bbbb"]
    );
    assert!(table_exists(&db, "ix_a_id2").await);
}

#[tokio::test]
async fn apply_statement_that_cannot_run_in_a_transaction_points_at_the_header() {
    let db = TestDb::postgres().await.unwrap();
    let history = History::new();
    history.add(
        "aaaa",
        &[],
        "CREATE TABLE a (id int);\nCREATE INDEX CONCURRENTLY ix_a ON a (id);",
        "",
    );
    let error = upgrade(&db, &history, Target::Head).await.unwrap_err();
    let ApplyError::Statement(failure) = &error else {
        panic!("{error}");
    };
    assert_eq!(failure.error.kind, ServerErrorKind::NeedsNoTransaction);
    assert!(
        error.to_string().contains("`-- transactional: false`"),
        "{error}"
    );
    assert!(!table_exists(&db, "a").await);
    assert!(heads(&db).await.is_empty());
}

#[tokio::test]
async fn apply_revision_using_an_enum_value_it_adds_commits_in_between() {
    let db = TestDb::postgres().await.unwrap();
    let history = History::new();
    history.add(
        "aaaa",
        &[],
        "CREATE TYPE mood AS ENUM ('sad');\nCREATE TABLE person (id int, mood mood);",
        "",
    );
    history.add(
        "bbbb",
        &["aaaa"],
        "ALTER TYPE mood ADD VALUE 'happy';\nALTER TABLE person ALTER COLUMN mood SET DEFAULT 'happy';",
        "",
    );
    assert_eq!(
        upgrade(&db, &history, Target::Head).await.unwrap(),
        vec!["aaaa", "bbbb"]
    );
    // The part that committed before the rest has a row of its own.
    assert_eq!(log(&db).await, vec!["aaaa up", "bbbb up_part", "bbbb up"]);
    assert_eq!(heads(&db).await, vec!["bbbb"]);

    // When a later part fails, the committed value is reported as kept, and the log
    // records the part that committed.
    history.add(
        "cccc",
        &["bbbb"],
        "ALTER TYPE mood ADD VALUE 'calm';\nUPDATE person SET mood = 'calm';\nCREATE TABLE blocker (id int);",
        "",
    );
    execute(&db, "CREATE TABLE blocker (id int)").await;
    let error = upgrade(&db, &history, Target::Head).await.unwrap_err();
    let ApplyError::Partial(failure) = &error else {
        panic!("{error}");
    };
    assert_eq!(failure.reason, PartialReason::CommittedEnumValues);
    assert_eq!(failure.ran.len(), 1);
    assert_eq!(failure.line, Some(11));
    assert_eq!(failure.not_applied, vec![10]);
    assert!(error.to_string().contains("it resumes"), "{error}");
    assert_eq!(heads(&db).await, vec!["bbbb"]);
    assert_eq!(
        log(&db).await,
        vec!["aaaa up", "bbbb up_part", "bbbb up", "cccc up_part"]
    );

    // Once the cause is gone, the rerun resumes after the committed part: the plain
    // `ADD VALUE` (which would fail on the value now there) does not run again.
    execute(&db, "DROP TABLE blocker").await;
    assert_eq!(
        upgrade(&db, &history, Target::Head).await.unwrap(),
        vec!["cccc"]
    );
    assert_eq!(
        log(&db).await,
        vec![
            "aaaa up",
            "bbbb up_part",
            "bbbb up",
            "cccc up_part",
            "cccc up"
        ]
    );
    assert_eq!(heads(&db).await, vec!["cccc"]);
    assert!(table_exists(&db, "blocker").await);
}

#[tokio::test]
async fn apply_parts_of_a_revision_edited_since_they_committed_are_refused() {
    let db = TestDb::postgres().await.unwrap();
    let history = History::new();
    history.add("aaaa", &[], "CREATE TYPE mood AS ENUM ('sad');", "");
    let up = "ALTER TYPE mood ADD VALUE 'calm';\nCREATE TABLE t2 (m mood DEFAULT 'calm');\n\
              CREATE TABLE t (id int);";
    history.add("bbbb", &["aaaa"], up, "");
    execute(&db, "CREATE TABLE t (id int)").await;
    upgrade(&db, &history, Target::Head).await.unwrap_err();
    assert_eq!(log(&db).await, vec!["aaaa up", "bbbb up_part"]);

    // The file changes before the rerun: the part in effect no longer matches it.
    execute(&db, "DROP TABLE t").await;
    history.add("bbbb", &["aaaa"], &format!("{up}\nSELECT 1;"), "");
    let error = upgrade(&db, &history, Target::Head).await.unwrap_err();
    assert!(
        matches!(error, ApplyError::PartsOfChangedFile { parts: 1, .. }),
        "{error}"
    );
    assert_eq!(error.class(), ErrorClass::Input);
    assert!(error.to_string().contains("bbbb_step_bbbb.sql"), "{error}");
    assert_eq!(heads(&db).await, vec!["aaaa"]);
    assert!(!table_exists(&db, "t").await);
    assert!(!table_exists(&db, "t2").await);
}

#[tokio::test]
async fn apply_a_committed_value_without_a_part_row_gets_advice_not_a_false_rollback() {
    let db = TestDb::postgres().await.unwrap();
    let history = History::new();
    history.add("aaaa", &[], "CREATE TYPE mood AS ENUM ('sad');", "");
    history.add(
        "bbbb",
        &["aaaa"],
        "ALTER TYPE mood ADD VALUE 'calm';\nCREATE TABLE t (m mood DEFAULT 'calm');",
        "",
    );
    upgrade(&db, &history, Target::Revision("aaaa".into()))
        .await
        .unwrap();
    // What an earlier build, which kept no part rows, left after a kill: the value
    // committed, the revision not recorded.
    execute(&db, "ALTER TYPE mood ADD VALUE 'calm'").await;
    let error = upgrade(&db, &history, Target::Head).await.unwrap_err();
    let ApplyError::Statement(failure) = &error else {
        panic!("{error}");
    };
    assert_eq!(failure.error.kind, ServerErrorKind::AlreadyExists);
    let message = error.to_string();
    assert!(message.contains("ADD VALUE IF NOT EXISTS"), "{message}");
    assert!(message.contains("earlier run"), "{message}");

    // Written as generated revisions write it, the same revision runs again.
    history.add(
        "bbbb",
        &["aaaa"],
        "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'calm';\nCREATE TABLE t (m mood DEFAULT 'calm');",
        "",
    );
    assert_eq!(
        upgrade(&db, &history, Target::Head).await.unwrap(),
        vec!["bbbb"]
    );
}

#[tokio::test]
async fn apply_an_older_log_table_learns_the_part_rows() {
    let db = TestDb::postgres().await.unwrap();
    // The tables as the previous build made them, whose check knew five directions.
    execute(
        &db,
        "CREATE TABLE dgs_schema_version (revision varchar(40) PRIMARY KEY)",
    )
    .await;
    execute(
        &db,
        "CREATE TABLE dgs_schema_version_log (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            revision varchar(40) NOT NULL,
            direction varchar(10) NOT NULL,
            checksum char(64),
            message text NOT NULL DEFAULT '',
            applied_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            duration_ms bigint,
            applied_by text NOT NULL DEFAULT current_user,
            CONSTRAINT ck_dgs_schema_version_log_direction
                CHECK (direction IN ('up', 'down', 'stamp_up', 'stamp_down', 'accept')))",
    )
    .await;
    let history = History::new();
    history.add(
        "aaaa",
        &[],
        "CREATE TYPE mood AS ENUM ('sad');\nCREATE TABLE t (m mood);",
        "",
    );
    history.add(
        "bbbb",
        &["aaaa"],
        "ALTER TYPE mood ADD VALUE 'calm';\nUPDATE t SET m = 'calm';",
        "",
    );
    assert_eq!(
        upgrade(&db, &history, Target::Head).await.unwrap(),
        vec!["aaaa", "bbbb"]
    );
    assert_eq!(log(&db).await, vec!["aaaa up", "bbbb up_part", "bbbb up"]);
    // The check still refuses what no build writes.
    let mut conn = apply_kit::plain(&db).await;
    let refused = sqlx::query(
        "INSERT INTO dgs_schema_version_log (revision, direction) VALUES ('x', 'sideways')",
    )
    .execute(&mut conn)
    .await;
    assert!(refused.is_err());
}

async fn execute(db: &TestDb, sql: &str) {
    let mut conn = apply_kit::plain(db).await;
    sqlx::query(sql).execute(&mut conn).await.unwrap();
}

#[tokio::test]
async fn apply_bad_files_and_unknown_revisions_stop_before_anything_runs() {
    let db = TestDb::postgres().await.unwrap();

    // A malformed file names itself and the line.
    let malformed = History::new();
    malformed.add("aaaa", &[], "CREATE TABLE a (id int);", "");
    malformed.write(
        "bbbb_broken.sql",
        "-- revision: bbbb\n-- down_revision: aaaa\n-- message: broken\n-- dialect: postgresql\n-- transactional: maybe\n\n-- +up\nCREATE TABLE b (id int);\n",
    );
    let error = revision::load(malformed.dir()).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("bbbb_broken.sql, line 5"), "{message}");
    assert!(
        message.contains("`maybe` is not a valid transactional"),
        "{message}"
    );

    // A cycle names the revisions in it.
    let cycle = History::new();
    cycle.add("aaaa", &["cccc"], "", "");
    cycle.add("bbbb", &["aaaa"], "", "");
    cycle.add("cccc", &["bbbb"], "", "");
    let error = revision::load(cycle.dir()).unwrap_err();
    assert!(matches!(error, RevisionError::Cycle { .. }), "{error}");
    assert!(
        error.to_string().contains("aaaa -> cccc -> bbbb -> aaaa"),
        "{error}"
    );

    // An unknown target is bad input, and nothing ran.
    let history = History::new();
    history.add("aaaa", &[], "CREATE TABLE a (id int);", "");
    let error = upgrade(&db, &history, Target::Revision("ffff".into()))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            ApplyError::Revision(RevisionError::UnknownRevision { .. })
        ),
        "{error}"
    );
    assert_eq!(error.class(), ErrorClass::Input);
    assert!(!table_exists(&db, "a").await);
}

fn models() -> Schema {
    let mut users = Table::new(QualifiedName::new("users"));
    users.columns = vec![
        Column::new("id", ColumnType::BigInt),
        Column {
            nullable: true,
            ..Column::new("email", ColumnType::Text)
        },
    ];
    users.primary_key = Some(PrimaryKey {
        name: "pk_users".into(),
        columns: vec!["id".into()],
    });
    Schema {
        enums: Vec::new(),
        tables: vec![users],
    }
}

#[tokio::test]
async fn apply_autogenerated_revision_applies_and_leaves_only_blocked_drift() {
    let db = TestDb::postgres().await.unwrap();
    let history = History::new();
    history.add(
        "aaaa",
        &[],
        "CREATE TABLE users (id bigint NOT NULL, legacy text);",
        "DROP TABLE users;",
    );

    // Not at head: generating now would repeat aaaa.
    let mut database = connect(&db).await;
    let set = history.load();
    let error = autogenerate_revision(
        &mut database,
        &models(),
        &set,
        history.dir(),
        "sync",
        None,
        &migrator::filter::SchemaFilter::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, ApplyError::NotUpToDate { .. }), "{error}");

    upgrade_heads(&db, &set).await;
    let generated = autogenerate_revision(
        &mut database,
        &models(),
        &set,
        history.dir(),
        "sync",
        None,
        &migrator::filter::SchemaFilter::default(),
    )
    .await
    .unwrap();
    let file = generated
        .file
        .expect("a file for the non-destructive drift");
    assert_eq!(file.down_revisions, ids(&["aaaa"]));
    assert_eq!(generated.blocked.len(), 1, "{:?}", generated.blocked);
    let text = std::fs::read_to_string(&file.path).unwrap();
    assert!(
        text.contains(r#"-- blocked (destructive): ALTER TABLE "users" DROP COLUMN "legacy";"#),
        "{text}"
    );

    let set = history.load();
    assert_eq!(upgrade_heads(&db, &set).await, vec![file.revision.clone()]);
    let comparison = compare(&mut database, &models(), &SchemaFilter::default())
        .await
        .unwrap();
    assert_eq!(
        comparison.ops, generated.blocked,
        "only the blocked drop is left"
    );

    // Nothing left to emit: no file.
    let again = autogenerate_revision(
        &mut database,
        &models(),
        &set,
        history.dir(),
        "sync",
        None,
        &migrator::filter::SchemaFilter::default(),
    )
    .await
    .unwrap();
    assert_eq!(again.file, None);
    assert_eq!(revision::load(history.dir()).unwrap().len(), 2);
}
