//! The scenario runner for SQLite: one [`scenario`] call states a database at A, models at
//! B, and what must hold; [`Scenario::run`] does the round trip on a throwaway file:
//!
//! 1. build A (models applied as `diff(empty, A)` rendered and executed, or a plain SQL
//!    script) and, for models, prove A itself reads back with no drift;
//! 2. seed rows;
//! 3. compare the database with B and snapshot the ops, their risk and both scripts;
//! 4. run every `up` statement in one transaction on the migrator's connection;
//! 5. compare again: no ops may be left (zero false drift);
//! 6. run the `down` statements and prove the database is back at A;
//! 7. check the rows the scenario names after `up` and after `down`.

use anyhow::{bail, ensure, Context, Result};
use migrator::compare::{compare, Comparison};
use migrator::db::{Database, Wait};
use migrator::dialect::sqlite::normalize::normalize_target;
use migrator::diff::canonical;
use migrator::filter::SchemaFilter;
use migrator::render::{render_down_groups_from, render_groups_from, render_script};
use migrator::{diff, safety, Dialect, DiffOptions, Op, Statement};
use schema_runtime::schema::Schema;
use sqlx::SqliteConnection;
use workspace_tests::TestDb;

/// Where a scenario starts.
pub enum Start {
    /// A database built by a plain SQL script.
    Sql(String),
    /// A database built from models by the engine itself.
    Models(Schema),
}

impl From<Schema> for Start {
    fn from(schema: Schema) -> Self {
        Start::Models(schema)
    }
}

impl From<&str> for Start {
    fn from(sql: &str) -> Self {
        Start::Sql(sql.to_owned())
    }
}

struct RowCheck {
    query: String,
    expected: Vec<String>,
}

/// One scenario: database at A, models at B, and the rows that must survive.
pub struct Scenario {
    name: &'static str,
    start: Start,
    target: Schema,
    seed: Option<String>,
    after_up: Vec<RowCheck>,
    after_down: Vec<RowCheck>,
}

/// A scenario named `name` (the snapshot's name too) from `a` to the models `b`.
pub fn scenario(name: &'static str, a: impl Into<Start>, b: Schema) -> Scenario {
    Scenario {
        name,
        start: a.into(),
        target: b,
        seed: None,
        after_up: Vec::new(),
        after_down: Vec::new(),
    }
}

/// What a run found.
pub struct Outcome {
    /// The ops of the first comparison.
    pub ops: Vec<Op>,
    /// The `up` script.
    pub up: String,
}

impl Scenario {
    /// SQL run once A is built, before the comparison.
    pub fn seed(mut self, sql: &str) -> Self {
        self.seed = Some(sql.to_owned());
        self
    }

    /// After `up`, `query` (one text column) returns exactly `expected`, in order.
    pub fn rows_after_up(mut self, query: &str, expected: &[&str]) -> Self {
        self.after_up.push(row_check(query, expected));
        self
    }

    /// After `down`, `query` returns exactly `expected`, in order.
    pub fn rows_after_down(mut self, query: &str, expected: &[&str]) -> Self {
        self.after_down.push(row_check(query, expected));
        self
    }

    /// The same rows after `up` and after `down`.
    pub fn rows(self, query: &str, expected: &[&str]) -> Self {
        self.rows_after_up(query, expected)
            .rows_after_down(query, expected)
    }

    /// Runs the round trip; panics with the scenario's name and the failing step.
    pub async fn run(self) -> Outcome {
        let name = self.name;
        match self.try_run().await {
            Ok(outcome) => outcome,
            Err(error) => panic!("scenario {name}: {error:#}"),
        }
    }

    async fn try_run(self) -> Result<Outcome> {
        let db = TestDb::sqlite_for(self.name).await?;
        let mut engine = Database::connect(db.url(), Wait::default()).await?;
        let filter = SchemaFilter::default();
        match &self.start {
            Start::Sql(sql) => run_all(&mut engine, sql).await?,
            Start::Models(a) => {
                build_from_models(&mut engine, a).await?;
                let check = compare(&mut engine, a, &filter).await?;
                ensure_in_sync(&check, "A, built from its models,")?;
            }
        }
        let at_a = engine.inspect(&filter).await?;
        let mut rows: SqliteConnection = db.connect().await?;
        if let Some(seed) = &self.seed {
            sqlx::raw_sql(seed)
                .execute(&mut rows)
                .await
                .context("seeding rows")?;
        }

        let first = compare(&mut engine, &self.target, &filter).await?;
        let ops = first.ops.clone();
        let up = render_groups_from(Dialect::Sqlite, &first.current, &ops)?;
        let down = render_down_groups_from(Dialect::Sqlite, &first.current, &ops)?;
        crate::snapshot(self.name, &report(&ops, &up, &down));

        execute(&mut engine, up.iter().flatten())
            .await
            .context("running up")?;
        let second = compare(&mut engine, &self.target, &filter).await?;
        ensure_in_sync(&second, "after up, the models")?;
        check_rows(&mut rows, &self.after_up, "after up").await?;

        execute(&mut engine, down.iter().flatten())
            .await
            .context("running down")?;
        let now = engine.inspect(&filter).await?;
        if canonical(&now) != canonical(&at_a) {
            let now = serde_json::to_string_pretty(&canonical(&now))?;
            let expected = serde_json::to_string_pretty(&canonical(&at_a))?;
            bail!("after down, the database is not back at A\nA:\n{expected}\nnow:\n{now}");
        }
        if let Start::Models(a) = &self.start {
            let back = compare(&mut engine, a, &filter).await?;
            ensure_in_sync(&back, "after down, A")?;
        }
        check_rows(&mut rows, &self.after_down, "after down").await?;
        Ok(Outcome {
            ops,
            up: render_script(&up),
        })
    }
}

/// The models lowered as `compare` lowers them, so that a test can diff by hand.
pub fn lowered(models: &Schema) -> Schema {
    let mut target = models.clone();
    target.normalize_default_namespace(Dialect::Sqlite.default_namespace());
    normalize_target(&mut target);
    target
}

/// Creates the models' schema on an empty database, as the engine would.
pub async fn build_from_models(engine: &mut Database, models: &Schema) -> Result<()> {
    let empty = Schema::default();
    let ops = diff(&empty, &lowered(models), &DiffOptions::new(Dialect::Sqlite));
    let groups = render_groups_from(Dialect::Sqlite, &empty, &ops)?;
    execute(engine, groups.iter().flatten()).await
}

/// Runs a script of `;`-separated statements (no `;` inside literals) in one transaction.
pub async fn run_all(engine: &mut Database, sql: &str) -> Result<()> {
    let statements: Vec<Statement> = sql
        .split(';')
        .filter(|s| !s.trim().is_empty())
        .map(Statement::new)
        .collect();
    execute(engine, statements.iter()).await
}

/// Runs the statements in one transaction on the migrator's connection, as the executor
/// does; comment-only statements are skipped.
pub async fn execute<'a>(
    engine: &mut Database,
    statements: impl Iterator<Item = &'a Statement>,
) -> Result<()> {
    engine.execute("BEGIN").await?;
    for statement in statements.filter(|s| !s.is_comment_only()) {
        if let Err(error) = engine.execute(&statement.sql).await {
            engine.execute("ROLLBACK").await?;
            bail!("statement failed: {error}\n{}", statement.sql);
        }
    }
    engine.execute("COMMIT").await?;
    Ok(())
}

fn row_check(query: &str, expected: &[&str]) -> RowCheck {
    RowCheck {
        query: query.to_owned(),
        expected: expected.iter().map(|s| s.to_string()).collect(),
    }
}

fn ensure_in_sync(comparison: &Comparison, what: &str) -> Result<()> {
    if comparison.ops.is_empty() {
        return Ok(());
    }
    let sql = render_groups_from(Dialect::Sqlite, &comparison.current, &comparison.ops)
        .map(|groups| render_script(&groups))
        .unwrap_or_else(|e| format!("(cannot render: {e})"));
    bail!(
        "{what} still differ(s) from the database:\n{}\n{sql}",
        describe(&comparison.ops)
    )
}

fn describe(ops: &[Op]) -> String {
    ops.iter()
        .zip(safety::classify_all(ops))
        .map(|(op, risk)| format!("--   {} [{}]\n", op.describe(), risk.as_str()))
        .collect()
}

fn report(ops: &[Op], up: &[Vec<Statement>], down: &[Vec<Statement>]) -> String {
    format!(
        "-- ops:\n{}\n-- +up\n{}\n-- +down\n{}",
        describe(ops),
        render_script(up),
        render_script(down)
    )
}

async fn check_rows(conn: &mut SqliteConnection, checks: &[RowCheck], when: &str) -> Result<()> {
    for check in checks {
        let rows: Vec<String> = sqlx::query_scalar(&check.query)
            .fetch_all(&mut *conn)
            .await
            .with_context(|| format!("{when}: {}", check.query))?;
        ensure!(
            rows == check.expected,
            "{when}, `{}` returned {rows:?}, expected {:?}",
            check.query,
            check.expected
        );
    }
    Ok(())
}
