use schema_runtime::Table;

#[derive(Table)]
#[table(primary_key(columns("order_id", "line")))]
pub struct OrderLine {
    pub order_id: i64,
    pub line: Option<i32>,
}

fn main() {}
