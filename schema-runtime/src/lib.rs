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
//!
//! A models crate that a binary uses also writes [`models_crate!`] once at its root, with a
//! build script calling `schema_runtime::build::declare_models()` (cargo feature `build`):
//! the binary calls the crate's `link()`, which keeps it linked and tells the registry
//! which models to expect.

#[cfg(feature = "build")]
pub mod build;
pub mod decl;
pub mod dialect;
pub mod naming;
pub mod registry;
pub mod schema;
mod statics;
pub mod types;

pub use decl::{
    CheckDef, ColumnDef, ColumnVariant, ExclusionDef, ForeignKeyDef, IndexDef, TableDef,
    TableVariant, UniqueDef,
};
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

/// Defines the models crate's `pub fn link() -> schema_runtime::registry::Declared`:
/// the models its build script found (see `schema_runtime::build`, cargo feature `build`).
/// Write it once, at the crate root; the binary calls `link()` from its `main`, which keeps
/// the crate (and its models' registrations) in the link and lets the registry check it
/// collected every declared model:
///
/// ```ignore
/// // the models crate's src/lib.rs, with a build.rs calling
/// // schema_runtime::build::declare_models()
/// schema_runtime::models_crate!();
///
/// // the binary
/// let declared = app_schema::link();
/// let schema = declared.collect(schema_runtime::Dialect::Postgresql)?;
/// ```
#[macro_export]
macro_rules! models_crate {
    () => {
        /// Keeps this crate's models in the binary that calls it, and returns the models
        /// its build script found, for the registry's check that none was dropped.
        // Never inlined: the call must reach this crate's object code, or the linker may
        // drop it together with the models' registrations.
        #[inline(never)]
        pub fn link() -> $crate::registry::Declared {
            // A constant table, one entry per model, each behind its own `cfg`.
            static MODELS: &[$crate::registry::DeclaredModel] = ::core::include!(::core::concat!(
                ::core::env!(
                    "OUT_DIR",
                    "schema_runtime::models_crate!() needs a build.rs that calls \
                     schema_runtime::build::declare_models() (cargo feature `build` of \
                     schema-runtime in [build-dependencies])"
                ),
                "/schema_models.rs"
            ));
            $crate::registry::Declared::new(::core::module_path!(), MODELS.to_vec())
        }
    };
}

/// Chooses the naming convention of this models crate: the names its constraints and
/// indexes get where a model states none. Write it once, anywhere in the crate:
///
/// ```
/// // PostgreSQL's own names: orders_pkey, orders_customer_id_fkey, ...
/// schema_runtime::naming_convention!(postgres);
/// ```
///
/// or give templates (any left out keep the default `pk_/uq_/ix_/fk_/ck_` ones):
///
/// ```
/// schema_runtime::naming_convention! {
///     foreign_key = "fk_{table}_{columns}",
///     check = "{table}_{name}_check",
/// }
/// ```
///
/// The placeholders are `{table}`, `{columns}`, `{referred_table}` (foreign keys) and
/// `{name}` (checks); see [`naming::NamingConvention`]. The convention applies to the
/// models of the crate the macro is written in; a second one in the same crate, or a
/// template with an unknown placeholder, is an error from the registry.
#[macro_export]
macro_rules! naming_convention {
    (postgres) => {
        $crate::naming_convention!(@submit $crate::naming::NamingConvention::POSTGRES);
    };
    (default) => {
        $crate::naming_convention!(@submit $crate::naming::NamingConvention::DEFAULT);
    };
    (@submit $convention:expr) => {
        $crate::__private::inventory::submit! {
            $crate::__private::ConventionRegistration {
                module_path: $crate::__private::module_path!(),
                convention: $convention,
            }
        }
    };
    ($($key:ident = $template:literal),+ $(,)?) => {
        $crate::naming_convention!(@submit $crate::naming::NamingConvention {
            $($key: $crate::__private::Option::Some($template),)+
            ..$crate::naming::NamingConvention::UNSET
        });
    };
}

/// Paths used by generated code. Not public API: anything here may change without notice.
#[doc(hidden)]
pub mod __private {
    pub use core::{module_path, panic};
    pub use inventory;
    pub use std::{option::Option, string::String, vec::Vec};

    pub use crate::registry::{ConventionRegistration, ModelRegistration};
    pub use crate::statics::{field_type, FieldType, StaticTable};
}
