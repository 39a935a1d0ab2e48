//! The PostgreSQL engine end to end, as data: each test is one [`scenario`] (a database at
//! A, models at B, the rows that must survive) and one snapshot of the ops, their risk and
//! the `up` and `down` scripts. The runner (`pg_scenarios/kit.rs`) builds A on a throwaway
//! database, applies the generated `up`, proves a second comparison finds nothing (zero
//! false drift), applies `down` and proves the database is back at A.
//!
//! The scenarios are grouped by what they change: `tables`, `columns`, `defaults`, `keys`
//! (primary keys, uniques, indexes, checks), `foreign_keys`, `enums`, `comments`, `names`
//! (identifier quoting and namespaces) and `whole` (the example app, the no-op).
//!
//! [`scenario`]: pg_scenarios::kit::scenario

mod pg_scenarios {
    pub mod kit;
    pub mod models;

    mod columns;
    mod comments;
    mod defaults;
    mod enums;
    mod foreign_keys;
    mod keys;
    mod names;
    mod tables;
    mod whole;
}

/// One snapshot per scenario, `snapshots/pg_scenarios__<name>.snap`.
fn snapshot(name: &str, text: &str) {
    insta::assert_snapshot!(name, text);
}
