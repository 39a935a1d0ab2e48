use schema_runtime::Table;

#[derive(Table)]
#[table(index(columns("email"), dialects("postgresql", "oracle")))]
pub struct User {
    #[column(primary_key)]
    pub id: i64,
    pub email: String,
}

fn main() {}
