use schema_runtime::Table;

#[derive(Table)]
pub struct Order<T> {
    #[column(primary_key)]
    pub id: i64,
    pub payload: T,
}

fn main() {}
