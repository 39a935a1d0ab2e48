//! The MySQL / MariaDB dialect end to end, as data: each test is one [`scenario`] (a
//! database at A, models at B, the rows that must survive) and one snapshot of the ops,
//! their risk and the `up` and `down` scripts. The runner (`mysql_scenarios/kit.rs`) is the
//! PostgreSQL runner's twin; the model builders are shared with it.
//!
//! [`scenario`]: mysql_scenarios::kit::scenario

mod mysql_scenarios {
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
