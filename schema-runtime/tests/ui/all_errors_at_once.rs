use schema_runtime::Table;

#[derive(Table)]
#[table(index(columns("nope")))]
pub struct Order {
    #[column(primary_key)]
    pub id: Option<i64>,
    #[column(max_length = 0)]
    pub reference: String,
    #[column(references = "customers.id", on_delete = "explode")]
    pub customer_id: i64,
}

fn main() {}
