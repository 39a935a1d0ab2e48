//! From a schema read from a database to the models that declare it: for each table the
//! struct, its fields and attributes as source text, and beside them the [`TableDef`] the
//! derive builds from that text, so that the result can be checked against the database
//! before a file is written.

use std::collections::{BTreeMap, BTreeSet};

use schema_runtime::decl::{
    CheckDef, ColumnDef, ColumnVariant, ExclusionDef, ForeignKeyDef, IndexDef, TableDef, UniqueDef,
};
use schema_runtime::naming::{shorten, NamingConvention};
use schema_runtime::schema::{
    CheckConstraint, Column, ExclusionConstraint, ForeignKey, ForeignKeyAction, Identity, Index,
    IndexPart, Table, UniqueConstraint,
};
use schema_runtime::{ColumnType, Dialect, EnumType, QualifiedName};

use super::kinds::Crate;
use super::names::{self, Unique};

/// One generated `#[derive(Table)]` struct.
#[derive(Clone, Debug)]
pub struct ModelSource {
    /// The struct's name.
    pub struct_name: String,
    /// The file (and module) the struct goes in, without `.rs`.
    pub module: String,
    /// The doc comment (the table comment), if it reads back as the same text.
    pub doc: Option<String>,
    /// The items inside `#[table(...)]`, each as source text.
    pub table_attrs: Vec<String>,
    /// The fields.
    pub fields: Vec<FieldSource>,
    /// What the derive builds from this source.
    pub def: TableDef,
    /// The crates its field types come from.
    pub crates: BTreeSet<Crate>,
    /// The generated enums its fields use.
    pub enum_idents: BTreeSet<String>,
}

/// One field of a generated struct.
#[derive(Clone, Debug)]
pub struct FieldSource {
    /// The field name (`r#type` for a keyword).
    pub ident: String,
    /// Its Rust type, as source text.
    pub rust_type: String,
    /// The doc comment (the column comment).
    pub doc: Option<String>,
    /// The items inside `#[column(...)]`.
    pub attrs: Vec<String>,
}

/// One generated `#[derive(DbEnum)]` enum.
#[derive(Clone, Debug)]
pub struct EnumSource {
    /// The enum's name.
    pub ident: String,
    /// The file it goes in, without `.rs`.
    pub module: String,
    /// The doc comment (the type's comment).
    pub doc: Option<String>,
    /// The items inside `#[db_enum(...)]`.
    pub attrs: Vec<String>,
    /// Each variant with its `rename`, if the value needs one.
    pub variants: Vec<(String, Option<String>)>,
    /// The enum type it declares.
    pub def: EnumType,
}

/// A Rust string literal for `text`.
pub fn literal(text: &str) -> String {
    format!("{text:?}")
}

/// `text` as a doc comment, when the derive's reading of the comment (each line trimmed,
/// blank lines at either end dropped) gives the same text back.
fn doc_for(text: &str) -> Option<String> {
    let trimmed: Vec<&str> = text.split('\n').map(str::trim).collect();
    let reads_back = trimmed.join("\n") == text
        && !text.is_empty()
        && trimmed.first().is_some_and(|l| !l.is_empty())
        && trimmed.last().is_some_and(|l| !l.is_empty());
    reads_back.then(|| text.to_string())
}

/// The comment of a table, column or enum type: a doc comment where it reads back, else a
/// `comment = ".."` item.
fn comment_items(comment: Option<&str>, attrs: &mut Vec<String>) -> Option<String> {
    let comment = comment?;
    let doc = doc_for(comment);
    if doc.is_none() {
        attrs.push(format!("comment = {}", literal(comment)));
    }
    doc
}

/// What the models are generated for.
pub struct Target<'a> {
    /// The database kind.
    pub dialect: Dialect,
    /// The naming convention the crate will declare.
    pub convention: &'a NamingConvention,
    /// The tables that become models, by name (foreign keys to any other are `external`).
    pub modelled: &'a BTreeSet<QualifiedName>,
    /// The enum types that become `DbEnum`s.
    pub enums: &'a BTreeMap<QualifiedName, EnumSource>,
}

/// The `DbEnum` for an enum type.
pub fn enum_source(ty: &EnumType, ident: &str, module: &str) -> EnumSource {
    let mut attrs = vec![format!("name = {}", literal(&ty.name.name))];
    if let Some(schema) = &ty.name.schema {
        attrs.push(format!("schema = {}", literal(schema)));
    }
    let doc = comment_items(ty.comment.as_deref(), &mut attrs);
    let mut unique = Unique::default();
    let variants = ty
        .values
        .iter()
        .map(|value| {
            let ident = unique.give(names::variant_name(value));
            let plain = names::camel_round_trips(value) && ident == names::camel_case(value);
            (ident, (!plain).then(|| value.clone()))
        })
        .collect();
    EnumSource {
        ident: ident.to_string(),
        module: module.to_string(),
        doc,
        attrs,
        variants,
        def: ty.clone(),
    }
}

/// The model for `table`.
pub fn model_source(
    table: &Table,
    struct_name: &str,
    module: &str,
    target: &Target,
) -> ModelSource {
    let mut model = Builder {
        table,
        target,
        attrs: vec![format!("name = {}", literal(&table.name.name))],
        def: TableDef {
            rust_name: leak(struct_name),
            module_path: "models",
            name: table.name.name.clone(),
            schema: table.name.schema.clone(),
            ..TableDef::default()
        },
        fields: Vec::new(),
        crates: BTreeSet::new(),
        enum_idents: BTreeSet::new(),
    };
    if let Some(schema) = &table.name.schema {
        model.attrs.push(format!("schema = {}", literal(schema)));
    }
    let doc = comment_items(table.comment.as_deref(), &mut model.attrs);
    model.def.comment = table.comment.clone();
    if let Some(partition_by) = &table.partition_by {
        model
            .attrs
            .push(format!("partition_by = {}", literal(partition_by)));
        model.def.partition_by = Some(partition_by.clone());
    }
    model.columns();
    model.primary_key();
    model.foreign_keys();
    model.uniques();
    model.indexes();
    model.checks();
    model.exclusions();
    ModelSource {
        struct_name: struct_name.to_string(),
        module: module.to_string(),
        doc,
        table_attrs: model.attrs,
        fields: model.fields,
        def: model.def,
        crates: model.crates,
        enum_idents: model.enum_idents,
    }
}

/// The derive's declarations hold `&'static str` names for messages; a generated model's
/// live as long as the program, which only runs once.
fn leak(text: &str) -> &'static str {
    Box::leak(text.to_string().into_boxed_str())
}

struct Builder<'a> {
    table: &'a Table,
    target: &'a Target<'a>,
    attrs: Vec<String>,
    def: TableDef,
    fields: Vec<FieldSource>,
    crates: BTreeSet<Crate>,
    enum_idents: BTreeSet<String>,
}

/// A Rust type for a column type, with the crates it needs; `None` where no Rust type maps
/// to exactly this column type (then `sql_type` says it).
fn rust_type(
    ty: &ColumnType,
    enums: &BTreeMap<QualifiedName, EnumSource>,
) -> Option<(String, Vec<Crate>)> {
    let simple = |t: &str| Some((t.to_string(), vec![]));
    match ty {
        ColumnType::Boolean => simple("bool"),
        ColumnType::SmallInt => simple("i16"),
        ColumnType::Integer => simple("i32"),
        ColumnType::BigInt => simple("i64"),
        ColumnType::Real => simple("f32"),
        ColumnType::Double => simple("f64"),
        ColumnType::Text => simple("String"),
        ColumnType::Bytes => simple("Vec<u8>"),
        ColumnType::Numeric {
            precision: None,
            scale: None,
        } => Some(("rust_decimal::Decimal".into(), vec![Crate::RustDecimal])),
        ColumnType::Uuid => Some(("uuid::Uuid".into(), vec![Crate::Uuid])),
        ColumnType::Date => Some(("chrono::NaiveDate".into(), vec![Crate::Chrono])),
        ColumnType::Time => Some(("chrono::NaiveTime".into(), vec![Crate::Chrono])),
        ColumnType::Timestamp => Some(("chrono::NaiveDateTime".into(), vec![Crate::Chrono])),
        ColumnType::TimestampTz => {
            Some(("chrono::DateTime<chrono::Utc>".into(), vec![Crate::Chrono]))
        }
        ColumnType::Interval => Some(("chrono::Duration".into(), vec![Crate::Chrono])),
        ColumnType::Jsonb => Some(("serde_json::Value".into(), vec![Crate::SerdeJson])),
        ColumnType::Enum { name } => enums.get(name).map(|e| (e.ident.clone(), vec![])),
        ColumnType::Array { element } => {
            let array_element = matches!(
                **element,
                ColumnType::Boolean
                    | ColumnType::SmallInt
                    | ColumnType::Integer
                    | ColumnType::BigInt
                    | ColumnType::Real
                    | ColumnType::Double
                    | ColumnType::Text
                    | ColumnType::Uuid
                    | ColumnType::Enum { .. }
            );
            if !array_element {
                return None;
            }
            rust_type(element, enums).map(|(t, crates)| (format!("Vec<{t}>"), crates))
        }
        _ => None,
    }
}

/// The SQL an `sql_type` gives for a column type, spelled so that the registry reads the
/// same type back: [`ColumnType::describe`], but for the two it spells for messages only.
pub fn sql_type_text(ty: &ColumnType) -> String {
    match ty {
        ColumnType::Bytes => "bytea".into(),
        ColumnType::Enum { name } => name.to_string(),
        ColumnType::Array { element } => format!("{}[]", sql_type_text(element)),
        other => other.describe(),
    }
}

/// The derive's spelling of a foreign-key action.
fn action_text(action: ForeignKeyAction) -> Option<&'static str> {
    match action {
        ForeignKeyAction::NoAction => None,
        ForeignKeyAction::Restrict => Some("restrict"),
        ForeignKeyAction::Cascade => Some("cascade"),
        ForeignKeyAction::SetNull => Some("set null"),
        ForeignKeyAction::SetDefault => Some("set default"),
    }
}

fn quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| literal(i))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Builder<'_> {
    fn dialect(&self) -> Dialect {
        self.target.dialect
    }

    fn naming(&self) -> &NamingConvention {
        self.target.convention
    }

    /// Whether the database gives this kind of object a name of its own that the models
    /// should repeat: PostgreSQL names everything; MySQL all but the primary key (always
    /// `PRIMARY`); SQLite only indexes (its other names are made up when read).
    fn names_kept(&self, kind: Kind) -> bool {
        match (self.dialect(), kind) {
            (Dialect::Postgresql, _) => true,
            (Dialect::Mysql, Kind::PrimaryKey) => false,
            (Dialect::Mysql, _) => true,
            (Dialect::Sqlite, Kind::Index) => true,
            (Dialect::Sqlite, _) => false,
        }
    }

    /// Whether `name` is what the convention would call the object anyway.
    fn conventional(&self, name: &str, expected: String) -> bool {
        shorten(&expected) == name
    }

    fn lone_key(&self) -> Option<&str> {
        let pk = self.table.primary_key.as_ref()?;
        (pk.columns.len() == 1).then(|| pk.columns[0].as_str())
    }

    fn columns(&mut self) {
        let mut unique = Unique::default();
        for column in &self.table.columns {
            let (ident, named) = names::field_name(&column.name);
            let ident = unique.give(ident);
            let named = named || ident.trim_start_matches("r#") != column.name;
            let mut attrs = Vec::new();
            if named {
                attrs.push(format!("name = {}", literal(&column.name)));
            }
            let field: &'static str = leak(ident.trim_start_matches("r#"));
            let mut def = ColumnDef::new(field, column.ty.clone(), column.nullable);
            def.name = column.name.clone();
            let rust = self.column_type(column, &mut def, &mut attrs);
            self.column_attrs(column, &mut def, &mut attrs);
            let doc = comment_items(column.comment.as_deref(), &mut attrs);
            def.comment = column.comment.clone();
            let rust_type = if column.nullable {
                format!("Option<{rust}>")
            } else {
                rust
            };
            self.def.columns.push(def);
            self.fields.push(FieldSource {
                ident,
                rust_type,
                doc,
                attrs,
            });
        }
    }

    /// The field's Rust type, and `sql_type` or `max_length` where the type alone does not
    /// say the column type.
    fn column_type(
        &mut self,
        column: &Column,
        def: &mut ColumnDef,
        attrs: &mut Vec<String>,
    ) -> String {
        if let ColumnType::Varchar { length: Some(n) } = column.ty {
            attrs.push(format!("max_length = {n}"));
            def.ty = ColumnType::Text;
            def.max_length = Some(n);
            return "String".into();
        }
        if let Some((rust, crates)) = rust_type(&column.ty, self.target.enums) {
            self.crates.extend(crates);
            let enum_name = match &column.ty {
                ColumnType::Enum { name } => Some(name),
                ColumnType::Array { element } => match &**element {
                    ColumnType::Enum { name } => Some(name),
                    _ => None,
                },
                _ => None,
            };
            if let Some(source) = enum_name.and_then(|n| self.target.enums.get(n)) {
                def.enum_type = Some(source.def.clone());
                self.enum_idents.insert(source.ident.clone());
            }
            return rust;
        }
        let sql = sql_type_text(&column.ty);
        attrs.push(format!("sql_type = {}", literal(&sql)));
        def.sql_type = Some(sql);
        let (rust, crates, ty) = match &column.ty {
            ColumnType::Numeric { .. } => (
                "rust_decimal::Decimal",
                vec![Crate::RustDecimal],
                ColumnType::Numeric {
                    precision: None,
                    scale: None,
                },
            ),
            ColumnType::Json => (
                "serde_json::Value",
                vec![Crate::SerdeJson],
                ColumnType::Jsonb,
            ),
            ColumnType::Array { .. } => (
                "Vec<String>",
                vec![],
                ColumnType::Array {
                    element: Box::new(ColumnType::Text),
                },
            ),
            _ => ("String", vec![], ColumnType::Text),
        };
        self.crates.extend(crates);
        def.ty = ty;
        rust.to_string()
    }

    fn column_attrs(&mut self, column: &Column, def: &mut ColumnDef, attrs: &mut Vec<String>) {
        let lone_key = self.lone_key() == Some(column.name.as_str());
        let pk_named = self.table.primary_key.as_ref().is_some_and(|pk| {
            self.names_kept(Kind::PrimaryKey)
                && !self.conventional(&pk.name, self.naming().primary_key(&self.table.name.name))
        });
        if lone_key && !pk_named {
            attrs.push("primary_key".into());
            def.primary_key = true;
        }
        let integer_key = lone_key && column.ty.is_integer();
        match column.identity {
            Some(Identity::Always) => {
                attrs.push("identity = \"always\"".into());
                def.identity_always = true;
            }
            Some(Identity::ByDefault) if !integer_key => {
                attrs.push("identity".into());
                def.identity = Some(true);
            }
            None if integer_key => {
                attrs.push("identity = false".into());
                def.identity = Some(false);
            }
            _ => {}
        }
        if let Some(sequence) = column.identity_sequence {
            if sequence.start != 1 {
                attrs.push(format!("identity_start = {}", sequence.start));
                def.identity_start = Some(sequence.start);
            }
            if sequence.increment != 1 {
                attrs.push(format!("identity_increment = {}", sequence.increment));
                def.identity_increment = Some(sequence.increment);
            }
        }
        if column.autoincrement {
            attrs.push("sqlite(autoincrement)".into());
            def.variants.push(ColumnVariant {
                dialect: Dialect::Sqlite,
                sql_type: None,
                default: None,
                check: None,
                collation: None,
                autoincrement: true,
            });
        }
        if let Some(default) = &column.default {
            attrs.push(format!("default = {}", literal(default)));
            def.default = Some(default.clone());
        }
        if let Some(generated) = &column.generated {
            attrs.push(format!("generated = {}", literal(generated)));
            def.generated = Some(generated.clone());
            if column.generated_virtual {
                attrs.push("generated_virtual".into());
                def.generated_virtual = true;
            }
        }
        if let Some(collation) = &column.collation {
            attrs.push(format!("collation = {}", literal(collation)));
            def.collation = Some(collation.clone());
        }
        if let Some(fk) = self.column_foreign_key(column) {
            let target = match &fk.referenced_table.schema {
                Some(schema) => format!(
                    "{schema}.{}.{}",
                    fk.referenced_table.name, fk.referenced_columns[0]
                ),
                None => format!("{}.{}", fk.referenced_table.name, fk.referenced_columns[0]),
            };
            attrs.push(format!("references = {}", literal(&target)));
            def.references = Some(target);
            if self.fk_name_needed(fk) {
                attrs.push(format!("fk_name = {}", literal(&fk.name)));
                def.fk_name = Some(fk.name.clone());
            }
            if !self.target.modelled.contains(&fk.referenced_table) {
                attrs.push("external".into());
                def.external = true;
            }
            if let Some(action) = action_text(fk.on_delete) {
                attrs.push(format!("on_delete = {}", literal(action)));
                def.on_delete = Some(fk.on_delete);
            }
            if let Some(action) = action_text(fk.on_update) {
                attrs.push(format!("on_update = {}", literal(action)));
                def.on_update = Some(fk.on_update);
            }
        }
        if self.column_unique(column) {
            attrs.push("unique".into());
            def.unique = true;
        }
        if self.column_index(column).is_some() {
            attrs.push("index".into());
            def.index = true;
        }
    }

    /// A foreign key a column attribute can state: one column, no deferral, valid, and a
    /// target whose names hold no dot.
    fn column_foreign_key(&self, column: &Column) -> Option<&ForeignKey> {
        self.table
            .foreign_keys
            .iter()
            .find(|fk| self.fk_on_column(fk, column))
    }

    fn fk_on_column(&self, fk: &ForeignKey, column: &Column) -> bool {
        fk.columns.len() == 1
            && fk.columns[0] == column.name
            && !fk.deferrable
            && !fk.initially_deferred
            && !fk.not_valid
            && !fk.referenced_table.name.contains('.')
            && !fk
                .referenced_table
                .schema
                .as_deref()
                .is_some_and(|s| s.contains('.'))
            && !fk.referenced_columns[0].contains('.')
            && self
                .table
                .foreign_keys
                .iter()
                .filter(|other| other.columns == fk.columns)
                .count()
                == 1
    }

    fn fk_name_needed(&self, fk: &ForeignKey) -> bool {
        self.names_kept(Kind::ForeignKey)
            && !self.conventional(
                &fk.name,
                self.naming().foreign_key(
                    &self.table.name.name,
                    &fk.columns,
                    &fk.referenced_table.name,
                ),
            )
    }

    fn column_unique(&self, column: &Column) -> bool {
        self.table
            .uniques
            .iter()
            .any(|u| self.unique_on_column(u, column))
    }

    fn unique_on_column(&self, unique: &UniqueConstraint, column: &Column) -> bool {
        unique.columns == [column.name.clone()]
            && (!self.names_kept(Kind::Unique)
                || self.conventional(
                    &unique.name,
                    self.naming().unique(&self.table.name.name, &unique.columns),
                ))
    }

    /// A plain one-column index with the convention's name: a column's `index`.
    fn column_index(&self, column: &Column) -> Option<&Index> {
        self.table
            .indexes
            .iter()
            .find(|ix| self.index_on_column(ix, column))
    }

    fn index_on_column(&self, ix: &Index, column: &Column) -> bool {
        ix.parts == [IndexPart::Column(column.name.clone())]
            && !ix.unique
            && ix.predicate.is_none()
            && ix.method.is_none()
            && ix.part_options.iter().all(String::is_empty)
            && ix.include.is_empty()
            && !ix.nulls_not_distinct
            && (!self.names_kept(Kind::Index)
                || self.conventional(
                    &ix.name,
                    self.naming().index(&self.table.name.name, &[&column.name]),
                ))
    }

    fn primary_key(&mut self) {
        let Some(pk) = &self.table.primary_key else {
            self.attrs.push("no_primary_key".into());
            self.def.no_primary_key = true;
            return;
        };
        let named = self.names_kept(Kind::PrimaryKey)
            && !self.conventional(&pk.name, self.naming().primary_key(&self.table.name.name));
        if pk.columns.len() == 1 && !named {
            return;
        }
        let mut items = Vec::new();
        if named {
            items.push(format!("name = {}", literal(&pk.name)));
            self.def.primary_key_name = Some(pk.name.clone());
        }
        items.push(format!("columns({})", quoted_list(&pk.columns)));
        self.attrs
            .push(format!("primary_key({})", items.join(", ")));
        self.def.primary_key = Some(pk.columns.clone());
    }

    fn foreign_keys(&mut self) {
        for fk in &self.table.foreign_keys {
            let on_column = self.table.columns.iter().any(|c| self.fk_on_column(fk, c));
            if on_column {
                continue;
            }
            let mut items = Vec::new();
            let named = self.fk_name_needed(fk);
            if named {
                items.push(format!("name = {}", literal(&fk.name)));
            }
            let target = match &fk.referenced_table.schema {
                Some(schema) => format!("{schema}.{}", fk.referenced_table.name),
                None => fk.referenced_table.name.clone(),
            };
            items.push(format!("columns({})", quoted_list(&fk.columns)));
            items.push(format!(
                "references(table = {}, columns({}))",
                literal(&target),
                quoted_list(&fk.referenced_columns)
            ));
            if let Some(action) = action_text(fk.on_delete) {
                items.push(format!("on_delete = {}", literal(action)));
            }
            if let Some(action) = action_text(fk.on_update) {
                items.push(format!("on_update = {}", literal(action)));
            }
            if fk.initially_deferred {
                items.push("initially_deferred".into());
            } else if fk.deferrable {
                items.push("deferrable".into());
            }
            let external = !self.target.modelled.contains(&fk.referenced_table);
            if external {
                items.push("external".into());
            }
            if fk.not_valid {
                items.push("not_valid".into());
            }
            self.attrs
                .push(format!("foreign_key({})", items.join(", ")));
            self.def.foreign_keys.push(ForeignKeyDef {
                name: named.then(|| fk.name.clone()),
                columns: fk.columns.clone(),
                referenced_table: target,
                referenced_columns: fk.referenced_columns.clone(),
                on_delete: action_text(fk.on_delete).map(|_| fk.on_delete),
                on_update: action_text(fk.on_update).map(|_| fk.on_update),
                deferrable: fk.deferrable || fk.initially_deferred,
                initially_deferred: fk.initially_deferred,
                external,
                not_valid: fk.not_valid,
                dialects: Vec::new(),
            });
        }
    }

    fn uniques(&mut self) {
        for unique in &self.table.uniques {
            let on_column = self
                .table
                .columns
                .iter()
                .any(|c| self.unique_on_column(unique, c));
            if on_column {
                continue;
            }
            let named = self.names_kept(Kind::Unique)
                && !self.conventional(
                    &unique.name,
                    self.naming().unique(&self.table.name.name, &unique.columns),
                );
            let mut items = Vec::new();
            if named {
                items.push(format!("name = {}", literal(&unique.name)));
            }
            items.push(format!("columns({})", quoted_list(&unique.columns)));
            self.attrs.push(format!("unique({})", items.join(", ")));
            self.def.uniques.push(UniqueDef {
                name: named.then(|| unique.name.clone()),
                columns: unique.columns.clone(),
                dialects: Vec::new(),
            });
        }
    }

    fn indexes(&mut self) {
        for ix in &self.table.indexes {
            let on_column = self
                .table
                .columns
                .iter()
                .any(|c| self.index_on_column(ix, c));
            if on_column || self.made_for_foreign_key(ix) {
                continue;
            }
            let (item, def) = self.index(ix);
            self.attrs.push(item);
            self.def.indexes.push(def);
        }
    }

    /// Whether MySQL made this index itself for a foreign key of the same name and columns
    /// (it needs one starting with the key's columns): the models leave it unstated, as the
    /// database's own, and a database built from them gets it the same way.
    fn made_for_foreign_key(&self, ix: &Index) -> bool {
        if self.dialect() != Dialect::Mysql
            || ix.unique
            || ix.method.is_some()
            || !ix.part_options.is_empty()
            || ix.predicate.is_some()
        {
            return false;
        }
        let columns: Option<Vec<&str>> = ix
            .parts
            .iter()
            .map(|p| match p {
                IndexPart::Column(c) => Some(c.as_str()),
                IndexPart::Expression(_) => None,
            })
            .collect();
        let Some(columns) = columns else {
            return false;
        };
        let Some(key) = self
            .table
            .foreign_keys
            .iter()
            .find(|k| k.name == ix.name && k.columns == columns)
        else {
            return false;
        };
        // Another key or index that serves the foreign key means this one was asked for.
        let covers = |c: &[String]| c.starts_with(&key.columns);
        let served = self
            .table
            .primary_key
            .as_ref()
            .is_some_and(|pk| covers(&pk.columns))
            || self.table.uniques.iter().any(|u| covers(&u.columns))
            || self.table.indexes.iter().any(|other| {
                other.name != ix.name
                    && other.predicate.is_none()
                    && covers(&other.column_names().map(str::to_owned).collect::<Vec<_>>())
            });
        !served
    }

    fn index(&self, ix: &Index) -> (String, IndexDef) {
        let plain_parts = ix.parts.iter().all(|p| matches!(p, IndexPart::Column(_)))
            && ix.part_options.iter().all(String::is_empty);
        let columns: Vec<String> = ix
            .parts
            .iter()
            .filter_map(|p| match p {
                IndexPart::Column(c) => Some(c.clone()),
                IndexPart::Expression(_) => None,
            })
            .collect();
        let conventional = plain_parts
            && self.conventional(
                &ix.name,
                self.naming().index(&self.table.name.name, &columns),
            );
        let named = self.names_kept(Kind::Index) && !conventional || !plain_parts;
        let mut def = IndexDef {
            name: named.then(|| ix.name.clone()),
            unique: ix.unique,
            predicate: ix.predicate.clone(),
            method: ix.method.clone(),
            include: ix.include.clone(),
            nulls_not_distinct: ix.nulls_not_distinct,
            ..IndexDef::default()
        };
        let mut items = Vec::new();
        if named {
            items.push(format!("name = {}", literal(&ix.name)));
        }
        if plain_parts {
            items.push(format!("columns({})", quoted_list(&columns)));
            def.columns = columns;
        } else {
            let parts: Vec<String> = ix
                .parts_with_options()
                .map(|(part, options)| {
                    let key = match (part.as_prefix(), part) {
                        (Some(_), IndexPart::Expression(e)) => e.clone(),
                        (_, IndexPart::Column(c)) => c.clone(),
                        (_, IndexPart::Expression(e)) => format!("({e})"),
                    };
                    if options.is_empty() {
                        key
                    } else {
                        format!("{key} {options}")
                    }
                })
                .collect();
            items.push(format!("parts({})", quoted_list(&parts)));
            def.parts = parts;
        }
        if ix.unique {
            items.push("unique".into());
        }
        if let Some(method) = &ix.method {
            items.push(format!("method = {}", literal(method)));
        }
        if !ix.include.is_empty() {
            items.push(format!("include({})", quoted_list(&ix.include)));
        }
        if ix.nulls_not_distinct {
            items.push("nulls_not_distinct".into());
        }
        if let Some(predicate) = &ix.predicate {
            items.push(format!("where = {}", literal(predicate)));
        }
        (format!("index({})", items.join(", ")), def)
    }

    fn checks(&mut self) {
        for check in &self.table.checks {
            let (item, def) = self.check(check);
            self.attrs.push(item);
            self.def.checks.push(def);
        }
    }

    /// A table check: under the convention's name when the name fits it, verbatim otherwise.
    fn check(&self, check: &CheckConstraint) -> (String, CheckDef) {
        let table = &self.table.name.name;
        let own = self.conventional_check_name(table, &check.name);
        let (name, verbatim) = match own {
            Some(name) => (name, false),
            None => (check.name.clone(), true),
        };
        let mut items = vec![format!("name = {}", literal(&name))];
        items.push(format!("expr = {}", literal(&check.expression)));
        if verbatim {
            items.push("verbatim".into());
        }
        if check.not_valid {
            items.push("not_valid".into());
        }
        let def = CheckDef {
            name,
            expression: check.expression.clone(),
            verbatim,
            not_valid: check.not_valid,
            dialects: Vec::new(),
        };
        (format!("check({})", items.join(", ")), def)
    }

    /// The `{name}` under which the convention names a check `full`, if there is one.
    fn conventional_check_name(&self, table: &str, full: &str) -> Option<String> {
        let marker = "\u{1}";
        let template = self.naming().check(table, marker);
        let (before, after) = template.split_once(marker)?;
        let name = full.strip_prefix(before)?.strip_suffix(after)?;
        (!name.is_empty() && self.naming().check(table, name) == full).then(|| name.to_string())
    }

    fn exclusions(&mut self) {
        for exclusion in &self.table.exclusions {
            if let Some(def) = parse_exclusion(exclusion) {
                let mut items = vec![format!("name = {}", literal(&def.name))];
                if let Some(method) = &def.method {
                    items.push(format!("using = {}", literal(method)));
                }
                items.push(format!("elements({})", quoted_list(&def.elements)));
                if let Some(predicate) = &def.predicate {
                    items.push(format!("where = {}", literal(predicate)));
                }
                if def.initially_deferred {
                    items.push("initially_deferred".into());
                } else if def.deferrable {
                    items.push("deferrable".into());
                }
                self.attrs.push(format!("exclude({})", items.join(", ")));
                self.def.exclusions.push(def);
            }
        }
    }
}

/// The kinds of named object, for [`Builder::names_kept`].
#[derive(Clone, Copy)]
enum Kind {
    PrimaryKey,
    ForeignKey,
    Unique,
    Index,
}

/// Reads `EXCLUDE USING gist (room WITH =, during WITH &&) WHERE (..) DEFERRABLE` back
/// into its parts; `None` for a definition with parts the model cannot state (`INCLUDE`,
/// `WITH (..)` storage options).
pub fn parse_exclusion(exclusion: &ExclusionConstraint) -> Option<ExclusionDef> {
    let text = exclusion.definition.trim();
    let rest = strip_word(text, "EXCLUDE")?;
    let rest = strip_word(rest, "USING")?;
    let open = rest.find('(')?;
    let method = rest[..open].trim().to_string();
    let close = matching_paren(rest, open)?;
    let elements = split_top_level(&rest[open + 1..close]);
    let mut rest = rest[close + 1..].trim_start();
    let mut predicate = None;
    if let Some(after) = strip_word(rest, "WHERE") {
        let after = after.trim_start();
        if !after.starts_with('(') {
            return None;
        }
        let close = matching_paren(after, 0)?;
        predicate = Some(after[1..close].to_string());
        rest = after[close + 1..].trim_start();
    }
    let (deferrable, initially_deferred) = match rest.trim() {
        "" => (false, false),
        "DEFERRABLE" => (true, false),
        "DEFERRABLE INITIALLY DEFERRED" => (true, true),
        _ => return None,
    };
    Some(ExclusionDef {
        name: exclusion.name.clone(),
        method: (method != "gist").then_some(method),
        elements,
        predicate,
        deferrable,
        initially_deferred,
        dialects: Vec::new(),
    })
}

fn strip_word<'t>(text: &'t str, word: &str) -> Option<&'t str> {
    let text = text.trim_start();
    let head = text.get(..word.len())?;
    head.eq_ignore_ascii_case(word)
        .then(|| &text[word.len()..])
        .filter(|rest| {
            rest.is_empty() || rest.starts_with(char::is_whitespace) || rest.starts_with('(')
        })
}

/// The characters of `text` outside quotes, each with its byte offset and the parenthesis
/// depth once it is read.
fn unquoted(text: &str) -> impl Iterator<Item = (usize, char, usize)> + '_ {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    text.char_indices()
        .filter_map(move |(at, c)| match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                None
            }
            (Some(_), _) => None,
            (None, '\'' | '"') => {
                quote = Some(c);
                None
            }
            (None, '(') => {
                depth += 1;
                Some((at, c, depth))
            }
            (None, ')') => {
                depth = depth.saturating_sub(1);
                Some((at, c, depth))
            }
            (None, c) => Some((at, c, depth)),
        })
}

/// The index of the parenthesis that closes the one at `open`, past quoted text.
fn matching_paren(text: &str, open: usize) -> Option<usize> {
    unquoted(text.get(open..)?)
        .find(|&(_, c, depth)| c == ')' && depth == 0)
        .map(|(at, _, _)| open + at)
}

/// `a WITH =, (lower(b)) WITH &&` split at the commas outside parentheses and quotes.
fn split_top_level(text: &str) -> Vec<String> {
    let commas: Vec<usize> = unquoted(text)
        .filter(|&(_, c, depth)| c == ',' && depth == 0)
        .map(|(at, _, _)| at)
        .collect();
    let mut parts = Vec::new();
    let mut from = 0;
    for at in commas {
        parts.push(text[from..at].trim().to_string());
        from = at + 1;
    }
    if !text[from..].trim().is_empty() {
        parts.push(text[from..].trim().to_string());
    }
    parts
}
