//! Data checks before a machine-made migration runs: for each operation that can fail on the
//! rows already in the database (SET NOT NULL, a required column added to a table with
//! rows, a narrower type, a new unique or primary key, a new foreign key, a new check), one
//! `COUNT(*)` query finds the rows that would make it fail. The smart migrator runs them
//! before it writes anything, so a migration that cannot apply is never written; the
//! message names the table, the column, the number of rows and what to do.
//!
//! [`probes`] is pure (schema and ops in, SQL out) and [`run`] executes them. A probe is
//! built only for what the database holds now: an operation on a table or column that the
//! same plan creates has no rows to check, and a probe the server cannot run (an expression
//! over a column the plan adds) is skipped, since the migration's own failure is then the
//! last word, and the workflow removes the file it wrote.

use std::fmt;

use schema_runtime::schema::{ColumnType, QualifiedName, Schema};
use serde::Serialize;

use crate::change::{ColumnChanges, Op, Validated};
use crate::db::{Database, DbError};
use crate::dialect::Dialect;
use crate::safety::is_widening;

/// What a probe looks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    /// NULLs in a column about to become NOT NULL.
    Nulls {
        /// The column.
        column: String,
    },
    /// Rows in a table that gets a NOT NULL column without a default.
    RowsWithoutValue {
        /// The new column.
        column: String,
    },
    /// Values longer than a new maximum length.
    TooLong {
        /// The column.
        column: String,
        /// The new maximum, in characters.
        length: u32,
    },
    /// Values outside a narrower numeric type.
    OutOfRange {
        /// The column.
        column: String,
        /// The new type, as the models spell it.
        to: String,
    },
    /// Values that appear more than once under a new unique key.
    Duplicates {
        /// The key's columns.
        columns: Vec<String>,
    },
    /// Rows whose new foreign key points at nothing.
    Orphans {
        /// The referencing columns.
        columns: Vec<String>,
        /// The referenced table.
        referenced: QualifiedName,
    },
    /// Rows a new check rejects.
    Violations {
        /// The check's name.
        check: String,
        /// Its expression.
        expression: String,
    },
}

/// One query that counts the rows an operation would fail on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Probe {
    /// The table whose rows are counted.
    pub table: QualifiedName,
    /// What the rows would break.
    pub finding: Finding,
    /// The `SELECT COUNT(*)` that counts them.
    pub sql: String,
}

/// Rows that would make a generated operation fail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DataProblem {
    /// The table.
    pub table: QualifiedName,
    /// What is wrong.
    #[serde(flatten)]
    pub finding: Finding,
    /// How many rows (for duplicates: how many values appear more than once).
    pub rows: i64,
}

impl fmt::Display for DataProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (table, n) = (&self.table, self.rows);
        let rows = if n == 1 { "1 row" } else { "" };
        let rows = if rows.is_empty() {
            format!("{n} rows")
        } else {
            rows.to_owned()
        };
        match &self.finding {
            Finding::Nulls { column } => write!(
                f,
                "{table}.{column} becomes NOT NULL, but {rows} hold NULL there: backfill them \
                 first (a hand-written revision, `migrate revision -m backfill_{column}`, with \
                 UPDATE ... SET {column} = ... WHERE {column} IS NULL), or keep the field an \
                 Option<T>"
            ),
            Finding::RowsWithoutValue { column } => write!(
                f,
                "{table}.{column} is a new NOT NULL column without a default, but {table} has \
                 {rows} to fill: give the field a default (#[column(default = \"...\")]), make \
                 it an Option<T>, or add it in a hand-written revision that backfills it"
            ),
            Finding::TooLong { column, length } => write!(
                f,
                "{table}.{column} narrows to {length} characters, but {rows} hold a longer \
                 value: shorten them first, or keep a max_length that fits them"
            ),
            Finding::OutOfRange { column, to } => write!(
                f,
                "{table}.{column} narrows to {to}, but {rows} hold a value outside it: change \
                 them first, or keep the wider type"
            ),
            Finding::Duplicates { columns } => write!(
                f,
                "{table} gets a unique key on ({}), but {} appear more than once: remove the \
                 duplicates first, or leave the key out of the model",
                columns.join(", "),
                if n == 1 {
                    "1 value".to_owned()
                } else {
                    format!("{n} values")
                }
            ),
            Finding::Orphans {
                columns,
                referenced,
            } => write!(
                f,
                "{table} gets a foreign key ({}) to {referenced}, but {rows} point at no \
                 {referenced} row: fix or delete them first, or set the columns to NULL",
                columns.join(", ")
            ),
            Finding::Violations { check, expression } => write!(
                f,
                "{table} gets the check {check} ({expression}), but {rows} fail it: fix them \
                 first, or change the check"
            ),
        }
    }
}

/// The probes for `ops` (in the order they would run) against the database as `current`
/// describes it.
pub fn probes(dialect: Dialect, current: &Schema, ops: &[Op]) -> Vec<Probe> {
    let q = Quoter(dialect);
    ops.iter().filter_map(|op| probe(&q, current, op)).collect()
}

fn probe(q: &Quoter, current: &Schema, op: &Op) -> Option<Probe> {
    let table = current.table(op_table(op)?)?;
    let has = |column: &str| table.columns.iter().any(|c| c.name == column);
    let t = q.name(&table.name);
    let (finding, sql) = match op {
        Op::AlterColumn {
            from, to, changes, ..
        } if has(&to.name) => alter_column_probe(q, &t, from, to, *changes)?,
        Op::AddColumn { column, .. }
            if !column.nullable && column.default.is_none() && column.identity.is_none() =>
        {
            (
                Finding::RowsWithoutValue {
                    column: column.name.clone(),
                },
                format!("SELECT COUNT(*) FROM {t}"),
            )
        }
        Op::AddUnique { unique, .. } if unique.columns.iter().all(|c| has(c)) => {
            duplicates(q, &t, &unique.columns, None)
        }
        Op::AddPrimaryKey { key, .. } if key.columns.iter().all(|c| has(c)) => {
            duplicates(q, &t, &key.columns, None)
        }
        Op::CreateIndex { index, .. } if index.unique => {
            let columns: Vec<String> = index.column_names().map(str::to_owned).collect();
            if columns.len() != index.parts.len() || !columns.iter().all(|c| has(c)) {
                return None;
            }
            duplicates(q, &t, &columns, index.predicate.as_deref())
        }
        Op::AddForeignKey { foreign_key, .. } if foreign_key.columns.iter().all(|c| has(c)) => {
            orphans(q, current, &t, foreign_key)
        }
        Op::AddCheck { check, .. }
        | Op::ValidateConstraint {
            constraint: Validated::Check { check },
            ..
        } => (
            Finding::Violations {
                check: check.name.clone(),
                expression: check.expression.clone(),
            },
            format!("SELECT COUNT(*) FROM {t} WHERE NOT ({})", check.expression),
        ),
        Op::ValidateConstraint {
            constraint: Validated::ForeignKey { foreign_key },
            ..
        } if foreign_key.columns.iter().all(|c| has(c)) => orphans(q, current, &t, foreign_key),
        _ => return None,
    };
    Some(Probe {
        table: table.name.clone(),
        finding,
        sql,
    })
}

fn alter_column_probe(
    q: &Quoter,
    t: &str,
    from: &schema_runtime::schema::Column,
    to: &schema_runtime::schema::Column,
    changes: ColumnChanges,
) -> Option<(Finding, String)> {
    let c = q.ident(&to.name);
    let column = to.name.clone();
    if changes.contains(ColumnChanges::NULLABLE) && !to.nullable {
        return Some((
            Finding::Nulls { column },
            format!("SELECT COUNT(*) FROM {t} WHERE {c} IS NULL"),
        ));
    }
    if !changes.contains(ColumnChanges::TYPE) || is_widening(&from.ty, &to.ty) {
        return None;
    }
    let text = matches!(
        from.ty,
        ColumnType::Text | ColumnType::Varchar { .. } | ColumnType::Char { .. }
    );
    match (&to.ty, text) {
        (ColumnType::Varchar { length: Some(n) } | ColumnType::Char { length: n }, true) => Some((
            Finding::TooLong { column, length: *n },
            format!("SELECT COUNT(*) FROM {t} WHERE {}({c}) > {n}", q.length()),
        )),
        (to_ty, false) => {
            let (low, high) = range(to_ty)?;
            Some((
                Finding::OutOfRange {
                    column,
                    to: type_name(to_ty),
                },
                format!("SELECT COUNT(*) FROM {t} WHERE {c} < {low} OR {c} > {high}"),
            ))
        }
        _ => None,
    }
}

/// The bounds of a narrower numeric type, as SQL literals.
fn range(ty: &ColumnType) -> Option<(String, String)> {
    match ty {
        ColumnType::SmallInt => Some(("-32768".into(), "32767".into())),
        ColumnType::Integer => Some(("-2147483648".into(), "2147483647".into())),
        ColumnType::Numeric {
            precision: Some(p),
            scale,
        } => {
            let digits = p.saturating_sub(scale.unwrap_or(0));
            let bound = format!("1e{digits}");
            Some((format!("-{bound}"), bound))
        }
        _ => None,
    }
}

fn type_name(ty: &ColumnType) -> String {
    match ty {
        ColumnType::SmallInt => "smallint".into(),
        ColumnType::Integer => "integer".into(),
        ColumnType::Numeric {
            precision: Some(p),
            scale: Some(s),
        } => format!("numeric({p},{s})"),
        ColumnType::Numeric {
            precision: Some(p), ..
        } => format!("numeric({p})"),
        other => format!("{other:?}").to_lowercase(),
    }
}

fn duplicates(
    q: &Quoter,
    t: &str,
    columns: &[String],
    predicate: Option<&str>,
) -> (Finding, String) {
    let list: Vec<String> = columns.iter().map(|c| q.ident(c)).collect();
    let mut filter: Vec<String> = list.iter().map(|c| format!("{c} IS NOT NULL")).collect();
    if let Some(predicate) = predicate {
        filter.push(format!("({predicate})"));
    }
    (
        Finding::Duplicates {
            columns: columns.to_vec(),
        },
        format!(
            "SELECT COUNT(*) FROM (SELECT 1 AS one FROM {t} WHERE {} GROUP BY {} HAVING \
             COUNT(*) > 1) AS duplicated",
            filter.join(" AND "),
            list.join(", ")
        ),
    )
}

fn orphans(
    q: &Quoter,
    current: &Schema,
    t: &str,
    foreign_key: &schema_runtime::schema::ForeignKey,
) -> (Finding, String) {
    let not_null: Vec<String> = foreign_key
        .columns
        .iter()
        .map(|c| format!("c.{} IS NOT NULL", q.ident(c)))
        .collect();
    let finding = Finding::Orphans {
        columns: foreign_key.columns.clone(),
        referenced: foreign_key.referenced_table.clone(),
    };
    let parent = current.table(&foreign_key.referenced_table);
    let parent_has_columns = parent.is_some_and(|p| {
        foreign_key
            .referenced_columns
            .iter()
            .all(|r| p.columns.iter().any(|c| &c.name == r))
    });
    let sql = if parent_has_columns {
        let matches: Vec<String> = foreign_key
            .columns
            .iter()
            .zip(&foreign_key.referenced_columns)
            .map(|(c, r)| format!("p.{} = c.{}", q.ident(r), q.ident(c)))
            .collect();
        format!(
            "SELECT COUNT(*) FROM {t} c WHERE {} AND NOT EXISTS (SELECT 1 FROM {} p WHERE {})",
            not_null.join(" AND "),
            q.name(&foreign_key.referenced_table),
            matches.join(" AND ")
        )
    } else {
        // The referenced table (or key) is new, so empty: every referencing row is an orphan.
        format!(
            "SELECT COUNT(*) FROM {t} c WHERE {}",
            not_null.join(" AND ")
        )
    };
    (finding, sql)
}

fn op_table(op: &Op) -> Option<&QualifiedName> {
    match op {
        Op::AlterColumn { table, .. }
        | Op::AddColumn { table, .. }
        | Op::AddUnique { table, .. }
        | Op::AddPrimaryKey { table, .. }
        | Op::CreateIndex { table, .. }
        | Op::AddForeignKey { table, .. }
        | Op::AddCheck { table, .. }
        | Op::ValidateConstraint { table, .. } => Some(table),
        _ => None,
    }
}

/// Identifier quoting and the length function, per dialect.
struct Quoter(Dialect);

impl Quoter {
    fn ident(&self, name: &str) -> String {
        crate::dialect::driver(self.0).quote_ident(name)
    }

    fn name(&self, name: &QualifiedName) -> String {
        crate::dialect::driver(self.0).quote_name(name)
    }

    fn length(&self) -> &'static str {
        crate::dialect::driver(self.0).char_length()
    }
}

/// Runs the probes for `ops` and returns the problems found, in plan order. A probe the
/// server refuses is skipped (see the module documentation); a lost connection is an error.
pub async fn run(
    db: &mut Database,
    current: &Schema,
    ops: &[Op],
) -> Result<Vec<DataProblem>, DbError> {
    let mut problems = Vec::new();
    for probe in probes(db.dialect(), current, ops) {
        match db.count(&probe.sql).await {
            Ok(0) => {}
            Ok(rows) => problems.push(DataProblem {
                table: probe.table,
                finding: probe.finding,
                rows,
            }),
            Err(error) if error.kind == crate::db::ServerErrorKind::ConnectionLost => {
                return Err(DbError::query("checking the data", error));
            }
            Err(error) => {
                tracing::debug!(sql = %probe.sql, %error, "skipping a data check the server cannot run");
            }
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests;
