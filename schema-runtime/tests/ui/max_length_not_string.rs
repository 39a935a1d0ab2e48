use schema_runtime::Table;

#[derive(Table)]
pub struct Order {
    #[column(primary_key)]
    pub id: i64,
    #[column(max_length = 40)]
    pub quantity: i32,
}

fn main() {}
