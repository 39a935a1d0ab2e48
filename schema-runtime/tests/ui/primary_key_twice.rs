use schema_runtime::Table;

#[derive(Table)]
#[table(primary_key(columns("id", "line")))]
pub struct OrderLine {
    #[column(primary_key)]
    pub id: i64,
    pub line: i32,
}

fn main() {}
