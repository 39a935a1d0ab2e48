//! `#[derive(DbEnum)]`: a fieldless enum becomes a named database enum type. The stored
//! values are the variant names in snake_case unless renamed; the impls give the column type,
//! the enum type declaration, and the conversions to and from the stored spelling.

use darling::{error::Accumulator, Error, FromDeriveInput, FromVariant};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{ext::IdentExt, Attribute, Data, DataEnum, DeriveInput, Fields, Ident};

use crate::args::{error_at, error_spanned, Arg};
use crate::text::{doc_comment, snake_case};
use crate::tokens::{opt_string, string, strings};

/// `#[db_enum(...)]` on the enum.
#[derive(FromDeriveInput)]
#[darling(attributes(db_enum), forward_attrs(doc))]
struct EnumInput {
    attrs: Vec<Attribute>,
    name: Option<Arg<String>>,
    schema: Option<Arg<String>>,
    comment: Option<Arg<String>>,
}

/// `#[db_enum(...)]` on a variant.
#[derive(FromVariant)]
#[darling(attributes(db_enum))]
struct VariantInput {
    ident: Ident,
    rename: Option<Arg<String>>,
}

/// The checked enum.
struct DbEnum {
    ident: Ident,
    name: String,
    schema: Option<String>,
    comment: Option<String>,
    variants: Vec<Variant>,
}

struct Variant {
    ident: Ident,
    value: String,
    /// The `rename` value, or the variant name.
    span: Span,
}

/// Expands the derive, or returns the errors as `compile_error!`s.
pub fn expand(input: &DeriveInput) -> TokenStream {
    match model(input) {
        Ok(db_enum) => codegen(&db_enum),
        Err(errors) => errors.write_errors(),
    }
}

fn model(input: &DeriveInput) -> darling::Result<DbEnum> {
    let data = enum_data(input)?;
    let mut errors = Error::accumulator();
    if let Some(param) = input.generics.params.first() {
        errors.push(error_spanned(
            param,
            "#[derive(DbEnum)] does not support generic parameters: a database enum is a fixed set of names",
        ));
    }
    if data.variants.is_empty() {
        errors.push(error_at(
            input.ident.span(),
            format!(
                "`{}` has no variants, but a database enum needs at least one value",
                input.ident
            ),
        ));
    }
    let enum_input = errors.handle(EnumInput::from_derive_input(input));
    let variants: Vec<Variant> = data
        .variants
        .iter()
        .filter_map(|v| variant(v, &mut errors))
        .collect();
    duplicate_values(&variants, &mut errors);
    let Some(enum_input) = enum_input else {
        return Err(errors
            .finish()
            .err()
            .unwrap_or_else(|| Error::custom("the #[db_enum] attributes could not be read")));
    };
    let rust_name = input.ident.unraw().to_string();
    let name = text_or(enum_input.name, &mut errors).unwrap_or_else(|| snake_case(&rust_name));
    let db_enum = DbEnum {
        ident: input.ident.clone(),
        name,
        schema: text_or(enum_input.schema, &mut errors),
        comment: match enum_input.comment {
            Some(c) if c.value.trim().is_empty() => None,
            Some(c) => Some(c.value),
            None => doc_comment(&enum_input.attrs),
        },
        variants,
    };
    errors.finish_with(db_enum)
}

fn enum_data(input: &DeriveInput) -> darling::Result<&DataEnum> {
    let (span, kind) = match &input.data {
        Data::Enum(data) => return Ok(data),
        Data::Struct(data) => (
            data.struct_token.span,
            "a struct (for a table, use #[derive(Table)])",
        ),
        Data::Union(data) => (data.union_token.span, "a union"),
    };
    Err(error_at(
        span,
        format!(
            "#[derive(DbEnum)] needs an enum whose variants carry no data, but `{}` is {kind}",
            input.ident
        ),
    ))
}

fn text_or(arg: Option<Arg<String>>, errors: &mut Accumulator) -> Option<String> {
    let arg = arg?;
    if arg.value.trim().is_empty() {
        errors.push(error_at(
            arg.span,
            "this value is empty; write one or leave the argument out",
        ));
        return None;
    }
    Some(arg.value)
}

fn variant(variant: &syn::Variant, errors: &mut Accumulator) -> Option<Variant> {
    if !matches!(variant.fields, Fields::Unit) {
        errors.push(error_spanned(
            &variant.fields,
            format!(
                "variant `{}` carries data, but a database enum value is only a name; remove the fields",
                variant.ident
            ),
        ));
    }
    let input = errors.handle(VariantInput::from_variant(variant))?;
    let (value, span) = match input.rename {
        Some(rename) => (text_or(Some(rename.clone()), errors)?, rename.span),
        None => (
            snake_case(&input.ident.unraw().to_string()),
            input.ident.span(),
        ),
    };
    Some(Variant {
        ident: input.ident,
        value,
        span,
    })
}

fn duplicate_values(variants: &[Variant], errors: &mut Accumulator) {
    for (i, variant) in variants.iter().enumerate() {
        if let Some(first) = variants[..i].iter().find(|v| v.value == variant.value) {
            errors.push(error_at(
                variant.span,
                format!(
                    "variants `{}` and `{}` are both stored as `{}`; give one of them another `#[db_enum(rename = \"...\")]`",
                    first.ident, variant.ident, variant.value
                ),
            ));
        }
    }
}

fn codegen(db_enum: &DbEnum) -> TokenStream {
    let ident = &db_enum.ident;
    let name = string(&db_enum.name);
    let schema = opt_string(&db_enum.schema);
    let comment = opt_string(&db_enum.comment);
    let qualified = quote! {
        ::schema_runtime::QualifiedName { schema: #schema, name: #name }
    };
    let values = strings(db_enum.variants.iter().map(|v| v.value.as_str()));
    let literals: Vec<&str> = db_enum.variants.iter().map(|v| v.value.as_str()).collect();
    let idents: Vec<&Ident> = db_enum.variants.iter().map(|v| &v.ident).collect();
    quote! {
        const _: () = {
            #[automatically_derived]
            impl ::schema_runtime::SqlType for #ident {
                fn column_type() -> ::schema_runtime::ColumnType {
                    ::schema_runtime::ColumnType::Enum { name: #qualified }
                }

                fn enum_type() -> ::schema_runtime::__private::Option<::schema_runtime::EnumType> {
                    ::schema_runtime::__private::Option::Some(::schema_runtime::EnumType {
                        name: #qualified,
                        values: #values,
                        comment: #comment,
                    })
                }
            }

            #[automatically_derived]
            impl ::schema_runtime::ArrayElement for #ident {}

            #[automatically_derived]
            impl ::schema_runtime::DbEnumType for #ident {
                const VALUES: &'static [&'static str] = &[#(#literals),*];

                fn as_str(&self) -> &'static str {
                    match self {
                        #(Self::#idents => #literals,)*
                    }
                }

                fn from_db_str(text: &str) -> ::schema_runtime::__private::Option<Self> {
                    match text {
                        #(#literals => ::schema_runtime::__private::Option::Some(Self::#idents),)*
                        _ => ::schema_runtime::__private::Option::None,
                    }
                }
            }
        };
    }
}
