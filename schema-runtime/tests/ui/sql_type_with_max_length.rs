use schema_runtime::Table;

#[derive(Table)]
pub struct Order {
    #[column(primary_key)]
    pub id: i64,
    #[column(sql_type = "varchar(40)", max_length = 40)]
    pub reference: String,
}

fn main() {}
