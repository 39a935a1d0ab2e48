//! The generated models as Rust source: written as text, then parsed with `syn` (so that
//! only valid Rust leaves here) and laid out by `prettyplease`.

use std::collections::BTreeSet;

use super::declare::{literal, EnumSource, FieldSource, ModelSource};
use super::kinds::AdoptError;

/// The longest attribute that holds several items; longer ones are split.
const LINE: usize = 80;

/// Lays out `text` as `rustfmt` would, after checking it parses, with a blank line between
/// top-level items (which `prettyplease` leaves out).
pub fn format(text: &str, what: &str) -> Result<String, AdoptError> {
    let file = syn::parse_file(text).map_err(|e| AdoptError::Source {
        what: what.to_string(),
        message: e.to_string(),
    })?;
    let laid_out = prettyplease::unparse(&file);
    let mut out = String::with_capacity(laid_out.len() + 256);
    let mut previous = "";
    for line in laid_out.lines() {
        let top = !line.starts_with(' ') && !line.is_empty();
        let starts_item = top && !line.starts_with('}') && !line.starts_with(')');
        let kind = |l: &str| l.split_whitespace().next().unwrap_or("").to_string();
        let separate = starts_item
            && !previous.is_empty()
            && (previous == "}"
                || previous.starts_with("//!") && !line.starts_with("//!")
                || (previous.ends_with(';')
                    && !previous.starts_with(' ')
                    && kind(previous) != kind(line)));
        if separate {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        previous = line;
    }
    Ok(out)
}

fn doc_lines(out: &mut String, doc: Option<&str>, indent: &str) {
    if let Some(doc) = doc {
        for line in doc.split('\n') {
            out.push_str(&format!(
                "{indent}#[doc = {}]\n",
                literal(&format!(" {line}"))
            ));
        }
    }
}

/// The items in as few `#[name(..)]` attributes as keep each within [`LINE`] (an item
/// longer than that gets one of its own).
fn attributes(out: &mut String, name: &str, items: &[String], indent: &str) {
    let mut group: Vec<&str> = Vec::new();
    let mut width = 0;
    let flush = |out: &mut String, group: &mut Vec<&str>| {
        if !group.is_empty() {
            out.push_str(&format!("{indent}#[{name}({})]\n", group.join(", ")));
            group.clear();
        }
    };
    for item in items {
        if !group.is_empty() && width + item.len() + 2 > LINE {
            flush(out, &mut group);
            width = 0;
        }
        width += item.len() + 2;
        group.push(item);
    }
    flush(out, &mut group);
}

fn field(out: &mut String, field: &FieldSource) {
    doc_lines(out, field.doc.as_deref(), "    ");
    attributes(out, "column", &field.attrs, "    ");
    out.push_str(&format!("    pub {}: {},\n", field.ident, field.rust_type));
}

/// The struct of one model, without imports.
pub fn model_item(model: &ModelSource) -> String {
    let mut out = String::new();
    doc_lines(&mut out, model.doc.as_deref(), "");
    out.push_str("#[derive(Table)]\n");
    attributes(&mut out, "table", &model.table_attrs, "");
    out.push_str(&format!("pub struct {} {{\n", model.struct_name));
    for f in &model.fields {
        field(&mut out, f);
    }
    out.push_str("}\n");
    out
}

/// The enum of one `DbEnum`, without imports.
pub fn enum_item(source: &EnumSource) -> String {
    let mut out = String::new();
    doc_lines(&mut out, source.doc.as_deref(), "");
    out.push_str("#[derive(DbEnum, Clone, Copy, Debug, PartialEq, Eq, Hash)]\n");
    attributes(&mut out, "db_enum", &source.attrs, "");
    out.push_str(&format!("pub enum {} {{\n", source.ident));
    for (variant, rename) in &source.variants {
        if let Some(value) = rename {
            out.push_str(&format!("    #[db_enum(rename = {})]\n", literal(value)));
        }
        out.push_str(&format!("    {variant},\n"));
    }
    out.push_str("}\n");
    out
}

/// The file of one model: its imports and the struct.
pub fn model_file(model: &ModelSource, enums_module: &str) -> Result<String, AdoptError> {
    let mut out = format!(
        "//! The `{}` table.\n\nuse schema_runtime::Table;\n",
        model.def.name
    );
    let used = enums_used(model);
    if !used.is_empty() {
        let list: Vec<&str> = used.iter().map(String::as_str).collect();
        out.push_str(&format!(
            "use super::{enums_module}::{{{}}};\n",
            list.join(", ")
        ));
    }
    out.push('\n');
    out.push_str(&model_item(model));
    format(&out, &format!("the model of table {}", model.def.name))
}

/// The enum names a model's fields use.
fn enums_used(model: &ModelSource) -> BTreeSet<String> {
    model.enum_idents.iter().cloned().collect()
}

/// The file that holds every `DbEnum`.
pub fn enums_file(enums: &[EnumSource]) -> Result<String, AdoptError> {
    let mut out = String::from("//! The database's enum types.\n\nuse schema_runtime::DbEnum;\n\n");
    for e in enums {
        out.push_str(&enum_item(e));
        out.push('\n');
    }
    format(&out, "the enum types")
}
