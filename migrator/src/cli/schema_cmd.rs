//! `migrate schema`: print the target schema the models declare, as the engine sees it.

use schema_runtime::schema::{Column, Schema, Table};
use schema_runtime::Dialect;

use super::exit::{Code, Exit};
use super::{App, Format, Output};

/// Runs `migrate schema` for the models as they stand on `dialect`.
pub fn run(app: &App, dialect: Dialect, out: &Output) -> Result<Code, Exit> {
    let schema = target_schema(app, dialect)?;
    match out.format() {
        Format::Json => out.json(&schema)?,
        Format::Human => print_human(&schema, out),
    }
    Ok(Code::Ok)
}

/// Collects and validates the models linked into the binary, as they stand on `dialect`
/// (each model's variants for it applied). A declared model the registry did not collect
/// means the linker dropped its registration: a loud error, because an incomplete target
/// would read as "drop that table".
pub fn target_schema(app: &App, dialect: Dialect) -> Result<Schema, Exit> {
    let defs = schema_runtime::registry::registered();
    if let Some(declared) = &app.models {
        schema_runtime::registry::check_declared(declared, &defs)
            .map_err(|e| Exit::new(Code::Usage, e))?;
    }
    // With the models crates' naming conventions (`naming_convention!`): without them, a
    // crate under PostgreSQL's convention had its new constraints named `pk_..`.
    let conventions = schema_runtime::registry::conventions();
    schema_runtime::registry::build_with(defs, dialect, &conventions)
        .map_err(|e| Exit::new(Code::Usage, e))
}

fn print_human(schema: &Schema, out: &Output) {
    out.line(format!(
        "{} tables, {} enum types",
        schema.tables.len(),
        schema.enums.len()
    ));
    for e in &schema.enums {
        out.line("");
        out.line(format!(
            "{} {} ({})",
            out.bold("enum"),
            e.name,
            e.values.join(", ")
        ));
        if let Some(comment) = &e.comment {
            out.line(format!("  {}", out.dim(&format!("-- {comment}"))));
        }
    }
    for table in &schema.tables {
        out.line("");
        print_table(table, out);
    }
}

fn print_table(table: &Table, out: &Output) {
    out.line(format!("{} {}", out.bold("table"), table.name));
    if let Some(comment) = &table.comment {
        for line in comment.lines() {
            out.line(format!("  {}", out.dim(&format!("-- {line}"))));
        }
    }
    let name_width = table
        .columns
        .iter()
        .map(|c| c.name.len())
        .max()
        .unwrap_or(0);
    let type_width = table
        .columns
        .iter()
        .map(|c| c.ty.describe().len())
        .max()
        .unwrap_or(0);
    for column in &table.columns {
        out.line(format!(
            "  {:name_width$}  {:type_width$}  {}",
            column.name,
            column.ty.describe(),
            column_facts(column)
        ));
    }
    if let Some(pk) = &table.primary_key {
        out.line(format!(
            "  primary key {} ({})",
            pk.name,
            pk.columns.join(", ")
        ));
    }
    for u in &table.uniques {
        out.line(format!("  unique {} ({})", u.name, u.columns.join(", ")));
    }
    for fk in &table.foreign_keys {
        out.line(format!(
            "  foreign key {} ({}) -> {} ({}) on delete {} on update {}",
            fk.name,
            fk.columns.join(", "),
            fk.referenced_table,
            fk.referenced_columns.join(", "),
            fk.on_delete.as_sql().to_lowercase(),
            fk.on_update.as_sql().to_lowercase(),
        ));
    }
    for c in &table.checks {
        out.line(format!("  check {}: {}", c.name, c.expression));
    }
    for ix in &table.indexes {
        let parts: Vec<String> = ix.parts.iter().map(ToString::to_string).collect();
        let mut line = format!(
            "  {}index {} ({})",
            if ix.unique { "unique " } else { "" },
            ix.name,
            parts.join(", ")
        );
        if let Some(predicate) = &ix.predicate {
            line.push_str(&format!(" where {predicate}"));
        }
        out.line(line);
    }
}

fn column_facts(column: &Column) -> String {
    let mut facts = vec![if column.nullable { "null" } else { "not null" }.to_string()];
    if let Some(identity) = column.identity {
        facts.push(match identity {
            schema_runtime::schema::Identity::ByDefault => "identity by default".into(),
            schema_runtime::schema::Identity::Always => "identity always".into(),
        });
    }
    if let Some(default) = &column.default {
        facts.push(format!("default {default}"));
    }
    if let Some(old) = &column.renamed_from {
        facts.push(format!("renamed from {old}"));
    }
    if let Some(comment) = &column.comment {
        facts.push(format!("-- {comment}"));
    }
    facts.join("  ")
}
