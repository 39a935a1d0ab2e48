//! The objects of an adopted database that the models cannot describe, carried into the
//! baseline revision so that the history alone builds the whole database: what tables
//! need goes before them (extensions, domains, standalone sequences), what reads or acts on
//! tables after them (routines, views, triggers, policies, rules, events). The down section
//! drops what would stop the tables from being dropped (views) and what the up section
//! would otherwise find already there (domains, sequences); routines are created with
//! `CREATE OR REPLACE` and extensions may serve others, so both stay.

use crate::db::OtherObject;
use crate::dialect::Dialect;

/// Whether an object of `kind` is created before the models' tables (they may use it) or
/// after them (it reads or acts on them).
fn before_tables(kind: &str) -> bool {
    matches!(kind, "extension" | "domain" | "sequence")
}

/// The order kinds are created in within their side of the tables.
const ORDER: &[&str] = &[
    "extension",
    "domain",
    "sequence",
    "function",
    "procedure",
    "aggregate",
    "view",
    "materialized view",
    "trigger",
    "policy",
    "rule",
    "event",
];

fn rank(kind: &str) -> usize {
    ORDER.iter().position(|k| *k == kind).unwrap_or(ORDER.len())
}

const NOTE: &str = "-- Not described by the models (see adoption-report.md), read from the \
database as it was\n-- adopted: kept here so that the history builds the whole database. \
Review it.";

/// The statement that creates `object`, or a comment that says to write it by hand.
fn create(object: &OtherObject) -> String {
    match &object.definition {
        Some(definition) => format!("{};", definition.trim_end().trim_end_matches(';')),
        None => format!(
            "-- {}: the database gives no definition to copy; write it by hand.",
            object.describe()
        ),
    }
}

/// The statement that drops `object` in the down section, if it is one to drop.
fn drop(object: &OtherObject, dialect: Dialect) -> Option<String> {
    let name = match dialect {
        Dialect::Postgresql => pg_name(&object.name),
        Dialect::Mysql => format!("`{}`", object.name.replace('`', "``")),
        Dialect::Sqlite => format!("\"{}\"", object.name.replace('"', "\"\"")),
    };
    let what = match object.kind {
        "view" => "VIEW",
        "materialized view" => "MATERIALIZED VIEW",
        "domain" => "DOMAIN",
        "sequence" => "SEQUENCE",
        _ => return None,
    };
    Some(format!("DROP {what} IF EXISTS {name};"))
}

/// `billing.active_accounts` (as [`OtherObject::name`] writes it) quoted as SQL.
fn pg_name(name: &str) -> String {
    let quote = |part: &str| format!("\"{}\"", part.replace('"', "\"\""));
    match name.split_once('.') {
        Some((namespace, name)) => format!("{}.{}", quote(namespace), quote(name)),
        None => quote(name),
    }
}

/// Which ends of the baseline a revision holds: a baseline written in parts (see
/// [`crate::apply::compose_parts`]) creates what the tables need in its first part and
/// what reads them in its last; a whole baseline is both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Ends {
    /// The first part: extensions, domains and sequences go before its tables, and its
    /// down section drops domains and sequences last.
    pub first: bool,
    /// The last part: views, routines and triggers go after its tables, and its down
    /// section drops the views first.
    pub last: bool,
}

#[cfg(test)]
impl Ends {
    /// A baseline in one revision.
    pub const WHOLE: Ends = Ends {
        first: true,
        last: true,
    };
}

/// `up` and `down` of the baseline with the other objects added around the models' part,
/// at the `ends` this part of the baseline holds.
pub(super) fn wrap(
    up: &str,
    down: &str,
    others: &[OtherObject],
    dialect: Dialect,
    ends: Ends,
) -> (String, String) {
    let mut objects: Vec<&OtherObject> = others.iter().collect();
    // Stable: within a kind, the order they were read in.
    objects.sort_by_key(|o| rank(o.kind));
    let (mut first, mut last): (Vec<&OtherObject>, Vec<&OtherObject>) =
        objects.into_iter().partition(|o| before_tables(o.kind));
    if !ends.first {
        first.clear();
    }
    if !ends.last {
        last.clear();
    }
    let block = |objects: &[&OtherObject]| -> String {
        let statements: Vec<String> = objects.iter().map(|o| create(o)).collect();
        format!("{NOTE}\n{}\n", statements.join("\n\n"))
    };
    let mut new_up = String::new();
    // A domain or sequence in another namespace needs it before the models create it.
    let mut namespaces: Vec<&str> = first
        .iter()
        .filter(|o| dialect == Dialect::Postgresql && o.kind != "extension")
        .filter_map(|o| o.name.split_once('.').map(|(namespace, _)| namespace))
        .collect();
    namespaces.sort_unstable();
    namespaces.dedup();
    for namespace in namespaces {
        new_up.push_str(&format!(
            "CREATE SCHEMA IF NOT EXISTS \"{}\";\n\n",
            namespace.replace('"', "\"\"")
        ));
    }
    if !first.is_empty() {
        new_up.push_str(&block(&first));
        new_up.push('\n');
    }
    new_up.push_str(up.trim_end());
    new_up.push('\n');
    if !last.is_empty() {
        new_up.push('\n');
        new_up.push_str(&block(&last));
    }
    let drops = |objects: &[&OtherObject]| -> Vec<String> {
        objects
            .iter()
            .rev()
            .filter_map(|o| drop(o, dialect))
            .collect()
    };
    let mut new_down = String::new();
    let views = drops(&last);
    if !views.is_empty() {
        new_down.push_str(&views.join("\n"));
        new_down.push_str("\n\n");
    }
    new_down.push_str(down.trim_end());
    new_down.push('\n');
    let types = drops(&first);
    if !types.is_empty() {
        new_down.push('\n');
        new_down.push_str(&types.join("\n"));
        new_down.push('\n');
    }
    (new_up, new_down)
}
