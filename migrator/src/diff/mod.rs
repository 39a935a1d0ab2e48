//! The pure diff engine: compares the current [`Schema`] (read from a database) with the
//! target one (built from the models) and returns the [`Op`]s that turn the first into the
//! second. It never touches a connection, and it is deterministic: the same two schemas give
//! the same ops whatever the order of their tables, enums and constraints.
//!
//! # The walk
//!
//! Both schemas are put in the dialect's default namespace, cut down to the managed
//! namespaces and sorted (each copied only where that changes it: a side that already is so,
//! as `compare` makes both, is read where it lies). Renames come first: a target table whose `renamed_from` names a
//! current table, while its own name is not taken yet, is a rename, and so is such a column
//! inside one table (the old name is then free for a new object of the target). The renames
//! are applied to the current schema, and that *renamed view* is what the rest of the walk
//! compares with the target, matching everything by name: enums, tables, columns, the primary
//! key, uniques, checks, indexes and foreign keys. A constraint or index whose definition
//! changed under the same name is dropped and added again; one that kept its definition
//! under a new name is renamed where the dialect can do so in place.
//!
//! # The order
//!
//! The ops come in phases chosen so that the list applies one op after another, and so that
//! the reversed list (each op's [`Op::reverse`], last op first) applies too:
//!
//! 1. create the namespaces the target puts tables or enum types in where the current
//!    schema has none (`IF NOT EXISTS`: the schema model cannot see an empty namespace);
//! 2. drop foreign keys that go away or change, those of dropped tables, and those that a
//!    later phase would break (a retyped column on either side, a referenced key that is
//!    dropped); the broken ones come back in phase 13;
//! 3. drop primary keys, uniques, checks and indexes that go away or change, and the
//!    indexes of dropped tables;
//! 4. create enum types, add enum values, replace enum values;
//! 5. rename tables, then columns, then indexes and constraints;
//! 6. create tables, in foreign-key order (ties and cycles broken by name);
//! 7. add columns;
//! 8. alter columns;
//! 9. drop columns;
//! 10. drop tables (referencing tables first);
//! 11. drop enum types;
//! 12. add primary keys, uniques, checks and indexes;
//! 13. add foreign keys, last, so that tables referencing each other both exist first;
//! 14. table and enum comments.
//!
//! Drops in phases 2 and 3 name objects as they are before the renames of phase 5;
//! everything after phase 5 uses the new names. A namespace is never dropped: it may hold
//! objects the models do not manage, so [`Op::CreateNamespace`] has no reverse either.
//!
//! # What the diff does not do
//!
//! It does not decide what may run: dropped tables and columns are reported like any other
//! change and [`crate::safety`] classifies them. A dropped table's foreign keys and indexes
//! are separate, non-destructive ops before its `DropTable` (so that the reversed list
//! restores them); a caller that withholds the `DropTable` may want to withhold those too.
//!
//! It does not guess renames: only `renamed_from` hints make them, and a hint whose old name
//! is gone (the rename already ran) or whose new name is taken is ignored, so swapping two
//! names is not a rename: each name keeps matching its own table.
//!
//! Enum values cannot be removed or reordered in place, so such a change is one
//! [`Op::ReplaceEnumValues`], destructive when it removes a value. Added values are
//! [`Op::AddEnumValue`]s, which have no reverse: a down migration keeps them.
//!
//! Check expressions, index expressions and predicates are compared verbatim (the
//! introspection normalises them). A column rename rewrites the column's name in them as
//! PostgreSQL's deparser will spell it; where that guess is wrong the object is dropped and
//! added again, which is correct, only noisier.

mod columns;
mod constraints;
mod enums;
mod expressions;
mod hooks;
mod options;
mod order;
mod renames;
mod tables;
mod unmanaged;
mod walk;

#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::BTreeSet;

use schema_runtime::schema::Schema;

use crate::change::Op;

pub use expressions::Respelling;
pub use hooks::DiffHooks;
pub use options::DiffOptions;
pub use unmanaged::Unmanaged;
// What the production replay (`crate::replay`) borrows, so that it applies a rename, a
// column change or a key the way the diff predicts them. The tests' oracle borrows none of it.
pub(crate) use columns::with_changes;
pub(crate) use constraints::key_columns;
pub(crate) use enums::users as enum_users;
pub(crate) use renames::{rename_column, rename_table};

/// The ops that turn `current` into `target`, in an order that applies one after another
/// (see the module documentation for the phases). Identical schemas give no ops.
pub fn diff(current: &Schema, target: &Schema, options: &DiffOptions) -> Vec<Op> {
    let current = prepare(current, options);
    let target = prepare(target, options);
    let renames = renames::resolve(&current, &target, options.hooks.respelling());
    let mut plan = order::Plan::default();
    plan.renames.extend(renames.ops());
    namespaces(&current, &target, options, &mut plan);
    enums::diff(&current, &target, options, &mut plan);
    tables::diff(&current, &renames, &target, options, &mut plan);
    let ops = plan.into_ops();
    tracing::debug!(ops = ops.len(), "diffed schemas");
    ops
}

/// Phase 1: a `CreateNamespace` for every namespace (other than the default one) that the
/// target has tables or enum types in and the current schema has neither in.
fn namespaces(current: &Schema, target: &Schema, options: &DiffOptions, plan: &mut order::Plan) {
    if !options.hooks.creates_namespaces() {
        return;
    }
    let used = |schema: &Schema| -> BTreeSet<String> {
        let tables = schema.tables.iter().map(|t| &t.name);
        let enums = schema.enums.iter().map(|e| &e.name);
        tables
            .chain(enums)
            .filter_map(|name| name.schema.clone())
            .collect()
    };
    let existing = used(current);
    plan.namespaces.extend(
        used(target)
            .into_iter()
            .filter(|namespace| !existing.contains(namespace))
            .map(|name| Op::CreateNamespace { name }),
    );
}

/// One side normalised, filtered and sorted: borrowed when it is already, a copy otherwise.
/// (At 1,000 tables the copies and their drops were most of the diff's time.)
fn prepare<'s>(schema: &'s Schema, options: &DiffOptions) -> Cow<'s, Schema> {
    let as_wanted = options
        .default_namespace
        .as_deref()
        .is_none_or(|default| !schema.mentions_namespace(default))
        && schema
            .tables
            .iter()
            .all(|t| options.manages(t.name.schema.as_deref()))
        && schema
            .enums
            .iter()
            .all(|e| options.manages(e.name.schema.as_deref()))
        && schema.is_sorted();
    if as_wanted {
        return Cow::Borrowed(schema);
    }
    let mut schema = schema.clone();
    if let Some(default) = &options.default_namespace {
        schema.normalize_default_namespace(default);
    }
    schema
        .tables
        .retain(|t| options.manages(t.name.schema.as_deref()));
    schema
        .enums
        .retain(|e| options.manages(e.name.schema.as_deref()));
    schema.sort();
    Cow::Owned(schema)
}
