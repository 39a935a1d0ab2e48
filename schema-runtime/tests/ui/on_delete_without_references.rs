use schema_runtime::Table;

#[derive(Table)]
pub struct Order {
    #[column(primary_key)]
    pub id: i64,
    #[column(on_delete = "cascade")]
    pub customer_id: i64,
}

fn main() {}
