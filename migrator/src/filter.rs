//! Which part of a database the models manage: the namespaces introspection reads, and the
//! table name patterns it includes or leaves out. Everything outside the filter (the
//! migrator's own history tables, tables another tool owns) is invisible to the diff, so it
//! can never be proposed for a change.
//!
//! Two sets of names are always left out: the migrator's history tables under their
//! configured names ([`SchemaFilter::with_history_tables`]), and the history tables of
//! other migration tools ([`FOREIGN_TABLES`]: Rails' `schema_migrations` and
//! `ar_internal_metadata`, Alembic's `alembic_version`, Flyway's `flyway_schema_history`,
//! ...), unless the models declare a table of that name, which is then the user's
//! ([`SchemaFilter::with_declared_tables`]).

use std::fmt;

use schema_runtime::schema::{ColumnType, QualifiedName, Schema};

use crate::db::HistoryTables;

pub use crate::db::foreign::FOREIGN_TABLES;

/// The namespace every filter reads: where unqualified model names live on PostgreSQL.
pub const DEFAULT_NAMESPACE: &str = "public";

/// What introspection reads: namespaces, then table name patterns within them.
///
/// A table is managed when its namespace is listed, it matches an include pattern (or
/// there are none), it matches no exclude pattern, and it is neither one of the migrator's
/// history tables nor another tool's (names compared without regard to case, as the
/// servers fold or compare them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaFilter {
    namespaces: Vec<String>,
    include: Vec<TablePattern>,
    exclude: Vec<TablePattern>,
    history: HistoryTables,
    foreign: Vec<&'static str>,
    /// (namespace, table) of the tables referenced as external.
    external: Vec<(String, String)>,
}

impl Default for SchemaFilter {
    /// `public` only, every table but the default history tables (`dgs_schema_version`,
    /// `_log`, `_lock`) and the [`FOREIGN_TABLES`].
    fn default() -> Self {
        Self {
            namespaces: vec![DEFAULT_NAMESPACE.to_string()],
            include: Vec::new(),
            exclude: Vec::new(),
            history: HistoryTables::default(),
            foreign: FOREIGN_TABLES.iter().map(|(name, _)| *name).collect(),
            external: Vec::new(),
        }
    }
}

impl SchemaFilter {
    /// Builds a filter from the strings a user writes in configuration or on the command
    /// line: extra namespaces (`public` is always read), include patterns and exclude
    /// patterns (added to the default exclusion of the history tables and the
    /// [`FOREIGN_TABLES`]).
    ///
    /// A pattern is a table name glob (`*` any run of characters, `?` one character),
    /// optionally schema-qualified (`audit.*`); an unqualified pattern matches the table
    /// name in every namespace.
    pub fn parse<S: AsRef<str>>(
        namespaces: &[S],
        include: &[S],
        exclude: &[S],
    ) -> Result<Self, FilterError> {
        let mut filter = Self::default();
        for namespace in namespaces {
            filter.add_namespace(parse_namespace(namespace.as_ref())?);
        }
        for pattern in include {
            filter.include.push(TablePattern::parse(pattern.as_ref())?);
        }
        for pattern in exclude {
            filter.exclude.push(TablePattern::parse(pattern.as_ref())?);
        }
        Ok(filter)
    }

    /// Adds a namespace to read (no-op when it is already read).
    pub fn add_namespace(&mut self, namespace: impl Into<String>) {
        let namespace = namespace.into();
        if !self.namespaces.contains(&namespace) {
            self.namespaces.push(namespace);
        }
    }

    /// Adds every namespace the schema's tables and enum types live in, so that the
    /// current schema is read wherever the target (the models) has objects.
    pub fn with_namespaces_of(mut self, schema: &Schema) -> Self {
        let tables = schema.tables.iter().map(|t| &t.name);
        let enums = schema.enums.iter().map(|e| &e.name);
        for name in tables.chain(enums) {
            if let Some(namespace) = &name.schema {
                self.add_namespace(namespace.clone());
            }
        }
        self
    }

    /// Leaves out the history tables of these names instead of the default ones.
    pub fn with_history_tables(mut self, tables: &HistoryTables) -> Self {
        self.history = tables.clone();
        self
    }

    /// The history tables the filter leaves out, which are those the migrator writes.
    pub fn history_tables(&self) -> &HistoryTables {
        &self.history
    }

    /// Manages the tables of `schema` (the models) that have another tool's table name:
    /// a model named `schema_migrations` is the user's table, not Rails' bookkeeping.
    pub fn with_declared_tables(mut self, schema: &Schema) -> Self {
        self.foreign.retain(|name| {
            !schema
                .tables
                .iter()
                .any(|t| t.name.name.eq_ignore_ascii_case(name))
        });
        self
    }

    /// Reads these tables too, whatever the patterns say: the tables the models reference
    /// as external, which the comparison needs to see though it does not manage them.
    pub fn with_external_tables(mut self, tables: &[QualifiedName]) -> Self {
        for table in tables {
            if let Some(namespace) = &table.schema {
                self.add_namespace(namespace.clone());
            }
            let namespace = table.schema.as_deref().unwrap_or(DEFAULT_NAMESPACE);
            self.external
                .push((namespace.to_string(), table.name.clone()));
        }
        self
    }

    /// The namespaces to read, `public` first.
    pub fn namespaces(&self) -> &[String] {
        &self.namespaces
    }

    /// True when introspection should report the table `name` in `namespace`.
    pub fn manages(&self, namespace: &str, name: &str) -> bool {
        let named = |n: &str| n.eq_ignore_ascii_case(name);
        if self
            .external
            .iter()
            .any(|(n, t)| n == namespace && t == name)
        {
            return true;
        }
        self.namespaces.iter().any(|n| n == namespace)
            && (self.include.is_empty() || self.include.iter().any(|p| p.matches(namespace, name)))
            && !self.exclude.iter().any(|p| p.matches(namespace, name))
            && !self.history.names().into_iter().any(named)
            && !self.foreign.iter().any(|n| named(n))
    }

    /// True when include or exclude patterns narrow the namespaces to some of their
    /// tables.
    pub fn is_partial(&self) -> bool {
        !self.include.is_empty() || !self.exclude.is_empty()
    }

    /// Leaves out of `current` the enum types that a partial filter does not reach: with
    /// patterns, an enum type is managed when the models declare it or a managed table of
    /// the database uses it. Without, every enum type of the read namespaces is, as are
    /// all their tables. So `check --include orders` never proposes to drop the enum types
    /// of the tables it leaves out.
    pub fn scope_enums(&self, current: &mut Schema, target: &Schema) {
        if !self.is_partial() {
            return;
        }
        let used: Vec<&QualifiedName> = current
            .tables
            .iter()
            .flat_map(|t| t.columns.iter())
            .filter_map(|c| enum_of(&c.ty))
            .collect();
        let declared = |name: &QualifiedName| target.enums.iter().any(|e| &e.name == name);
        current
            .enums
            .retain(|e| declared(&e.name) || used.contains(&&e.name));
    }

    /// Like [`SchemaFilter::manages`], for a schema-model name (`None` is `public`).
    pub fn manages_table(&self, table: &QualifiedName) -> bool {
        let namespace = table.schema.as_deref().unwrap_or(DEFAULT_NAMESPACE);
        self.manages(namespace, &table.name)
    }
}

/// The enum type a column type names, itself or as an array's element.
fn enum_of(ty: &ColumnType) -> Option<&QualifiedName> {
    match ty {
        ColumnType::Enum { name } => Some(name),
        ColumnType::Array { element } => enum_of(element),
        _ => None,
    }
}

/// A table name glob, optionally restricted to namespaces matching a second glob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TablePattern {
    namespace: Option<Glob>,
    table: Glob,
}

impl TablePattern {
    /// Parses `table_glob` or `namespace_glob.table_glob`.
    pub fn parse(text: &str) -> Result<Self, FilterError> {
        let text = text.trim();
        let (namespace, table) = match text.split_once('.') {
            Some((namespace, table)) => (Some(namespace), table),
            None => (None, text),
        };
        if table.is_empty() || namespace.is_some_and(str::is_empty) || table.contains('.') {
            return Err(FilterError::BadPattern {
                pattern: text.to_string(),
            });
        }
        Ok(Self {
            namespace: namespace.map(Glob::new),
            table: Glob::new(table),
        })
    }

    /// True when the pattern covers this table.
    pub fn matches(&self, namespace: &str, table: &str) -> bool {
        self.namespace.as_ref().is_none_or(|g| g.matches(namespace)) && self.table.matches(table)
    }
}

impl fmt::Display for TablePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(namespace) => write!(f, "{}.{}", namespace.0, self.table.0),
            None => f.write_str(&self.table.0),
        }
    }
}

/// A glob over one identifier: `*` matches any run of characters, `?` exactly one, and
/// everything else itself (case-sensitively, as PostgreSQL identifiers are).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Glob(String);

impl Glob {
    fn new(text: &str) -> Self {
        Self(text.to_string())
    }

    fn matches(&self, text: &str) -> bool {
        let pattern: Vec<char> = self.0.chars().collect();
        let text: Vec<char> = text.chars().collect();
        glob_match(&pattern, &text)
    }
}

/// Iterative wildcard matching with one backtrack point (the last `*`), linear in
/// practice and never exponential.
fn glob_match(pattern: &[char], text: &[char]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

fn parse_namespace(text: &str) -> Result<String, FilterError> {
    let text = text.trim();
    if text.is_empty() || text.contains(['*', '?', '.']) {
        return Err(FilterError::BadNamespace {
            namespace: text.to_string(),
        });
    }
    Ok(text.to_string())
}

/// A filter setting that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FilterError {
    /// A table pattern that is empty or has more than one `.`.
    #[error(
        "table pattern `{pattern}` is not valid: write `table`, `prefix_*` or `schema.table` \
         (globs with `*` and `?`)"
    )]
    BadPattern {
        /// The pattern as given.
        pattern: String,
    },
    /// A namespace that is empty or contains glob characters or a dot.
    #[error("namespace `{namespace}` is not valid: give a plain schema name such as `audit`")]
    BadNamespace {
        /// The namespace as given.
        namespace: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_reads_public_and_skips_the_migrator_tables() {
        let filter = SchemaFilter::default();
        assert_eq!(filter.namespaces(), ["public"]);
        assert!(filter.manages("public", "orders"));
        assert!(!filter.manages("public", "dgs_schema_version"));
        assert!(!filter.manages("public", "dgs_schema_version_log"));
        assert!(!filter.manages("public", "dgs_schema_version_lock"));
        assert!(filter.manages("public", "dgs_schema_version_2"));
        assert!(!filter.manages("audit", "orders"), "audit is not read");
    }

    #[test]
    fn other_tools_tables_are_left_alone_unless_the_models_declare_them() {
        let filter = SchemaFilter::default();
        for name in [
            "schema_migrations",
            "ar_internal_metadata",
            "alembic_version",
            "flyway_schema_history",
            "django_migrations",
            "SequelizeMeta",
            "sequelizemeta",
        ] {
            assert!(!filter.manages("public", name), "{name}");
        }
        let mut models = Schema::default();
        models
            .tables
            .push(schema_runtime::schema::Table::new(QualifiedName::new(
                "schema_migrations",
            )));
        let filter = filter.with_declared_tables(&models);
        assert!(filter.manages("public", "schema_migrations"));
        assert!(!filter.manages("public", "ar_internal_metadata"));
    }

    #[test]
    fn a_configured_version_table_replaces_the_default() {
        let tables = HistoryTables::new("ops_versions").unwrap();
        let filter = SchemaFilter::default().with_history_tables(&tables);
        assert!(!filter.manages("public", "ops_versions"));
        assert!(!filter.manages("public", "ops_versions_log"));
        assert!(!filter.manages("public", "ops_versions_lock"));
        assert!(filter.manages("public", "dgs_schema_version"));
        assert_eq!(filter.history_tables(), &tables);
        let folded = SchemaFilter::default()
            .with_history_tables(&HistoryTables::new("OpsVersions").unwrap());
        assert!(
            !folded.manages("public", "opsversions"),
            "PostgreSQL folds unquoted names"
        );
    }

    #[test]
    fn globs_match_stars_and_question_marks() {
        let g = |p: &str, t: &str| Glob::new(p).matches(t);
        assert!(g("*", ""));
        assert!(g("*", "anything"));
        assert!(g("tmp_*", "tmp_"));
        assert!(g("tmp_*", "tmp_orders"));
        assert!(!g("tmp_*", "orders_tmp_"));
        assert!(g("*_old", "orders_old"));
        assert!(g("a*b*c", "a_x_b_y_c"));
        assert!(!g("a*b*c", "a_x_b_y_d"));
        assert!(g("t?", "t1"));
        assert!(!g("t?", "t"));
        assert!(!g("t?", "t12"));
        assert!(g("*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaab"));
        assert!(!g("*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaa"));
        assert!(!g("Orders", "orders"), "identifiers are case-sensitive");
        assert!(g("é?", "éé"));
    }

    #[test]
    fn qualified_patterns_only_match_their_namespace() {
        let filter = SchemaFilter::parse(&["audit"], &[], &["audit.*", "tmp_*"]).unwrap();
        assert_eq!(filter.namespaces(), ["public", "audit"]);
        assert!(!filter.manages("audit", "events"));
        assert!(filter.manages("public", "events"));
        assert!(!filter.manages("public", "tmp_x"));
        assert!(!filter.manages("audit", "tmp_x"));
    }

    #[test]
    fn includes_narrow_and_excludes_win() {
        let filter = SchemaFilter::parse(&[], &["app_*"], &["app_cache"]).unwrap();
        assert!(filter.manages("public", "app_users"));
        assert!(!filter.manages("public", "users"));
        assert!(!filter.manages("public", "app_cache"));
        assert!(
            !filter.manages("public", "dgs_schema_version"),
            "defaults stay"
        );
    }

    #[test]
    fn namespaces_are_not_repeated() {
        let filter = SchemaFilter::parse(&["public", "audit", "audit"], &[], &[]).unwrap();
        assert_eq!(filter.namespaces(), ["public", "audit"]);
    }

    #[test]
    fn target_namespaces_are_added() {
        let mut schema = Schema::default();
        schema.tables.push(schema_runtime::schema::Table::new(
            QualifiedName::with_schema("billing", "invoices"),
        ));
        schema
            .tables
            .push(schema_runtime::schema::Table::new(QualifiedName::new(
                "orders",
            )));
        let filter = SchemaFilter::default().with_namespaces_of(&schema);
        assert_eq!(filter.namespaces(), ["public", "billing"]);
        assert!(filter.manages_table(&QualifiedName::with_schema("billing", "invoices")));
        assert!(filter.manages_table(&QualifiedName::new("orders")));
    }

    #[test]
    fn bad_settings_are_sentences() {
        let e = SchemaFilter::parse(&[], &["a.b.c"], &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "table pattern `a.b.c` is not valid: write `table`, `prefix_*` or `schema.table` \
             (globs with `*` and `?`)"
        );
        assert!(SchemaFilter::parse(&[], &[""], &[]).is_err());
        assert!(SchemaFilter::parse(&[], &[".x"], &[]).is_err());
        let e = SchemaFilter::parse(&["au*"], &[], &[]).unwrap_err();
        assert!(matches!(e, FilterError::BadNamespace { .. }));
    }

    #[test]
    fn patterns_display_as_written() {
        assert_eq!(
            TablePattern::parse("audit.*").unwrap().to_string(),
            "audit.*"
        );
        assert_eq!(TablePattern::parse("t?").unwrap().to_string(), "t?");
    }
}
