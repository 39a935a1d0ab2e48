//! What only MySQL / MariaDB does, end to end, as data: statement-by-statement DDL, inline
//! enums, the foreign key indexes, the example app's MySQL variants. Each test is one
//! [`scenario`] (a database at A, models at B, the rows that must survive) and one snapshot
//! of the ops, their risk and the `up` and `down` scripts. The runner is every dialect's
//! (`scenario_kit/mod.rs`); the model builders are shared with the PostgreSQL scenarios, which
//! also run on MySQL.
//!
//! [`scenario`]: mysql_scenarios::kit::scenario

use migrator::Dialect;

/// The scenarios here run on MySQL only.
const DIALECTS: &[Dialect] = &[Dialect::Mysql];

mod mysql_scenarios {
    #[path = "../scenario_kit/mod.rs"]
    pub mod kit;
    // The model builders are shared with the PostgreSQL scenarios; not all are used here.
    #[allow(dead_code)]
    #[path = "../pg_scenarios/models.rs"]
    pub mod models;

    mod apply;
    mod scenarios;
    mod whole;
}

/// One snapshot per scenario, `snapshots/mysql_scenarios__<name>.snap`.
fn snapshot(name: &str, text: &str) {
    insta::assert_snapshot!(name, text);
}
