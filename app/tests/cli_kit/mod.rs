//! What the CLI tests share: a project folder with a migrations directory, its own
//! throwaway database, the real `migrate` binary run inside it, and the snapshot filters
//! that keep ids, times, durations and database names out of snapshots.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use workspace_tests::TestDb;

/// The example history: a base, a branch in two, and the merge of the two.
pub const FIXTURE: &[(&str, &str)] = &[
    (
        "aaaa00000001_create_users.sql",
        "-- revision: aaaa00000001
-- down_revision: none
-- message: create users
-- created: 2026-01-01T10:00:00Z
-- dialect: postgresql
-- transactional: true

-- +up
CREATE TABLE fx_users (
    id bigint PRIMARY KEY,
    name text NOT NULL
);

-- +down
DROP TABLE fx_users;
",
    ),
    (
        "bbbb00000002_add_email.sql",
        "-- revision: bbbb00000002
-- down_revision: aaaa00000001
-- message: add email to users
-- created: 2026-01-02T10:00:00Z
-- dialect: postgresql
-- transactional: true

-- +up
ALTER TABLE fx_users ADD COLUMN email text;

-- +down
ALTER TABLE fx_users DROP COLUMN email;
",
    ),
    (
        "cccc00000003_create_projects.sql",
        "-- revision: cccc00000003
-- down_revision: aaaa00000001
-- message: create projects
-- created: 2026-01-03T10:00:00Z
-- dialect: postgresql
-- transactional: true

-- +up
CREATE TABLE fx_projects (
    id bigint PRIMARY KEY,
    owner_id bigint NOT NULL REFERENCES fx_users (id)
);

-- +down
DROP TABLE fx_projects;
",
    ),
    (
        "dddd00000004_merge_branches.sql",
        "-- revision: dddd00000004
-- down_revision: bbbb00000002, cccc00000003
-- message: merge branches
-- created: 2026-01-04T10:00:00Z
-- dialect: postgresql
-- transactional: true

-- +up

-- +down
",
    ),
];

/// Replacements that make output stable across runs and machines.
pub const FILTERS: &[(&str, &str)] = &[
    (r"\b\d+(\.\d)? (ms|s)\b", "[duration]"),
    (r#""duration_ms": \d+"#, r#""duration_ms": "[duration]""#),
    (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "[time]"),
    (r"\bt_[a-z0-9_]+\b", "[database]"),
    (r"\bpid \d+", "pid [pid]"),
    (
        r"pg_terminate_backend\(\d+\)",
        "pg_terminate_backend([pid])",
    ),
];

/// A project folder with its own database.
pub struct Project {
    dir: tempfile::TempDir,
    db: TestDb,
}

/// One run of the binary.
pub struct Run {
    /// The arguments.
    pub args: Vec<String>,
    /// The exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// `$ migrate ARGS`, the output, and the exit code, as a snapshot shows a run.
    pub fn transcript(&self) -> String {
        let args: Vec<String> = self
            .args
            .iter()
            .map(|a| {
                if a.contains(' ') {
                    format!("\"{a}\"")
                } else {
                    a.clone()
                }
            })
            .collect();
        let mut text = format!("$ migrate {}\n", args.join(" "));
        text.push_str(&self.stdout);
        if !self.stderr.is_empty() {
            text.push_str("[stderr]\n");
            text.push_str(&self.stderr);
        }
        text.push_str(&format!("[exit {}]\n", self.code));
        text
    }
}

/// Transcripts of several runs, one after the other.
pub fn transcripts(runs: &[Run]) -> String {
    runs.iter()
        .map(Run::transcript)
        .collect::<Vec<_>>()
        .join("\n")
}

impl Project {
    /// An empty project (no migration files) with a fresh database.
    pub async fn empty() -> Self {
        let db = TestDb::postgres().await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("migrations/versions")).unwrap();
        Self { dir, db }
    }

    /// A project holding the branch-and-merge [`FIXTURE`].
    pub async fn with_fixture() -> Self {
        let project = Self::empty().await;
        for (name, text) in FIXTURE {
            project.write(name, text);
        }
        project
    }

    /// The project's database.
    pub fn db(&self) -> &TestDb {
        &self.db
    }

    /// `migrations/versions` of the project.
    pub fn versions(&self) -> PathBuf {
        self.dir.path().join("migrations/versions")
    }

    /// The project folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a migration file.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.versions().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Runs `migrate ARGS` in the project folder against its database.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = self.command(args).output().unwrap();
        Run {
            args: args.iter().map(ToString::to_string).collect(),
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// The command `run` executes, for tests that start several at once.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_migrate"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("DATABASE_URL", self.db.url())
            .env("NO_COLOR", "1")
            .env("MIGRATE_LOG", "error")
            .stdin(Stdio::null());
        command
    }

    /// Runs SQL on the project's database.
    pub async fn sql(&self, sql: &str) {
        self.db.execute_script(sql).await.unwrap();
    }

    /// The first column of a query's rows, as text.
    pub async fn query(&self, sql: &str) -> Vec<String> {
        let mut conn: sqlx::PgConnection = self.db.connect().await.unwrap();
        sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
    }
}

/// Asserts a snapshot with [`FILTERS`] applied.
#[allow(unused_macros)]
macro_rules! assert_cli_snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({ filters => $crate::cli_kit::FILTERS.to_vec() }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}
