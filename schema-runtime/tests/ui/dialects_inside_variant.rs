use schema_runtime::Table;

#[derive(Table)]
#[table(mysql(check(name = "email_format", expr = "email REGEXP '@'", dialects("mysql"))))]
pub struct User {
    #[column(primary_key)]
    pub id: i64,
    pub email: String,
}

fn main() {}
