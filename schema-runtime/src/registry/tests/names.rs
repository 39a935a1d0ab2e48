//! Names a model states (primary key, foreign key, verbatim check), naming conventions
//! chosen per crate, table-level foreign keys (composite, deferrable), external
//! references, and indexes over parts written as SQL.

use super::{col, id, model, name, ok, problem, problems};
use crate::decl::{CheckDef, ColumnDef, ExclusionDef, ForeignKeyDef, TableDef};
use crate::dialect::Dialect;
use crate::naming::NamingConvention;
use crate::registry::{build_with, ConventionRegistration, ModelProblem};
use crate::schema::{ColumnType, ForeignKeyAction};

fn lines() -> TableDef {
    TableDef {
        primary_key: Some(vec!["order_id".into(), "line".into()]),
        ..model(
            "Line",
            "order_lines",
            vec![
                col("order_id", ColumnType::BigInt),
                col("line", ColumnType::Integer),
            ],
        )
    }
}

fn shipment(key: ForeignKeyDef) -> TableDef {
    TableDef {
        foreign_keys: vec![key],
        ..model(
            "Shipment",
            "shipments",
            vec![
                id(),
                col("order_id", ColumnType::BigInt),
                col("line", ColumnType::Integer),
            ],
        )
    }
}

fn composite(referenced: &[&str]) -> ForeignKeyDef {
    ForeignKeyDef {
        columns: vec!["order_id".into(), "line".into()],
        referenced_table: "order_lines".into(),
        referenced_columns: referenced.iter().map(|c| c.to_string()).collect(),
        ..ForeignKeyDef::default()
    }
}

#[test]
fn a_composite_deferrable_key_is_resolved_and_named_by_the_convention() {
    let key = ForeignKeyDef {
        // In the other order than the key: any order of the key's columns is a key.
        referenced_columns: vec!["order_id".into(), "line".into()],
        initially_deferred: true,
        not_valid: false,
        on_delete: Some(ForeignKeyAction::Cascade),
        ..composite(&[])
    };
    let schema = ok(vec![lines(), shipment(key)]);
    let shipments = schema.table(&name("shipments")).unwrap();
    let fk = &shipments.foreign_keys[0];
    assert_eq!(fk.name, "fk_shipments_order_id_line_order_lines");
    assert_eq!(fk.columns, ["order_id", "line"]);
    assert!(fk.deferrable && fk.initially_deferred, "{fk:?}");
    assert_eq!(fk.on_delete, ForeignKeyAction::Cascade);
    assert!(shipments.conventional_names.contains(&fk.name));
}

#[test]
fn a_composite_key_must_reach_a_key_with_matching_types() {
    // (order_id, line) -> (line, order_id): bigint against integer, both ways.
    let found = problems(vec![lines(), shipment(composite(&["line", "order_id"]))]);
    let mismatched: Vec<&str> = found
        .iter()
        .filter_map(|p| match p {
            ModelProblem::ReferenceTypeMismatch { column, .. } => Some(column.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(mismatched, ["order_id", "line"], "{found:?}");
    let mut keyless = lines();
    keyless.primary_key = Some(vec!["order_id".into()]);
    let found = problem(vec![keyless, shipment(composite(&["order_id", "line"]))]);
    assert!(
        matches!(&found, ModelProblem::ReferencedColumnNotUnique { column, .. } if column == "(order_id, line)"),
        "{found:?}"
    );
    let found = problem(vec![lines(), shipment(composite(&["order_id"]))]);
    assert!(
        matches!(found, ModelProblem::ForeignKeyArity { .. }),
        "{found:?}"
    );
    let found = problem(vec![lines(), shipment(composite(&["order_id", "nope"]))]);
    assert!(
        matches!(&found, ModelProblem::MissingReferencedColumn { referenced_column, .. } if referenced_column == "nope"),
        "{found:?}"
    );
}

#[test]
fn an_external_reference_is_left_to_the_database_but_not_to_a_model() {
    let external = ColumnDef {
        references: Some("billing.accounts.id".into()),
        external: true,
        ..col("account_id", ColumnType::BigInt)
    };
    let schema = ok(vec![model("Order", "orders", vec![id(), external.clone()])]);
    let fk = &schema.table(&name("orders")).unwrap().foreign_keys[0];
    assert_eq!(fk.referenced_table, name("billing.accounts"));
    assert_eq!(fk.name, "fk_orders_account_id_accounts");

    let accounts = TableDef {
        schema: Some("billing".into()),
        ..model("Account", "accounts", vec![id()])
    };
    let found = problem(vec![
        accounts,
        model("Order", "orders", vec![id(), external]),
    ]);
    assert!(
        matches!(found, ModelProblem::ExternalReferenceToModel { .. }),
        "{found:?}"
    );
    // Without `external`, a table no model declares is a mistake, and the message says
    // how to mark it.
    let missing = ColumnDef {
        references: Some("billing.accounts.id".into()),
        ..col("account_id", ColumnType::BigInt)
    };
    let message = problem(vec![model("Order", "orders", vec![id(), missing])]).to_string();
    assert!(message.contains("add `external`"), "{message}");
}

#[test]
fn stated_names_are_used_verbatim_and_are_not_conventional() {
    let def = TableDef {
        primary_key_name: Some("orders_pkey".into()),
        checks: vec![
            CheckDef {
                name: "chk_rails_4c2f0d9a1b".into(),
                expression: "total >= 0".into(),
                verbatim: true,
                not_valid: false,
                dialects: Vec::new(),
            },
            CheckDef {
                name: "small".into(),
                expression: "total < 100".into(),
                verbatim: false,
                not_valid: false,
                dialects: Vec::new(),
            },
        ],
        ..model(
            "Order",
            "orders",
            vec![
                id(),
                col("total", ColumnType::Integer),
                ColumnDef {
                    references: Some("orders.id".into()),
                    fk_name: Some("fk_rails_7aab96f30e".into()),
                    ..col("parent_id", ColumnType::BigInt)
                },
            ],
        )
    };
    let schema = ok(vec![def]);
    let orders = schema.table(&name("orders")).unwrap();
    assert_eq!(orders.primary_key.as_ref().unwrap().name, "orders_pkey");
    let checks: Vec<&str> = orders.checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(checks, ["chk_rails_4c2f0d9a1b", "ck_orders_small"]);
    assert_eq!(orders.foreign_keys[0].name, "fk_rails_7aab96f30e");
    let conventional: Vec<&str> = orders
        .conventional_names
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(conventional, ["ck_orders_small"]);
}

fn registration(module_path: &'static str, convention: NamingConvention) -> ConventionRegistration {
    ConventionRegistration {
        module_path,
        convention,
    }
}

#[test]
fn a_convention_names_the_models_of_its_own_crate_only() {
    let ours = TableDef {
        uniques: vec![crate::decl::UniqueDef {
            columns: vec!["code".into()],
            ..Default::default()
        }],
        ..model("Order", "orders", vec![id(), col("code", ColumnType::Text)])
    };
    let theirs = TableDef {
        module_path: "other_models::things",
        ..model("Thing", "things", vec![id()])
    };
    let conventions = [registration("app", NamingConvention::POSTGRES)];
    let schema = build_with(vec![ours, theirs], Dialect::Postgresql, &conventions).unwrap();
    let orders = schema.table(&name("orders")).unwrap();
    assert_eq!(orders.primary_key.as_ref().unwrap().name, "orders_pkey");
    assert_eq!(orders.uniques[0].name, "orders_code_key");
    let things = schema.table(&name("things")).unwrap();
    assert_eq!(things.primary_key.as_ref().unwrap().name, "pk_things");
}

#[test]
fn two_conventions_for_one_crate_or_a_bad_template_are_reported() {
    let conventions = [
        registration("app", NamingConvention::POSTGRES),
        registration(
            "app::models",
            NamingConvention {
                index: Some("ix_{column}"),
                ..NamingConvention::UNSET
            },
        ),
    ];
    let error = build_with(
        vec![model("Order", "orders", vec![id()])],
        Dialect::Postgresql,
        &conventions,
    )
    .unwrap_err();
    let text = error.to_string();
    assert_eq!(error.problems.len(), 3, "{text}");
    assert!(
        text.contains("crate app chooses its naming convention twice"),
        "{text}"
    );
    assert!(text.contains("`{column}`"), "{text}");
    assert!(text.contains("has no `{table}`"), "{text}");
}

#[test]
fn a_deferrable_key_is_refused_where_the_database_checks_keys_at_once() {
    let key = ForeignKeyDef {
        deferrable: true,
        ..composite(&["order_id", "line"])
    };
    let error =
        crate::registry::build(vec![lines(), shipment(key.clone())], Dialect::Mysql).unwrap_err();
    assert!(
        matches!(
            &error.problems[..],
            [ModelProblem::DeferrableUnsupported { .. }]
        ),
        "{error}"
    );
    assert!(crate::registry::build(vec![lines(), shipment(key)], Dialect::Sqlite).is_ok());
}

fn documents(index: crate::decl::IndexDef) -> TableDef {
    TableDef {
        indexes: vec![index],
        ..model(
            "Document",
            "documents",
            vec![
                id(),
                col("title", ColumnType::Text),
                col("body", ColumnType::Text),
            ],
        )
    }
}

#[test]
fn index_parts_become_keys_with_their_options() {
    let index = crate::decl::IndexDef {
        name: Some("documents_search_idx".into()),
        parts: vec![
            "to_tsvector('english', body)".into(),
            "title DESC NULLS FIRST".into(),
        ],
        method: Some("GIN".into()),
        include: vec!["id".into()],
        ..Default::default()
    };
    let schema = ok(vec![documents(index)]);
    let index = &schema.table(&name("documents")).unwrap().indexes[0];
    assert_eq!(
        index.parts,
        [
            crate::schema::IndexPart::Expression("to_tsvector('english', body)".into()),
            crate::schema::IndexPart::Column("title".into()),
        ]
    );
    assert_eq!(index.part_options, ["", "DESC"]);
    assert_eq!(index.method.as_deref(), Some("gin"));
    assert_eq!(index.include, ["id"]);
    // A stated name is not conventional.
    let conventional = &schema.table(&name("documents")).unwrap().conventional_names;
    assert!(!conventional.contains("documents_search_idx"));
}

#[test]
fn index_parts_are_checked() {
    let unnamed = crate::decl::IndexDef {
        parts: vec!["lower(title)".into()],
        ..Default::default()
    };
    let found = problem(vec![documents(unnamed)]);
    assert!(
        matches!(found, ModelProblem::ExpressionIndexWithoutName { .. }),
        "{found:?}"
    );
    let bad = crate::decl::IndexDef {
        name: Some("documents_bad_idx".into()),
        parts: vec!["title + body".into()],
        ..Default::default()
    };
    let message = problem(vec![documents(bad)]).to_string();
    assert!(message.contains("index part `title + body`"), "{message}");
    let missing = crate::decl::IndexDef {
        name: Some("documents_cover_idx".into()),
        parts: vec!["title DESC".into()],
        include: vec!["summary".into()],
        ..Default::default()
    };
    let found = problem(vec![documents(missing)]);
    assert!(
        matches!(&found, ModelProblem::UnknownColumn { column, .. } if column == "summary"),
        "{found:?}"
    );
}

#[test]
fn what_only_postgresql_indexes_hold_is_refused_elsewhere() {
    let gin = crate::decl::IndexDef {
        name: Some("documents_body_idx".into()),
        columns: vec!["body".into()],
        method: Some("gin".into()),
        ..Default::default()
    };
    for dialect in [Dialect::Mysql, Dialect::Sqlite] {
        let error = crate::registry::build(vec![documents(gin.clone())], dialect).unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains("uses gin") && text.contains("dialects(\"postgresql\")"),
            "{text}"
        );
    }
    let only_there = crate::decl::IndexDef {
        dialects: vec![Dialect::Postgresql],
        ..gin
    };
    assert!(crate::registry::build(vec![documents(only_there)], Dialect::Sqlite).is_ok());
}

/// What each database holds of an elaborate index: SQLite expressions and descending
/// keys, MySQL descending keys; NULLS LAST and operator classes only PostgreSQL.
#[test]
fn expression_and_descending_keys_are_refused_only_where_the_database_lacks_them() {
    let parts = |parts: &[&str]| crate::decl::IndexDef {
        name: Some("documents_title_idx".into()),
        parts: parts.iter().map(|p| p.to_string()).collect(),
        ..Default::default()
    };
    let build = |index, dialect| crate::registry::build(vec![documents(index)], dialect).map(drop);
    assert!(build(parts(&["lower(title)", "id DESC"]), Dialect::Sqlite).is_ok());
    assert!(build(parts(&["title DESC", "id"]), Dialect::Mysql).is_ok());
    let text = build(parts(&["lower(title)"]), Dialect::Mysql)
        .unwrap_err()
        .to_string();
    assert!(text.contains("is over an expression"), "{text}");
    for dialect in [Dialect::Mysql, Dialect::Sqlite] {
        let text = build(parts(&["title DESC NULLS LAST"]), dialect)
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("an ordering other than DESC"),
            "{dialect}: {text}"
        );
    }
}

#[test]
fn a_generated_column_has_no_default_and_admits_null_on_mysql() {
    let generated = ColumnDef {
        generated: Some("length(title)".into()),
        ..col("title_length", ColumnType::Integer)
    };
    let plain = || {
        model(
            "Document",
            "documents",
            vec![id(), col("title", ColumnType::Text)],
        )
    };
    let mut ok_def = plain();
    ok_def.columns.push(generated.clone());
    let schema = ok(vec![ok_def.clone()]);
    let column = schema.tables[0].column("title_length").unwrap();
    assert_eq!(column.generated.as_deref(), Some("length(title)"));
    assert!(crate::registry::build(vec![ok_def.clone()], Dialect::Sqlite).is_ok());
    let found = crate::registry::build(vec![ok_def.clone()], Dialect::Mysql).unwrap_err();
    assert!(
        matches!(&found.problems[..], [ModelProblem::GeneratedNotNull { .. }]),
        "{found}"
    );
    // Nullable, MySQL holds it.
    ok_def.columns[2].nullable = true;
    assert!(crate::registry::build(vec![ok_def], Dialect::Mysql).is_ok());
    let mut with_default = plain();
    with_default.columns.push(ColumnDef {
        default: Some("0".into()),
        ..generated
    });
    let found = problem(vec![with_default]);
    assert!(
        matches!(found, ModelProblem::GeneratedWithDefault { .. }),
        "{found:?}"
    );
}

#[test]
fn not_valid_is_postgresql_s() {
    let def = TableDef {
        checks: vec![CheckDef {
            name: "positive".into(),
            expression: "id > 0".into(),
            not_valid: true,
            ..CheckDef::default()
        }],
        ..model("Order", "orders", vec![id()])
    };
    let schema = ok(vec![def.clone()]);
    assert!(schema.tables[0].checks[0].not_valid);
    let found = crate::registry::build(vec![def], Dialect::Sqlite).unwrap_err();
    assert!(
        matches!(
            &found.problems[..],
            [ModelProblem::NotValidUnsupported { .. }]
        ),
        "{found}"
    );
}

fn bookings(exclusion: ExclusionDef) -> TableDef {
    TableDef {
        exclusions: vec![exclusion],
        ..model(
            "Booking",
            "bookings",
            vec![
                id(),
                col("room_id", ColumnType::Integer),
                col("during", ColumnType::Text),
            ],
        )
    }
}

#[test]
fn an_exclusion_constraint_is_assembled_from_its_parts_and_refused_off_postgresql() {
    let def = bookings(ExclusionDef {
        name: "no_double_booking".into(),
        elements: vec!["room_id WITH =".into(), "during WITH &&".into()],
        predicate: Some("room_id > 0".into()),
        initially_deferred: true,
        ..ExclusionDef::default()
    });
    let schema = ok(vec![def.clone()]);
    let exclusion = &schema.tables[0].exclusions[0];
    assert_eq!(exclusion.name, "no_double_booking");
    assert_eq!(
        exclusion.definition,
        "EXCLUDE USING gist (room_id WITH =, during WITH &&) WHERE (room_id > 0) \
         DEFERRABLE INITIALLY DEFERRED"
    );
    let spgist = ExclusionDef {
        method: Some("spgist".into()),
        ..def.exclusions[0].clone()
    };
    assert!(spgist.definition().starts_with("EXCLUDE USING spgist ("));
    for dialect in [Dialect::Mysql, Dialect::Sqlite] {
        let found = crate::registry::build(vec![def.clone()], dialect).unwrap_err();
        assert!(
            matches!(
                &found.problems[..],
                [ModelProblem::ExclusionUnsupported { name, .. }] if name == "no_double_booking"
            ),
            "{found}"
        );
    }
    // Limited to PostgreSQL, the model is fine elsewhere.
    let mut limited = def.clone();
    limited.exclusions[0].dialects = vec![Dialect::Postgresql];
    let schema = crate::registry::build(vec![limited], Dialect::Mysql).unwrap();
    assert!(schema.tables[0].exclusions.is_empty());
    // Its name is a member's name like any other.
    let mut clash = def;
    clash.indexes.push(crate::decl::IndexDef {
        name: Some("no_double_booking".into()),
        columns: vec!["room_id".into()],
        ..Default::default()
    });
    assert!(problems(vec![clash])
        .iter()
        .any(|p| matches!(p, ModelProblem::DuplicateName { .. })),);
}

#[test]
fn identity_sequence_options_need_an_identity_that_moves() {
    let with = |identity: Option<bool>, start: Option<i64>, increment: Option<i64>| {
        model(
            "Ticket",
            "tickets",
            vec![ColumnDef {
                identity,
                identity_start: start,
                identity_increment: increment,
                ..col("id", ColumnType::BigInt)
            }],
        )
    };
    // The options alone make the column an identity; the defaults are no options.
    let schema = ok(vec![TableDef {
        no_primary_key: true,
        ..with(None, Some(7), None)
    }]);
    let column = &schema.tables[0].columns[0];
    assert!(column.identity.is_some());
    assert_eq!(
        column.identity_sequence.map(|s| (s.start, s.increment)),
        Some((7, 1))
    );
    let schema = ok(vec![TableDef {
        no_primary_key: true,
        ..with(Some(true), Some(1), Some(1))
    }]);
    assert_eq!(schema.tables[0].columns[0].identity_sequence, None);
    let off = problem(vec![TableDef {
        no_primary_key: true,
        ..with(Some(false), Some(7), None)
    }]);
    assert!(
        matches!(off, ModelProblem::SequenceOptionsWithoutIdentity { .. }),
        "{off:?}"
    );
    let still = problem(vec![TableDef {
        no_primary_key: true,
        ..with(Some(true), None, Some(0))
    }]);
    assert!(
        matches!(still, ModelProblem::IdentityIncrementZero { .. }),
        "{still:?}"
    );
}

#[test]
fn autoincrement_is_sqlite_s_and_only_on_the_rowid_key() {
    let keyed = |autoincrement: bool, dialect: Dialect| {
        let id = ColumnDef {
            variants: vec![crate::decl::ColumnVariant {
                dialect,
                sql_type: None,
                default: None,
                check: None,
                collation: None,
                autoincrement,
            }],
            ..id()
        };
        model("Tag", "tags", vec![id, col("name", ColumnType::Text)])
    };
    let schema =
        crate::registry::build(vec![keyed(true, Dialect::Sqlite)], Dialect::Sqlite).unwrap();
    assert!(schema.tables[0].columns[0].autoincrement);
    // The SQLite block is SQLite's only.
    let schema = ok(vec![keyed(true, Dialect::Sqlite)]);
    assert!(!schema.tables[0].columns[0].autoincrement);
    let found = crate::registry::build(vec![keyed(true, Dialect::Mysql)], Dialect::Mysql)
        .unwrap_err()
        .to_string();
    assert!(found.contains("that is SQLite's"), "{found}");
    let mut off_key = keyed(false, Dialect::Sqlite);
    off_key.columns[1].variants = keyed(true, Dialect::Sqlite).columns[0].variants.clone();
    let found = crate::registry::build(vec![off_key], Dialect::Sqlite)
        .unwrap_err()
        .to_string();
    assert!(
        found.contains("only on an identity that is the whole primary key"),
        "{found}"
    );
}

#[test]
fn generated_virtual_needs_an_expression_and_a_database_that_computes_on_read() {
    let with = |generated: Option<&str>| {
        model(
            "Line",
            "lines",
            vec![
                id(),
                col("quantity", ColumnType::Integer),
                ColumnDef {
                    generated: generated.map(str::to_owned),
                    generated_virtual: true,
                    nullable: true,
                    ..col("twice", ColumnType::Integer)
                },
            ],
        )
    };
    assert!(crate::registry::build(vec![with(Some("quantity * 2"))], Dialect::Sqlite).is_ok());
    assert!(crate::registry::build(vec![with(Some("quantity * 2"))], Dialect::Mysql).is_ok());
    let text = problem(vec![with(Some("quantity * 2"))]).to_string();
    assert!(text.contains("stores every generated column"), "{text}");
    let text = crate::registry::build(vec![with(None)], Dialect::Sqlite)
        .unwrap_err()
        .to_string();
    assert!(text.contains("has no `generated` expression"), "{text}");
}
