//! Property: for random small schemas A and B, the diff A -> B applies to A and gives B
//! with no drift left, and its reverse gives A back; and the same the other way round. The
//! ops run on the oracle ([`crate::oracle`]), which shares no code with the diff.
//!
//! Schemas are built from a byte string (so proptest shrinks bytes, and every byte string
//! is a valid pair of schemas): a few tables in two namespaces drawing from a small pool of
//! columns, keys, indexes, checks, foreign keys, an enum, and rename hints, with names
//! chosen so that renames of tables, columns, indexes and constraints all come up.

use proptest::prelude::*;

use super::*;

/// Reads decisions off a byte string; past its end every answer is 0.
struct Dice<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Dice<'_> {
    fn roll(&mut self, sides: u8) -> u8 {
        let byte = self.bytes.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        byte % sides
    }

    fn coin(&mut self) -> bool {
        self.roll(2) == 1
    }

    fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        let len = u8::try_from(items.len()).unwrap_or(u8::MAX);
        &items[usize::from(self.roll(len))]
    }
}

const TABLES: [&str; 4] = ["a", "b", "c", "s.a"];
const COLUMNS: [&str; 3] = ["x", "y", "z"];
const VALUES: [&str; 4] = ["v1", "v2", "v3", "v4"];

fn tag(name: &QualifiedName) -> String {
    match &name.schema {
        Some(ns) => format!("{ns}_{}", name.name),
        None => name.name.clone(),
    }
}

fn random_type(dice: &mut Dice<'_>, with_enum: bool) -> ColumnType {
    match dice.roll(5) {
        0 => ColumnType::Integer,
        1 => ColumnType::BigInt,
        2 => ColumnType::Varchar { length: Some(20) },
        3 if with_enum => ColumnType::Enum {
            name: QualifiedName::new("mood"),
        },
        _ => ColumnType::Text,
    }
}

fn random_column(dice: &mut Dice<'_>, name: &str, with_enum: bool) -> Column {
    let mut column = col(name, random_type(dice, with_enum));
    column.nullable = dice.coin();
    if dice.roll(4) == 0 {
        column.comment = Some("c".into());
    }
    if dice.roll(4) == 0 {
        column.default = Some("'d'".into());
    }
    if dice.roll(4) == 0 {
        column.renamed_from = Some(dice.pick(&COLUMNS).to_string());
    }
    column
}

fn random_enum(dice: &mut Dice<'_>) -> Option<EnumType> {
    if !dice.coin() {
        return None;
    }
    let mut values: Vec<&str> = VALUES
        .iter()
        .copied()
        .filter(|_| dice.roll(3) > 0)
        .collect();
    if values.is_empty() {
        values.push("v1");
    }
    if dice.roll(4) == 0 {
        values.reverse();
    }
    Some(enum_type("mood", &values))
}

/// One table with its own members; foreign keys come later, once every table is known.
fn random_table(dice: &mut Dice<'_>, name: &str, with_enum: bool) -> Table {
    let mut t = table(name, vec![]);
    let tag = tag(&t.name);
    let id_type = if dice.coin() {
        ColumnType::BigInt
    } else {
        ColumnType::Integer
    };
    let keyed = dice.roll(4) > 0;
    let mut id = col("id", id_type);
    id.nullable = !keyed && dice.coin();
    t.columns.push(id);
    if keyed {
        t = t.pk_named(&format!("pk_{tag}_{}", dice.roll(2)), &["id"]);
    }
    for name in COLUMNS {
        if dice.coin() {
            t.columns.push(random_column(dice, name, with_enum));
        }
    }
    let names: Vec<String> = t.columns.iter().skip(1).map(|c| c.name.clone()).collect();
    if let Some(first) = names.first() {
        for _ in 0..dice.roll(3) {
            let column = dice.pick(&names).clone();
            let mut ix = index(&format!("ix_{tag}_{column}_{}", dice.roll(2)), &[&column]);
            ix.unique = dice.roll(3) == 0;
            if !t.indexes.iter().any(|i| i.name == ix.name) {
                t.indexes.push(ix);
            }
        }
        if dice.coin() {
            t = t.unique(&format!("uq_{tag}_{first}_{}", dice.roll(2)), &[first]);
        }
        if dice.coin() {
            // A check names a column of its own table, as a database insists; a column
            // rename then rewrites it (see `diff::expressions`).
            let expression = if dice.coin() {
                format!("{first} > 0")
            } else {
                format!("{first} < 9")
            };
            t = t.check(&format!("ck_{tag}_{}", dice.roll(2)), &expression);
        }
    }
    if dice.roll(3) == 0 {
        let old = *dice.pick::<&str>(&TABLES);
        t.renamed_from = Some(QualifiedName::parse(old));
    }
    if dice.roll(4) == 0 {
        t.comment = Some("t".into());
    }
    t
}

/// A foreign key from a `ref` column to the `id` of a table keyed on it.
fn random_foreign_key(dice: &mut Dice<'_>, schema: &mut Schema) {
    let keyed: Vec<QualifiedName> = schema
        .tables
        .iter()
        .filter(|t| {
            t.primary_key
                .as_ref()
                .is_some_and(|pk| pk.columns == ["id"])
        })
        .map(|t| t.name.clone())
        .collect();
    if keyed.is_empty() || schema.tables.is_empty() {
        return;
    }
    let from = usize::from(dice.roll(4)) % schema.tables.len();
    let to = dice.pick(&keyed).clone();
    let table = &mut schema.tables[from];
    if table.column("ref").is_some() {
        return;
    }
    let tag = tag(&table.name);
    table.columns.push(bigint("ref").null());
    let name = format!("fk_{tag}_ref_{}", dice.roll(2));
    let mut key = fk(&name, &["ref"], "x", &["id"]);
    key.referenced_table = to;
    table.foreign_keys.push(key);
}

fn random_schema(dice: &mut Dice<'_>) -> Schema {
    let mood = random_enum(dice);
    let with_enum = mood.is_some();
    let mut tables = Vec::new();
    for name in TABLES {
        if dice.roll(4) > 0 {
            tables.push(random_table(dice, name, with_enum));
        }
    }
    let mut schema = schema_with(mood.into_iter().collect(), tables);
    for _ in 0..dice.roll(3) {
        random_foreign_key(dice, &mut schema);
    }
    schema
}

fn pair(bytes: &[u8]) -> (Schema, Schema) {
    let mut dice = Dice { bytes, at: 0 };
    let a = random_schema(&mut dice);
    let b = random_schema(&mut dice);
    (a, b)
}

/// A pair of similar schemas: B reads A's bytes with a few of them changed, so most of
/// A survives into B and the diff has to keep, alter and rename rather than start over.
fn near_pair(bytes: &[u8], changes: &[(usize, u8)]) -> (Schema, Schema) {
    let mut dice = Dice { bytes, at: 0 };
    let a = random_schema(&mut dice);
    let mut changed = bytes.to_vec();
    for &(at, value) in changes {
        if let Some(byte) = changed.get_mut(at) {
            *byte = value;
        }
    }
    let mut dice = Dice {
        bytes: &changed,
        at: 0,
    };
    let b = random_schema(&mut dice);
    (a, b)
}

/// The schema without enum types (their columns become text), for dialects that have none.
fn without_enums(mut schema: Schema) -> Schema {
    schema.enums.clear();
    for column in schema.tables.iter_mut().flat_map(|t| t.columns.iter_mut()) {
        if matches!(column.ty, ColumnType::Enum { .. }) {
            column.ty = ColumnType::Text;
        }
    }
    schema
}

/// The schema without enums, and without table renames into a name whose old name the
/// schema reuses: there the renamed table keeps its old primary key name (these dialects do
/// not compare them) while the new table takes it, which the oracle, modelling
/// PostgreSQL's namespace-wide index names, would call a clash that MySQL and SQLite,
/// whose primary keys have no name of their own, do not have.
fn for_other_dialects(schema: Schema) -> Schema {
    let mut schema = without_enums(schema);
    let names: Vec<QualifiedName> = schema.tables.iter().map(|t| t.name.clone()).collect();
    for table in &mut schema.tables {
        if table
            .renamed_from
            .as_ref()
            .is_some_and(|old| names.contains(old))
        {
            table.renamed_from = None;
        }
    }
    schema
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn diff_applies_and_reverses(bytes in proptest::collection::vec(any::<u8>(), 0..160)) {
        let (a, b) = pair(&bytes);
        check_with(&a, &b, &DiffOptions::default(), true);
        check_with(&b, &a, &DiffOptions::default(), true);
    }

    #[test]
    fn diff_applies_and_reverses_between_near_schemas(
        bytes in proptest::collection::vec(any::<u8>(), 40..120),
        changes in proptest::collection::vec((0usize..120, any::<u8>()), 1..4),
    ) {
        let (a, b) = near_pair(&bytes, &changes);
        check_with(&a, &b, &DiffOptions::default(), true);
        check_with(&b, &a, &DiffOptions::default(), true);
    }

    /// MySQL and SQLite ignore some differences (comments, key names) and rename less, so
    /// the result is only drift-free, not equal; the reverse still restores A exactly.
    #[test]
    fn diff_applies_and_reverses_on_other_dialects(
        bytes in proptest::collection::vec(any::<u8>(), 40..120),
        changes in proptest::collection::vec((0usize..120, any::<u8>()), 1..4),
        sqlite in any::<bool>(),
    ) {
        let (a, b) = near_pair(&bytes, &changes);
        let (a, b) = (for_other_dialects(a), for_other_dialects(b));
        let options = on(if sqlite { Dialect::Sqlite } else { Dialect::Mysql });
        check_with(&a, &b, &options, false);
        check_with(&b, &a, &options, false);
    }
}
