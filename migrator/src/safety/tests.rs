//! The risk of each op kind and the one verdict autogeneration and every listing share.

use super::*;
use schema_runtime::schema::{Column, ForeignKey, ForeignKeyAction, Table};

fn varchar(length: Option<u32>) -> ColumnType {
    ColumnType::Varchar { length }
}

fn retype(from: ColumnType, to: ColumnType) -> Op {
    Op::AlterColumn {
        table: QualifiedName::new("t"),
        from: Column::new("c", from),
        to: Column::new("c", to),
        changes: ColumnChanges::TYPE,
    }
}

#[test]
fn type_changes_that_keep_the_storage_are_safe() {
    let numeric = |p, s| ColumnType::Numeric {
        precision: Some(p),
        scale: Some(s),
    };
    for (from, to) in [
        (varchar(Some(20)), varchar(Some(200))),
        (varchar(Some(20)), ColumnType::Text),
        (ColumnType::Text, varchar(None)),
        (numeric(10, 2), numeric(14, 2)),
    ] {
        assert_eq!(
            classify(&retype(from.clone(), to.clone())),
            Risk::Safe,
            "{from} -> {to}"
        );
    }
    for (from, to) in [
        (ColumnType::Integer, ColumnType::BigInt),
        (numeric(10, 2), numeric(14, 4)),
        (ColumnType::Json, ColumnType::Jsonb),
    ] {
        assert_eq!(
            classify(&retype(from.clone(), to.clone())),
            Risk::Blocking,
            "{from} -> {to}"
        );
    }
}

#[test]
fn a_volatile_default_rewrites_the_table() {
    let add = |default: &str| {
        let mut column = Column::new("c", ColumnType::Uuid);
        column.default = Some(default.into());
        classify(&Op::AddColumn {
            table: QualifiedName::new("t"),
            column,
        })
    };
    assert_eq!(add("gen_random_uuid()"), Risk::Blocking);
    assert_eq!(add("public.GEN_RANDOM_UUID ()"), Risk::Blocking);
    assert_eq!(add("now()"), Risk::Safe);
    assert_eq!(add("my_random(1)"), Risk::Safe);
    // Text, not SQL: a literal that reads like a call errs on the careful side.
    assert_eq!(add("'random()'::text"), Risk::Blocking);
}

#[test]
fn ops_on_a_table_created_in_the_same_plan_are_safe() {
    let mut table = Table::new(QualifiedName::new("new"));
    table
        .columns
        .push(Column::new("user_id", ColumnType::BigInt));
    let fk = |on: &str| Op::AddForeignKey {
        table: QualifiedName::new(on),
        foreign_key: ForeignKey {
            name: "fk".into(),
            columns: vec!["user_id".into()],
            referenced_table: QualifiedName::new("users"),
            referenced_columns: vec!["id".into()],
            on_delete: ForeignKeyAction::NoAction,
            on_update: ForeignKeyAction::NoAction,
            deferrable: false,
            initially_deferred: false,
            not_valid: false,
        },
    };
    let ops = [fk("new"), Op::CreateTable { table }, fk("new"), fk("old")];
    assert_eq!(
        classify_all(&ops),
        [
            Risk::DataDependent,
            Risk::Safe,
            Risk::Safe,
            Risk::DataDependent
        ]
    );
}

#[test]
fn anything_to_unbounded_text_widens() {
    let status = ColumnType::Enum {
        name: QualifiedName::new("status"),
    };
    for from in [
        ColumnType::Integer,
        ColumnType::Uuid,
        ColumnType::Varchar { length: Some(3) },
        status,
    ] {
        assert!(is_widening(&from, &ColumnType::Text), "{from}");
        assert!(
            is_widening(&from, &ColumnType::Varchar { length: None }),
            "{from}"
        );
    }
    assert!(!is_widening(
        &ColumnType::Integer,
        &ColumnType::Varchar { length: Some(5) }
    ));
    assert!(!is_widening(&ColumnType::Text, &ColumnType::Integer));
}

mod verdicts {
    use super::super::*;
    use schema_runtime::schema::{
        CheckConstraint, Column, EnumType, ForeignKey, ForeignKeyAction, Index, IndexPart,
        PrimaryKey, Table, UniqueConstraint,
    };

    fn name(table: &str) -> QualifiedName {
        QualifiedName::new(table)
    }

    fn nullable(column: &str) -> Column {
        Column {
            nullable: true,
            ..Column::new(column, ColumnType::Text)
        }
    }

    fn index(table: &str, unique: bool) -> Op {
        Op::DropIndex {
            table: name(table),
            index: Index {
                name: format!("ix_{table}_a"),
                parts: vec![IndexPart::Column("a".into())],
                unique,
                predicate: None,
                method: None,
                part_options: Vec::new(),
                include: Vec::new(),
                nulls_not_distinct: false,
            },
        }
    }

    fn foreign_key(table: &str, references: &str) -> ForeignKey {
        ForeignKey {
            name: format!("fk_{table}_{references}"),
            columns: vec!["other_id".into()],
            referenced_table: name(references),
            referenced_columns: vec!["id".into()],
            on_delete: ForeignKeyAction::NoAction,
            on_update: ForeignKeyAction::NoAction,
            deferrable: false,
            initially_deferred: false,
            not_valid: false,
        }
    }

    fn drop_fk(table: &str, references: &str) -> Op {
        Op::DropForeignKey {
            table: name(table),
            foreign_key: foreign_key(table, references),
        }
    }

    fn unique(table: &str) -> UniqueConstraint {
        UniqueConstraint {
            name: format!("uq_{table}_code"),
            columns: vec!["code".into()],
        }
    }

    fn drop_table(table: &str) -> Op {
        Op::DropTable {
            table: Table::new(name(table)),
        }
    }

    /// Each op alone: its risk, whether it is blocked, and the label listings show.
    #[test]
    fn every_op_kind_gets_one_risk_one_action_and_one_label() {
        let status = EnumType {
            name: name("status"),
            values: vec!["a".into(), "b".into()],
            comment: None,
        };
        let cases: Vec<(Op, Risk, bool, &str)> = vec![
            (
                drop_table("legacy"),
                Risk::Destructive,
                true,
                "destructive, blocked: never generated",
            ),
            (
                Op::DropColumn {
                    table: name("users"),
                    column: nullable("legacy"),
                },
                Risk::Destructive,
                true,
                "destructive, blocked: never generated",
            ),
            (
                Op::DropEnum { enum_type: status },
                Risk::Destructive,
                true,
                "destructive, blocked: never generated",
            ),
            (
                Op::ReplaceEnumValues {
                    name: name("status"),
                    from: vec!["a".into(), "b".into()],
                    to: vec!["a".into()],
                    columns: Vec::new(),
                },
                Risk::Destructive,
                true,
                "destructive, blocked: never generated",
            ),
            (
                Op::ReplaceEnumValues {
                    name: name("status"),
                    from: vec!["a".into(), "b".into()],
                    to: vec!["b".into(), "a".into()],
                    columns: Vec::new(),
                },
                Risk::Blocking,
                false,
                "blocking",
            ),
            (
                Op::AddColumn {
                    table: name("users"),
                    column: nullable("note"),
                },
                Risk::Safe,
                false,
                "safe",
            ),
            (
                Op::DropUnique {
                    table: name("users"),
                    unique: unique("users"),
                },
                Risk::Loosening,
                false,
                "loosening",
            ),
            (index("users", true), Risk::Loosening, false, "loosening"),
            (index("users", false), Risk::Safe, false, "safe"),
            (
                drop_fk("orders", "users"),
                Risk::Loosening,
                false,
                "loosening",
            ),
            (
                Op::DropCheck {
                    table: name("users"),
                    check: CheckConstraint {
                        name: "ck_users_age".into(),
                        expression: "age >= 0".into(),
                        not_valid: false,
                    },
                },
                Risk::Loosening,
                false,
                "loosening",
            ),
            (
                Op::DropPrimaryKey {
                    table: name("users"),
                    key: PrimaryKey {
                        name: "pk_users".into(),
                        columns: vec!["id".into()],
                    },
                },
                Risk::Loosening,
                false,
                "loosening",
            ),
        ];
        for (op, risk, blocked, label) in cases {
            let [verdict] = verdicts(std::slice::from_ref(&op))
                .try_into()
                .unwrap_or_else(|v: Vec<Verdict>| panic!("one verdict per op: {v:?}"));
            assert_eq!(verdict.risk, risk, "{}", op.describe());
            assert_eq!(verdict.is_blocked(), blocked, "{}", op.describe());
            assert_eq!(verdict.label(), label, "{}", op.describe());
            assert!(!verdict.why.is_empty(), "{}", op.describe());
            assert_eq!(classify(&op), risk, "alone, classify agrees");
        }
    }

    #[test]
    fn a_dropped_constraint_says_which_guarantee_goes() {
        let [verdict] = verdicts(&[drop_fk("orders", "users")])
            .try_into()
            .unwrap_or_else(|v: Vec<Verdict>| panic!("{v:?}"));
        assert_eq!(
            verdict.why,
            "removes a guarantee: from then on rows may reference users rows that do not exist"
        );
        assert_eq!(verdict.action, Action::Apply);
    }

    #[test]
    fn drops_that_only_prepare_a_blocked_table_drop_are_blocked_with_it() {
        let ops = [
            drop_fk("legacy", "users"),
            drop_fk("orders", "legacy"),
            drop_fk("orders", "users"),
            index("legacy", false),
            index("legacy", true),
            index("orders", false),
            drop_table("legacy"),
        ];
        let labels: Vec<String> = verdicts(&ops).iter().map(Verdict::label).collect();
        let part = "destructive, blocked: part of drop table legacy";
        assert_eq!(
            labels,
            [
                part,
                part,
                "loosening",
                part,
                part,
                "safe",
                "destructive, blocked: never generated"
            ]
        );
        let verdict = &verdicts(&ops)[0];
        assert_eq!(
            verdict.action,
            Action::Block(Blocked::PartOfDrop(name("legacy")))
        );
        assert!(
            verdict.why.contains("strip a table that stays"),
            "{verdict:?}"
        );
    }

    #[test]
    fn a_constraint_dropped_and_added_back_removes_no_guarantee() {
        let ops = [
            drop_fk("orders", "users"),
            Op::AddForeignKey {
                table: name("orders"),
                foreign_key: foreign_key("orders", "users"),
            },
        ];
        let risks = classify_all(&ops);
        assert_eq!(risks, [Risk::Safe, Risk::DataDependent]);
        // Another table's key of the same name is another guarantee.
        let elsewhere = [
            drop_fk("orders", "users"),
            Op::AddForeignKey {
                table: name("invoices"),
                foreign_key: foreign_key("orders", "users"),
            },
        ];
        assert_eq!(classify_all(&elsewhere)[0], Risk::Loosening);
        // A rename where the database cannot rename constraints: dropped, then added under
        // the new name with the same columns, on the table's new name.
        let renamed = [
            Op::DropUnique {
                table: name("boards"),
                unique: unique("boards"),
            },
            Op::RenameTable {
                from: name("boards"),
                to: name("projects"),
            },
            Op::AddUnique {
                table: name("projects"),
                unique: unique("projects"),
            },
        ];
        assert_eq!(classify_all(&renamed)[0], Risk::Safe);
        let [verdict, ..] = &verdicts(&renamed)[..] else {
            panic!("three ops, three verdicts");
        };
        assert_eq!(
            verdict.why,
            "a later operation of the same migration adds it back"
        );
    }

    #[test]
    fn a_not_null_column_left_behind_says_it_is_made_null_able() {
        let legacy = Column::new("legacy", ColumnType::Text);
        assert!(inserts_need(&legacy));
        let [verdict] = verdicts(&[Op::DropColumn {
            table: name("users"),
            column: legacy,
        }])
        .try_into()
        .unwrap_or_else(|v: Vec<Verdict>| panic!("{v:?}"));
        assert!(verdict.is_blocked());
        assert!(verdict.why.contains("NULL-able instead"), "{}", verdict.why);
    }
}

/// Each database rates what it carries out differently: SQLite rebuilds a table for what
/// its `ALTER TABLE` cannot do, InnoDB builds a plain index online. What is blocked does
/// not change, nor do the verdicts that come from the list around an op.
#[test]
fn each_database_rates_what_it_carries_out_its_own_way() {
    use crate::dialect::sqlite::diff::SqliteDiff;
    use crate::dialect::{mysql::diff::MysqlDiff, postgres::diff::PostgresDiff};
    use schema_runtime::schema::{Index, IndexPart};

    let widen = retype(varchar(Some(20)), varchar(Some(200)));
    let index = |unique: bool, method: Option<&str>| Op::CreateIndex {
        table: QualifiedName::new("t"),
        index: Index {
            name: "ix_t_c".into(),
            parts: vec![IndexPart::Column("c".into())],
            unique,
            predicate: None,
            method: method.map(str::to_owned),
            part_options: Vec::new(),
            include: Vec::new(),
            nulls_not_distinct: false,
        },
    };
    let ops = vec![widen.clone(), index(false, None)];
    // PostgreSQL's are the generic rules.
    assert_eq!(verdicts_on(&PostgresDiff, &ops), verdicts(&ops));

    let sqlite = verdicts_on(&SqliteDiff, &ops);
    assert_eq!(sqlite[0].risk, Risk::Blocking);
    assert!(sqlite[0].why.contains("rebuilt"), "{}", sqlite[0].why);
    assert_eq!(sqlite[1], verdicts(&ops)[1]);

    let mysql = verdicts_on(&MysqlDiff, &ops);
    assert_eq!(mysql[0], verdicts(&ops)[0]);
    assert_eq!(mysql[1].risk, Risk::Safe);
    assert!(mysql[1].why.contains("online"), "{}", mysql[1].why);
    // A full-text index, or a unique one, keeps its rating on MySQL.
    let others = vec![index(false, Some("fulltext")), index(true, None)];
    assert_eq!(verdicts_on(&MysqlDiff, &others), verdicts(&others));

    // Blocked ops stay blocked, and an op on a table the list creates stays safe.
    let table = Table::new(QualifiedName::new("t"));
    let drop = Op::DropTable {
        table: table.clone(),
    };
    assert!(verdicts_on(&SqliteDiff, &[drop])[0].is_blocked());
    let on_new = vec![Op::CreateTable { table }, widen];
    let verdict = &verdicts_on(&SqliteDiff, &on_new)[1];
    assert_eq!(verdict.risk, Risk::Safe);
    assert_eq!(verdict.why, reason::on_new_table());
}
