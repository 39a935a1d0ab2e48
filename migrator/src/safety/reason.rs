//! Why an op has its risk, in a reviewer's words: the "why" of a [`super::Verdict`], which
//! the job summary's table and `diff --format json` show.

use schema_runtime::schema::{Column, Identity, QualifiedName};

use super::risk::{inserts_need, is_widening, Risk};
use crate::change::{ColumnChanges, Op};

/// Why `op`, on its own, has `risk`.
pub(super) fn why(op: &Op, risk: Risk) -> String {
    match op {
        Op::DropTable { .. } => "drops the table and every row in it".into(),
        Op::DropColumn { column, .. } if inserts_need(column) => {
            "drops the column and its data; autogeneration makes it NULL-able instead, so \
             inserts that leave it out keep working"
                .into()
        }
        Op::DropColumn { .. } => "drops the column and its data".into(),
        Op::DropEnum { .. } => "drops the enum type".into(),
        Op::ReplaceEnumValues { from, to, .. } if risk == Risk::Destructive => {
            let removed: Vec<String> = from
                .iter()
                .filter(|v| !to.contains(v))
                .map(|v| format!("'{v}'"))
                .collect();
            format!(
                "removes the value{} {}, which rows may hold",
                if removed.len() == 1 { "" } else { "s" },
                removed.join(", ")
            )
        }
        Op::ReplaceEnumValues { .. } => {
            "reorders the values: every column of the type is converted in place".into()
        }
        Op::AlterColumn {
            from, to, changes, ..
        } if risk != Risk::Safe => alter(from, to, *changes),
        Op::AddColumn { .. } if risk == Risk::DataDependent => {
            "adds a NOT NULL column without a default: fails if the table has rows".into()
        }
        Op::AddColumn { column, .. } if column.generated.is_some() => {
            "computes the new generated column for every existing row: rewrites the table".into()
        }
        Op::AddColumn { column, .. } if column.identity.is_some() => {
            "numbers every existing row of the new identity column: rewrites the table".into()
        }
        Op::AddColumn { .. } if risk == Risk::Blocking => {
            "its volatile default is computed row by row: rewrites the table".into()
        }
        Op::AddUnique { .. } => "adds uniqueness: fails if existing rows repeat a value".into(),
        Op::CreateIndex { index, .. } if index.unique => {
            "adds a unique index: fails if existing rows repeat a value".into()
        }
        Op::CreateIndex { .. } => {
            "builds an index, blocking writes to the table while it runs".into()
        }
        Op::AddPrimaryKey { .. } => "adds a primary key: fails on NULLs or duplicates".into(),
        Op::AddCheck { .. } => "adds a check: fails if an existing row violates it".into(),
        Op::ValidateConstraint { .. } => {
            "validates a NOT VALID constraint: fails if a row already there breaks it".into()
        }
        Op::SetPartitioning { .. } => {
            "changes the partitioning: the rows move to a new table, written by hand".into()
        }
        Op::AddExclusion { .. } => {
            "adds an exclusion constraint: fails if two existing rows conflict".into()
        }
        Op::AddForeignKey { .. } => {
            "adds a foreign key: fails if a row references a missing key".into()
        }
        _ => loosening(op).unwrap_or_else(|| SAFE.into()),
    }
}

/// What a constraint drop stops enforcing.
fn loosening(op: &Op) -> Option<String> {
    Some(match op {
        Op::DropUnique { unique, .. } => format!(
            "removes a guarantee: from then on ({}) may repeat",
            unique.columns.join(", ")
        ),
        Op::DropIndex { index, .. } if index.unique => {
            "removes a guarantee: from then on the indexed values may repeat".into()
        }
        Op::DropPrimaryKey { key, .. } => format!(
            "removes a guarantee: from then on ({}) may repeat or be NULL",
            key.columns.join(", ")
        ),
        Op::DropForeignKey { foreign_key, .. } => format!(
            "removes a guarantee: from then on rows may reference {} rows that do not exist",
            foreign_key.referenced_table
        ),
        Op::DropCheck { check, .. } => format!(
            "removes a guarantee: from then on rows may break `{}`",
            check.expression
        ),
        Op::DropExclusion { exclusion, .. } => format!(
            "removes a guarantee: from then on rows may conflict under `{}`",
            exclusion.definition
        ),
        _ => return None,
    })
}

const SAFE: &str = "cannot lose data or fail on existing rows";

/// Why a key, index or constraint drop is blocked with the drop of `table`.
pub(super) fn part_of_drop(table: &QualifiedName) -> String {
    format!(
        "only prepares the drop of table {table}, which is blocked: applied alone it would \
         strip a table that stays"
    )
}

/// Why an op on a table the same list creates is safe.
pub(super) fn on_new_table() -> String {
    "its table is created by the same migration, empty".into()
}

/// Why a constraint drop that a later op undoes is safe.
pub(super) fn added_back() -> String {
    "a later operation of the same migration adds it back".into()
}

fn alter(from: &Column, to: &Column, changes: ColumnChanges) -> String {
    let mut why = Vec::new();
    if changes.contains(ColumnChanges::TYPE) {
        if is_widening(&from.ty, &to.ty) {
            why.push(format!(
                "changes the type from {} to {}: rewrites the table",
                from.ty, to.ty
            ));
        } else {
            why.push(format!(
                "narrows the type from {} to {}: fails if an existing value does not fit",
                from.ty, to.ty
            ));
        }
    }
    if changes.contains(ColumnChanges::NULLABLE) && !to.nullable {
        why.push("sets NOT NULL on an existing column: fails if a row holds NULL".into());
    }
    if changes.contains(ColumnChanges::GENERATED) && to.generated.is_some() {
        why.push("computes the new generation expression for every row: rewrites the table".into());
    }
    if changes.contains(ColumnChanges::IDENTITY) && from.identity.is_some() && to.identity.is_none()
    {
        why.push(
            "removes a guarantee: drops the identity, so inserts that leave the column out \
             fail from then on"
                .into(),
        );
    }
    if changes.contains(ColumnChanges::IDENTITY)
        && from.identity == Some(Identity::Always)
        && to.identity == Some(Identity::ByDefault)
    {
        why.push(
            "removes a guarantee: the identity accepts explicit values from then on \
             (GENERATED ALWAYS becomes BY DEFAULT)"
                .into(),
        );
    }
    if why.is_empty() {
        why.push("changes the column in place".into());
    }
    why.join("; ")
}
