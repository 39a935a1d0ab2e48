use schema_runtime::Table;

#[derive(Table)]
#[table(index(columns("customer_id", "created")))]
pub struct Order {
    #[column(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    pub created_at: i64,
}

fn main() {}
