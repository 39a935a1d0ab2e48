//! The smart migrator in production (`DGS_ENV=production`), with the real `migrate` binary
//! and a real database: a missing migration is CRITICAL and changes nothing; the guide's
//! three ways out (commit the file generated in development, `--force-sync-prod`, the
//! manual commands) each work; several heads are refused; and drift left by blocked drops
//! is a partial sync in both environments, except a NOT NULL column without a default,
//! which breaks the application's inserts and so needs a migration.

#[macro_use]
mod smart_kit;

use smart_kit::{reduced_schema, schema_without, Project};

/// A project whose history stops before the comments table and the project description
/// the models have, upgraded, with one organisation in it.
async fn behind_the_models() -> (Project, String) {
    let project = Project::new().await;
    let base = project.write_revision(
        "base_reduced",
        &[],
        &Default::default(),
        &reduced_schema(),
        "initial schema",
    );
    project.migrate(&["upgrade"]).expect(0);
    project
        .sql("INSERT INTO organisations (name, slug) VALUES ('Acme', 'acme');")
        .await;
    (project, base)
}

#[tokio::test]
async fn a_missing_migration_is_critical_then_fixed_from_development() {
    let (prod, base) = behind_the_models().await;
    let before = prod.dump();
    let critical = prod.migrate_prod(&[]).expect(5);
    assert!(
        critical
            .stdout
            .contains("CRITICAL: Database schema is out of sync in PRODUCTION"),
        "{}",
        critical.stdout
    );
    for op in ["create table comments", "add column projects.description"] {
        assert!(critical.stdout.contains(op), "{op}: {}", critical.stdout);
    }
    assert_eq!(prod.dump(), before, "production drift changed the database");
    assert_eq!(
        prod.files(),
        std::slice::from_ref(&base),
        "production wrote a file"
    );
    assert!(prod.backup_files().is_empty(), "{:?}", prod.backup_files());

    // Scenario A: `make migrate` in development (same history, another database), commit
    // the file, redeploy.
    let dev = Project::new().await;
    dev.copy_from(&prod, &base);
    let generate = dev.migrate(&[]).expect(0);
    let generated = dev.file_ending("_auto_sync_schema.sql");
    prod.copy_from(&dev, &generated);
    let deploy = prod.migrate_prod(&[]).expect(0);
    assert!(
        deploy.stdout.contains("✓ applied 1 revision"),
        "{}",
        deploy.stdout
    );
    let mut expected = vec![base, generated];
    expected.sort();
    assert_eq!(prod.files(), expected, "the deploy wrote a file");
    assert_eq!(prod.backup_files().len(), 1, "{:?}", prod.backup_files());
    let again = prod.migrate_prod(&[]).expect(0);
    assert_eq!(
        prod.backup_files().len(),
        1,
        "no backup when nothing is applied"
    );
    let transcript = prod
        .transcripts(&[critical, generate, deploy, again])
        .replace(&dev.path().display().to_string(), "[dev project]");
    assert_smart_snapshot!("missing_migration_then_scenario_a", transcript);
}

#[tokio::test]
async fn force_sync_prod_then_the_manual_commands() {
    let (prod, base) = behind_the_models().await;
    // Scenario B.
    let forced = prod.migrate_prod(&["--force-sync-prod"]).expect(0);
    assert!(
        forced
            .stdout
            .contains("WARNING: --force-sync-prod: generating and applying unreviewed DDL"),
        "{}",
        forced.stdout
    );
    let generated = prod.file_ending("_auto_sync_schema.sql");
    assert_eq!(prod.backup_files().len(), 1, "{:?}", prod.backup_files());
    assert!(prod.tables().await.contains(&"public.comments".to_string()));
    let after = prod.migrate_prod(&[]).expect(0);

    // Scenario C.
    let id = &generated[..12];
    let runs = [
        prod.migrate_prod(&["current"]).expect(0),
        prod.migrate_prod(&["history", "--indicate-current"])
            .expect(0),
        prod.migrate_prod(&["stamp", "base_reduced"]).expect(0),
        prod.migrate_prod(&["current"]).expect(0),
        prod.migrate_prod(&["stamp", id]).expect(0),
        prod.migrate_prod(&["current"]).expect(0),
        prod.migrate_prod(&[]).expect(0),
    ];
    assert!(
        runs[3].stdout.starts_with("base_reduced"),
        "{}",
        runs[3].stdout
    );
    assert!(runs[5].stdout.starts_with(id), "{}", runs[5].stdout);
    let mut expected = vec![base, generated.clone()];
    expected.sort();
    assert_eq!(prod.files(), expected);
    let mut all = vec![forced, after];
    all.extend(runs);
    assert_smart_snapshot!(
        "force_sync_prod_and_manual_commands",
        prod.transcripts(&all)
    );
}

#[tokio::test]
async fn production_refuses_several_heads_and_a_missing_configuration() {
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
    let files = project.files();
    let before = project.dump();
    let heads = project.migrate_prod(&[]).expect(2);
    assert!(
        heads.stderr.contains("add_comments, add_description"),
        "{}",
        heads.stderr
    );
    assert_eq!(project.dump(), before, "production changed the database");
    assert!(project.tables().await.is_empty());
    assert_eq!(project.files(), files, "production wrote a merge revision");
    assert!(project.backup_files().is_empty());
    let no_url = project
        .invoke(smart_kit::Bin::Migrate, &[])
        .env("DGS_ENV", "production")
        .database_url(None)
        .run()
        .expect(2);
    let unknown = project
        .invoke(smart_kit::Bin::Migrate, &[])
        .env("DGS_ENV", "staging")
        .run()
        .expect(2);
    assert_eq!(project.dump(), before);
    assert_smart_snapshot!(
        "production_refusals",
        project.transcripts(&[heads, no_url, unknown])
    );
}

#[tokio::test]
async fn blocked_drops_are_a_partial_sync_that_keeps_the_data() {
    let project = Project::new().await;
    project.write_revision(
        "base_full",
        &[],
        &Default::default(),
        &smart_kit::full_schema(),
        "initial schema",
    );
    project.migrate(&["upgrade"]).expect(0);
    project
        .sql(
            "INSERT INTO users (email, display_name, password_hash) \
             VALUES ('ada@example.com', 'Ada', '\\x00');
             ALTER TABLE users ADD COLUMN legacy text NOT NULL DEFAULT 'none';
             UPDATE users SET legacy = 'kept';",
        )
        .await;
    let before = project.dump();
    let prod = project.migrate_prod(&[]).expect(0);
    let dev = project.migrate(&[]).expect(0);
    for run in [&prod, &dev] {
        assert!(
            run.stdout
                .contains("⚠️ Partial sync complete. Schema drift persists."),
            "{}",
            run.stdout
        );
        assert!(
            run.stdout
                .contains(r#"ALTER TABLE "users" DROP COLUMN "legacy";"#),
            "{}",
            run.stdout
        );
    }
    assert_eq!(project.dump(), before, "nothing to emit, nothing changed");
    assert_eq!(project.files().len(), 1, "{:?}", project.files());

    // A NOT NULL column without a default makes the application's inserts fail: production
    // needs a migration for it, development writes one that makes it NULL-able.
    project
        .sql(
            "ALTER TABLE users ADD COLUMN legacy_code text NOT NULL DEFAULT 'L-1';
             ALTER TABLE users ALTER COLUMN legacy_code DROP DEFAULT;",
        )
        .await;
    let before = project.dump();
    let prod_critical = project.migrate_prod(&[]).expect(5);
    assert!(
        prod_critical
            .stdout
            .contains("alter column users.legacy_code"),
        "{}",
        prod_critical.stdout
    );
    assert_eq!(
        project.dump(),
        before,
        "production drift changed the database"
    );
    let dev_relax = project.migrate(&[]).expect(0);
    let generated = project.file_ending("_auto_sync_schema.sql");
    assert!(
        dev_relax.stdout.contains("You MUST commit"),
        "{}",
        dev_relax.stdout
    );
    let prod_partial = project.migrate_prod(&[]).expect(0);
    assert!(
        prod_partial.stdout.contains("Partial sync complete"),
        "{}",
        prod_partial.stdout
    );

    let columns = project.columns("users").await;
    assert!(
        columns.contains(&"legacy text not null".to_string()),
        "{columns:?}"
    );
    assert!(
        columns.contains(&"legacy_code text null".to_string()),
        "{columns:?}"
    );
    assert_eq!(
        project
            .query("SELECT legacy || '/' || legacy_code FROM users")
            .await,
        ["kept/L-1"]
    );
    // The application's insert, which knows neither column, works.
    project
        .sql(
            "INSERT INTO users (email, display_name, password_hash) \
             VALUES ('bob@example.com', 'Bob', '\\x00');",
        )
        .await;
    let text = project.read(&generated);
    assert_smart_snapshot!(
        "partial_sync",
        format!(
            "{}\n==> [rev1]_auto_sync_schema.sql <==\n{}",
            project.transcripts(&[prod, dev, prod_critical, dev_relax, prod_partial]),
            project.redact(&text)
        )
    );
}
