//! The scenario runner: one [`scenario`] call states a database at A, models at B, and
//! what must hold; [`Scenario::run`] does the round trip on a throwaway PostgreSQL database:
//!
//! 1. build A (plain SQL, or models applied as `diff(empty, A)` rendered and executed) and,
//!    for models, prove A itself reads back with no drift;
//! 2. seed rows;
//! 3. compare the database with B and snapshot the ops, their risk and both scripts;
//! 4. run every `up` statement, destructive ones included (the scenario tests the engine,
//!    not the safety policy), in one transaction;
//! 5. compare again: no ops may be left (zero false drift);
//! 6. run the `down` statements and prove the database is back at A;
//! 7. check the rows the scenario names after `up` and after `down`.
//!
//! A transaction is committed right after an `ALTER TYPE ... ADD VALUE`, as the executor
//! does: PostgreSQL refuses to use a new enum value in the transaction that added it.

use anyhow::{bail, ensure, Context, Result};
use migrator::compare::{compare, Comparison};
use migrator::db::{Database, Wait};
use migrator::dialect::postgres::inspect::inspect;
use migrator::dialect::postgres::render::adds_enum_value;
use migrator::diff::canonical;
use migrator::filter::SchemaFilter;
use migrator::render::{render, render_down, render_down_groups, render_groups, render_script};
use migrator::{diff, safety, Dialect, DiffOptions, Op, Statement};
use schema_runtime::schema::{QualifiedName, Schema};
use sqlx::{Connection, PgConnection};
use workspace_tests::TestDb;

/// Where a scenario starts.
pub enum Start {
    /// A database built by a plain SQL script (states models cannot produce, or spellings
    /// another tool wrote).
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

impl From<String> for Start {
    fn from(sql: String) -> Self {
        Start::Sql(sql)
    }
}

/// A query whose rows (one text column each) must read as expected at some point.
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

/// What a run found, for scenarios that assert more than the runner does.
pub struct Outcome {
    /// The ops of the first comparison.
    pub ops: Vec<Op>,
}

impl Scenario {
    /// SQL run once A is built, before the comparison (usually `INSERT`s).
    pub fn seed(mut self, sql: &str) -> Self {
        self.seed = Some(sql.to_owned());
        self
    }

    /// After `up`, `query` (one text column) returns exactly `expected`, in order.
    pub fn rows_after_up(mut self, query: &str, expected: &[&str]) -> Self {
        self.after_up.push(row_check(query, expected));
        self
    }

    /// After `down`, `query` (one text column) returns exactly `expected`, in order.
    pub fn rows_after_down(mut self, query: &str, expected: &[&str]) -> Self {
        self.after_down.push(row_check(query, expected));
        self
    }

    /// The same rows after `up` and after `down` (the query names nothing that moves).
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
        let db = TestDb::postgres_for(self.name).await?;
        let mut exec: PgConnection = db.connect().await?;
        let mut engine = Database::connect(db.url(), Wait::default()).await?;
        let filter = self.filter();

        self.build_start(&db, &mut exec, &mut engine, &filter)
            .await
            .context("building A")?;
        let at_a = inspect(&mut exec, &filter).await?;
        if let Some(seed) = &self.seed {
            db.execute_script(seed).await.context("seeding rows")?;
        }

        let first = compare(&mut engine, &self.target, &filter).await?;
        let ops = first.ops.clone();
        crate::snapshot(self.name, &report(&ops)?);

        let up = render(Dialect::Postgresql, &ops)?;
        execute(&mut exec, &up).await.context("running up")?;
        let second = compare(&mut engine, &self.target, &filter).await?;
        ensure_in_sync(&second, "after up, the models")?;
        check_rows(&mut exec, &self.after_up, "after up").await?;

        let down = render_down(Dialect::Postgresql, &ops)?;
        execute(&mut exec, &down).await.context("running down")?;
        self.check_back_at_a(&mut exec, &mut engine, &filter, &at_a, &ops)
            .await?;
        check_rows(&mut exec, &self.after_down, "after down").await?;
        Ok(Outcome { ops })
    }

    /// `public`, plus every namespace either side names.
    fn filter(&self) -> SchemaFilter {
        let mut filter = SchemaFilter::default().with_namespaces_of(&self.target);
        if let Start::Models(a) = &self.start {
            filter = filter.with_namespaces_of(a);
        }
        filter
    }

    async fn build_start(
        &self,
        db: &TestDb,
        exec: &mut PgConnection,
        engine: &mut Database,
        filter: &SchemaFilter,
    ) -> Result<()> {
        match &self.start {
            Start::Sql(sql) => db.execute_script(sql).await,
            Start::Models(a) => {
                build_from_models(exec, a).await?;
                let check = compare(engine, a, filter).await?;
                ensure_in_sync(&check, "A, built from its models,")
            }
        }
    }

    /// The database reads exactly as it did at A (columns in any order: a dropped column
    /// comes back last), and the models of A, if any, find no drift. Enum values added on
    /// the way up stay: PostgreSQL cannot remove them.
    async fn check_back_at_a(
        &self,
        exec: &mut PgConnection,
        engine: &mut Database,
        filter: &SchemaFilter,
        at_a: &Schema,
        ops: &[Op],
    ) -> Result<()> {
        let now = inspect(exec, filter).await?;
        let mut expected = at_a.clone();
        keep_added_values(&mut expected, &now, ops);
        if canonical(&now) != canonical(&expected) {
            let now = serde_json::to_string_pretty(&canonical(&now))?;
            let expected = serde_json::to_string_pretty(&canonical(&expected))?;
            bail!("after down, the database is not back at A\nA:\n{expected}\nnow:\n{now}");
        }
        let mut a = match &self.start {
            Start::Models(a) => a.clone(),
            Start::Sql(_) => at_a.clone(),
        };
        keep_added_values(&mut a, &now, ops);
        let back = compare(engine, &a, filter).await?;
        ensure_in_sync(&back, "after down, A")
    }
}

/// Creates the models' schema on an empty database, as the engine would: the ops of
/// `diff(empty, models)`, rendered and executed.
pub async fn build_from_models(conn: &mut PgConnection, models: &Schema) -> Result<()> {
    let ops = diff(
        &Schema::default(),
        models,
        &DiffOptions::new(Dialect::Postgresql),
    );
    execute(conn, &render(Dialect::Postgresql, &ops)?).await
}

fn row_check(query: &str, expected: &[&str]) -> RowCheck {
    RowCheck {
        query: query.to_owned(),
        expected: expected.iter().map(|s| s.to_string()).collect(),
    }
}

/// The values of every enum that an `AddEnumValue` touched, as the database has them now.
fn keep_added_values(schema: &mut Schema, now: &Schema, ops: &[Op]) {
    let touched: Vec<&QualifiedName> = ops
        .iter()
        .filter_map(|op| match op {
            Op::AddEnumValue { name, .. } => Some(name),
            _ => None,
        })
        .collect();
    for e in &mut schema.enums {
        let now = touched
            .contains(&&e.name)
            .then(|| now.enum_type(&e.name))
            .flatten();
        if let Some(now) = now {
            e.values.clone_from(&now.values);
        }
    }
}

fn ensure_in_sync(comparison: &Comparison, what: &str) -> Result<()> {
    if comparison.ops.is_empty() {
        return Ok(());
    }
    let sql = render(Dialect::Postgresql, &comparison.ops)
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

/// The ops in words, each with its risk in the context of the whole list.
fn describe(ops: &[Op]) -> String {
    ops.iter()
        .zip(safety::classify_all(ops))
        .map(|(op, risk)| format!("--   {} [{}]\n", op.describe(), risk.as_str()))
        .collect()
}

/// What a reviewer reads: the ops in words with their risk, then the two scripts.
fn report(ops: &[Op]) -> Result<String> {
    let up = render_groups(Dialect::Postgresql, ops)?;
    let down = render_down_groups(Dialect::Postgresql, ops)?;
    Ok(format!(
        "-- ops:\n{}\n-- +up\n{}\n-- +down\n{}",
        describe(ops),
        render_script(&up),
        render_script(&down)
    ))
}

/// Runs the statements in one transaction, committing after each `ADD VALUE` (see the
/// module documentation); comment-only statements are skipped.
async fn execute(conn: &mut PgConnection, statements: &[Statement]) -> Result<()> {
    let mut batches: Vec<Vec<&Statement>> = vec![Vec::new()];
    for statement in statements.iter().filter(|s| !s.is_comment_only()) {
        if let Some(batch) = batches.last_mut() {
            batch.push(statement);
        }
        if adds_enum_value(statement) {
            batches.push(Vec::new());
        }
    }
    for batch in batches.into_iter().filter(|b| !b.is_empty()) {
        let mut tx = conn.begin().await?;
        for statement in batch {
            sqlx::raw_sql(&statement.sql)
                .execute(&mut *tx)
                .await
                .with_context(|| format!("statement failed:\n{}", statement.sql))?;
        }
        tx.commit().await?;
    }
    Ok(())
}

async fn check_rows(conn: &mut PgConnection, checks: &[RowCheck], when: &str) -> Result<()> {
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
