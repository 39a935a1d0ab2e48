//! Expression normalisation through the server: the zero-false-drift strategy.
//!
//! A model writes `'x'` as a varchar default, `-1` as an integer default, `total >= 0` as a
//! check; PostgreSQL stores and deparses them as `'x'::character varying`, `'-1'::integer`
//! and `(total >= (0)::numeric)`. Comparing texts would report drift on every run, and
//! guessing PostgreSQL's deparser in Rust would always lag behind it. Instead,
//! [`normalize_target`] asks the server: inside one transaction that is always rolled back
//! it builds scratch copies of the model tables that have expressions (`script`), stores
//! the model's expressions on them, and reads them back through the very loaders
//! [`inspect`](super::inspect) uses, so both sides of the diff are spelled by one deparser.
//!
//! It costs a constant number of round trips per batch of 200
//! scratch tables (begin, one script, four reads, rollback), and none at all when every
//! expression of the models already reads exactly like the database's (`plan`). Column
//! defaults are normalised each distinct one once, on one shared scratch table.

mod fragment;
mod plan;
mod script;

use std::collections::HashMap;

use schema_runtime::schema::{IndexPart, Schema, Table};
use sqlx::postgres::types::Oid;
use sqlx::PgConnection;

use super::inspect::{
    begin, fill_tables, pin_search_path, rollback, rows, InspectError, QueryCounter,
};
use plan::{Slot, TablePlan};
use script::{describe_slot, scratch_object, scratch_table, Origin, ScriptStatement};

/// What one normalisation did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NormalizeStats {
    /// Model tables copied to scratch tables (0: the fast path).
    pub tables: usize,
    /// Distinct column defaults normalised together on one shared scratch table, however
    /// many model columns write each.
    pub shared_defaults: usize,
    /// Expression slots sent through the server (a default, a check, an index's
    /// predicate and expression parts together, or a column type).
    pub expressions: usize,
    /// Statements sent to the server, transaction control included.
    pub queries: usize,
}

/// Rewrites the expressions of `target` (column defaults, check expressions, index
/// predicates and index expression parts) into the text PostgreSQL deparses them to, as
/// [`inspect`](super::inspect::inspect) reports them for `current`; and the column types
/// only the server can spell (custom types, a numeric's implied scale 0) into the type
/// inspection reports.
///
/// `current` is the introspected database and `target` the models' schema, with the
/// default namespace already normalised (`public` is `None`). Identity columns and
/// `nextval(...)` defaults are left as written. Nothing is ever committed: the scratch
/// objects live in a transaction (or a savepoint, if the connection is already in a
/// transaction) that is rolled back whatever happens.
pub async fn normalize_target(
    conn: &mut PgConnection,
    current: &Schema,
    target: &mut Schema,
) -> Result<NormalizeStats, InspectError> {
    let (plans, shared) = plan::plan_with_shared_defaults(current, target);
    if plans.is_empty() {
        tracing::debug!("expression normalisation skipped: the models read like the database");
        return Ok(NormalizeStats::default());
    }
    let copied = plans.len() - usize::from(!shared.is_empty());
    let mut counter = QueryCounter::default();
    let mut outcome = Ok(());
    for batch in plans.chunks(TABLES_PER_TRANSACTION) {
        outcome = run(conn, &mut counter, current, target, batch).await;
        if outcome.is_err() {
            break;
        }
    }
    plan::take_shared_defaults(target, &shared, outcome.is_ok());
    outcome.map_err(|error| plan::blame_users(error, &shared, target))?;
    let stats = NormalizeStats {
        tables: copied,
        shared_defaults: shared.len(),
        expressions: plans.iter().map(|p| p.slots.len()).sum(),
        queries: counter.queries,
    };
    tracing::debug!(
        tables = stats.tables,
        expressions = stats.expressions,
        queries = stats.queries,
        "normalised model expressions through PostgreSQL"
    );
    Ok(stats)
}

/// The scratch tables one transaction builds at most. Each takes a lock on itself, its
/// TOAST table and every index it gets, in the server's shared lock table, which a stock
/// server sizes at 64 per connection (`max_locks_per_transaction`) and 100 connections:
/// every scratch table of a 5,000-table schema in one transaction ran out of it ("out of
/// shared memory"). In batches of this size, a schema of any size is normalised; an
/// in-sync one still costs no batch at all, and a few changed tables one.
const TABLES_PER_TRANSACTION: usize = 200;

/// Builds and runs the script for `plans`, then writes the deparsed texts into `target`.
async fn run(
    conn: &mut PgConnection,
    counter: &mut QueryCounter,
    current: &Schema,
    target: &mut Schema,
    plans: &[TablePlan],
) -> Result<(), InspectError> {
    let statements = script::build(current, target, plans)?;
    let scratch = match build_and_read(conn, counter, &statements).await? {
        Ok(scratch) => scratch,
        Err(message) => {
            return Err(diagnose(conn, counter, target, plans, &statements, message).await)
        }
    };
    for (plan_index, plan) in plans.iter().enumerate() {
        if let Some(copy) = scratch.get(&scratch_table(plan_index)) {
            apply(
                plan_index,
                plan,
                copy,
                &scratch,
                &mut target.tables[plan.table],
            );
        }
    }
    Ok(())
}

/// Runs the script and reads the scratch tables back, always rolling back. The outer
/// error is a failure to talk to the server; the inner one is the server refusing the
/// script, with its message, for [`diagnose`] to pin on one statement.
async fn build_and_read(
    conn: &mut PgConnection,
    counter: &mut QueryCounter,
    statements: &[ScriptStatement],
) -> Result<Result<HashMap<String, Table>, String>, InspectError> {
    let mut tx = begin(conn, counter).await?;
    let script: String = statements.iter().map(|s| format!("{};\n", s.sql)).collect();
    counter.queries += 1;
    // A `&str` without arguments goes out as one simple query, several statements and
    // all, as `raw_sql` would send it, with a future that is `Send`.
    let outcome = match sqlx::Executor::execute(&mut *tx, script.as_str()).await {
        Ok(_) => read_scratch(&mut tx, counter).await.map(Ok),
        Err(error) => Ok(Err(server_message(&error))),
    };
    rollback(tx, counter).await?;
    outcome
}

/// The scratch tables by name, read with introspection's own loaders.
async fn read_scratch(
    conn: &mut PgConnection,
    counter: &mut QueryCounter,
) -> Result<HashMap<String, Table>, InspectError> {
    // Pinned again (the script pinned it already) for the server's version, which
    // decides how indexes are read.
    let version = pin_search_path(conn, counter).await?;
    let scratch = rows::load_scratch_tables(conn, counter).await?;
    let oids: Vec<Oid> = scratch.iter().map(|(oid, _, _)| *oid).collect();
    let mut tables: HashMap<Oid, Table> = scratch
        .into_iter()
        .map(|(oid, name, partition_by)| {
            let mut table = Table::new(rows::qualified("public", &name));
            table.partition_by = partition_by;
            (oid, table)
        })
        .collect();
    fill_tables(conn, counter, version, &oids, &mut tables).await?;
    Ok(tables
        .into_values()
        .map(|table| (table.name.name.clone(), table))
        .collect())
}

/// Copies the deparsed texts of one scratch table (and of the partitioned copy made for
/// its partition key, among `scratch`) into its model table.
fn apply(
    plan_index: usize,
    plan: &TablePlan,
    copy: &Table,
    scratch: &HashMap<String, Table>,
    table: &mut Table,
) {
    for (slot_index, slot) in plan.slots.iter().enumerate() {
        let object = scratch_object(plan_index, slot_index);
        match *slot {
            Slot::Partitioning => {
                if let Some(stored) = scratch.get(&object).and_then(|t| t.partition_by.clone()) {
                    table.partition_by = Some(stored);
                }
            }
            Slot::Default { column } => {
                let column = &mut table.columns[column];
                if let Some(stored) = copy.column(&column.name).and_then(|c| c.default.clone()) {
                    column.default = Some(stored);
                }
            }
            Slot::Type { column } => {
                let column = &mut table.columns[column];
                if let Some(stored) = copy.column(&column.name) {
                    column.ty = stored.ty.clone();
                }
            }
            Slot::Generated { column } => {
                let column = &mut table.columns[column];
                if let Some(stored) = copy.column(&column.name).and_then(|c| c.generated.clone()) {
                    column.generated = Some(stored);
                }
            }
            Slot::Check { check } => {
                if let Some(stored) = copy.checks.iter().find(|c| c.name == object) {
                    table.checks[check].expression = stored.expression.clone();
                }
            }
            Slot::Exclusion { exclusion } => {
                if let Some(stored) = copy.exclusions.iter().find(|e| e.name == object) {
                    table.exclusions[exclusion].definition = stored.definition.clone();
                }
            }
            Slot::Index { index } => {
                if let Some(stored) = copy.indexes.iter().find(|i| i.name == object) {
                    let index = &mut table.indexes[index];
                    index.predicate = stored.predicate.clone();
                    index.part_options.clone_from(&stored.part_options);
                    for (part, stored_part) in index.parts.iter_mut().zip(&stored.parts) {
                        if let (IndexPart::Expression(text), IndexPart::Expression(stored)) =
                            (part, stored_part)
                        {
                            text.clone_from(stored);
                        }
                    }
                }
            }
        }
    }
}

/// The script failed: re-run it one statement at a time (in a new, also rolled-back
/// transaction) to find which model object the server refused. Only the error path pays
/// for these round trips.
async fn diagnose(
    conn: &mut PgConnection,
    counter: &mut QueryCounter,
    target: &Schema,
    plans: &[TablePlan],
    statements: &[ScriptStatement],
    script_message: String,
) -> InspectError {
    let culprit = match find_failing_statement(conn, counter, statements).await {
        Ok(culprit) => culprit,
        Err(error) => return error,
    };
    let Some((origin, message)) = culprit else {
        return InspectError::Scratch {
            what: "the model tables".into(),
            message: script_message,
        };
    };
    match origin {
        Origin::Slot { plan, slot } => {
            let table = &target.tables[plans[plan].table];
            let slot = plans[plan].slots[slot];
            InspectError::Expression {
                table: table.name.clone(),
                what: describe_slot(table, slot),
                expression: slot_text(table, slot),
                message,
            }
        }
        Origin::Table { plan } => InspectError::Scratch {
            what: format!("table {}", target.tables[plans[plan].table].name),
            message,
        },
        Origin::Enum(name) => InspectError::Scratch {
            what: format!("enum type {name}"),
            message,
        },
        Origin::Setup => InspectError::Scratch {
            what: "the session settings".into(),
            message,
        },
    }
}

async fn find_failing_statement(
    conn: &mut PgConnection,
    counter: &mut QueryCounter,
    statements: &[ScriptStatement],
) -> Result<Option<(Origin, String)>, InspectError> {
    let mut tx = begin(conn, counter).await?;
    let mut culprit = None;
    for statement in statements {
        counter.queries += 1;
        if let Err(error) = sqlx::Executor::execute(&mut *tx, statement.sql.as_str()).await {
            culprit = Some((statement.origin.clone(), server_message(&error)));
            break;
        }
    }
    rollback(tx, counter).await?;
    Ok(culprit)
}

/// The model's text of a slot, for the error message.
fn slot_text(table: &Table, slot: Slot) -> String {
    match slot {
        Slot::Default { column } => table.columns[column].default.clone().unwrap_or_default(),
        Slot::Check { check } => table.checks[check].expression.clone(),
        Slot::Exclusion { exclusion } => table.exclusions[exclusion].definition.clone(),
        Slot::Partitioning => table.partition_by.clone().unwrap_or_default(),
        Slot::Type { column } => table.columns[column].ty.describe(),
        Slot::Generated { column } => table.columns[column].generated.clone().unwrap_or_default(),
        Slot::Index { index } => {
            let index = &table.indexes[index];
            let parts: Vec<String> = index
                .parts_with_options()
                .map(|(part, options)| match options {
                    "" => part.to_string(),
                    options => format!("{part} {options}"),
                })
                .collect();
            match &index.predicate {
                Some(predicate) => format!("({}) WHERE {predicate}", parts.join(", ")),
                None => format!("({})", parts.join(", ")),
            }
        }
    }
}

fn server_message(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    }
}
