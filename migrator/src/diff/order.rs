//! The phases of a diff's output (listed in the module documentation of [`super`]) and the
//! foreign-key order of created and dropped tables.

use std::collections::{BTreeMap, BTreeSet};

use schema_runtime::schema::{QualifiedName, Table};

use crate::change::Op;

/// The ops of one diff, bucketed by phase while the walk finds them.
#[derive(Default)]
pub(super) struct Plan {
    /// Phase 1.
    pub(super) namespaces: Vec<Op>,
    /// Phase 2.
    pub(super) drop_foreign_keys: Vec<Op>,
    /// Phase 3.
    pub(super) drop_keys: Vec<Op>,
    /// Phase 4.
    pub(super) enums: Vec<Op>,
    /// Phase 5: tables, then columns (pushed first), then indexes and constraints.
    pub(super) renames: Vec<Op>,
    /// Phase 6, whole (their foreign keys give the order), sorted by [`creation_order`] and
    /// stripped of foreign keys and indexes (those are ops of their own) at the end.
    pub(super) create_tables: Vec<Table>,
    /// Phase 7.
    pub(super) add_columns: Vec<Op>,
    /// Phase 8.
    pub(super) alter_columns: Vec<Op>,
    /// Phase 9.
    pub(super) drop_columns: Vec<Op>,
    /// Phase 10, whole, sorted by [`creation_order`] reversed and stripped at the end.
    pub(super) drop_tables: Vec<Table>,
    /// Phase 11.
    pub(super) drop_enums: Vec<Op>,
    /// Phase 12.
    pub(super) add_keys: Vec<Op>,
    /// Phase 13.
    pub(super) add_foreign_keys: Vec<Op>,
    /// Phase 14.
    pub(super) comments: Vec<Op>,
}

impl Plan {
    /// The ops, phase after phase.
    pub(super) fn into_ops(self) -> Vec<Op> {
        let created = creation_order(self.create_tables)
            .into_iter()
            .map(|table| Op::CreateTable { table: bare(table) });
        let mut dropped = creation_order(self.drop_tables);
        dropped.reverse();
        let dropped = dropped
            .into_iter()
            .map(|table| Op::DropTable { table: bare(table) });
        let mut ops = Vec::new();
        ops.extend(self.namespaces);
        ops.extend(self.drop_foreign_keys);
        ops.extend(self.drop_keys);
        ops.extend(self.enums);
        ops.extend(rename_order(self.renames));
        ops.extend(created);
        ops.extend(self.add_columns);
        ops.extend(self.alter_columns);
        ops.extend(self.drop_columns);
        ops.extend(dropped);
        ops.extend(self.drop_enums);
        ops.extend(self.add_keys);
        ops.extend(self.add_foreign_keys);
        ops.extend(self.comments);
        ops
    }
}

/// Puts renames in an order where each new name is free when its rename runs: a rename
/// waits while another pending rename of the same namespace still holds the name it wants
/// (index `a` -> `b` must run before constraint `c` -> `a`). Table and column renames never
/// wait, so they stay first. A cycle (two names swapped) keeps the walk's order; the diff
/// only produces one when two members trade names, which models have no reason to do.
fn rename_order(mut pending: Vec<Op>) -> Vec<Op> {
    let mut ordered = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let free = pending.iter().position(|op| {
            pending
                .iter()
                .all(|other| std::ptr::eq(other, op) || !holds_new_name(other, op))
        });
        ordered.push(pending.remove(free.unwrap_or(0)));
    }
    ordered
}

/// True when `holder` still has, as its old name, the name `op` renames to.
fn holds_new_name(holder: &Op, op: &Op) -> bool {
    match (member_rename(holder), member_rename(op)) {
        (Some((table_a, from, _)), Some((table_b, _, to))) => {
            table_a.schema == table_b.schema && from == to
        }
        _ => false,
    }
}

fn member_rename(op: &Op) -> Option<(&QualifiedName, &str, &str)> {
    match op {
        Op::RenameIndex { table, from, to } | Op::RenameConstraint { table, from, to } => {
            Some((table, from, to))
        }
        _ => None,
    }
}

/// A table without its foreign keys and indexes: `CreateTable` renders neither, so the
/// diff emits them as separate ops, and a `DropTable` (whose reverse is a `CreateTable`)
/// follows separate drops of them, so that the reversed list restores them.
fn bare(mut table: Table) -> Table {
    table.foreign_keys.clear();
    table.indexes.clear();
    table
}

/// Sorts tables so that a referenced table comes before the tables that reference it
/// (Kahn's algorithm over the references among these tables). Ties go by name; a cycle is
/// broken by taking its smallest name first, which is harmless because foreign keys are
/// added in a later phase anyway: the order only makes the SQL read naturally.
pub(super) fn creation_order(tables: Vec<Table>) -> Vec<Table> {
    let mut by_name: BTreeMap<QualifiedName, Table> =
        tables.into_iter().map(|t| (t.name.clone(), t)).collect();
    let mut waiting_on: BTreeMap<QualifiedName, BTreeSet<QualifiedName>> = BTreeMap::new();
    for (name, table) in &by_name {
        let deps = table
            .foreign_keys
            .iter()
            .map(|fk| fk.referenced_table.clone())
            .filter(|target| target != name && by_name.contains_key(target))
            .collect();
        waiting_on.insert(name.clone(), deps);
    }
    let mut ordered = Vec::with_capacity(by_name.len());
    while !waiting_on.is_empty() {
        let next = waiting_on
            .iter()
            .find(|(_, deps)| deps.is_empty())
            .or_else(|| waiting_on.iter().next())
            .map(|(name, _)| name.clone());
        let Some(next) = next else { break };
        waiting_on.remove(&next);
        for deps in waiting_on.values_mut() {
            deps.remove(&next);
        }
        if let Some(table) = by_name.remove(&next) {
            ordered.push(table);
        }
    }
    ordered
}
