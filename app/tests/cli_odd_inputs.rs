//! Odd inputs and races the migrator must not take quietly: a mistyped `--dir`, a history
//! written for another database (refused before anything is created), and several
//! development runs started at once on a fresh database (each reads the files under the
//! lock, so the one that generates the first revision does not make the others fail).

#[macro_use]
mod cli_kit;
mod smart_kit;

use cli_kit::Project;

#[tokio::test]
async fn a_mistyped_dir_is_an_error_not_nothing_to_do() {
    let project = Project::with_fixture().await;
    for args in [
        &["--dir", "migration", "upgrade"][..],
        &["--dir", "migration", "current"],
        &["--dir", "migration", "history"],
        &["--dir", "migration", "stamp", "head"],
    ] {
        let run = project.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains("no migrations folder at migration"),
            "{}",
            run.stderr
        );
    }
    let tables = project
        .query("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'")
        .await;
    assert!(tables.is_empty(), "nothing was created: {tables:?}");
}

#[tokio::test]
async fn a_history_for_another_database_creates_nothing_before_it_is_refused() {
    let project = Project::empty().await;
    project.write(
        "aaaa00000001_lite.sql",
        "-- revision: aaaa00000001\n-- down_revision: none\n-- message: lite\n\
         -- created: 2026-01-01T10:00:00Z\n-- dialect: sqlite\n-- transactional: true\n\n\
         -- +up\nCREATE TABLE t (id integer PRIMARY KEY);\n\n-- +down\nDROP TABLE t;\n",
    );
    for args in [&["upgrade"][..], &["stamp", "head"], &["downgrade", "base"]] {
        let run = project.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains("sqlite"), "{}", run.stderr);
    }
    let tables = project
        .query("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'")
        .await;
    assert!(tables.is_empty(), "no bookkeeping tables: {tables:?}");
}

#[tokio::test]
async fn development_runs_started_at_once_all_succeed_with_one_revision() {
    let project = smart_kit::Project::new().await;
    let children: Vec<_> = (0..8)
        .map(|_| {
            let invocation = project.invoke(smart_kit::Bin::Migrate, &[]);
            let mut command = invocation.command();
            (invocation, command.spawn().unwrap())
        })
        .collect();
    let runs: Vec<_> = children
        .into_iter()
        .map(|(invocation, child)| invocation.finish(child.wait_with_output().unwrap()))
        .collect();
    for run in &runs {
        assert_eq!(run.code, 0, "{}", run.transcript());
    }
    assert_eq!(
        project.files().len(),
        1,
        "one revision: {:?}",
        project.files()
    );
    let generated = runs
        .iter()
        .filter(|run| run.stdout.contains("generated"))
        .count();
    assert_eq!(
        generated, 1,
        "one run generated, the others found it in sync"
    );
}

/// A big statement is not printed whole by any log level, and with `--format json` an error
/// is a JSON document too.
#[tokio::test]
async fn logs_stay_bounded_and_json_errors_are_json() {
    let project = Project::empty().await;
    let big = "x".repeat(1_000_000);
    project.write(
        "aaaa00000001_big.sql",
        &format!(
            "-- revision: aaaa00000001\n-- down_revision: none\n-- message: big\n\
             -- created: 2026-01-01T10:00:00Z\n-- dialect: postgresql\n-- transactional: true\n\n\
             -- +up\nCREATE TABLE blobs (body text);\nINSERT INTO blobs VALUES ('{big}');\n\n\
             -- +down\nDROP TABLE blobs;\n"
        ),
    );
    let output = project
        .command(&["upgrade"])
        .env("MIGRATE_LOG", "trace")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        output.stderr.len() < 200_000,
        "{} bytes of log for a 1 MB statement",
        output.stderr.len()
    );
    let failed = project.run(&["--format", "json", "--dir", "nowhere", "current"]);
    assert_eq!(failed.code, 2);
    let document: serde_json::Value = serde_json::from_str(&failed.stdout).unwrap();
    assert_eq!(document["error"]["exit_code"], 2, "{document}");
    assert!(
        document["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("no migrations folder")),
        "{document}"
    );
}

/// Dropping the log by hand used to turn the checksum checks off without a word.
#[tokio::test]
async fn a_lost_log_stops_the_run_until_the_checksums_are_recorded_again() {
    let project = Project::with_fixture().await;
    assert_eq!(project.run(&["upgrade", "heads"]).code, 0);
    project.sql("DROP TABLE dgs_schema_version_log;").await;
    let stopped = project.run(&["upgrade", "heads"]);
    assert_eq!(stopped.code, 2, "{}{}", stopped.stdout, stopped.stderr);
    assert!(
        stopped
            .stderr
            .contains("the log table dgs_schema_version_log is missing")
            && stopped.stderr.contains("--accept-changed-checksums"),
        "{}",
        stopped.stderr
    );
    let recorded = project.run(&["upgrade", "heads", "--accept-changed-checksums"]);
    assert_eq!(recorded.code, 0, "{}{}", recorded.stdout, recorded.stderr);
    let accepted = project
        .query("SELECT count(*)::text FROM dgs_schema_version_log WHERE direction = 'accept'")
        .await;
    assert_eq!(accepted, ["4"], "one baseline per applied revision");
    // The checks are back: an edited applied file is caught again.
    let path = project.versions().join(cli_kit::FIXTURE[0].0);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("name text NOT NULL", "name text")).unwrap();
    let caught = project.run(&["upgrade", "heads"]);
    assert_eq!(caught.code, 2, "{}{}", caught.stdout, caught.stderr);
}

/// A stamp after the log was dropped used to recreate it empty, which turned the checksum
/// checks off for every revision it did not stamp anew; it records a baseline for all.
#[tokio::test]
async fn a_stamp_after_the_log_was_lost_records_every_baseline() {
    let project = Project::with_fixture().await;
    assert_eq!(project.run(&["upgrade", "heads"]).code, 0);
    project.sql("DROP TABLE dgs_schema_version_log;").await;
    // At the default log level, as a user runs it.
    let stamped = project
        .command(&["stamp", "heads"])
        .env("MIGRATE_LOG", "warn")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&stamped.stderr);
    assert_eq!(stamped.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("the log was missing"), "{stderr}");
    let baselines = project
        .query("SELECT count(*)::text FROM dgs_schema_version_log WHERE direction = 'stamp_up'")
        .await;
    assert_eq!(baselines, ["4"], "one baseline per applied revision");
    let path = project.versions().join(cli_kit::FIXTURE[0].0);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("name text NOT NULL", "name text")).unwrap();
    let caught = project.run(&["upgrade", "heads"]);
    assert_eq!(caught.code, 2, "{}{}", caught.stdout, caught.stderr);
    assert!(
        caught.stderr.contains(cli_kit::FIXTURE[0].0),
        "{}",
        caught.stderr
    );
}
