//! Schema A: a few tables built from plans that proptest draws and shrinks. Every table is
//! keyed on `id`; its columns come from a pool of types both PostgreSQL and SQLite hold
//! (and read back as themselves), plus an enum type for PostgreSQL, with unique constraints, single and two-column indexes,
//! checks, and a reference to an earlier table that may carry a foreign key. The names are
//! fixed by position (`t0`, `c1`, `ix_t0_1`), so a plan says everything about its schema.

use proptest::prelude::*;
use schema_runtime::schema::{
    CheckConstraint, Column, ColumnType, EnumType, ForeignKey, ForeignKeyAction, Index, IndexPart,
    PrimaryKey, QualifiedName, Schema, Table, UniqueConstraint,
};

/// A column type of the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Integer,
    BigInt,
    Text,
    Varchar10,
    Varchar40,
    Boolean,
    Numeric,
    Date,
    Timestamp,
    /// The enum type [`mood`] (SQLite cases get text instead: see `Pair::without_enums`).
    Mood,
}

/// The enum type's name, and its values in A.
pub const MOOD: &str = "mood";
pub const MOOD_VALUES: [&str; 2] = ["a", "b"];

/// The enum type with the given values.
pub fn mood(values: &[String]) -> EnumType {
    EnumType {
        name: QualifiedName::new(MOOD),
        values: values.to_vec(),
        comment: None,
    }
}

/// Whether a column has the enum type.
pub fn is_mood(ty: &ColumnType) -> bool {
    matches!(ty, ColumnType::Enum { .. })
}

impl Kind {
    pub fn ty(self) -> ColumnType {
        match self {
            Kind::Integer => ColumnType::Integer,
            Kind::BigInt => ColumnType::BigInt,
            Kind::Text => ColumnType::Text,
            Kind::Varchar10 => ColumnType::Varchar { length: Some(10) },
            Kind::Varchar40 => ColumnType::Varchar { length: Some(40) },
            Kind::Boolean => ColumnType::Boolean,
            Kind::Numeric => ColumnType::Numeric {
                precision: Some(10),
                scale: Some(2),
            },
            Kind::Date => ColumnType::Date,
            Kind::Timestamp => ColumnType::Timestamp,
            Kind::Mood => ColumnType::Enum {
                name: QualifiedName::new(MOOD),
            },
        }
    }
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Integer),
        Just(Kind::BigInt),
        Just(Kind::Text),
        Just(Kind::Varchar10),
        Just(Kind::Varchar40),
        Just(Kind::Boolean),
        Just(Kind::Numeric),
        Just(Kind::Date),
        Just(Kind::Timestamp),
        Just(Kind::Mood),
    ]
}

/// A column's server default, one every row can share.
pub fn default_for(ty: &ColumnType) -> String {
    match ty {
        ColumnType::Integer | ColumnType::BigInt => "7".into(),
        ColumnType::Numeric { .. } => "0".into(),
        ColumnType::Boolean => "false".into(),
        ColumnType::Date => "'2026-02-01'".into(),
        ColumnType::Timestamp => "'2026-02-01 12:00:00'".into(),
        ColumnType::Enum { .. } => "'a'".into(),
        _ => "'d'".into(),
    }
}

/// A check every generated row (and every default) passes, for the types that have one.
pub fn check_for(column: &str, ty: &ColumnType) -> Option<String> {
    match ty {
        ColumnType::Integer | ColumnType::BigInt | ColumnType::Numeric { .. } => {
            Some(format!("{column} >= 0"))
        }
        ColumnType::Text | ColumnType::Varchar { .. } => Some(format!("{column} <> ''")),
        _ => None,
    }
}

/// The type a column may safely widen to: every value fits, and the way back fits the
/// values the column held before.
pub fn widened(ty: &ColumnType) -> Option<ColumnType> {
    match ty {
        ColumnType::Integer => Some(ColumnType::BigInt),
        ColumnType::Varchar { length: Some(10) } => Some(ColumnType::Varchar { length: Some(40) }),
        ColumnType::Varchar { .. } => Some(ColumnType::Text),
        _ => None,
    }
}

/// Whether generated rows hold distinct values in a column of this type (booleans and the
/// enum's two values do not), so that a unique key on it holds.
pub fn distinct(ty: &ColumnType) -> bool {
    *ty != ColumnType::Boolean && !is_mood(ty)
}

/// One payload column.
#[derive(Clone, Debug)]
pub struct ColumnPlan {
    pub kind: Kind,
    pub nullable: bool,
    pub default: bool,
}

pub fn column_plan() -> impl Strategy<Value = ColumnPlan> {
    (kind(), any::<bool>(), prop::bool::weighted(0.3)).prop_map(|(kind, nullable, default)| {
        ColumnPlan {
            kind,
            nullable,
            default,
        }
    })
}

impl ColumnPlan {
    pub fn column(&self, name: &str) -> Column {
        let ty = self.kind.ty();
        let mut column = Column::new(name, ty.clone());
        column.nullable = self.nullable;
        column.default = self.default.then(|| default_for(&ty));
        column
    }
}

/// A reference to an earlier table: a column `r_<parent>` of the parent's key type, with
/// or without the foreign key itself.
#[derive(Clone, Debug)]
pub struct ReferencePlan {
    pub parent: u8,
    pub nullable: bool,
    pub foreign_key: bool,
    pub on_delete: ForeignKeyAction,
}

fn reference_plan() -> impl Strategy<Value = ReferencePlan> {
    (
        any::<u8>(),
        any::<bool>(),
        prop::bool::weighted(0.7),
        prop_oneof![
            Just(ForeignKeyAction::NoAction),
            Just(ForeignKeyAction::Cascade),
            Just(ForeignKeyAction::Restrict),
        ],
    )
        .prop_map(|(parent, nullable, foreign_key, on_delete)| ReferencePlan {
            parent,
            nullable,
            foreign_key,
            on_delete,
        })
}

/// An index over one or two payload columns (picked by position, modulo their count).
#[derive(Clone, Debug)]
pub struct IndexPlan {
    pub first: u8,
    pub second: Option<u8>,
    pub unique: bool,
}

pub fn index_plan() -> impl Strategy<Value = IndexPlan> {
    (
        any::<u8>(),
        prop::option::weighted(0.4, any::<u8>()),
        any::<bool>(),
    )
        .prop_map(|(first, second, unique)| IndexPlan {
            first,
            second,
            unique,
        })
}

/// One table of A.
#[derive(Clone, Debug)]
pub struct TablePlan {
    pub big_id: bool,
    pub columns: Vec<ColumnPlan>,
    pub reference: Option<ReferencePlan>,
    pub indexes: Vec<IndexPlan>,
    pub unique: Option<u8>,
    pub check: Option<u8>,
}

pub fn table_plan() -> impl Strategy<Value = TablePlan> {
    (
        any::<bool>(),
        prop::collection::vec(column_plan(), 1..=4),
        prop::option::weighted(0.6, reference_plan()),
        prop::collection::vec(index_plan(), 0..=2),
        prop::option::weighted(0.4, any::<u8>()),
        prop::option::weighted(0.4, any::<u8>()),
    )
        .prop_map(
            |(big_id, columns, reference, indexes, unique, check)| TablePlan {
                big_id,
                columns,
                reference,
                indexes,
                unique,
                check,
            },
        )
}

/// Picks an item by a drawn position.
pub fn pick<T>(items: &[T], at: u8) -> Option<&T> {
    if items.is_empty() {
        None
    } else {
        items.get(usize::from(at) % items.len())
    }
}

/// The key column every table has.
pub fn key_column(big: bool) -> Column {
    Column::new(
        "id",
        if big {
            ColumnType::BigInt
        } else {
            ColumnType::Integer
        },
    )
}

/// A table keyed on `id` with the given payload columns.
pub fn keyed_table(name: &str, big_id: bool, columns: Vec<Column>) -> Table {
    let mut table = Table::new(QualifiedName::new(name));
    table.columns.push(key_column(big_id));
    table.columns.extend(columns);
    table.primary_key = Some(PrimaryKey {
        name: format!("pk_{name}"),
        columns: vec!["id".into()],
    });
    table
}

/// The index a plan asks for over `columns` (payload columns only), unique only where the
/// rows' values are distinct on it.
pub fn index_over(name: String, columns: &[&Column], plan: &IndexPlan) -> Option<Index> {
    let first = pick(columns, plan.first)?;
    let mut parts = vec![first];
    if let Some(second) = plan.second.and_then(|at| pick(columns, at)) {
        if second.name != first.name {
            parts.push(second);
        }
    }
    Some(Index {
        name,
        unique: plan.unique && parts.iter().any(|c| distinct(&c.ty)),
        parts: parts
            .iter()
            .map(|c| IndexPart::Column(c.name.clone()))
            .collect(),
        predicate: None,
        method: None,
        part_options: Vec::new(),
        include: Vec::new(),
        nulls_not_distinct: false,
    })
}

/// A foreign key from `column` to the parent's `id`.
pub fn foreign_key(
    table: &str,
    column: &str,
    parent: &str,
    on_delete: ForeignKeyAction,
) -> ForeignKey {
    ForeignKey {
        name: format!("fk_{table}_{column}"),
        columns: vec![column.into()],
        referenced_table: QualifiedName::new(parent),
        referenced_columns: vec!["id".into()],
        on_delete,
        on_update: ForeignKeyAction::NoAction,
        deferrable: false,
        initially_deferred: false,
        not_valid: false,
    }
}

/// Schema A of the plans: tables `t0..`, each keyed on `id`.
pub fn schema_a(plans: &[TablePlan]) -> Schema {
    let mut tables: Vec<Table> = Vec::new();
    for (at, plan) in plans.iter().enumerate() {
        let name = format!("t{at}");
        let columns = plan
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| c.column(&format!("c{i}")))
            .collect();
        let mut table = keyed_table(&name, plan.big_id, columns);
        if let Some(reference) = &plan.reference {
            add_reference(&mut table, &tables, reference);
        }
        add_members(&mut table, plan);
        tables.push(table);
    }
    let uses_mood = tables
        .iter()
        .any(|t| t.columns.iter().any(|c| is_mood(&c.ty)));
    let values: Vec<String> = MOOD_VALUES.iter().map(|v| v.to_string()).collect();
    let mut schema = Schema {
        enums: uses_mood.then(|| mood(&values)).into_iter().collect(),
        tables,
    };
    schema.sort();
    schema
}

fn add_reference(table: &mut Table, earlier: &[Table], plan: &ReferencePlan) {
    let Some(parent) = pick(earlier, plan.parent) else {
        return;
    };
    let column_name = format!("r_{}", parent.name.name);
    let mut column = Column::new(&column_name, parent.columns[0].ty.clone());
    column.nullable = plan.nullable;
    table.columns.push(column);
    if plan.foreign_key {
        let key = foreign_key(
            &table.name.name,
            &column_name,
            &parent.name.name,
            plan.on_delete,
        );
        table.foreign_keys.push(key);
    }
}

fn add_members(table: &mut Table, plan: &TablePlan) {
    let name = table.name.name.clone();
    let payload: Vec<Column> = table.columns[1..].to_vec();
    let payload: Vec<&Column> = payload.iter().collect();
    for (i, index) in plan.indexes.iter().enumerate() {
        if let Some(index) = index_over(format!("ix_{name}_{i}"), &payload, index) {
            table.indexes.push(index);
        }
    }
    let keyable: Vec<&Column> = payload
        .iter()
        .copied()
        .filter(|c| distinct(&c.ty))
        .collect();
    if let Some(column) = plan.unique.and_then(|at| pick(&keyable, at)) {
        table.uniques.push(UniqueConstraint {
            name: format!("uq_{name}_{}", column.name),
            columns: vec![column.name.clone()],
        });
    }
    let checkable: Vec<(&Column, String)> = payload
        .iter()
        .filter_map(|c| check_for(&c.name, &c.ty).map(|e| (*c, e)))
        .collect();
    if let Some((column, expression)) = plan.check.and_then(|at| pick(&checkable, at)) {
        table.checks.push(CheckConstraint {
            name: format!("ck_{name}_{}", column.name),
            expression: expression.clone(),
            not_valid: false,
        });
    }
}
