use schema_runtime::DbEnum;

#[derive(DbEnum)]
pub enum OrderStatus<const N: usize> {
    Pending,
    Paid,
}

fn main() {}
