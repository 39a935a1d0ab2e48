//! A copy of the example models crate that a test edits as a user would (add a struct, add
//! a field, move a model) and builds into a `migrate` binary of its own.
//!
//! The copy is a small Cargo workspace in `target/tmp/<name>` whose dependencies are the
//! repository's crates by path, built into the repository's own target directory with the
//! repository's `Cargo.lock` and profiles: the dependencies are the units the workspace
//! build made already, so only the two copied crates compile. The folder is fixed per test,
//! not a fresh temporary one, so that each run replaces the previous run's output instead of
//! adding to the target directory; each test names its own, so tests run in parallel.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, ensure, Context, Result};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("app/ has a parent")
        .to_path_buf()
}

/// `target/tmp`, which cargo makes for integration tests; its parent is the target dir.
fn target_tmp() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// A new model a user adds in step 1 of the guide: a table the example does not have.
pub const LABEL_MODEL: &str = r#"
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

/// A copied models crate and its binary, `migrate-<name>`.
pub struct ModelCopy {
    workspace: PathBuf,
    name: String,
}

impl ModelCopy {
    /// Writes a fresh copy of the example models crate into `target/tmp/<name>`.
    pub fn new(name: &str) -> Result<Self> {
        let copy = Self {
            workspace: target_tmp().join(name),
            name: name.to_owned(),
        };
        write_workspace(&copy.workspace, name)?;
        Ok(copy)
    }

    /// The copy's `src/` folder.
    pub fn src(&self) -> PathBuf {
        self.workspace.join("schema/src")
    }

    /// Replaces `from` (which must occur once) by `to` in the copy's `src/lib.rs`.
    pub fn edit(&self, from: &str, to: &str) -> Result<()> {
        let path = self.src().join("lib.rs");
        let text = fs::read_to_string(&path)?;
        ensure!(
            text.matches(from).count() == 1,
            "`{from}` is not in lib.rs exactly once"
        );
        fs::write(&path, text.replacen(from, to, 1))?;
        Ok(())
    }

    /// Builds the copy's `migrate` binary and returns its path.
    pub fn build(&self) -> Result<PathBuf> {
        build(&self.workspace, &self.name)
    }
}

/// The copied workspace: the repository's workspace manifest with its paths pointing back
/// at the repository, the example models crate, and a binary that is the example's
/// `migrate` under another name (the repository's own `migrate` binary in the same target
/// directory is what the other tests run).
fn write_workspace(workspace: &Path, name: &str) -> Result<()> {
    if workspace.exists() {
        fs::remove_dir_all(workspace)?;
    }
    let repo = repo();
    write_manifest(workspace, &["schema", "app"])?;
    fs::create_dir_all(workspace.join("app/src"))?;
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
        format!(
            "[package]\n\
         name = \"{name}\"\n\
         version.workspace = true\n\
         edition.workspace = true\n\
         publish = false\n\n\
         [[bin]]\n\
         name = \"migrate-{name}\"\n\
         path = \"src/main.rs\"\n\n\
         [dependencies]\n\
         app-schema.workspace = true\n\
         migrator.workspace = true\n"
        ),
    )?;
    fs::copy(
        repo.join("app/src/bin/migrate.rs"),
        workspace.join("app/src/main.rs"),
    )?;
    Ok(())
}

/// The manifest of a workspace in `workspace` with these members: the repository's
/// workspace manifest with its paths pointing back at the repository (`app-schema` at the
/// member `schema`, for a copy of the example models), and the repository's `Cargo.lock`
/// beside it.
pub fn write_manifest(workspace: &Path, members: &[&str]) -> Result<()> {
    let repo = repo();
    let manifest = fs::read_to_string(repo.join("Cargo.toml"))?;
    let members: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
    let mut out = String::new();
    for line in manifest.lines() {
        let line = if line.starts_with("members") {
            format!("members = [{}]", members.join(", "))
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
    fs::create_dir_all(workspace)?;
    fs::write(workspace.join("Cargo.toml"), out)?;
    fs::copy(repo.join("Cargo.lock"), workspace.join("Cargo.lock"))?;
    Ok(())
}

/// Splits the struct `name` (with its doc comment and attributes) out of `source`.
pub fn cut_struct(source: &str, name: &str) -> Result<(String, String)> {
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
fn build(workspace: &Path, name: &str) -> Result<PathBuf> {
    let bin = format!("migrate-{name}");
    Ok(build_bins(workspace, &[bin.as_str()])?.join(bin))
}

/// Builds these binaries of the workspace in `workspace` into the repository's target
/// directory, offline; returns the folder they are in.
pub fn build_bins(workspace: &Path, bins: &[&str]) -> Result<PathBuf> {
    let target_dir = target_tmp()
        .parent()
        .context("target/tmp has a parent")?
        .to_path_buf();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(["build", "--offline", "--quiet"])
        .env("CARGO_TARGET_DIR", &target_dir)
        .current_dir(workspace);
    for bin in bins {
        command.args(["--bin", bin]);
    }
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
        "building {} failed:\n{}",
        workspace.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(target_dir.join("debug"))
}

/// The folder under `target/tmp` that a test named `name` keeps its files in, emptied.
pub fn scratch(name: &str) -> Result<PathBuf> {
    let dir = target_tmp().join(name);
    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    fs::create_dir_all(&dir)?;
    Ok(dir)
}

pub fn copy_dir(from: &Path, to: &Path) -> Result<()> {
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

pub fn file_names(dir: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        names.push(entry?.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}
