//! What the smart migrator's tests share: a project folder with its own migrations and
//! backup folders and its own database, the real `migrate` and `app` binaries run in it
//! with a chosen environment, histories composed from the example models (whole, or with
//! a table and a column left out, to make drift without changing the compiled models),
//! and the redactions that keep ids, times, sizes, paths and database names out of
//! snapshots.
//!
//! Every run passes `--dir <project>/migrations` and `DGS_BACKUP_DIR=<project>/backups`
//! and clears the variables of the calling environment the migrator reads, so a test sees
//! only what it sets.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use chrono::{DateTime, Utc};
use migrator::apply::compose;
use migrator::revision::{self, RevisionFile, RevisionId};
use migrator::{diff, Dialect, DiffOptions};
use schema_runtime::schema::{QualifiedName, Schema};
use workspace_tests::TestDb;

/// The table the reduced models leave out.
pub const LEFT_OUT_TABLE: &str = "comments";

/// The `(table, column)` the reduced models leave out.
pub const LEFT_OUT_COLUMN: (&str, &str) = ("projects", "description");

/// The example models' schema, as the binaries collect it.
pub fn full_schema() -> Schema {
    app_schema::link();
    schema_runtime::registry::collect(schema_runtime::Dialect::Postgresql).unwrap()
}

/// The example models without [`LEFT_OUT_TABLE`] and [`LEFT_OUT_COLUMN`]: what the models
/// were before someone added both and forgot the migration.
pub fn reduced_schema() -> Schema {
    schema_without(true, true)
}

/// The example models, without [`LEFT_OUT_TABLE`] and/or [`LEFT_OUT_COLUMN`].
pub fn schema_without(table: bool, column: bool) -> Schema {
    let mut schema = full_schema();
    if table {
        schema
            .tables
            .retain(|t| t.name != QualifiedName::new(LEFT_OUT_TABLE));
    }
    if column {
        let (table, column) = LEFT_OUT_COLUMN;
        let found = schema
            .tables
            .iter_mut()
            .find(|t| t.name == QualifiedName::new(table))
            .unwrap();
        found.columns.retain(|c| c.name != column);
    }
    schema
}

/// Replacements applied to every transcript after [`Project::redact`].
pub const FILTERS: &[(&str, &str)] = &[
    (
        r"[A-Za-z0-9_]+_\d{8}T\d{6}Z_([a-z0-9_]+)\.dump",
        "[database]_[time]_$1.dump",
    ),
    (r"\(\d+ bytes\)", "([size] bytes)"),
    (r"\b\d+(\.\d)? (ms|s)\b", "[duration]"),
    (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "[time]"),
    (r"\bt_[a-z0-9_]+\b", "[database]"),
    (r"127\.0\.0\.1:\d+", "127.0.0.1:[port]"),
];

/// Asserts a snapshot with [`FILTERS`] applied.
#[allow(unused_macros)]
macro_rules! assert_smart_snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({ filters => $crate::smart_kit::FILTERS.to_vec() }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

/// Which binary of the example app a run starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bin {
    /// `migrate`.
    Migrate,
    /// `app`, the server that can migrate on boot.
    App,
}

/// A project folder with its own database.
pub struct Project {
    dir: tempfile::TempDir,
    db: TestDb,
}

impl Project {
    /// An empty project (no migration files) with a fresh, empty database.
    pub async fn new() -> Self {
        Self::with_db(TestDb::postgres().await.unwrap())
    }

    /// An empty project on a database of any dialect.
    pub fn with_db(db: TestDb) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("migrations/versions")).unwrap();
        Self { dir, db }
    }

    /// The project's database.
    pub fn db(&self) -> &TestDb {
        &self.db
    }

    /// The project folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `<project>/migrations`, what `--dir` names.
    pub fn migrations(&self) -> PathBuf {
        self.path().join("migrations")
    }

    /// `<project>/migrations/versions`.
    pub fn versions(&self) -> PathBuf {
        self.migrations().join("versions")
    }

    /// `<project>/backups`, what `DGS_BACKUP_DIR` names.
    pub fn backups(&self) -> PathBuf {
        self.path().join("backups")
    }

    /// The names of the revision files, sorted.
    pub fn files(&self) -> Vec<String> {
        list(&self.versions())
    }

    /// The names of the backup files, sorted (none when the folder does not exist).
    pub fn backup_files(&self) -> Vec<String> {
        list(&self.backups())
    }

    /// Reads a revision file by name.
    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.versions().join(name)).unwrap()
    }

    /// The one revision file whose name ends with `suffix`.
    pub fn file_ending(&self, suffix: &str) -> String {
        let found: Vec<String> = self
            .files()
            .into_iter()
            .filter(|f| f.ends_with(suffix))
            .collect();
        assert_eq!(found.len(), 1, "files ending {suffix}: {found:?}");
        found.into_iter().next().unwrap()
    }

    /// Writes a revision file by hand.
    pub fn write_file(&self, name: &str, text: &str) {
        std::fs::write(self.versions().join(name), text).unwrap();
    }

    /// Copies a revision file from another project, as a commit and a deploy would.
    pub fn copy_from(&self, other: &Project, name: &str) {
        std::fs::copy(other.versions().join(name), self.versions().join(name)).unwrap();
    }

    /// Writes the revision `id` (following `parents`) that turns `from` into `to`, as
    /// autogeneration composes it, with a fixed creation time.
    pub fn write_revision(
        &self,
        id: &str,
        parents: &[&str],
        from: &Schema,
        to: &Schema,
        message: &str,
    ) -> String {
        let ops = diff(from, to, &DiffOptions::new(Dialect::Postgresql));
        let parents = parents
            .iter()
            .map(|p| RevisionId::parse(p).unwrap())
            .collect();
        let mut composed = compose(&ops, Dialect::Postgresql, parents, message)
            .unwrap()
            .expect("the schemas differ");
        composed.revision.revision = RevisionId::parse(id).unwrap();
        composed.revision.created = DateTime::<Utc>::from_timestamp(1_798_797_600, 0).unwrap();
        let file =
            revision::write_new(&self.migrations(), RevisionFile::new(composed.revision)).unwrap();
        file.path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    }

    /// A run of `migrate ARGS` in development (no `DGS_ENV`).
    pub fn migrate(&self, args: &[&str]) -> Run {
        self.invoke(Bin::Migrate, args).run()
    }

    /// A run of `DGS_ENV=production migrate ARGS`.
    pub fn migrate_prod(&self, args: &[&str]) -> Run {
        self.invoke(Bin::Migrate, args)
            .env("DGS_ENV", "production")
            .run()
    }

    /// A run to configure before starting it.
    pub fn invoke(&self, bin: Bin, args: &[&str]) -> Invocation<'_> {
        Invocation {
            project: self,
            bin,
            args: args.iter().map(ToString::to_string).collect(),
            env: Vec::new(),
            dir: self.migrations(),
            path: None,
            database_url: Some(self.db.url().to_owned()),
        }
    }

    /// Runs SQL on the project's database.
    pub async fn sql(&self, sql: &str) {
        self.db.execute_script(sql).await.unwrap();
    }

    /// The first column of a query's rows, as text.
    pub async fn query(&self, sql: &str) -> Vec<String> {
        self.db.query_strings(sql).await.unwrap()
    }

    /// The columns of a table as `name type null|not null`, in order.
    pub async fn columns(&self, table: &str) -> Vec<String> {
        self.query(&format!(
            "SELECT column_name || ' ' || data_type || ' ' || \
             CASE is_nullable WHEN 'YES' THEN 'null' ELSE 'not null' END \
             FROM information_schema.columns WHERE table_schema = 'public' \
             AND table_name = '{table}' ORDER BY ordinal_position"
        ))
        .await
    }

    /// The tables of the database (every namespace but the system ones), sorted.
    pub async fn tables(&self) -> Vec<String> {
        self.query(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables \
             WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
        )
        .await
    }

    /// The whole database, schema and data, as `pg_dump` prints it: two equal dumps mean
    /// nothing changed. `pg_dump`'s random `\restrict` key lines are left out.
    pub fn dump(&self) -> String {
        dump(self.db.url())
    }

    /// Replaces what changes from run to run: the project's path and the random revision
    /// ids (as `[rev1]`, `[rev2]`, ... in order of first appearance).
    pub fn redact(&self, text: &str) -> String {
        let text = text.replace(&self.path().display().to_string(), "[project]");
        let mut ids: BTreeMap<String, String> = BTreeMap::new();
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some((start, id)) = next_random_id(rest) {
            out.push_str(&rest[..start]);
            let next = ids.len() + 1;
            let label = ids
                .entry(id.to_owned())
                .or_insert_with(|| format!("[rev{next}]"));
            out.push_str(label);
            rest = &rest[start + id.len()..];
        }
        out.push_str(rest);
        out
    }

    /// [`Run::transcript`]s of several runs, redacted.
    pub fn transcripts(&self, runs: &[Run]) -> String {
        self.redact(
            &runs
                .iter()
                .map(Run::transcript)
                .collect::<Vec<_>>()
                .join("\n"),
        )
    }
}

/// A full plain `pg_dump` of the database at `url`, without the random `\restrict` lines.
pub fn dump(url: &str) -> String {
    let output = Command::new("pg_dump")
        .arg(url)
        .stdin(Stdio::null())
        .output()
        .expect("pg_dump is installed");
    assert!(
        output.status.success(),
        "pg_dump failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A random revision id: 12 hex digits standing alone.
fn next_random_id(text: &str) -> Option<(usize, &str)> {
    let bytes = text.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    while i + 12 <= bytes.len() {
        let candidate = &bytes[i..i + 12];
        let before_ok = i == 0 || !is_word(bytes[i - 1]);
        // File names put `_<slug>` right after the id.
        let after_ok = i + 12 == bytes.len() || !bytes[i + 12].is_ascii_alphanumeric();
        let hex = candidate
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b));
        // Twelve decimal digits are not an id (times, sizes), nor twelve letters a word.
        let mixed = candidate.iter().any(u8::is_ascii_digit);
        if before_ok && after_ok && hex && mixed {
            return Some((i, &text[i..i + 12]));
        }
        i += 1;
    }
    None
}

fn list(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A run being configured.
pub struct Invocation<'p> {
    project: &'p Project,
    bin: Bin,
    args: Vec<String>,
    env: Vec<(String, String)>,
    dir: PathBuf,
    path: Option<PathBuf>,
    database_url: Option<String>,
}

impl Invocation<'_> {
    /// Another migrations folder than the project's (`--dir`).
    pub fn dir(mut self, dir: &Path) -> Self {
        self.dir = dir.to_path_buf();
        self
    }

    /// Sets an environment variable (shown in the transcript).
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Replaces `PATH` (shown in the transcript as `PATH=[dir]`).
    pub fn path(mut self, dir: &Path) -> Self {
        self.path = Some(dir.to_path_buf());
        self
    }

    /// Another `DATABASE_URL` than the project's, or none.
    pub fn database_url(mut self, url: Option<&str>) -> Self {
        self.database_url = url.map(str::to_owned);
        self
    }

    /// The command, for tests that start it and do something while it runs.
    pub fn command(&self) -> Command {
        let program = match self.bin {
            Bin::Migrate => env!("CARGO_BIN_EXE_migrate"),
            Bin::App => env!("CARGO_BIN_EXE_app"),
        };
        let mut command = Command::new(program);
        if self.bin == Bin::Migrate {
            command.arg("--dir").arg(&self.dir);
        }
        command
            .args(&self.args)
            .current_dir(self.project.path())
            .env_remove("DGS_ENV")
            .env_remove("DATABASE_URL")
            .env_remove("APP_MIGRATE_ON_BOOT")
            .env("DGS_BACKUP_DIR", self.project.backups())
            .env("NO_COLOR", "1")
            .env("MIGRATE_LOG", "error")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(url) = &self.database_url {
            command.env("DATABASE_URL", url);
        }
        if let Some(path) = &self.path {
            command.env("PATH", path);
        }
        for (name, value) in &self.env {
            command.env(name, value);
        }
        command
    }

    /// Runs to the end.
    pub fn run(self) -> Run {
        let output = self.command().output().unwrap();
        self.finish(output)
    }

    /// Wraps the output of [`Invocation::command`] started by the caller.
    pub fn finish(&self, output: std::process::Output) -> Run {
        let mut shown: Vec<String> = self.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
        if self.path.is_some() {
            shown.push("PATH=[dir]".into());
        }
        if self.database_url.is_none() {
            shown.insert(0, "DATABASE_URL=".into());
        }
        shown.push(
            match self.bin {
                Bin::Migrate => "migrate",
                Bin::App => "app",
            }
            .into(),
        );
        shown.extend(self.args.iter().map(|a| {
            if a.contains(' ') {
                format!("\"{a}\"")
            } else {
                a.clone()
            }
        }));
        Run {
            command: shown.join(" "),
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// One run of a binary.
pub struct Run {
    /// The command line as the transcript shows it.
    pub command: String,
    /// The exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// `$ COMMAND`, the output, and the exit code, as a snapshot shows a run.
    pub fn transcript(&self) -> String {
        let mut text = format!("$ {}\n{}", self.command, self.stdout);
        if !self.stderr.is_empty() {
            text.push_str("[stderr]\n");
            text.push_str(&self.stderr);
        }
        text.push_str(&format!("[exit {}]\n", self.code));
        text
    }

    /// Asserts the exit code, showing the transcript when it differs.
    pub fn expect(self, code: i32) -> Self {
        assert_eq!(self.code, code, "{}", self.transcript());
        self
    }

    /// Standard output and error together.
    pub fn output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}
