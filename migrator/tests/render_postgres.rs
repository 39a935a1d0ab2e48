//! PostgreSQL rendering, case by case: every case in `cases.rs` is a list of ops and the
//! plain SQL of the database they expect to find. `snapshots` pins the `up` and `down`
//! scripts a reviewer would read; `scripts_run_on_postgres` runs them on a real server to
//! prove they are valid and that `down` puts the schema back as it was.

mod render_postgres {
    pub mod cases;
    pub mod db;
}

use migrator::dialect::postgres::render::{adds_enum_value, render_op};
use migrator::render::plan_without_schema;
use migrator::{Dialect, Op};
use render_postgres::cases::{self, Case};
use render_postgres::db::{self, TestDb};

/// The snapshot of one case: the ops in words, then both sections as in a revision file.
fn check(name: &str, ops: &[Op]) {
    let plan = plan_without_schema(Dialect::Postgresql, ops).unwrap();
    let described: String = ops
        .iter()
        .map(|op| format!("--   {}\n", op.describe().replace('\n', "\\n")))
        .collect();
    let text = format!(
        "-- ops:\n{described}\n-- +up\n{}\n-- +down\n{}",
        plan.up_script(),
        plan.down_script()
    );
    insta::assert_snapshot!(name, text);
}

#[test]
fn snapshots() {
    for case in cases::all() {
        check(case.name, &case.ops);
    }
}

#[test]
fn case_names_are_unique() {
    let mut names: Vec<&str> = cases::all().iter().map(|c| c.name).collect();
    let count = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), count, "two cases share a name");
}

#[test]
fn only_added_enum_values_are_marked_for_a_commit_before_use() {
    for op in cases::all().iter().flat_map(|case| &case.ops) {
        let added = matches!(op, Op::AddEnumValue { .. });
        for statement in render_op(op) {
            assert!(statement.transactional, "{}", statement.sql);
            assert_eq!(adds_enum_value(&statement), added, "{}", statement.sql);
        }
    }
}

/// Base schema, `up`, `down`, `up` again, each in one transaction as the executor will run
/// them; the catalog after `down` must equal the base, and the second `up` must reach the
/// same catalog as the first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripts_run_on_postgres() {
    let mut failures = Vec::new();
    for case in cases::all() {
        if let Err(error) = run_case(&case).await {
            failures.push(format!("{}: {error:#}", case.name));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

async fn run_case(case: &Case) -> anyhow::Result<()> {
    let db = TestDb::create(case.name).await?;
    let result = up_down_up(&db, case).await;
    db.drop_database().await?;
    result
}

async fn up_down_up(db: &TestDb, case: &Case) -> anyhow::Result<()> {
    let mut conn = db.connect().await?;
    db::run_script(&mut conn, case.base).await?;
    let base = db::catalog(&mut conn).await?;
    let up = migrator::render::render(Dialect::Postgresql, &case.ops)?;
    let down = migrator::render::render_down(Dialect::Postgresql, &case.ops)?;

    db::run_in_transaction(&mut conn, &up).await?;
    let after_up = db::catalog(&mut conn).await?;
    anyhow::ensure!(after_up != base, "up changed nothing in the catalog");

    db::run_in_transaction(&mut conn, &down).await?;
    if !case.reversible() {
        return Ok(());
    }
    let after_down = db::catalog(&mut conn).await?;
    db::ensure_same("down did not restore the base schema", &base, &after_down)?;

    db::run_in_transaction(&mut conn, &up).await?;
    let again = db::catalog(&mut conn).await?;
    db::ensure_same("a second up differs from the first", &after_up, &again)
}
