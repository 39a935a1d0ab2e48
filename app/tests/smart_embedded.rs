//! The first command works with no database server at all: with no `DATABASE_URL` and no
//! PostgreSQL answering, the development run says so in one line and migrates the embedded
//! SQLite database `app_development.db`, with a history folder of its own; the committed
//! PostgreSQL history is left alone.

mod smart_kit;

use smart_kit::{Bin, Project};

fn unused_port() -> String {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(1)
        .to_string()
}

#[tokio::test]
async fn without_any_server_the_first_run_uses_the_embedded_database() {
    let project = Project::new().await;
    // The example's committed history, as a fresh clone has it.
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/versions");
    for entry in std::fs::read_dir(&committed).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, project.versions().join(path.file_name().unwrap())).unwrap();
    }
    let before = project.files();
    let port = unused_port();
    let run = |args: &[&str]| {
        project
            .invoke(Bin::Migrate, args)
            .database_url(None)
            .env("PGHOST", "127.0.0.1")
            .env("PGPORT", &port)
            .run()
    };
    let first = run(&[]).expect(0);
    assert!(
        first
            .stdout
            .contains("no PostgreSQL server answers on this machine"),
        "{}",
        first.stdout
    );
    assert!(
        first
            .stdout
            .contains("embedded SQLite database app_development.db"),
        "{}",
        first.stdout
    );
    assert!(
        first
            .stdout
            .contains("created the development database app_development.db"),
        "{}",
        first.stdout
    );
    assert!(
        first.stdout.contains("nothing to commit"),
        "{}",
        first.stdout
    );
    assert!(
        !first.stdout.contains("You MUST commit"),
        "{}",
        first.stdout
    );
    assert!(project.path().join("app_development.db").exists());
    let local = std::fs::read_dir(project.migrations().join("sqlite/versions"))
        .unwrap()
        .count();
    assert_eq!(local, 1, "one revision in the embedded history");
    assert_eq!(
        project.files(),
        before,
        "the committed history is left alone"
    );
    // The second run finds the embedded database in sync, and creates nothing.
    let second = run(&[]).expect(0);
    assert!(second.stdout.contains("in sync"), "{}", second.stdout);
    assert!(
        !second.stdout.contains("created the development database"),
        "{}",
        second.stdout
    );
    // A subcommand cannot fall back (it would read another history), but says where to go.
    let current = run(&["current"]).expect(3);
    assert!(
        current
            .stderr
            .contains("DATABASE_URL=sqlite://app_development.db migrate --dir"),
        "{}",
        current.stderr
    );
    // Tables really are there: the SQLite file holds the models.
    let url = format!(
        "sqlite://{}",
        project.path().join("app_development.db").display()
    );
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'organisations'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(tables, 1);
}

#[tokio::test]
async fn a_local_server_that_answers_is_used_as_before() {
    // The zero-configuration run, pointed by the libpq variables at the project's database.
    let project = Project::new().await;
    let url = url::Url::parse(project.db().url()).unwrap();
    let run = project
        .invoke(Bin::Migrate, &[])
        .database_url(None)
        .env("PGHOST", url.host_str().unwrap())
        .env("PGPORT", &url.port().unwrap_or(5432).to_string())
        .env("PGUSER", url.username())
        .env("PGDATABASE", url.path().trim_start_matches('/'))
        .run()
        .expect(0);
    assert!(!run.stdout.contains("embedded"), "{}", run.stdout);
    assert!(run.stdout.contains("You MUST commit"), "{}", run.stdout);
    assert!(!project.path().join("app_development.db").exists());
    assert!(!project.migrations().join("sqlite").exists());
}
