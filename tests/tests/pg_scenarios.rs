//! The engine end to end, as data: each test is one [`scenario`] (a database at A, models
//! at B, the rows that must survive) and one snapshot of the ops, their risk and the `up`
//! and `down` scripts per dialect. The runner (`scenario_kit/mod.rs`) builds A on a throwaway
//! database, applies the generated `up`, proves a second comparison finds nothing (zero
//! false drift), applies `down` and proves the database is back at A.
//!
//! Written for PostgreSQL, every scenario also runs on MySQL/MariaDB and SQLite unless it
//! skips one, with the reason in the line that skips it (`.skip(Dialect::Mysql, "..")`).
//! Their snapshots are `<name>__mysql` and `<name>__sqlite`. What only one of those
//! databases does (SQLite's table rebuild, MySQL's statement-by-statement DDL) has its own
//! suite beside this one (`sqlite_scenarios`, `mysql_scenarios`).
//!
//! The scenarios are grouped by what they change: `tables`, `columns`, `defaults`, `keys`
//! (primary keys, uniques, indexes, checks), `foreign_keys`, `enums`, `comments`, `names`
//! (identifier quoting and namespaces) and `whole` (the example app, the no-op).
//!
//! [`scenario`]: pg_scenarios::kit::scenario

use migrator::Dialect;

/// The dialects a scenario runs on unless it skips one; the first is the snapshots' home.
const DIALECTS: &[Dialect] = &[Dialect::Postgresql, Dialect::Mysql, Dialect::Sqlite];

mod pg_scenarios {
    #[path = "../scenario_kit/mod.rs"]
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
