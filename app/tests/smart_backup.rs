//! Pre-migration backups, with the real `migrate` binary, `pg_dump` and `pg_restore`: a
//! production run with something to apply writes a private custom-format dump named after
//! the database, the time and the revision, which restores into another database; nothing
//! to apply means no backup; `--skip-backup` and `--backup` do what they say; and without
//! `pg_dump` the run stops with exit code 6 before changing anything or writing a file.

#[macro_use]
mod smart_kit;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use smart_kit::{full_schema, reduced_schema, Bin, Project};
use workspace_tests::TestDb;

/// A project at `base_reduced` with one organisation, and the revision that completes the
/// schema pending.
async fn with_a_pending_revision() -> Project {
    let project = Project::new().await;
    let reduced = reduced_schema();
    project.write_revision(
        "base_reduced",
        &[],
        &Default::default(),
        &reduced,
        "initial schema",
    );
    project.migrate(&["upgrade"]).expect(0);
    project
        .sql("INSERT INTO organisations (name, slug) VALUES ('Acme', 'acme');")
        .await;
    project.write_revision(
        "add_comments",
        &["base_reduced"],
        &reduced,
        &full_schema(),
        "add comments",
    );
    project
}

#[tokio::test]
async fn production_backs_up_before_applying_and_the_dump_restores() {
    let project = with_a_pending_revision().await;
    let deploy = project.migrate_prod(&[]).expect(0);
    let backups = project.backup_files();
    assert_eq!(backups.len(), 1, "{backups:?}");
    let name = &backups[0];
    let database = project.db().name();
    assert!(
        name.starts_with(&format!("{database}_")) && name.ends_with("Z_base_reduced.dump"),
        "{name}"
    );
    let path = project.backups().join(name);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
    assert!(deploy.stdout.contains("✓ applied 1 revision: add_comments"));

    // The dump is pg_dump's custom format and holds the database as it was before.
    let restored = TestDb::postgres_for("restored").await.unwrap();
    let status = Command::new("pg_restore")
        .arg("--no-owner")
        .arg(format!("--dbname={}", restored.url()))
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success(), "pg_restore failed");
    let mut conn: sqlx::PgConnection = restored.connect().await.unwrap();
    let slugs: Vec<String> = sqlx::query_scalar("SELECT slug::text FROM organisations")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert_eq!(slugs, ["acme"]);
    let version: Vec<String> = sqlx::query_scalar("SELECT revision::text FROM dgs_schema_version")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        version,
        ["base_reduced"],
        "the backup is from before the upgrade"
    );
    let comments: Option<String> = sqlx::query_scalar("SELECT to_regclass('comments')::text")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(comments, None);

    let again = project.migrate_prod(&[]).expect(0);
    assert_eq!(
        project.backup_files(),
        backups,
        "nothing to apply, no backup"
    );
    assert_smart_snapshot!("production_backup", project.transcripts(&[deploy, again]));
}

#[tokio::test]
async fn skip_backup_in_production_and_backup_in_development() {
    let prod = with_a_pending_revision().await;
    let skipped = prod.migrate_prod(&["--skip-backup"]).expect(0);
    assert!(prod.backup_files().is_empty(), "{:?}", prod.backup_files());
    assert!(skipped.stdout.contains("applied 1 revision"));

    let dev = with_a_pending_revision().await;
    let plain = dev.migrate(&[]).expect(0);
    assert!(plain.stdout.contains("applied 1 revision"));
    assert!(dev.backup_files().is_empty(), "{:?}", dev.backup_files());
    dev.write_file(
        "cafe_analyze.sql",
        "-- revision: cafe_analyze\n-- down_revision: add_comments\n-- message: analyze\n\
         -- created: 2026-01-03T10:00:00Z\n-- dialect: postgresql\n-- transactional: true\n\n\
         -- +up\nANALYZE organisations;\n",
    );
    let backed_up = dev.migrate(&["--backup"]).expect(0);
    assert_eq!(dev.backup_files().len(), 1, "{:?}", dev.backup_files());
    let nothing = dev.migrate(&["--backup"]).expect(0);
    assert_eq!(dev.backup_files().len(), 1, "nothing to apply, no backup");
    let transcript = format!(
        "{}\n{}",
        prod.transcripts(&[skipped]),
        dev.transcripts(&[plain, backed_up, nothing])
    );
    assert_smart_snapshot!("skip_backup_and_backup", transcript);
}

#[tokio::test]
async fn a_missing_pg_dump_stops_the_run_before_any_change() {
    let empty_path = tempfile::tempdir().unwrap();
    let project = with_a_pending_revision().await;
    let before = project.dump();
    let pending = project
        .invoke(Bin::Migrate, &[])
        .env("DGS_ENV", "production")
        .path(empty_path.path())
        .run()
        .expect(6);
    assert_eq!(project.dump(), before, "the database changed");
    assert!(
        project.backup_files().is_empty(),
        "{:?}",
        project.backup_files()
    );

    let fresh = Project::new().await;
    for name in project.files() {
        fresh.copy_from(&project, &name);
    }

    // Development with --backup: the drift is neither applied nor written to a file.
    let _ = std::fs::remove_file(project.versions().join("add_comments_add_comments.sql"));
    let files_before = project.files();
    let drift = project
        .invoke(Bin::Migrate, &["--backup"])
        .path(empty_path.path())
        .run()
        .expect(6);
    assert_eq!(project.files(), files_before, "a file was written");
    assert_eq!(project.dump(), before, "the database changed");

    // A fresh database: not even the history tables appear.
    let first_deploy = fresh
        .invoke(Bin::Migrate, &[])
        .env("DGS_ENV", "production")
        .path(empty_path.path())
        .run()
        .expect(6);
    assert!(
        fresh.tables().await.is_empty(),
        "{:?}",
        fresh.tables().await
    );
    let skipped = fresh
        .invoke(Bin::Migrate, &["--skip-backup"])
        .env("DGS_ENV", "production")
        .path(empty_path.path())
        .run()
        .expect(0);
    assert!(fresh.backup_files().is_empty());
    let transcript = format!(
        "{}\n{}",
        project.transcripts(&[pending, drift]),
        fresh.transcripts(&[first_deploy, skipped])
    );
    assert_smart_snapshot!("missing_pg_dump", transcript);
}

/// Replicas deploying at once: the lock lets one of them back up and apply; the others
/// wait, then find nothing to do, so there is one backup and one application.
#[tokio::test]
async fn replicas_starting_together_back_up_and_apply_once() {
    let project = with_a_pending_revision().await;
    // Eight, as a deploy of eight replicas that each migrate on boot.
    let replicas: Vec<_> = (0..8)
        .map(|_| {
            let invocation = project
                .invoke(Bin::Migrate, &[])
                .env("DGS_ENV", "production");
            let child = invocation.command().spawn().unwrap();
            (invocation, child)
        })
        .collect();
    let runs: Vec<_> = replicas
        .into_iter()
        .map(|(invocation, child)| invocation.finish(child.wait_with_output().unwrap()))
        .collect();
    for run in &runs {
        assert_eq!(run.code, 0, "{}", run.transcript());
    }
    let applied = runs
        .iter()
        .filter(|r| r.stdout.contains("applied 1 revision"))
        .count();
    assert_eq!(applied, 1, "{}", project.transcripts(&runs));
    assert_eq!(
        project.backup_files().len(),
        1,
        "{:?}",
        project.backup_files()
    );
    let ups = project
        .query(
            "SELECT revision::text FROM dgs_schema_version_log \
             WHERE direction = 'up' ORDER BY id",
        )
        .await;
    assert_eq!(ups, ["base_reduced", "add_comments"]);
}
