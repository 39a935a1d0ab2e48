//! Per-dialect variants written with the derive: what `#[table(sqlite(..))]`,
//! `#[column(mysql(..))]` and `dialects(..)` record, and the schema each dialect gets.
//! A test binary of its own, so that its models are the only ones registered.

use schema_runtime::{
    registry, CheckDef, ColumnVariant, Dialect, IndexDef, Model, QualifiedName, Schema, Table,
    TableVariant,
};

/// Audit trail in a namespace, prefixed where there are none.
#[derive(Table)]
#[table(name = "events", schema = "audit")]
#[table(sqlite(name = "audit_events"), mysql(name = "audit_events"))]
#[table(check(name = "action_format", expr = "action ~ '^[a-z]+[.][a-z]+$'"))]
#[table(mysql(check(name = "action_format", expr = "action REGEXP '^[a-z]+[.][a-z]+$'")))]
#[table(sqlite(
    check(name = "action_format", expr = "action GLOB '[a-z]*.[a-z]*'"),
    index(name = "ix_events_recent", columns("occurred_on"))
))]
#[table(index(
    name = "ix_events_recent",
    columns("occurred_on"),
    where = "occurred_on > '2020-01-01'"
))]
#[table(index(columns("payload"), dialects("postgresql")))]
pub struct Event {
    #[column(primary_key)]
    pub id: i64,
    #[column(max_length = 40)]
    pub action: String,
    #[column(
        default = "'{}'",
        mysql(sql_type = "json", default = "('[]')"),
        sqlite(sql_type = "json", default = "'[]'", check = "json_valid(tags)")
    )]
    pub tags: Vec<String>,
    #[column(default = "'{}'::jsonb", sqlite(default = "'{}'"))]
    pub payload: serde_json::Value,
    pub occurred_on: chrono::NaiveDate,
}

/// Points at the moved table with its declared name.
#[derive(Table)]
pub struct EventNote {
    #[column(primary_key, sqlite(autoincrement))]
    pub id: i64,
    #[column(references = "audit.events.id", on_delete = "cascade")]
    pub event_id: i64,
}

#[test]
fn the_derive_records_every_variant() {
    let def = Event::table_def();
    assert_eq!(
        def.variants
            .iter()
            .map(|v| (v.dialect, v.name.as_deref(), v.schema.as_deref()))
            .collect::<Vec<_>>(),
        [
            (Dialect::Mysql, Some("audit_events"), None),
            (Dialect::Sqlite, Some("audit_events"), None),
        ]
    );
    let sqlite: &TableVariant = &def.variants[1];
    assert_eq!(
        sqlite.checks,
        [CheckDef {
            name: "action_format".into(),
            expression: "action GLOB '[a-z]*.[a-z]*'".into(),
            verbatim: false,
            not_valid: false,
            dialects: Vec::new(),
        }]
    );
    assert_eq!(
        sqlite.indexes,
        [IndexDef {
            name: Some("ix_events_recent".into()),
            columns: vec!["occurred_on".into()],
            ..IndexDef::default()
        }]
    );
    assert_eq!(def.indexes[1].dialects, [Dialect::Postgresql]);
    let tags = def.columns.iter().find(|c| c.name == "tags").unwrap();
    assert_eq!(
        tags.variants,
        [
            ColumnVariant {
                dialect: Dialect::Mysql,
                sql_type: Some("json".into()),
                default: Some("('[]')".into()),
                check: None,
                collation: None,
                autoincrement: false,
            },
            ColumnVariant {
                dialect: Dialect::Sqlite,
                sql_type: Some("json".into()),
                default: Some("'[]'".into()),
                check: Some("json_valid(tags)".into()),
                collation: None,
                autoincrement: false,
            },
        ]
    );
}

fn schema(dialect: Dialect) -> Schema {
    registry::collect(dialect).unwrap_or_else(|e| panic!("{e}"))
}

/// (column facts, checks, indexes) of the events table on one dialect, each sorted.
fn events(schema: &Schema, name: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let table = schema
        .table(&QualifiedName::parse(name))
        .unwrap_or_else(|| panic!("no table {name} in {schema:#?}"));
    let columns = table
        .columns
        .iter()
        .filter(|c| c.name == "tags" || c.name == "payload")
        .map(|c| format!("{} {} {:?}", c.name, c.ty.describe(), c.default))
        .collect();
    let checks = table.checks.iter().map(|c| c.expression.clone()).collect();
    let indexes = table
        .indexes
        .iter()
        .map(|i| format!("{} {:?}", i.name, i.predicate))
        .collect();
    let mut facts: (Vec<String>, Vec<String>, Vec<String>) = (columns, checks, indexes);
    facts.0.sort();
    facts.1.sort();
    facts.2.sort();
    facts
}

#[test]
fn each_dialect_gets_its_own_table() {
    let postgres = schema(Dialect::Postgresql);
    let (columns, checks, indexes) = events(&postgres, "audit.events");
    assert_eq!(
        columns,
        [
            "payload jsonb Some(\"'{}'::jsonb\")",
            "tags text[] Some(\"'{}'\")"
        ]
    );
    assert_eq!(checks, ["action ~ '^[a-z]+[.][a-z]+$'"]);
    assert_eq!(
        indexes,
        [
            "ix_events_payload None",
            "ix_events_recent Some(\"occurred_on > '2020-01-01'\")"
        ]
    );

    let sqlite = schema(Dialect::Sqlite);
    assert!(sqlite
        .table(&QualifiedName::parse("audit.events"))
        .is_none());
    let (columns, checks, indexes) = events(&sqlite, "audit_events");
    assert_eq!(
        columns,
        ["payload jsonb Some(\"'{}'\")", "tags json Some(\"'[]'\")"]
    );
    assert_eq!(checks, ["action GLOB '[a-z]*.[a-z]*'", "json_valid(tags)"]);
    assert_eq!(indexes, ["ix_events_recent None"]);

    let mysql = schema(Dialect::Mysql);
    let (columns, checks, indexes) = events(&mysql, "audit_events");
    assert_eq!(
        columns,
        [
            "payload jsonb Some(\"'{}'::jsonb\")",
            "tags json Some(\"('[]')\")"
        ]
    );
    assert_eq!(checks, ["action REGEXP '^[a-z]+[.][a-z]+$'"]);
    assert_eq!(
        indexes,
        ["ix_events_recent Some(\"occurred_on > '2020-01-01'\")"]
    );
}

#[test]
fn references_follow_a_moved_table() {
    let sqlite = schema(Dialect::Sqlite);
    let notes = sqlite.table(&QualifiedName::parse("event_note")).unwrap();
    assert_eq!(
        notes.foreign_keys[0].referenced_table,
        QualifiedName::parse("audit_events")
    );
    let postgres = schema(Dialect::Postgresql);
    let notes = postgres.table(&QualifiedName::parse("event_note")).unwrap();
    assert_eq!(
        notes.foreign_keys[0].referenced_table,
        QualifiedName::parse("audit.events")
    );
}

#[test]
fn sqlite_autoincrement_is_recorded_and_applied_there_only() {
    let def = EventNote::table_def();
    assert!(def.columns[0].variants[0].autoincrement);
    let note = |dialect: Dialect| {
        schema(dialect)
            .table(&QualifiedName::new("event_note"))
            .map(|t| t.columns[0].autoincrement)
    };
    assert_eq!(note(Dialect::Sqlite), Some(true));
    assert_eq!(note(Dialect::Postgresql), Some(false));
}
