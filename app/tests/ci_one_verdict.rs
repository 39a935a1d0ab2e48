//! One verdict everywhere, with the real binary and a real PostgreSQL: the smart migrator,
//! `diff`, `check` (human, `--format json`, `--summary FILE`) say the same thing about the
//! same ops.
//!
//! - A model field removed relative to the database is a partial sync: the migrator exits
//!   0, `check` exits 0 with a warning, and every output names the same blocked op with the
//!   same label and the same hand-written revision; once that revision is written and
//!   applied, `check` is clean.
//! - Keys, indexes and tables in the database that the models do not declare: what `diff`
//!   labels as applied the migrator generates, what it labels as blocked the migrator
//!   lists as blocked.

#[macro_use]
mod smart_kit;

use schema_runtime::schema::{Column, ColumnType, QualifiedName, Schema};
use serde_json::Value;
use smart_kit::{full_schema, Project, Run};

/// The example models with a `users.legacy` column: the models before the field was removed.
fn with_legacy_column() -> Schema {
    let mut schema = full_schema();
    let users = schema
        .tables
        .iter_mut()
        .find(|t| t.name == QualifiedName::new("users"))
        .unwrap();
    users.columns.push(Column {
        nullable: true,
        ..Column::new("legacy", ColumnType::Text)
    });
    schema
}

/// The lines the smart migrator prints under "The safety rules blocked ...".
fn migrator_blocked(run: &Run) -> Vec<String> {
    run.stdout
        .lines()
        .skip_while(|l| !l.starts_with("The safety rules blocked"))
        .skip(1)
        .take_while(|l| l.starts_with("    "))
        .map(|l| l.trim().to_string())
        .collect()
}

/// The ops of one action in `diff --format json`, as `description (label)`.
fn json_ops(report: &Value, action: &str) -> Vec<String> {
    report["ops"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|op| op["action"] == action)
        .map(|op| format!("{} ({})", op["description"].as_str().unwrap(), op["label"]))
        .map(|s| s.replace('"', ""))
        .collect()
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

#[tokio::test]
async fn a_removed_field_is_a_partial_sync_in_every_command_until_dropped_by_hand() {
    let project = Project::new().await;
    project.write_revision(
        "base_legacy",
        &[],
        &Schema::default(),
        &with_legacy_column(),
        "initial schema",
    );
    project.migrate(&["upgrade"]).expect(0);
    project
        .sql(
            "INSERT INTO users (email, display_name, password_hash, legacy) \
             VALUES ('ada@example.com', 'Ada', '\\x00', 'kept');",
        )
        .await;

    let smart = project.migrate(&[]).expect(0);
    assert!(
        smart
            .stdout
            .contains("⚠️ Partial sync complete. Schema drift persists."),
        "{}",
        smart.stdout
    );
    let check = project.migrate(&["check"]).expect(0);
    let report = json(&project.migrate(&["--format", "json", "check"]).expect(0));
    let summary_file = project.path().join("summary.md");
    let with_summary = project
        .migrate(&["check", "--summary", summary_file.to_str().unwrap()])
        .expect(0);
    let summary = std::fs::read_to_string(&summary_file).unwrap();

    // The same op is blocked everywhere, with the same words.
    let label = "drop column users.legacy (destructive, blocked: never generated)";
    assert_eq!(migrator_blocked(&smart), ["drop column users.legacy"]);
    assert_eq!(
        report["blocked"],
        serde_json::json!(["drop column users.legacy"])
    );
    assert_eq!(json_ops(&report, "block"), [label]);
    assert!(json_ops(&report, "apply").is_empty(), "{report}");
    assert_eq!(report["missing_migration"], false);
    assert!(
        check
            .stdout
            .contains("  drop column users.legacy  destructive, blocked: never generated"),
        "{}",
        check.stdout
    );
    assert!(summary.starts_with("## ⚠️ Partial sync"), "{summary}");
    assert!(!summary.contains('❌'), "{summary}");
    assert!(summary.contains(&format!("- {label}")), "{summary}");

    // The same revision to write by hand: the command, and the SQL the migrator prints.
    let sql = r#"ALTER TABLE "users" DROP COLUMN "legacy";"#;
    assert_eq!(
        report["hand_written"]["command"],
        "migrate revision -m drop_legacy"
    );
    assert_eq!(report["hand_written"]["sql"], serde_json::json!([sql]));
    for text in [&smart.stdout, &check.stdout, &summary] {
        assert!(text.contains(sql), "{text}");
    }
    assert!(smart
        .stdout
        .contains("    migrate revision -m drop_legacy\n"));
    assert!(check.stdout.contains("`migrate revision -m drop_legacy`"));
    assert!(summary.contains("`migrate revision -m drop_legacy`"));

    // Written and applied, the revision clears the drift.
    let written = project
        .migrate(&["revision", "-m", "drop_legacy"])
        .expect(0);
    let name = project.file_ending("_drop_legacy.sql");
    let text = project
        .read(&name)
        .replacen("-- +up\n", &format!("-- +up\n{sql}\n"), 1);
    project.write_file(&name, &text);
    let upgrade = project.migrate(&["upgrade"]).expect(0);
    let clean = project.migrate(&["check"]).expect(0);
    assert!(clean.stdout.contains("no drift"), "{}", clean.stdout);
    assert!(!project
        .columns("users")
        .await
        .iter()
        .any(|c| c.starts_with("legacy ")));

    assert_smart_snapshot!(
        "removed_field",
        format!(
            "{}\n==> summary <==\n{summary}",
            project.transcripts(&[smart, check, with_summary, written, upgrade, clean])
        )
    );
}

#[tokio::test]
async fn keys_and_tables_the_models_do_not_declare_get_the_migrators_verdict() {
    let project = Project::new().await;
    project.write_revision(
        "base_full",
        &[],
        &Schema::default(),
        &full_schema(),
        "initial schema",
    );
    project.migrate(&["upgrade"]).expect(0);
    project
        .sql(
            "ALTER TABLE projects ADD CONSTRAINT fk_projects_extra_org \
                 FOREIGN KEY (organisation_id) REFERENCES organisations (id);
             CREATE UNIQUE INDEX ux_users_extra_name ON users (display_name);
             CREATE INDEX ix_users_extra_created ON users (display_name, email);
             CREATE TABLE legacy_notes (id bigint PRIMARY KEY, user_id bigint \
                 CONSTRAINT fk_legacy_notes_user REFERENCES users (id));
             CREATE INDEX ix_legacy_notes_user ON legacy_notes (user_id);",
        )
        .await;

    let diff = project.migrate(&["diff"]).expect(0);
    let report = json(&project.migrate(&["--format", "json", "diff"]).expect(0));
    let applied = json_ops(&report, "apply");
    let blocked = json_ops(&report, "block");
    assert!(
        applied.contains(&"drop foreign key fk_projects_extra_org on projects (loosening)".into()),
        "{applied:?}"
    );
    assert!(
        applied.contains(&"drop index ux_users_extra_name on users (loosening)".into()),
        "{applied:?}"
    );
    assert!(
        applied.contains(&"drop index ix_users_extra_created on users (safe)".into()),
        "{applied:?}"
    );
    let part = "destructive, blocked: part of drop table legacy_notes";
    for op in [
        format!("drop foreign key fk_legacy_notes_user on legacy_notes ({part})"),
        format!("drop index ix_legacy_notes_user on legacy_notes ({part})"),
        "drop table legacy_notes (destructive, blocked: never generated)".to_string(),
    ] {
        assert!(blocked.contains(&op), "{op} in {blocked:?}");
        assert!(diff.stdout.contains(op.split(" (").next().unwrap()));
    }
    assert_eq!(report["missing_migration"], true);

    // The migrator generates what diff says it applies and blocks the rest.
    let smart = project.migrate(&[]).expect(0);
    let description = |op: &String| op.split(" (").next().unwrap().to_string();
    assert_eq!(
        migrator_blocked(&smart),
        blocked.iter().map(description).collect::<Vec<_>>()
    );
    let generated: Vec<String> = smart
        .stdout
        .lines()
        .skip_while(|l| !l.contains("schema drift found: generated"))
        .skip(1)
        .take_while(|l| l.starts_with("    "))
        .map(|l| l.trim().to_string())
        .collect();
    assert_eq!(
        generated,
        applied.iter().map(description).collect::<Vec<_>>()
    );
    assert_smart_snapshot!("undeclared_keys", project.transcripts(&[diff, smart]));
}
