//! Tests of the diff engine, as data: each case builds two small schemas with the helpers
//! here and hands them to [`check`], which diffs them and proves with the oracle
//! ([`crate::oracle`], an in-memory PostgreSQL that shares no code with the diff) that the
//! ops apply forward and backward and reach the target, that the result has no drift left,
//! and that the output does not depend on input order. The case then states the ops it
//! expects.

mod cases;
mod constraints;
mod enums;
mod props;
mod replay;

use schema_runtime::schema::{
    CheckConstraint, Column, ColumnType, EnumType, ForeignKey, ForeignKeyAction, Identity, Index,
    IndexPart, PrimaryKey, QualifiedName, Schema, Table, UniqueConstraint,
};

use super::{diff, DiffOptions};
use crate::change::Op;
use crate::dialect::Dialect;
use crate::oracle::{comparable, Database, Namespaces};

// ---- columns ----

pub(super) fn col(name: &str, ty: ColumnType) -> Column {
    Column::new(name, ty)
}

pub(super) fn int(name: &str) -> Column {
    col(name, ColumnType::Integer)
}

pub(super) fn bigint(name: &str) -> Column {
    col(name, ColumnType::BigInt)
}

pub(super) fn text(name: &str) -> Column {
    col(name, ColumnType::Text)
}

pub(super) fn enum_of(name: &str, enum_name: &str) -> Column {
    col(
        name,
        ColumnType::Enum {
            name: QualifiedName::parse(enum_name),
        },
    )
}

pub(super) trait ColumnExt {
    fn null(self) -> Self;
    fn default_sql(self, sql: &str) -> Self;
    fn comment(self, text: &str) -> Self;
    fn was(self, old: &str) -> Self;
    fn identity(self) -> Self;
    fn collate(self, collation: &str) -> Self;
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
    fn comment(mut self, text: &str) -> Self {
        self.comment = Some(text.into());
        self
    }
    fn was(mut self, old: &str) -> Self {
        self.renamed_from = Some(old.into());
        self
    }
    fn identity(mut self) -> Self {
        self.identity = Some(Identity::ByDefault);
        self
    }
    fn collate(mut self, collation: &str) -> Self {
        self.collation = Some(collation.into());
        self
    }
}

// ---- tables ----

/// A table; `"billing.invoices"` puts it in a namespace.
pub(super) fn table(name: &str, columns: Vec<Column>) -> Table {
    let mut table = Table::new(QualifiedName::parse(name));
    table.columns = columns;
    table
}

pub(super) trait TableExt {
    fn pk(self, columns: &[&str]) -> Self;
    fn pk_named(self, name: &str, columns: &[&str]) -> Self;
    fn unique(self, name: &str, columns: &[&str]) -> Self;
    fn check(self, name: &str, expression: &str) -> Self;
    fn index(self, name: &str, columns: &[&str]) -> Self;
    fn index_with(self, index: Index) -> Self;
    fn fk(self, name: &str, columns: &[&str], to: &str, to_columns: &[&str]) -> Self;
    fn fk_with(self, fk: ForeignKey) -> Self;
    fn comment(self, text: &str) -> Self;
    fn was(self, old: &str) -> Self;
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

impl TableExt for Table {
    /// A primary key named `pk_<table>`.
    fn pk(self, columns: &[&str]) -> Self {
        let name = format!("pk_{}", self.name.name);
        self.pk_named(&name, columns)
    }
    fn pk_named(mut self, name: &str, columns: &[&str]) -> Self {
        self.primary_key = Some(PrimaryKey {
            name: name.into(),
            columns: strings(columns),
        });
        self
    }
    fn unique(mut self, name: &str, columns: &[&str]) -> Self {
        self.uniques.push(UniqueConstraint {
            name: name.into(),
            columns: strings(columns),
        });
        self
    }
    fn check(mut self, name: &str, expression: &str) -> Self {
        self.checks.push(CheckConstraint {
            name: name.into(),
            expression: expression.into(),
            not_valid: false,
        });
        self
    }
    fn index(self, name: &str, columns: &[&str]) -> Self {
        self.index_with(index(name, columns))
    }
    fn index_with(mut self, index: Index) -> Self {
        self.indexes.push(index);
        self
    }
    fn fk(self, name: &str, columns: &[&str], to: &str, to_columns: &[&str]) -> Self {
        self.fk_with(fk(name, columns, to, to_columns))
    }
    fn fk_with(mut self, fk: ForeignKey) -> Self {
        self.foreign_keys.push(fk);
        self
    }
    fn comment(mut self, text: &str) -> Self {
        self.comment = Some(text.into());
        self
    }
    fn was(mut self, old: &str) -> Self {
        self.renamed_from = Some(QualifiedName::parse(old));
        self
    }
}

pub(super) fn index(name: &str, columns: &[&str]) -> Index {
    Index {
        name: name.into(),
        parts: columns
            .iter()
            .map(|c| IndexPart::Column(c.to_string()))
            .collect(),
        unique: false,
        predicate: None,
        method: None,
        part_options: Vec::new(),
        include: Vec::new(),
        nulls_not_distinct: false,
    }
}

pub(super) fn fk(name: &str, columns: &[&str], to: &str, to_columns: &[&str]) -> ForeignKey {
    ForeignKey {
        name: name.into(),
        columns: strings(columns),
        referenced_table: QualifiedName::parse(to),
        referenced_columns: strings(to_columns),
        on_delete: ForeignKeyAction::NoAction,
        on_update: ForeignKeyAction::NoAction,
        deferrable: false,
        initially_deferred: false,
        not_valid: false,
    }
}

// ---- schemas ----

pub(super) fn schema(tables: Vec<Table>) -> Schema {
    Schema {
        enums: Vec::new(),
        tables,
    }
}

pub(super) fn schema_with(enums: Vec<EnumType>, tables: Vec<Table>) -> Schema {
    Schema { enums, tables }
}

pub(super) fn enum_type(name: &str, values: &[&str]) -> EnumType {
    EnumType {
        name: QualifiedName::parse(name),
        values: strings(values),
        comment: None,
    }
}

/// `users(id bigint pk, email text unique)`, the usual referenced table.
pub(super) fn users() -> Table {
    table("users", vec![bigint("id"), text("email")])
        .pk(&["id"])
        .unique("uq_users_email", &["email"])
}

/// `orders(id bigint pk, user_id bigint -> users.id, total integer)` with an index.
pub(super) fn orders() -> Table {
    table(
        "orders",
        vec![bigint("id"), bigint("user_id"), int("total")],
    )
    .pk(&["id"])
    .index("ix_orders_user_id", &["user_id"])
    .fk("fk_orders_user_id_users", &["user_id"], "users", &["id"])
}

// ---- the checks ----

/// Diffs `from` -> `to` on PostgreSQL, checks everything [`check_with`] checks, and returns
/// the ops' descriptions.
pub(super) fn check(from: &Schema, to: &Schema) -> Vec<String> {
    describe(&check_with(from, to, &DiffOptions::default(), true))
}

/// Asserts the ops' descriptions of a PostgreSQL diff.
pub(super) fn assert_ops(from: &Schema, to: &Schema, expected: &[&str]) {
    assert_eq!(check(from, to), expected, "ops of the diff");
}

pub(super) fn describe(ops: &[Op]) -> Vec<String> {
    ops.iter().map(Op::describe).collect()
}

/// Diffs and checks: the same ops twice and for shuffled inputs; the oracle applies the ops
/// to `from` and they leave no drift against `to`; with `exact`, the result equals `to` (it
/// cannot where a dialect ignores a difference); the oracle applies the reversed ops and
/// they give `from` back, except for enum values added (which cannot be removed). The
/// oracle is PostgreSQL; for the other dialects it takes every namespace as given, since
/// their migrations create none.
pub(super) fn check_with(
    from: &Schema,
    to: &Schema,
    options: &DiffOptions,
    exact: bool,
) -> Vec<Op> {
    let ops = diff(from, to, options);
    assert_eq!(diff(from, to, options), ops, "a second diff differs");
    assert_eq!(
        diff(&shuffled(from), &shuffled(to), options),
        ops,
        "shuffled inputs give other ops"
    );
    let from = prepared(from, options);
    let to = prepared(to, options);
    let listing = describe(&ops).join("\n");
    let namespaces = match options.dialect {
        Dialect::Postgresql => Namespaces::Created,
        _ => Namespaces::Given,
    };
    let mut database = Database::new(&from, namespaces);
    database
        .run(&ops)
        .unwrap_or_else(|e| panic!("the ops do not apply: {e}\nops:\n{listing}"));
    let reached = database.schema().clone();
    let drift = diff(&reached, &to, options);
    assert!(
        drift.is_empty(),
        "drift left after the ops: {:?}\nops:\n{listing}",
        describe(&drift)
    );
    if exact {
        assert_eq!(comparable(&reached), comparable(&to), "ops:\n{listing}");
    }
    let (down, added_values) = reversed(&ops);
    // The down list runs on the same database: a namespace created on the way up stays.
    database.run(&down).unwrap_or_else(|e| {
        panic!(
            "the reversed ops do not apply: {e}\nops:\n{listing}\nreversed:\n{}",
            describe(&down).join("\n")
        )
    });
    let back = database.schema();
    let mut expected = comparable(&from);
    for name in added_values {
        let now = reached.enum_type(&name).cloned();
        if let (Some(e), Some(now)) = (expected.enums.iter_mut().find(|e| e.name == name), now) {
            e.values = now.values;
        }
    }
    assert_eq!(
        comparable(back),
        expected,
        "reversed ops:\n{}",
        describe(&down).join("\n")
    );
    ops
}

/// The down list: each op's reverse, last op first; the enums whose added values cannot be
/// taken back are returned beside it.
pub(super) fn reversed(ops: &[Op]) -> (Vec<Op>, Vec<QualifiedName>) {
    let mut down = Vec::new();
    let mut kept = Vec::new();
    for op in ops.iter().rev() {
        match (op.reverse(), op) {
            (Some(reverse), _) => down.push(reverse),
            (None, Op::AddEnumValue { name, .. }) => kept.push(name.clone()),
            // A namespace stays: it may hold objects the models do not manage.
            (None, Op::CreateNamespace { .. }) => {}
            (None, other) => panic!("{} has no reverse", other.describe()),
        }
    }
    (down, kept)
}

/// The schema in the default namespace, as the diff sees it.
fn prepared(schema: &Schema, options: &DiffOptions) -> Schema {
    let mut schema = schema.clone();
    if let Some(default) = &options.default_namespace {
        schema.normalize_default_namespace(default);
    }
    schema
}

/// The schema with every list the diff must not depend on reversed (columns keep their
/// order: it is part of the model).
pub(super) fn shuffled(schema: &Schema) -> Schema {
    let mut schema = schema.clone();
    schema.tables.reverse();
    schema.enums.reverse();
    for table in &mut schema.tables {
        table.indexes.reverse();
        table.uniques.reverse();
        table.foreign_keys.reverse();
        table.checks.reverse();
    }
    schema
}

/// Options for another dialect.
pub(super) fn on(dialect: Dialect) -> DiffOptions {
    DiffOptions::new(dialect)
}
