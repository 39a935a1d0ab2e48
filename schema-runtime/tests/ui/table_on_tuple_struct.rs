use schema_runtime::Table;

#[derive(Table)]
pub struct Order(i64, String);

fn main() {}
