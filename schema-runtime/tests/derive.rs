//! `#[derive(Table)]` and `#[derive(DbEnum)]` record every attribute: each assertion here
//! fails if the derive ignored (or misread) the attribute it checks.

use schema_runtime::schema::ForeignKeyAction;
use schema_runtime::{
    registry, CheckDef, ColumnDef, ColumnType, DbEnum, DbEnumType, EnumType, ForeignKeyDef,
    IndexDef, Model, QualifiedName, SqlType, Table, TableDef, UniqueDef,
};

/// Becomes COMMENT ON TYPE where the dialect has one.
#[derive(DbEnum, Clone, Copy, Debug, PartialEq, Eq)]
#[db_enum(name = "order_status")]
pub enum OrderStatus {
    Pending,
    Paid,
    #[db_enum(rename = "cancelled")]
    Canceled,
    PartiallyRefunded,
}

#[derive(DbEnum, Clone, Copy, Debug, PartialEq, Eq)]
#[db_enum(schema = "billing")]
pub enum PaymentMethod {
    CreditCard,
    BankTransfer,
}

/// Has a doc comment that the explicit comment replaces.
#[derive(DbEnum, Debug, PartialEq, Eq)]
#[db_enum(comment = "Shipping speed.")]
pub enum ShippingSpeed {
    Standard,
    #[db_enum(rename = "EXPRESS")]
    Express,
}

/// A customer order.
///
///   Placed by a customer, paid once.
#[derive(Table)]
#[table(name = "orders", schema = "public")]
#[table(index(
    name = "ix_orders_customer_created",
    columns("customer_id", "created_at")
))]
#[table(index(columns("status"), unique, where = "status = 'pending'"))]
#[table(unique(columns("customer_id", "reference")))]
#[table(unique(name = "uq_orders_reference", columns("reference")))]
#[table(check(name = "total_non_negative", expr = "total >= 0"))]
#[table(check(name = "note_short", expr = "length(note) < 500"))]
#[table(renamed_from = "sales.purchase_orders")]
pub struct Order {
    #[column(primary_key)]
    pub id: i64,
    #[column(references = "customers.id", on_delete = "cascade")]
    pub customer_id: i64,
    #[column(max_length = 40)]
    pub reference: String,
    pub status: OrderStatus,
    #[column(sql_type = "numeric(12,2)")]
    pub total: rust_decimal::Decimal,
    pub note: Option<String>,
    #[column(default = "now()")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[column(renamed_from = "shipped")]
    pub shipped_at: Option<chrono::DateTime<chrono::Utc>>,
    #[column(skip)]
    pub cached_label: String,
}

type Money = rust_decimal::Decimal;

/// An e-mail address, stored as `varchar(320)`.
pub struct Email(pub String);

impl SqlType for Email {
    fn column_type() -> ColumnType {
        ColumnType::Varchar { length: Some(320) }
    }
}

#[derive(Table)]
#[table(primary_key(columns("order_id", "line_no")))]
#[table(comment = "")]
/// The doc comment that `comment = ""` suppresses.
pub struct OrderLine {
    #[column(
        references = "public.orders.id",
        on_delete = "SET NULL",
        on_update = "no_action"
    )]
    pub order_id: i64,
    /// Position within the order.
    #[column(identity = false)]
    pub line_no: i32,
    #[column(name = "amount_gross")]
    pub amount: Money,
    #[column(name = "kind")]
    pub r#type: String,
    #[column(max_length = 200, comment = "Shown on the invoice.")]
    pub label: Option<String>,
}

#[derive(Table)]
#[table(no_primary_key, name = "audit_log", schema = "audit")]
pub struct AuditEntry {
    #[column(unique, check = "position('@' in email) > 1")]
    pub email: Email,
    #[column(index)]
    pub status: Option<OrderStatus>,
    pub history: Vec<OrderStatus>,
    pub methods: Option<Vec<PaymentMethod>>,
    pub speed: ShippingSpeed,
    #[column(
        references = "billing.accounts.id",
        on_update = "restrict",
        on_delete = "set default"
    )]
    pub account_id: Option<i32>,
    pub payload: Vec<u8>,
    #[column(sql_type = "cidr")]
    pub network: String,
}

#[derive(Table)]
pub struct Customer {
    #[column(primary_key, identity)]
    pub id: i32,
    #[column(unique, index)]
    pub handle: String,
}

fn column<'a>(table: &'a TableDef, name: &str) -> &'a ColumnDef {
    table
        .columns
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no column {name} in {}", table.name))
}

#[test]
fn table_attributes_and_doc_comment() {
    let t = Order::table_def();
    assert_eq!(t.rust_name, "Order");
    assert_eq!(t.module_path, "derive");
    assert_eq!(t.name, "orders");
    assert_eq!(t.schema.as_deref(), Some("public"));
    assert_eq!(
        t.comment.as_deref(),
        Some("A customer order.\n\nPlaced by a customer, paid once.")
    );
    assert_eq!(t.renamed_from.as_deref(), Some("sales.purchase_orders"));
    assert_eq!(t.primary_key, None);
    assert!(!t.no_primary_key);
    assert_eq!(
        t.indexes,
        vec![
            IndexDef {
                dialects: Vec::new(),
                name: Some("ix_orders_customer_created".into()),
                columns: vec!["customer_id".into(), "created_at".into()],
                unique: false,
                predicate: None,
                ..IndexDef::default()
            },
            IndexDef {
                dialects: Vec::new(),
                name: None,
                columns: vec!["status".into()],
                unique: true,
                predicate: Some("status = 'pending'".into()),
                ..IndexDef::default()
            },
        ]
    );
    assert_eq!(
        t.uniques,
        vec![
            UniqueDef {
                dialects: Vec::new(),
                name: None,
                columns: vec!["customer_id".into(), "reference".into()],
            },
            UniqueDef {
                dialects: Vec::new(),
                name: Some("uq_orders_reference".into()),
                columns: vec!["reference".into()],
            },
        ]
    );
    assert_eq!(
        t.checks,
        vec![
            CheckDef {
                dialects: Vec::new(),
                name: "total_non_negative".into(),
                expression: "total >= 0".into(),
                verbatim: false,
                not_valid: false,
            },
            CheckDef {
                dialects: Vec::new(),
                name: "note_short".into(),
                expression: "length(note) < 500".into(),
                verbatim: false,
                not_valid: false,
            },
        ]
    );
}

#[test]
fn columns_keep_field_order_and_skip_skipped_fields() {
    let t = Order::table_def();
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "id",
            "customer_id",
            "reference",
            "status",
            "total",
            "note",
            "created_at",
            "shipped_at"
        ]
    );
    assert!(t.columns.iter().all(|c| c.field != "cached_label"));
}

#[test]
fn column_attributes_of_the_design_example() {
    let t = Order::table_def();
    let mut id = ColumnDef::new("id", ColumnType::BigInt, false);
    id.primary_key = true;
    assert_eq!(t.columns[0], id);

    let customer = &t.columns[1];
    assert_eq!(customer.references.as_deref(), Some("customers.id"));
    assert_eq!(customer.on_delete, Some(ForeignKeyAction::Cascade));
    assert_eq!(customer.on_update, None);
    assert!(!customer.primary_key);

    assert_eq!(t.columns[2].max_length, Some(40));
    assert_eq!(t.columns[2].ty, ColumnType::Text);
    assert_eq!(t.columns[2].sql_type, None);

    let status = &t.columns[3];
    let order_status = QualifiedName::new("order_status");
    assert_eq!(
        status.ty,
        ColumnType::Enum {
            name: order_status.clone()
        }
    );
    assert!(!status.nullable);
    assert_eq!(
        status.enum_type.as_ref().map(|e| &e.name),
        Some(&order_status)
    );

    let total = &t.columns[4];
    assert_eq!(total.sql_type.as_deref(), Some("numeric(12,2)"));
    assert_eq!(
        total.ty,
        ColumnType::Numeric {
            precision: None,
            scale: None
        }
    );

    let note = &t.columns[5];
    assert!(note.nullable);
    assert_eq!(note.ty, ColumnType::Text);

    let created = &t.columns[6];
    assert_eq!(created.default.as_deref(), Some("now()"));
    assert_eq!(created.ty, ColumnType::TimestampTz);
    assert!(!created.nullable);

    let shipped = &t.columns[7];
    assert_eq!(shipped.renamed_from.as_deref(), Some("shipped"));
    assert!(shipped.nullable);
    assert_eq!(shipped.ty, ColumnType::TimestampTz);
}

#[test]
fn defaults_are_snake_case_and_not_pluralised() {
    let t = OrderLine::table_def();
    assert_eq!(t.name, "order_line");
    assert_eq!(t.schema, None);
    assert_eq!(Customer::table_def().name, "customer");
}

#[test]
fn empty_comment_suppresses_the_doc_comment() {
    assert_eq!(OrderLine::table_def().comment, None);
    assert_eq!(AuditEntry::table_def().comment, None);
}

#[test]
fn table_level_primary_key_and_renames() {
    let t = OrderLine::table_def();
    assert_eq!(
        t.primary_key,
        Some(vec!["order_id".to_string(), "line_no".to_string()])
    );
    assert!(t.columns.iter().all(|c| !c.primary_key));

    let order_id = column(&t, "order_id");
    assert_eq!(order_id.references.as_deref(), Some("public.orders.id"));
    assert_eq!(order_id.on_delete, Some(ForeignKeyAction::SetNull));
    assert_eq!(order_id.on_update, Some(ForeignKeyAction::NoAction));

    let line = column(&t, "line_no");
    assert_eq!(line.identity, Some(false));
    assert_eq!(line.comment.as_deref(), Some("Position within the order."));
    assert_eq!(line.ty, ColumnType::Integer);

    let amount = column(&t, "amount_gross");
    assert_eq!(amount.field, "amount");
    assert_eq!(
        amount.ty,
        ColumnType::Numeric {
            precision: None,
            scale: None
        }
    );

    let kind = column(&t, "kind");
    assert_eq!(kind.field, "type");

    let label = column(&t, "label");
    assert_eq!(label.max_length, Some(200));
    assert!(label.nullable);
    assert_eq!(label.comment.as_deref(), Some("Shown on the invoice."));
}

#[test]
fn identity_and_flag_forms() {
    let t = Customer::table_def();
    assert_eq!(t.columns[0].identity, Some(true));
    assert!(t.columns[0].primary_key);
    assert_eq!(t.columns[1].identity, None);
    assert!(!t.columns[1].primary_key);
    assert!(t.columns[1].unique && t.columns[1].index);
    assert_eq!(t.comment, None);
    assert_eq!(t.columns[0].comment, None);
}

#[test]
fn user_types_enums_in_options_and_arrays() {
    let t = AuditEntry::table_def();
    assert_eq!(t.name, "audit_log");
    assert_eq!(t.schema.as_deref(), Some("audit"));
    assert!(t.no_primary_key);

    let email = column(&t, "email");
    assert_eq!(email.ty, ColumnType::Varchar { length: Some(320) });
    assert!(email.unique);
    assert!(!email.index);
    assert_eq!(email.check.as_deref(), Some("position('@' in email) > 1"));

    let status = column(&t, "status");
    assert!(status.nullable);
    assert!(status.index);
    assert!(!status.unique);
    assert_eq!(
        status.ty,
        ColumnType::Enum {
            name: QualifiedName::new("order_status")
        }
    );
    assert_eq!(status.enum_type, OrderStatus::enum_type());

    let history = column(&t, "history");
    assert!(!history.nullable);
    assert_eq!(
        history.ty,
        ColumnType::Array {
            element: Box::new(ColumnType::Enum {
                name: QualifiedName::new("order_status")
            })
        }
    );
    assert_eq!(history.enum_type, OrderStatus::enum_type());

    let methods = column(&t, "methods");
    assert!(methods.nullable);
    let billing = QualifiedName::with_schema("billing", "payment_method");
    assert_eq!(
        methods.ty,
        ColumnType::Array {
            element: Box::new(ColumnType::Enum {
                name: billing.clone()
            })
        }
    );
    assert_eq!(methods.enum_type.as_ref().map(|e| &e.name), Some(&billing));

    let account = column(&t, "account_id");
    assert_eq!(account.references.as_deref(), Some("billing.accounts.id"));
    assert_eq!(account.on_update, Some(ForeignKeyAction::Restrict));
    assert_eq!(account.on_delete, Some(ForeignKeyAction::SetDefault));
    assert!(account.nullable);

    assert_eq!(column(&t, "payload").ty, ColumnType::Bytes);
    assert_eq!(
        column(&t, "speed")
            .enum_type
            .as_ref()
            .map(|e| e.values.len()),
        Some(2)
    );
    let network = column(&t, "network");
    assert_eq!(network.sql_type.as_deref(), Some("cidr"));
    assert_eq!(network.ty, ColumnType::Text);
}

#[test]
fn db_enum_values_rename_and_doc_comment() {
    assert_eq!(
        OrderStatus::VALUES,
        ["pending", "paid", "cancelled", "partially_refunded"]
    );
    assert_eq!(
        OrderStatus::enum_type(),
        Some(EnumType {
            name: QualifiedName::new("order_status"),
            values: vec![
                "pending".into(),
                "paid".into(),
                "cancelled".into(),
                "partially_refunded".into()
            ],
            comment: Some("Becomes COMMENT ON TYPE where the dialect has one.".into()),
        })
    );
    assert_eq!(
        OrderStatus::column_type(),
        ColumnType::Enum {
            name: QualifiedName::new("order_status")
        }
    );
    const { assert!(!OrderStatus::NULLABLE) };
}

#[test]
fn db_enum_default_name_schema_and_explicit_comment() {
    let payment = PaymentMethod::enum_type().unwrap();
    assert_eq!(
        payment.name,
        QualifiedName::with_schema("billing", "payment_method")
    );
    assert_eq!(payment.values, ["credit_card", "bank_transfer"]);
    assert_eq!(payment.comment, None);

    let speed = ShippingSpeed::enum_type().unwrap();
    assert_eq!(speed.name, QualifiedName::new("shipping_speed"));
    assert_eq!(speed.values, ["standard", "EXPRESS"]);
    assert_eq!(speed.comment.as_deref(), Some("Shipping speed."));
}

#[test]
fn db_enum_round_trips_through_its_stored_spelling() {
    for value in [
        OrderStatus::Pending,
        OrderStatus::Paid,
        OrderStatus::Canceled,
        OrderStatus::PartiallyRefunded,
    ] {
        assert_eq!(OrderStatus::from_db_str(value.as_str()), Some(value));
    }
    assert_eq!(OrderStatus::Canceled.as_str(), "cancelled");
    assert_eq!(OrderStatus::from_db_str("canceled"), None);
    assert_eq!(OrderStatus::from_db_str("Pending"), None);
    assert_eq!(ShippingSpeed::Express.as_str(), "EXPRESS");
    assert_eq!(ShippingSpeed::from_db_str("express"), None);
}

#[test]
fn every_model_is_registered_through_inventory() {
    let registered = registry::registered();
    let mut names: Vec<(Option<&str>, &str, &str)> = registered
        .iter()
        .map(|t| (t.schema.as_deref(), t.name.as_str(), t.rust_name))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            (None, "booking", "Booking"),
            (None, "customer", "Customer"),
            (None, "document", "Document"),
            (None, "event", "Event"),
            (None, "order_line", "OrderLine"),
            (None, "reading", "Reading"),
            (None, "shipment", "Shipment"),
            (None, "ticket", "Ticket"),
            (Some("audit"), "audit_log", "AuditEntry"),
            (Some("public"), "orders", "Order"),
        ]
    );
    let order = registered.iter().find(|t| t.name == "orders").unwrap();
    assert_eq!(order, &Order::table_def());
}

/// A shipment line as a database another tool built names it.
#[derive(Table)]
#[table(primary_key(name = "shipments_pkey"))]
#[table(check(name = "chk_rails_0a1b2c", expr = "line > 0", verbatim, not_valid))]
#[table(foreign_key(
    name = "shipments_order_line_fkey",
    columns("order_id", "line"),
    references(table = "sales.order_lines", columns("order_id", "line")),
    on_delete = "cascade",
    initially_deferred,
    dialects("postgresql", "sqlite")
))]
#[table(foreign_key(
    columns("carrier_id"),
    references(table = "logistics.carriers", columns("id")),
    deferrable,
    external,
    not_valid
))]
pub struct Shipment {
    #[column(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub line: i32,
    pub carrier_id: i64,
    #[column(
        references = "billing.accounts.id",
        fk_name = "fk_rails_7aab96f30e",
        external
    )]
    pub account_id: i64,
}

#[test]
fn stated_names_and_table_level_foreign_keys_are_recorded() {
    let t = Shipment::table_def();
    assert_eq!(t.primary_key, None);
    assert_eq!(t.primary_key_name.as_deref(), Some("shipments_pkey"));
    assert!(t.checks[0].verbatim && t.checks[0].not_valid);
    assert_eq!(
        t.foreign_keys,
        vec![
            ForeignKeyDef {
                name: Some("shipments_order_line_fkey".into()),
                columns: vec!["order_id".into(), "line".into()],
                referenced_table: "sales.order_lines".into(),
                referenced_columns: vec!["order_id".into(), "line".into()],
                on_delete: Some(ForeignKeyAction::Cascade),
                on_update: None,
                deferrable: true,
                initially_deferred: true,
                not_valid: false,
                external: false,
                dialects: vec![
                    schema_runtime::Dialect::Postgresql,
                    schema_runtime::Dialect::Sqlite
                ],
            },
            ForeignKeyDef {
                name: None,
                columns: vec!["carrier_id".into()],
                referenced_table: "logistics.carriers".into(),
                referenced_columns: vec!["id".into()],
                on_delete: None,
                on_update: None,
                deferrable: true,
                initially_deferred: false,
                not_valid: true,
                external: true,
                dialects: Vec::new(),
            },
        ]
    );
    let account = &t.columns[4];
    assert_eq!(account.fk_name.as_deref(), Some("fk_rails_7aab96f30e"));
    assert!(account.external);
}

/// A document searched by full text, with an index PostgreSQL alone can hold.
#[derive(Table)]
#[table(index(
    name = "documents_search_idx",
    parts("to_tsvector('english', body)", "title DESC"),
    method = "gin",
    include("id"),
    dialects("postgresql")
))]
#[table(index(columns("slug"), unique, nulls_not_distinct, dialects("postgresql")))]
pub struct Document {
    #[column(primary_key)]
    pub id: i64,
    pub title: String,
    pub body: String,
    pub slug: Option<String>,
}

#[test]
fn index_parts_methods_and_include_are_recorded() {
    let t = Document::table_def();
    assert_eq!(
        t.indexes[0],
        IndexDef {
            name: Some("documents_search_idx".into()),
            parts: vec!["to_tsvector('english', body)".into(), "title DESC".into()],
            method: Some("gin".into()),
            include: vec!["id".into()],
            dialects: vec![schema_runtime::Dialect::Postgresql],
            ..IndexDef::default()
        }
    );
    assert!(t.indexes[1].nulls_not_distinct && t.indexes[1].unique);
}

/// Numbered by the database only, with a second number that is not the key.
#[derive(Table)]
pub struct Event {
    #[column(primary_key, identity = "always")]
    pub id: i64,
    #[column(identity)]
    pub seq: i32,
    #[column(identity = "by default")]
    pub other: i64,
    #[column(generated = "seq * 2")]
    pub twice: Option<i64>,
}

#[test]
fn identity_kinds_are_recorded() {
    let t = Event::table_def();
    let kinds: Vec<(Option<bool>, bool)> = t
        .columns
        .iter()
        .map(|c| (c.identity, c.identity_always))
        .collect();
    assert_eq!(
        kinds,
        [
            (Some(true), true),
            (Some(true), false),
            (Some(true), false),
            (None, false)
        ]
    );
    assert_eq!(t.columns[3].generated.as_deref(), Some("seq * 2"));
    let schema = registry::build(vec![t], schema_runtime::Dialect::Postgresql).unwrap();
    let identities: Vec<_> = schema.tables[0]
        .columns
        .iter()
        .map(|c| c.identity)
        .collect();
    use schema_runtime::schema::Identity;
    assert_eq!(
        identities,
        [
            Some(Identity::Always),
            Some(Identity::ByDefault),
            Some(Identity::ByDefault),
            None
        ]
    );
    assert_eq!(
        schema.tables[0].columns[3].generated.as_deref(),
        Some("seq * 2")
    );
}

/// Two bookings of one room may not overlap; room codes sort byte by byte.
#[derive(Table)]
#[table(exclude(
    name = "no_double_booking",
    elements("room_id WITH =", "during WITH &&"),
    where = "not cancelled",
    deferrable
))]
#[table(exclude(
    name = "one_code_per_period",
    using = "spgist",
    elements("during WITH &&")
))]
pub struct Booking {
    #[column(primary_key)]
    pub id: i64,
    pub room_id: i32,
    #[column(sql_type = "tstzrange")]
    pub during: String,
    pub cancelled: bool,
    #[column(collation = "C", mysql(collation = "utf8mb4_bin"))]
    pub code: String,
}

#[test]
fn exclusion_constraints_and_collations_are_recorded() {
    let t = Booking::table_def();
    assert_eq!(
        t.exclusions[0],
        schema_runtime::ExclusionDef {
            name: "no_double_booking".into(),
            elements: vec!["room_id WITH =".into(), "during WITH &&".into()],
            predicate: Some("not cancelled".into()),
            deferrable: true,
            ..schema_runtime::ExclusionDef::default()
        }
    );
    assert_eq!(t.exclusions[1].method.as_deref(), Some("spgist"));
    let code = &t.columns[4];
    assert_eq!(code.collation.as_deref(), Some("C"));
    assert_eq!(code.variants[0].collation.as_deref(), Some("utf8mb4_bin"));
    let schema = registry::build(vec![t], schema_runtime::Dialect::Postgresql).unwrap();
    assert_eq!(
        schema.tables[0].exclusions[0].definition,
        "EXCLUDE USING gist (room_id WITH =, during WITH &&) WHERE (not cancelled) DEFERRABLE"
    );
    assert_eq!(schema.tables[0].columns[4].collation.as_deref(), Some("C"));
}

/// Readings by month: the parent only, its partitions are made by a scheduled job.
#[derive(Table)]
#[table(
    partition_by = "RANGE (taken_at)",
    primary_key(columns("id", "taken_at"))
)]
pub struct Reading {
    pub id: i64,
    #[column(sql_type = "timestamptz")]
    pub taken_at: String,
}

#[test]
fn a_partition_key_is_recorded_and_refused_off_postgresql() {
    let t = Reading::table_def();
    assert_eq!(t.partition_by.as_deref(), Some("RANGE (taken_at)"));
    let schema = registry::build(vec![t.clone()], schema_runtime::Dialect::Postgresql).unwrap();
    assert_eq!(
        schema.tables[0].partition_by.as_deref(),
        Some("RANGE (taken_at)")
    );
    let error = registry::build(vec![t], schema_runtime::Dialect::Mysql)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("partitioned by RANGE (taken_at), which is supported on PostgreSQL only"),
        "{error}"
    );
}

/// Tickets count down from 100 000.
#[derive(Table)]
pub struct Ticket {
    #[column(primary_key, identity_start = 100_000, identity_increment = -1)]
    pub id: i64,
}

#[test]
fn identity_sequence_options_are_recorded_negative_ones_too() {
    let t = Ticket::table_def();
    assert_eq!(t.columns[0].identity_start, Some(100_000));
    assert_eq!(t.columns[0].identity_increment, Some(-1));
    let schema = registry::build(vec![t.clone()], schema_runtime::Dialect::Postgresql).unwrap();
    assert_eq!(
        schema.tables[0].columns[0].identity_sequence,
        Some(schema_runtime::schema::IdentitySequence {
            start: 100_000,
            increment: -1
        })
    );
    let error = registry::build(vec![t], schema_runtime::Dialect::Sqlite)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("only PostgreSQL's identities take"),
        "{error}"
    );
}
