//! The SQLite plan: each change carries the statements of its op and of its reverse, as
//! the two list renderings (`up_groups`, and `down_groups` from the schema the list
//! leaves) give them, with the foldings (one rebuild for consecutive changes to a table,
//! foreign keys inside a new table's `CREATE TABLE`) on the change they land on.

use schema_runtime::schema::{
    CheckConstraint, Column, ColumnType, EnumType, ForeignKey, ForeignKeyAction, Index, IndexPart,
    PrimaryKey, QualifiedName, Schema, Table, UniqueConstraint,
};

use super::{down_groups, plan, up_groups};
use crate::change::Op;
use crate::render::render_script;

fn name(table: &str) -> QualifiedName {
    QualifiedName::new(table)
}

fn nullable(column: &str, ty: ColumnType) -> Column {
    Column {
        nullable: true,
        ..Column::new(column, ty)
    }
}

/// `t (id bigint primary key, amount bigint null)`.
fn current() -> Schema {
    Schema {
        tables: vec![Table {
            columns: vec![
                Column::new("id", ColumnType::BigInt),
                nullable("amount", ColumnType::BigInt),
            ],
            primary_key: Some(PrimaryKey {
                name: "pk_t".into(),
                columns: vec!["id".into()],
            }),
            ..Table::new(name("t"))
        }],
        ..Schema::default()
    }
}

fn check(expression: &str) -> Op {
    Op::AddCheck {
        table: name("t"),
        check: CheckConstraint {
            name: "ck_t_amount".into(),
            expression: expression.into(),
            not_valid: false,
        },
    }
}

/// A plain column, two rebuilds of `t` (folded into one each way), an index, and a new
/// table whose foreign key goes into its `CREATE TABLE`.
fn ops() -> Vec<Op> {
    let child = Table {
        columns: vec![
            Column::new("id", ColumnType::BigInt),
            Column::new("t_id", ColumnType::BigInt),
        ],
        ..Table::new(name("c"))
    };
    vec![
        Op::AddColumn {
            table: name("t"),
            column: nullable("note", ColumnType::Text),
        },
        check("amount > 0"),
        Op::AddUnique {
            table: name("t"),
            unique: UniqueConstraint {
                name: "uq_t_amount".into(),
                columns: vec!["amount".into()],
            },
        },
        Op::CreateIndex {
            table: name("t"),
            index: Index {
                name: "ix_t_note".into(),
                parts: vec![IndexPart::Column("note".into())],
                unique: false,
                predicate: None,
                method: None,
                part_options: Vec::new(),
                include: Vec::new(),
                nulls_not_distinct: false,
            },
        },
        Op::CreateTable { table: child },
        Op::AddForeignKey {
            table: name("c"),
            foreign_key: ForeignKey {
                name: "fk_c_t".into(),
                columns: vec!["t_id".into()],
                referenced_table: name("t"),
                referenced_columns: vec!["id".into()],
                on_delete: ForeignKeyAction::Cascade,
                on_update: ForeignKeyAction::NoAction,
                deferrable: false,
                initially_deferred: false,
                not_valid: false,
            },
        },
    ]
}

fn sql(statements: &[crate::dialect::Statement]) -> Vec<&str> {
    statements.iter().map(|s| s.sql.as_str()).collect()
}

#[test]
fn the_plan_is_both_list_renderings_given_to_their_ops() {
    let (current, ops) = (current(), ops());
    let plan = plan(&current, &ops).unwrap();
    let down = down_groups(&current, &ops).unwrap();
    assert_eq!(plan.up_groups(), up_groups(&current, &ops).unwrap());
    assert_eq!(plan.down_groups(), down);
    assert_eq!(plan.down_script(), render_script(&down));
    assert_eq!(plan.sources(), ops);
    for (change, op) in plan.changes().iter().zip(&ops) {
        assert_eq!(&change.source, op);
    }
}

#[test]
fn each_reverse_sits_on_the_change_it_undoes() {
    let plan = plan(&current(), &ops()).unwrap();
    let [column, check, unique, index, create, fk] = plan.changes() else {
        panic!("one change per op: {plan:?}");
    };
    assert_eq!(
        sql(&column.cmd),
        [r#"ALTER TABLE "t" ADD COLUMN "note" TEXT"#]
    );
    assert_eq!(
        sql(&column.reverse),
        [r#"ALTER TABLE "t" DROP COLUMN "note""#]
    );
    // Up, the check's rebuild writes the unique too; down, the unique's reverse comes
    // first and its rebuild drops both, for the table as the column left it.
    assert!(
        check.cmd.iter().any(|s| s.sql.contains("uq_t_amount")),
        "{check:?}"
    );
    assert!(unique.cmd.is_empty() && check.reverse.is_empty());
    let rebuild = unique
        .reverse
        .iter()
        .map(|s| s.sql.as_str())
        .collect::<String>();
    assert!(rebuild.contains(r#"CREATE TABLE "_new_t""#), "{rebuild}");
    assert!(rebuild.contains(r#""note""#), "{rebuild}");
    assert!(
        !rebuild.contains("uq_t_amount") && !rebuild.contains("ck_t_amount"),
        "{rebuild}"
    );
    assert_eq!(sql(&index.reverse), [r#"DROP INDEX "ix_t_note""#]);
    // The foreign key is written into the new table and dropped with it.
    assert!(create.cmd[0].sql.contains("fk_c_t"), "{create:?}");
    assert_eq!(sql(&create.reverse), [r#"DROP TABLE "c""#]);
    assert!(fk.cmd.is_empty() && fk.reverse.is_empty(), "{fk:?}");
}

#[test]
fn a_reverse_is_written_for_the_schema_after_its_op() {
    let ops = vec![
        Op::RenameColumn {
            table: name("t"),
            from: "amount".into(),
            to: "total".into(),
        },
        check("total > 0"),
    ];
    let plan = plan(&current(), &ops).unwrap();
    let [rename, check] = plan.changes() else {
        panic!("one change per op: {plan:?}");
    };
    // The check's reverse runs before the rename's: the table still has `total`.
    let rebuild = check
        .reverse
        .iter()
        .map(|s| s.sql.as_str())
        .collect::<String>();
    assert!(rebuild.contains(r#""total""#), "{rebuild}");
    assert!(
        !rebuild.contains("amount") && !rebuild.contains("ck_t_amount"),
        "{rebuild}"
    );
    assert_eq!(
        sql(&rename.reverse),
        [r#"ALTER TABLE "t" RENAME COLUMN "total" TO "amount""#]
    );
    assert_eq!(plan.down_groups(), down_groups(&current(), &ops).unwrap());
}

#[test]
fn an_irreversible_op_keeps_its_comment_in_its_place() {
    let ops = vec![
        Op::AddColumn {
            table: name("t"),
            column: nullable("note", ColumnType::Text),
        },
        Op::AddEnumValue {
            name: name("mood"),
            value: "calm".into(),
            before: None,
        },
        check("amount > 0"),
    ];
    let mut current = current();
    current.enums.push(EnumType {
        name: name("mood"),
        values: vec!["sad".into()],
        comment: None,
    });
    let plan = plan(&current, &ops).unwrap();
    let changes = plan.changes();
    assert!(changes[1].reverse.iter().all(|s| s.is_comment_only()));
    assert!(
        changes[1].reverse[0].sql.contains("irreversible"),
        "{plan:?}"
    );
    assert_eq!(
        sql(&changes[0].reverse),
        [r#"ALTER TABLE "t" DROP COLUMN "note""#]
    );
    assert!(changes[2].reverse[0].sql.contains("PRAGMA"), "{plan:?}");
    assert_eq!(plan.down_groups(), down_groups(&current, &ops).unwrap());
}
