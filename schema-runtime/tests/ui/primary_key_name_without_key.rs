use schema_runtime::Table;

#[derive(Table)]
#[table(primary_key(name = "things_pkey"))]
pub struct Thing {
    pub id: i64,
}

fn main() {}
