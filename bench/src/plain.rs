//! The baseline of the models crate's build time: the same crate with the derives taken
//! out. The same structs, fields and field types, without `#[derive(Table)]`,
//! `#[derive(DbEnum)]`, their attributes and the crate macros, so the difference between
//! the two builds is what the derives add.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use syn::punctuated::Punctuated;
use syn::{Attribute, Item, Meta, Path as SynPath, Token};

/// Writes the crate at `models` without its derives to `plain`, as the package `name`.
pub fn write(models: &Path, plain: &Path, name: &str) -> Result<()> {
    if plain.exists() {
        fs::remove_dir_all(plain)?;
    }
    fs::create_dir_all(plain.join("src"))?;
    let manifest = fs::read_to_string(models.join("Cargo.toml"))?;
    // The build script and its dependency list the models for `link()`, which is gone.
    let manifest = manifest
        .split("[build-dependencies]")
        .next()
        .unwrap_or_default();
    let mut renamed = String::new();
    for line in manifest.lines() {
        if line.starts_with("name = ") {
            renamed.push_str(&format!("name = \"{name}\"\n"));
        } else {
            renamed.push_str(line);
            renamed.push('\n');
        }
    }
    fs::write(plain.join("Cargo.toml"), renamed)?;
    for entry in fs::read_dir(models.join("src"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            let source = fs::read_to_string(&path)?;
            let file = syn::parse_file(&source)
                .with_context(|| format!("cannot parse {}", path.display()))?;
            let file = strip(file);
            let target = plain
                .join("src")
                .join(path.file_name().context("a file name")?);
            fs::write(target, prettyplease::unparse(&file))?;
        }
    }
    Ok(())
}

/// The file without the derives, their attributes, the crate macros and the imports of
/// `schema_runtime`.
fn strip(mut file: syn::File) -> syn::File {
    file.items.retain(|item| match item {
        Item::Macro(_) => false,
        Item::Use(item) => {
            !matches!(&item.tree, syn::UseTree::Path(p) if p.ident == "schema_runtime")
        }
        _ => true,
    });
    for item in &mut file.items {
        match item {
            Item::Struct(item) => {
                item.attrs = attributes(&item.attrs);
                for field in &mut item.fields {
                    field.attrs = attributes(&field.attrs);
                }
            }
            Item::Enum(item) => {
                item.attrs = attributes(&item.attrs);
                for variant in &mut item.variants {
                    variant.attrs = attributes(&variant.attrs);
                }
            }
            _ => {}
        }
    }
    file
}

/// `attrs` without the derives' own attributes, and derive lists without `Table` and
/// `DbEnum`.
fn attributes(attrs: &[Attribute]) -> Vec<Attribute> {
    let mut kept = Vec::new();
    for attr in attrs {
        let path = attr.path();
        if ["table", "column", "db_enum"]
            .iter()
            .any(|own| path.is_ident(own))
        {
            continue;
        }
        if path.is_ident("derive") {
            let Ok(list) = attr.parse_args_with(Punctuated::<SynPath, Token![,]>::parse_terminated)
            else {
                kept.push(attr.clone());
                continue;
            };
            let others: Punctuated<SynPath, Token![,]> = list
                .into_iter()
                .filter(|p| !p.is_ident("Table") && !p.is_ident("DbEnum"))
                .collect();
            if !others.is_empty() {
                let mut attr = attr.clone();
                if let Meta::List(meta) = &mut attr.meta {
                    meta.tokens = quote::quote!(#others);
                }
                kept.push(attr);
            }
            continue;
        }
        kept.push(attr.clone());
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::strip;

    #[test]
    fn the_derives_and_their_attributes_go_and_the_rest_stays() {
        let file = syn::parse_file(
            r#"
            use schema_runtime::Table;
            schema_runtime::models_crate!();
            pub mod orders;
            /// Orders.
            #[derive(Table, Debug)]
            #[table(
                name = "orders",
                index(columns("a"))
            )]
            pub struct Order {
                #[column(primary_key)]
                pub id: i64,
            }
            #[derive(DbEnum)]
            #[db_enum(name = "state")]
            pub enum State { #[db_enum(rename = "x")] X }
            "#,
        );
        let Ok(file) = file else {
            panic!("{file:?}");
        };
        let text = prettyplease::unparse(&strip(file));
        let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(
            text,
            "pub mod orders; /// Orders. #[derive(Debug)] pub struct Order { pub id: i64, } pub enum State { X, }"
        );
    }
}
