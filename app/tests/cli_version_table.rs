//! The version table against real databases, through the real `migrate` binary: a Rails
//! database keeps its `schema_migrations` and `ar_internal_metadata` untouched and out of
//! the drift, `--version-table` / `DGS_VERSION_TABLE` put the history under another name,
//! a name taken by another tool (Alembic, golang-migrate) stops every command before
//! anything is written, and a database migrated by the previous build (history in
//! `schema_migrations`) is carried over to `dgs_schema_version` once, on PostgreSQL,
//! MariaDB and SQLite.

#[macro_use]
mod smart_kit;

use migrator::Dialect;
use smart_kit::{full_schema, Project};
use workspace_tests::TestDb;

/// The SQL that differs between the databases in these tests.
struct Spelling {
    /// The tables of the database, sorted.
    tables: &'static str,
    /// The indexes of the log table.
    log_indexes: &'static str,
    /// The number of log rows, as text.
    log_rows: &'static str,
    /// Renames the history tables back to the previous build's names.
    back_to_legacy: &'static str,
}

const POSTGRES: Spelling = Spelling {
    tables: "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = 'public' ORDER BY 1",
    log_indexes: "SELECT indexname::text FROM pg_indexes \
                  WHERE tablename = 'dgs_schema_version_log' ORDER BY 1",
    log_rows: "SELECT count(*)::text FROM dgs_schema_version_log",
    back_to_legacy: "ALTER TABLE dgs_schema_version RENAME TO schema_migrations;
        ALTER TABLE dgs_schema_version_log RENAME TO schema_migrations_log;
        ALTER INDEX ix_dgs_schema_version_log_revision RENAME TO ix_schema_migrations_log_revision;
        ALTER TABLE schema_migrations_log RENAME CONSTRAINT ck_dgs_schema_version_log_direction
            TO ck_schema_migrations_log_direction;",
};

const MYSQL: Spelling = Spelling {
    tables: "SELECT CAST(table_name AS CHAR) FROM information_schema.tables \
             WHERE table_schema = DATABASE() ORDER BY 1",
    log_indexes: "SELECT DISTINCT CAST(index_name AS CHAR) FROM information_schema.statistics \
                  WHERE table_schema = DATABASE() AND table_name = 'dgs_schema_version_log' \
                  ORDER BY 1",
    log_rows: "SELECT CAST(COUNT(*) AS CHAR) FROM dgs_schema_version_log",
    back_to_legacy: "RENAME TABLE dgs_schema_version TO schema_migrations,
            dgs_schema_version_log TO schema_migrations_log;
        ALTER TABLE schema_migrations_log
            RENAME INDEX ix_dgs_schema_version_log_revision TO ix_schema_migrations_log_revision;",
};

const SQLITE: Spelling = Spelling {
    tables: "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY 1",
    log_indexes: "SELECT name FROM sqlite_schema \
                  WHERE type = 'index' AND tbl_name = 'dgs_schema_version_log' ORDER BY 1",
    log_rows: "SELECT CAST(count(*) AS TEXT) FROM dgs_schema_version_log",
    back_to_legacy: "ALTER TABLE dgs_schema_version RENAME TO schema_migrations;
        ALTER TABLE dgs_schema_version_log RENAME TO schema_migrations_log;
        DROP INDEX ix_dgs_schema_version_log_revision;
        CREATE INDEX ix_schema_migrations_log_revision ON schema_migrations_log (revision, id);
        ALTER TABLE dgs_schema_version_lock RENAME TO schema_migrations_lock;",
};

/// What Rails leaves in a database: its version table with rows, and its metadata table.
const RAILS: &str = "
CREATE TABLE schema_migrations (version varchar PRIMARY KEY);
INSERT INTO schema_migrations VALUES ('20240101000000'), ('20240102000000');
CREATE TABLE ar_internal_metadata (
    key varchar PRIMARY KEY,
    value varchar,
    created_at timestamp(6) NOT NULL,
    updated_at timestamp(6) NOT NULL
);
INSERT INTO ar_internal_metadata
VALUES ('environment', 'production', '2024-01-01 00:00:00', '2024-01-01 00:00:00');
";

async fn rails_rows(project: &Project) -> Vec<String> {
    let mut rows = project
        .query("SELECT version::text FROM schema_migrations ORDER BY 1")
        .await;
    rows.extend(
        project
            .query("SELECT key || '=' || value FROM ar_internal_metadata")
            .await,
    );
    rows.extend(project.columns("schema_migrations").await);
    rows
}

#[tokio::test]
async fn a_rails_database_keeps_its_tables_and_they_are_not_drift() {
    let project = Project::new().await;
    project.sql(RAILS).await;
    let before = rails_rows(&project).await;

    let current = project.migrate(&["current"]).expect(0);
    assert!(current.stdout.contains("base"), "{}", current.transcript());
    let smart = project.migrate(&[]).expect(0);
    assert!(
        !smart.stdout.contains("schema_migrations") && !smart.stdout.contains("ar_internal"),
        "{}",
        smart.transcript()
    );
    let file = project.file_ending("_auto_sync_schema.sql");
    assert!(!project.read(&file).contains("schema_migrations"));
    let upgrade = project.migrate(&["upgrade", "head"]).expect(0);
    assert!(
        upgrade.stdout.contains("Nothing to do"),
        "{}",
        upgrade.transcript()
    );
    let current = project.migrate(&["current"]).expect(0);
    assert!(
        current.stdout.contains("(head)"),
        "{}",
        current.transcript()
    );
    let check = project.migrate(&["check"]).expect(0);
    assert!(check.stdout.contains("no drift"), "{}", check.transcript());
    project.migrate(&["stamp", "head"]).expect(0);
    let again = project.migrate(&[]).expect(0);
    assert!(again.stdout.contains("in sync"), "{}", again.transcript());

    assert_eq!(rails_rows(&project).await, before, "Rails' tables changed");
    let tables = project.query(POSTGRES.tables).await;
    for table in ["dgs_schema_version", "dgs_schema_version_log"] {
        assert!(tables.contains(&table.to_owned()), "{tables:?}");
    }
    let everywhere = project.tables().await;
    assert_eq!(
        everywhere.len(),
        full_schema().tables.len() + 4,
        "the models' tables, ours and Rails' two: {everywhere:?}"
    );
}

#[tokio::test]
async fn a_configured_name_holds_the_history_and_nothing_takes_the_default() {
    let project = Project::new().await;
    let smart = project
        .invoke(smart_kit::Bin::Migrate, &[])
        .env("DGS_VERSION_TABLE", "ops_versions")
        .run()
        .expect(0);
    let tables = project.query(POSTGRES.tables).await;
    assert!(
        tables.contains(&"ops_versions".to_owned())
            && tables.contains(&"ops_versions_log".to_owned()),
        "{tables:?}\n{}",
        smart.transcript()
    );
    assert!(
        !tables.iter().any(|t| t.starts_with("dgs_schema_version")),
        "{tables:?}"
    );
    let heads = project
        .query("SELECT revision::text FROM ops_versions")
        .await;
    assert_eq!(heads.len(), 1, "{heads:?}");

    let flag = ["--version-table", "ops_versions"];
    let current = project.migrate(&["current", flag[0], flag[1]]).expect(0);
    assert!(
        current.stdout.contains(&heads[0]),
        "{}",
        current.transcript()
    );
    let check = project.migrate(&["check", flag[0], flag[1]]).expect(0);
    assert!(check.stdout.contains("no drift"), "{}", check.transcript());
    let upgrade = project
        .invoke(smart_kit::Bin::Migrate, &["upgrade"])
        .env("DGS_VERSION_TABLE", "ops_versions")
        .run()
        .expect(0);
    assert!(
        upgrade.stdout.contains("Nothing to do"),
        "{}",
        upgrade.transcript()
    );
    let elsewhere = project.migrate(&["current"]).expect(0);
    assert!(
        elsewhere.stdout.contains("base"),
        "the default name holds no history: {}",
        elsewhere.transcript()
    );
    assert_eq!(project.query(POSTGRES.tables).await, tables);

    let bad = project.migrate(&["current", "--version-table", "x; drop"]);
    assert_eq!(bad.code, 2, "{}", bad.transcript());
    assert!(
        bad.stderr.contains("`x; drop` is not a plain identifier"),
        "{}",
        bad.transcript()
    );
    let bad_env = project
        .invoke(smart_kit::Bin::Migrate, &[])
        .env("DGS_VERSION_TABLE", "x; drop")
        .run();
    assert_eq!(bad_env.code, 2, "{}", bad_env.transcript());
    assert_smart_snapshot!(
        "version_table_bad_name",
        project.transcripts(&[bad, bad_env])
    );
}

#[tokio::test]
async fn a_name_taken_by_another_tool_stops_every_command_and_writes_nothing() {
    let project = Project::new().await;
    project
        .sql(
            "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
             INSERT INTO alembic_version VALUES ('1975ea83b712');
             CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL);
             INSERT INTO schema_migrations VALUES (20240101000000, false);",
        )
        .await;
    let revision = project.write_revision(
        "aaaa00000001",
        &[],
        &Default::default(),
        &full_schema(),
        "initial schema",
    );
    let tables = project.query(POSTGRES.tables).await;
    let rows = || async {
        let mut rows = project
            .query("SELECT version_num::text FROM alembic_version")
            .await;
        rows.extend(
            project
                .query("SELECT version || ' ' || dirty FROM schema_migrations")
                .await,
        );
        rows
    };
    let before = rows().await;

    let alembic = ["--version-table", "alembic_version"];
    let mut runs = vec![
        project.migrate(&["upgrade", alembic[0], alembic[1]]),
        project.migrate(&["current", alembic[0], alembic[1]]),
    ];
    let golang = |args: &[&str]| {
        project
            .invoke(smart_kit::Bin::Migrate, args)
            .env("DGS_VERSION_TABLE", "schema_migrations")
            .run()
    };
    runs.push(golang(&[]));
    for args in [
        &["current"][..],
        &["history", "-i"],
        &["upgrade"],
        &["downgrade", "base"],
        &["stamp", "head"],
        &["check"],
        &["diff"],
    ] {
        let run = golang(args);
        assert_eq!(run.code, 2, "{}", run.transcript());
        assert!(
            run.stderr.contains("golang-migrate"),
            "{}",
            run.transcript()
        );
    }
    for run in &runs {
        assert_eq!(run.code, 2, "{}", run.transcript());
        assert!(
            run.stderr.contains("--version-table NAME"),
            "{}",
            run.transcript()
        );
    }
    assert!(runs[0].stderr.contains("seems to belong to Alembic"));
    assert!(runs[2].stderr.contains("seems to belong to golang-migrate"));
    assert_eq!(rows().await, before, "the foreign rows changed");
    assert_eq!(
        project.query(POSTGRES.tables).await,
        tables,
        "tables were created"
    );
    assert_eq!(project.files(), [revision]);
    assert_smart_snapshot!("version_table_taken", project.transcripts(&runs));
}

/// Migrates the example app, renames the history back to the previous build's tables, and
/// checks that the next writing run carries them over once, with revisions and checksums.
async fn carry_over(db: TestDb, spelling: Spelling) {
    let dialect = db.dialect();
    let project = Project::with_db(db);
    project.migrate(&[]).expect(0);
    let file = project.files().remove(0);
    let heads = project
        .query("SELECT revision FROM dgs_schema_version")
        .await;
    let log_rows = project.query(spelling.log_rows).await;
    project.sql(spelling.back_to_legacy).await;

    let current = project.migrate(&["current"]).expect(0);
    assert!(
        current.stdout.contains(&heads[0]),
        "{}",
        current.transcript()
    );
    let check = project.migrate(&["check"]).expect(0);
    assert!(check.stdout.contains("no drift"), "{}", check.transcript());
    let legacy_tables = project.query(spelling.tables).await;
    assert!(
        legacy_tables.contains(&"schema_migrations".to_owned())
            && !legacy_tables.iter().any(|t| t.starts_with("dgs_")),
        "read-only commands rename nothing: {legacy_tables:?}"
    );

    let carried = match dialect {
        // The smart migrator on one database, `upgrade` on the others.
        Dialect::Sqlite => project.migrate(&[]).expect(0),
        _ => project.migrate(&["upgrade"]).expect(0),
    };
    assert!(
        carried
            .stdout
            .contains("carried the history over from schema_migrations to dgs_schema_version"),
        "{}",
        carried.transcript()
    );
    let tables = project.query(spelling.tables).await;
    assert!(
        !tables.iter().any(|t| t.starts_with("schema_migrations")),
        "{tables:?}"
    );
    assert_eq!(
        project
            .query("SELECT revision FROM dgs_schema_version")
            .await,
        heads
    );
    assert_eq!(project.query(spelling.log_rows).await, log_rows);
    let indexes = project.query(spelling.log_indexes).await;
    assert!(
        indexes.contains(&"ix_dgs_schema_version_log_revision".to_owned()),
        "{indexes:?}"
    );

    let second = project.migrate(&["upgrade"]).expect(0);
    assert!(
        !second.stdout.contains("carried"),
        "{}",
        second.transcript()
    );
    let smart = project.migrate(&[]).expect(0);
    assert!(!smart.stdout.contains("carried"), "{}", smart.transcript());
    project.migrate(&["check"]).expect(0);

    // The checksums came along: an edited applied file is still caught.
    let path = project.versions().join(&file);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\n-- edited\n")).unwrap();
    let edited = project.migrate(&["upgrade"]).expect(2);
    assert!(edited.stderr.contains(&file), "{}", edited.transcript());
}

#[tokio::test]
async fn the_previous_builds_history_is_carried_over_on_postgres() {
    carry_over(TestDb::postgres().await.unwrap(), POSTGRES).await;
}

#[tokio::test]
async fn the_previous_builds_history_is_carried_over_on_mariadb() {
    carry_over(TestDb::mysql().await.unwrap(), MYSQL).await;
}

#[tokio::test]
async fn the_previous_builds_history_is_carried_over_on_sqlite() {
    carry_over(TestDb::sqlite().await.unwrap(), SQLITE).await;
}

#[tokio::test]
async fn the_default_name_is_used_on_mariadb_and_sqlite() {
    for (db, spelling) in [
        (TestDb::mysql().await.unwrap(), MYSQL),
        (TestDb::sqlite().await.unwrap(), SQLITE),
    ] {
        let project = Project::with_db(db);
        project.migrate(&[]).expect(0);
        let tables = project.query(spelling.tables).await;
        assert!(
            tables.contains(&"dgs_schema_version".to_owned())
                && tables.contains(&"dgs_schema_version_log".to_owned())
                && !tables.iter().any(|t| t.starts_with("schema_migrations")),
            "{tables:?}"
        );
    }
}
