//! Code generation for `#[derive(Table)]`: the `Model` impl that builds the `TableDef`, the
//! inventory registration, and the compile-time assertions that need the type system
//! (`max_length` on a string type, a nullable primary key hidden behind an alias).

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::{ext::IdentExt, spanned::Spanned};

use super::model::{
    Check, Column, ColumnVariant, Exclusion, ForeignKey, Index, ReferentialAction, Table,
    TableVariant, Unique,
};
use crate::args::{ColumnRef, DialectName, IdentityArg};
use crate::tokens::{opt_bool, opt_string, respan, string, strings, vec};

/// The whole expansion, inside `const _: () = { ... };`.
pub fn table(table: &Table) -> TokenStream {
    let ident = &table.ident;
    let rust_name = ident.unraw().to_string();
    let name = string(&table.name);
    let schema = opt_string(&table.schema);
    let comment = opt_string(&table.comment);
    let renamed_from = opt_string(&table.renamed_from);
    let partition_by = opt_string(&table.partition_by);
    let columns = vec(table.columns.iter().map(column));
    let primary_key_name = opt_string(&table.primary_key.as_ref().and_then(|k| k.name.clone()));
    let primary_key = match table.primary_key.as_ref().filter(|k| !k.columns.is_empty()) {
        Some(key) => {
            let names = strings(key.columns.iter().map(|c| c.name.as_str()));
            quote!(::schema_runtime::__private::Option::Some(#names))
        }
        None => quote!(::schema_runtime::__private::Option::None),
    };
    let indexes = vec(table.indexes.iter().map(index));
    let uniques = vec(table.uniques.iter().map(unique));
    let checks = vec(table.checks.iter().map(check));
    let foreign_keys = vec(table.foreign_keys.iter().map(foreign_key));
    let exclusions = vec(table.exclusions.iter().map(exclusion));
    let no_primary_key = table.no_primary_key.is_some();
    let variants = vec(table.variants.iter().map(table_variant));
    let assertions = table.columns.iter().map(|c| assertions(table, c));
    quote! {
        const _: () = {
            #[automatically_derived]
            impl ::schema_runtime::Model for #ident {
                fn table_def() -> ::schema_runtime::TableDef {
                    ::schema_runtime::TableDef {
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
                    }
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
    let name = string(&column.name);
    let sql_type = opt_string(&column.sql_type);
    let max_length = match column.max_length {
        Some((n, _)) => quote!(::schema_runtime::__private::Option::Some(#n)),
        None => quote!(::schema_runtime::__private::Option::None),
    };
    let primary_key = column.primary_key.is_some();
    let identity = opt_bool(
        column
            .identity
            .map(|(value, _)| value != IdentityArg::On(false)),
    );
    let identity_always = matches!(column.identity, Some((IdentityArg::Always, _)));
    let opt_i64 = |value: Option<i64>| match value {
        Some(value) => quote!(::schema_runtime::__private::Option::Some(#value)),
        None => quote!(::schema_runtime::__private::Option::None),
    };
    let identity_start = opt_i64(column.identity_start);
    let identity_increment = opt_i64(column.identity_increment);
    let default = opt_string(&column.default);
    let generated = opt_string(&column.generated);
    let generated_virtual = column.generated_virtual;
    let unique = column.unique;
    let index = column.index;
    let references = opt_string(&column.references);
    let fk_name = opt_string(&column.fk_name);
    let external = column.external;
    let on_delete = action(column.on_delete);
    let on_update = action(column.on_update);
    let check = opt_string(&column.check);
    let collation = opt_string(&column.collation);
    let comment = opt_string(&column.comment);
    let renamed_from = opt_string(&column.renamed_from);
    let variants = vec(column.variants.iter().map(column_variant));
    quote! {
        ::schema_runtime::ColumnDef {
            field: #field,
            name: #name,
            ty: #sql::column_type(),
            nullable: #sql::NULLABLE,
            enum_type: #sql::enum_type(),
            sql_type: #sql_type,
            max_length: #max_length,
            primary_key: #primary_key,
            identity: #identity,
            identity_always: #identity_always,
            identity_start: #identity_start,
            identity_increment: #identity_increment,
            autoincrement: false,
            default: #default,
            generated: #generated,
            generated_virtual: #generated_virtual,
            unique: #unique,
            index: #index,
            references: #references,
            fk_name: #fk_name,
            external: #external,
            on_delete: #on_delete,
            on_update: #on_update,
            check: #check,
            collation: #collation,
            comment: #comment,
            renamed_from: #renamed_from,
            variants: #variants,
        }
    }
}

fn dialect(dialect: DialectName) -> TokenStream {
    let variant = syn::Ident::new(dialect.variant(), Span::call_site());
    quote!(::schema_runtime::Dialect::#variant)
}

fn dialects(dialects: &[DialectName]) -> TokenStream {
    vec(dialects.iter().copied().map(dialect))
}

fn table_variant(variant: &TableVariant) -> TokenStream {
    let dialect = dialect(variant.dialect);
    let name = opt_string(&variant.name);
    let schema = opt_string(&variant.schema);
    let indexes = vec(variant.indexes.iter().map(index));
    let uniques = vec(variant.uniques.iter().map(unique));
    let checks = vec(variant.checks.iter().map(check));
    quote! {
        ::schema_runtime::TableVariant {
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
    let sql_type = opt_string(&variant.sql_type);
    let default = opt_string(&variant.default);
    let check = opt_string(&variant.check);
    let collation = opt_string(&variant.collation);
    let autoincrement = variant.autoincrement;
    quote! {
        ::schema_runtime::ColumnVariant {
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
    let name = opt_string(&index.name);
    let columns = column_names(&index.columns);
    let unique = index.unique;
    let predicate = opt_string(&index.predicate);
    let parts = strings(index.parts.iter().map(String::as_str));
    let method = opt_string(&index.method);
    let include = column_names(&index.include);
    let nulls_not_distinct = index.nulls_not_distinct;
    let dialects = dialects(&index.dialects);
    quote! {
        ::schema_runtime::IndexDef {
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
    let name = opt_string(&unique.name);
    let columns = column_names(&unique.columns);
    let dialects = dialects(&unique.dialects);
    quote! {
        ::schema_runtime::UniqueDef {
            name: #name,
            columns: #columns,
            dialects: #dialects,
        }
    }
}

fn check(check: &Check) -> TokenStream {
    let name = string(&check.name);
    let expression = string(&check.expression);
    let verbatim = check.verbatim;
    let not_valid = check.not_valid;
    let dialects = dialects(&check.dialects);
    quote! {
        ::schema_runtime::CheckDef {
            name: #name,
            expression: #expression,
            verbatim: #verbatim,
            not_valid: #not_valid,
            dialects: #dialects,
        }
    }
}

fn exclusion(exclusion: &Exclusion) -> TokenStream {
    let name = string(&exclusion.name);
    let method = opt_string(&exclusion.method);
    let elements = strings(exclusion.elements.iter().map(String::as_str));
    let predicate = opt_string(&exclusion.predicate);
    let deferrable = exclusion.deferrable;
    let initially_deferred = exclusion.initially_deferred;
    let dialects = dialects(&exclusion.dialects);
    quote! {
        ::schema_runtime::ExclusionDef {
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
    let name = opt_string(&key.name);
    let columns = column_names(&key.columns);
    let referenced_table = string(&key.referenced_table);
    let referenced_columns = column_names(&key.referenced_columns);
    let on_delete = action(key.on_delete);
    let on_update = action(key.on_update);
    let deferrable = key.deferrable;
    let initially_deferred = key.initially_deferred;
    let external = key.external;
    let not_valid = key.not_valid;
    let dialects = dialects(&key.dialects);
    quote! {
        ::schema_runtime::ForeignKeyDef {
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
    strings(columns.iter().map(|c| c.name.as_str()))
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
