use schema_runtime::DbEnum;

#[derive(DbEnum)]
pub struct OrderStatus {
    pub value: String,
}

fn main() {}
