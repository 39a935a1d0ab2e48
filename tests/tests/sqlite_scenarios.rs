//! What only SQLite does, end to end, as data: the table rebuild, checked enums, the
//! example app's SQLite variants. Each test is one [`scenario`] (a database file at A,
//! models at B, the rows that must survive) and one snapshot of the ops, their risk and the
//! `up` and `down` scripts. The runner is every dialect's (`scenario_kit/mod.rs`): it builds A
//! in a temporary file, applies the generated `up` through the migrator's own connection
//! (so a rebuild's foreign key check is enforced), proves a second comparison finds
//! nothing, applies `down` and proves the database is back at A. The engine's general
//! scenarios run on SQLite from `pg_scenarios`.
//!
//! The model builders are PostgreSQL's (`pg_scenarios/models.rs`): the models are the same,
//! only the database differs.
//!
//! [`scenario`]: sqlite_scenarios::kit::scenario

use migrator::Dialect;

/// The scenarios here run on SQLite only.
const DIALECTS: &[Dialect] = &[Dialect::Sqlite];

mod sqlite_scenarios {
    // Shared with the PostgreSQL scenarios, which use builders these do not.
    #[allow(dead_code)]
    #[path = "../pg_scenarios/models.rs"]
    pub mod models;

    #[path = "../scenario_kit/mod.rs"]
    pub mod kit;

    mod columns;
    mod engine;
    mod keys;
    mod tables;
}

/// One snapshot per scenario, `snapshots/sqlite_scenarios__<name>.snap`.
fn snapshot(name: &str, text: &str) {
    insta::assert_snapshot!(name, text);
}
