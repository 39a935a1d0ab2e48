use schema_runtime::Table;

#[derive(Table)]
#[table(index(name = "ix_orders_nothing", columns()))]
pub struct Order {
    #[column(primary_key)]
    pub id: i64,
}

fn main() {}
