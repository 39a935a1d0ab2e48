//! `migrate revision --autogenerate` with the example app's models: from an empty database
//! to a file that creates everything and leaves no drift; drift then becomes a new file
//! whose destructive part is only a comment; a database behind the files is refused; the
//! blocked drop left over passes `check` with a warning.

#[macro_use]
mod cli_kit;

use cli_kit::{transcripts, Project};

#[tokio::test]
async fn cli_autogenerate_round_trip_with_the_example_models() {
    let project = Project::empty().await;
    let mut runs = vec![
        project.run(&[
            "revision",
            "-m",
            "initial schema",
            "--autogenerate",
            "--rev-id",
            "aaaa00000001",
        ]),
        project.run(&["upgrade"]),
        project.run(&["check"]),
        project.run(&["revision", "-m", "nothing", "--autogenerate"]),
    ];
    project
        .sql("ALTER TABLE users ADD COLUMN legacy text; ALTER TABLE projects DROP COLUMN description;")
        .await;
    runs.extend([
        project.run(&["check"]),
        project.run(&[
            "revision",
            "-m",
            "sync",
            "--autogenerate",
            "--rev-id",
            "bbbb00000002",
        ]),
        project.run(&["revision", "-m", "too early", "--autogenerate"]),
        project.run(&["upgrade"]),
        project.run(&["revision", "-m", "only drops", "--autogenerate"]),
        // Only the blocked drop is left: a partial sync, which the CI gate lets through.
        project.run(&["check"]),
    ]);
    assert_eq!(
        runs.iter().map(|r| r.code).collect::<Vec<_>>(),
        [0, 0, 0, 0, 1, 0, 2, 0, 0, 0]
    );
    let files: Vec<_> = std::fs::read_dir(project.versions())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    let sync = std::fs::read_to_string(project.versions().join("bbbb00000002_sync.sql")).unwrap();
    assert_cli_snapshot!(
        "autogenerate",
        format!(
            "{}\n==> bbbb00000002_sync.sql <==\n{sync}",
            transcripts(&runs)
        )
    );
    // The blocked column is still there, with its data type; the added one too.
    let columns = project
        .query(
            "SELECT table_name || '.' || column_name FROM information_schema.columns \
             WHERE (table_name, column_name) IN (('users', 'legacy'), ('projects', 'description')) \
             ORDER BY 1",
        )
        .await;
    assert_eq!(columns, ["projects.description", "users.legacy"]);
}
