use schema_runtime::Table;

#[derive(Table)]
#[table(exclude(elements("during WITH &&")))]
#[table(exclude(name = "no_elements"))]
#[table(exclude(name = "no_operator", elements("during", "room_id WITH =")))]
pub struct Booking {
    #[column(primary_key)]
    pub id: i64,
    pub room_id: i32,
    #[column(sql_type = "tstzrange")]
    pub during: String,
    #[column(collation = "")]
    pub code: String,
}

fn main() {}
