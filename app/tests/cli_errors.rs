//! Every error the CLI reports, with its exit code, against a real database: bad files,
//! unknown revisions, a cycle, a changed checksum, failing migrations (transactional and
//! not), another migrator holding the lock, and a database that does not answer.

#[macro_use]
mod cli_kit;

use cli_kit::{transcripts, Project};
use sqlx::Connection;

#[tokio::test]
async fn cli_bad_input_exits_2_before_touching_anything() {
    let project = Project::with_fixture().await;
    let mut runs = vec![
        project.run(&["upgrade", "ffff"]),
        project.run(&["show", "zzzz"]),
        project.run(&["upgrade", "not a target!"]),
    ];
    // Development falls back to the zero-configuration database; production never guesses.
    let mut without_url = project.command(&["current"]);
    without_url
        .env_remove("DATABASE_URL")
        .env("DGS_ENV", "production");
    let output = without_url.output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("DATABASE_URL is required"));
    let broken = project.write(
        "eeee00000005_broken.sql",
        "-- revision: eeee00000005\n-- down_revision: dddd00000004\n-- message: broken\n\
         -- dialect: postgresql\n-- transactional: maybe\n\n-- +up\nSELECT 1;\n",
    );
    runs.push(project.run(&["upgrade"]));
    std::fs::write(
        &broken,
        "-- revision: eeee00000005\n-- down_revision: ffff00000006\n-- message: loop\n\
         -- dialect: postgresql\n\n-- +up\n",
    )
    .unwrap();
    project.write(
        "ffff00000006_loop.sql",
        "-- revision: ffff00000006\n-- down_revision: eeee00000005\n-- message: loop\n\
         -- dialect: postgresql\n\n-- +up\n",
    );
    runs.push(project.run(&["history"]));
    std::fs::remove_file(project.versions().join("ffff00000006_loop.sql")).unwrap();
    std::fs::write(
        &broken,
        "-- revision: eeee00000005\n-- down_revision: dddd00000004\n-- message: lite\n\
         -- dialect: sqlite\n\n-- +up\n",
    )
    .unwrap();
    runs.push(project.run(&["upgrade"]));

    for run in &runs {
        assert_eq!(run.code, 2, "{}", run.transcript());
    }
    assert_cli_snapshot!("bad_input", transcripts(&runs));
    let tables = project
        .query("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'")
        .await;
    assert!(tables.is_empty(), "{tables:?}");
}

#[tokio::test]
async fn cli_changed_checksum_stops_upgrade_until_accepted() {
    let project = Project::with_fixture().await;
    assert_eq!(project.run(&["upgrade", "bbbb"]).code, 0);
    let path = project.versions().join("aaaa00000001_create_users.sql");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("name text NOT NULL", "name text")).unwrap();
    let runs = [
        project.run(&["upgrade"]),
        project.run(&["current"]),
        project.run(&["upgrade", "--accept-changed-checksums"]),
        project.run(&["upgrade"]),
    ];
    assert_eq!(runs.each_ref().map(|r| r.code), [2, 0, 0, 0]);
    assert_cli_snapshot!("changed_checksum", transcripts(&runs));
}

#[tokio::test]
async fn cli_failed_migrations_exit_4_and_say_what_is_in_effect() {
    let project = Project::with_fixture().await;
    project.write(
        "eeee00000005_fill_projects.sql",
        "-- revision: eeee00000005\n-- down_revision: dddd00000004\n-- message: fill projects\n\
         -- dialect: postgresql\n\n-- +up\nINSERT INTO fx_users VALUES (1, 'ann');\n\
         INSERT INTO fx_projects VALUES (1, 2);\n\n-- +down\nDELETE FROM fx_projects;\n",
    );
    let mut runs = vec![project.run(&["upgrade"]), project.run(&["current"])];
    assert_eq!(
        project.query("SELECT name FROM fx_users").await,
        Vec::<String>::new()
    );
    std::fs::remove_file(project.versions().join("eeee00000005_fill_projects.sql")).unwrap();
    project.write(
        "eeee00000005_index_projects.sql",
        "-- revision: eeee00000005\n-- down_revision: dddd00000004\n-- message: index projects\n\
         -- dialect: postgresql\n-- transactional: false\n\n-- +up\n\
         CREATE INDEX CONCURRENTLY ix_fx_projects_owner ON fx_projects (owner_id);\n\
         CREATE INDEX CONCURRENTLY ix_fx_tasks_project ON fx_tasks (project_id);\n\n-- +down\n",
    );
    runs.push(project.run(&["upgrade"]));
    runs.push(project.run(&["current"]));
    assert_eq!(
        runs.iter().map(|r| r.code).collect::<Vec<_>>(),
        [4, 0, 4, 0]
    );
    assert_cli_snapshot!("failed_migrations", transcripts(&runs));
}

#[tokio::test]
async fn cli_lock_timeout_names_the_holder_and_unreachable_exits_3() {
    let project = Project::with_fixture().await;
    let mut holder = sqlx::PgConnection::connect(&format!(
        "{}?application_name=deploy-42",
        project.db().url()
    ))
    .await
    .unwrap();
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(migrator::db::MIGRATION_LOCK_KEY)
        .execute(&mut holder)
        .await
        .unwrap();
    let runs = [
        project.run(&["upgrade", "--lock-timeout", "1"]),
        project.run(&[
            "current",
            "--database-url",
            "postgres://postgres@127.0.0.1:1/nowhere",
            "--wait-timeout",
            "1",
        ]),
    ];
    holder.close().await.unwrap();
    assert_eq!(runs.each_ref().map(|r| r.code), [4, 3]);
    assert_cli_snapshot!("lock_timeout_and_unreachable", transcripts(&runs));
    let history = project
        .query("SELECT tablename::text FROM pg_tables WHERE tablename LIKE 'dgs_schema_version%'")
        .await;
    assert!(
        history.is_empty(),
        "the locked-out run changed the database: {history:?}"
    );
}
