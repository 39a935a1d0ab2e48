//! Primary keys, uniques, checks, indexes and foreign keys of a kept table. Each kind is
//! matched by name; a changed definition under one name is a drop and an add, and an
//! unchanged definition under a new name is a rename where the dialect can rename in place.

use std::collections::BTreeSet;

use schema_runtime::schema::{
    CheckConstraint, ExclusionConstraint, ForeignKey, Index, IndexPart, Table, UniqueConstraint,
};

use super::order::Plan;
use super::walk::{Ctx, Effects};
use crate::change::{Op, Validated};

/// A table member with a name of its own.
trait Named {
    fn name(&self) -> &str;
}

impl Named for UniqueConstraint {
    fn name(&self) -> &str {
        &self.name
    }
}

impl Named for CheckConstraint {
    fn name(&self) -> &str {
        &self.name
    }
}

impl Named for ExclusionConstraint {
    fn name(&self) -> &str {
        &self.name
    }
}

impl Named for Index {
    fn name(&self) -> &str {
        &self.name
    }
}

impl Named for ForeignKey {
    fn name(&self) -> &str {
        &self.name
    }
}

/// The outcome of matching one kind of named member between two tables.
struct Matched<'a, T> {
    drops: Vec<&'a T>,
    adds: Vec<&'a T>,
    renames: Vec<(&'a T, &'a T)>,
    /// Every (current, target) pair kept: same name, adopted or renamed, with the name the
    /// member has once the renames ran.
    kept: Vec<(&'a T, &'a T, &'a str)>,
}

/// Matches members by name. A target member whose name the convention gave and that the
/// database has under a name of its own with the same definition (`adopts(current,
/// target)`) is the database's member: nothing is done to it, and the database's name
/// stays. Other members whose names
/// appear on one side only are paired as renames when `can_rename` and their definitions
/// agree (in name order, first fit).
fn match_named<'a, T: Named>(
    from: &[&'a T],
    to: &[&'a T],
    same: impl Fn(&T, &T) -> bool,
    can_rename: bool,
    adopts: impl Fn(&T, &T) -> bool,
) -> Matched<'a, T> {
    let name = T::name;
    let find = |list: &[&'a T], n: &str| list.iter().copied().find(|m| m.name() == n);
    // Pairs of (current, target): adopted ones first, then renames.
    let mut paired: Vec<(&'a T, &'a T)> = Vec::new();
    let mut renames: Vec<(&'a T, &'a T)> = Vec::new();
    let unpaired = |paired: &[(&T, &T)], removed: &T| {
        find(to, name(removed)).is_none() && !paired.iter().any(|(r, _)| name(r) == name(removed))
    };
    for &added in to.iter().filter(|m| find(from, name(m)).is_none()) {
        let source = from.iter().copied().find(|&removed| {
            unpaired(&paired, removed) && same(removed, added) && adopts(removed, added)
        });
        if let Some(source) = source {
            paired.push((source, added));
        }
    }
    if can_rename {
        for &added in to.iter().filter(|m| find(from, name(m)).is_none()) {
            if paired.iter().any(|(_, a)| name(a) == name(added)) {
                continue;
            }
            let source = from
                .iter()
                .copied()
                .find(|&removed| unpaired(&paired, removed) && same(removed, added));
            if let Some(source) = source {
                paired.push((source, added));
                renames.push((source, added));
            }
        }
    }
    let mut kept: Vec<(&'a T, &'a T, &'a str)> = Vec::new();
    for &wanted in to {
        if let Some(now) = find(from, name(wanted)).filter(|now| same(now, wanted)) {
            kept.push((now, wanted, name(wanted)));
        } else if let Some(&(now, _)) = paired.iter().find(|(_, a)| name(a) == name(wanted)) {
            let renamed = renames.iter().any(|(_, a)| name(a) == name(wanted));
            kept.push((now, wanted, if renamed { name(wanted) } else { name(now) }));
        }
    }
    let paired_from = |m: &T| paired.iter().any(|(r, _)| name(r) == name(m));
    let paired_to = |m: &T| paired.iter().any(|(_, a)| name(a) == name(m));
    let drops = from
        .iter()
        .copied()
        .filter(|&m| match find(to, name(m)) {
            Some(other) => !same(m, other),
            None => !paired_from(m),
        })
        .collect();
    let adds = to
        .iter()
        .copied()
        .filter(|&m| match find(from, name(m)) {
            Some(other) => !same(other, m),
            None => !paired_to(m),
        })
        .collect();
    Matched {
        drops,
        adds,
        renames,
        kept,
    }
}

/// The member of the current (pre-rename) table with this name, which is what a drop
/// before the renames must carry; the view's member when there is none (cannot happen for
/// a consistent view, but a drop is better than a panic).
fn original<'a, T: Named>(list: &'a [T], fallback: &'a T) -> &'a T {
    list.iter()
        .find(|m| m.name() == fallback.name())
        .unwrap_or(fallback)
}

/// Adds the primary key, unique, check, exclusion and index ops of one kept table to the
/// plan.
pub(super) fn keys(
    ctx: &Ctx<'_>,
    existing: &Table,
    wanted: &Table,
    plan: &mut Plan,
    effects: &mut Effects,
) {
    primary_key(ctx, existing, wanted, plan, effects);
    uniques(ctx, existing, wanted, plan, effects);
    checks(ctx, existing, wanted, plan);
    exclusions(ctx, existing, wanted, plan);
    indexes(ctx, existing, wanted, plan, effects);
}

fn primary_key(
    ctx: &Ctx<'_>,
    existing: &Table,
    wanted: &Table,
    plan: &mut Plan,
    effects: &mut Effects,
) {
    let hooks = ctx.options.hooks;
    let (drop, add) = match (&existing.primary_key, &wanted.primary_key) {
        (None, None) => (None, None),
        (Some(now), None) => (Some(now), None),
        (None, Some(new)) => (None, Some(new)),
        (Some(now), Some(new)) if now.columns != new.columns => (Some(now), Some(new)),
        (Some(now), Some(new))
            if now.name != new.name
                && hooks.primary_key_name_matters()
                && !ctx.adopts(existing, wanted, "pk", &now.name, &new.name) =>
        {
            if hooks.renames_constraints() {
                plan.renames
                    .push(rename_constraint(wanted, &now.name, &new.name));
                (None, None)
            } else {
                (Some(now), Some(new))
            }
        }
        _ => (None, None),
    };
    if let Some(now) = drop {
        effects
            .dropped_keys
            .insert((wanted.name.clone(), now.columns.iter().cloned().collect()));
        let original = ctx.original(existing);
        plan.drop_keys.push(Op::DropPrimaryKey {
            table: original.name.clone(),
            key: original.primary_key.clone().unwrap_or_else(|| now.clone()),
        });
    }
    if let Some(new) = add {
        plan.add_keys.push(Op::AddPrimaryKey {
            table: wanted.name.clone(),
            key: new.clone(),
        });
    }
}

fn uniques(
    ctx: &Ctx<'_>,
    existing: &Table,
    wanted: &Table,
    plan: &mut Plan,
    effects: &mut Effects,
) {
    let from: Vec<_> = existing.uniques.iter().collect();
    let to: Vec<_> = wanted.uniques.iter().collect();
    let can_rename = ctx.options.hooks.renames_constraints();
    let adopts = |now: &UniqueConstraint, new: &UniqueConstraint| {
        ctx.adopts(existing, wanted, "uq", &now.name, &new.name)
    };
    let m = match_named(
        &from,
        &to,
        |a, b| a.columns == b.columns,
        can_rename,
        adopts,
    );
    let original_table = ctx.original(existing);
    for unique in m.drops {
        effects.dropped_keys.insert((
            wanted.name.clone(),
            unique.columns.iter().cloned().collect(),
        ));
        plan.drop_keys.push(Op::DropUnique {
            table: original_table.name.clone(),
            unique: original(&original_table.uniques, unique).clone(),
        });
    }
    for (from, to) in m.renames {
        plan.renames
            .push(rename_constraint(wanted, &from.name, &to.name));
    }
    for unique in m.adds {
        plan.add_keys.push(Op::AddUnique {
            table: wanted.name.clone(),
            unique: unique.clone(),
        });
    }
}

fn checks(ctx: &Ctx<'_>, existing: &Table, wanted: &Table, plan: &mut Plan) {
    let from: Vec<_> = existing.checks.iter().collect();
    let to: Vec<_> = wanted.checks.iter().collect();
    let can_rename = ctx.options.hooks.renames_constraints();
    let adopts = |now: &CheckConstraint, new: &CheckConstraint| {
        ctx.adopts(existing, wanted, "ck", &now.name, &new.name)
    };
    let same = |now: &CheckConstraint, new: &CheckConstraint| {
        same_check(now, new)
            || (validates(now.not_valid, new.not_valid)
                && same_check(
                    now,
                    &CheckConstraint {
                        not_valid: true,
                        ..new.clone()
                    },
                ))
    };
    let m = match_named(&from, &to, same, can_rename, adopts);
    for &(now, new, name) in &m.kept {
        if validates(now.not_valid, new.not_valid) {
            let check = CheckConstraint {
                name: name.to_owned(),
                ..now.clone()
            };
            plan.add_keys.push(Op::ValidateConstraint {
                table: wanted.name.clone(),
                constraint: Validated::Check { check },
            });
        }
    }
    let original_table = ctx.original(existing);
    for check in m.drops {
        plan.drop_keys.push(Op::DropCheck {
            table: original_table.name.clone(),
            check: original(&original_table.checks, check).clone(),
        });
    }
    for (from, to) in m.renames {
        plan.renames
            .push(rename_constraint(wanted, &from.name, &to.name));
    }
    for check in m.adds {
        plan.add_keys.push(Op::AddCheck {
            table: wanted.name.clone(),
            check: check.clone(),
        });
    }
}

/// Exclusion constraints are always named by the model, so a name is never adopted.
fn exclusions(ctx: &Ctx<'_>, existing: &Table, wanted: &Table, plan: &mut Plan) {
    let from: Vec<_> = existing.exclusions.iter().collect();
    let to: Vec<_> = wanted.exclusions.iter().collect();
    let can_rename = ctx.options.hooks.renames_constraints();
    let same = |a: &ExclusionConstraint, b: &ExclusionConstraint| a.definition == b.definition;
    let m = match_named(&from, &to, same, can_rename, |_, _| false);
    let original_table = ctx.original(existing);
    for exclusion in m.drops {
        plan.drop_keys.push(Op::DropExclusion {
            table: original_table.name.clone(),
            exclusion: original(&original_table.exclusions, exclusion).clone(),
        });
    }
    for (from, to) in m.renames {
        plan.renames
            .push(rename_constraint(wanted, &from.name, &to.name));
    }
    for exclusion in m.adds {
        plan.add_keys.push(Op::AddExclusion {
            table: wanted.name.clone(),
            exclusion: exclusion.clone(),
        });
    }
}

fn indexes(
    ctx: &Ctx<'_>,
    existing: &Table,
    wanted: &Table,
    plan: &mut Plan,
    effects: &mut Effects,
) {
    let from: Vec<&Index> = existing.indexes.iter().collect();
    let to: Vec<&Index> = wanted.indexes.iter().collect();
    let can_rename = ctx.options.hooks.renames_indexes();
    let adopts =
        |now: &Index, new: &Index| ctx.adopts(existing, wanted, "ix", &now.name, &new.name);
    let m = match_named(&from, &to, same_index, can_rename, adopts);
    let original_table = ctx.original(existing);
    for index in m.drops {
        if let Some(columns) = key_columns(index) {
            effects.dropped_keys.insert((wanted.name.clone(), columns));
        }
        plan.drop_keys.push(Op::DropIndex {
            table: original_table.name.clone(),
            index: original(&original_table.indexes, index).clone(),
        });
    }
    for (from, to) in m.renames {
        plan.renames.push(Op::RenameIndex {
            table: wanted.name.clone(),
            from: from.name.clone(),
            to: to.name.clone(),
        });
    }
    for index in m.adds {
        plan.add_keys.push(Op::CreateIndex {
            table: wanted.name.clone(),
            index: index.clone(),
        });
    }
}

/// Everything but the name; spelled out field by field, so that a field added to
/// [`Index`] cannot be left out of the comparison unnoticed.
fn same_index(a: &Index, b: &Index) -> bool {
    let Index {
        name: _,
        parts,
        unique,
        predicate,
        method,
        part_options,
        include,
        nulls_not_distinct,
    } = a;
    *parts == b.parts
        && *unique == b.unique
        && *predicate == b.predicate
        && *method == b.method
        && *part_options == b.part_options
        && *include == b.include
        && *nulls_not_distinct == b.nulls_not_distinct
}

/// The column set a foreign key can point at through this index: a unique, total index on
/// plain columns.
pub(crate) fn key_columns(index: &Index) -> Option<BTreeSet<String>> {
    let plain = index
        .parts
        .iter()
        .all(|p| matches!(p, IndexPart::Column(_)));
    (index.unique && index.predicate.is_none() && plain)
        .then(|| index.column_names().map(str::to_owned).collect())
}

/// Adds the foreign key ops of one kept table to the plan, after [`keys`] ran for every
/// table: a foreign key that those changes would break is dropped first and added back last.
pub(super) fn foreign_keys(
    ctx: &Ctx<'_>,
    existing: &Table,
    wanted: &Table,
    effects: &Effects,
    plan: &mut Plan,
) {
    let (broken, kept): (Vec<&ForeignKey>, Vec<&ForeignKey>) = existing
        .foreign_keys
        .iter()
        .partition(|fk| effects.disturbs(&existing.name, fk));
    let to: Vec<_> = wanted.foreign_keys.iter().collect();
    let can_rename = ctx.options.hooks.renames_constraints();
    let adopts = |now: &ForeignKey, new: &ForeignKey| {
        ctx.adopts(existing, wanted, "fk", &now.name, &new.name)
    };
    let same = |now: &ForeignKey, new: &ForeignKey| {
        same_foreign_key(now, new)
            || (validates(now.not_valid, new.not_valid)
                && same_foreign_key(
                    now,
                    &ForeignKey {
                        not_valid: true,
                        ..new.clone()
                    },
                ))
    };
    let m = match_named(&kept, &to, same, can_rename, adopts);
    for &(now, new, name) in &m.kept {
        if validates(now.not_valid, new.not_valid) {
            let foreign_key = ForeignKey {
                name: name.to_owned(),
                ..now.clone()
            };
            plan.add_foreign_keys.push(Op::ValidateConstraint {
                table: wanted.name.clone(),
                constraint: Validated::ForeignKey { foreign_key },
            });
        }
    }
    let original_table = ctx.original(existing);
    for fk in broken.into_iter().chain(m.drops) {
        plan.drop_foreign_keys.push(Op::DropForeignKey {
            table: original_table.name.clone(),
            foreign_key: original(&original_table.foreign_keys, fk).clone(),
        });
    }
    for (from, to) in m.renames {
        plan.renames
            .push(rename_constraint(wanted, &from.name, &to.name));
    }
    for fk in m.adds {
        plan.add_foreign_keys.push(Op::AddForeignKey {
            table: wanted.name.clone(),
            foreign_key: fk.clone(),
        });
    }
}

/// True when a constraint the database holds `NOT VALID` is one the models want valid:
/// validated in place, never dropped and added.
fn validates(now_not_valid: bool, wanted_not_valid: bool) -> bool {
    now_not_valid && !wanted_not_valid
}

/// Everything but the name, spelled out as [`same_index`] is.
fn same_check(a: &CheckConstraint, b: &CheckConstraint) -> bool {
    let CheckConstraint {
        name: _,
        expression,
        not_valid,
    } = a;
    *expression == b.expression && *not_valid == b.not_valid
}

/// Everything but the name, spelled out as [`same_index`] is.
fn same_foreign_key(a: &ForeignKey, b: &ForeignKey) -> bool {
    let ForeignKey {
        name: _,
        columns,
        referenced_table,
        referenced_columns,
        on_delete,
        on_update,
        deferrable,
        initially_deferred,
        not_valid,
    } = a;
    *columns == b.columns
        && *referenced_table == b.referenced_table
        && *referenced_columns == b.referenced_columns
        && *on_delete == b.on_delete
        && *on_update == b.on_update
        && *deferrable == b.deferrable
        && *initially_deferred == b.initially_deferred
        && *not_valid == b.not_valid
}

fn rename_constraint(table: &Table, from: &str, to: &str) -> Op {
    Op::RenameConstraint {
        table: table.name.clone(),
        from: from.to_owned(),
        to: to.to_owned(),
    }
}
