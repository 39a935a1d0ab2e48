//! The `#[table(...)]` and `#[column(...)]` attributes as written, parsed by darling. Nothing
//! here is validated beyond the form of each value; see `model` and `check` for that.

use darling::{FromDeriveInput, FromField, FromMeta};
use syn::{Attribute, Ident, Type};

use crate::args::{Arg, ColumnList, DialectList, IdentityArg, Item, ListValue, Word};

/// The struct-level `#[table(...)]` attributes (several may be written; they add up).
#[derive(FromDeriveInput)]
#[darling(attributes(table), forward_attrs(doc))]
pub struct TableInput {
    /// The `///` lines.
    pub attrs: Vec<Attribute>,
    pub name: Option<Arg<String>>,
    pub schema: Option<Arg<String>>,
    pub comment: Option<Arg<String>>,
    pub renamed_from: Option<Arg<String>>,
    pub partition_by: Option<Arg<String>>,
    pub primary_key: Option<Item<KeyInput>>,
    #[darling(multiple)]
    pub index: Vec<Item<IndexInput>>,
    #[darling(multiple)]
    pub unique: Vec<Item<UniqueInput>>,
    #[darling(multiple)]
    pub check: Vec<Item<CheckInput>>,
    #[darling(multiple)]
    pub foreign_key: Vec<Item<ForeignKeyInput>>,
    #[darling(multiple)]
    pub exclude: Vec<Item<ExcludeInput>>,
    pub no_primary_key: Word,
    /// Dialect blocks; several for one dialect add up, as `#[table]` attributes do.
    #[darling(multiple)]
    pub postgresql: Vec<Item<TableVariantInput>>,
    #[darling(multiple)]
    pub mysql: Vec<Item<TableVariantInput>>,
    #[darling(multiple)]
    pub sqlite: Vec<Item<TableVariantInput>>,
}

/// `sqlite(name = "..", schema = "..", index(..), unique(..), check(..))`: the table on one
/// dialect.
#[derive(FromMeta)]
pub struct TableVariantInput {
    pub name: Option<Arg<String>>,
    pub schema: Option<Arg<String>>,
    #[darling(multiple)]
    pub index: Vec<Item<IndexInput>>,
    #[darling(multiple)]
    pub unique: Vec<Item<UniqueInput>>,
    #[darling(multiple)]
    pub check: Vec<Item<CheckInput>>,
}

impl ListValue for TableVariantInput {
    const USAGE: &'static str = "sqlite(name = \"audit_events\")";
}

/// `sqlite(sql_type = "..", default = "..", check = "..")`: a column's SQL on one dialect.
#[derive(FromMeta)]
pub struct ColumnVariantInput {
    pub sql_type: Option<Arg<String>>,
    pub default: Option<Arg<String>>,
    pub check: Option<Arg<String>>,
    pub collation: Option<Arg<String>>,
    pub autoincrement: Word,
}

impl ListValue for ColumnVariantInput {
    const USAGE: &'static str = "sqlite(sql_type = \"json\", default = \"'[]'\")";
}

/// `primary_key(name = "..", columns(...))`.
#[derive(FromMeta)]
pub struct KeyInput {
    pub name: Option<Arg<String>>,
    pub columns: Option<Item<ColumnList>>,
}

impl ListValue for KeyInput {
    const USAGE: &'static str = "primary_key(columns(\"order_id\", \"line\"))";
}

/// `index(name = "..", columns(..) | parts(..), unique, where = "..", method = "..",
/// include(..), nulls_not_distinct)`.
#[derive(FromMeta)]
pub struct IndexInput {
    pub name: Option<Arg<String>>,
    pub columns: Option<Item<ColumnList>>,
    pub parts: Option<Item<ColumnList>>,
    pub unique: Word,
    #[darling(rename = "where")]
    pub predicate: Option<Arg<String>>,
    pub method: Option<Arg<String>>,
    pub include: Option<Item<ColumnList>>,
    pub nulls_not_distinct: Word,
    pub dialects: Option<Item<DialectList>>,
}

impl ListValue for IndexInput {
    const USAGE: &'static str = "index(columns(\"customer_id\", \"created_at\"))";
}

/// `unique(name = "..", columns(..))`.
#[derive(FromMeta)]
pub struct UniqueInput {
    pub name: Option<Arg<String>>,
    pub columns: Option<Item<ColumnList>>,
    pub dialects: Option<Item<DialectList>>,
}

impl ListValue for UniqueInput {
    const USAGE: &'static str = "unique(columns(\"customer_id\", \"reference\"))";
}

/// `check(name = "..", expr = "..", verbatim)`.
#[derive(FromMeta)]
pub struct CheckInput {
    pub name: Option<Arg<String>>,
    pub expr: Option<Arg<String>>,
    pub verbatim: Word,
    pub not_valid: Word,
    pub dialects: Option<Item<DialectList>>,
}

impl ListValue for CheckInput {
    const USAGE: &'static str = "check(name = \"total_non_negative\", expr = \"total >= 0\")";
}

/// `exclude(name = "..", using = "gist", elements(..), where = "..", deferrable,
/// initially_deferred)`.
#[derive(FromMeta)]
pub struct ExcludeInput {
    pub name: Option<Arg<String>>,
    pub using: Option<Arg<String>>,
    pub elements: Option<Item<ColumnList>>,
    #[darling(rename = "where")]
    pub predicate: Option<Arg<String>>,
    pub deferrable: Word,
    pub initially_deferred: Word,
    pub dialects: Option<Item<DialectList>>,
}

impl ListValue for ExcludeInput {
    const USAGE: &'static str =
        "exclude(name = \"no_double_booking\", elements(\"room_id WITH =\", \"during WITH &&\"))";
}

/// `foreign_key(name = "..", columns(..), references(table = "..", columns(..)),
/// on_delete = "..", on_update = "..", deferrable, initially_deferred, external)`.
#[derive(FromMeta)]
pub struct ForeignKeyInput {
    pub name: Option<Arg<String>>,
    pub columns: Option<Item<ColumnList>>,
    pub references: Option<Item<TargetInput>>,
    pub on_delete: Option<Arg<String>>,
    pub on_update: Option<Arg<String>>,
    pub deferrable: Word,
    pub initially_deferred: Word,
    pub external: Word,
    pub not_valid: Word,
    pub dialects: Option<Item<DialectList>>,
}

impl ListValue for ForeignKeyInput {
    const USAGE: &'static str = "foreign_key(columns(\"order_id\", \"line\"), references(table = \"order_lines\", columns(\"order_id\", \"line\")))";
}

/// `references(table = "..", columns(..))` inside `foreign_key(...)`.
#[derive(FromMeta)]
pub struct TargetInput {
    pub table: Option<Arg<String>>,
    pub columns: Option<Item<ColumnList>>,
}

impl ListValue for TargetInput {
    const USAGE: &'static str =
        "references(table = \"order_lines\", columns(\"order_id\", \"line\"))";
}

/// One field with its `#[column(...)]` attributes.
#[derive(FromField)]
#[darling(attributes(column), forward_attrs(doc))]
pub struct ColumnInput {
    pub ident: Option<Ident>,
    pub ty: Type,
    /// The `///` lines.
    pub attrs: Vec<Attribute>,
    pub primary_key: Word,
    pub identity: Option<Arg<IdentityArg>>,
    pub identity_start: Option<Arg<i64>>,
    pub identity_increment: Option<Arg<i64>>,
    pub name: Option<Arg<String>>,
    pub sql_type: Option<Arg<String>>,
    pub max_length: Option<Arg<u32>>,
    pub default: Option<Arg<String>>,
    pub generated: Option<Arg<String>>,
    pub generated_virtual: Word,
    pub unique: Word,
    pub index: Word,
    pub references: Option<Arg<String>>,
    pub fk_name: Option<Arg<String>>,
    pub external: Word,
    pub on_delete: Option<Arg<String>>,
    pub on_update: Option<Arg<String>>,
    pub check: Option<Arg<String>>,
    pub collation: Option<Arg<String>>,
    pub comment: Option<Arg<String>>,
    pub renamed_from: Option<Arg<String>>,
    pub skip: Word,
    pub postgresql: Option<Item<ColumnVariantInput>>,
    pub mysql: Option<Item<ColumnVariantInput>>,
    pub sqlite: Option<Item<ColumnVariantInput>>,
}
