//! Derives for schema-runtime: `#[derive(Table)]` and `#[derive(DbEnum)]`. Use them through
//! `schema_runtime::{Table, DbEnum}`; the generated code names only `::schema_runtime` paths.
//!
//! The macros stay thin, in the manner of serde's: read the attributes (darling), build a
//! checked model, check it as a whole, generate code. Every mistake found is reported at once,
//! as a compile error at the attribute or field to fix. The macros do no I/O.

mod args;
mod db_enum;
mod table;
mod text;
mod tokens;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Declares a table: implements `schema_runtime::Model` and registers the model with the
/// registry.
///
/// Table attributes, `#[table(...)]` (several attributes add up): `name` (default: the struct
/// name in snake_case), `schema`, `comment` (default: the doc comment; `comment = ""` for
/// none), `renamed_from`, `primary_key(columns(..))`, `index(name = .., columns(..), unique,
/// where = ..)`, `unique(name = .., columns(..))`, `check(name = .., expr = ..)`,
/// `no_primary_key`; `index`, `unique` and `check` take `dialects("postgresql", ..)` to exist
/// on those dialects only. A dialect block, `postgresql(..)`, `mysql(..)` or `sqlite(..)`,
/// holds the table on that dialect: `name` and `schema` (the qualified name there), and
/// `index(..)`, `unique(..)`, `check(..)` items that replace the declared ones of the same
/// name or add to them.
///
/// Field attributes, `#[column(...)]`: `primary_key`, `identity = bool`, `name`, `sql_type`,
/// `max_length`, `default`, `unique`, `index`, `references = "table.column"` (or
/// `"schema.table.column"`), `on_delete`, `on_update` (`cascade`, `set null`, `set default`,
/// `restrict`, `no action`), `check`, `comment` (default: the field's doc comment),
/// `renamed_from`, `skip`, and dialect blocks `postgresql(..)`, `mysql(..)`, `sqlite(..)`
/// whose `sql_type`, `default` and `check` replace the declared ones on that dialect. The
/// column type comes from the field type's `SqlType` impl.
#[proc_macro_derive(Table, attributes(table, column))]
pub fn derive_table(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    table::expand(&input).into()
}

/// Declares a database enum type for a fieldless enum: implements `schema_runtime::SqlType`,
/// `ArrayElement` and `DbEnumType`.
///
/// `#[db_enum(name = "..", schema = "..", comment = "..")]` on the enum (name default: the
/// enum name in snake_case; comment default: the doc comment), `#[db_enum(rename = "..")]`
/// on a variant (default: the variant name in snake_case).
#[proc_macro_derive(DbEnum, attributes(db_enum))]
pub fn derive_db_enum(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    db_enum::expand(&input).into()
}
