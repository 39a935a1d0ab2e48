//! SQLite: introspection from `sqlite_schema` and the table-valued pragmas ([`inspect`]),
//! the lowering of model types SQLite has no equivalent for ([`normalize`]), declared types
//! ([`types`]) and DDL, with the table rebuild for what `ALTER TABLE` cannot do
//! ([`render`]); connections ([`connect`]), the lock kept in a table ([`lock`]) and the
//! history tables ([`history`]), plugged into the seam by [`driver`].

pub mod alter;
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
pub mod types;
