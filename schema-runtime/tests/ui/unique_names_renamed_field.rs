use schema_runtime::Table;

#[derive(Table)]
#[table(unique(columns("reference")))]
pub struct Order {
    #[column(primary_key)]
    pub id: i64,
    #[column(name = "order_reference")]
    pub reference: String,
}

fn main() {}
