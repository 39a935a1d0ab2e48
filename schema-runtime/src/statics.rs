//! The form `#[derive(Table)]` writes a model in, and its one conversion into the owned
//! [`TableDef`] the registry reads.
//!
//! A model is one `static` [`StaticTable`]: the declaration as one text (the *description*)
//! and, per column, a function pointer to what the field's Rust type says through
//! [`SqlType`]. Text is the cheapest thing a compiler can be given: one literal per model
//! costs the type checker and the constant evaluator next to nothing, where a struct
//! literal per column (28 fields, each `&'static str` its own allocation) made the
//! models crate's build time mostly constant evaluation.
//!
//! # The description
//!
//! A sequence of entries. Each entry is a one-letter tag followed by its value:
//!
//! - a text: its length in bytes in decimal, `:`, then the bytes (`n9:region_10`);
//! - a group of entries: `{`, the entries, `}` (`c{F2:idn2:idP}` is a column);
//! - a flag: nothing (the next byte is another tag, a `}` or the end).
//!
//! Tags are scoped to the group they are in. Those of the table: `n` name, `s` schema,
//! `m` comment, `r` renamed from, `p` partition by, `K` primary key name, `k` a primary key
//! column (one entry each), `x` no primary key, and the groups `c` column, `f` foreign key,
//! `i` index, `u` unique, `h` check, `e` exclusion, `v` dialect variant.
//!
//! - column: `F` field, `n` name, `t` SQL type, `l` max length, `P` primary key, `I`
//!   identity on, `O` identity off, `A` identity always, `S` identity start, `B` identity
//!   increment, `g` generated, `V` generated virtual, `d` default, `U` unique, `X` index,
//!   `R` references, `k` foreign key name, `E` external, `D` on delete, `W` on update, `h`
//!   check, `o` collation, `m` comment, `r` renamed from, and `v` groups: dialect variants
//!   (`a` dialect, `t`, `d`, `h`, `o` as above, `A` autoincrement);
//! - foreign key: `n` name, `c` column, `t` referenced table, `r` referenced column, `D`
//!   on delete, `W` on update, `F` deferrable, `I` initially deferred, `E` external, `N`
//!   not valid, `a` dialect;
//! - index: `n` name, `c` column, `U` unique, `w` predicate, `x` part, `m` method, `j`
//!   included column, `N` nulls not distinct, `a` dialect;
//! - unique: `n` name, `c` column, `a` dialect;
//! - check: `n` name, `x` expression, `V` verbatim, `N` not valid, `a` dialect;
//! - exclusion: `n` name, `m` method, `x` element, `w` predicate, `F` deferrable, `I`
//!   initially deferred, `a` dialect;
//! - table variant: `a` dialect, `n` name, `s` schema, and `i`, `u`, `h` groups as above.
//!
//! Dialects and referential actions are written as their variant names (`Postgresql`,
//! `SetNull`). The derive and this module are released together; an entry this module does
//! not know means they are not, and is reported as such.

use std::fmt;

use crate::decl::{
    CheckDef, ColumnDef, ColumnVariant, ExclusionDef, ForeignKeyDef, IndexDef, TableDef,
    TableVariant, UniqueDef,
};
use crate::dialect::Dialect;
use crate::schema::{ColumnType, EnumType, ForeignKeyAction};
use crate::types::SqlType;

/// One model, as `#[derive(Table)]` writes it (the description's format is documented in
/// `schema-runtime/src/statics.rs`).
#[derive(Debug)]
pub struct StaticTable {
    /// The struct's name.
    pub rust_name: &'static str,
    /// The module the struct is in.
    pub module_path: &'static str,
    /// The declaration, encoded.
    pub description: &'static str,
    /// What each column's field type says, in the order of the columns.
    pub types: &'static [fn() -> FieldType],
}

/// What a field's Rust type says about its column.
#[derive(Debug)]
pub struct FieldType {
    /// The column type.
    pub ty: ColumnType,
    /// Whether the type admits NULL.
    pub nullable: bool,
    /// The enum type the column needs, if any.
    pub enum_type: Option<EnumType>,
}

/// [`FieldType`] for `T`: the one function the derive names per column.
pub fn field_type<T: SqlType>() -> FieldType {
    FieldType {
        ty: T::column_type(),
        nullable: T::NULLABLE,
        enum_type: T::enum_type(),
    }
}

impl StaticTable {
    /// The owned declaration the registry reads.
    ///
    /// # Panics
    ///
    /// When the description cannot be read, which happens only when the derive that wrote
    /// it is not the one released with this crate.
    pub fn to_def(&self) -> TableDef {
        match self.decode() {
            Ok(def) => def,
            Err(error) => panic!(
                "the declaration #[derive(Table)] wrote for `{}` ({}) cannot be read: {error}; \
                 schema-derive and schema-runtime must be the same release",
                self.rust_name, self.module_path
            ),
        }
    }

    fn decode(&self) -> Result<TableDef, DescriptionError> {
        let mut reader = Reader::new(self.description);
        let mut types = self.types.iter();
        let mut table = TableDef {
            rust_name: self.rust_name,
            module_path: self.module_path,
            ..TableDef::default()
        };
        let mut primary_key = Vec::new();
        while let Some((tag, value)) = reader.next()? {
            match tag {
                b'n' => table.name = reader.text(value)?.to_owned(),
                b's' => table.schema = Some(reader.text(value)?.to_owned()),
                b'm' => table.comment = Some(reader.text(value)?.to_owned()),
                b'r' => table.renamed_from = Some(reader.text(value)?.to_owned()),
                b'p' => table.partition_by = Some(reader.text(value)?.to_owned()),
                b'K' => table.primary_key_name = Some(reader.text(value)?.to_owned()),
                b'k' => primary_key.push(reader.text(value)?.to_owned()),
                b'x' => table.no_primary_key = reader.flag(value)?,
                b'c' => {
                    reader.group(value)?;
                    let field_type = types
                        .next()
                        .ok_or_else(|| reader.error("more columns than field types".to_owned()))?;
                    table.columns.push(column(&mut reader, field_type())?);
                }
                b'f' => {
                    reader.group(value)?;
                    table.foreign_keys.push(foreign_key(&mut reader)?);
                }
                b'i' => {
                    reader.group(value)?;
                    table.indexes.push(index(&mut reader)?);
                }
                b'u' => {
                    reader.group(value)?;
                    table.uniques.push(unique(&mut reader)?);
                }
                b'h' => {
                    reader.group(value)?;
                    table.checks.push(check(&mut reader)?);
                }
                b'e' => {
                    reader.group(value)?;
                    table.exclusions.push(exclusion(&mut reader)?);
                }
                b'v' => {
                    reader.group(value)?;
                    table.variants.push(table_variant(&mut reader)?);
                }
                _ => return Err(reader.unknown(tag, "the table")),
            }
        }
        if types.next().is_some() {
            return Err(reader.error("more field types than columns".to_owned()));
        }
        if !primary_key.is_empty() {
            table.primary_key = Some(primary_key);
        }
        Ok(table)
    }
}

fn column(reader: &mut Reader, field_type: FieldType) -> Result<ColumnDef, DescriptionError> {
    let FieldType {
        ty,
        nullable,
        enum_type,
    } = field_type;
    let mut column = ColumnDef {
        field: "",
        name: String::new(),
        ty,
        nullable,
        enum_type,
        sql_type: None,
        max_length: None,
        primary_key: false,
        identity: None,
        identity_always: false,
        identity_start: None,
        identity_increment: None,
        // Only a dialect variant (`sqlite(autoincrement)`) sets it.
        autoincrement: false,
        generated: None,
        generated_virtual: false,
        default: None,
        unique: false,
        index: false,
        references: None,
        fk_name: None,
        external: false,
        on_delete: None,
        on_update: None,
        check: None,
        collation: None,
        comment: None,
        renamed_from: None,
        variants: Vec::new(),
    };
    while let Some((tag, value)) = reader.next()? {
        match tag {
            b'F' => column.field = reader.text(value)?,
            b'n' => column.name = reader.text(value)?.to_owned(),
            b't' => column.sql_type = reader.owned(value)?,
            b'l' => column.max_length = Some(reader.number(value)?),
            b'P' => column.primary_key = reader.flag(value)?,
            b'I' => column.identity = Some(reader.flag(value)?),
            b'O' => column.identity = Some(!reader.flag(value)?),
            b'A' => column.identity_always = reader.flag(value)?,
            b'S' => column.identity_start = Some(reader.number(value)?),
            b'B' => column.identity_increment = Some(reader.number(value)?),
            b'g' => column.generated = reader.owned(value)?,
            b'V' => column.generated_virtual = reader.flag(value)?,
            b'd' => column.default = reader.owned(value)?,
            b'U' => column.unique = reader.flag(value)?,
            b'X' => column.index = reader.flag(value)?,
            b'R' => column.references = reader.owned(value)?,
            b'k' => column.fk_name = reader.owned(value)?,
            b'E' => column.external = reader.flag(value)?,
            b'D' => column.on_delete = Some(reader.action(value)?),
            b'W' => column.on_update = Some(reader.action(value)?),
            b'h' => column.check = reader.owned(value)?,
            b'o' => column.collation = reader.owned(value)?,
            b'm' => column.comment = reader.owned(value)?,
            b'r' => column.renamed_from = reader.owned(value)?,
            b'v' => {
                reader.group(value)?;
                column.variants.push(column_variant(reader)?);
            }
            _ => return Err(reader.unknown(tag, "a column")),
        }
    }
    Ok(column)
}

fn column_variant(reader: &mut Reader) -> Result<ColumnVariant, DescriptionError> {
    let mut variant = ColumnVariant {
        dialect: Dialect::default(),
        sql_type: None,
        default: None,
        check: None,
        collation: None,
        autoincrement: false,
    };
    while let Some((tag, value)) = reader.next()? {
        match tag {
            b'a' => variant.dialect = reader.dialect(value)?,
            b't' => variant.sql_type = reader.owned(value)?,
            b'd' => variant.default = reader.owned(value)?,
            b'h' => variant.check = reader.owned(value)?,
            b'o' => variant.collation = reader.owned(value)?,
            b'A' => variant.autoincrement = reader.flag(value)?,
            _ => return Err(reader.unknown(tag, "a column's dialect variant")),
        }
    }
    Ok(variant)
}

fn table_variant(reader: &mut Reader) -> Result<TableVariant, DescriptionError> {
    let mut variant = TableVariant::default();
    while let Some((tag, value)) = reader.next()? {
        match tag {
            b'a' => variant.dialect = reader.dialect(value)?,
            b'n' => variant.name = reader.owned(value)?,
            b's' => variant.schema = reader.owned(value)?,
            b'i' => {
                reader.group(value)?;
                variant.indexes.push(index(reader)?);
            }
            b'u' => {
                reader.group(value)?;
                variant.uniques.push(unique(reader)?);
            }
            b'h' => {
                reader.group(value)?;
                variant.checks.push(check(reader)?);
            }
            _ => return Err(reader.unknown(tag, "a table's dialect variant")),
        }
    }
    Ok(variant)
}

fn index(reader: &mut Reader) -> Result<IndexDef, DescriptionError> {
    let mut index = IndexDef::default();
    while let Some((tag, value)) = reader.next()? {
        match tag {
            b'n' => index.name = reader.owned(value)?,
            b'c' => index.columns.push(reader.text(value)?.to_owned()),
            b'U' => index.unique = reader.flag(value)?,
            b'w' => index.predicate = reader.owned(value)?,
            b'x' => index.parts.push(reader.text(value)?.to_owned()),
            b'm' => index.method = reader.owned(value)?,
            b'j' => index.include.push(reader.text(value)?.to_owned()),
            b'N' => index.nulls_not_distinct = reader.flag(value)?,
            b'a' => index.dialects.push(reader.dialect(value)?),
            _ => return Err(reader.unknown(tag, "an index")),
        }
    }
    Ok(index)
}

fn unique(reader: &mut Reader) -> Result<UniqueDef, DescriptionError> {
    let mut unique = UniqueDef::default();
    while let Some((tag, value)) = reader.next()? {
        match tag {
            b'n' => unique.name = reader.owned(value)?,
            b'c' => unique.columns.push(reader.text(value)?.to_owned()),
            b'a' => unique.dialects.push(reader.dialect(value)?),
            _ => return Err(reader.unknown(tag, "a unique constraint")),
        }
    }
    Ok(unique)
}

fn check(reader: &mut Reader) -> Result<CheckDef, DescriptionError> {
    let mut check = CheckDef::default();
    while let Some((tag, value)) = reader.next()? {
        match tag {
            b'n' => check.name = reader.text(value)?.to_owned(),
            b'x' => check.expression = reader.text(value)?.to_owned(),
            b'V' => check.verbatim = reader.flag(value)?,
            b'N' => check.not_valid = reader.flag(value)?,
            b'a' => check.dialects.push(reader.dialect(value)?),
            _ => return Err(reader.unknown(tag, "a check")),
        }
    }
    Ok(check)
}

fn exclusion(reader: &mut Reader) -> Result<ExclusionDef, DescriptionError> {
    let mut exclusion = ExclusionDef::default();
    while let Some((tag, value)) = reader.next()? {
        match tag {
            b'n' => exclusion.name = reader.text(value)?.to_owned(),
            b'm' => exclusion.method = reader.owned(value)?,
            b'x' => exclusion.elements.push(reader.text(value)?.to_owned()),
            b'w' => exclusion.predicate = reader.owned(value)?,
            b'F' => exclusion.deferrable = reader.flag(value)?,
            b'I' => exclusion.initially_deferred = reader.flag(value)?,
            b'a' => exclusion.dialects.push(reader.dialect(value)?),
            _ => return Err(reader.unknown(tag, "an exclusion constraint")),
        }
    }
    Ok(exclusion)
}

fn foreign_key(reader: &mut Reader) -> Result<ForeignKeyDef, DescriptionError> {
    let mut key = ForeignKeyDef::default();
    while let Some((tag, value)) = reader.next()? {
        match tag {
            b'n' => key.name = reader.owned(value)?,
            b'c' => key.columns.push(reader.text(value)?.to_owned()),
            b't' => key.referenced_table = reader.text(value)?.to_owned(),
            b'r' => key.referenced_columns.push(reader.text(value)?.to_owned()),
            b'D' => key.on_delete = Some(reader.action(value)?),
            b'W' => key.on_update = Some(reader.action(value)?),
            b'F' => key.deferrable = reader.flag(value)?,
            b'I' => key.initially_deferred = reader.flag(value)?,
            b'E' => key.external = reader.flag(value)?,
            b'N' => key.not_valid = reader.flag(value)?,
            b'a' => key.dialects.push(reader.dialect(value)?),
            _ => return Err(reader.unknown(tag, "a foreign key")),
        }
    }
    Ok(key)
}

/// A description that cannot be read, with the byte it stopped at.
#[derive(Debug)]
struct DescriptionError {
    at: usize,
    problem: String,
}

impl fmt::Display for DescriptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.problem, self.at)
    }
}

/// What follows a tag.
#[derive(Clone, Copy, Debug)]
enum Value {
    Text(&'static str),
    Flag,
    Group,
}

/// Reads a description entry by entry, one group at a time.
struct Reader {
    text: &'static str,
    at: usize,
    depth: usize,
}

impl Reader {
    fn new(text: &'static str) -> Self {
        Reader {
            text,
            at: 0,
            depth: 0,
        }
    }

    /// The next entry of the group being read; `None` at its end (the `}`, or the end of
    /// the description for the table itself).
    fn next(&mut self) -> Result<Option<(u8, Value)>, DescriptionError> {
        let bytes = self.text.as_bytes();
        let Some(&tag) = bytes.get(self.at) else {
            if self.depth > 0 {
                return Err(self.error("a group is not closed".to_owned()));
            }
            return Ok(None);
        };
        if tag == b'}' {
            if self.depth == 0 {
                return Err(self.error("a `}` closes no group".to_owned()));
            }
            self.depth -= 1;
            self.at += 1;
            return Ok(None);
        }
        if !tag.is_ascii_alphabetic() {
            return Err(self.error(format!("`{}` is not a tag", char::from(tag))));
        }
        self.at += 1;
        let value = match bytes.get(self.at) {
            Some(b'{') => {
                self.at += 1;
                Value::Group
            }
            Some(digit) if digit.is_ascii_digit() => {
                let start = self.at;
                let colon = bytes[start..]
                    .iter()
                    .position(|b| *b == b':')
                    .map(|offset| start + offset)
                    .ok_or_else(|| self.error("a text has no `:` after its length".to_owned()))?;
                let length: usize = self.text[start..colon]
                    .parse()
                    .map_err(|_| self.error("a text's length is not a number".to_owned()))?;
                let end = colon + 1 + length;
                let value = self
                    .text
                    .get(colon + 1..end)
                    .ok_or_else(|| self.error("a text runs past the end".to_owned()))?;
                self.at = end;
                Value::Text(value)
            }
            _ => Value::Flag,
        };
        Ok(Some((tag, value)))
    }

    fn error(&self, problem: String) -> DescriptionError {
        DescriptionError {
            at: self.at,
            problem,
        }
    }

    fn unknown(&self, tag: u8, group: &str) -> DescriptionError {
        self.error(format!("`{}` is no entry of {group}", char::from(tag)))
    }

    fn text(&self, value: Value) -> Result<&'static str, DescriptionError> {
        match value {
            Value::Text(text) => Ok(text),
            _ => Err(self.error("a text was expected".to_owned())),
        }
    }

    fn owned(&self, value: Value) -> Result<Option<String>, DescriptionError> {
        self.text(value).map(|text| Some(text.to_owned()))
    }

    fn flag(&self, value: Value) -> Result<bool, DescriptionError> {
        match value {
            Value::Flag => Ok(true),
            _ => Err(self.error("a flag was expected".to_owned())),
        }
    }

    /// Enters the group `value` opened.
    fn group(&mut self, value: Value) -> Result<(), DescriptionError> {
        match value {
            Value::Group => {
                self.depth += 1;
                Ok(())
            }
            _ => Err(self.error("a group was expected".to_owned())),
        }
    }

    fn number<T: std::str::FromStr>(&self, value: Value) -> Result<T, DescriptionError> {
        let text = self.text(value)?;
        text.parse()
            .map_err(|_| self.error(format!("`{text}` is not a number in range")))
    }

    fn dialect(&self, value: Value) -> Result<Dialect, DescriptionError> {
        match self.text(value)? {
            "Postgresql" => Ok(Dialect::Postgresql),
            "Mysql" => Ok(Dialect::Mysql),
            "Sqlite" => Ok(Dialect::Sqlite),
            other => Err(self.error(format!("`{other}` is not a dialect"))),
        }
    }

    fn action(&self, value: Value) -> Result<ForeignKeyAction, DescriptionError> {
        match self.text(value)? {
            "NoAction" => Ok(ForeignKeyAction::NoAction),
            "Restrict" => Ok(ForeignKeyAction::Restrict),
            "Cascade" => Ok(ForeignKeyAction::Cascade),
            "SetNull" => Ok(ForeignKeyAction::SetNull),
            "SetDefault" => Ok(ForeignKeyAction::SetDefault),
            other => Err(self.error(format!("`{other}` is not a referential action"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn integer() -> FieldType {
        field_type::<i64>()
    }

    /// The field types of a test model.
    type Types = &'static [fn() -> FieldType];

    fn table(description: &'static str, types: Types) -> StaticTable {
        StaticTable {
            rust_name: "Order",
            module_path: "shop::orders",
            description,
            types,
        }
    }

    #[test]
    fn a_description_reads_into_the_declaration() {
        let def = table(
            "n6:orderss4:shopk2:idc{F2:idn2:idPA}c{F5:totaln9:total_eurd1:0v{a6:Sqlitet4:real}}\
             f{c5:totalt5:pricer2:idD7:Cascadea10:Postgresql}i{n3:ix1x8:lower(x)U}",
            &[integer, integer],
        )
        .decode()
        .map_err(|e| e.to_string());
        let def = def.as_ref().map_err(String::as_str);
        let Ok(def) = def else {
            panic!("{def:?}");
        };
        assert_eq!(def.name, "orders");
        assert_eq!(def.schema.as_deref(), Some("shop"));
        assert_eq!(def.primary_key, Some(vec!["id".to_owned()]));
        assert_eq!(def.columns.len(), 2);
        assert!(def.columns[0].primary_key && def.columns[0].identity_always);
        assert_eq!(def.columns[1].field, "total");
        assert_eq!(def.columns[1].name, "total_eur");
        assert_eq!(def.columns[1].default.as_deref(), Some("0"));
        assert_eq!(def.columns[1].variants[0].dialect, Dialect::Sqlite);
        assert_eq!(def.columns[1].variants[0].sql_type.as_deref(), Some("real"));
        assert_eq!(def.foreign_keys[0].referenced_table, "price");
        assert_eq!(
            def.foreign_keys[0].on_delete,
            Some(ForeignKeyAction::Cascade)
        );
        assert_eq!(def.foreign_keys[0].dialects, vec![Dialect::Postgresql]);
        assert_eq!(def.indexes[0].parts, vec!["lower(x)".to_owned()]);
        assert!(def.indexes[0].unique);
    }

    #[test]
    fn texts_hold_any_bytes_their_length_covers() {
        // Braces, colons, digits and a multi-byte character inside a text are its own.
        let def = table("n10:a}{:9é\"`c", &[])
            .decode()
            .map_err(|e| e.to_string());
        assert_eq!(def.map(|d| d.name), Ok("a}{:9é\"`c".to_owned()));
    }

    #[test]
    fn a_malformed_description_says_where() {
        let cases: [(&'static str, Types, &str); 7] = [
            ("n5:abc", &[], "a text runs past the end at byte 1"),
            ("c{F1:a", &[integer], "a group is not closed at byte 6"),
            ("n1:a}", &[], "a `}` closes no group at byte 4"),
            ("q1:a", &[], "`q` is no entry of the table at byte 4"),
            ("c{F1:a}", &[], "more columns than field types at byte 2"),
            (
                "n1:a",
                &[integer],
                "more field types than columns at byte 4",
            ),
            (
                "c{l2:-1}",
                &[integer],
                "`-1` is not a number in range at byte 7",
            ),
        ];
        for (description, types, expected) in cases {
            let error = table(description, types).decode().map(|_| ());
            assert_eq!(
                error.map_err(|e| e.to_string()),
                Err(expected.to_owned()),
                "{description}"
            );
        }
    }

    #[test]
    #[should_panic(
        expected = "the declaration #[derive(Table)] wrote for `Order` (shop::orders) cannot be read"
    )]
    fn to_def_names_the_model_whose_description_is_unreadable() {
        table("n", &[]).to_def();
    }
}
