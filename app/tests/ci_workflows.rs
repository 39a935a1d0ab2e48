//! The two CI workflows of the migration guide, played here with the real binary, a real
//! PostgreSQL and a real git repository:
//!
//! - pull request (`pr-migration-check.yml`): a fresh database upgraded to the heads, then
//!   `migrate check --summary FILE` fails and the job summary shows the proposed migration
//!   and the destructive analysis;
//! - post-merge (`post-merge-migration.yml`): `migrate ci-sync` on a fresh database commits
//!   exactly one file with the guide's message, and a second run commits nothing.
//!
//! "A model change" is simulated the other way round: the committed history describes a
//! reduced version of the example models (a table and a column missing, a column the
//! models no longer have, a wider type, a NULL-able column), so the binary's models drift
//! from it.

#[macro_use]
mod cli_kit;

use std::path::Path;
use std::process::Command;

use cli_kit::{transcripts, Project, Run};
use migrator::apply::compose;
use migrator::revision::{self, RevisionFile, RevisionId};
use migrator::{Dialect, DiffOptions};
use schema_runtime::schema::{Column, ColumnType, Schema, Table};
use workspace_tests::TestDb;

const COMMIT_MESSAGE: &str = "chore: auto-generate migration [skip ci]";

/// [`cli_kit::FILTERS`] plus the random parts of generated revisions and commits.
const FILTERS: &[(&str, &str)] = &[
    (
        r"\b[0-9a-f]{12}_auto_sync_schema",
        "[revision]_auto_sync_schema",
    ),
    (r"\b[0-9a-f]{12}_merge_heads", "[revision]_merge_heads"),
    (r"-- revision: [0-9a-f]{12}", "-- revision: [revision]"),
    (r"\b[0-9a-f]{7,12} chore:", "[commit] chore:"),
    (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "[time]"),
    (r"\bt_[a-z0-9_]+\b", "[database]"),
    (r"(/[^\s/]+)*/\.tmp[A-Za-z0-9]+", "[tmp]"),
];

macro_rules! assert_ci_snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({ filters => FILTERS.to_vec() }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

#[tokio::test]
async fn ci_pull_request_check_then_post_merge_commit() {
    let project = Project::empty().await;
    init_repo(project.path());
    write_history(project.path(), &reduced_models(), "aaaa00000001");
    std::fs::write(project.path().join("app.txt"), "tracked\n").unwrap();
    git(project.path(), &["add", "-A"]);
    git(project.path(), &["commit", "-q", "-m", "reduced history"]);
    // Work in progress that no CI step may commit: a modified file and an untracked one.
    std::fs::write(project.path().join("app.txt"), "tracked, then edited\n").unwrap();
    std::fs::write(project.path().join("notes.txt"), "untracked\n").unwrap();

    // The pull request job: a fresh database at the heads, then the check.
    let out = tempfile::tempdir().unwrap();
    let summary = out.path().join("step_summary.md");
    std::fs::write(&summary, "Output of an earlier step.\n").unwrap();
    let upgrade = project.run(&["upgrade", "heads"]);
    assert_eq!(upgrade.code, 0, "{}", upgrade.transcript());
    let check = project.run(&["check", "--summary", summary.to_str().unwrap()]);
    assert_eq!(check.code, 1, "{}", check.transcript());
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.starts_with("Output of an earlier step.\n\n## ❌ Schema drift"));
    assert!(text.contains("CREATE TABLE \"comments\""), "{text}");
    assert!(text
        .contains("| 🛑 destructive, blocked: never generated | drop column users.legacy_code |"));
    assert!(text.contains("narrows the type from varchar(500) to varchar(200)"));
    assert!(text.contains("sets NOT NULL on an existing column"));
    assert!(text.contains("-- blocked (destructive): ALTER TABLE \"users\" DROP COLUMN"));
    assert_eq!(versions(project.path()).len(), 1, "check writes no file");
    assert_ci_snapshot!(
        "pr_check_summary",
        text.trim_start_matches("Output of an earlier step.\n\n")
    );

    // The post-merge job: a fresh database, then ci-sync commits the missing migration.
    let merged = TestDb::postgres().await.unwrap();
    let sync_summary = out.path().join("sync_summary.md");
    let sync = run_on(
        &project,
        &merged,
        &["ci-sync", "--summary", sync_summary.to_str().unwrap()],
    );
    assert_eq!(sync.code, 0, "{}", sync.transcript());
    assert_eq!(git(project.path(), &["rev-list", "--count", "HEAD"]), "2");
    let new_files: Vec<String> = versions(project.path())
        .into_iter()
        .filter(|name| !name.starts_with("aaaa00000001"))
        .collect();
    assert_eq!(new_files.len(), 1, "{new_files:?}");
    assert_eq!(
        git(
            project.path(),
            &["show", "--name-only", "--format=%s", "HEAD"]
        ),
        format!("{COMMIT_MESSAGE}\n\nmigrations/versions/{}", new_files[0])
    );
    assert_eq!(
        git(project.path(), &["status", "--porcelain"]),
        " M app.txt\n?? notes.txt",
        "the work in progress is left as it was"
    );
    let committed = std::fs::read_to_string(
        project
            .path()
            .join("migrations/versions")
            .join(&new_files[0]),
    )
    .unwrap();
    assert!(
        committed.contains("-- down_revision: aaaa00000001"),
        "{committed}"
    );
    // What the post-merge job would push is what `check` proposed, apart from its id.
    let proposed = proposed_sql(&text);
    assert_eq!(sections(&committed), sections(&proposed));

    // A second post-merge run (the pushed commit on a fresh database) commits nothing: only
    // the destructive drift is left, which is never generated.
    let again_db = TestDb::postgres().await.unwrap();
    let again_summary = out.path().join("again_summary.md");
    let again = run_on(
        &project,
        &again_db,
        &["ci-sync", "--summary", again_summary.to_str().unwrap()],
    );
    assert_eq!(again.code, 0, "{}", again.transcript());
    assert_eq!(git(project.path(), &["rev-list", "--count", "HEAD"]), "2");
    assert_eq!(versions(project.path()).len(), 2);
    assert!(again
        .stdout
        .contains("Partial sync complete. Schema drift persists."));

    assert_ci_snapshot!(
        "post_merge_sync",
        format!(
            "{}\n==> summary of the first run <==\n{}\n==> summary of the second run <==\n{}",
            transcripts(&[sync, again]),
            std::fs::read_to_string(&sync_summary).unwrap(),
            std::fs::read_to_string(&again_summary).unwrap(),
        )
    );
}

#[tokio::test]
async fn ci_in_sync_commits_nothing_and_several_heads_get_one_merge() {
    let project = Project::empty().await;
    init_repo(project.path());
    write_history(project.path(), &full_models(), "aaaa00000001");
    git(project.path(), &["add", "-A"]);
    git(project.path(), &["commit", "-q", "-m", "history"]);
    let summary = project.path().join(".git/summary.md");

    let upgrade = project.run(&["upgrade", "heads"]);
    assert_eq!(upgrade.code, 0, "{}", upgrade.transcript());
    let check = project.run(&["check", "--summary", summary.to_str().unwrap()]);
    assert_eq!(check.code, 0, "{}", check.transcript());
    let in_sync = project.run(&["ci-sync", "--summary", summary.to_str().unwrap()]);
    assert_eq!(in_sync.code, 0, "{}", in_sync.transcript());
    assert_eq!(git(project.path(), &["rev-list", "--count", "HEAD"]), "1");
    assert_eq!(git(project.path(), &["status", "--porcelain"]), "");
    let text = std::fs::read_to_string(&summary).unwrap();
    assert_eq!(text.matches("## ✅ No schema drift").count(), 2, "{text}");
    assert!(text.contains("Nothing to commit."), "{text}");

    // Two branches each added a (here empty) revision and both were merged: two heads.
    for (id, message) in [
        ("bbbb00000002", "branch one"),
        ("cccc00000003", "branch two"),
    ] {
        let mut new = revision::NewRevision::new(
            message,
            Dialect::Postgresql,
            vec![RevisionId::parse("aaaa00000001").unwrap()],
        );
        new.revision = RevisionId::parse(id).unwrap();
        revision::write_new(&project.path().join("migrations"), RevisionFile::new(new)).unwrap();
    }
    git(project.path(), &["add", "-A"]);
    git(
        project.path(),
        &["commit", "-q", "-m", "merge two branches"],
    );
    let merged_db = TestDb::postgres().await.unwrap();
    let merge = run_on(&project, &merged_db, &["ci-sync"]);
    assert_eq!(merge.code, 0, "{}", merge.transcript());
    assert_eq!(git(project.path(), &["rev-list", "--count", "HEAD"]), "3");
    let shown = git(
        project.path(),
        &["show", "--name-only", "--format=%s", "HEAD"],
    );
    let (subject, files) = shown.split_once("\n\n").unwrap();
    assert_eq!(subject, COMMIT_MESSAGE);
    assert!(
        files.starts_with("migrations/versions/") && files.ends_with("_merge_heads.sql"),
        "{files}"
    );
    assert!(!files.contains('\n'), "exactly one file: {files}");
    let heads = project.run(&["heads"]);
    assert_eq!(heads.stdout.lines().count(), 1, "{}", heads.transcript());

    let fresh = TestDb::postgres().await.unwrap();
    let again = run_on(&project, &fresh, &["ci-sync"]);
    assert_eq!(again.code, 0, "{}", again.transcript());
    assert_eq!(git(project.path(), &["rev-list", "--count", "HEAD"]), "3");
    assert_ci_snapshot!("merge_heads", transcripts(&[merge, again]));
}

#[tokio::test]
async fn ci_sync_refuses_outside_git_and_with_staged_changes() {
    let project = Project::empty().await;
    write_history(project.path(), &reduced_models(), "aaaa00000001");
    let outside = project.run(&["ci-sync"]);
    assert_eq!(outside.code, 2, "{}", outside.transcript());
    assert!(
        outside.stderr.contains("runs inside a git work tree"),
        "{}",
        outside.transcript()
    );

    init_repo(project.path());
    git(project.path(), &["add", "-A"]);
    git(project.path(), &["commit", "-q", "-m", "history"]);
    std::fs::write(project.path().join("half-done.txt"), "staged work\n").unwrap();
    git(project.path(), &["add", "half-done.txt"]);
    let staged = project.run(&["ci-sync"]);
    assert_eq!(staged.code, 2, "{}", staged.transcript());
    assert_eq!(git(project.path(), &["rev-list", "--count", "HEAD"]), "1");
    assert_eq!(versions(project.path()).len(), 1, "no file written");
    assert_eq!(
        project
            .query("SELECT count(*)::text FROM pg_tables WHERE schemaname = 'public'")
            .await,
        ["0"],
        "the database is not touched"
    );
    assert_ci_snapshot!("refusals", staged.transcript());

    // A check on a database behind the history says so at the top of its summary.
    let summary = project.path().join(".git/summary.md");
    let check = project.run(&["check", "--summary", summary.to_str().unwrap()]);
    assert_eq!(check.code, 1, "{}", check.transcript());
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with(
            "> **Note:** the database is at no revision, not at the head of the \
             history (`aaaa00000001`)"
        ),
        "{text}"
    );
}

/// The example models as the binary sees them.
fn full_models() -> Schema {
    app_schema::link();
    let mut schema =
        schema_runtime::registry::collect(schema_runtime::Dialect::Postgresql).unwrap();
    schema.normalize_default_namespace(Dialect::Postgresql.default_namespace());
    schema
}

/// The example models before "the model change": no `comments` table, no
/// `tasks.estimate_hours`; and things the models changed since: a `users.legacy_code`
/// column they dropped, `organisations.name` wider, `projects.name` NULL-able.
fn reduced_models() -> Schema {
    let mut schema = full_models();
    schema.tables.retain(|t| t.name.name != "comments");
    let tasks = table(&mut schema, "tasks");
    tasks.columns.retain(|c| c.name != "estimate_hours");
    let users = table(&mut schema, "users");
    let mut legacy = Column::new("legacy_code", ColumnType::Text);
    legacy.nullable = true;
    users.columns.push(legacy);
    column(&mut schema, "organisations", "name").ty = ColumnType::Varchar { length: Some(500) };
    column(&mut schema, "projects", "name").nullable = true;
    schema
}

fn table<'s>(schema: &'s mut Schema, name: &str) -> &'s mut Table {
    schema
        .tables
        .iter_mut()
        .find(|t| t.name.name == name)
        .unwrap()
}

fn column<'s>(schema: &'s mut Schema, table_name: &str, name: &str) -> &'s mut Column {
    table(schema, table_name)
        .columns
        .iter_mut()
        .find(|c| c.name == name)
        .unwrap()
}

/// Writes the revision that creates `schema` from nothing into `<dir>/migrations`.
fn write_history(dir: &Path, schema: &Schema, id: &str) {
    let ops = migrator::diff(
        &Schema::default(),
        schema,
        &DiffOptions::new(Dialect::Postgresql),
    );
    let mut composed = compose(&ops, Dialect::Postgresql, Vec::new(), "initial schema")
        .unwrap()
        .unwrap();
    composed.revision.revision = RevisionId::parse(id).unwrap();
    revision::write_new(
        &dir.join("migrations"),
        RevisionFile::new(composed.revision),
    )
    .unwrap();
}

fn init_repo(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["config", "user.name", "CI Test"]);
    git(dir, &["config", "user.email", "ci@example.com"]);
    git(dir, &["config", "commit.gpgsign", "false"]);
}

/// Runs git in `dir` and returns its trimmed output; panics when it fails.
fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .trim_end()
        .to_string()
}

/// Runs the binary in the project folder against another database.
fn run_on(project: &Project, db: &TestDb, args: &[&str]) -> Run {
    let output = project
        .command(args)
        .env("DATABASE_URL", db.url())
        .output()
        .unwrap();
    Run {
        args: args.iter().map(ToString::to_string).collect(),
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The names of the files in `migrations/versions`, sorted.
fn versions(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("migrations/versions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// The file shown in a summary's first ```sql block.
fn proposed_sql(summary: &str) -> String {
    let start = summary.find("```sql\n").unwrap() + "```sql\n".len();
    let end = start + summary[start..].find("\n```").unwrap();
    summary[start..end].to_string()
}

/// A migration file without its header lines (id and time differ between runs).
fn sections(file: &str) -> String {
    let at = file.find("-- +up").unwrap();
    file[at..].trim_end().to_string()
}
