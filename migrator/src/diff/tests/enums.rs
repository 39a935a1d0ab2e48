//! Enum types.

use super::*;
use crate::change::EnumColumn;
use crate::safety::{classify, Risk};

fn mood(values: &[&str]) -> EnumType {
    enum_type("mood", values)
}

fn people() -> Table {
    table("people", vec![bigint("id"), enum_of("mood", "mood")])
}

#[test]
fn create_enum_before_the_table_that_uses_it() {
    assert_ops(
        &Schema::default(),
        &schema_with(vec![mood(&["happy", "sad"])], vec![people()]),
        &["create enum type mood", "create table people"],
    );
}

#[test]
fn drop_enum_after_the_table_that_used_it() {
    assert_ops(
        &schema_with(vec![mood(&["happy", "sad"])], vec![people()]),
        &Schema::default(),
        &["drop table people", "drop enum type mood"],
    );
}

#[test]
fn enum_still_used_by_the_target_is_not_dropped() {
    let from = schema_with(vec![mood(&["happy"])], vec![people()]);
    let to = schema(vec![people()]);
    assert!(diff(&from, &to, &DiffOptions::default()).is_empty());
}

#[test]
fn column_switches_to_a_new_enum() {
    let from = schema(vec![table("people", vec![bigint("id"), text("mood")])]);
    let to = schema_with(vec![mood(&["happy"])], vec![people()]);
    assert_ops(
        &from,
        &to,
        &["create enum type mood", "alter column people.mood (type)"],
    );
}

#[test]
fn column_leaves_an_enum_that_goes_away() {
    let from = schema_with(vec![mood(&["happy"])], vec![people()]);
    let to = schema(vec![table("people", vec![bigint("id"), text("mood")])]);
    assert_ops(
        &from,
        &to,
        &["alter column people.mood (type)", "drop enum type mood"],
    );
}

#[test]
fn value_appended() {
    let from = schema_with(vec![mood(&["happy", "sad"])], vec![people()]);
    let to = schema_with(vec![mood(&["happy", "sad", "meh"])], vec![people()]);
    let ops = check_with(&from, &to, &DiffOptions::default(), true);
    assert_eq!(
        ops,
        [Op::AddEnumValue {
            name: QualifiedName::new("mood"),
            value: "meh".into(),
            before: None,
        }]
    );
}

#[test]
fn values_inserted_in_the_middle_and_front_apply_in_order() {
    let from = schema_with(vec![mood(&["happy", "sad"])], vec![people()]);
    let to = schema_with(
        vec![mood(&["ecstatic", "happy", "fine", "meh", "sad", "gloomy"])],
        vec![people()],
    );
    let ops = check_with(&from, &to, &DiffOptions::default(), true);
    let added: Vec<(String, Option<String>)> = ops
        .iter()
        .map(|op| match op {
            Op::AddEnumValue { value, before, .. } => (value.clone(), before.clone()),
            other => panic!("unexpected {}", other.describe()),
        })
        .collect();
    let expect = |v: &str, b: Option<&str>| (v.to_string(), b.map(str::to_string));
    assert_eq!(
        added,
        [
            expect("ecstatic", Some("happy")),
            expect("fine", Some("sad")),
            expect("meh", Some("sad")),
            expect("gloomy", None),
        ]
    );
}

#[test]
fn removed_value_is_a_destructive_replacement() {
    let from = schema_with(vec![mood(&["happy", "meh", "sad"])], vec![people()]);
    let to = schema_with(vec![mood(&["happy", "sad"])], vec![people()]);
    let ops = check_with(&from, &to, &DiffOptions::default(), true);
    let [op @ Op::ReplaceEnumValues { columns, .. }] = ops.as_slice() else {
        panic!("one replacement expected: {:?}", describe(&ops));
    };
    assert_eq!(
        columns,
        &[EnumColumn {
            table: QualifiedName::new("people"),
            column: enum_of("mood", "mood"),
        }]
    );
    assert!(op.is_drop());
    assert_eq!(classify(op), Risk::Destructive);
}

#[test]
fn reordered_values_are_a_blocking_replacement() {
    let tags = table(
        "posts",
        vec![col(
            "moods",
            ColumnType::Array {
                element: Box::new(ColumnType::Enum {
                    name: QualifiedName::new("mood"),
                }),
            },
        )],
    );
    let from = schema_with(vec![mood(&["happy", "sad"])], vec![people(), tags.clone()]);
    let to = schema_with(vec![mood(&["sad", "happy"])], vec![people(), tags]);
    let ops = check_with(&from, &to, &DiffOptions::default(), true);
    assert_eq!(
        describe(&ops),
        ["replace values of enum type mood (happy, sad -> sad, happy)"]
    );
    let Op::ReplaceEnumValues { columns, .. } = &ops[0] else {
        unreachable!()
    };
    assert_eq!(columns.len(), 2, "the array column is converted too");
    assert!(!ops[0].is_drop());
    assert_eq!(classify(&ops[0]), Risk::Blocking);
}

#[test]
fn added_and_removed_values_together_are_one_replacement() {
    let from = schema_with(vec![mood(&["happy", "sad"])], vec![people()]);
    let to = schema_with(vec![mood(&["happy", "meh"])], vec![people()]);
    assert_ops(
        &from,
        &to,
        &["replace values of enum type mood (happy, sad -> happy, meh)"],
    );
}

#[test]
fn enum_comment() {
    let mut commented = mood(&["happy"]);
    commented.comment = Some("how people feel".into());
    assert_ops(
        &schema_with(vec![mood(&["happy"])], vec![]),
        &schema_with(vec![commented], vec![]),
        &["set comment on enum type mood"],
    );
}

#[test]
fn enum_in_a_namespace() {
    let from = schema(vec![]);
    let to = schema_with(
        vec![enum_type("billing.state", &["open", "paid"])],
        vec![table(
            "billing.invoices",
            vec![enum_of("state", "billing.state")],
        )],
    );
    assert_ops(
        &from,
        &to,
        &[
            "create namespace billing",
            "create enum type billing.state",
            "create table billing.invoices",
        ],
    );
}

#[test]
fn dialects_without_enum_types_skip_enum_ops() {
    let from = schema_with(vec![mood(&["happy"])], vec![people()]);
    let to = schema_with(vec![mood(&["happy", "sad"])], vec![people()]);
    for dialect in [Dialect::Mysql, Dialect::Sqlite] {
        assert!(diff(&from, &to, &on(dialect)).is_empty());
    }
}
