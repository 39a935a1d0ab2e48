//! The cases, as data: a name (the snapshot's), the plain SQL of the database the ops
//! expect, and the ops. Adding a case is adding lines to one of the files below.

mod alter;
mod columns;
mod constraints;
mod enums;
mod tables;

use migrator::change::ColumnChanges;
use migrator::Op;
use schema_runtime::schema::{
    Column, ColumnType, EnumType, ForeignKey, ForeignKeyAction, Identity, PrimaryKey,
    QualifiedName, Table,
};

/// One scenario.
pub struct Case {
    /// The snapshot name.
    pub name: &'static str,
    /// Plain SQL that builds the schema the ops start from.
    pub base: &'static str,
    /// The ops to render.
    pub ops: Vec<Op>,
}

impl Case {
    /// False when some op has no reverse, so `down` cannot restore the base.
    pub fn reversible(&self) -> bool {
        self.ops.iter().all(|op| op.reverse().is_some())
    }
}

/// Every case.
pub fn all() -> Vec<Case> {
    [
        enums::cases(),
        tables::cases(),
        columns::cases(),
        alter::cases(),
        constraints::cases(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// A name in the default namespace.
fn t(name: &str) -> QualifiedName {
    QualifiedName::new(name)
}

/// A name in a schema.
fn ts(schema: &str, name: &str) -> QualifiedName {
    QualifiedName::with_schema(schema, name)
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// A NOT NULL column.
fn col(name: &str, ty: ColumnType) -> Column {
    Column::new(name, ty)
}

/// Shorthands for the optional parts of a column.
trait ColumnExt {
    fn null(self) -> Self;
    fn default_sql(self, sql: &str) -> Self;
    fn identity(self, identity: Identity) -> Self;
    fn collate(self, collation: &str) -> Self;
    fn comment(self, comment: &str) -> Self;
}

impl ColumnExt for Column {
    fn null(mut self) -> Self {
        self.nullable = true;
        self
    }
    fn default_sql(mut self, sql: &str) -> Self {
        self.default = Some(sql.into());
        self
    }
    fn identity(mut self, identity: Identity) -> Self {
        self.identity = Some(identity);
        self
    }
    fn collate(mut self, collation: &str) -> Self {
        self.collation = Some(collation.into());
        self
    }
    fn comment(mut self, comment: &str) -> Self {
        self.comment = Some(comment.into());
        self
    }
}

fn varchar(length: u32) -> ColumnType {
    ColumnType::Varchar {
        length: Some(length),
    }
}

fn enum_of(name: QualifiedName) -> ColumnType {
    ColumnType::Enum { name }
}

fn array(element: ColumnType) -> ColumnType {
    ColumnType::Array {
        element: Box::new(element),
    }
}

/// An `AlterColumn` whose change set is whatever differs.
fn alter(table: QualifiedName, from: Column, to: Column) -> Op {
    let changes = ColumnChanges::between(&from, &to);
    assert!(!changes.is_empty(), "a case alters nothing");
    Op::AlterColumn {
        table,
        from,
        to,
        changes,
    }
}

fn table(name: QualifiedName, columns: Vec<Column>) -> Table {
    Table {
        columns,
        ..Table::new(name)
    }
}

fn pk(name: &str, columns: &[&str]) -> PrimaryKey {
    PrimaryKey {
        name: name.into(),
        columns: strings(columns),
    }
}

fn enum_type(name: QualifiedName, values: &[&str], comment: Option<&str>) -> EnumType {
    EnumType {
        name,
        values: strings(values),
        comment: comment.map(Into::into),
    }
}

/// A single-column foreign key to `customers (id)` with the given actions.
fn fk_to_customers(
    name: &str,
    column: &str,
    on_delete: ForeignKeyAction,
    on_update: ForeignKeyAction,
) -> ForeignKey {
    ForeignKey {
        name: name.into(),
        columns: strings(&[column]),
        referenced_table: t("customers"),
        referenced_columns: strings(&["id"]),
        on_delete,
        on_update,
        deferrable: false,
        initially_deferred: false,
        not_valid: false,
    }
}
