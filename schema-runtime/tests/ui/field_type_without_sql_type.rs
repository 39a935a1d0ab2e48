use schema_runtime::Table;

pub struct Point {
    pub x: f64,
    pub y: f64,
}

#[derive(Table)]
pub struct Place {
    #[column(primary_key)]
    pub id: i64,
    pub location: Point,
}

fn main() {}
