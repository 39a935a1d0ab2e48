use schema_runtime::Table;

#[derive(Table)]
#[table(check(name = "total_non_negative"))]
pub struct Order {
    #[column(primary_key)]
    pub id: i64,
    pub total: i64,
}

fn main() {}
