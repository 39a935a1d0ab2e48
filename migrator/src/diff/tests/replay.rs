//! Unit tests of the production replay ([`replay`](mod@crate::replay)): it refuses what a
//! database would refuse. They sit beside the diff's tests for the schema builders; the diff
//! itself is checked against the independent oracle ([`crate::oracle`]), not the replay.

use super::*;
use crate::change::ColumnChanges;
use crate::replay::{replay, Problem};

fn problem(schema: &Schema, ops: &[Op]) -> Problem {
    match replay(schema, ops) {
        Ok(_) => panic!("expected {:?} to fail", describe(ops)),
        Err(error) => *error.problem,
    }
}

fn name(text: &str) -> QualifiedName {
    QualifiedName::parse(text)
}

#[test]
fn foreign_key_to_a_missing_table() {
    let ops = [Op::AddForeignKey {
        table: name("orders"),
        foreign_key: fk("fk", &["user_id"], "users", &["id"]),
    }];
    let start = schema(vec![table("orders", vec![bigint("user_id")])]);
    assert_eq!(problem(&start, &ops), Problem::NoTable(name("users")));
}

#[test]
fn foreign_key_needs_a_key_to_point_at() {
    let start = schema(vec![
        table("users", vec![bigint("id")]),
        table("orders", vec![bigint("user_id")]),
    ]);
    let ops = [Op::AddForeignKey {
        table: name("orders"),
        foreign_key: fk("fk", &["user_id"], "users", &["id"]),
    }];
    assert!(matches!(
        problem(&start, &ops),
        Problem::NoReferencedKey { .. }
    ));
}

#[test]
fn dropping_an_indexed_column() {
    let start = schema(vec![users(), orders()]);
    let ops = [Op::DropColumn {
        table: name("orders"),
        column: bigint("user_id"),
    }];
    let Problem::ColumnInUse { user, .. } = problem(&start, &ops) else {
        panic!("expected the column to be in use");
    };
    assert_eq!(user, "foreign key fk_orders_user_id_users");
}

#[test]
fn dropping_a_referenced_key_or_table() {
    let start = schema(vec![users(), orders()]);
    let key = users().primary_key.unwrap();
    let drop_key = [Op::DropPrimaryKey {
        table: name("users"),
        key,
    }];
    assert!(matches!(
        problem(&start, &drop_key),
        Problem::KeyInUse { .. }
    ));
    let drop_table = [Op::DropTable { table: users() }];
    assert!(matches!(
        problem(&start, &drop_table),
        Problem::TableReferenced { .. }
    ));
}

#[test]
fn dropping_a_table_with_indexes_left() {
    let start = schema(vec![users(), orders()]);
    let ops = [
        Op::DropForeignKey {
            table: name("orders"),
            foreign_key: orders().foreign_keys[0].clone(),
        },
        Op::DropTable { table: orders() },
    ];
    assert_eq!(
        problem(&start, &ops),
        Problem::TableHasMembers(name("orders"))
    );
}

#[test]
fn stale_alter_column() {
    let start = schema(vec![table("t", vec![int("n")])]);
    let ops = [Op::AlterColumn {
        table: name("t"),
        from: text("n"),
        to: bigint("n"),
        changes: ColumnChanges::TYPE,
    }];
    assert!(matches!(problem(&start, &ops), Problem::Stale { .. }));
}

#[test]
fn enum_value_before_a_missing_value() {
    let start = schema_with(vec![enum_type("mood", &["happy"])], vec![]);
    let ops = [Op::AddEnumValue {
        name: name("mood"),
        value: "meh".into(),
        before: Some("sad".into()),
    }];
    assert!(matches!(problem(&start, &ops), Problem::NoEnumValue { .. }));
}

#[test]
fn dropping_a_used_enum() {
    let start = schema_with(
        vec![enum_type("mood", &["happy"])],
        vec![table("people", vec![enum_of("mood", "mood")])],
    );
    let ops = [Op::DropEnum {
        enum_type: enum_type("mood", &["happy"]),
    }];
    assert!(matches!(problem(&start, &ops), Problem::EnumInUse { .. }));
}

#[test]
fn index_names_are_unique_per_namespace() {
    let start = schema(vec![
        table("a", vec![int("x")]).index("ix_x", &["x"]),
        table("b", vec![int("x")]),
        table("other.c", vec![int("x")]),
    ]);
    let on_b = [Op::CreateIndex {
        table: name("b"),
        index: index("ix_x", &["x"]),
    }];
    assert!(matches!(problem(&start, &on_b), Problem::NameTaken { .. }));
    let elsewhere = [Op::CreateIndex {
        table: name("other.c"),
        index: index("ix_x", &["x"]),
    }];
    assert!(replay(&start, &elsewhere).is_ok());
}

#[test]
fn error_names_the_step() {
    let start = schema(vec![table("t", vec![int("n")])]);
    let ops = [
        Op::AddColumn {
            table: name("t"),
            column: int("m"),
        },
        Op::AddColumn {
            table: name("t"),
            column: int("m"),
        },
    ];
    let error = replay(&start, &ops).unwrap_err();
    assert_eq!(error.step, 1);
    assert_eq!(
        error.to_string(),
        "op 1 (add column t.m) does not apply: column m of table t already exists"
    );
}

#[test]
fn create_table_ignores_indexes_and_foreign_keys_like_renderers() {
    let start = schema(vec![users()]);
    let reached = replay(&start, &[Op::CreateTable { table: orders() }]).unwrap();
    let created = reached.table(&name("orders")).unwrap();
    assert!(created.indexes.is_empty() && created.foreign_keys.is_empty());
}
