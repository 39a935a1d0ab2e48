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

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, ensure, Context, Result};
use workspace_tests::TestDb;

/// The repository root.
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("app/ has a parent")
        .to_path_buf()
}

/// `target/tmp`, which cargo makes for integration tests; its parent is the target dir.
fn target_tmp() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

const NEW_MODEL: &str = r#"
/// A label a task can carry.
#[derive(Table)]
#[table(name = "labels")]
pub struct Label {
    /// Surrogate key.
    #[column(primary_key)]
    pub id: i64,
    /// What the label says.
    #[column(max_length = 40, unique)]
    pub name: String,
}
"#;

#[tokio::test]
async fn adding_a_model_and_moving_one_needs_no_other_change() -> Result<()> {
    let workspace = target_tmp().join("adding-a-model");
    write_workspace(&workspace)?;
    add_and_move_models(&workspace.join("schema/src"))?;

    let started = Instant::now();
    let migrate = build(&workspace)?;
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

/// The copied workspace: the repository's workspace manifest with its paths pointing back
/// at the repository, the example models crate, and a binary that is the example's
/// `migrate` under another name (the repository's own `migrate` binary in the same target
/// directory is what the other tests run).
fn write_workspace(workspace: &Path) -> Result<()> {
    if workspace.exists() {
        fs::remove_dir_all(workspace)?;
    }
    let repo = repo();
    let manifest = fs::read_to_string(repo.join("Cargo.toml"))?;
    let mut out = String::new();
    for line in manifest.lines() {
        let line = if line.starts_with("members") {
            "members = [\"schema\", \"app\"]".to_string()
        } else if line.starts_with("default-members") {
            continue;
        } else if line.starts_with("app-schema ") {
            "app-schema = { path = \"schema\" }".to_string()
        } else {
            line.replace("path = \"", &format!("path = \"{}/", repo.display()))
        };
        out.push_str(&line);
        out.push('\n');
    }
    fs::create_dir_all(workspace.join("app/src"))?;
    fs::write(workspace.join("Cargo.toml"), out)?;
    fs::copy(repo.join("Cargo.lock"), workspace.join("Cargo.lock"))?;
    let schema = repo.join("app/schema");
    fs::create_dir_all(workspace.join("schema"))?;
    fs::copy(
        schema.join("Cargo.toml"),
        workspace.join("schema/Cargo.toml"),
    )?;
    fs::copy(schema.join("build.rs"), workspace.join("schema/build.rs"))?;
    copy_dir(&schema.join("src"), &workspace.join("schema/src"))?;
    fs::write(
        workspace.join("app/Cargo.toml"),
        "[package]\n\
         name = \"adding-a-model\"\n\
         version.workspace = true\n\
         edition.workspace = true\n\
         publish = false\n\n\
         [[bin]]\n\
         name = \"migrate-adding-a-model\"\n\
         path = \"src/main.rs\"\n\n\
         [dependencies]\n\
         app-schema.workspace = true\n\
         migrator.workspace = true\n",
    )?;
    fs::copy(
        repo.join("app/src/bin/migrate.rs"),
        workspace.join("app/src/main.rs"),
    )?;
    Ok(())
}

/// Appends [`NEW_MODEL`] to the crate root and moves `Comment` into `threads.rs`, with
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
        format!("{rest}\nmod threads;\npub use threads::Comment;\n{NEW_MODEL}"),
    )?;
    Ok(())
}

/// Splits the struct `name` (with its doc comment and attributes) out of `source`.
fn cut_struct(source: &str, name: &str) -> Result<(String, String)> {
    let lines: Vec<&str> = source.lines().collect();
    let Some(header) = lines
        .iter()
        .position(|l| l.starts_with(&format!("pub struct {name} ")))
    else {
        bail!("no `pub struct {name}` in the example models");
    };
    let mut start = header;
    while start > 0 && (lines[start - 1].starts_with("///") || lines[start - 1].starts_with("#[")) {
        start -= 1;
    }
    let end = header
        + lines[header..]
            .iter()
            .position(|l| *l == "}")
            .context("the struct ends with `}` on its own line")?;
    let cut = lines[start..=end].join("\n") + "\n";
    let rest = [&lines[..start], &lines[end + 1..]].concat().join("\n") + "\n";
    Ok((rest, cut))
}

/// Variables (and prefixes) cargo sets for a test process, not in a shell.
const TEST_ONLY_VARIABLES: &[&str] = &[
    "CARGO_MANIFEST_",
    "CARGO_PKG_",
    "CARGO_CRATE_NAME",
    "CARGO_BIN_NAME",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_RUSTC_CURRENT_DIR",
    "OUT_DIR",
];

/// Builds the copied binary into the repository's target directory.
fn build(workspace: &Path) -> Result<PathBuf> {
    let target_dir = target_tmp()
        .parent()
        .context("target/tmp has a parent")?
        .to_path_buf();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args([
            "build",
            "--offline",
            "--quiet",
            "--bin",
            "migrate-adding-a-model",
        ])
        .env("CARGO_TARGET_DIR", &target_dir)
        .current_dir(workspace);
    // What cargo set for this test describes the `app` package; build scripts that track
    // those variables (ring's does) would otherwise rebuild half of sqlx, twice per run.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if TEST_ONLY_VARIABLES.iter().any(|p| name.starts_with(p)) {
            command.env_remove(&*name);
        }
    }
    let output = command.output()?;
    ensure!(
        output.status.success(),
        "building the copied models crate failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(target_dir.join("debug/migrate-adding-a-model"))
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

fn file_names(dir: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        names.push(entry?.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}
