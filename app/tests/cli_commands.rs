//! The CLI's output for each command on a small history with a branch and a merge, as a
//! user sees it: the real binary, a real database, one snapshot per scenario.

#[macro_use]
mod cli_kit;

use cli_kit::{transcripts, Project};

#[tokio::test]
async fn cli_reads_the_history_without_a_database() {
    let project = Project::with_fixture().await;
    let runs = [
        project.run(&["history"]),
        project.run(&["heads"]),
        project.run(&["show", "dddd"]),
        project.run(&["show", "aaaa00000001"]),
        project.run(&["heads", "--format", "json"]),
        project.run(&["history", "--format", "json"]),
    ];
    assert_cli_snapshot!("read_only_commands", transcripts(&runs));
}

#[tokio::test]
async fn cli_upgrades_downgrades_and_stamps() {
    let project = Project::with_fixture().await;
    let runs = [
        project.run(&["current"]),
        project.run(&["upgrade", "bbbb"]),
        project.run(&["current"]),
        project.run(&["upgrade"]),
        project.run(&["current"]),
        project.run(&["history", "--indicate-current"]),
        project.run(&["upgrade"]),
        project.run(&["downgrade", "-1"]),
        project.run(&["current", "--format", "json"]),
        project.run(&["upgrade", "heads", "--format", "json"]),
        project.run(&["downgrade", "base"]),
        project.run(&["stamp", "head"]),
        project.run(&["current"]),
        project.run(&["stamp", "base"]),
        project.run(&["current"]),
    ];
    assert_cli_snapshot!("upgrade_downgrade_stamp", transcripts(&runs));
    for run in &runs {
        assert_eq!(run.code, 0, "{}", run.transcript());
    }
}

#[tokio::test]
async fn cli_prints_offline_sql_without_touching_the_database() {
    let project = Project::with_fixture().await;
    let runs = [
        project.run(&[
            "upgrade",
            "--sql",
            "--database-url",
            "postgres://nobody@127.0.0.1:1/none",
        ]),
        project.run(&["downgrade", "--sql", "dddd00000004:aaaa00000001"]),
        project.run(&["upgrade", "--sql", "bbbb:cccc"]),
        project.run(&["downgrade", "--sql", "base"]),
    ];
    assert_cli_snapshot!("offline_sql", transcripts(&runs));
    let tables = project
        .query("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'")
        .await;
    assert!(
        tables.is_empty(),
        "offline mode touched the database: {tables:?}"
    );
}

#[tokio::test]
async fn cli_writes_revision_and_merge_files() {
    let project = Project::empty().await;
    let mut runs = vec![
        project.run(&[
            "revision",
            "-m",
            "create things",
            "--rev-id",
            "aaaa00000001",
        ]),
        project.run(&[
            "revision",
            "-m",
            "add index",
            "--rev-id",
            "bbbb00000002",
            "--non-transactional",
        ]),
        project.run(&["merge"]),
    ];
    // A branch, as a teammate's revision on the same parent would make one.
    project.write(
        "cccc00000003_other_branch.sql",
        "-- revision: cccc00000003\n-- down_revision: aaaa00000001\n-- message: other branch\n\
         -- created: 2026-01-03T10:00:00Z\n-- dialect: postgresql\n-- transactional: true\n\n\
         -- +up\n",
    );
    runs.extend([
        project.run(&["heads"]),
        project.run(&["merge", "-m", "join branches", "--rev-id", "dddd00000004"]),
        project.run(&["history"]),
    ]);
    let mut files = String::new();
    for name in [
        "aaaa00000001_create_things.sql",
        "bbbb00000002_add_index.sql",
        "dddd00000004_join_branches.sql",
    ] {
        let text = std::fs::read_to_string(project.versions().join(name)).unwrap();
        files.push_str(&format!("==> {name} <==\n{text}\n"));
    }
    for run in &runs {
        let expected = if run.args == ["merge"] { 2 } else { 0 };
        assert_eq!(run.code, expected, "{}", run.transcript());
    }
    assert_cli_snapshot!(
        "revision_and_merge",
        format!("{}\n{files}", transcripts(&runs))
    );
}

/// A reader that goes away (`migrate upgrade | head -1`) does not stop the work halfway or
/// panic: every revision is applied and the exit code is the command's.
#[tokio::test]
async fn a_closed_stdout_ends_the_output_not_the_upgrade() {
    let project = Project::with_fixture().await;
    let mut child = project
        .command(&["upgrade", "heads"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let heads = project
        .query("SELECT revision::text FROM dgs_schema_version ORDER BY 1")
        .await;
    assert_eq!(heads.len(), 1, "upgraded to the one head: {heads:?}");
}
