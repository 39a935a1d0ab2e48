//! Compact model builders: [`TableDef`] and [`ColumnDef`] values as `#[derive(Table)]`
//! would record them, built into a [`Schema`] by the real registry ([`models`]), so names,
//! identity and foreign keys come out exactly as they do for real models.

use schema_runtime::decl::{CheckDef, ColumnDef, IndexDef, TableDef, UniqueDef};
use schema_runtime::registry;
use schema_runtime::schema::{ColumnType, EnumType, ForeignKeyAction, QualifiedName, Schema};

/// The schema of these models, as the registry builds it; panics on a model mistake.
pub fn models(defs: Vec<TableDef>) -> Schema {
    registry::build(defs, schema_runtime::Dialect::Postgresql)
        .unwrap_or_else(|e| panic!("the scenario's models are wrong: {e}"))
}

/// A model for `name` (`"audit.events"` puts it in a namespace).
pub fn table(name: &str, columns: Vec<ColumnDef>) -> TableDef {
    let name = QualifiedName::parse(name);
    TableDef {
        rust_name: "Model",
        module_path: "pg_scenarios",
        name: name.name,
        schema: name.schema,
        columns,
        ..TableDef::default()
    }
}

/// Table-level attributes.
pub trait TableDefExt {
    /// `primary_key(columns(...))`.
    fn pk(self, columns: &[&str]) -> Self;
    /// `no_primary_key`.
    fn keyless(self) -> Self;
    /// `index(...)`.
    fn index(self, index: IndexDef) -> Self;
    /// `unique(columns(...))`.
    fn unique(self, columns: &[&str]) -> Self;
    /// `unique(name = ..., columns(...))`.
    fn unique_named(self, name: &str, columns: &[&str]) -> Self;
    /// `check(name = ..., expr = ...)`.
    fn check(self, name: &str, expression: &str) -> Self;
    /// `comment = ...`.
    fn comment(self, text: &str) -> Self;
    /// `renamed_from = ...`.
    fn was(self, old: &str) -> Self;
}

impl TableDefExt for TableDef {
    fn pk(mut self, columns: &[&str]) -> Self {
        self.primary_key = Some(strings(columns));
        self
    }
    fn keyless(mut self) -> Self {
        self.no_primary_key = true;
        self
    }
    fn index(mut self, index: IndexDef) -> Self {
        self.indexes.push(index);
        self
    }
    fn unique(mut self, columns: &[&str]) -> Self {
        self.uniques.push(UniqueDef {
            dialects: Vec::new(),
            name: None,
            columns: strings(columns),
        });
        self
    }
    fn unique_named(mut self, name: &str, columns: &[&str]) -> Self {
        self.uniques.push(UniqueDef {
            dialects: Vec::new(),
            name: Some(name.into()),
            columns: strings(columns),
        });
        self
    }
    fn check(mut self, name: &str, expression: &str) -> Self {
        self.checks.push(CheckDef {
            dialects: Vec::new(),
            name: name.into(),
            expression: expression.into(),
            verbatim: false,
            not_valid: false,
        });
        self
    }
    fn comment(mut self, text: &str) -> Self {
        self.comment = Some(text.into());
        self
    }
    fn was(mut self, old: &str) -> Self {
        self.renamed_from = Some(old.into());
        self
    }
}

/// A table-level index on `columns`, named by the registry unless [`IndexDefExt::named`].
pub fn index(columns: &[&str]) -> IndexDef {
    IndexDef {
        columns: strings(columns),
        ..IndexDef::default()
    }
}

/// Index attributes.
pub trait IndexDefExt {
    /// `name = ...`.
    fn named(self, name: &str) -> Self;
    /// `unique`.
    fn unique(self) -> Self;
    /// `where = ...`.
    fn filter(self, predicate: &str) -> Self;
}

impl IndexDefExt for IndexDef {
    fn named(mut self, name: &str) -> Self {
        self.name = Some(name.into());
        self
    }
    fn unique(mut self) -> Self {
        self.unique = true;
        self
    }
    fn filter(mut self, predicate: &str) -> Self {
        self.predicate = Some(predicate.into());
        self
    }
}

/// A NOT NULL column (`field: T`).
pub fn col(name: &str, ty: ColumnType) -> ColumnDef {
    let mut column = ColumnDef::new("field", ty, false);
    column.name = name.into();
    column
}

/// `#[column(primary_key)] id: i64`: an identity key by the registry's rule.
pub fn id() -> ColumnDef {
    col("id", ColumnType::BigInt).pk()
}

/// A column of a `#[derive(DbEnum)]` type.
pub fn enum_col(name: &str, enum_type: &EnumType) -> ColumnDef {
    let mut column = col(
        name,
        ColumnType::Enum {
            name: enum_type.name.clone(),
        },
    );
    column.enum_type = Some(enum_type.clone());
    column
}

/// A `Vec<E>` column of a `#[derive(DbEnum)]` type.
pub fn enum_array_col(name: &str, enum_type: &EnumType) -> ColumnDef {
    let mut column = enum_col(name, enum_type);
    column.ty = array(column.ty);
    column
}

/// A `#[derive(DbEnum)]` type (`"audit.level"` puts it in a namespace).
pub fn enum_type(name: &str, values: &[&str]) -> EnumType {
    EnumType {
        name: QualifiedName::parse(name),
        values: strings(values),
        comment: None,
    }
}

/// Field attributes.
pub trait ColumnDefExt {
    /// `Option<T>`.
    fn null(self) -> Self;
    /// `primary_key`.
    fn pk(self) -> Self;
    /// `identity = ...`.
    fn identity(self, on: bool) -> Self;
    /// `default = ...`.
    fn default(self, sql: &str) -> Self;
    /// `unique`.
    fn unique(self) -> Self;
    /// `index`.
    fn index(self) -> Self;
    /// `references = ...`.
    fn refs(self, target: &str) -> Self;
    /// `on_delete = ...`.
    fn on_delete(self, action: &str) -> Self;
    /// `on_update = ...`.
    fn on_update(self, action: &str) -> Self;
    /// `check = ...`.
    fn check(self, expression: &str) -> Self;
    /// `comment = ...` (or a doc comment).
    fn comment(self, text: &str) -> Self;
    /// `renamed_from = ...`.
    fn was(self, old: &str) -> Self;
    /// `sql_type = ...`.
    fn sql_type(self, sql: &str) -> Self;
    /// `max_length = ...`.
    fn max_length(self, length: u32) -> Self;
}

impl ColumnDefExt for ColumnDef {
    fn null(mut self) -> Self {
        self.nullable = true;
        self
    }
    fn pk(mut self) -> Self {
        self.primary_key = true;
        self
    }
    fn identity(mut self, on: bool) -> Self {
        self.identity = Some(on);
        self
    }
    fn default(mut self, sql: &str) -> Self {
        self.default = Some(sql.into());
        self
    }
    fn unique(mut self) -> Self {
        self.unique = true;
        self
    }
    fn index(mut self) -> Self {
        self.index = true;
        self
    }
    fn refs(mut self, target: &str) -> Self {
        self.references = Some(target.into());
        self
    }
    fn on_delete(mut self, action: &str) -> Self {
        self.on_delete = Some(action_of(action));
        self
    }
    fn on_update(mut self, action: &str) -> Self {
        self.on_update = Some(action_of(action));
        self
    }
    fn check(mut self, expression: &str) -> Self {
        self.check = Some(expression.into());
        self
    }
    fn comment(mut self, text: &str) -> Self {
        self.comment = Some(text.into());
        self
    }
    fn was(mut self, old: &str) -> Self {
        self.renamed_from = Some(old.into());
        self
    }
    fn sql_type(mut self, sql: &str) -> Self {
        self.sql_type = Some(sql.into());
        self
    }
    fn max_length(mut self, length: u32) -> Self {
        self.max_length = Some(length);
        self
    }
}

fn action_of(text: &str) -> ForeignKeyAction {
    ForeignKeyAction::parse(text).unwrap_or_else(|| panic!("no action {text}"))
}

// ---- types, spelled as the `SqlType` impls give them ----

/// `String` with `max_length`.
pub fn varchar(length: u32) -> ColumnType {
    ColumnType::Varchar {
        length: Some(length),
    }
}

/// `numeric(p,s)`.
pub fn numeric(precision: u32, scale: u32) -> ColumnType {
    ColumnType::Numeric {
        precision: Some(precision),
        scale: Some(scale),
    }
}

/// `Vec<T>`.
pub fn array(element: ColumnType) -> ColumnType {
    ColumnType::Array {
        element: Box::new(element),
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}
