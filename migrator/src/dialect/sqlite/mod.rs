//! SQLite: introspection from `sqlite_schema` and the table-valued pragmas ([`inspect`]),
//! the lowering of model types SQLite has no equivalent for ([`normalize`]), declared types
//! ([`types`]) and DDL, with the table rebuild for what `ALTER TABLE` cannot do
//! ([`render`]). Connections, the lock and the history tables live in `db::sqlite`.

pub mod inspect;
pub mod normalize;
pub mod render;
pub mod types;
