//! The objects of a database that the models cannot describe (views, triggers, functions,
//! policies, standalone sequences, extensions, events, ...): what an adoption lists in its
//! report so that nobody believes the models hold everything, and what the migrator never
//! creates, changes or drops. Each dialect reads its own in its `inspect` code; this module
//! holds the one type they all return and the order they return it in.

use std::cmp::Ordering;

/// An object in the database that models cannot describe (a view, a trigger, a function, ...):
/// listed by the adoption report, never touched.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OtherObject {
    /// What it is: "view", "materialized view", "trigger", "function", "procedure", "aggregate", "policy",
    /// "rule", "sequence" (one no identity or serial column owns), "extension", "event" (MySQL), "domain" ...
    pub kind: &'static str,
    /// Its name, qualified with its namespace where it is not the default one (`billing.active_accounts`).
    pub name: String,
    /// The table it belongs to, for a trigger, policy or rule (qualified the same way).
    pub table: Option<String>,
    /// The SQL that recreates it, where the database gives it cheaply (pg_get_viewdef, pg_get_triggerdef,
    /// pg_get_functiondef, sqlite_master.sql, SHOW CREATE ... or information_schema); None otherwise.
    pub definition: Option<String>,
}

impl OtherObject {
    /// The kinds the dialects report, each spelled once: a catalog row names its kind in
    /// text, and [`OtherObject::kind_named`] turns it into one of these.
    pub const KINDS: &'static [&'static str] = &[
        "aggregate",
        "domain",
        "event",
        "extension",
        "function",
        "materialized view",
        "policy",
        "procedure",
        "rule",
        "sequence",
        "trigger",
        "view",
    ];

    /// The kind spelled `text` (compared without regard to case, as `information_schema`
    /// writes `FUNCTION`), if it is one of [`OtherObject::KINDS`].
    pub fn kind_named(text: &str) -> Option<&'static str> {
        Self::KINDS
            .iter()
            .copied()
            .find(|kind| kind.eq_ignore_ascii_case(text))
    }

    /// One line for a person: `view billing.active_accounts`, `trigger set_updated_at on
    /// users`.
    pub fn describe(&self) -> String {
        match &self.table {
            Some(table) => format!("{} {} on {table}", self.kind, self.name),
            None => format!("{} {}", self.kind, self.name),
        }
    }
}

/// `name`, qualified with `namespace` unless it is the default one (`public`), as the
/// schema model writes names. Only PostgreSQL has namespaces.
#[cfg(feature = "postgres")]
pub(crate) fn qualify(namespace: &str, name: &str) -> String {
    if namespace == crate::filter::DEFAULT_NAMESPACE {
        name.to_owned()
    } else {
        format!("{namespace}.{name}")
    }
}

/// Sorts by kind, then name, then table (triggers of one name on two tables), then
/// definition (overloaded functions), so that every run lists the objects alike.
pub(crate) fn sorted(mut objects: Vec<OtherObject>) -> Vec<OtherObject> {
    objects.sort_by(order);
    objects
}

fn order(a: &OtherObject, b: &OtherObject) -> Ordering {
    (a.kind, &a.name, &a.table, &a.definition).cmp(&(b.kind, &b.name, &b.table, &b.definition))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(kind: &'static str, name: &str, table: Option<&str>) -> OtherObject {
        OtherObject {
            kind,
            name: name.into(),
            table: table.map(str::to_owned),
            definition: None,
        }
    }

    #[test]
    fn describe_names_the_kind_and_the_table() {
        assert_eq!(
            object("view", "billing.active_accounts", None).describe(),
            "view billing.active_accounts"
        );
        assert_eq!(
            object("trigger", "set_updated_at", Some("users")).describe(),
            "trigger set_updated_at on users"
        );
    }

    #[cfg(feature = "postgres")]
    #[test]
    fn only_the_default_namespace_goes_unwritten() {
        assert_eq!(qualify("public", "orders"), "orders");
        assert_eq!(qualify("billing", "orders"), "billing.orders");
    }

    #[test]
    fn kinds_are_looked_up_without_regard_to_case() {
        assert_eq!(OtherObject::kind_named("FUNCTION"), Some("function"));
        assert_eq!(
            OtherObject::kind_named("materialized view"),
            Some("materialized view")
        );
        assert_eq!(OtherObject::kind_named("table"), None);
    }

    #[test]
    fn sorted_by_kind_then_name_then_table() {
        let objects = vec![
            object("view", "a", None),
            object("trigger", "touch", Some("users")),
            object("trigger", "touch", Some("orders")),
            object("function", "z", None),
        ];
        let described: Vec<String> = sorted(objects).iter().map(OtherObject::describe).collect();
        assert_eq!(
            described,
            [
                "function z",
                "trigger touch on orders",
                "trigger touch on users",
                "view a"
            ]
        );
    }
}
