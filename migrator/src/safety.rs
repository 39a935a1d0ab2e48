//! Risk classification of ops, and the one verdict every command shows: for each op of a
//! list, its [`Risk`], whether autogeneration applies it or blocks it ([`Action`]), and why.
//! Autogeneration (`apply::split_ops`), `diff`, `check`, `ci-sync`, the job summary and the
//! `revision --autogenerate` listing all read [`verdicts`], so one op gets the same words
//! everywhere.
//!
//! Autogeneration blocks what destroys data ([`Risk::Destructive`]: a table, a column, an
//! enum type or enum values) and the index, key and constraint drops that only prepare a
//! blocked table drop. It applies the drop of a constraint the models no longer declare,
//! rated [`Risk::Loosening`]: nothing is lost and the reverse puts it back, but the
//! database stops enforcing a rule, so the listings flag it for the reviewer.

mod reason;
mod risk;

use std::collections::HashSet;

use crate::change::{ColumnChanges, Op};
use crate::diff::DiffHooks;
pub use risk::{inserts_need, is_widening, Risk};
use schema_runtime::schema::{ColumnType, Identity, QualifiedName};

/// The risk of one op on its own. Listings and autogeneration use [`verdicts`], which
/// also knows the ops around it.
pub fn classify(op: &Op) -> Risk {
    match op {
        Op::DropTable { .. } | Op::DropColumn { .. } | Op::DropEnum { .. } => Risk::Destructive,
        // Removing values is a drop; a pure reorder converts every using column in place.
        Op::ReplaceEnumValues { .. } if op.is_drop() => Risk::Destructive,
        Op::ReplaceEnumValues { .. } => Risk::Blocking,
        // Fails if a row already there breaks the constraint; the table stays writable.
        Op::ValidateConstraint { .. } => Risk::DataDependent,
        // Never rendered: a hand-written revision copies every row into a new table.
        Op::SetPartitioning { .. } => Risk::Blocking,
        Op::AlterColumn {
            from, to, changes, ..
        } => {
            let narrows = changes.contains(ColumnChanges::TYPE) && !is_widening(&from.ty, &to.ty);
            let forbids_null = changes.contains(ColumnChanges::NULLABLE) && !to.nullable;
            // Inserts that leave the column out (the application's, every seed's) fail once
            // nothing numbers it: a guarantee goes.
            // `ALWAYS` to `BY DEFAULT` lets explicit values in: a guarantee goes too.
            let drops_identity = changes.contains(ColumnChanges::IDENTITY)
                && from.identity.is_some()
                && (to.identity.is_none()
                    || (from.identity == Some(Identity::Always)
                        && to.identity == Some(Identity::ByDefault)));
            if narrows || forbids_null {
                Risk::DataDependent
            } else if drops_identity {
                Risk::Loosening
            } else if changes.contains(ColumnChanges::TYPE) && !keeps_storage(&from.ty, &to.ty) {
                Risk::Blocking
            } else if changes.contains(ColumnChanges::GENERATED) && to.generated.is_some() {
                // A new expression is computed for every row: the table is rewritten.
                Risk::Blocking
            } else {
                Risk::Safe
            }
        }
        Op::AddUnique { .. }
        | Op::AddPrimaryKey { .. }
        | Op::AddCheck { .. }
        | Op::AddExclusion { .. } => Risk::DataDependent,
        Op::AddForeignKey { .. } => Risk::DataDependent,
        Op::CreateIndex { index, .. } if index.unique => Risk::DataDependent,
        Op::CreateIndex { .. } => Risk::Blocking,
        Op::DropUnique { .. }
        | Op::DropPrimaryKey { .. }
        | Op::DropForeignKey { .. }
        | Op::DropCheck { .. }
        | Op::DropExclusion { .. } => Risk::Loosening,
        Op::DropIndex { index, .. } if index.unique => Risk::Loosening,
        // `IF NOT EXISTS`, and nothing is in a new namespace yet.
        Op::CreateNamespace { .. } => Risk::Safe,
        // A volatile default, or a generation expression, is computed row by row: the
        // table is rewritten.
        Op::AddColumn { column, .. }
            if column.generated.is_some() || column.default.as_deref().is_some_and(is_volatile) =>
        {
            Risk::Blocking
        }
        Op::AddColumn { column, .. } if !column.nullable && column.default.is_none() => {
            // Fails on a table with rows unless it is an identity column.
            if column.identity.is_some() {
                Risk::Blocking
            } else {
                Risk::DataDependent
            }
        }
        _ => Risk::Safe,
    }
}

/// What autogeneration does with an op.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Written as runnable SQL in the generated revision.
    Apply,
    /// Listed as a comment only; a revision written by hand runs it.
    Block(Blocked),
}

impl Action {
    /// `apply` or `block`, as JSON spells it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Action::Apply => "apply",
            Action::Block(_) => "block",
        }
    }
}

/// Why autogeneration blocks an op.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Blocked {
    /// It destroys data: a table, a column, an enum type or enum values.
    Destructive,
    /// It only prepares the drop of this table, which is blocked: applied alone it would
    /// strip a table that stays of its keys and indexes.
    PartOfDrop(QualifiedName),
}

/// One op's verdict: its risk, what autogeneration does with it, and why, in a reviewer's
/// words. Every command that lists ops shows [`Verdict::label`] next to
/// [`Op::describe`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// How dangerous the op is.
    pub risk: Risk,
    /// Applied or blocked.
    pub action: Action,
    /// Why it has that risk (and, when blocked, why it is blocked).
    pub why: String,
}

impl Verdict {
    /// True when autogeneration leaves the op to a revision written by hand.
    pub fn is_blocked(&self) -> bool {
        matches!(self.action, Action::Block(_))
    }

    /// The words every listing puts next to the op: the risk, and for a blocked op why
    /// (`destructive, blocked: never generated`,
    /// `destructive, blocked: part of drop table legacy`).
    pub fn label(&self) -> String {
        match &self.action {
            Action::Apply => self.risk.as_str().to_string(),
            Action::Block(Blocked::Destructive) => {
                format!("{}, blocked: never generated", self.risk.as_str())
            }
            Action::Block(Blocked::PartOfDrop(table)) => {
                format!(
                    "{}, blocked: part of drop table {table}",
                    self.risk.as_str()
                )
            }
        }
    }
}

/// The verdict of each op of a list, in the list's order: the one classification every
/// command uses.
///
/// Context matters three ways. An op that builds on a table an earlier op of the list
/// created finds the table empty: it is safe. A key, index or constraint drop that only
/// prepares a blocked table drop (on that table, or a foreign key pointing at it) is
/// blocked with it and shares its risk. A constraint drop that a later op of the list
/// undoes (the same constraint added back to the same table, or to the table it is renamed
/// to) removes no guarantee.
pub fn verdicts(ops: &[Op]) -> Vec<Verdict> {
    verdicts_with(ops, None)
}

/// [`verdicts`], with `hooks` giving a database's own risk and reason for an op on its own
/// (the in-context verdicts stand as they are).
fn verdicts_with(ops: &[Op], hooks: Option<&dyn DiffHooks>) -> Vec<Verdict> {
    let dropped: HashSet<&QualifiedName> = ops
        .iter()
        .filter_map(|op| match op {
            Op::DropTable { table } => Some(&table.name),
            _ => None,
        })
        .collect();
    let mut created: HashSet<&QualifiedName> = HashSet::new();
    ops.iter()
        .enumerate()
        .map(|(at, op)| {
            match op {
                Op::CreateTable { table } => {
                    created.insert(&table.name);
                }
                Op::RenameTable { from, to } if created.contains(from) => {
                    created.insert(to);
                }
                _ => {}
            }
            if let Some(table) = part_of_drop(op, &dropped) {
                return Verdict {
                    risk: Risk::Destructive,
                    action: Action::Block(Blocked::PartOfDrop(table.clone())),
                    why: reason::part_of_drop(table),
                };
            }
            if builds_on(op).is_some_and(|table| created.contains(table)) {
                return applied(Risk::Safe, reason::on_new_table());
            }
            if classify(op) == Risk::Loosening && added_back(op, &ops[at + 1..]) {
                return applied(Risk::Safe, reason::added_back());
            }
            let risk = classify(op);
            let action = if risk == Risk::Destructive || op.is_drop() {
                Action::Block(Blocked::Destructive)
            } else {
                Action::Apply
            };
            let (risk, why) = hooks
                .and_then(|hooks| hooks.risk(op, risk))
                .unwrap_or_else(|| (risk, reason::why(op, risk)));
            Verdict { risk, action, why }
        })
        .collect()
}

/// [`verdicts`] on the database `hooks` describe: where it carries an op out differently
/// from PostgreSQL (SQLite's table rebuilds, MySQL's online index builds), the op's risk
/// and reason are that database's ([`DiffHooks::risk`]). Which ops are blocked does not
/// change: that is decided by what an op destroys, the same everywhere.
pub fn verdicts_on(hooks: &dyn DiffHooks, ops: &[Op]) -> Vec<Verdict> {
    verdicts_with(ops, Some(hooks))
}

/// The risk of each op of a list, in context: the risks of [`verdicts`].
pub fn classify_all(ops: &[Op]) -> Vec<Risk> {
    verdicts(ops).into_iter().map(|v| v.risk).collect()
}

fn applied(risk: Risk, why: String) -> Verdict {
    Verdict {
        risk,
        action: Action::Apply,
        why,
    }
}

/// The blocked table drop this key, index or constraint drop only prepares.
fn part_of_drop<'a>(op: &'a Op, dropped: &HashSet<&QualifiedName>) -> Option<&'a QualifiedName> {
    let (table, referenced) = match op {
        Op::DropForeignKey { table, foreign_key } => (table, Some(&foreign_key.referenced_table)),
        Op::DropIndex { table, .. }
        | Op::DropUnique { table, .. }
        | Op::DropCheck { table, .. }
        | Op::DropExclusion { table, .. }
        | Op::DropPrimaryKey { table, .. } => (table, None),
        _ => return None,
    };
    if dropped.contains(table) {
        Some(table)
    } else {
        referenced.filter(|r| dropped.contains(r))
    }
}

/// True when a later op adds back what `drop` removes, on the same table (or the table it
/// is renamed to), under the same name or with the same definition (its columns followed
/// through renames): the diff drops a constraint to change what it depends on, or to
/// rename it where the database cannot.
fn added_back(drop: &Op, later: &[Op]) -> bool {
    let Some(table) = dropped_from(drop) else {
        return false;
    };
    let mut names = vec![table];
    let mut columns = Renames::default();
    for op in later {
        match op {
            Op::RenameTable { from, to } if names.contains(&from) => names.push(to),
            Op::RenameColumn { table, from, to } if names.contains(&table) => {
                columns.0.push((from.as_str(), to.as_str()));
            }
            _ => {}
        }
        if added_to(op).is_some_and(|t| names.contains(&t)) && restores(drop, op, &columns) {
            return true;
        }
    }
    false
}

/// Column renames of one table, in order.
#[derive(Default)]
struct Renames<'a>(Vec<(&'a str, &'a str)>);

impl Renames<'_> {
    /// The columns' names after the renames.
    fn apply(&self, columns: &[String]) -> Vec<String> {
        columns
            .iter()
            .map(|column| {
                self.0
                    .iter()
                    .fold(
                        column.as_str(),
                        |name, (from, to)| {
                            if name == *from {
                                to
                            } else {
                                name
                            }
                        },
                    )
                    .to_string()
            })
            .collect()
    }
}

fn dropped_from(op: &Op) -> Option<&QualifiedName> {
    match op {
        Op::DropUnique { table, .. }
        | Op::DropPrimaryKey { table, .. }
        | Op::DropForeignKey { table, .. }
        | Op::DropCheck { table, .. }
        | Op::DropExclusion { table, .. }
        | Op::DropIndex { table, .. } => Some(table),
        _ => None,
    }
}

fn added_to(op: &Op) -> Option<&QualifiedName> {
    match op {
        Op::AddUnique { table, .. }
        | Op::AddPrimaryKey { table, .. }
        | Op::AddForeignKey { table, .. }
        | Op::AddCheck { table, .. }
        | Op::AddExclusion { table, .. }
        | Op::CreateIndex { table, .. } => Some(table),
        _ => None,
    }
}

/// True when `add` enforces again what `drop` stopped enforcing: the same kind of
/// constraint, with the same name or the same definition once `columns` are renamed.
fn restores(drop: &Op, add: &Op, columns: &Renames<'_>) -> bool {
    match (drop, add) {
        (Op::DropUnique { unique: a, .. }, Op::AddUnique { unique: b, .. }) => {
            a.name == b.name || columns.apply(&a.columns) == b.columns
        }
        (Op::DropPrimaryKey { key: a, .. }, Op::AddPrimaryKey { key: b, .. }) => {
            a.name == b.name || columns.apply(&a.columns) == b.columns
        }
        (Op::DropForeignKey { foreign_key: a, .. }, Op::AddForeignKey { foreign_key: b, .. }) => {
            a.name == b.name
                || (columns.apply(&a.columns) == b.columns
                    && a.referenced_columns == b.referenced_columns)
        }
        (Op::DropCheck { check: a, .. }, Op::AddCheck { check: b, .. }) => {
            a.name == b.name || a.expression == b.expression
        }
        (Op::DropExclusion { exclusion: a, .. }, Op::AddExclusion { exclusion: b, .. }) => {
            a.name == b.name || a.definition == b.definition
        }
        (Op::DropIndex { index: a, .. }, Op::CreateIndex { index: b, .. }) => {
            let parts = |index: &schema_runtime::schema::Index| -> Option<Vec<String>> {
                index
                    .parts
                    .iter()
                    .map(|p| match p {
                        schema_runtime::schema::IndexPart::Column(c) => Some(c.clone()),
                        schema_runtime::schema::IndexPart::Expression(_) => None,
                    })
                    .collect()
            };
            let same_parts = match (parts(a), parts(b)) {
                (Some(from), Some(to)) => columns.apply(&from) == to,
                _ => a.parts == b.parts,
            };
            b.unique && (a.name == b.name || same_parts)
        }
        _ => false,
    }
}

/// The table an additive op changes: the ops that cannot hurt an empty table.
fn builds_on(op: &Op) -> Option<&QualifiedName> {
    match op {
        Op::AddColumn { table, .. }
        | Op::AlterColumn { table, .. }
        | Op::AddPrimaryKey { table, .. }
        | Op::CreateIndex { table, .. }
        | Op::AddUnique { table, .. }
        | Op::AddForeignKey { table, .. }
        | Op::AddCheck { table, .. }
        | Op::AddExclusion { table, .. } => Some(table),
        _ => None,
    }
}

/// Functions whose value differs row by row: as a column default they make PostgreSQL
/// rewrite the table when the column is added (a stable default like `now()` is computed
/// once and stored in the catalog instead).
const VOLATILE_FUNCTIONS: &[&str] = &[
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "random",
    "clock_timestamp",
    "timeofday",
    "nextval",
];

/// True when the default calls a well-known volatile function.
fn is_volatile(default: &str) -> bool {
    let text = default.to_ascii_lowercase();
    VOLATILE_FUNCTIONS.iter().any(|name| {
        text.match_indices(name).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + name.len()..].trim_start();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_') && after.starts_with('(')
        })
    })
}

/// True when PostgreSQL changes the type in the catalog only, without rewriting or even
/// scanning the table: every stored value is already valid as it is (a longer or unbounded
/// varchar, text, a numeric with more digits and the same scale).
fn keeps_storage(from: &ColumnType, to: &ColumnType) -> bool {
    use ColumnType::*;
    match (from, to) {
        (Varchar { length: Some(a) }, Varchar { length: Some(b) }) => b >= a,
        (Varchar { .. }, Varchar { length: None } | Text) | (Text, Varchar { length: None }) => {
            true
        }
        (
            Numeric {
                precision: Some(p1),
                scale: Some(s1),
            },
            Numeric {
                precision: Some(p2),
                scale: Some(s2),
            },
        ) => s1 == s2 && p2 >= p1,
        (
            Numeric { .. },
            Numeric {
                precision: None,
                scale: None,
            },
        ) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests;
