//! `bench check`: the drift check, autogeneration after a small change, and the first
//! upgrade, each against Alembic + SQLAlchemy on the same database in the same run.
//!
//! For each size the benchmark loads the generated schema, adopts it as a user would
//! (`migrate init --from-db`, which writes a models crate and stamps the database), builds
//! a `migrate` binary with those models in release mode (timing the models crate's build,
//! and the build of the same crate without the derives, `plain.rs`), and writes the same
//! schema as SQLAlchemy metadata for an Alembic project in a virtual environment it makes
//! itself (`pip install alembic sqlalchemy psycopg2-binary`). Then
//! both tools run as their users run them: processes timed from the outside, their peak
//! memory read by `/usr/bin/time`, their statements counted by a relay ([`Relay`]).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use migrator::db::{Database, Wait};
use migrator::filter::SchemaFilter;

use crate::plain;
use crate::proxy::Relay;
use crate::scratch::ScratchDb;
use crate::{median, schema, seconds};

/// The versions the peer is pinned to, so runs compare over time.
const ALEMBIC: &[&str] = &[
    "alembic==1.20.1",
    "sqlalchemy==2.1.9",
    "psycopg2-binary==2.9.13",
];

/// One tool's run of one command: median wall time, peak memory, statements sent.
#[derive(Clone, Copy, Default)]
pub struct Run {
    pub wall: Duration,
    pub rss_kib: u64,
    pub statements: usize,
}

/// What failed instead of a figure (the first line of the tool's error).
type Outcome = std::result::Result<Run, String>;

pub struct Figures {
    pub tables: usize,
    pub columns: usize,
    pub inspect: Duration,
    pub check: Run,
    pub alembic_check: Run,
    pub autogenerate: Run,
    pub alembic_autogenerate: Run,
    pub upgrade: Outcome,
    pub alembic_upgrade: Outcome,
    pub build: Build,
    pub rlib_bytes: u64,
}

/// Release builds of the models crate, dependencies built, after a change to its `lib.rs`.
pub struct Build {
    /// The models crate as `init --from-db` wrote it.
    pub models: Duration,
    /// The same crate without the derives (`plain.rs`).
    pub plain: Duration,
}

/// Where the benchmark keeps its projects, its virtual environment and its builds.
pub struct Workplace {
    repo: PathBuf,
    root: PathBuf,
    migrate: PathBuf,
    venv: PathBuf,
    cargo: PathBuf,
}

impl Workplace {
    /// Builds the repository's `migrate` (release) and makes the virtual environment.
    pub fn prepare() -> Result<Self> {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .context("bench/ is inside the repository")?
            .to_path_buf();
        let root = repo.join("target/bench");
        fs::create_dir_all(&root)?;
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let cargo = PathBuf::from(cargo);
        let mut build = cargo_command(&cargo, &repo);
        build.args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "app",
            "--bin",
            "migrate",
        ]);
        succeeded(&build.output()?, "building migrate")?;
        let venv = root.join("venv");
        if !venv.join("bin/alembic").exists() {
            eprintln!("  making {} with {}", venv.display(), ALEMBIC.join(" "));
            let made = Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .output()
                .context("cannot run python3")?;
            succeeded(&made, "python3 -m venv")?;
            let installed = Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet"])
                .args(ALEMBIC)
                .output()?;
            succeeded(&installed, "pip install alembic")?;
        }
        Ok(Self {
            migrate: repo.join("target/release/migrate"),
            repo,
            root,
            venv,
            cargo,
        })
    }
}

/// A `cargo` command for nested builds into the repository's target directory, without
/// the variables `cargo run` set for this process (build scripts that track them would
/// rebuild half of sqlx).
fn cargo_command(cargo: &Path, dir: &Path) -> Command {
    let mut command = Command::new(cargo);
    command.current_dir(dir);
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_") && name != "CARGO_HOME" {
            command.env_remove(&*name);
        }
    }
    command
}

fn succeeded(output: &Output, what: &str) -> Result<()> {
    ensure!(
        output.status.success(),
        "{what} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(())
}

/// One size's two projects: ours (a models crate, a binary, a migrations folder) and the
/// Alembic one, both pointed at the same database.
struct Projects {
    dir: PathBuf,
    bin: PathBuf,
    alembic: PathBuf,
}

pub async fn measure(
    place: &Workplace,
    relay: &Relay,
    server: &str,
    tables: usize,
    runs: usize,
) -> Result<Figures> {
    let db = ScratchDb::create(server, &format!("bench_check_{tables}")).await?;
    db.load(&schema::postgres(tables)).await?;
    let url = db.url();
    let (projects, build, rlib_bytes) = projects(place, &url, tables)?;

    let mut inspect = Vec::new();
    for _ in 0..=runs {
        let started = Instant::now();
        let mut database = Database::connect(&url, &Wait::default()).await?;
        database.inspect(&SchemaFilter::default()).await?;
        inspect.push(started.elapsed());
    }
    inspect.remove(0);

    let ours = |args: &'static [&'static str]| {
        let (bin, dir) = (projects.bin.clone(), projects.dir.join("project"));
        move |url: &str| {
            let mut command = Command::new(&bin);
            command
                .args(args)
                .current_dir(&dir)
                .env("DATABASE_URL", url);
            command
        }
    };
    let alembic = |args: &'static [&'static str]| {
        let (venv, dir) = (place.venv.clone(), projects.alembic.clone());
        move |url: &str| {
            let mut command = Command::new(venv.join("bin/alembic"));
            command
                .args(args)
                .current_dir(&dir)
                .env("BENCH_DATABASE_URL", alchemy_url(url));
            command
        }
    };

    let check = timed(relay, &url, runs, ours(&["check"]), || Ok(()))?;
    let alembic_check = timed(relay, &url, runs, alembic(&["check"]), || Ok(()))?;

    db.execute(&schema::drift(tables)).await?;
    let versions = projects.dir.join("project/migrations/versions");
    let baseline = file_names(&versions)?;
    let forget_ours = || remove_except(&versions, &baseline);
    let autogenerate = timed(
        relay,
        &url,
        runs,
        ours(&["revision", "--autogenerate", "-m", "drift"]),
        forget_ours,
    )?;
    let alembic_versions = projects.alembic.join("versions");
    let forget_theirs = || remove_except(&alembic_versions, &[]);
    let alembic_autogenerate = timed(
        relay,
        &url,
        runs,
        alembic(&["revision", "--autogenerate", "-m", "drift"]),
        forget_theirs,
    )?;
    db.drop_now().await?;

    let upgrade = first_upgrade(
        server,
        relay,
        tables,
        runs,
        ours(&["upgrade", "head"]),
        None,
    )
    .await?;
    let alembic_upgrade = first_upgrade(
        server,
        relay,
        tables,
        runs,
        alembic(&["upgrade", "head"]),
        Some(&alembic(&["revision", "--autogenerate", "-m", "first"])),
    )
    .await?;
    Ok(Figures {
        tables,
        columns: schema::columns(tables),
        inspect: median(&mut inspect),
        check,
        alembic_check,
        autogenerate,
        alembic_autogenerate,
        upgrade,
        alembic_upgrade,
        build,
        rlib_bytes,
    })
}

/// SQLAlchemy's spelling of a `postgres://` URL.
fn alchemy_url(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    format!("postgresql+psycopg2://{rest}")
}

/// Runs a command `runs` times after a warm-up (each followed by `reset`) and once more
/// through the relay to count its statements.
fn timed(
    relay: &Relay,
    url: &str,
    runs: usize,
    command: impl Fn(&str) -> Command,
    reset: impl Fn() -> Result<()>,
) -> Result<Run> {
    let mut walls = Vec::new();
    let mut rss = Vec::new();
    for round in 0..=runs {
        let (wall, kib) = run(command(url))?;
        reset()?;
        if round > 0 {
            walls.push(wall);
            rss.push(kib);
        }
    }
    relay.take();
    run(command(&relay.url(url)?))?;
    reset()?;
    let statements = relay.take();
    Ok(Run {
        wall: median(&mut walls),
        rss_kib: median(&mut rss),
        statements,
    })
}

/// Runs `command` under `/usr/bin/time`; its wall time and peak resident memory.
fn run(command: Command) -> Result<(Duration, u64)> {
    let rss_file = std::env::temp_dir().join(format!("bench-rss-{}", std::process::id()));
    let mut timed = Command::new("/usr/bin/time");
    timed
        .args(["-f", "%M", "-o"])
        .arg(&rss_file)
        .arg(command.get_program())
        .args(command.get_args());
    if let Some(dir) = command.get_current_dir() {
        timed.current_dir(dir);
    }
    for (name, value) in command.get_envs() {
        match value {
            Some(value) => timed.env(name, value),
            None => timed.env_remove(name),
        };
    }
    timed.env("NO_COLOR", "1");
    let started = Instant::now();
    // The relay runs on this runtime: give this worker's tasks to another while waiting.
    let output =
        tokio::task::block_in_place(|| timed.output()).context("cannot run /usr/bin/time")?;
    let wall = started.elapsed();
    succeeded(
        &output,
        &format!("{}", command.get_program().to_string_lossy()),
    )?;
    let kib = fs::read_to_string(&rss_file)?
        .lines()
        .filter_map(|l| l.trim().parse::<u64>().ok())
        .next_back()
        .context("/usr/bin/time reported no peak memory")?;
    Ok((wall, kib))
}

/// The first `upgrade head` on an empty database, made afresh for each run. `prepare`
/// (Alembic's) writes the revision first, against an empty database, as a new project's
/// first autogenerate would.
async fn first_upgrade(
    server: &str,
    relay: &Relay,
    tables: usize,
    runs: usize,
    command: impl Fn(&str) -> Command,
    prepare: Option<&dyn Fn(&str) -> Command>,
) -> Result<Outcome> {
    if let Some(prepare) = prepare {
        let empty = ScratchDb::create(server, &format!("bench_first_{tables}")).await?;
        let made = run(prepare(&empty.url()));
        empty.drop_now().await?;
        if let Err(e) = made {
            return Ok(Err(first_line(&e)));
        }
    }
    let mut walls = Vec::new();
    let mut rss = Vec::new();
    let mut statements = 0;
    for round in 0..=runs + 1 {
        let empty = ScratchDb::create(server, &format!("bench_first_{tables}")).await?;
        let url = if round == runs + 1 {
            relay.take();
            relay.url(&empty.url())?
        } else {
            empty.url()
        };
        let result = run(command(&url));
        empty.drop_now().await?;
        let (wall, kib) = match result {
            Ok(figures) => figures,
            Err(e) => return Ok(Err(first_line(&e))),
        };
        if round == runs + 1 {
            statements = relay.take();
        } else if round > 0 {
            walls.push(wall);
            rss.push(kib);
        }
    }
    Ok(Ok(Run {
        wall: median(&mut walls),
        rss_kib: median(&mut rss),
        statements,
    }))
}

/// The line of a tool's failure that says what went wrong.
fn first_line(error: &anyhow::Error) -> String {
    let text = format!("{error:#}");
    text.lines()
        .map(str::trim)
        .find(|l| l.contains("error") || l.contains("Error"))
        .or_else(|| text.lines().next())
        .unwrap_or("failed")
        .chars()
        .take(160)
        .collect()
}

fn file_names(dir: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        names.push(entry?.file_name().to_string_lossy().into_owned());
    }
    Ok(names)
}

/// Removes the files of `dir` not named in `keep` (the revision a run just wrote).
fn remove_except(dir: &Path, keep: &[String]) -> Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_file() && !keep.contains(&name) {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// Writes and builds both projects for a schema of `tables` tables; also returns the
/// models crate's build times and its library's size.
fn projects(place: &Workplace, url: &str, tables: usize) -> Result<(Projects, Build, u64)> {
    let dir = place.root.join(format!("check-{tables}"));
    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    let project = dir.join("project");
    fs::create_dir_all(&project)?;
    let models = format!("bench-models-{tables}");
    let adopted = Command::new(&place.migrate)
        .args(["init", "--from-db", "--crate", "../models", "--crate-name"])
        .arg(&models)
        .current_dir(&project)
        .env("DATABASE_URL", url)
        .output()?;
    succeeded(&adopted, "migrate init --from-db")?;

    let bin = dir.join("bin");
    fs::create_dir_all(bin.join("src"))?;
    fs::write(
        bin.join("Cargo.toml"),
        format!(
            "[package]\nname = \"bench-migrate-{tables}\"\nversion.workspace = true\nedition.workspace = true\npublish = false\n\n\
             [dependencies]\nmigrator.workspace = true\n{models} = {{ path = \"../models\" }}\n"
        ),
    )?;
    fs::write(
        bin.join("src/main.rs"),
        format!(
            "fn main() -> std::process::ExitCode {{\n    migrator::cli::main(migrator::cli::App {{\n        name: \"bench\",\n        models: Some({}::link()),\n    }})\n}}\n",
            models.replace('-', "_")
        ),
    )?;
    let plain = format!("bench-plain-{tables}");
    plain::write(&dir.join("models"), &dir.join("plain"), &plain)?;
    write_manifest(&place.repo, &dir, &["models", "plain", "bin"])?;
    let package = format!("bench-migrate-{tables}");
    let mut build = cargo_command(&place.cargo, &dir);
    build
        .args(["build", "--release", "--offline", "--quiet", "-p", &package])
        .env("CARGO_TARGET_DIR", place.repo.join("target"));
    succeeded(&build.output()?, "building the benchmark's migrate")?;
    let build = Build {
        models: rebuild(place, &dir, "models", &models)?,
        plain: rebuild(place, &dir, "plain", &plain)?,
    };
    let rlib = place.repo.join(format!(
        "target/release/lib{}.rlib",
        models.replace('-', "_")
    ));
    let rlib_bytes = fs::metadata(&rlib)
        .with_context(|| format!("no {}", rlib.display()))?
        .len();
    let bin = place.repo.join(format!("target/release/{package}"));

    let alembic = dir.join("alembic");
    fs::create_dir_all(alembic.join("versions"))?;
    fs::write(alembic.join("models.py"), schema::sqlalchemy(tables))?;
    fs::write(alembic.join("alembic.ini"), ALEMBIC_INI)?;
    fs::write(alembic.join("env.py"), ENV_PY)?;
    fs::write(alembic.join("script.py.mako"), SCRIPT_MAKO)?;
    Ok((Projects { dir, bin, alembic }, build, rlib_bytes))
}

/// The release build of the package `name` (the crate in `dir`'s `folder`) after a change
/// to its `lib.rs`, its dependencies built: what a change to the models costs. Built once
/// first, as `-p` resolves its dependencies' features anew.
fn rebuild(place: &Workplace, dir: &Path, folder: &str, name: &str) -> Result<Duration> {
    let lib = dir.join(folder).join("src/lib.rs");
    let source = fs::read_to_string(&lib)?;
    let mut took = Duration::ZERO;
    for round in 0..2 {
        fs::write(&lib, format!("{source}{}", "\n".repeat(round + 1)))?;
        let started = Instant::now();
        let mut rebuild = cargo_command(&place.cargo, dir);
        rebuild
            .args(["build", "--release", "--offline", "--quiet", "-p", name])
            .env("CARGO_TARGET_DIR", place.repo.join("target"));
        succeeded(&rebuild.output()?, &format!("building {name}"))?;
        took = started.elapsed();
    }
    Ok(took)
}

/// A workspace manifest for `dir` with the repository's dependencies and profiles, its
/// paths pointing back at the repository, and the repository's `Cargo.lock` beside it.
fn write_manifest(repo: &Path, dir: &Path, members: &[&str]) -> Result<()> {
    let manifest = fs::read_to_string(repo.join("Cargo.toml"))?;
    let members: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
    let mut out = String::new();
    for line in manifest.lines() {
        if line.starts_with("default-members") {
            continue;
        }
        let line = if line.starts_with("members") {
            format!("members = [{}]", members.join(", "))
        } else {
            line.replace("path = \"", &format!("path = \"{}/", repo.display()))
        };
        out.push_str(&line);
        out.push('\n');
    }
    fs::write(dir.join("Cargo.toml"), out)?;
    fs::copy(repo.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    Ok(())
}

const ALEMBIC_INI: &str = "[alembic]\nscript_location = .\n\n\
[loggers]\nkeys = root\n\n[handlers]\nkeys = console\n\n[formatters]\nkeys = generic\n\n\
[logger_root]\nlevel = WARN\nhandlers = console\n\n\
[handler_console]\nclass = StreamHandler\nargs = (sys.stderr,)\nlevel = NOTSET\nformatter = generic\n\n\
[formatter_generic]\nformat = %(levelname)s %(message)s\n";

/// Alembic's environment as its documentation has it, online mode only. The migrator's
/// own history tables are another tool's, left out as an Alembic user would.
const ENV_PY: &str = r#"import os
import sys
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine

sys.path.insert(0, os.path.dirname(__file__))
import models

if context.config.config_file_name is not None:
    fileConfig(context.config.config_file_name)


def include_object(obj, name, type_, reflected, compare_to):
    return not (type_ == "table" and name.startswith("dgs_"))


engine = create_engine(os.environ["BENCH_DATABASE_URL"])
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=models.metadata,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()
"#;

const SCRIPT_MAKO: &str = r#""""${message}"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
${imports if imports else ""}

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = None
depends_on = None


def upgrade():
    ${upgrades if upgrades else "pass"}


def downgrade():
    ${downgrades if downgrades else "pass"}
"#;

/// The Markdown tables the README shows.
pub fn tables(figures: &[Figures]) -> String {
    let mut out = String::from(
        "| tables | `migrate check` | `alembic check` | Alembic / ours | ours / own catalog reads | peak RSS ours / Alembic | ours per column | statements ours / Alembic |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for f in figures {
        out.push_str(&format!(
            "| {} | {} | {} | {:.1}x | {:.2}x | {} / {} MiB | {} B | {} / {} |\n",
            f.tables,
            seconds(f.check.wall),
            seconds(f.alembic_check.wall),
            ratio(f.alembic_check.wall, f.check.wall),
            ratio(f.check.wall, f.inspect),
            f.check.rss_kib / 1024,
            f.alembic_check.rss_kib / 1024,
            f.check.rss_kib * 1024 / f.columns.max(1) as u64,
            f.check.statements,
            f.alembic_check.statements
        ));
    }
    out.push_str(
        "\n| tables | autogenerate, 5% changed: ours | Alembic | Alembic / ours | ours / our check | statements ours / Alembic |\n\
         |---:|---:|---:|---:|---:|---:|\n",
    );
    for f in figures {
        out.push_str(&format!(
            "| {} | {} | {} | {:.1}x | {:.2}x | {} / {} |\n",
            f.tables,
            seconds(f.autogenerate.wall),
            seconds(f.alembic_autogenerate.wall),
            ratio(f.alembic_autogenerate.wall, f.autogenerate.wall),
            ratio(f.autogenerate.wall, f.check.wall),
            f.autogenerate.statements,
            f.alembic_autogenerate.statements
        ));
    }
    out.push_str(
        "\n| tables | first `upgrade head`: ours | Alembic | Alembic / ours |\n\
         |---:|---:|---:|---:|\n",
    );
    for f in figures {
        let shown = |o: &Outcome| match o {
            Ok(run) => seconds(run.wall),
            Err(e) => format!("fails: {e}"),
        };
        let versus = match (&f.upgrade, &f.alembic_upgrade) {
            (Ok(ours), Ok(theirs)) => format!("{:.1}x", ratio(theirs.wall, ours.wall)),
            _ => "-".into(),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            f.tables,
            shown(&f.upgrade),
            shown(&f.alembic_upgrade),
            versus,
        ));
    }
    out.push_str(
        "\n| models | models crate build (release) | same structs without the derives | the derives add, per 100 models | library per model |\n\
         |---:|---:|---:|---:|---:|\n",
    );
    for f in figures {
        let added = f.build.models.saturating_sub(f.build.plain);
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} KiB |\n",
            f.tables,
            seconds(f.build.models),
            seconds(f.build.plain),
            seconds(added.mul_f64(100.0 / f.tables.max(1) as f64)),
            f.rlib_bytes / 1024 / f.tables.max(1) as u64
        ));
    }
    out
}

fn ratio(a: Duration, b: Duration) -> f64 {
    if b.is_zero() {
        return 0.0;
    }
    a.as_secs_f64() / b.as_secs_f64()
}
