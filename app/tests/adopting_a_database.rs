//! "Adopting an existing database", for real, on all three databases: a database another
//! tool built (reserved-word and quoted names, enums, a domain, arrays, composite keys,
//! partial, expression and prefix indexes, a foreign key cycle, comments, two namespaces,
//! and the other tool's history table) goes through `migrate init --from-db`, which writes
//! a models crate and a baseline revision and stamps the database. The generated crates are
//! then compiled, each into a `migrate` binary of its own, as a user would in their
//! workspace, and those binaries must find the database in sync (`check`), change nothing
//! in a development run, and build a fresh database from the baseline that is in sync too.
//!
//! The crates are built in one small workspace under `target/tmp/adopting` against the
//! repository's crates by path, into the repository's target directory (see `model_kit`),
//! so only the generated crates and the binaries compile.

mod model_kit;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{ensure, Context, Result};
use migrator::db::{Database, Wait};
use migrator::filter::SchemaFilter;
use migrator::Dialect;
use model_kit::{build_bins, file_names, scratch, write_manifest};
use workspace_tests::TestDb;

/// One database to adopt: its dialect, the SQL that builds it, and the tool whose history
/// table it holds, as the report names it.
struct Case {
    dialect: Dialect,
    short: &'static str,
    sql: String,
    tool: &'static str,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            dialect: Dialect::Postgresql,
            short: "pg",
            sql: [
                include_str!("../../tests/tests/real_schemas/odd_names.sql"),
                include_str!("../../tests/tests/real_schemas/rails.sql"),
            ]
            .join("\n"),
            tool: "Rails",
        },
        Case {
            dialect: Dialect::Mysql,
            short: "mysql",
            sql: [
                include_str!("../../tests/tests/real_schemas/odd_names.mysql.sql"),
                include_str!("../../tests/tests/real_schemas/rails.mysql.sql"),
            ]
            .join("\n"),
            tool: "Rails",
        },
        Case {
            dialect: Dialect::Sqlite,
            short: "sqlite",
            sql: [
                include_str!("../../tests/tests/real_schemas/odd_names.sqlite.sql"),
                include_str!("../../tests/tests/real_schemas/django.sqlite.sql"),
            ]
            .join("\n"),
            tool: "Django",
        },
    ]
}

/// A database adopted by `init`: where its project (the migrations folder) is.
struct Adopted {
    case: Case,
    db: TestDb,
    project: PathBuf,
}

impl Adopted {
    fn bin(&self) -> String {
        format!("migrate-adopted-{}", self.case.short)
    }
}

fn run(program: &Path, project: &Path, url: &str, args: &[&str]) -> Result<Output> {
    Command::new(program)
        .arg("--dir")
        .arg(project.join("migrations"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("DGS_ENV", "development")
        .env("DGS_BACKUP_DIR", project.join("backups"))
        .env("NO_COLOR", "1")
        .current_dir(project)
        .output()
        .with_context(|| format!("cannot run {}", program.display()))
}

fn succeeded(output: &Output, what: &str) -> Result<String> {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    ensure!(
        output.status.success(),
        "{what} failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(stdout)
}

/// What the database holds, as the migrator reads it.
async fn inspected(url: &str) -> Result<String> {
    let mut database = Database::connect(url, &Wait::default()).await?;
    let schema = database.inspect(&SchemaFilter::default()).await?;
    Ok(format!("{schema:#?}"))
}

/// What the database holds that models cannot describe (views, triggers, functions,
/// domains, ...), in every namespace of the user's, with the SQL of each.
async fn other_objects(url: &str) -> Result<Vec<migrator::db::OtherObject>> {
    let mut database = Database::connect(url, &Wait::default()).await?;
    let mut filter = SchemaFilter::default();
    for namespace in database.user_namespaces().await? {
        filter.add_namespace(namespace);
    }
    Ok(database.other_objects(&filter).await?)
}

/// `check --format json` finds nothing to do.
fn assert_in_sync(migrate: &Path, project: &Path, url: &str, label: &str) -> Result<()> {
    let output = run(migrate, project, url, &["--format", "json", "check"])?;
    let stdout = succeeded(&output, &format!("check on {label}"))?;
    let report: serde_json::Value = serde_json::from_str(&stdout)
        .with_context(|| format!("check printed no JSON on {label}:\n{stdout}"))?;
    ensure!(
        report["in_sync"] == true,
        "{label} is not in sync with its generated models:\n{report:#}"
    );
    Ok(())
}

/// Runs `init --from-db` on the case's database with the repository's `migrate`.
async fn adopt(case: Case, workspace: &Path) -> Result<Adopted> {
    let db = TestDb::for_dialect(case.dialect, "adopt_build").await?;
    db.execute_script(&case.sql).await?;
    let project = workspace.join(format!("project-{}", case.short));
    fs::create_dir_all(&project)?;
    let models = workspace.join(format!("models-{}", case.short));
    let output = run(
        Path::new(env!("CARGO_BIN_EXE_migrate")),
        &project,
        db.url(),
        &[
            "init",
            "--from-db",
            "--crate",
            models.to_str().context("a UTF-8 path")?,
            "--crate-name",
            &format!("adopted-models-{}", case.short),
        ],
    )?;
    succeeded(&output, &format!("init --from-db on {}", case.short))?;

    let versions = file_names(&project.join("migrations/versions"))?;
    ensure!(versions.len() == 1, "one baseline revision: {versions:?}");
    let report = fs::read_to_string(models.join("adoption-report.md"))?;
    ensure!(
        report.contains(case.tool),
        "the report names {}:\n{report}",
        case.tool
    );

    // The binary a user writes: the generated crate's models, handed to the CLI.
    let bin = workspace.join(format!("bin-{}", case.short));
    fs::create_dir_all(bin.join("src"))?;
    fs::write(
        bin.join("Cargo.toml"),
        format!(
            "[package]\nname = \"adopted-{0}\"\nversion.workspace = true\nedition.workspace = true\npublish = false\n\n\
             [[bin]]\nname = \"migrate-adopted-{0}\"\npath = \"src/main.rs\"\n\n\
             [dependencies]\nmigrator.workspace = true\nadopted-models-{0} = {{ path = \"../models-{0}\" }}\n",
            case.short
        ),
    )?;
    fs::write(
        bin.join("src/main.rs"),
        format!(
            "fn main() -> std::process::ExitCode {{\n    migrator::cli::main(migrator::cli::App {{\n        name: \"adopted\",\n        models: Some(adopted_models_{}::link()),\n    }})\n}}\n",
            case.short
        ),
    )?;
    Ok(Adopted { case, db, project })
}

#[tokio::test]
async fn adopted_databases_compile_check_clean_and_rebuild_from_the_baseline() -> Result<()> {
    let workspace = scratch("adopting")?;
    let mut adopted = Vec::new();
    for case in cases() {
        adopted.push(adopt(case, &workspace).await?);
    }
    let members: Vec<String> = adopted
        .iter()
        .flat_map(|a| {
            [
                format!("models-{}", a.case.short),
                format!("bin-{}", a.case.short),
            ]
        })
        .collect();
    let members: Vec<&str> = members.iter().map(String::as_str).collect();
    write_manifest(&workspace, &members)?;
    let bins: Vec<String> = adopted.iter().map(Adopted::bin).collect();
    let bins: Vec<&str> = bins.iter().map(String::as_str).collect();
    let started = std::time::Instant::now();
    let out = build_bins(&workspace, &bins)?;
    eprintln!("built the generated crates in {:.1?}", started.elapsed());

    for a in &adopted {
        let migrate = out.join(a.bin());
        let label = a.case.short;
        assert_in_sync(&migrate, &a.project, a.db.url(), label)?;

        // The crate's naming convention reaches the binary: what the models would create
        // is named as the database names it (`user_pkey`, not `pk_user`).
        let lib = fs::read_to_string(workspace.join(format!("models-{label}/src/lib.rs")))?;
        if lib.contains("naming_convention!(postgres)") {
            let output = run(&migrate, &a.project, a.db.url(), &["schema"])?;
            let stdout = succeeded(&output, &format!("schema on {label}"))?;
            ensure!(
                stdout.contains("primary key user_pkey (id)"),
                "the {label} models are not named by their convention:\n{stdout}"
            );
        } else {
            ensure!(
                label != "pg",
                "the PostgreSQL case adopts PostgreSQL's names:\n{lib}"
            );
        }

        // A development run: upgrade (nothing to run past the stamp), compare, sync
        // nothing.
        let before = inspected(a.db.url()).await?;
        let versions = file_names(&a.project.join("migrations/versions"))?;
        let output = run(&migrate, &a.project, a.db.url(), &[])?;
        let stdout = succeeded(&output, &format!("the development run on {label}"))?;
        ensure!(
            file_names(&a.project.join("migrations/versions"))? == versions,
            "the development run on {label} wrote a revision:\n{stdout}"
        );
        ensure!(
            inspected(a.db.url()).await? == before,
            "the development run on {label} changed the database:\n{stdout}"
        );

        // A new environment built from the history alone.
        let fresh = TestDb::for_dialect(a.case.dialect, "adopt_fresh").await?;
        let output = run(&migrate, &a.project, fresh.url(), &["upgrade", "head"])?;
        succeeded(
            &output,
            &format!("upgrade head on a fresh {label} database"),
        )?;
        assert_in_sync(&migrate, &a.project, fresh.url(), &format!("fresh {label}"))?;
        let kept = other_objects(a.db.url()).await?;
        ensure!(
            kept.len() >= 2,
            "the {label} fixture has objects for the baseline to carry: {kept:#?}"
        );
        let built = other_objects(fresh.url()).await?;
        ensure!(
            built == kept,
            "the baseline built other objects on {label} than the database has:\n{built:#?}\n{kept:#?}"
        );
    }
    Ok(())
}
