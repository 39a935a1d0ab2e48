//! Schema B: A with a few mutations applied, each picking what it changes by position (and
//! doing nothing where nothing fits), and the map from A's tables and columns to B's that
//! the row checks follow. Renames are expressed the way a model does, with `renamed_from`
//! naming the object as the database (at A) has it.
//!
//! Every mutation keeps B a model the rows of A can be migrated to: a new NOT NULL column
//! has a default, only columns A already had become NOT NULL or get a unique key (their
//! rows hold distinct values, and no NULL where B forbids it: see `data`), and a foreign
//! key added to an existing table points at a table A had, whose rows it references.

use std::collections::BTreeMap;

use proptest::prelude::*;
use schema_runtime::schema::{
    CheckConstraint, Column, ColumnType, ForeignKeyAction, IndexPart, QualifiedName, Schema, Table,
    UniqueConstraint,
};

use super::model::{
    check_for, column_plan, default_for, distinct, foreign_key, index_over, index_plan, is_mood,
    keyed_table, mood, pick, widened, ColumnPlan, IndexPlan, MOOD_VALUES,
};

/// One change from A to B.
#[derive(Clone, Debug)]
pub enum Mutation {
    AddTable {
        columns: Vec<ColumnPlan>,
        parent: Option<u8>,
    },
    DropTable(u8),
    RenameTable(u8),
    AddColumn(u8, ColumnPlan),
    DropColumn(u8, u8),
    RenameColumn(u8, u8),
    ToggleNullable(u8, u8),
    Widen(u8, u8),
    ToggleDefault(u8, u8),
    AddIndex(u8, IndexPlan),
    DropIndex(u8, u8),
    AddUnique(u8, u8),
    DropUnique(u8, u8),
    AddCheck(u8, u8),
    DropCheck(u8, u8),
    AddForeignKey(u8),
    DropForeignKey(u8, u8),
    /// A value appended to the enum type (PostgreSQL cannot take one out: see `run`).
    AddEnumValue,
}

pub fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<u8>;
    prop_oneof![
        (
            prop::collection::vec(column_plan(), 1..=3),
            prop::option::of(at())
        )
            .prop_map(|(columns, parent)| Mutation::AddTable { columns, parent }),
        at().prop_map(Mutation::DropTable),
        at().prop_map(Mutation::RenameTable),
        (at(), column_plan()).prop_map(|(t, c)| Mutation::AddColumn(t, c)),
        (at(), at()).prop_map(|(t, c)| Mutation::DropColumn(t, c)),
        (at(), at()).prop_map(|(t, c)| Mutation::RenameColumn(t, c)),
        (at(), at()).prop_map(|(t, c)| Mutation::ToggleNullable(t, c)),
        (at(), at()).prop_map(|(t, c)| Mutation::Widen(t, c)),
        (at(), at()).prop_map(|(t, c)| Mutation::ToggleDefault(t, c)),
        (at(), index_plan()).prop_map(|(t, i)| Mutation::AddIndex(t, i)),
        (at(), at()).prop_map(|(t, i)| Mutation::DropIndex(t, i)),
        (at(), at()).prop_map(|(t, c)| Mutation::AddUnique(t, c)),
        (at(), at()).prop_map(|(t, i)| Mutation::DropUnique(t, i)),
        (at(), at()).prop_map(|(t, c)| Mutation::AddCheck(t, c)),
        (at(), at()).prop_map(|(t, i)| Mutation::DropCheck(t, i)),
        at().prop_map(Mutation::AddForeignKey),
        (at(), at()).prop_map(|(t, i)| Mutation::DropForeignKey(t, i)),
        Just(Mutation::AddEnumValue),
    ]
}

/// A and B, and where each of A's tables and columns went.
#[derive(Clone, Debug)]
pub struct Pair {
    pub a: Schema,
    pub b: Schema,
    /// A's table name -> B's, `None` when B drops the table.
    pub tables: BTreeMap<String, Option<String>>,
    /// (A's table, A's column) -> B's column, `None` when B drops it (or its table).
    pub columns: BTreeMap<(String, String), Option<String>>,
}

impl Pair {
    /// Where A's table is in B, if B keeps it.
    pub fn table_in_b(&self, a_table: &str) -> Option<&str> {
        self.tables.get(a_table).and_then(|b| b.as_deref())
    }

    /// Where A's column is in B, if B keeps it.
    pub fn column_in_b(&self, a_table: &str, a_column: &str) -> Option<&str> {
        self.columns
            .get(&(a_table.to_owned(), a_column.to_owned()))
            .and_then(|b| b.as_deref())
    }

    /// The pair for a database without enum types: their columns hold text.
    pub fn without_enums(mut self) -> Self {
        for schema in [&mut self.a, &mut self.b] {
            schema.enums.clear();
            for table in &mut schema.tables {
                for column in table.columns.iter_mut().filter(|c| is_mood(&c.ty)) {
                    column.ty = ColumnType::Text;
                }
            }
        }
        self
    }

    /// The B column A's column became, if any.
    pub fn b_column(&self, a_table: &str, a_column: &str) -> Option<&Column> {
        let table = self.table_in_b(a_table)?;
        let column = self.column_in_b(a_table, a_column)?;
        self.b
            .table(&QualifiedName::new(table))
            .and_then(|t| t.column(column))
    }
}

/// A table being mutated, with where it and its columns came from in A.
struct WorkTable {
    table: Table,
    origin: Option<String>,
    /// Current column name -> A's name, for the columns A had.
    column_origin: BTreeMap<String, String>,
}

impl WorkTable {
    fn payload(&self) -> Vec<&Column> {
        self.table.columns.iter().skip(1).collect()
    }

    /// Payload columns A had (their rows hold generated values).
    fn old_payload(&self) -> Vec<&Column> {
        self.payload()
            .into_iter()
            .filter(|c| self.column_origin.contains_key(&c.name))
            .collect()
    }
}

struct Work {
    tables: Vec<WorkTable>,
    /// (A's table, A's reference column) -> A's parent table, for foreign keys to add back.
    references: BTreeMap<(String, String), String>,
    /// Counts names handed out, so every new object's name is fresh.
    fresh: usize,
    /// The enum type's values in B (it exists where a column uses it).
    mood_values: Vec<String>,
}

/// Applies the mutations to A.
pub fn mutate(a: &Schema, mutations: &[Mutation]) -> Pair {
    let mut work = Work::new(a);
    for mutation in mutations {
        work.apply(mutation);
    }
    work.finish(a)
}

impl Work {
    fn new(a: &Schema) -> Self {
        let mut references = BTreeMap::new();
        for table in &a.tables {
            for column in &table.columns {
                if let Some(parent) = column.name.strip_prefix("r_") {
                    references.insert(
                        (table.name.name.clone(), column.name.clone()),
                        parent.to_owned(),
                    );
                }
            }
        }
        let tables = a
            .tables
            .iter()
            .map(|t| WorkTable {
                table: t.clone(),
                origin: Some(t.name.name.clone()),
                column_origin: t
                    .columns
                    .iter()
                    .map(|c| (c.name.clone(), c.name.clone()))
                    .collect(),
            })
            .collect();
        Self {
            tables,
            references,
            fresh: 0,
            mood_values: MOOD_VALUES.iter().map(|v| v.to_string()).collect(),
        }
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh)
    }

    fn apply(&mut self, mutation: &Mutation) {
        match mutation {
            Mutation::AddTable { columns, parent } => self.add_table(columns, *parent),
            Mutation::DropTable(t) => self.drop_table(*t),
            Mutation::RenameTable(t) => self.rename_table(*t),
            Mutation::AddColumn(t, plan) => self.add_column(*t, plan),
            Mutation::DropColumn(t, c) => self.drop_column(*t, *c),
            Mutation::RenameColumn(t, c) => self.rename_column(*t, *c),
            Mutation::ToggleNullable(t, c) => self.toggle_nullable(*t, *c),
            Mutation::Widen(t, c) => self.widen(*t, *c),
            Mutation::ToggleDefault(t, c) => self.toggle_default(*t, *c),
            Mutation::AddIndex(t, plan) => self.add_index(*t, plan),
            Mutation::DropIndex(t, i) => {
                self.with_table(*t, |w| remove_at(&mut w.table.indexes, *i));
            }
            Mutation::AddUnique(t, c) => self.add_unique(*t, *c),
            Mutation::DropUnique(t, i) => {
                self.with_table(*t, |w| remove_at(&mut w.table.uniques, *i));
            }
            Mutation::AddCheck(t, c) => self.add_check(*t, *c),
            Mutation::DropCheck(t, i) => {
                self.with_table(*t, |w| remove_at(&mut w.table.checks, *i));
            }
            Mutation::AddForeignKey(t) => self.add_foreign_key(*t),
            Mutation::DropForeignKey(t, i) => {
                self.with_table(*t, |w| remove_at(&mut w.table.foreign_keys, *i));
            }
            Mutation::AddEnumValue => {
                let next = format!("v{}", self.mood_values.len());
                self.mood_values.push(next);
            }
        }
    }

    fn index_of(&self, at: u8) -> Option<usize> {
        (!self.tables.is_empty()).then(|| usize::from(at) % self.tables.len())
    }

    fn with_table(&mut self, at: u8, change: impl FnOnce(&mut WorkTable)) {
        if let Some(i) = self.index_of(at) {
            change(&mut self.tables[i]);
        }
    }

    fn add_table(&mut self, plans: &[ColumnPlan], parent: Option<u8>) {
        let name = self.fresh("n");
        let columns = plans
            .iter()
            .enumerate()
            .map(|(i, c)| c.column(&format!("c{i}")))
            .collect();
        let mut table = keyed_table(&name, false, columns);
        // A new table is empty, so its key may point at any table B has.
        if let Some(parent) = parent.and_then(|at| pick(&self.tables, at)) {
            let column_name = format!("r_{}", parent.table.name.name);
            let mut column = Column::new(&column_name, parent.table.columns[0].ty.clone());
            column.nullable = true;
            let parent_name = parent.table.name.name.clone();
            table.columns.push(column);
            table.foreign_keys.push(foreign_key(
                &name,
                &column_name,
                &parent_name,
                ForeignKeyAction::NoAction,
            ));
        }
        self.tables.push(WorkTable {
            table,
            origin: None,
            column_origin: BTreeMap::new(),
        });
    }

    fn drop_table(&mut self, at: u8) {
        let Some(i) = self.index_of(at) else { return };
        let gone = self.tables.remove(i).table.name;
        for other in &mut self.tables {
            other
                .table
                .foreign_keys
                .retain(|fk| fk.referenced_table != gone);
        }
    }

    fn rename_table(&mut self, at: u8) {
        let Some(i) = self.index_of(at) else { return };
        let from = self.tables[i].table.name.clone();
        let to = QualifiedName::new(format!("{}_r", from.name));
        self.tables[i].table.name = to.clone();
        for other in &mut self.tables {
            for fk in &mut other.table.foreign_keys {
                if fk.referenced_table == from {
                    fk.referenced_table = to.clone();
                }
            }
        }
    }

    fn add_column(&mut self, at: u8, plan: &ColumnPlan) {
        let name = self.fresh("a");
        let mut column = plan.column(&name);
        // The table's rows need a value for a NOT NULL column.
        if !column.nullable && column.default.is_none() {
            column.default = Some(default_for(&column.ty));
        }
        self.with_table(at, |w| w.table.columns.push(column));
    }

    /// The payload column at `c` of table `t`, as (table index, column index).
    fn payload_at(&self, t: u8, c: u8) -> Option<(usize, usize)> {
        let i = self.index_of(t)?;
        let count = self.tables[i].table.columns.len() - 1;
        (count > 0).then(|| (i, 1 + usize::from(c) % count))
    }

    fn drop_column(&mut self, t: u8, c: u8) {
        let Some((i, j)) = self.payload_at(t, c) else {
            return;
        };
        let w = &mut self.tables[i];
        let name = w.table.columns.remove(j).name;
        w.column_origin.remove(&name);
        let t = &mut w.table;
        t.indexes.retain(|ix| !ix.column_names().any(|n| n == name));
        t.uniques.retain(|u| !u.columns.contains(&name));
        t.foreign_keys.retain(|fk| !fk.columns.contains(&name));
        t.checks.retain(|ck| !mentions(&ck.expression, &name));
    }

    fn rename_column(&mut self, t: u8, c: u8) {
        let Some((i, j)) = self.payload_at(t, c) else {
            return;
        };
        let w = &mut self.tables[i];
        let from = w.table.columns[j].name.clone();
        let to = format!("{from}_r");
        w.table.columns[j].name = to.clone();
        if let Some(origin) = w.column_origin.remove(&from) {
            w.column_origin.insert(to.clone(), origin);
        }
        let t = &mut w.table;
        for ix in &mut t.indexes {
            for part in &mut ix.parts {
                if *part == IndexPart::Column(from.clone()) {
                    *part = IndexPart::Column(to.clone());
                }
            }
        }
        let rename = |names: &mut Vec<String>| {
            for n in names.iter_mut().filter(|n| **n == from) {
                n.clone_from(&to);
            }
        };
        t.uniques.iter_mut().for_each(|u| rename(&mut u.columns));
        t.foreign_keys
            .iter_mut()
            .for_each(|fk| rename(&mut fk.columns));
        for ck in &mut t.checks {
            if mentions(&ck.expression, &from) {
                ck.expression = ck.expression.replacen(&from, &to, 1);
            }
        }
    }

    fn toggle_nullable(&mut self, t: u8, c: u8) {
        let Some((i, j)) = self.payload_at(t, c) else {
            return;
        };
        let w = &mut self.tables[i];
        let from_a = w.column_origin.contains_key(&w.table.columns[j].name);
        let column = &mut w.table.columns[j];
        if column.nullable {
            // Only A's columns hold rows without NULL where B forbids it.
            if from_a {
                column.nullable = false;
            }
        } else {
            column.nullable = true;
        }
    }

    fn widen(&mut self, t: u8, c: u8) {
        let Some((i, j)) = self.payload_at(t, c) else {
            return;
        };
        let column = &mut self.tables[i].table.columns[j];
        if let Some(ty) = widened(&column.ty) {
            column.ty = ty;
        }
    }

    fn toggle_default(&mut self, t: u8, c: u8) {
        let Some((i, j)) = self.payload_at(t, c) else {
            return;
        };
        let w = &mut self.tables[i];
        let from_a = w.column_origin.contains_key(&w.table.columns[j].name);
        let column = &mut w.table.columns[j];
        if column.default.is_none() {
            column.default = Some(default_for(&column.ty));
        } else if from_a || column.nullable {
            // A new NOT NULL column keeps the default that fills the table's rows.
            column.default = None;
        }
    }

    fn add_index(&mut self, t: u8, plan: &IndexPlan) {
        let name = self.fresh("ix_m");
        self.with_table(t, |w| {
            // A unique index only over A's columns, whose rows hold distinct values.
            let columns = if plan.unique {
                w.old_payload()
            } else {
                w.payload()
            };
            if let Some(index) = index_over(name, &columns, plan) {
                w.table.indexes.push(index);
            }
        });
    }

    fn add_unique(&mut self, t: u8, c: u8) {
        let name = self.fresh("uq_m");
        self.with_table(t, |w| {
            let keyable: Vec<&Column> = w
                .old_payload()
                .into_iter()
                .filter(|c| distinct(&c.ty))
                .collect();
            if let Some(column) = pick(&keyable, c) {
                let unique = UniqueConstraint {
                    name,
                    columns: vec![column.name.clone()],
                };
                w.table.uniques.push(unique);
            }
        });
    }

    fn add_check(&mut self, t: u8, c: u8) {
        let name = self.fresh("ck_m");
        self.with_table(t, |w| {
            let checkable: Vec<String> = w
                .payload()
                .iter()
                .filter_map(|c| check_for(&c.name, &c.ty))
                .collect();
            if let Some(expression) = pick(&checkable, c) {
                let check = CheckConstraint {
                    name,
                    expression: expression.clone(),
                    not_valid: false,
                };
                w.table.checks.push(check);
            }
        });
    }

    /// Puts a foreign key on a reference column A had without one, when B still has the
    /// parent table: A's rows reference its rows.
    fn add_foreign_key(&mut self, t: u8) {
        let Some(i) = self.index_of(t) else { return };
        let Some(origin) = self.tables[i].origin.clone() else {
            return;
        };
        let key_name = self.fresh("fk_m");
        let parents: BTreeMap<String, String> = self
            .tables
            .iter()
            .filter_map(|w| Some((w.origin.clone()?, w.table.name.name.clone())))
            .collect();
        let w = &mut self.tables[i];
        for (name, a_name) in w.column_origin.clone() {
            let Some(parent) = self.references.get(&(origin.clone(), a_name)) else {
                continue;
            };
            let Some(parent) = parents.get(parent) else {
                continue;
            };
            if w.table
                .foreign_keys
                .iter()
                .any(|fk| fk.columns == [name.clone()])
            {
                continue;
            }
            let mut key = foreign_key(
                &w.table.name.name,
                &name,
                parent,
                ForeignKeyAction::NoAction,
            );
            key.name = key_name;
            w.table.foreign_keys.push(key);
            return;
        }
    }

    fn finish(self, a: &Schema) -> Pair {
        let mut tables: BTreeMap<String, Option<String>> = a
            .tables
            .iter()
            .map(|t| (t.name.name.clone(), None))
            .collect();
        let mut columns: BTreeMap<(String, String), Option<String>> = a
            .tables
            .iter()
            .flat_map(|t| {
                t.columns
                    .iter()
                    .map(|c| ((t.name.name.clone(), c.name.clone()), None))
            })
            .collect();
        let mut b = Schema::default();
        for mut w in self.tables {
            if let Some(origin) = &w.origin {
                tables.insert(origin.clone(), Some(w.table.name.name.clone()));
                if *origin != w.table.name.name {
                    w.table.renamed_from = Some(QualifiedName::new(origin));
                }
                for column in &mut w.table.columns {
                    let Some(a_name) = w.column_origin.get(&column.name) else {
                        continue;
                    };
                    columns.insert((origin.clone(), a_name.clone()), Some(column.name.clone()));
                    if *a_name != column.name {
                        column.renamed_from = Some(a_name.clone());
                    }
                }
            }
            b.tables.push(w.table);
        }
        if b.tables
            .iter()
            .any(|t| t.columns.iter().any(|c| is_mood(&c.ty)))
        {
            b.enums.push(mood(&self.mood_values));
        }
        b.sort();
        Pair {
            a: a.clone(),
            b,
            tables,
            columns,
        }
    }
}

/// Whether a generated check expression (`col op literal`) is about `column`.
fn mentions(expression: &str, column: &str) -> bool {
    expression.split_whitespace().next() == Some(column)
}

fn remove_at<T>(items: &mut Vec<T>, at: u8) {
    if !items.is_empty() {
        items.remove(usize::from(at) % items.len());
    }
}
