//! One declaration at a time: turns a [`TableDef`] into a [`Table`] (column types, primary
//! key, identity, uniques, indexes, checks, generated names) and reports what is wrong
//! inside that one model. What needs the other models too (references, name clashes, enum
//! types) is left to the cross-model passes, with the references parsed but not looked up.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::error::{ModelProblem, ModelRef, ObjectKind};
use crate::decl::{ColumnDef, ForeignKeyDef, IndexDef, TableDef, UniqueDef};
use crate::naming::{NamingConvention, MAX_IDENTIFIER_BYTES};
use crate::schema::{
    CheckConstraint, Column, ColumnType, EnumType, ExclusionConstraint, ForeignKeyAction, Identity,
    IdentitySequence, Index, IndexPart, PrimaryKey, QualifiedName, Table, UniqueConstraint,
};
use crate::types::parse_sql_type;

/// The position of each table name's first declaration in `resolved` (the one that stands in
/// for all of them when a name is declared twice), so that the cross-model passes look a
/// table up by name instead of scanning every model for each reference.
pub(super) fn first_by_name(resolved: &[Resolved]) -> HashMap<&QualifiedName, usize> {
    let mut first = HashMap::with_capacity(resolved.len());
    for (index, r) in resolved.iter().enumerate() {
        first.entry(&r.table.name).or_insert(index);
    }
    first
}

/// A declaration resolved on its own: the table, plus what the cross-model passes need.
#[derive(Debug)]
pub(super) struct Resolved {
    /// Where problems with it are reported.
    pub model: ModelRef,
    /// The table, without foreign keys yet.
    pub table: Table,
    /// The column-level `references`, parsed.
    pub references: Vec<PendingReference>,
    /// The enum types the columns use, with the column that uses each.
    pub enums: Vec<(String, EnumType)>,
}

/// A foreign key (a column's `references = "..."` or a table's `foreign_key(...)`) that
/// has been parsed but not yet looked up.
#[derive(Debug)]
pub(super) struct PendingReference {
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The reference as written, for messages (`customers.id`, `order_lines(order_id, line)`).
    pub written: String,
    /// The referenced table (an unqualified reference names the default namespace).
    pub table: QualifiedName,
    /// The referenced columns, one per referencing column.
    pub referenced_columns: Vec<String>,
    /// `on_delete`, defaulted.
    pub on_delete: ForeignKeyAction,
    /// `on_update`, defaulted.
    pub on_update: ForeignKeyAction,
    /// The name the model states, if it states one.
    pub name: Option<String>,
    /// `deferrable`.
    pub deferrable: bool,
    /// `initially_deferred`.
    pub initially_deferred: bool,
    /// `not_valid`.
    pub not_valid: bool,
    /// `external`: the referenced table is looked up in the database, not the models.
    pub external: bool,
}

impl PendingReference {
    /// The referencing columns for messages: `customer_id`, or `(order_id, line)`.
    pub fn column_label(&self) -> String {
        match self.columns.as_slice() {
            [one] => one.clone(),
            many => format!("({})", many.join(", ")),
        }
    }
}

/// Resolves one declaration under its crate's naming convention, appending its problems
/// to `problems`.
pub(super) fn table(
    def: &TableDef,
    naming: &NamingConvention,
    dialect: crate::dialect::Dialect,
    problems: &mut Vec<ModelProblem>,
) -> Resolved {
    let name = QualifiedName {
        schema: def.schema.clone(),
        name: def.name.clone(),
    };
    let mut resolver = Resolver {
        def,
        dialect,
        naming,
        model: ModelRef {
            rust_name: def.rust_name,
            module_path: def.module_path,
            table: name.clone(),
        },
        problems,
    };
    resolver.check_identifiers();
    let mut table = Table::new(name);
    table.comment = def.comment.clone();
    table.renamed_from = resolver.table_renamed_from();
    table.columns = resolver.columns();
    table.primary_key = resolver.primary_key(&table);
    resolver.apply_identity(&mut table);
    table.uniques = resolver.uniques(&table);
    table.indexes = resolver.indexes(&table);
    table.checks = resolver.checks();
    table.exclusions = resolver.exclusions();
    table.partition_by = def.partition_by.clone();
    table.conventional_names = conventional_names(def, &table);
    let references = resolver.references(&table);
    let enums = enums_in_use(def, &table);
    Resolved {
        model: resolver.model,
        table,
        references,
        enums,
    }
}

struct Resolver<'a, 'p> {
    def: &'a TableDef,
    dialect: crate::dialect::Dialect,
    naming: &'a NamingConvention,
    model: ModelRef,
    problems: &'p mut Vec<ModelProblem>,
}

impl Resolver<'_, '_> {
    fn report(&mut self, problem: ModelProblem) {
        self.problems.push(problem);
    }

    fn table_name(&self) -> &str {
        &self.def.name
    }

    /// Names the user wrote that the database would truncate: PostgreSQL cuts silently at
    /// 63 bytes, and the cut name would then show up as drift on every run.
    fn check_identifiers(&mut self) {
        let def = self.def;
        if let Some(schema) = &def.schema {
            self.check_length(ObjectKind::Namespace, schema);
        }
        self.check_length(ObjectKind::Table, &def.name);
        for column in &def.columns {
            self.check_length(ObjectKind::Column, &column.name);
        }
        for index in &def.indexes {
            if let Some(name) = &index.name {
                self.check_length(ObjectKind::Index, name);
            }
        }
        for unique in &def.uniques {
            if let Some(name) = &unique.name {
                self.check_length(ObjectKind::Unique, name);
            }
        }
        if let Some(name) = &def.primary_key_name {
            self.check_length(ObjectKind::PrimaryKey, name);
        }
        for check in def.checks.iter().filter(|c| c.verbatim) {
            self.check_length(ObjectKind::Check, &check.name);
        }
        for exclusion in &def.exclusions {
            self.check_length(ObjectKind::Exclusion, &exclusion.name);
        }
        let stated_keys = def.foreign_keys.iter().filter_map(|k| k.name.as_deref());
        let column_keys = def.columns.iter().filter_map(|c| c.fk_name.as_deref());
        for name in stated_keys.chain(column_keys) {
            self.check_length(ObjectKind::ForeignKey, name);
        }
    }

    fn check_length(&mut self, kind: ObjectKind, name: &str) {
        if name.len() > MAX_IDENTIFIER_BYTES {
            self.report(ModelProblem::IdentifierTooLong {
                model: self.model.clone(),
                kind,
                name: name.to_string(),
            });
        }
    }

    /// An unqualified old name is in the table's own namespace: a rename does not move a
    /// table between namespaces unless it says so.
    fn table_renamed_from(&mut self) -> Option<QualifiedName> {
        let written = self.def.renamed_from.as_deref()?;
        let mut old = QualifiedName::parse(written);
        if old.schema.is_none() {
            old.schema.clone_from(&self.def.schema);
        }
        if old == self.model.table {
            self.report(ModelProblem::TableRenamedToItself {
                model: self.model.clone(),
                renamed_from: old.clone(),
            });
        }
        Some(old)
    }

    fn columns(&mut self) -> Vec<Column> {
        let defs = &self.def.columns;
        let mut seen: Vec<&ColumnDef> = Vec::with_capacity(defs.len());
        let mut columns = Vec::with_capacity(defs.len());
        for def in defs {
            if let Some(first) = seen.iter().find(|d| d.name == def.name) {
                self.report(ModelProblem::DuplicateColumn {
                    model: self.model.clone(),
                    column: def.name.clone(),
                    first_field: first.field,
                    second_field: def.field,
                });
            }
            seen.push(def);
            self.check_column_rename(def);
            if let (Some(generated), Some(default)) = (&def.generated, &def.default) {
                self.report(ModelProblem::GeneratedWithDefault {
                    model: self.model.clone(),
                    column: def.name.clone(),
                    generated: generated.clone(),
                    default: default.clone(),
                });
            }
            columns.push(Column {
                name: def.name.clone(),
                ty: self.column_type(def),
                nullable: def.nullable,
                default: def.default.clone(),
                identity: None,
                identity_sequence: None,
                autoincrement: def.autoincrement,
                collation: def.collation.clone(),
                generated: def.generated.clone(),
                generated_virtual: def.generated_virtual,
                comment: def.comment.clone(),
                renamed_from: def.renamed_from.clone(),
            });
        }
        columns
    }

    fn check_column_rename(&mut self, def: &ColumnDef) {
        let Some(old) = &def.renamed_from else {
            return;
        };
        if *old == def.name {
            self.report(ModelProblem::ColumnRenamedToItself {
                model: self.model.clone(),
                column: def.name.clone(),
            });
        } else if self.def.columns.iter().any(|c| c.name == *old) {
            self.report(ModelProblem::ColumnRenamedFromExisting {
                model: self.model.clone(),
                column: def.name.clone(),
                renamed_from: old.clone(),
            });
        }
    }

    /// `sql_type` replaces the Rust type's mapping; `max_length` narrows a text type.
    fn column_type(&mut self, def: &ColumnDef) -> ColumnType {
        let ty = match &def.sql_type {
            // MySQL's own sizes of text (`text` holds 64 KiB; a model's string is
            // `longtext`), kept as written so that they are what the database gets.
            Some(sql)
                if self.dialect == crate::dialect::Dialect::Mysql
                    && ["tinytext", "text", "mediumtext"]
                        .contains(&sql.trim().to_ascii_lowercase().as_str()) =>
            {
                ColumnType::Custom {
                    sql: sql.trim().to_ascii_lowercase(),
                }
            }
            Some(sql) => parse_sql_type(sql),
            None => def.ty.clone(),
        };
        let Some(length) = def.max_length else {
            return ty;
        };
        if let Some(sql) = &def.sql_type {
            self.report(ModelProblem::MaxLengthWithSqlType {
                model: self.model.clone(),
                column: def.name.clone(),
                sql_type: sql.clone(),
                max_length: length,
            });
            return ty;
        }
        match ty {
            ColumnType::Text | ColumnType::Varchar { .. } => ColumnType::Varchar {
                length: Some(length),
            },
            other => {
                self.report(ModelProblem::MaxLengthOnNonString {
                    model: self.model.clone(),
                    column: def.name.clone(),
                    max_length: length,
                    ty: other.clone(),
                });
                other
            }
        }
    }

    fn primary_key(&mut self, table: &Table) -> Option<PrimaryKey> {
        let fields: Vec<String> = self
            .def
            .columns
            .iter()
            .filter(|c| c.primary_key)
            .map(|c| c.name.clone())
            .collect();
        let columns = match (&self.def.primary_key, fields.is_empty()) {
            (None, true) => {
                if !self.def.no_primary_key {
                    self.report(ModelProblem::MissingPrimaryKey {
                        model: self.model.clone(),
                    });
                }
                return None;
            }
            (None, false) => fields,
            (Some(table_level), true) => table_level.clone(),
            (Some(table_level), false) => {
                self.report(ModelProblem::PrimaryKeyDeclaredTwice {
                    model: self.model.clone(),
                    fields,
                    table_level: table_level.clone(),
                });
                return None;
            }
        };
        if self.def.no_primary_key {
            self.report(ModelProblem::PrimaryKeyOnKeylessTable {
                model: self.model.clone(),
                columns,
            });
            return None;
        }
        let name = match &self.def.primary_key_name {
            Some(name) => name.clone(),
            None => self.naming.primary_key(self.table_name()),
        };
        if !self.check_column_list(table, ObjectKind::PrimaryKey, &name, None, &columns) {
            return None;
        }
        self.check_key_nullability(table, &columns);
        Some(PrimaryKey { name, columns })
    }

    fn check_key_nullability(&mut self, table: &Table, columns: &[String]) {
        for name in columns {
            if table.column(name).is_some_and(|c| c.nullable) {
                self.report(ModelProblem::NullablePrimaryKeyColumn {
                    model: self.model.clone(),
                    column: name.clone(),
                });
            }
        }
    }

    /// Checks the column list of a key, unique constraint or index; false when it is empty
    /// or names a column the table lacks (the object is then left out of the table).
    fn check_column_list(
        &mut self,
        table: &Table,
        kind: ObjectKind,
        name: &str,
        explicit_name: Option<&str>,
        columns: &[String],
    ) -> bool {
        if columns.is_empty() {
            self.report(ModelProblem::EmptyColumnList {
                model: self.model.clone(),
                kind,
                name: explicit_name.map(str::to_string),
            });
            return false;
        }
        let mut ok = true;
        let mut seen = HashSet::new();
        for column in columns {
            if table.column(column).is_none() {
                ok = false;
                self.report(ModelProblem::UnknownColumn {
                    model: self.model.clone(),
                    kind,
                    name: name.to_string(),
                    column: column.clone(),
                });
            } else if !seen.insert(column.as_str()) {
                self.report(ModelProblem::RepeatedColumn {
                    model: self.model.clone(),
                    kind,
                    name: name.to_string(),
                    column: column.clone(),
                });
            }
        }
        ok
    }

    /// A lone integer primary key is an identity column unless `identity = false`; an
    /// explicit `identity = true` (or `"always"`) makes any integer column one. Where only
    /// PostgreSQL can hold that (off the lone key, or `always`), the dialect check says so.
    fn apply_identity(&mut self, table: &mut Table) {
        let key: Vec<String> = table
            .primary_key
            .as_ref()
            .map_or_else(Vec::new, |pk| pk.columns.clone());
        let defs = self.def;
        for (def, column) in defs.columns.iter().zip(table.columns.iter_mut()) {
            let options = def.identity_start.is_some() || def.identity_increment.is_some();
            let explicit = def.identity == Some(true) || def.identity_always || options;
            let wanted = match def.identity {
                Some(false) if !def.identity_always => false,
                None if !explicit => {
                    key.len() == 1 && key[0] == column.name && column.ty.is_integer()
                }
                _ if column.ty.is_integer() => true,
                _ => {
                    self.report(ModelProblem::IdentityOnNonInteger {
                        model: self.model.clone(),
                        column: column.name.clone(),
                        ty: column.ty.clone(),
                    });
                    false
                }
            };
            if !wanted {
                if options {
                    self.report(ModelProblem::SequenceOptionsWithoutIdentity {
                        model: self.model.clone(),
                        column: column.name.clone(),
                    });
                }
                continue;
            }
            if def.identity_increment == Some(0) {
                self.report(ModelProblem::IdentityIncrementZero {
                    model: self.model.clone(),
                    column: column.name.clone(),
                });
            }
            column.identity_sequence = IdentitySequence::of(
                def.identity_start.unwrap_or(1),
                def.identity_increment.unwrap_or(1),
            );
            if column.generated.is_some() {
                self.report(ModelProblem::GeneratedWithDefault {
                    model: self.model.clone(),
                    column: column.name.clone(),
                    generated: column.generated.clone().unwrap_or_default(),
                    default: "an identity".into(),
                });
            }
            if let Some(default) = &column.default {
                self.report(ModelProblem::IdentityWithDefault {
                    model: self.model.clone(),
                    column: column.name.clone(),
                    default: default.clone(),
                });
            }
            column.identity = Some(if def.identity_always {
                Identity::Always
            } else {
                Identity::ByDefault
            });
        }
    }

    fn uniques(&mut self, table: &Table) -> Vec<UniqueConstraint> {
        let mut uniques: Vec<UniqueConstraint> = self
            .def
            .columns
            .iter()
            .filter(|c| c.unique)
            .map(|c| UniqueConstraint {
                name: self.naming.unique(self.table_name(), &[&c.name]),
                columns: vec![c.name.clone()],
            })
            .collect();
        for def in &self.def.uniques {
            if let Some(unique) = self.table_unique(table, def) {
                uniques.push(unique);
            }
        }
        uniques
    }

    fn table_unique(&mut self, table: &Table, def: &UniqueDef) -> Option<UniqueConstraint> {
        let name = def
            .name
            .clone()
            .unwrap_or_else(|| self.naming.unique(self.table_name(), &def.columns));
        let explicit = def.name.as_deref();
        self.check_column_list(table, ObjectKind::Unique, &name, explicit, &def.columns)
            .then(|| UniqueConstraint {
                name,
                columns: def.columns.clone(),
            })
    }

    fn indexes(&mut self, table: &Table) -> Vec<Index> {
        let mut indexes: Vec<Index> = self
            .def
            .columns
            .iter()
            .filter(|c| c.index)
            .map(|c| Index {
                name: self.naming.index(self.table_name(), &[&c.name]),
                parts: vec![IndexPart::Column(c.name.clone())],
                unique: false,
                predicate: None,
                method: None,
                part_options: Vec::new(),
                include: Vec::new(),
                nulls_not_distinct: false,
            })
            .collect();
        for def in &self.def.indexes {
            if let Some(index) = self.table_index(table, def) {
                indexes.push(index);
            }
        }
        indexes
    }

    /// A generated name is `ix_...` even for a unique index, so that it never collides with
    /// the `uq_...` of a unique constraint on the same columns. An index over an
    /// expression has no name to generate: it must state one.
    fn table_index(&mut self, table: &Table, def: &IndexDef) -> Option<Index> {
        let explicit = def.name.as_deref();
        let (parts, part_options) = if def.parts.is_empty() {
            let parts = def.columns.iter().cloned().map(IndexPart::Column).collect();
            (parts, Vec::new())
        } else {
            self.index_parts(def)?
        };
        let columns: Vec<String> = parts
            .iter()
            .filter_map(|p| match p {
                IndexPart::Column(c) => Some(c.clone()),
                IndexPart::Expression(_) => None,
            })
            .collect();
        let name = match &def.name {
            Some(name) => name.clone(),
            None if columns.len() < parts.len() => {
                self.report(ModelProblem::ExpressionIndexWithoutName {
                    model: self.model.clone(),
                    parts: def.parts.clone(),
                });
                return None;
            }
            None => self.naming.index(self.table_name(), &columns),
        };
        if !columns.is_empty() || def.parts.is_empty() {
            let listed =
                self.check_column_list(table, ObjectKind::Index, &name, explicit, &columns);
            if !listed {
                return None;
            }
        }
        if !def.include.is_empty()
            && !self.check_column_list(table, ObjectKind::Index, &name, explicit, &def.include)
        {
            return None;
        }
        Some(Index {
            name,
            parts,
            unique: def.unique,
            predicate: def.predicate.clone(),
            method: def
                .method
                .as_deref()
                .map(str::to_ascii_lowercase)
                .filter(|m| m != "btree"),
            part_options,
            include: def.include.clone(),
            nulls_not_distinct: def.nulls_not_distinct,
        })
    }

    /// `parts(..)` read into key parts and their options (empty when no part has any).
    fn index_parts(&mut self, def: &IndexDef) -> Option<(Vec<IndexPart>, Vec<String>)> {
        let mut parts = Vec::new();
        let mut options = Vec::new();
        for text in &def.parts {
            match super::parts::parse(text) {
                Ok(part) => {
                    parts.push(part.key);
                    options.push(part.options);
                }
                Err(why) => {
                    self.report(ModelProblem::InvalidIndexPart {
                        model: self.model.clone(),
                        part: text.clone(),
                        why,
                    });
                    return None;
                }
            }
        }
        if options.iter().all(String::is_empty) {
            options.clear();
        }
        Some((parts, options))
    }

    fn checks(&self) -> Vec<CheckConstraint> {
        let column_checks = self.def.columns.iter().filter_map(|c| {
            c.check.as_ref().map(|expression| CheckConstraint {
                name: self.naming.check(self.table_name(), &c.name),
                expression: expression.clone(),
                not_valid: false,
            })
        });
        let table_checks = self.def.checks.iter().map(|c| CheckConstraint {
            name: if c.verbatim {
                c.name.clone()
            } else {
                self.naming.check(self.table_name(), &c.name)
            },
            expression: c.expression.clone(),
            not_valid: c.not_valid,
        });
        column_checks.chain(table_checks).collect()
    }

    /// The exclusion constraints, each with its definition assembled; one without elements
    /// is reported (the derive refuses it first).
    fn exclusions(&mut self) -> Vec<ExclusionConstraint> {
        let mut exclusions = Vec::new();
        for def in &self.def.exclusions {
            if def.elements.is_empty() {
                self.problems.push(ModelProblem::ExclusionWithoutElements {
                    model: self.model.clone(),
                    name: def.name.clone(),
                });
                continue;
            }
            exclusions.push(ExclusionConstraint {
                name: def.name.clone(),
                definition: def.definition(),
            });
        }
        exclusions
    }

    fn references(&mut self, table: &Table) -> Vec<PendingReference> {
        let mut pending = Vec::new();
        for def in &self.def.columns {
            self.check_actions(def);
            let Some(written) = &def.references else {
                continue;
            };
            let actions = (def.on_delete, def.on_update);
            self.check_set_null(table, std::slice::from_ref(&def.name), actions);
            match parse_reference(written) {
                Some((target, referenced_column)) => pending.push(PendingReference {
                    columns: vec![def.name.clone()],
                    written: written.clone(),
                    table: target,
                    referenced_columns: vec![referenced_column],
                    on_delete: def.on_delete.unwrap_or_default(),
                    on_update: def.on_update.unwrap_or_default(),
                    name: def.fk_name.clone(),
                    deferrable: false,
                    initially_deferred: false,
                    not_valid: false,
                    external: def.external,
                }),
                None => self.report(ModelProblem::InvalidReference {
                    model: self.model.clone(),
                    column: def.name.clone(),
                    reference: written.clone(),
                }),
            }
        }
        for def in &self.def.foreign_keys {
            if let Some(reference) = self.table_foreign_key(table, def) {
                let actions = (def.on_delete, def.on_update);
                self.check_set_null(table, &reference.columns, actions);
                pending.push(reference);
            }
        }
        pending
    }

    /// A table-level `foreign_key(...)`: its own columns are checked here, the referenced
    /// ones with the other models.
    fn table_foreign_key(
        &mut self,
        table: &Table,
        def: &ForeignKeyDef,
    ) -> Option<PendingReference> {
        let written = format!(
            "{}({})",
            def.referenced_table,
            def.referenced_columns.join(", ")
        );
        let label = def.name.clone().unwrap_or_else(|| written.clone());
        let explicit = def.name.as_deref();
        if !self.check_column_list(
            table,
            ObjectKind::ForeignKey,
            &label,
            explicit,
            &def.columns,
        ) {
            return None;
        }
        let target = QualifiedName::parse(&def.referenced_table);
        if def.columns.len() != def.referenced_columns.len()
            || def.referenced_table.split('.').count() > 2
        {
            self.report(ModelProblem::ForeignKeyArity {
                model: self.model.clone(),
                columns: def.columns.clone(),
                reference: written,
            });
            return None;
        }
        Some(PendingReference {
            columns: def.columns.clone(),
            written,
            table: target,
            referenced_columns: def.referenced_columns.clone(),
            on_delete: def.on_delete.unwrap_or_default(),
            on_update: def.on_update.unwrap_or_default(),
            name: def.name.clone(),
            deferrable: def.deferrable || def.initially_deferred,
            initially_deferred: def.initially_deferred,
            not_valid: def.not_valid,
            external: def.external,
        })
    }

    fn check_actions(&mut self, def: &ColumnDef) {
        for (action, value) in [("on_delete", def.on_delete), ("on_update", def.on_update)] {
            if value.is_some() && def.references.is_none() {
                self.report(ModelProblem::ActionWithoutReference {
                    model: self.model.clone(),
                    column: def.name.clone(),
                    action,
                });
            }
        }
    }

    /// `set null` needs every referencing column to hold NULL, whichever way the key is
    /// written.
    fn check_set_null(
        &mut self,
        table: &Table,
        columns: &[String],
        (on_delete, on_update): (Option<ForeignKeyAction>, Option<ForeignKeyAction>),
    ) {
        for (action, value) in [("on_delete", on_delete), ("on_update", on_update)] {
            if value != Some(ForeignKeyAction::SetNull) {
                continue;
            }
            for name in columns {
                if table.column(name).is_some_and(|c| !c.nullable) {
                    self.report(ModelProblem::SetNullOnNotNullColumn {
                        model: self.model.clone(),
                        column: name.clone(),
                        action,
                    });
                }
            }
        }
    }
}

/// Parses `table.column` (a table in the default namespace) or `schema.table.column`.
///
/// An unqualified name means the default namespace wherever it is written, as it does in
/// SQL (`REFERENCES users` follows the search path, not the referencing table's schema)
/// and in SQLAlchemy; resolving it against the referencing table's namespace instead would
/// leave a namespaced table no way to name a table of the default one. Deliberately no
/// search across namespaces: what a reference means must not change when a model is added.
fn parse_reference(text: &str) -> Option<(QualifiedName, String)> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || p.chars().any(char::is_whitespace))
    {
        return None;
    }
    match parts.as_slice() {
        [table, column] => Some((QualifiedName::new(*table), (*column).to_string())),
        [schema, table, column] => Some((
            QualifiedName::with_schema(*schema, *table),
            (*column).to_string(),
        )),
        _ => None,
    }
}

/// The names the naming convention gave (every name but the ones the model states: a
/// unique's, an index's, the primary key's, a verbatim check's), which the diff matches
/// with the database's by structure. Foreign keys are added when they are resolved.
fn conventional_names(def: &TableDef, table: &Table) -> BTreeSet<String> {
    let stated: BTreeSet<&str> = def
        .uniques
        .iter()
        .filter_map(|u| u.name.as_deref())
        .chain(def.indexes.iter().filter_map(|i| i.name.as_deref()))
        .chain(def.primary_key_name.as_deref())
        .chain(
            def.checks
                .iter()
                .filter(|c| c.verbatim)
                .map(|c| c.name.as_str()),
        )
        .collect();
    let primary_key = table.primary_key.iter().map(|k| &k.name);
    let uniques = table.uniques.iter().map(|u| &u.name);
    let indexes = table.indexes.iter().map(|i| &i.name);
    let checks = table.checks.iter().map(|c| &c.name);
    primary_key
        .chain(uniques)
        .chain(indexes)
        .chain(checks)
        .filter(|name| !stated.contains(name.as_str()))
        .cloned()
        .collect()
}

/// The enum types the table's columns actually use: an `sql_type` that replaces a DbEnum
/// field's type (storing it as text, say) does not create the enum type.
fn enums_in_use(def: &TableDef, table: &Table) -> Vec<(String, EnumType)> {
    def.columns
        .iter()
        .zip(&table.columns)
        .filter_map(|(d, c)| {
            let e = d.enum_type.as_ref()?;
            mentions_enum(&c.ty, &e.name).then(|| (c.name.clone(), e.clone()))
        })
        .collect()
}

fn mentions_enum(ty: &ColumnType, name: &QualifiedName) -> bool {
    match ty {
        ColumnType::Enum { name: used } => used == name,
        ColumnType::Array { element } => mentions_enum(element, name),
        _ => false,
    }
}
