use schema_runtime::Table;

#[derive(Table)]
#[table(sqlite(index(name = "ix_users_mail", columns("mail"))))]
pub struct User {
    #[column(primary_key)]
    pub id: i64,
    pub email: String,
}

fn main() {}
