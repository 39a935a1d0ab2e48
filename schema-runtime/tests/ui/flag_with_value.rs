use schema_runtime::Table;

#[derive(Table)]
pub struct Order {
    #[column(primary_key = true)]
    pub id: i64,
}

fn main() {}
