//! Foreign keys: added on new and existing columns, dropped, every referential action, a
//! changed action, cycles between new tables, self references, composite and deferrable
//! keys.

use schema_runtime::schema::ColumnType::*;
use schema_runtime::schema::{ForeignKey, ForeignKeyAction, QualifiedName};
use schema_runtime::{ColumnDef, Schema, TableDef};

use migrator::Dialect;

use super::kit::scenario;
use super::models::*;

fn users() -> TableDef {
    table("users", vec![id(), col("email", varchar(320)).unique()])
}

fn orders(user: Option<ColumnDef>) -> TableDef {
    let mut columns = vec![id(), col("total", Integer)];
    columns.extend(user);
    table("orders", columns)
}

fn user_ref() -> ColumnDef {
    col("user_id", BigInt).refs("users.id")
}

const ROWS: &str = "INSERT INTO users (email) VALUES ('a@x'), ('b@x');";

#[tokio::test]
async fn add_a_foreign_key_with_its_column() {
    let a = models(vec![users(), orders(None)]);
    let b = models(vec![users(), orders(Some(user_ref().null().index()))]);
    scenario("add_a_foreign_key_with_its_column", a, b)
        .seed(&format!("{ROWS} INSERT INTO orders (total) VALUES (5);"))
        .rows("SELECT total::text FROM orders", &["5"])
        .run()
        .await;
}

#[tokio::test]
async fn add_a_foreign_key_to_an_existing_column() {
    let a = models(vec![users(), orders(Some(col("user_id", BigInt)))]);
    let b = models(vec![users(), orders(Some(user_ref()))]);
    scenario("add_a_foreign_key_to_an_existing_column", a, b)
        .seed(&format!(
            "{ROWS} INSERT INTO orders (total, user_id) VALUES (5, 2);"
        ))
        .rows("SELECT total || ':' || user_id FROM orders", &["5:2"])
        .run()
        .await;
}

#[tokio::test]
async fn drop_a_foreign_key_and_keep_the_column() {
    let a = models(vec![users(), orders(Some(user_ref()))]);
    let b = models(vec![users(), orders(Some(col("user_id", BigInt)))]);
    scenario("drop_a_foreign_key_and_keep_the_column", a, b)
        .seed(&format!(
            "{ROWS} INSERT INTO orders (total, user_id) VALUES (5, 2);"
        ))
        .rows("SELECT total || ':' || user_id FROM orders", &["5:2"])
        .run()
        .await;
}

/// One column per action, on delete and on update.
#[tokio::test]
async fn every_referential_action() {
    let actions = [
        "cascade",
        "set null",
        "set default",
        "restrict",
        "no action",
    ];
    let mut columns = vec![id()];
    for action in actions {
        let name = action.replace(' ', "_");
        columns.push(
            col(&format!("on_delete_{name}"), BigInt)
                .null()
                .refs("users.id")
                .on_delete(action),
        );
        columns.push(
            col(&format!("on_update_{name}"), BigInt)
                .null()
                .refs("users.id")
                .on_update(action),
        );
    }
    let a = models(vec![users()]);
    let b = models(vec![users(), table("links", columns)]);
    scenario("every_referential_action", a, b)
        .skip(
            Dialect::Mysql,
            "InnoDB has no SET DEFAULT action (refused by name)",
        )
        .run()
        .await;
}

#[tokio::test]
async fn change_the_actions_of_a_foreign_key() {
    let a = models(vec![users(), orders(Some(user_ref().on_delete("cascade")))]);
    let b = models(vec![
        users(),
        orders(Some(user_ref().on_delete("restrict").on_update("cascade"))),
    ]);
    scenario("change_the_actions_of_a_foreign_key", a, b)
        .seed(&format!(
            "{ROWS} INSERT INTO orders (total, user_id) VALUES (5, 2);"
        ))
        .rows("SELECT total || ':' || user_id FROM orders", &["5:2"])
        .run()
        .await;
}

#[tokio::test]
async fn foreign_key_cycle_between_two_new_tables() {
    let b = models(vec![
        table(
            "teams",
            vec![id(), col("captain_id", BigInt).null().refs("players.id")],
        ),
        table(
            "players",
            vec![
                id(),
                col("team_id", BigInt)
                    .null()
                    .refs("teams.id")
                    .on_delete("set null"),
            ],
        ),
    ]);
    scenario(
        "foreign_key_cycle_between_two_new_tables",
        Schema::default(),
        b,
    )
    .run()
    .await;
}

fn nodes(parent: Option<ColumnDef>) -> TableDef {
    let mut columns = vec![id(), col("label", Text)];
    columns.extend(parent);
    table("nodes", columns)
}

#[tokio::test]
async fn self_referencing_foreign_key_on_a_new_table() {
    let parent = col("parent_id", BigInt)
        .null()
        .refs("nodes.id")
        .on_delete("cascade");
    let b = models(vec![nodes(Some(parent))]);
    scenario(
        "self_referencing_foreign_key_on_a_new_table",
        Schema::default(),
        b,
    )
    .run()
    .await;
}

#[tokio::test]
async fn self_referencing_foreign_key_added_to_a_table_with_rows() {
    let a = models(vec![nodes(None)]);
    let parent = col("parent_id", BigInt).null().refs("nodes.id");
    let b = models(vec![nodes(Some(parent))]);
    scenario(
        "self_referencing_foreign_key_added_to_a_table_with_rows",
        a,
        b,
    )
    .seed("INSERT INTO nodes (label) VALUES ('root'), ('leaf');")
    .rows("SELECT label FROM nodes ORDER BY id", &["root", "leaf"])
    .run()
    .await;
}

/// A composite, deferrable foreign key onto a composite primary key: the introspected
/// shape of keys models cannot declare.
#[tokio::test]
async fn composite_deferrable_foreign_key() {
    let parts = || vec![col("region", Text), col("code", Text), col("name", Text)];
    let regions = table("regions", parts()).pk(&["region", "code"]);
    let shops = || {
        table(
            "shops",
            vec![id(), col("region", Text), col("region_code", Text)],
        )
    };
    let a = models(vec![regions.clone(), shops()]);
    let mut b = models(vec![regions, shops()]);
    let shops_table = b
        .tables
        .iter_mut()
        .find(|t| t.name.name == "shops")
        .unwrap();
    shops_table.foreign_keys.push(ForeignKey {
        name: "fk_shops_region".into(),
        columns: vec!["region".into(), "region_code".into()],
        referenced_table: QualifiedName::new("regions"),
        referenced_columns: vec!["region".into(), "code".into()],
        on_delete: ForeignKeyAction::Cascade,
        on_update: ForeignKeyAction::NoAction,
        deferrable: true,
        initially_deferred: true,
        not_valid: false,
    });
    scenario("composite_deferrable_foreign_key", a, b)
        .seed(
            "INSERT INTO regions VALUES ('eu', 'fr', 'France');
             INSERT INTO shops (region, region_code) VALUES ('eu', 'fr');",
        )
        .rows("SELECT region || region_code FROM shops", &["eufr"])
        .skip(
            Dialect::Mysql,
            "deferrable foreign keys: MySQL checks keys immediately",
        )
        .run()
        .await;
}
