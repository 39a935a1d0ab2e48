//! MySQL 8 and MariaDB 10.5+: connections, the migration lock (`GET_LOCK`), the history
//! tables, catalog introspection from `information_schema`, DDL
//! rendering, and the rewrite of the models into what MySQL can hold (inline enums,
//! canonical defaults and checks). MariaDB is a flavour of the same dialect: one history
//! runs on both, and the few places they differ (how JSON columns and check constraints
//! read back, how defaults are quoted) are decided by [`Flavour`] at introspection time.

pub mod backup;
pub mod connect;
pub mod diff;
pub mod driver;
pub mod history;
pub mod inspect;
pub mod lock;
pub mod normalize;
pub mod quote;
pub mod render;
pub mod tls;
pub mod types;

/// Which server speaks the MySQL protocol on the other end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    /// Oracle MySQL 8.
    Mysql,
    /// MariaDB.
    Mariadb,
}

impl Flavour {
    /// The flavour a `SELECT version()` string names.
    pub fn from_version(version: &str) -> Self {
        if version.to_ascii_lowercase().contains("mariadb") {
            Self::Mariadb
        } else {
            Self::Mysql
        }
    }
}
