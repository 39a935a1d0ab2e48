use schema_runtime::Table;

#[derive(Table)]
pub struct Order {
    #[column(primary_key)]
    pub id: i64,
    #[column(skip, default = "''")]
    pub cached_label: String,
}

fn main() {}
