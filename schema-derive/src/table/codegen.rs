//! Code generation for `#[derive(Table)]`: one `static` describing the model (its
//! declaration as one text, the description, and one function pointer per column for what
//! the field's type says), the `Model` impl that hands it over, the inventory registration,
//! and the compile-time assertions that need the type system (`max_length` on a string
//! type, a nullable primary key hidden behind an alias).

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::{ext::IdentExt, spanned::Spanned};

use super::description;
use super::model::{Column, Table};
use crate::tokens::respan;

/// The whole expansion, inside `const _: () = { ... };`.
pub fn table(table: &Table) -> TokenStream {
    let ident = &table.ident;
    let rust_name = ident.unraw().to_string();
    let description = description::table(table);
    let types = table.columns.iter().map(|column| {
        let ty = &column.ty;
        // Spanned at the field's type, so a type without `SqlType` is reported there.
        quote_spanned!(ty.span()=> ::schema_runtime::__private::field_type::<#ty>)
    });
    let assertions = table.columns.iter().map(|c| assertions(table, c));
    quote! {
        const _: () = {
            static MODEL: ::schema_runtime::__private::StaticTable =
                ::schema_runtime::__private::StaticTable {
                    rust_name: #rust_name,
                    module_path: ::schema_runtime::__private::module_path!(),
                    description: #description,
                    types: &[#(#types),*],
                };

            #[automatically_derived]
            impl ::schema_runtime::Model for #ident {
                fn table_def() -> ::schema_runtime::TableDef {
                    MODEL.to_def()
                }
            }

            ::schema_runtime::__private::inventory::submit! {
                ::schema_runtime::__private::ModelRegistration {
                    build: <#ident as ::schema_runtime::Model>::table_def,
                }
            }

            #(#assertions)*
        };
    }
}

/// Checks only the type system can make, each spanned at the attribute that asks for it.
fn assertions(table: &Table, column: &Column) -> TokenStream {
    let mut out = TokenStream::new();
    if let Some((_, span)) = column.max_length {
        // The type is re-spanned too: rustc reports an unmet bound at the type argument.
        let ty = respan(column.ty.to_token_stream(), span);
        out.extend(quote_spanned! {span=>
            const _: () = {
                fn max_length_needs_a_string_field<T: ::schema_runtime::StringLike>() {}
                let _ = max_length_needs_a_string_field::<#ty>;
            };
        });
    }
    if let Some(span) = key_span(table, column) {
        let ty = &column.ty;
        let message = format!(
            "a primary key cannot be NULL, but the type of field `{}` admits NULL (an alias of `Option`?); use a non-optional type",
            column.field
        );
        out.extend(quote_spanned! {span=>
            const _: () = if <#ty as ::schema_runtime::SqlType>::NULLABLE {
                ::schema_runtime::__private::panic!(#message)
            };
        });
    }
    out
}

/// Where the column was made part of the primary key, if it was.
fn key_span(table: &Table, column: &Column) -> Option<Span> {
    column.primary_key.or_else(|| {
        table
            .primary_key
            .as_ref()?
            .columns
            .iter()
            .find(|c| c.name == column.name)
            .map(|c| c.span)
    })
}
