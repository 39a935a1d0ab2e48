use schema_runtime::Table;

#[derive(Table)]
pub struct Order {
    #[column(primary_key)]
    pub id: i64,
    pub reference: String,
    #[column(name = "reference")]
    pub external_reference: String,
}

fn main() {}
