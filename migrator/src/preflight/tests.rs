use schema_runtime::schema::{
    CheckConstraint, Column, ColumnType, ForeignKey, ForeignKeyAction, QualifiedName, Schema,
    Table, UniqueConstraint,
};

use super::*;

fn orders() -> Schema {
    let mut table = Table::new(QualifiedName::new("orders"));
    let mut note = Column::new("note", ColumnType::Text);
    note.nullable = true;
    table.columns = vec![
        Column::new("id", ColumnType::BigInt),
        Column::new("customer_id", ColumnType::BigInt),
        note,
        Column::new("qty", ColumnType::BigInt),
    ];
    let mut customers = Table::new(QualifiedName::new("customers"));
    customers.columns = vec![Column::new("id", ColumnType::BigInt)];
    Schema {
        tables: vec![table, customers],
        ..Schema::default()
    }
}

fn orders_name() -> QualifiedName {
    QualifiedName::new("orders")
}

fn column(schema: &Schema, name: &str) -> Column {
    schema.tables[0].column(name).cloned().unwrap()
}

#[test]
fn not_null_and_narrowing_count_the_rows_that_break_them() {
    let current = orders();
    let from = column(&current, "note");
    let mut to = from.clone();
    to.nullable = false;
    to.ty = ColumnType::Varchar { length: Some(20) };
    let ops = [
        Op::AlterColumn {
            table: orders_name(),
            from: from.clone(),
            to: Column {
                nullable: false,
                ..from.clone()
            },
            changes: ColumnChanges::NULLABLE,
        },
        Op::AlterColumn {
            table: orders_name(),
            from,
            to,
            changes: ColumnChanges::TYPE,
        },
        Op::AlterColumn {
            table: orders_name(),
            from: column(&current, "qty"),
            to: Column::new("qty", ColumnType::SmallInt),
            changes: ColumnChanges::TYPE,
        },
    ];
    let sql: Vec<String> = probes(Dialect::Postgresql, &current, &ops)
        .into_iter()
        .map(|p| p.sql)
        .collect();
    assert_eq!(
        sql,
        [
            r#"SELECT COUNT(*) FROM "orders" WHERE "note" IS NULL"#,
            r#"SELECT COUNT(*) FROM "orders" WHERE char_length("note") > 20"#,
            r#"SELECT COUNT(*) FROM "orders" WHERE "qty" < -32768 OR "qty" > 32767"#,
        ]
    );
}

#[test]
fn keys_foreign_keys_and_checks_are_probed_in_each_dialect() {
    let current = orders();
    let ops = [
        Op::AddColumn {
            table: orders_name(),
            column: Column::new("status", ColumnType::Text),
        },
        Op::AddUnique {
            table: orders_name(),
            unique: UniqueConstraint {
                name: "uq_orders_customer_id_qty".into(),
                columns: vec!["customer_id".into(), "qty".into()],
            },
        },
        Op::AddForeignKey {
            table: orders_name(),
            foreign_key: ForeignKey {
                name: "fk_orders_customer_id_customers".into(),
                columns: vec!["customer_id".into()],
                referenced_table: QualifiedName::new("customers"),
                referenced_columns: vec!["id".into()],
                on_delete: ForeignKeyAction::NoAction,
                on_update: ForeignKeyAction::NoAction,
                deferrable: false,
                initially_deferred: false,
                not_valid: false,
            },
        },
        Op::AddCheck {
            table: orders_name(),
            check: CheckConstraint {
                name: "ck_orders_qty".into(),
                expression: "qty > 0".into(),
                not_valid: false,
            },
        },
    ];
    let mysql: Vec<String> = probes(Dialect::Mysql, &current, &ops)
        .into_iter()
        .map(|p| p.sql)
        .collect();
    assert_eq!(
        mysql,
        [
            "SELECT COUNT(*) FROM `orders`",
            "SELECT COUNT(*) FROM (SELECT 1 AS one FROM `orders` WHERE `customer_id` IS NOT NULL \
             AND `qty` IS NOT NULL GROUP BY `customer_id`, `qty` HAVING COUNT(*) > 1) AS duplicated",
            "SELECT COUNT(*) FROM `orders` c WHERE c.`customer_id` IS NOT NULL AND NOT EXISTS \
             (SELECT 1 FROM `customers` p WHERE p.`id` = c.`customer_id`)",
            "SELECT COUNT(*) FROM `orders` WHERE NOT (qty > 0)",
        ]
    );
}

#[test]
fn what_the_plan_creates_has_no_rows_to_check() {
    let current = orders();
    let new_table = QualifiedName::new("invoices");
    let ops = [
        Op::AddColumn {
            table: new_table.clone(),
            column: Column::new("total", ColumnType::BigInt),
        },
        // A unique over a column the plan adds: nothing to count yet.
        Op::AddUnique {
            table: orders_name(),
            unique: UniqueConstraint {
                name: "uq_orders_code".into(),
                columns: vec!["code".into()],
            },
        },
        // Nullable or defaulted new columns fill themselves.
        Op::AddColumn {
            table: orders_name(),
            column: Column {
                default: Some("0".into()),
                ..Column::new("weight", ColumnType::Integer)
            },
        },
    ];
    assert!(probes(Dialect::Postgresql, &current, &ops).is_empty());
}

#[test]
fn problems_say_table_column_rows_and_the_fix() {
    let problem = DataProblem {
        table: orders_name(),
        finding: Finding::RowsWithoutValue {
            column: "status".into(),
        },
        rows: 3,
    };
    let text = problem.to_string();
    assert!(text.contains("orders.status"), "{text}");
    assert!(text.contains("3 rows"), "{text}");
    assert!(text.contains("default"), "{text}");
    assert!(text.contains("Option<T>"), "{text}");
    let one = DataProblem { rows: 1, ..problem };
    assert!(one.to_string().contains("has 1 row to fill"), "{one}");
}
