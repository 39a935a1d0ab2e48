//! What the diff is told besides the two schemas: the dialect, its answers to the diff's
//! questions, and which namespaces take part.

use super::hooks::DiffHooks;
use crate::dialect::Dialect;

/// What the diff needs to know besides the two schemas.
#[derive(Clone)]
pub struct DiffOptions {
    /// The database the ops are for.
    pub dialect: Dialect,
    /// Its answers to the narrow questions the diff asks (can it rename a constraint, does
    /// it keep comments, are enums types of their own). `DiffOptions::new` (beside the
    /// registration, in `dialect`) takes them from the dialect's driver.
    pub hooks: &'static dyn DiffHooks,
    /// The namespace a name without schema lives in (`public` on PostgreSQL). When set, both
    /// schemas are normalised with [`Schema::normalize_default_namespace`](schema_runtime::schema::Schema::normalize_default_namespace) first, so that
    /// `public.orders` and `orders` are one table.
    pub default_namespace: Option<String>,
    /// The namespaces to compare besides the default one; `None` compares every namespace.
    /// Tables and enums elsewhere are left out on both sides: never created, altered or
    /// dropped.
    pub managed_namespaces: Option<Vec<String>>,
}

impl std::fmt::Debug for DiffOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiffOptions")
            .field("dialect", &self.dialect)
            .field("default_namespace", &self.default_namespace)
            .field("managed_namespaces", &self.managed_namespaces)
            .finish_non_exhaustive()
    }
}

impl DiffOptions {
    /// The options for `dialect` answering the diff's questions with `hooks`: its default
    /// namespace, every namespace managed.
    pub fn with_hooks(dialect: Dialect, hooks: &'static dyn DiffHooks) -> Self {
        let default = dialect.default_namespace();
        Self {
            dialect,
            hooks,
            default_namespace: (!default.is_empty()).then(|| default.to_owned()),
            managed_namespaces: None,
        }
    }

    /// True when objects in `namespace` (`None`: the default one) take part in the diff.
    pub(super) fn manages(&self, namespace: Option<&str>) -> bool {
        match (&self.managed_namespaces, namespace) {
            (None, _) | (Some(_), None) => true,
            (Some(list), Some(ns)) => {
                list.iter().any(|m| m == ns) || self.default_namespace.as_deref() == Some(ns)
            }
        }
    }
}
