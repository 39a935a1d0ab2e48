use schema_runtime::Table;

#[derive(Table)]
#[table(index(columns("title"), parts("lower(title)")))]
#[table(index(parts("title DESC"), include("summary")))]
pub struct Document {
    #[column(primary_key)]
    pub id: i64,
    pub title: String,
}

fn main() {}
