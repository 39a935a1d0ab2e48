use schema_runtime::Table;

#[derive(Table)]
pub struct Order {
    #[column(primary_key, identity = "sometimes")]
    pub id: i64,
}

fn main() {}
