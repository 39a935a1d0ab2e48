use schema_runtime::Table;

#[derive(Table)]
pub enum Order {
    Pending,
}

fn main() {}
