//! Checks that need the whole set of models at once: one table per name, one owner per
//! index or constraint name in a namespace, renames that do not come from a table still
//! declared, one set of values per enum type (which this pass also gathers), one naming
//! convention per crate, and no deferrable key where the database has none.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};

use super::error::{EnumUse, ModelProblem, NameOwner, ObjectKind};
use super::resolve::Resolved;
use crate::dialect::Dialect;
use crate::naming::MAX_IDENTIFIER_BYTES;
use crate::schema::{EnumType, QualifiedName};

/// Reports every table name declared by more than one model; returns the positions of the
/// later declarations, which the other checks skip so one mistake is reported once.
pub(super) fn duplicate_tables(
    resolved: &[Resolved],
    problems: &mut Vec<ModelProblem>,
) -> HashSet<usize> {
    let mut first: HashMap<&QualifiedName, usize> = HashMap::new();
    let mut duplicates = HashSet::new();
    for (index, r) in resolved.iter().enumerate() {
        match first.get(&r.table.name) {
            Some(&earlier) => {
                duplicates.insert(index);
                problems.push(ModelProblem::DuplicateTable {
                    table: r.table.name.clone(),
                    first: resolved[earlier].model.clone(),
                    second: r.model.clone(),
                });
            }
            None => {
                first.insert(&r.table.name, index);
            }
        }
    }
    duplicates
}

/// PostgreSQL keeps tables, indexes and the indexes behind keys in one namespace per
/// schema, and MySQL wants foreign key names unique per database; holding every name to
/// "unique per namespace" satisfies both.
pub(super) fn duplicate_names(
    resolved: &[Resolved],
    skip: &HashSet<usize>,
    problems: &mut Vec<ModelProblem>,
) {
    // Keyed by borrowed names, and an owner is made only for a clash: this runs over
    // every constraint and index name of every model.
    let mut owners: HashMap<(Option<&str>, &str), (usize, ObjectKind)> = HashMap::new();
    for (index, r) in resolved.iter().enumerate() {
        if skip.contains(&index) {
            continue;
        }
        let namespace = r.table.name.schema.as_deref();
        for (kind, name) in member_names(r) {
            match owners.entry((namespace, name)) {
                Entry::Occupied(first) => {
                    let &(first_index, first_kind) = first.get();
                    problems.push(ModelProblem::DuplicateName {
                        namespace: namespace.map(str::to_string),
                        name: name.to_string(),
                        first: NameOwner {
                            model: resolved[first_index].model.clone(),
                            kind: first_kind,
                        },
                        second: NameOwner {
                            model: r.model.clone(),
                            kind,
                        },
                    });
                }
                Entry::Vacant(vacant) => {
                    vacant.insert((index, kind));
                }
            }
        }
    }
}

fn member_names(r: &Resolved) -> Vec<(ObjectKind, &str)> {
    let table = &r.table;
    let mut names = vec![(ObjectKind::Table, table.name.name.as_str())];
    if let Some(pk) = &table.primary_key {
        names.push((ObjectKind::PrimaryKey, &pk.name));
    }
    names.extend(table.uniques.iter().map(|u| (ObjectKind::Unique, &*u.name)));
    names.extend(table.indexes.iter().map(|i| (ObjectKind::Index, &*i.name)));
    names.extend(
        table
            .foreign_keys
            .iter()
            .map(|f| (ObjectKind::ForeignKey, &*f.name)),
    );
    names.extend(table.checks.iter().map(|c| (ObjectKind::Check, &*c.name)));
    names.extend(
        table
            .exclusions
            .iter()
            .map(|e| (ObjectKind::Exclusion, &*e.name)),
    );
    names
}

/// A table renamed from a name another model still declares would make the diff both
/// rename and keep that table.
pub(super) fn renames(
    resolved: &[Resolved],
    by_name: &HashMap<&QualifiedName, usize>,
    problems: &mut Vec<ModelProblem>,
) {
    for r in resolved {
        let Some(old) = &r.table.renamed_from else {
            continue;
        };
        if *old == r.table.name {
            continue;
        }
        if let Some(&other) = by_name.get(old) {
            problems.push(ModelProblem::TableRenamedFromExisting {
                model: r.model.clone(),
                renamed_from: old.clone(),
                other: resolved[other].model.clone(),
            });
        }
    }
}

/// Gathers the enum types the columns use, one per name, and reports names declared with
/// different values, names a table already has, and names too long for the database.
pub(super) fn enums(
    resolved: &[Resolved],
    by_name: &HashMap<&QualifiedName, usize>,
    problems: &mut Vec<ModelProblem>,
) -> Vec<EnumType> {
    let mut gathered: BTreeMap<QualifiedName, (EnumUse, EnumType)> = BTreeMap::new();
    let mut reported: HashSet<(QualifiedName, String, Vec<String>)> = HashSet::new();
    for r in resolved {
        for (column, declared) in &r.enums {
            let this = EnumUse {
                model: r.model.clone(),
                column: column.clone(),
                values: declared.values.clone(),
            };
            let Some((first, kept)) = gathered.get_mut(&declared.name) else {
                gathered.insert(declared.name.clone(), (this, declared.clone()));
                continue;
            };
            if first.values != declared.values {
                let key = (
                    declared.name.clone(),
                    r.model.path(),
                    declared.values.clone(),
                );
                if reported.insert(key) {
                    problems.push(ModelProblem::ConflictingEnum {
                        name: declared.name.clone(),
                        first: first.clone(),
                        second: this,
                    });
                }
            } else if kept.comment.is_none() {
                kept.comment.clone_from(&declared.comment);
            }
        }
    }
    for (name, (first, _)) in &gathered {
        check_enum_name(resolved, by_name, name, first, problems);
    }
    gathered.into_values().map(|(_, e)| e).collect()
}

fn check_enum_name(
    resolved: &[Resolved],
    by_name: &HashMap<&QualifiedName, usize>,
    name: &QualifiedName,
    first: &EnumUse,
    problems: &mut Vec<ModelProblem>,
) {
    if name.name.len() > MAX_IDENTIFIER_BYTES {
        problems.push(ModelProblem::IdentifierTooLong {
            model: first.model.clone(),
            kind: ObjectKind::EnumType,
            name: name.name.clone(),
        });
    }
    // A PostgreSQL table has a row type of its own name, so an enum type cannot share it.
    if let Some(table) = by_name.get(name).map(|&at| &resolved[at]) {
        problems.push(ModelProblem::EnumNameClashesWithTable {
            name: name.clone(),
            model: first.model.clone(),
            column: first.column.clone(),
            table_model: table.model.clone(),
        });
    }
}

/// At most one convention per crate, each with templates that can give names.
pub(super) fn conventions(
    conventions: &[super::ConventionRegistration],
    problems: &mut Vec<ModelProblem>,
) {
    for (at, registration) in conventions.iter().enumerate() {
        let krate = super::crate_of(registration.module_path);
        if let Some(first) = conventions[..at]
            .iter()
            .find(|c| super::crate_of(c.module_path) == krate)
        {
            problems.push(ModelProblem::NamingConventionTwice {
                krate: krate.to_string(),
                first: first.module_path,
                second: registration.module_path,
            });
        }
        for problem in registration.convention.problems() {
            problems.push(ModelProblem::BadNamingConvention {
                module: registration.module_path,
                problem,
            });
        }
    }
}

/// Deferrable foreign keys where the database has none (MySQL checks every key at once).
pub(super) fn deferrable(
    resolved: &[Resolved],
    dialect: Dialect,
    problems: &mut Vec<ModelProblem>,
) {
    if dialect != Dialect::Mysql {
        return;
    }
    for r in resolved {
        for key in r.table.foreign_keys.iter().filter(|k| k.deferrable) {
            problems.push(ModelProblem::DeferrableUnsupported {
                model: r.model.clone(),
                name: key.name.clone(),
                dialect,
            });
        }
    }
}

/// `generated_virtual` goes with `generated`, on SQLite and MySQL (PostgreSQL stores every
/// generated column before 18).
pub(super) fn virtual_columns(
    resolved: &[Resolved],
    dialect: Dialect,
    problems: &mut Vec<ModelProblem>,
) {
    for r in resolved {
        for column in r.table.columns.iter().filter(|c| c.generated_virtual) {
            let why = if column.generated.is_none() {
                "it has no `generated` expression".to_string()
            } else if dialect == Dialect::Postgresql {
                "PostgreSQL (before 18) stores every generated column; drop the flag for a \
                 model that runs on PostgreSQL"
                    .to_string()
            } else {
                continue;
            };
            problems.push(ModelProblem::VirtualMisplaced {
                model: r.model.clone(),
                column: column.name.clone(),
                why,
            });
        }
    }
}

/// `autoincrement` is SQLite's, on the lone integer key that is the rowid.
pub(super) fn autoincrement(
    resolved: &[Resolved],
    dialect: Dialect,
    problems: &mut Vec<ModelProblem>,
) {
    for r in resolved {
        let key = r.table.primary_key.as_ref().map(|k| k.columns.as_slice());
        for column in r.table.columns.iter().filter(|c| c.autoincrement) {
            let why = if dialect != Dialect::Sqlite {
                format!("that is SQLite's; write it in the column's `sqlite(..)` block, not for {dialect}")
            } else if column.identity.is_none() || key != Some(std::slice::from_ref(&column.name)) {
                "SQLite takes it only on an identity that is the whole primary key".to_string()
            } else {
                continue;
            };
            problems.push(ModelProblem::AutoincrementMisplaced {
                model: r.model.clone(),
                column: column.name.clone(),
                why,
            });
        }
    }
}

/// What only PostgreSQL holds, on another database: elaborate indexes, identities off the
/// lone key or `always`, generated columns, `NOT VALID` and exclusion constraints,
/// partitioning.
pub(super) fn postgresql_only(
    resolved: &[Resolved],
    dialect: Dialect,
    problems: &mut Vec<ModelProblem>,
) {
    if dialect == Dialect::Postgresql {
        return;
    }
    for r in resolved {
        elaborate_indexes(r, dialect, problems);
        identities(r, dialect, problems);
        let checks = r.table.checks.iter().filter(|c| c.not_valid);
        let keys = r.table.foreign_keys.iter().filter(|k| k.not_valid);
        let named = checks
            .map(|c| (ObjectKind::Check, &c.name))
            .chain(keys.map(|k| (ObjectKind::ForeignKey, &k.name)));
        if let Some(key) = &r.table.partition_by {
            problems.push(ModelProblem::PartitioningUnsupported {
                model: r.model.clone(),
                key: key.clone(),
                dialect,
            });
        }
        for exclusion in &r.table.exclusions {
            problems.push(ModelProblem::ExclusionUnsupported {
                model: r.model.clone(),
                name: exclusion.name.clone(),
                dialect,
            });
        }
        for (kind, name) in named {
            problems.push(ModelProblem::NotValidUnsupported {
                model: r.model.clone(),
                kind,
                name: name.clone(),
                dialect,
            });
        }
    }
}

/// Indexes that say what only PostgreSQL can hold (an access method, an expression key, an
/// operator class or ordering, `INCLUDE` columns, `NULLS NOT DISTINCT`) on another database.
///
/// Each database holds part of it: SQLite indexes expressions and descending keys, MySQL
/// (MariaDB 10.8 and later, MySQL 8) descending keys and key prefixes (`name(20)`), which
/// only MySQL has.
fn elaborate_indexes(r: &Resolved, dialect: Dialect, problems: &mut Vec<ModelProblem>) {
    let expressions = dialect == Dialect::Sqlite;
    let prefixes = dialect == Dialect::Mysql;
    for index in r.table.indexes.iter() {
        let prefix = |p: &crate::schema::IndexPart| p.as_prefix().is_some();
        let what = if let Some(method) = &index.method {
            format!("uses {method}")
        } else if !prefixes && index.parts.iter().any(prefix) {
            "has a key prefix (`column(length)`), which only MySQL has".to_string()
        } else if !expressions
            && index.parts.iter().any(|p| {
                matches!(p, crate::schema::IndexPart::Expression(_)) && !(prefixes && prefix(p))
            })
        {
            "is over an expression".to_string()
        } else if index
            .part_options
            .iter()
            .any(|o| !o.is_empty() && o != "DESC")
        {
            "states an operator class or an ordering other than DESC".to_string()
        } else if !index.include.is_empty() {
            "has INCLUDE columns".to_string()
        } else if index.nulls_not_distinct {
            "is NULLS NOT DISTINCT".to_string()
        } else {
            continue;
        };
        problems.push(ModelProblem::IndexUnsupported {
            model: r.model.clone(),
            name: index.name.clone(),
            what,
            dialect,
        });
    }
}

/// Identity and generated columns the database cannot hold: SQLite and MySQL generate
/// values only for a lone integer key, and cannot refuse explicit ones (`always`); MySQL's
/// generated columns admit NULL.
fn identities(r: &Resolved, dialect: Dialect, problems: &mut Vec<ModelProblem>) {
    let generated = r
        .table
        .columns
        .iter()
        .filter(|c| c.generated.is_some() && !c.nullable && dialect == Dialect::Mysql);
    for column in r
        .table
        .columns
        .iter()
        .filter(|c| c.identity_sequence.is_some())
    {
        problems.push(ModelProblem::SequenceOptionsUnsupported {
            model: r.model.clone(),
            column: column.name.clone(),
            dialect,
        });
    }
    for column in generated {
        problems.push(ModelProblem::GeneratedNotNull {
            model: r.model.clone(),
            column: column.name.clone(),
            dialect,
        });
    }
    let key = r.table.primary_key.as_ref().map(|k| k.columns.as_slice());
    for column in r.table.columns.iter().filter(|c| c.identity.is_some()) {
        let (model, name) = (r.model.clone(), column.name.clone());
        match key {
            Some([only]) if *only == column.name => {}
            Some(columns) if columns.contains(&column.name) => {
                problems.push(ModelProblem::IdentityOnCompositeKey {
                    model,
                    column: name,
                    dialect,
                });
                continue;
            }
            _ => {
                problems.push(ModelProblem::IdentityOnNonKey {
                    model,
                    column: name,
                    dialect,
                });
                continue;
            }
        }
        if column.identity == Some(crate::schema::Identity::Always) {
            problems.push(ModelProblem::IdentityAlwaysUnsupported {
                model,
                column: name,
                dialect,
            });
        }
    }
}
