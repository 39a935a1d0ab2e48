//! The example application's own models on MariaDB and on an SQLite file, each from an
//! empty history of its own, through the real `migrate` binary: the first run generates and
//! applies the whole schema, `check` then finds no drift, a second run changes nothing, the
//! server defaults and checks of the models' variants work on real rows, and the history
//! goes down to base and back up with no drift.

mod smart_kit;

use migrator::Dialect;
use smart_kit::Project;
use workspace_tests::TestDb;

/// The SQL that differs between the two databases in these tests.
struct Spelling {
    /// Lists the tables the models created.
    tables: &'static str,
    /// The generated audit event id and the project's labels, as text.
    defaults: &'static str,
}

const MYSQL: Spelling = Spelling {
    tables: "SELECT CAST(table_name AS CHAR) FROM information_schema.tables \
             WHERE table_schema = DATABASE() ORDER BY 1",
    defaults: "SELECT CAST(CONCAT(e.id, ' ', p.labels) AS CHAR) FROM audit_events e, projects p",
};

const SQLITE: Spelling = Spelling {
    tables: "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY 1",
    defaults: "SELECT e.id || ' ' || p.labels FROM audit_events e, projects p",
};

const MODEL_TABLES: [&str; 9] = [
    "audit_events",
    "comments",
    "daily_task_counts",
    "invoices",
    "memberships",
    "organisations",
    "projects",
    "tasks",
    "users",
];

/// Rows in every table the later steps read, relying on the models' server defaults.
const SEED: &str = "
INSERT INTO organisations (name, slug) VALUES ('Acme', 'acme');
INSERT INTO users (email, display_name, password_hash) VALUES ('ada@acme.test', 'Ada', X'00ff');
INSERT INTO projects (organisation_id, `key`, name) VALUES (1, 'WEB', 'Website');
INSERT INTO tasks (project_id, number, title) VALUES (1, 1, 'Launch');
INSERT INTO audit_events (organisation_id, actor_id, action) VALUES (1, 1, 'task.created');
";

async fn example_app_from_an_empty_history(db: TestDb, spelling: Spelling) {
    let dialect = db.dialect();
    let project = Project::with_db(db);

    let first = project.migrate(&[]).expect(0);
    let files = project.files();
    assert_eq!(files.len(), 1, "{}", first.transcript());
    assert!(files[0].ends_with("_auto_sync_schema.sql"), "{files:?}");
    assert!(
        first.stdout.contains("You MUST commit"),
        "{}",
        first.transcript()
    );
    let file = project.read(&files[0]);
    assert!(
        file.contains(&format!("-- dialect: {}", dialect.name())),
        "{file}"
    );
    assert!(
        !file.contains("\"audit\"") && !file.contains("`audit`"),
        "{file}"
    );
    let mut tables = project.query(spelling.tables).await;
    tables.retain(|t| !t.starts_with("dgs_schema_version"));
    assert_eq!(tables, MODEL_TABLES);

    let check = project.migrate(&["check"]).expect(0);
    assert!(check.stdout.contains("no drift"), "{}", check.transcript());
    let again = project.migrate(&[]).expect(0);
    assert!(again.stdout.contains("in sync"), "{}", again.transcript());
    assert_eq!(project.files(), files, "an in-sync run writes nothing");

    let seed = match dialect {
        Dialect::Sqlite => SEED.replace('`', "\""),
        _ => SEED.to_owned(),
    };
    project.sql(&seed).await;
    let defaults = project.query(spelling.defaults).await;
    let (id, labels) = defaults[0].split_once(' ').unwrap();
    assert_eq!(labels, "[]", "the labels default of the JSON variant");
    assert_eq!(id.len(), 36, "a generated UUID in text form: {id}");
    assert_eq!(id.matches('-').count(), 4, "{id}");
    // The checks of the variants hold: an upper-case slug breaks `slug_format` everywhere.
    let bad = project
        .db()
        .execute_script("INSERT INTO organisations (name, slug) VALUES ('Bad', 'BAD')")
        .await;
    assert!(
        bad.is_err(),
        "the slug check of the {dialect} variant let 'BAD' in"
    );

    project.migrate(&["downgrade", "base"]).expect(0);
    let mut left = project.query(spelling.tables).await;
    left.retain(|t| !t.starts_with("dgs_schema_version"));
    assert_eq!(left, Vec::<String>::new());
    project.migrate(&["upgrade"]).expect(0);
    project.migrate(&["check"]).expect(0);
}

#[tokio::test]
async fn the_example_app_migrates_mariadb_from_an_empty_history() {
    example_app_from_an_empty_history(TestDb::mysql().await.unwrap(), MYSQL).await;
}

#[tokio::test]
async fn the_example_app_migrates_sqlite_from_an_empty_history() {
    example_app_from_an_empty_history(TestDb::sqlite().await.unwrap(), SQLITE).await;
}

#[tokio::test]
async fn a_history_for_another_dialect_is_refused_and_nothing_changes() {
    let sqlite = Project::with_db(TestDb::sqlite().await.unwrap());
    sqlite.migrate(&[]).expect(0);
    let file = sqlite.files().remove(0);

    let postgres = Project::new().await;
    postgres.copy_from(&sqlite, &file);
    let refused = postgres.migrate(&[]).expect(2);
    assert!(
        refused.output().contains("written for sqlite")
            && refused.output().contains("postgresql database"),
        "{}",
        refused.transcript()
    );
    assert_eq!(postgres.tables().await, Vec::<String>::new());
    assert_eq!(postgres.files(), [file], "no file was written");
}

/// A column the models dropped stays (drops are never generated), and the hint for the
/// hand-written migration is SQL that runs on the database as the run leaves it: here the
/// run first drops the column's index (not destructive), after which SQLite can drop the
/// column in place; the hint is rendered against that schema, not written blind.
#[tokio::test]
async fn a_blocked_sqlite_drop_is_shown_as_sql_that_runs() {
    let project = Project::with_db(TestDb::sqlite().await.unwrap());
    project.migrate(&[]).expect(0);
    project
        .sql(
            "ALTER TABLE users ADD COLUMN legacy TEXT;
             CREATE INDEX ix_users_legacy ON users (legacy);",
        )
        .await;
    let partial = project.migrate(&[]).expect(0);
    let out = &partial.stdout;
    assert!(out.contains("Partial sync complete"), "{out}");
    assert!(out.contains("drop column users.legacy"), "{out}");
    let legacy = "SELECT name FROM pragma_table_info('users') WHERE name = 'legacy'";
    assert_eq!(project.query(legacy).await, ["legacy"], "the column stays");

    let (_, hint) = out
        .split_once("in its -- +up section:\n")
        .unwrap_or_else(|| panic!("no SQL in the hint:\n{out}"));
    assert!(hint.contains(r#"DROP COLUMN "legacy""#), "{hint}");
    // The hint, pasted into a migration, runs.
    project.sql(hint).await;
    assert_eq!(project.query(legacy).await, Vec::<String>::new());
}
