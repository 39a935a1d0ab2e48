//! The scenario runner, one for every dialect: a [`scenario`] states a database at A,
//! models at B, and what must hold; [`Scenario::run`] does the round trip on a throwaway
//! database of each dialect the scenario runs on:
//!
//! 1. build A (models applied as the engine would create them, or a plain SQL script) and,
//!    for models, prove A itself reads back with no drift;
//! 2. seed rows;
//! 3. compare the database with B and snapshot the ops, their risk and both scripts;
//! 4. run every `up` statement, destructive ones included (the scenario tests the engine,
//!    not the safety policy), through the migrator's own connection as the executor does:
//!    in one transaction, committed after a statement later ones cannot use before it
//!    commits (PostgreSQL's `ALTER TYPE ... ADD VALUE`); MySQL commits each DDL itself;
//! 5. compare again: no ops may be left (zero false drift);
//! 6. run the `down` statements and prove the database is back at A;
//! 7. check the rows the scenario names after `up` and after `down`.
//!
//! A scenario runs on the test binary's `crate::DIALECTS` unless it says otherwise, and
//! every dialect it leaves out is named with the reason ([`Scenario::skip`]). Row queries
//! are read as text whatever their column type, a PostgreSQL `::text` cast is dropped on
//! the other dialects, and on MySQL `||` concatenates (the check connection sets
//! `PIPES_AS_CONCAT`), so one query serves every dialect; where the values themselves
//! differ, [`Scenario::rows_on`] gives a dialect its own expectation.

// Each suite that includes this runner uses the part of it it needs.
#![allow(dead_code)]

use anyhow::{bail, ensure, Context, Result};
use migrator::compare::{compare, Comparison};
use migrator::db::{Database, Wait};
use migrator::filter::SchemaFilter;
use migrator::render::{plan, render_groups_from, render_script};
use migrator::replay::canonical;
use migrator::{safety, Dialect, Op, Statement};
use schema_runtime::schema::{QualifiedName, Schema};
use sqlx::{Column, Row, TypeInfo};
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

/// A query whose rows (one column each, read as text) must read as expected.
struct RowCheck {
    query: String,
    expected: Vec<String>,
    /// Where the rows read otherwise on a dialect (a scale SQLite does not keep).
    on: Vec<(Dialect, Vec<String>)>,
}

impl RowCheck {
    fn expected_on(&self, dialect: Dialect) -> &[String] {
        self.on
            .iter()
            .find(|(d, _)| *d == dialect)
            .map_or(&self.expected, |(_, rows)| rows)
    }
}

/// One scenario: database at A, models at B, and the rows that must survive.
pub struct Scenario {
    name: &'static str,
    start: Start,
    target: Schema,
    seed: Option<String>,
    after_up: Vec<RowCheck>,
    after_down: Vec<RowCheck>,
    /// The query of the row check added last, which [`Scenario::rows_on`] refers to.
    last_query: Option<String>,
    dialects: Vec<Dialect>,
}

/// A scenario named `name` (the snapshot's name too) from `a` to the models `b`, on every
/// dialect of the test binary.
pub fn scenario(name: &'static str, a: impl Into<Start>, b: Schema) -> Scenario {
    Scenario {
        name,
        start: a.into(),
        target: b,
        seed: None,
        after_up: Vec::new(),
        after_down: Vec::new(),
        last_query: None,
        dialects: dialects(),
    }
}

/// `crate::DIALECTS`, or those of them named in `SCENARIO_DIALECTS` (`mysql,sqlite`), to
/// run one database's share of a suite. (A test that asserts on the [`Outcome`] then sees
/// an empty one where every chosen dialect is skipped.)
fn dialects() -> Vec<Dialect> {
    let chosen = std::env::var("SCENARIO_DIALECTS").unwrap_or_default();
    let chosen: Vec<Dialect> = chosen.split(',').filter_map(Dialect::from_name).collect();
    crate::DIALECTS
        .iter()
        .copied()
        .filter(|d| chosen.is_empty() || chosen.contains(d))
        .collect()
}

/// What a run found on the binary's first dialect, for scenarios that assert more.
pub struct Outcome {
    /// The ops of the first comparison.
    pub ops: Vec<Op>,
    /// The `up` script.
    pub up: String,
}

impl Scenario {
    /// SQL run once A is built, before the comparison (usually `INSERT`s).
    pub fn seed(mut self, sql: &str) -> Self {
        self.seed = Some(sql.to_owned());
        self
    }

    /// After `up`, `query` (one column) returns exactly `expected`, in order.
    pub fn rows_after_up(mut self, query: &str, expected: &[&str]) -> Self {
        self.after_up.push(row_check(query, expected));
        self.last_query = Some(query.to_owned());
        self
    }

    /// After `down`, `query` (one column) returns exactly `expected`, in order.
    pub fn rows_after_down(mut self, query: &str, expected: &[&str]) -> Self {
        self.after_down.push(row_check(query, expected));
        self.last_query = Some(query.to_owned());
        self
    }

    /// The same rows after `up` and after `down` (the query names nothing that moves).
    pub fn rows(self, query: &str, expected: &[&str]) -> Self {
        self.rows_after_up(query, expected)
            .rows_after_down(query, expected)
    }

    /// The query of the last row check reads `expected` on `dialect` instead, after `up`
    /// and after `down` alike (the same values spelled as that database keeps them).
    pub fn rows_on(mut self, dialect: Dialect, expected: &[&str]) -> Self {
        let rows: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        let Some(query) = self.last_query.clone() else {
            panic!("rows_on needs a row check before it");
        };
        let checks = self.after_up.iter_mut().chain(self.after_down.iter_mut());
        for check in checks.filter(|c| c.query == query) {
            check.on.push((dialect, rows.clone()));
        }
        self
    }

    /// Leaves `dialect` out, for the reason given: what the database cannot express (the
    /// reason is for the reader; it is the one line that justifies the gap).
    pub fn skip(mut self, dialect: Dialect, why: &'static str) -> Self {
        debug_assert!(!why.trim().is_empty(), "a skip needs its reason");
        self.dialects.retain(|d| *d != dialect);
        self
    }

    /// Leaves each of `dialects` out, for the one reason given.
    pub fn skip_all(self, dialects: &[Dialect], why: &'static str) -> Self {
        dialects.iter().fold(self, |s, d| s.skip(*d, why))
    }

    /// Runs the round trip on each dialect in turn; panics with the scenario's name, the
    /// dialect and the failing step.
    pub async fn run(self) -> Outcome {
        let mut first = None;
        for &dialect in &self.dialects {
            match self.try_run(dialect).await {
                Ok(outcome) => {
                    first.get_or_insert(outcome);
                }
                Err(error) => panic!("scenario {} on {dialect}: {error:#}", self.name),
            }
        }
        // A scenario every chosen dialect skips has nothing to report.
        first.unwrap_or(Outcome {
            ops: Vec::new(),
            up: String::new(),
        })
    }

    /// The snapshot's name: the scenario's on the binary's own dialect, with the dialect
    /// appended on the others.
    fn snapshot_name(&self, dialect: Dialect) -> String {
        if dialect == crate::DIALECTS[0] {
            self.name.to_owned()
        } else {
            format!("{}__{dialect}", self.name)
        }
    }

    async fn try_run(&self, dialect: Dialect) -> Result<Outcome> {
        let db = TestDb::for_dialect(dialect, self.name).await?;
        let mut engine = Database::connect(db.url(), &Wait::default()).await?;
        let filter = self.filter();

        self.build_start(&db, &mut engine, &filter)
            .await
            .context("building A")?;
        let at_a = engine.inspect(&filter).await?;
        if let Some(seed) = &self.seed {
            db.execute_script(seed).await.context("seeding rows")?;
        }

        let first = compare(&mut engine, &self.target, &filter).await?;
        let ops = first.ops.clone();
        let plan = plan(dialect, &first.current, &ops)?;
        let (up, down) = (plan.up_groups(), plan.down_groups());
        crate::snapshot(
            &self.snapshot_name(dialect),
            &report(dialect, &ops, &up, &down),
        );

        execute(&mut engine, up.iter().flatten())
            .await
            .context("running up")?;
        let second = compare(&mut engine, &self.target, &filter).await?;
        ensure_in_sync(dialect, &second, "after up, the models")?;
        check_rows(&db, &self.after_up, "after up").await?;

        execute(&mut engine, down.iter().flatten())
            .await
            .context("running down")?;
        self.check_back_at_a(&mut engine, &filter, &at_a, &ops)
            .await?;
        check_rows(&db, &self.after_down, "after down").await?;
        Ok(Outcome {
            ops,
            up: render_script(&up),
        })
    }

    /// The default namespace, plus every namespace either side names.
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
        engine: &mut Database,
        filter: &SchemaFilter,
    ) -> Result<()> {
        match &self.start {
            // On SQLite through the migrator's connection, which runs with foreign keys
            // off as it does when it migrates.
            Start::Sql(sql) if db.dialect() == Dialect::Sqlite => run_all(engine, sql).await,
            Start::Sql(sql) => db.execute_script(sql).await,
            Start::Models(a) => {
                build_from_models(engine, a).await?;
                let check = compare(engine, a, filter).await?;
                ensure_in_sync(engine.dialect(), &check, "A, built from its models,")
            }
        }
    }

    /// The database reads exactly as it did at A (columns in any order: a dropped column
    /// comes back last), and the models of A, if any, find no drift. Enum values added on
    /// the way up stay: PostgreSQL cannot remove them.
    async fn check_back_at_a(
        &self,
        engine: &mut Database,
        filter: &SchemaFilter,
        at_a: &Schema,
        ops: &[Op],
    ) -> Result<()> {
        let now = engine.inspect(filter).await?;
        let mut expected = at_a.clone();
        keep_added_values(&mut expected, &now, ops);
        if canonical(&now) != canonical(&expected) {
            let now = serde_json::to_string_pretty(&canonical(&now))?;
            let expected = serde_json::to_string_pretty(&canonical(&expected))?;
            bail!("after down, the database is not back at A\nA:\n{expected}\nnow:\n{now}");
        }
        let mut a = match &self.start {
            Start::Models(a) => a.clone(),
            // What another tool built reads back as itself on PostgreSQL; elsewhere it may
            // hold what no model asks for (a MySQL `timestamp(6)`: the models' timestamps
            // are `datetime(6)`), and the schema read back already matched.
            Start::Sql(_) if engine.dialect() == Dialect::Postgresql => at_a.clone(),
            Start::Sql(_) => return Ok(()),
        };
        keep_added_values(&mut a, &now, ops);
        let back = compare(engine, &a, filter).await?;
        ensure_in_sync(engine.dialect(), &back, "after down, A")
    }
}

/// Creates the models' schema on an empty database as the engine would: the comparison
/// of the empty database with the models, rendered and executed.
pub async fn build_from_models(engine: &mut Database, models: &Schema) -> Result<()> {
    let comparison = compare(engine, models, &SchemaFilter::default()).await?;
    let groups = render_groups_from(engine.dialect(), &comparison.current, &comparison.ops)?;
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

/// Runs the statements on the migrator's connection as the executor does: in one
/// transaction, committed early after a statement later ones cannot use before it commits;
/// comment-only statements are skipped. A failure rolls back what the database can.
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
        if engine.commits_before_use(&statement.sql) {
            engine.execute("COMMIT").await?;
            engine.execute("BEGIN").await?;
        }
    }
    engine.execute("COMMIT").await?;
    Ok(())
}

fn row_check(query: &str, expected: &[&str]) -> RowCheck {
    RowCheck {
        query: query.to_owned(),
        expected: expected.iter().map(|s| s.to_string()).collect(),
        on: Vec::new(),
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

fn ensure_in_sync(dialect: Dialect, comparison: &Comparison, what: &str) -> Result<()> {
    if comparison.ops.is_empty() {
        return Ok(());
    }
    let sql = render_groups_from(dialect, &comparison.current, &comparison.ops)
        .map(|groups| render_script(&groups))
        .unwrap_or_else(|e| format!("(cannot render: {e})"));
    bail!(
        "{what} still differ(s) from the database:\n{}\n{sql}",
        describe(dialect, &comparison.ops)
    )
}

/// The ops in words, each with its risk on `dialect` in the context of the whole list.
fn describe(dialect: Dialect, ops: &[Op]) -> String {
    let hooks = migrator::dialect::driver(dialect).diff_hooks();
    ops.iter()
        .zip(safety::verdicts_on(hooks, ops))
        .map(|(op, verdict)| format!("--   {} [{}]\n", op.describe(), verdict.risk.as_str()))
        .collect()
}

/// What a reviewer reads: the ops in words with their risk, then the two scripts.
fn report(dialect: Dialect, ops: &[Op], up: &[Vec<Statement>], down: &[Vec<Statement>]) -> String {
    format!(
        "-- ops:\n{}\n-- +up\n{}\n-- +down\n{}",
        describe(dialect, ops),
        render_script(up),
        render_script(down)
    )
}

async fn check_rows(db: &TestDb, checks: &[RowCheck], when: &str) -> Result<()> {
    for check in checks {
        let rows = query_text(db, &check.query)
            .await
            .with_context(|| format!("{when}: {}", check.query))?;
        let expected = check.expected_on(db.dialect());
        ensure!(
            rows == expected,
            "{when}, `{}` returned {rows:?}, expected {expected:?}",
            check.query,
        );
    }
    Ok(())
}

/// The first column of every row, as text: strings as they are, numbers and booleans
/// printed, bytes read as UTF-8, NULL as `NULL`.
async fn query_text(db: &TestDb, query: &str) -> Result<Vec<String>> {
    let portable;
    let query = match db.dialect() {
        Dialect::Postgresql => query,
        _ => {
            portable = query.replace("::text", "");
            portable.as_str()
        }
    };
    match db.dialect() {
        Dialect::Postgresql => {
            let mut conn: sqlx::PgConnection = db.connect().await?;
            let rows = sqlx::query(query).fetch_all(&mut conn).await?;
            rows.iter().map(text).collect()
        }
        Dialect::Mysql => {
            let mut conn: sqlx::MySqlConnection = db.connect().await?;
            sqlx::raw_sql("SET SESSION sql_mode = CONCAT(@@sql_mode, ',PIPES_AS_CONCAT')")
                .execute(&mut conn)
                .await?;
            let rows = sqlx::query(query).fetch_all(&mut conn).await?;
            rows.iter().map(text).collect()
        }
        Dialect::Sqlite => {
            let mut conn: sqlx::SqliteConnection = db.connect().await?;
            let rows = sqlx::query(query).fetch_all(&mut conn).await?;
            rows.iter().map(text).collect()
        }
    }
}

fn text<R: Row>(row: &R) -> Result<String>
where
    usize: sqlx::ColumnIndex<R>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i32>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i16>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<f64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<bool>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<Vec<u8>>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let value = row
        .try_get::<Option<String>, _>(0)
        .or_else(|_| {
            row.try_get::<Option<i64>, _>(0)
                .map(|v| v.map(|n| n.to_string()))
        })
        .or_else(|_| {
            row.try_get::<Option<i32>, _>(0)
                .map(|v| v.map(|n| n.to_string()))
        })
        .or_else(|_| {
            row.try_get::<Option<i16>, _>(0)
                .map(|v| v.map(|n| n.to_string()))
        })
        .or_else(|_| {
            row.try_get::<Option<f64>, _>(0)
                .map(|v| v.map(|n| n.to_string()))
        })
        .or_else(|_| {
            row.try_get::<Option<bool>, _>(0)
                .map(|v| v.map(|b| b.to_string()))
        })
        .or_else(|_| {
            row.try_get::<Option<Vec<u8>>, _>(0)
                .map(|v| v.map(|b| String::from_utf8_lossy(&b).into_owned()))
        })
        .with_context(|| {
            let column = &row.columns()[0];
            format!(
                "column {} of type {} is not read as text",
                column.name(),
                column.type_info().name()
            )
        })?;
    Ok(value.unwrap_or_else(|| "NULL".to_owned()))
}
