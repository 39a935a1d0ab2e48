use schema_runtime::Table;

#[derive(Table)]
pub struct Order {
    #[column(primary_key)]
    pub id: i64,
    #[column(references = "customers.id", on_delete = "delete")]
    pub customer_id: i64,
}

fn main() {}
