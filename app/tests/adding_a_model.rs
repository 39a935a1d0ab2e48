//! Step 1 of the guide, for real: a copy of the example models crate gets one new
//! `#[derive(Table)]` struct and, in the same build, has an existing model moved into a
//! submodule, with nothing else changed. Its `migrate` binary must then run in development
//! and write exactly one revision, which creates the new table.
//!
//! The copy is a small Cargo workspace in `target/tmp/adding-a-model` whose dependencies
//! are the repository's crates by path, built into the repository's own target directory
//! with the repository's `Cargo.lock` and profiles: the dependencies are the units the
//! workspace build made already, so only the two copied crates compile. The folder is
//! fixed, not a fresh temporary one, so that each run replaces the previous run's output
//! instead of adding to the target directory.

mod model_kit;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{ensure, Context, Result};
use model_kit::{copy_dir, cut_struct, file_names, repo, ModelCopy, LABEL_MODEL};
use workspace_tests::TestDb;

#[tokio::test]
async fn adding_a_model_and_moving_one_needs_no_other_change() -> Result<()> {
    let copy = ModelCopy::new("adding-a-model")?;
    add_and_move_models(&copy.src())?;

    let started = Instant::now();
    let migrate = copy.build()?;
    eprintln!("built the copied crates in {:.1?}", started.elapsed());

    let db = TestDb::postgres().await?;
    let project = tempfile::tempdir()?;
    let versions = project.path().join("migrations/versions");
    copy_dir(&repo().join("migrations/versions"), &versions)?;
    let before = file_names(&versions)?;

    let output = Command::new(&migrate)
        .arg("--dir")
        .arg(project.path().join("migrations"))
        .env("DGS_ENV", "development")
        .env("DATABASE_URL", db.url())
        .env("DGS_BACKUP_DIR", project.path().join("backups"))
        .env("NO_COLOR", "1")
        .current_dir(project.path())
        .output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    ensure!(
        output.status.success(),
        "migrate failed ({}):\n{stdout}\n{stderr}",
        output.status
    );

    let added: Vec<String> = file_names(&versions)?
        .into_iter()
        .filter(|name| !before.contains(name))
        .collect();
    ensure!(
        added.len() == 1,
        "expected one new revision, found {added:?}:\n{stdout}"
    );
    let text = fs::read_to_string(versions.join(&added[0]))?;
    let up = text
        .split("-- +down")
        .next()
        .context("the revision has an up section")?;
    ensure!(
        up.contains("CREATE TABLE \"labels\""),
        "the revision does not create labels:\n{text}"
    );
    // The moved model is the same table: nothing else changes.
    ensure!(
        up.matches("CREATE TABLE").count() == 1 && !up.contains("comments"),
        "the revision does more than create labels:\n{text}"
    );
    Ok(())
}

/// Appends [`LABEL_MODEL`] to the crate root and moves `Comment` into `threads.rs`, with
/// the `mod` and `use` a person would write and nothing else.
fn add_and_move_models(src: &Path) -> Result<()> {
    let lib = fs::read_to_string(src.join("lib.rs"))?;
    let (rest, comment) = cut_struct(&lib, "Comment")?;
    fs::write(
        src.join("threads.rs"),
        format!("//! Discussions.\n\nuse super::*;\n\n{comment}"),
    )?;
    fs::write(
        src.join("lib.rs"),
        format!("{rest}\nmod threads;\npub use threads::Comment;\n{LABEL_MODEL}"),
    )?;
    Ok(())
}
