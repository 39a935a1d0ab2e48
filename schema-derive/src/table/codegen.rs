//! Code generation for `#[derive(Table)]`: one `static` describing the model (plain data,
//! turned into the `TableDef` by `schema_runtime`'s one conversion, so a model costs the
//! compiler data rather than code), the `Model` impl that hands it over, the inventory
//! registration, and the compile-time assertions that need the type system
//! (`max_length` on a string type, a nullable primary key hidden behind an alias).

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::{ext::IdentExt, spanned::Spanned};

use super::model::{
    Check, Column, ColumnVariant, Exclusion, ForeignKey, Index, ReferentialAction, Table,
    TableVariant, Unique,
};
use crate::args::{ColumnRef, DialectName, IdentityArg};
use crate::tokens::{opt_bool, opt_str, respan, slice, strs};

/// The whole expansion, inside `const _: () = { ... };`.
pub fn table(table: &Table) -> TokenStream {
    let ident = &table.ident;
    let rust_name = ident.unraw().to_string();
    let name = &table.name;
    let schema = opt_str(&table.schema);
    let comment = opt_str(&table.comment);
    let renamed_from = opt_str(&table.renamed_from);
    let partition_by = opt_str(&table.partition_by);
    let columns = slice(table.columns.iter().map(column));
    let primary_key_name = opt_str(&table.primary_key.as_ref().and_then(|k| k.name.clone()));
    let primary_key = match table.primary_key.as_ref().filter(|k| !k.columns.is_empty()) {
        Some(key) => {
            let names = strs(key.columns.iter().map(|c| c.name.as_str()));
            quote!(::schema_runtime::__private::Option::Some(#names))
        }
        None => quote!(::schema_runtime::__private::Option::None),
    };
    let indexes = slice(table.indexes.iter().map(index));
    let uniques = slice(table.uniques.iter().map(unique));
    let checks = slice(table.checks.iter().map(check));
    let foreign_keys = slice(table.foreign_keys.iter().map(foreign_key));
    let exclusions = slice(table.exclusions.iter().map(exclusion));
    let no_primary_key = table.no_primary_key.is_some();
    let variants = slice(table.variants.iter().map(table_variant));
    let assertions = table.columns.iter().map(|c| assertions(table, c));
    quote! {
        const _: () = {
            static MODEL: ::schema_runtime::__private::StaticTable =
                ::schema_runtime::__private::StaticTable {
                    rust_name: #rust_name,
                    module_path: ::schema_runtime::__private::module_path!(),
                    name: #name,
                    schema: #schema,
                    comment: #comment,
                    renamed_from: #renamed_from,
                    columns: #columns,
                    primary_key: #primary_key,
                    primary_key_name: #primary_key_name,
                    foreign_keys: #foreign_keys,
                    indexes: #indexes,
                    uniques: #uniques,
                    checks: #checks,
                    exclusions: #exclusions,
                    partition_by: #partition_by,
                    no_primary_key: #no_primary_key,
                    variants: #variants,
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

fn column(column: &Column) -> TokenStream {
    let ty = &column.ty;
    // Spanned at the field's type, so a type without `SqlType` is reported there.
    let sql = quote_spanned!(ty.span()=> <#ty as ::schema_runtime::SqlType>);
    let field = &column.field;
    let name = &column.name;
    // Only what differs from a plain column is written: the rest comes from `of`.
    let mut set = Vec::new();
    let some = |value: TokenStream| quote!(::schema_runtime::__private::Option::Some(#value));
    let texts = [
        ("sql_type", &column.sql_type),
        ("default", &column.default),
        ("generated", &column.generated),
        ("references", &column.references),
        ("fk_name", &column.fk_name),
        ("check", &column.check),
        ("collation", &column.collation),
        ("comment", &column.comment),
        ("renamed_from", &column.renamed_from),
    ];
    for (key, value) in texts {
        if let Some(value) = value {
            set.push((key, some(quote!(#value))));
        }
    }
    if let Some((n, _)) = column.max_length {
        set.push(("max_length", some(quote!(#n))));
    }
    if let Some((value, _)) = column.identity {
        let on = value != IdentityArg::On(false);
        set.push(("identity", opt_bool(Some(on))));
    }
    for (key, value) in [
        ("identity_start", column.identity_start),
        ("identity_increment", column.identity_increment),
    ] {
        if let Some(value) = value {
            set.push((key, some(quote!(#value))));
        }
    }
    let flags = [
        ("primary_key", column.primary_key.is_some()),
        (
            "identity_always",
            matches!(column.identity, Some((IdentityArg::Always, _))),
        ),
        ("generated_virtual", column.generated_virtual),
        ("unique", column.unique),
        ("index", column.index),
        ("external", column.external),
    ];
    for (key, on) in flags {
        if on {
            set.push((key, quote!(true)));
        }
    }
    for (key, value) in [
        ("on_delete", column.on_delete),
        ("on_update", column.on_update),
    ] {
        if value.is_some() {
            set.push((key, action(value)));
        }
    }
    if !column.variants.is_empty() {
        set.push((
            "variants",
            slice(column.variants.iter().map(column_variant)),
        ));
    }
    let set = set.into_iter().map(|(key, value)| {
        let key = syn::Ident::new(key, Span::call_site());
        quote!(#key: #value,)
    });
    quote! {
        ::schema_runtime::__private::StaticColumn {
            #(#set)*
            ..::schema_runtime::__private::StaticColumn::of(
                #field,
                #name,
                #sql::column_type,
                #sql::NULLABLE,
                #sql::enum_type,
            )
        }
    }
}

fn dialect(dialect: DialectName) -> TokenStream {
    let variant = syn::Ident::new(dialect.variant(), Span::call_site());
    quote!(::schema_runtime::Dialect::#variant)
}

fn dialects(dialects: &[DialectName]) -> TokenStream {
    slice(dialects.iter().copied().map(dialect))
}

fn table_variant(variant: &TableVariant) -> TokenStream {
    let dialect = dialect(variant.dialect);
    let name = opt_str(&variant.name);
    let schema = opt_str(&variant.schema);
    let indexes = slice(variant.indexes.iter().map(index));
    let uniques = slice(variant.uniques.iter().map(unique));
    let checks = slice(variant.checks.iter().map(check));
    quote! {
        ::schema_runtime::__private::StaticTableVariant {
            dialect: #dialect,
            name: #name,
            schema: #schema,
            indexes: #indexes,
            uniques: #uniques,
            checks: #checks,
        }
    }
}

fn column_variant(variant: &ColumnVariant) -> TokenStream {
    let dialect = dialect(variant.dialect);
    let sql_type = opt_str(&variant.sql_type);
    let default = opt_str(&variant.default);
    let check = opt_str(&variant.check);
    let collation = opt_str(&variant.collation);
    let autoincrement = variant.autoincrement;
    quote! {
        ::schema_runtime::__private::StaticColumnVariant {
            dialect: #dialect,
            sql_type: #sql_type,
            default: #default,
            check: #check,
            collation: #collation,
            autoincrement: #autoincrement,
        }
    }
}

fn action(action: Option<ReferentialAction>) -> TokenStream {
    match action {
        Some(action) => {
            let variant = syn::Ident::new(action.variant(), Span::call_site());
            quote!(::schema_runtime::__private::Option::Some(
                ::schema_runtime::schema::ForeignKeyAction::#variant
            ))
        }
        None => quote!(::schema_runtime::__private::Option::None),
    }
}

fn index(index: &Index) -> TokenStream {
    let name = opt_str(&index.name);
    let columns = column_names(&index.columns);
    let unique = index.unique;
    let predicate = opt_str(&index.predicate);
    let parts = strs(index.parts.iter().map(String::as_str));
    let method = opt_str(&index.method);
    let include = column_names(&index.include);
    let nulls_not_distinct = index.nulls_not_distinct;
    let dialects = dialects(&index.dialects);
    quote! {
        ::schema_runtime::__private::StaticIndex {
            name: #name,
            columns: #columns,
            unique: #unique,
            predicate: #predicate,
            parts: #parts,
            method: #method,
            include: #include,
            nulls_not_distinct: #nulls_not_distinct,
            dialects: #dialects,
        }
    }
}

fn unique(unique: &Unique) -> TokenStream {
    let name = opt_str(&unique.name);
    let columns = column_names(&unique.columns);
    let dialects = dialects(&unique.dialects);
    quote! {
        ::schema_runtime::__private::StaticUnique {
            name: #name,
            columns: #columns,
            dialects: #dialects,
        }
    }
}

fn check(check: &Check) -> TokenStream {
    let name = &check.name;
    let expression = &check.expression;
    let verbatim = check.verbatim;
    let not_valid = check.not_valid;
    let dialects = dialects(&check.dialects);
    quote! {
        ::schema_runtime::__private::StaticCheck {
            name: #name,
            expression: #expression,
            verbatim: #verbatim,
            not_valid: #not_valid,
            dialects: #dialects,
        }
    }
}

fn exclusion(exclusion: &Exclusion) -> TokenStream {
    let name = &exclusion.name;
    let method = opt_str(&exclusion.method);
    let elements = strs(exclusion.elements.iter().map(String::as_str));
    let predicate = opt_str(&exclusion.predicate);
    let deferrable = exclusion.deferrable;
    let initially_deferred = exclusion.initially_deferred;
    let dialects = dialects(&exclusion.dialects);
    quote! {
        ::schema_runtime::__private::StaticExclusion {
            name: #name,
            method: #method,
            elements: #elements,
            predicate: #predicate,
            deferrable: #deferrable,
            initially_deferred: #initially_deferred,
            dialects: #dialects,
        }
    }
}

fn foreign_key(key: &ForeignKey) -> TokenStream {
    let name = opt_str(&key.name);
    let columns = column_names(&key.columns);
    let referenced_table = &key.referenced_table;
    let referenced_columns = column_names(&key.referenced_columns);
    let on_delete = action(key.on_delete);
    let on_update = action(key.on_update);
    let deferrable = key.deferrable;
    let initially_deferred = key.initially_deferred;
    let external = key.external;
    let not_valid = key.not_valid;
    let dialects = dialects(&key.dialects);
    quote! {
        ::schema_runtime::__private::StaticForeignKey {
            name: #name,
            columns: #columns,
            referenced_table: #referenced_table,
            referenced_columns: #referenced_columns,
            on_delete: #on_delete,
            on_update: #on_update,
            deferrable: #deferrable,
            initially_deferred: #initially_deferred,
            external: #external,
            not_valid: #not_valid,
            dialects: #dialects,
        }
    }
}

fn column_names(columns: &[ColumnRef]) -> TokenStream {
    strs(columns.iter().map(|c| c.name.as_str()))
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
