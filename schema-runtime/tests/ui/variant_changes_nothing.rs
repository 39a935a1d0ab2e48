use schema_runtime::Table;

#[derive(Table)]
#[table(sqlite())]
pub struct User {
    #[column(primary_key)]
    pub id: i64,
    #[column(mysql())]
    pub email: String,
}

fn main() {}
