//! The smart migrator in development, with the real `migrate` binary and a real database:
//! a fresh database gets a file and is synced, a model change (a history written for fewer
//! models than the binary holds) becomes `<rev>_auto_sync_schema.sql`, several heads are
//! merged, and every second run is a no-op. Also: the committed history of the example
//! app leaves no drift, the CI gate the guide describes.

#[macro_use]
mod smart_kit;

use smart_kit::{full_schema, reduced_schema, schema_without, Project, LEFT_OUT_TABLE};

#[tokio::test]
async fn a_fresh_database_gets_a_file_then_nothing() {
    let project = Project::new().await;
    let first = project.migrate(&[]).expect(0);
    let files = project.files();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].ends_with("_auto_sync_schema.sql"), "{files:?}");
    let tables = project.tables().await;
    assert_eq!(
        tables.len(),
        full_schema().tables.len() + 2,
        "the models' tables and the two history tables: {tables:?}"
    );
    let second = project.migrate(&[]).expect(0);
    assert_eq!(project.files(), files, "a second run writes nothing");
    assert!(second.stdout.contains("in sync"), "{}", second.stdout);
    assert!(!second.stdout.contains("applied"), "{}", second.stdout);
    let json = project.migrate(&["--format", "json"]).expect(0);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["outcome"], "in_sync", "{report}");
    assert_eq!(report["environment"], "development", "{report}");
    assert_smart_snapshot!(
        "fresh_database",
        project.transcripts(&[first, second, json])
    );
}

#[tokio::test]
async fn a_model_change_becomes_a_file_that_must_be_committed() {
    let project = Project::new().await;
    project.write_revision(
        "base_reduced",
        &[],
        &Default::default(),
        &reduced_schema(),
        "initial schema",
    );
    let upgrade = project.migrate(&["upgrade"]).expect(0);
    assert!(!project
        .tables()
        .await
        .contains(&format!("public.{LEFT_OUT_TABLE}")));
    project
        .sql("INSERT INTO organisations (name, slug) VALUES ('Acme', 'acme');")
        .await;

    let sync = project.migrate(&[]).expect(0);
    let generated = project.file_ending("_auto_sync_schema.sql");
    assert!(
        sync.stdout.contains(&format!(
            "You MUST commit the new migration file: git add {}",
            project.versions().join(&generated).display()
        )),
        "{}",
        sync.stdout
    );
    assert!(project
        .tables()
        .await
        .contains(&format!("public.{LEFT_OUT_TABLE}")));
    assert!(project
        .columns("projects")
        .await
        .contains(&"description text null".to_string()));
    assert_eq!(
        project.query("SELECT slug::text FROM organisations").await,
        ["acme"]
    );

    let again = project.migrate(&[]).expect(0);
    assert_eq!(project.files().len(), 2, "{:?}", project.files());
    let check = project.migrate(&["check"]).expect(0);
    let text = project.read(&generated);
    assert_smart_snapshot!(
        "model_change",
        format!(
            "{}\n==> [rev1]_auto_sync_schema.sql <==\n{}",
            project.transcripts(&[upgrade, sync, again, check]),
            project.redact(&text)
        )
    );
}

#[tokio::test]
async fn several_heads_are_merged_in_development() {
    let project = Project::new().await;
    let base = reduced_schema();
    project.write_revision("base_reduced", &[], &Default::default(), &base, "initial");
    project.write_revision(
        "add_comments",
        &["base_reduced"],
        &base,
        &schema_without(false, true),
        "add comments",
    );
    project.write_revision(
        "add_description",
        &["base_reduced"],
        &base,
        &schema_without(true, false),
        "add project descriptions",
    );
    let heads = project.migrate(&["heads"]).expect(0);
    let merge = project.migrate(&[]).expect(0);
    let merge_file = project.file_ending("_merge_heads.sql");
    let text = project.read(&merge_file);
    assert!(
        text.contains("-- down_revision: add_comments, add_description"),
        "{text}"
    );
    assert_eq!(project.files().len(), 4, "{:?}", project.files());
    assert!(merge.stdout.contains("in sync"), "{}", merge.stdout);
    let again = project.migrate(&[]).expect(0);
    assert_eq!(project.files().len(), 4, "{:?}", project.files());
    let current = project.migrate(&["current"]).expect(0);
    assert_smart_snapshot!(
        "several_heads_development",
        project.transcripts(&[heads, merge, again, current])
    );
}

/// The example app's committed history, upgraded on a fresh database, matches the models:
/// a model change without its migration fails this test, as it fails the CI gate.
#[tokio::test]
async fn the_committed_history_matches_the_models() {
    let project = Project::new().await;
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    assert!(
        committed.join("versions").is_dir(),
        "{}",
        committed.display()
    );
    let upgrade = project
        .invoke(smart_kit::Bin::Migrate, &["upgrade"])
        .dir(&committed)
        .run()
        .expect(0);
    assert!(upgrade.stdout.contains("applied"), "{}", upgrade.stdout);
    let check = project
        .invoke(smart_kit::Bin::Migrate, &["check"])
        .dir(&committed)
        .run();
    assert_eq!(
        check.code,
        0,
        "the models changed without a migration; run `make migrate` and commit the file:\n{}",
        check.transcript()
    );
}
