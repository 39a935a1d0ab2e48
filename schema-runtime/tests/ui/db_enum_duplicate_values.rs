use schema_runtime::DbEnum;

#[derive(DbEnum)]
pub enum OrderStatus {
    Cancelled,
    #[db_enum(rename = "cancelled")]
    Canceled,
}

fn main() {}
