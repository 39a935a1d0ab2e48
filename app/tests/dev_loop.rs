//! The guide's development loop, played on a fresh copy of the example as a user lives it,
//! with no hand edit outside the models: add a struct; add a NOT NULL column to a table with
//! rows (refused before any file is written, with the row count); fix the model with a
//! default (one clean revision); remove the field again (a partial sync, and `check` as the
//! guide documents it). Each step edits the copied models crate, rebuilds its `migrate` and
//! runs it against one database.

mod model_kit;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{ensure, Result};
use model_kit::{copy_dir, file_names, repo, ModelCopy, LABEL_MODEL};
use workspace_tests::TestDb;

/// One run of the copied binary.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn migrate(bin: &Path, project: &Path, url: &str, args: &[&str]) -> Result<Run> {
    let output = Command::new(bin)
        .arg("--dir")
        .arg(project.join("migrations"))
        .args(args)
        .env("DGS_ENV", "development")
        .env("DATABASE_URL", url)
        .env("DGS_BACKUP_DIR", project.join("backups"))
        .env("NO_COLOR", "1")
        .env_remove("MIGRATE_LOG")
        .current_dir(project)
        .output()?;
    Ok(Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

/// The revision files that are new since `before`.
fn new_files(versions: &Path, before: &[String]) -> Result<Vec<String>> {
    Ok(file_names(versions)?
        .into_iter()
        .filter(|name| !before.contains(name))
        .collect())
}

const SLUG: &str = "    pub slug: String,\n";
const PLAN: &str =
    "    /// The billing plan.\n    #[column(max_length = 20)]\n    pub plan: String,\n";
const PLAN_WITH_DEFAULT: &str =
    "    /// The billing plan.\n    #[column(max_length = 20, default = \"'free'\")]\n    pub plan: String,\n";

#[tokio::test]
async fn the_development_loop_needs_no_hand_edit_outside_the_models() -> Result<()> {
    let copy = ModelCopy::new("dev-loop")?;
    let db = TestDb::postgres().await?;
    let project = tempfile::tempdir()?;
    let versions: PathBuf = project.path().join("migrations/versions");
    copy_dir(&repo().join("migrations/versions"), &versions)?;
    let url = db.url().to_owned();

    // The fresh clone: the committed history, nothing to generate.
    let bin = copy.build()?;
    let first = migrate(&bin, project.path(), &url, &[])?;
    ensure!(
        first.code == 0,
        "first run: {}{}",
        first.stdout,
        first.stderr
    );
    db.execute_script(
        "INSERT INTO organisations (name, slug) VALUES ('Acme', 'acme'), ('Globex', 'globex'), \
         ('Initech', 'initech');",
    )
    .await?;

    // 1. Add a struct: one new revision that creates it.
    let before = file_names(&versions)?;
    std::fs::write(
        copy.src().join("lib.rs"),
        std::fs::read_to_string(copy.src().join("lib.rs"))? + LABEL_MODEL,
    )?;
    let bin = copy.build()?;
    let added = migrate(&bin, project.path(), &url, &[])?;
    ensure!(
        added.code == 0,
        "add a struct: {}{}",
        added.stdout,
        added.stderr
    );
    let new = new_files(&versions, &before)?;
    ensure!(new.len() == 1, "one revision for the new struct: {new:?}");
    ensure!(std::fs::read_to_string(versions.join(&new[0]))?.contains("CREATE TABLE \"labels\""));

    // 2. A NOT NULL column without a default on a table with rows: refused, nothing written.
    let before = file_names(&versions)?;
    copy.edit(SLUG, &format!("{SLUG}{PLAN}"))?;
    let bin = copy.build()?;
    let refused = migrate(&bin, project.path(), &url, &[])?;
    ensure!(
        refused.code == 7,
        "refused with exit 7: {}{}",
        refused.stdout,
        refused.stderr
    );
    ensure!(
        refused.stderr.contains("organisations.plan") && refused.stderr.contains("has 3 rows"),
        "names the column and the rows: {}",
        refused.stderr
    );
    ensure!(file_names(&versions)? == before, "no file written");

    // 3. Fix the model with a default: one clean revision, the rows filled.
    copy.edit(PLAN, PLAN_WITH_DEFAULT)?;
    let bin = copy.build()?;
    let fixed = migrate(&bin, project.path(), &url, &[])?;
    ensure!(fixed.code == 0, "fixed: {}{}", fixed.stdout, fixed.stderr);
    let new = new_files(&versions, &before)?;
    ensure!(new.len() == 1, "one clean revision: {new:?}");
    let plans = db
        .query_strings("SELECT plan FROM organisations ORDER BY id")
        .await?;
    ensure!(plans == ["free", "free", "free"], "{plans:?}");

    // 4. Remove the field: the drop is blocked, a partial sync; check as the guide says.
    let before = file_names(&versions)?;
    copy.edit(PLAN_WITH_DEFAULT, "")?;
    let bin = copy.build()?;
    let removed = migrate(&bin, project.path(), &url, &[])?;
    ensure!(
        removed.code == 0,
        "removed: {}{}",
        removed.stdout,
        removed.stderr
    );
    ensure!(
        removed.stdout.contains("Partial sync complete"),
        "{}",
        removed.stdout
    );
    ensure!(
        file_names(&versions)? == before,
        "nothing generated for a blocked drop"
    );
    let check = migrate(&bin, project.path(), &url, &["check"])?;
    assert_check_after_a_blocked_drop(&check)?;
    Ok(())
}

/// What the guide's CI section says `check` does when the only drift is a drop that
/// autogeneration blocks.
fn assert_check_after_a_blocked_drop(check: &Run) -> Result<()> {
    // Nothing for `make migrate` to generate: check passes, warns, and names the revision
    // that would clear it.
    ensure!(
        check.code == 0,
        "check exit {}: {}{}",
        check.code,
        check.stdout,
        check.stderr
    );
    ensure!(
        check.stdout.contains("drop column organisations.plan")
            && check.stdout.contains("Partial sync")
            && check.stdout.contains("migrate revision -m drop_plan"),
        "{}",
        check.stdout
    );
    Ok(())
}
