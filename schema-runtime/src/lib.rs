//! The runtime half of the schema toolkit: the schema model ([`schema`]), the [`SqlType`]
//! trait that maps Rust field types to column types, the declarations `#[derive(Table)]`
//! emits ([`decl`]), and the [`registry`] that collects every model linked into a binary
//! and validates them as one [`Schema`].
//!
//! Add this crate as your one dependency; it re-exports the derives:
//!
//! ```
//! use schema_runtime::{DbEnum, Model, Table};
//!
//! #[derive(DbEnum)]
//! pub enum Status { Open, Closed }
//!
//! /// A ticket.
//! #[derive(Table)]
//! pub struct Ticket {
//!     #[column(primary_key)]
//!     pub id: i64,
//!     pub status: Status,
//! }
//!
//! let def = Ticket::table_def();
//! assert_eq!(def.name, "ticket");
//! assert_eq!(def.comment.as_deref(), Some("A ticket."));
//! ```

pub mod decl;
pub mod dialect;
pub mod naming;
pub mod registry;
pub mod schema;
pub mod types;

pub use decl::{CheckDef, ColumnDef, ColumnVariant, IndexDef, TableDef, TableVariant, UniqueDef};
pub use dialect::Dialect;
pub use registry::{Model, ModelProblem, RegistryError};
pub use schema::{ColumnType, EnumType, QualifiedName, Schema};
pub use schema_derive::{DbEnum, Table};
pub use types::{parse_sql_type, ArrayElement, SqlType, StringLike};

/// A `#[derive(DbEnum)]` type: a closed set of values stored as a named enum type.
pub trait DbEnumType: SqlType + Sized + 'static {
    /// The values as stored in the database, in declaration order.
    const VALUES: &'static [&'static str];

    /// The stored spelling of this value.
    fn as_str(&self) -> &'static str;

    /// The value with this stored spelling.
    fn from_db_str(text: &str) -> Option<Self>;
}

/// Paths used by generated code. Not public API: anything here may change without notice.
#[doc(hidden)]
pub mod __private {
    pub use core::{module_path, panic};
    pub use inventory;
    pub use std::{option::Option, string::String, vec::Vec};

    pub use crate::registry::ModelRegistration;
}
