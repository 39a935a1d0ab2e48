//! The stand-in for a database kind this build leaves out (a cargo feature of the crate):
//! every request of it is an error that names the feature, so a history or URL of that
//! kind is refused with a sentence rather than a missing symbol.

use std::path::Path;

use async_trait::async_trait;
use schema_runtime::schema::QualifiedName;

use crate::change::Op;
use crate::db::backup::{Backup, BackupError};
use crate::db::{Connection, DbError, Driver, HistorySql, HistoryTables, Wait};
use crate::dialect::{Dialect, Statement};
use crate::render::{RenderError, Renderer};

/// A database kind compiled out, and the feature that adds it back.
pub struct NotCompiled {
    /// The kind.
    pub dialect: Dialect,
    /// The `migrator` feature that includes it.
    pub feature: &'static str,
}

impl NotCompiled {
    fn db_error(&self) -> DbError {
        DbError::NotCompiled {
            dialect: self.dialect,
            feature: self.feature,
        }
    }
}

/// The diff's answers for a kind this build leaves out: the most cautious ones (nothing
/// renamed in place, no objects of its own). Rendering refuses the kind anyway.
struct Cautious;

impl crate::diff::DiffHooks for Cautious {
    fn has_enum_types(&self) -> bool {
        false
    }

    fn has_comments(&self) -> bool {
        false
    }

    fn primary_key_name_matters(&self) -> bool {
        false
    }

    fn renames_constraints(&self) -> bool {
        false
    }

    fn renames_indexes(&self) -> bool {
        false
    }

    fn respelling(&self) -> crate::diff::Respelling {
        crate::diff::Respelling::Deparsed
    }

    fn creates_namespaces(&self) -> bool {
        false
    }
}

impl Renderer for NotCompiled {
    fn quote_ident(&self, name: &str) -> String {
        format!("\"{}\"", name.replace('"', "\"\""))
    }

    fn quote_name(&self, name: &QualifiedName) -> String {
        match &name.schema {
            Some(schema) => format!(
                "{}.{}",
                self.quote_ident(schema),
                self.quote_ident(&name.name)
            ),
            None => self.quote_ident(&name.name),
        }
    }

    fn validate(&self, _op: &Op) -> Result<(), RenderError> {
        Err(RenderError::NotCompiled {
            dialect: self.dialect,
            feature: self.feature,
        })
    }

    fn render_op(&self, _op: &Op) -> Vec<Statement> {
        Vec::new()
    }

    fn render_reverse(&self, _op: &Op) -> Vec<Statement> {
        Vec::new()
    }
}

#[async_trait]
impl Driver for NotCompiled {
    fn diff_hooks(&self) -> &'static dyn crate::diff::DiffHooks {
        &Cautious
    }

    fn dialect(&self) -> Dialect {
        self.dialect
    }

    fn product_name(&self) -> &'static str {
        self.dialect.name()
    }

    fn start_hint(&self) -> &'static str {
        "build the migrator with its feature for this database"
    }

    /// A URL of the kind's scheme, which connecting then refuses with the feature named.
    fn development_url(&self, database: &str, _env: &dyn Fn(&str) -> Option<String>) -> String {
        format!("{}:///{database}", self.dialect.name())
    }

    async fn connect(&self, _url: &str, _wait: &Wait) -> Result<Box<dyn Connection>, DbError> {
        Err(self.db_error())
    }

    async fn create_if_missing(&self, _url: &str, _wait: &Wait) -> Result<bool, DbError> {
        Err(self.db_error())
    }

    fn backup(&self, _url: &str, _dir: &Path, _revision: &str) -> Result<Backup, BackupError> {
        Err(BackupError::Unsupported(self.dialect))
    }

    fn history_sql(&self, _tables: &HistoryTables) -> Result<HistorySql, DbError> {
        Err(self.db_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_request_names_the_missing_feature() {
        let missing = NotCompiled {
            dialect: Dialect::Sqlite,
            feature: "sqlite",
        };
        let error = missing
            .connect("sqlite://x.db", &Wait::default())
            .await
            .unwrap_err();
        assert!(error.to_string().contains("`sqlite` feature"), "{error}");
        let history = missing.history_sql(&HistoryTables::default()).unwrap_err();
        assert!(matches!(history, DbError::NotCompiled { .. }), "{history}");
        let op = Op::AddEnumValue {
            name: QualifiedName::new("mood"),
            value: "calm".into(),
            before: None,
        };
        let render = crate::render::plan_each(&missing, &[op]).unwrap_err();
        assert!(render.to_string().contains("`sqlite` feature"), "{render}");
    }
}
