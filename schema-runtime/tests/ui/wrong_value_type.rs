use schema_runtime::Table;

#[derive(Table)]
pub struct Order {
    #[column(primary_key)]
    pub id: i64,
    #[column(max_length = "forty")]
    pub reference: String,
}

fn main() {}
