//! What the table walk carries from table to table: the context every step reads, and the
//! effects of the first pass that the foreign-key pass must know about.

use std::collections::BTreeSet;

use schema_runtime::schema::{ForeignKey, QualifiedName, Schema, Table};

use super::options::DiffOptions;
use super::renames::Renames;

/// What the whole walk needs to see: the schema before renames (drops before the renames
/// name things as they are then), the renames and the options. The target's tables keep
/// their hints: [`Table::conventional_names`] says which names the convention gave.
pub(super) struct Ctx<'a> {
    pub(super) current: &'a Schema,
    pub(super) renames: &'a Renames<'a>,
    pub(super) options: &'a DiffOptions,
}

impl Ctx<'_> {
    /// True when the database's member `now` of `existing` (a table of the renamed view)
    /// is the target member `new` of `wanted` under another name, to be left as it is:
    /// the model did not state `new` (the naming convention gave it), and `now` is not a
    /// name the convention gave either (`<prefix>_<table>...` for the table as it is
    /// now), unless the inspector made `now` up for a constraint the database keeps
    /// unnamed (it lists those in the current table's `conventional_names`). The database's own names (`orders_pkey`, `fk_rails_0a1b2c`) are kept; the
    /// convention's names follow a renamed table or column, as they always did.
    pub(super) fn adopts(
        &self,
        existing: &Table,
        wanted: &Table,
        prefix: &str,
        now: &str,
        new: &str,
    ) -> bool {
        let conventional = wanted.conventional_names.contains(new);
        let original = self.original(existing);
        let table = &original.name.name;
        // MySQL names the index a foreign key needs after the key: `fk_` counts for indexes.
        let ours = [prefix, "fk"]
            .iter()
            .any(|p| now.starts_with(&format!("{p}_{table}")))
            || now == self.before_renames(wanted, table, new);
        // A name the inspector made up for a constraint the database keeps unnamed
        // (SQLite) is nobody's.
        let unnamed = original.conventional_names.contains(now);
        conventional && (!ours || unnamed)
    }

    /// `new`, a name the convention gave a member of `wanted`, spelt with the names the
    /// table (`table`) and its renamed columns had before the renames: what the convention
    /// gave the member then, whatever its template (`<table>_pkey` as well as `pk_<table>`).
    /// The table's name is swapped at its first place, each column's at its first place
    /// after it, so a column called like a suffix (`key` in `t_key_key`) swaps once.
    fn before_renames(&self, wanted: &Table, table: &str, new: &str) -> String {
        let (head, rest) = match new.find(wanted.name.name.as_str()) {
            Some(at) => (
                format!("{}{table}", &new[..at]),
                &new[at + wanted.name.name.len()..],
            ),
            None => (String::new(), new),
        };
        let mut rest = rest.to_owned();
        for (from, to) in self.renames.columns_of(&wanted.name) {
            rest = rest.replacen(to, from, 1);
        }
        head + &rest
    }

    /// The current table behind a table of the renamed view.
    pub(super) fn original<'t>(&'t self, view_table: &'t Table) -> &'t Table {
        let name = self.renames.origin(&view_table.name);
        self.current.table(name).unwrap_or(view_table)
    }
}

/// Changes found in the first pass that break foreign keys left in place.
#[derive(Default)]
pub(super) struct Effects {
    /// `(table, column)` pairs whose type changes, named as after the renames.
    pub(super) retyped: BTreeSet<(QualifiedName, String)>,
    /// `(table, columns)` of dropped primary keys, uniques and unique indexes.
    pub(super) dropped_keys: BTreeSet<(QualifiedName, BTreeSet<String>)>,
}

impl Effects {
    /// True when a foreign key of `table` must be dropped before the first pass's changes
    /// and added back after them: the database refuses to retype a column a foreign key
    /// uses, or to drop the key a foreign key points at.
    pub(super) fn disturbs(&self, table: &QualifiedName, fk: &ForeignKey) -> bool {
        let retyped =
            |t: &QualifiedName, c: &String| self.retyped.contains(&(t.clone(), c.clone()));
        let key: BTreeSet<String> = fk.referenced_columns.iter().cloned().collect();
        fk.columns.iter().any(|c| retyped(table, c))
            || fk
                .referenced_columns
                .iter()
                .any(|c| retyped(&fk.referenced_table, c))
            || self
                .dropped_keys
                .contains(&(fk.referenced_table.clone(), key))
    }
}
