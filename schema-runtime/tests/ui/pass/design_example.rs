//! The model of DESIGN.md §2, verbatim: it must compile as users will write it.

use schema_runtime::{DbEnum, Table};

/// Becomes COMMENT ON TYPE where the dialect has one.
#[derive(DbEnum)]
#[db_enum(name = "order_status")]            // Postgres: CREATE TYPE ... AS ENUM
pub enum OrderStatus { Pending, Paid, #[db_enum(rename = "cancelled")] Canceled }  // values snake_case

/// A customer order.                         // doc comment -> table comment
#[derive(Table)]
#[table(name = "orders", schema = "public")] // name defaults to the struct name in snake_case
#[table(index(name = "ix_orders_customer_created", columns("customer_id", "created_at")))]
#[table(unique(columns("customer_id", "reference")))]
#[table(check(name = "total_non_negative", expr = "total >= 0"))]
pub struct Order {
    #[column(primary_key)]                   // a lone integer PK is an identity column
    pub id: i64,
    #[column(references = "customers.id", on_delete = "cascade")]
    pub customer_id: i64,
    #[column(max_length = 40)]               // String -> varchar(40); plain String -> text
    pub reference: String,
    pub status: OrderStatus,
    #[column(sql_type = "numeric(12,2)")]
    pub total: rust_decimal::Decimal,
    pub note: Option<String>,                // Option<T> -> NULL allowed; anything else NOT NULL
    #[column(default = "now()")]             // a server default, written as SQL
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[column(renamed_from = "shipped")]      // rename, not drop + add
    pub shipped_at: Option<chrono::DateTime<chrono::Utc>>,
    #[column(skip)]
    pub cached_label: String,                // not a column
}

fn main() {
    use schema_runtime::Model;
    let table = Order::table_def();
    assert_eq!(table.name, "orders");
    assert_eq!(table.columns.len(), 8);
    assert_eq!(table.schema.as_deref(), Some("public"));
}
