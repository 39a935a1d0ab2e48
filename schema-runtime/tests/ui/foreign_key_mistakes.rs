use schema_runtime::Table;

#[derive(Table)]
#[table(foreign_key(columns("order_id", "line"), references(table = "order_lines", columns("order_id"))))]
#[table(foreign_key(columns("order_id")))]
#[table(foreign_key(columns("order_id"), references(table = "a.b.c", columns("id"))))]
#[table(foreign_key(columns("nope"), references(table = "orders", columns("id")), on_delete = "explode"))]
pub struct Shipment {
    #[column(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub line: i32,
    #[column(fk_name = "fk_x", external)]
    pub carrier_id: i64,
}

fn main() {}
