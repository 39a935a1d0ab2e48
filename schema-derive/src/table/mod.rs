//! `#[derive(Table)]`, in stages: `input` (darling reads the attributes), `model` (defaults
//! and per-attribute checks), `check` (checks across fields), `codegen` (with
//! `description`, the model as one text). Every error found along the way is reported at
//! once, each at the token to fix.

mod check;
mod codegen;
mod description;
mod input;
mod model;

use darling::{Error, FromDeriveInput, FromField};
use proc_macro2::TokenStream;
use syn::{Data, DeriveInput, Fields, FieldsNamed};

use crate::args::{error_at, error_spanned};
use input::{ColumnInput, TableInput};

/// Expands the derive, or returns the errors as `compile_error!`s.
pub fn expand(input: &DeriveInput) -> TokenStream {
    match model(input) {
        Ok(table) => codegen::table(&table),
        Err(errors) => errors.write_errors(),
    }
}

fn model(input: &DeriveInput) -> darling::Result<model::Table> {
    let fields = named_fields(input)?;
    let mut errors = Error::accumulator();
    if let Some(param) = input.generics.params.first() {
        errors.push(error_spanned(
            param,
            "#[derive(Table)] does not support generic parameters: a table has one fixed set of column types; declare a struct without them",
        ));
    }
    let table_input = errors.handle(TableInput::from_derive_input(input));
    let mut columns = Vec::new();
    let mut skipped = Vec::new();
    let mut all_fields_parsed = true;
    for field in &fields.named {
        let Some(column) = errors.handle(ColumnInput::from_field(field)) else {
            all_fields_parsed = false;
            continue;
        };
        if column.skip.is_present() {
            skipped.extend(column.ident.as_ref().map(|i| i.to_string()));
        }
        columns.extend(model::column(column, &mut errors));
    }
    let Some(table_input) = table_input else {
        return Err(errors
            .finish()
            .err()
            .unwrap_or_else(|| Error::custom("the #[table] attributes could not be read")));
    };
    let table = model::table(&input.ident, table_input, columns, skipped, &mut errors);
    check::table(&table, all_fields_parsed, &mut errors);
    errors.finish_with(table)
}

/// The named fields of a struct, or an error saying what the item is instead.
fn named_fields(input: &DeriveInput) -> darling::Result<&FieldsNamed> {
    let ident = &input.ident;
    let (span, kind) = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => return Ok(named),
            Fields::Unnamed(_) => (ident.span(), "a tuple struct"),
            Fields::Unit => (ident.span(), "a unit struct"),
        },
        Data::Enum(data) => (
            data.enum_token.span,
            "an enum (for a database enum type, use #[derive(DbEnum)])",
        ),
        Data::Union(data) => (data.union_token.span, "a union"),
    };
    Err(error_at(
        span,
        format!("#[derive(Table)] needs a struct with named fields, one per column, but `{ident}` is {kind}"),
    ))
}
