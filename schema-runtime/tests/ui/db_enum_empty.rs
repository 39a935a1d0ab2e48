use schema_runtime::DbEnum;

#[derive(DbEnum)]
pub enum OrderStatus {}

fn main() {}
