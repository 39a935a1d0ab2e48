//! `--include`, `--exclude` and `--namespace` decide which tables the migrator manages: a
//! table left out is never reported, created or dropped.

mod cli_kit;

use cli_kit::Project;

#[tokio::test]
async fn excluded_tables_are_not_drift() {
    let project = Project::empty().await;
    let init = project.run(&["revision", "-m", "initial schema", "--autogenerate"]);
    assert_eq!(init.code, 0, "{}", init.transcript());
    assert_eq!(project.run(&["upgrade"]).code, 0);
    project
        .sql("CREATE TABLE legacy_orders (id int PRIMARY KEY, note text)")
        .await;

    // Seen, the table is drift the migrator never drops: a partial sync, which passes.
    let seen = project.run(&["check"]);
    assert_eq!(seen.code, 0, "{}", seen.transcript());
    assert!(
        seen.stdout.contains("drop table legacy_orders")
            && seen.stdout.contains("Partial sync: schema drift persists."),
        "{}",
        seen.stdout
    );

    let excluded = project.run(&["check", "--exclude", "legacy_*"]);
    assert_eq!(excluded.code, 0, "{}", excluded.transcript());
    assert!(!excluded.stdout.contains("legacy_orders"));
}

#[tokio::test]
async fn a_bad_pattern_is_a_usage_error_naming_it() {
    let project = Project::empty().await;
    let run = project.run(&["check", "--include", "a.b.c"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("a.b.c"), "{}", run.stderr);
}
