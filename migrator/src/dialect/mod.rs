//! The dialect seam: everything that differs between databases (catalog reads, SQL
//! spelling, locking, backups) lives behind [`Dialect`]. The engine above never branches on
//! the database anywhere else.

#[cfg(feature = "mysql")]
pub mod mysql;
pub mod not_compiled;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "sqlite")]
pub mod sqlite;

use crate::db::Driver;
#[cfg(not(all(feature = "postgres", feature = "mysql", feature = "sqlite")))]
use not_compiled::NotCompiled;

/// The driver of each database kind: the one place the kinds are registered. A kind this
/// build leaves out (its cargo feature off) answers every request with an error naming the
/// feature.
pub fn driver(dialect: Dialect) -> &'static dyn Driver {
    match dialect {
        #[cfg(feature = "postgres")]
        Dialect::Postgresql => &postgres::driver::POSTGRES,
        #[cfg(feature = "mysql")]
        Dialect::Mysql => &mysql::driver::MARIADB,
        #[cfg(feature = "sqlite")]
        Dialect::Sqlite => &sqlite::driver::Sqlite,
        #[cfg(not(feature = "postgres"))]
        Dialect::Postgresql => &NotCompiled {
            dialect: Dialect::Postgresql,
            feature: "postgres",
        },
        #[cfg(not(feature = "mysql"))]
        Dialect::Mysql => &NotCompiled {
            dialect: Dialect::Mysql,
            feature: "mysql",
        },
        #[cfg(not(feature = "sqlite"))]
        Dialect::Sqlite => &NotCompiled {
            dialect: Dialect::Sqlite,
            feature: "sqlite",
        },
    }
}

// The diff takes the dialect's answers as a value; the constructor that looks them up
// lives here, beside the registration, so that the diff never depends on the dialects.
impl crate::diff::DiffOptions {
    /// The options for a dialect: its default namespace, every namespace managed, and its
    /// driver's answers to the diff's questions.
    pub fn new(dialect: Dialect) -> Self {
        Self::with_hooks(dialect, driver(dialect).diff_hooks())
    }
}

impl Default for crate::diff::DiffOptions {
    fn default() -> Self {
        Self::new(Dialect::Postgresql)
    }
}

/// The dialect type is the models' own (`schema_runtime::Dialect`), so one name serves a
/// model's variants, a URL scheme and a revision header.
pub use schema_runtime::Dialect;

/// One rendered SQL statement (defined in `statement`, shared by renderers and executor).
pub use crate::statement::Statement;
