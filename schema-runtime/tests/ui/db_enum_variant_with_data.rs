use schema_runtime::DbEnum;

#[derive(DbEnum)]
pub enum OrderStatus {
    Pending,
    Paid { at: i64 },
}

fn main() {}
