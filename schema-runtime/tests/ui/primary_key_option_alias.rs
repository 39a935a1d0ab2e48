use schema_runtime::Table;

type MaybeId = Option<i64>;

#[derive(Table)]
pub struct Order {
    #[column(primary_key)]
    pub id: MaybeId,
}

fn main() {}
