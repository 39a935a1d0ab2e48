//! Several `migrate upgrade` processes started at once on one database, as replicas of a
//! deploy would: the migration lock makes each revision run exactly once, and every
//! process succeeds.

mod cli_kit;

use cli_kit::Project;

/// As many processes as a deploy of eight replicas starts.
const REPLICAS: usize = 8;

#[tokio::test]
async fn cli_processes_upgrading_at_once_apply_each_revision_exactly_once() {
    let project = Project::empty().await;
    project.write(
        "aaaa00000001_runs.sql",
        "-- revision: aaaa00000001\n-- message: runs\n-- dialect: postgresql\n\n-- +up\n\
         CREATE TABLE runs (revision text NOT NULL, pid int NOT NULL DEFAULT pg_backend_pid());\n\
         INSERT INTO runs (revision) VALUES ('aaaa00000001');\n\
         SELECT pg_sleep(0.5);\n\n-- +down\nDROP TABLE runs;\n",
    );
    for (n, parent) in [(2, 1), (3, 2)] {
        project.write(
            &format!("aaaa0000000{n}_step.sql"),
            &format!(
                "-- revision: aaaa0000000{n}\n-- down_revision: aaaa0000000{parent}\n\
                 -- message: step\n-- dialect: postgresql\n\n-- +up\n\
                 INSERT INTO runs (revision) VALUES ('aaaa0000000{n}');\n\
                 SELECT pg_sleep(0.1);\n\n-- +down\n"
            ),
        );
    }
    let children: Vec<_> = (0..REPLICAS)
        .map(|_| {
            project
                .command(&["upgrade", "--lock-timeout", "30"])
                .env("MIGRATE_LOG", "warn")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut applied = Vec::new();
    let mut waited = 0;
    for child in children {
        let output = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        applied.push(stdout.matches("Running upgrade").count());
        if String::from_utf8_lossy(&output.stderr)
            .contains("waiting for the migration lock, held by pid")
        {
            waited += 1;
        }
    }
    assert!(waited >= 1, "the processes did not run at the same time");
    applied.sort();
    let mut expected = [0; REPLICAS];
    expected[REPLICAS - 1] = 3;
    assert_eq!(
        applied, expected,
        "one process applies everything, the others wait"
    );

    let runs = project
        .query("SELECT revision FROM runs ORDER BY revision")
        .await;
    assert_eq!(runs, ["aaaa00000001", "aaaa00000002", "aaaa00000003"]);
    let pids = project.query("SELECT DISTINCT pid::text FROM runs").await;
    assert_eq!(pids.len(), 1, "every revision ran in the same session");
    let log = project
        .query("SELECT revision || ' ' || direction FROM dgs_schema_version_log ORDER BY id")
        .await;
    assert_eq!(
        log,
        ["aaaa00000001 up", "aaaa00000002 up", "aaaa00000003 up"]
    );
}
