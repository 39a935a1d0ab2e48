//! Derives for schema-runtime. Use them through `schema_runtime::{Table, DbEnum}`.

use proc_macro::TokenStream;

/// Declares a table.
#[proc_macro_derive(Table, attributes(table, column))]
pub fn derive_table(input: TokenStream) -> TokenStream {
    let _ = input;
    TokenStream::new()
}

/// Declares an enum type.
#[proc_macro_derive(DbEnum, attributes(db_enum))]
pub fn derive_db_enum(input: TokenStream) -> TokenStream {
    let _ = input;
    TokenStream::new()
}
