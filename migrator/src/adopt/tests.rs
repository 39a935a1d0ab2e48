//! Unit tests of the adoption: Rust names for database names, exclusion constraints read
//! back into their parts, and the objects the baseline carries around the models' part.

use schema_runtime::schema::ExclusionConstraint;

use super::declare::parse_exclusion;
use super::kept::{wrap, Ends};
use super::names::{camel_round_trips, field_name, struct_name, variant_name, Unique};
use crate::db::OtherObject;
use crate::dialect::Dialect;

#[test]
fn table_names_become_singular_structs() {
    assert_eq!(struct_name("users"), "User");
    assert_eq!(struct_name("order_lines"), "OrderLine");
    assert_eq!(struct_name("categories"), "Category");
    assert_eq!(struct_name("addresses"), "Address");
    assert_eq!(struct_name("status"), "Status");
    assert_eq!(struct_name("strings"), "StringRow");
    assert_eq!(struct_name("2fa_codes"), "T2faCode");
}

#[test]
fn column_names_become_fields_with_a_name_where_they_differ() {
    assert_eq!(field_name("email"), ("email".into(), false));
    assert_eq!(field_name("type"), ("r#type".into(), false));
    assert_eq!(field_name("self"), ("self_".into(), true));
    assert_eq!(field_name("orderDate"), ("order_date".into(), true));
    assert_eq!(field_name("Order Date"), ("order_date".into(), true));
    assert_eq!(field_name("2fa"), ("_2fa".into(), true));
}

#[test]
fn values_keep_their_spelling_only_where_the_derive_gives_it_back() {
    assert!(camel_round_trips("in_progress"));
    assert!(camel_round_trips("a_bc"));
    assert!(!camel_round_trips("a_b"));
    assert!(!camel_round_trips("In Progress"));
    assert!(!camel_round_trips("v2"));
    assert_eq!(variant_name("self"), "SelfValue");
}

#[test]
fn a_taken_name_gets_a_number() {
    let mut unique = Unique::default();
    assert_eq!(unique.give("user".into()), "user");
    assert_eq!(unique.give("user".into()), "user2");
    assert_eq!(unique.give("r#type".into()), "r#type");
    assert_eq!(unique.give("r#type".into()), "type2");
}

fn exclusion(definition: &str) -> ExclusionConstraint {
    ExclusionConstraint {
        name: "no_overlap".into(),
        definition: definition.into(),
    }
}

#[test]
fn an_exclusion_constraint_reads_back_into_the_definition_it_came_from() {
    for definition in [
        "EXCLUDE USING gist (room_id WITH =, during WITH &&)",
        "EXCLUDE USING gist (room_id WITH =, (tstzrange(starts, ends, '[)')) WITH &&) WHERE ((cancelled = false))",
        "EXCLUDE USING spgist (during WITH &&) DEFERRABLE",
        "EXCLUDE USING gist (during WITH &&) DEFERRABLE INITIALLY DEFERRED",
    ] {
        let def = parse_exclusion(&exclusion(definition))
            .unwrap_or_else(|| panic!("not read: {definition}"));
        assert_eq!(def.definition(), definition);
    }
    let parts = parse_exclusion(&exclusion(
        "EXCLUDE USING gist (a WITH =, (f(b, ',')) WITH &&)",
    ))
    .unwrap();
    assert_eq!(parts.elements, ["a WITH =", "(f(b, ',')) WITH &&"]);
    assert_eq!(parts.method, None);
}

#[test]
fn an_exclusion_constraint_with_parts_models_cannot_state_is_not_read() {
    assert!(parse_exclusion(&exclusion("EXCLUDE USING gist (a WITH &&) INCLUDE (b)")).is_none());
    assert!(parse_exclusion(&exclusion(
        "EXCLUDE USING gist (a WITH &&) WITH (fillfactor=70)"
    ))
    .is_none());
}

fn other(kind: &'static str, name: &str, definition: Option<&str>) -> OtherObject {
    OtherObject {
        kind,
        name: name.into(),
        table: None,
        definition: definition.map(str::to_owned),
    }
}

#[test]
fn the_baseline_creates_what_tables_use_before_them_and_the_rest_after() {
    // In the order the catalog lists them: by kind, then name.
    let others = [
        other("aggregate", "total", None),
        other(
            "domain",
            "billing.amount",
            Some("CREATE DOMAIN billing.amount AS numeric"),
        ),
        other(
            "extension",
            "citext",
            Some("CREATE EXTENSION IF NOT EXISTS citext"),
        ),
        other("trigger", "touch", Some("CREATE TRIGGER touch ...")),
        other(
            "view",
            "Active",
            Some("CREATE VIEW \"Active\" AS SELECT 1;"),
        ),
    ];
    let (up, down) = wrap(
        "CREATE TABLE t ();\n",
        "DROP TABLE t;\n",
        &others,
        Dialect::Postgresql,
        Ends::WHOLE,
    );
    let position = |text: &str| {
        up.find(text)
            .unwrap_or_else(|| panic!("`{text}` is not in:\n{up}"))
    };
    let order = [
        "CREATE SCHEMA IF NOT EXISTS \"billing\";",
        "CREATE EXTENSION",
        "CREATE DOMAIN",
        "CREATE TABLE t",
        "-- aggregate total: the database gives no definition",
        "CREATE VIEW \"Active\" AS SELECT 1;\n",
        "CREATE TRIGGER",
    ];
    let positions: Vec<usize> = order.iter().map(|text| position(text)).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{up}");
    // The view goes before the tables it reads; the domain after the tables that use it;
    // extensions and routines stay.
    assert_eq!(
        down,
        "DROP VIEW IF EXISTS \"Active\";\n\nDROP TABLE t;\n\nDROP DOMAIN IF EXISTS \"billing\".\"amount\";\n"
    );
    // Nothing to carry: the models' part alone.
    assert_eq!(
        wrap(
            "CREATE TABLE t ();\n",
            "DROP TABLE t;\n",
            &[],
            Dialect::Sqlite,
            Ends::WHOLE
        ),
        (
            "CREATE TABLE t ();\n".to_string(),
            "DROP TABLE t;\n".to_string()
        )
    );
}
