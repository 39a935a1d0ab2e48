//! The scenario runner for MySQL / MariaDB, the PostgreSQL runner's twin
//! (`pg_scenarios/kit.rs`): build A on a throwaway database, compare with the models B
//! and snapshot the ops and scripts, run `up` statement by statement (MySQL DDL commits on
//! its own, as the executor runs a `transactional: false` revision), prove a second
//! comparison finds nothing, run `down`, prove the database is back at A, and check the
//! rows the scenario names.

use anyhow::{bail, ensure, Context, Result};
use migrator::compare::{compare, Comparison};
use migrator::db::{Database, Wait};
use migrator::dialect::mysql::inspect::inspect;
use migrator::dialect::mysql::normalize::normalize_target;
use migrator::diff::canonical;
use migrator::filter::SchemaFilter;
use migrator::render::{render, render_down, render_down_groups, render_groups, render_script};
use migrator::{diff, safety, Dialect, DiffOptions, Op, Statement};
use schema_runtime::schema::Schema;
use sqlx::{MySqlConnection, Row};
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
}

impl Scenario {
    /// SQL run once A is built, before the comparison.
    pub fn seed(mut self, sql: &str) -> Self {
        self.seed = Some(sql.to_owned());
        self
    }

    /// After `up`, `query` (one column, read as text) returns exactly `expected`.
    pub fn rows_after_up(mut self, query: &str, expected: &[&str]) -> Self {
        self.after_up.push(row_check(query, expected));
        self
    }

    /// After `down`, `query` returns exactly `expected`.
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
        let db = TestDb::mysql_for(self.name).await?;
        let mut exec: MySqlConnection = db.connect().await?;
        let mut engine = Database::connect(db.url(), Wait::default()).await?;
        let filter = SchemaFilter::default();

        match &self.start {
            Start::Sql(sql) => db.execute_script(sql).await.context("building A")?,
            Start::Models(a) => {
                build_from_models(&mut exec, a)
                    .await
                    .context("building A")?;
                let check = compare(&mut engine, a, &filter).await?;
                ensure_in_sync(&check, "A, built from its models,")?;
            }
        }
        let at_a = inspect(&mut exec, &filter).await?;
        if let Some(seed) = &self.seed {
            db.execute_script(seed).await.context("seeding rows")?;
        }

        let first = compare(&mut engine, &self.target, &filter).await?;
        let ops = first.ops.clone();
        crate::snapshot(self.name, &report(&ops)?);

        execute(&mut exec, &render(Dialect::Mysql, &ops)?)
            .await
            .context("running up")?;
        let second = compare(&mut engine, &self.target, &filter).await?;
        ensure_in_sync(&second, "after up, the models")?;
        check_rows(&mut exec, &self.after_up, "after up").await?;

        execute(&mut exec, &render_down(Dialect::Mysql, &ops)?)
            .await
            .context("running down")?;
        let now = inspect(&mut exec, &filter).await?;
        if canonical(&now) != canonical(&at_a) {
            let now = serde_json::to_string_pretty(&canonical(&now))?;
            let expected = serde_json::to_string_pretty(&canonical(&at_a))?;
            bail!("after down, the database is not back at A\nA:\n{expected}\nnow:\n{now}");
        }
        // A database another tool built may hold what no model asks for on MySQL (a
        // `timestamp(6)` column: the models' timestamps are `datetime(6)`), so only the
        // models of A are compared again; the schema read back already matched.
        if let Start::Models(a) = &self.start {
            let back = compare(&mut engine, a, &filter).await?;
            ensure_in_sync(&back, "after down, A")?;
        }
        check_rows(&mut exec, &self.after_down, "after down").await?;
        Ok(Outcome { ops })
    }
}

/// Creates the models' schema on an empty database as the engine would: the models in
/// MySQL's terms, `diff(empty, models)`, rendered and executed.
pub async fn build_from_models(conn: &mut MySqlConnection, models: &Schema) -> Result<()> {
    let mut models = models.clone();
    models.normalize_default_namespace(Dialect::Mysql.default_namespace());
    normalize_target(&mut models);
    let ops = diff(
        &Schema::default(),
        &models,
        &DiffOptions::new(Dialect::Mysql),
    );
    execute(conn, &render(Dialect::Mysql, &ops)?).await
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
    let sql = render(Dialect::Mysql, &comparison.ops)
        .map(|statements| {
            statements
                .iter()
                .map(|s| format!("{};\n", s.sql))
                .collect::<String>()
        })
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

/// What a reviewer reads: the ops in words with their risk, then the two scripts.
pub fn report(ops: &[Op]) -> Result<String> {
    let up = render_groups(Dialect::Mysql, ops)?;
    let down = render_down_groups(Dialect::Mysql, ops)?;
    Ok(format!(
        "-- ops:\n{}\n-- +up\n{}\n-- +down\n{}",
        describe(ops),
        render_script(&up),
        render_script(&down)
    ))
}

/// Runs the statements one by one, each committing on its own; comments are skipped.
async fn execute(conn: &mut MySqlConnection, statements: &[Statement]) -> Result<()> {
    for statement in statements.iter().filter(|s| !s.is_comment_only()) {
        ensure!(
            !statement.transactional,
            "MySQL statements must be marked non-transactional: {}",
            statement.sql
        );
        sqlx::raw_sql(&statement.sql)
            .execute(&mut *conn)
            .await
            .with_context(|| format!("statement failed:\n{}", statement.sql))?;
    }
    Ok(())
}

async fn check_rows(conn: &mut MySqlConnection, checks: &[RowCheck], when: &str) -> Result<()> {
    for check in checks {
        let rows = sqlx::query(&check.query)
            .fetch_all(&mut *conn)
            .await
            .with_context(|| format!("{when}: {}", check.query))?;
        let rows: Vec<String> = rows
            .iter()
            .map(|row| {
                row.try_get::<String, _>(0).or_else(|_| {
                    row.try_get::<Vec<u8>, _>(0)
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                })
            })
            .collect::<Result<_, _>>()?;
        ensure!(
            rows == check.expected,
            "{when}, `{}` returned {rows:?}, expected {:?}",
            check.query,
            check.expected
        );
    }
    Ok(())
}
