//! PostgreSQL introspection: reads the namespaces a [`SchemaFilter`] manages into the same
//! [`Schema`] the models produce, so that the diff compares like with like.
//!
//! The reads are a constant number of catalog queries (one per object kind over every
//! managed table, and up to five lookups of what their rows name by OID, see
//! [`queries`]), whatever the size of the database, inside one
//! transaction that pins `search_path` to `public` so deparsed expressions are spelled the
//! same way on every run and by [`normalize`](super::normalize). Views, materialized views,
//! sequences, functions, triggers, extension-owned objects, system namespaces and the
//! tables the filter excludes are never read into the schema (what the models cannot
//! describe is listed apart, by [`others`]); a partitioned table is read with its
//! partition key and the names and bounds of its partitions (which are not read as
//! tables of their own).
//!
//! Decisions worth knowing:
//! - `search_path` is pinned to `public` (transaction-local) for every read, whatever the
//!   session says: a deparsed expression then qualifies exactly the names the schema model
//!   qualifies (`'low'::audit.level`, `'paid'::order_status`), and two runs, or a laptop and
//!   CI, spell it the same. A model that calls a function living outside `public` and
//!   `pg_catalog` must qualify it (`extensions.uuid_generate_v4()`).
//! - A `serial` column is reported as the catalog has it: an integer with the default
//!   `nextval('<table>_<column>_seq'::regclass)` and no identity. Guessing "this was
//!   meant as identity" would hide a real difference; the diff decides what to do.
//!   Identity columns have `identity` set and no default.
//! - A foreign key reads `DEFERRABLE` and `INITIALLY DEFERRED` apart: a key that is
//!   deferrable but initially immediate is checked at once unless `SET CONSTRAINTS` asks.
//! - An index's sort order, operator classes and `INCLUDE` columns are read into its
//!   `part_options`, `include` and `nulls_not_distinct`; a stored generated column's
//!   expression into `generated`. Exclusion constraints are read with their definition.

mod error;
pub mod others;
pub mod queries;
pub(crate) mod rows;

pub use error::InspectError;
pub(crate) use rows::QueryCounter;

use std::collections::HashMap;

use schema_runtime::schema::{Schema, Table};
use sqlx::postgres::types::Oid;
use sqlx::{Connection, PgConnection, Postgres, Row, Transaction};

use crate::filter::SchemaFilter;
use rows::{qualified, Constraint, Lookups};

/// What one introspection cost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InspectStats {
    /// Statements sent to the server, transaction control included. Constant: it does not
    /// depend on the number of tables.
    pub queries: usize,
}

/// Reads the managed part of the database into a sorted, deterministic [`Schema`].
pub async fn inspect(
    conn: &mut PgConnection,
    filter: &SchemaFilter,
) -> Result<Schema, InspectError> {
    inspect_with_stats(conn, filter)
        .await
        .map(|(schema, _)| schema)
}

/// [`inspect`], also saying how many statements it sent.
pub async fn inspect_with_stats(
    conn: &mut PgConnection,
    filter: &SchemaFilter,
) -> Result<(Schema, InspectStats), InspectError> {
    let mut counter = QueryCounter::default();
    let mut tx = begin(conn, &mut counter).await?;
    let read = read_schema(&mut tx, &mut counter, filter).await;
    let rollback = rollback(tx, &mut counter).await;
    let schema = read?;
    rollback?;
    let stats = InspectStats {
        queries: counter.queries,
    };
    tracing::debug!(
        queries = stats.queries,
        tables = schema.tables.len(),
        enums = schema.enums.len(),
        "introspected PostgreSQL"
    );
    Ok((schema, stats))
}

/// Begins the read-only work's transaction, which is always rolled back
/// ([`rollback`]): introspection, the other objects and normalisation's scratch work.
pub(crate) async fn begin<'c>(
    conn: &'c mut PgConnection,
    counter: &mut QueryCounter,
) -> Result<Transaction<'c, Postgres>, InspectError> {
    counter.queries += 1;
    conn.begin()
        .await
        .map_err(|source| InspectError::Transaction {
            action: "begin",
            source,
        })
}

/// Rolls back a transaction [`begin`] opened.
pub(crate) async fn rollback(
    tx: Transaction<'_, Postgres>,
    counter: &mut QueryCounter,
) -> Result<(), InspectError> {
    counter.queries += 1;
    tx.rollback()
        .await
        .map_err(|source| InspectError::Transaction {
            action: "roll back",
            source,
        })
}

/// Pins `search_path` for the current transaction (see [`queries::PIN_SEARCH_PATH`]);
/// answers with the server's `server_version_num`.
pub(crate) async fn pin_search_path(
    conn: &mut PgConnection,
    counter: &mut QueryCounter,
) -> Result<u32, InspectError> {
    counter.queries += 1;
    let error = |source| InspectError::Query {
        query: "set search_path",
        source,
    };
    let row = sqlx::query(queries::PIN_SEARCH_PATH)
        .fetch_one(conn)
        .await
        .map_err(error)?;
    let version: i32 = row.try_get("version").map_err(error)?;
    Ok(u32::try_from(version).unwrap_or_default())
}

async fn read_schema(
    conn: &mut PgConnection,
    counter: &mut QueryCounter,
    filter: &SchemaFilter,
) -> Result<Schema, InspectError> {
    let version = pin_search_path(conn, counter).await?;
    let namespaces = filter.namespaces();
    let table_rows = rows::load_tables(conn, counter, namespaces).await?;
    let mut tables: HashMap<Oid, Table> = table_rows
        .into_iter()
        .filter(|row| filter.manages(&row.namespace, &row.name))
        .map(|row| {
            let mut table = Table::new(qualified(&row.namespace, &row.name));
            table.comment = row.comment;
            table.partition_by = row.partition_by;
            (row.oid, table)
        })
        .collect();
    let oids: Vec<Oid> = tables.keys().copied().collect();
    fill_tables(conn, counter, version, &oids, &mut tables).await?;
    for (parent, partition) in rows::load_partitions(conn, counter, &oids).await? {
        if let Some(table) = tables.get_mut(&parent) {
            table.partitions.push(partition);
        }
    }
    let enums = rows::load_enums(conn, counter, namespaces).await?;
    let mut schema = Schema {
        enums,
        tables: tables.into_values().collect(),
    };
    schema.sort();
    Ok(schema)
}

/// Adds columns, constraints and indexes to the tables keyed by OID, on a server whose
/// `server_version_num` is `version`: three queries, however many tables, and up to five
/// more that resolve what the rows name by OID (see [`rows::Lookups`]). Normalisation
/// uses it on its scratch tables.
pub(crate) async fn fill_tables(
    conn: &mut PgConnection,
    counter: &mut QueryCounter,
    version: u32,
    oids: &[Oid],
    tables: &mut HashMap<Oid, Table>,
) -> Result<(), InspectError> {
    let columns = rows::load_columns(conn, counter, oids).await?;
    let constraints = rows::load_constraints(conn, counter, oids).await?;
    let indexes = rows::load_indexes(conn, counter, oids, version).await?;
    let lookups = Lookups::load(conn, counter, &columns, &constraints, &indexes).await?;
    for row in &columns {
        if let Some(table) = tables.get_mut(&row.table_oid) {
            if !row.generated.is_empty() && row.generated != "s" {
                tracing::warn!(
                    table = %table.name,
                    column = %row.name,
                    kind = %row.generated,
                    "a generated column of a kind this version does not know is reported \
                     as a plain column"
                );
            }
            table.columns.push(row.to_column(&lookups)?);
        }
    }
    for row in &constraints {
        let Some(table) = tables.get_mut(&row.table_oid) else {
            continue;
        };
        match row.to_constraint(&lookups)? {
            Constraint::Primary(key) => table.primary_key = Some(key),
            Constraint::Unique(unique) => table.uniques.push(unique),
            Constraint::Foreign(foreign_key) => table.foreign_keys.push(foreign_key),
            Constraint::Check(check) => table.checks.push(check),
            Constraint::Exclusion(exclusion) => table.exclusions.push(exclusion),
        }
    }
    for row in &indexes {
        if let Some(table) = tables.get_mut(&row.table_oid) {
            table.indexes.push(row.to_index(&lookups)?);
        }
    }
    Ok(())
}
