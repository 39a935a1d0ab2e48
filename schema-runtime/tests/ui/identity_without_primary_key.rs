use schema_runtime::Table;

#[derive(Table)]
pub struct Order {
    #[column(primary_key)]
    pub id: i64,
    #[column(identity)]
    pub number: i64,
}

fn main() {}
