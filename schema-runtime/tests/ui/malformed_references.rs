use schema_runtime::Table;

#[derive(Table)]
pub struct Order {
    #[column(primary_key)]
    pub id: i64,
    #[column(references = "customers")]
    pub customer_id: i64,
}

fn main() {}
