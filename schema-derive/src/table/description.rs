//! The model as one text, the *description* that `schema_runtime`'s `statics` module reads
//! back into a `TableDef` (its module documentation gives the format). Every part of the
//! model is taken apart without `..`, so a part added to the model does not compile until
//! it is written here.

use super::model::{
    Check, Column, ColumnVariant, Exclusion, ForeignKey, Index, Key, ReferentialAction, Table,
    TableVariant, Unique,
};
use crate::args::{ColumnRef, DialectName, IdentityArg};

/// The description of `table`.
pub fn table(table: &Table) -> String {
    let Table {
        ident: _,
        name,
        schema,
        comment,
        renamed_from,
        columns,
        skipped: _,
        primary_key,
        indexes,
        uniques,
        checks,
        foreign_keys,
        exclusions,
        partition_by,
        no_primary_key,
        variants,
    } = table;
    let mut out = Writer::default();
    out.text('n', name);
    out.opt('s', schema);
    out.opt('m', comment);
    out.opt('r', renamed_from);
    out.opt('p', partition_by);
    if let Some(Key {
        key: _,
        name,
        columns,
    }) = primary_key
    {
        out.opt('K', name);
        out.names('k', columns);
    }
    out.flag('x', no_primary_key.is_some());
    for item in columns {
        out.group('c', |out| column(out, item));
    }
    for item in foreign_keys {
        out.group('f', |out| foreign_key(out, item));
    }
    for item in indexes {
        out.group('i', |out| index(out, item));
    }
    for item in uniques {
        out.group('u', |out| unique(out, item));
    }
    for item in checks {
        out.group('h', |out| check(out, item));
    }
    for item in exclusions {
        out.group('e', |out| exclusion(out, item));
    }
    for item in variants {
        out.group('v', |out| table_variant(out, item));
    }
    out.0
}

fn column(out: &mut Writer, column: &Column) {
    let Column {
        field,
        ty: _,
        name,
        name_span: _,
        sql_type,
        max_length,
        primary_key,
        identity,
        identity_start,
        identity_increment,
        default,
        generated,
        generated_virtual,
        unique,
        index,
        references,
        fk_name,
        external,
        on_delete,
        on_update,
        check,
        collation,
        comment,
        renamed_from,
        variants,
    } = column;
    out.text('F', field);
    out.text('n', name);
    out.opt('t', sql_type);
    if let Some((length, _)) = max_length {
        out.text('l', &length.to_string());
    }
    out.flag('P', primary_key.is_some());
    match identity {
        Some((IdentityArg::On(false), _)) => out.flag('O', true),
        Some((IdentityArg::On(true), _)) => out.flag('I', true),
        Some((IdentityArg::Always, _)) => {
            out.flag('I', true);
            out.flag('A', true);
        }
        None => {}
    }
    if let Some(start) = identity_start {
        out.text('S', &start.to_string());
    }
    if let Some(increment) = identity_increment {
        out.text('B', &increment.to_string());
    }
    out.opt('g', generated);
    out.flag('V', *generated_virtual);
    out.opt('d', default);
    out.flag('U', *unique);
    out.flag('X', *index);
    out.opt('R', references);
    out.opt('k', fk_name);
    out.flag('E', *external);
    out.action('D', *on_delete);
    out.action('W', *on_update);
    out.opt('h', check);
    out.opt('o', collation);
    out.opt('m', comment);
    out.opt('r', renamed_from);
    for item in variants {
        out.group('v', |out| column_variant(out, item));
    }
}

fn column_variant(out: &mut Writer, variant: &ColumnVariant) {
    let ColumnVariant {
        dialect,
        sql_type,
        default,
        check,
        collation,
        autoincrement,
    } = variant;
    out.text('a', dialect.variant());
    out.opt('t', sql_type);
    out.opt('d', default);
    out.opt('h', check);
    out.opt('o', collation);
    out.flag('A', *autoincrement);
}

fn table_variant(out: &mut Writer, variant: &TableVariant) {
    let TableVariant {
        dialect,
        name,
        schema,
        indexes,
        uniques,
        checks,
    } = variant;
    out.text('a', dialect.variant());
    out.opt('n', name);
    out.opt('s', schema);
    for item in indexes {
        out.group('i', |out| index(out, item));
    }
    for item in uniques {
        out.group('u', |out| unique(out, item));
    }
    for item in checks {
        out.group('h', |out| check(out, item));
    }
}

fn index(out: &mut Writer, index: &Index) {
    let Index {
        name,
        columns,
        parts,
        unique,
        predicate,
        method,
        include,
        nulls_not_distinct,
        dialects,
    } = index;
    out.opt('n', name);
    out.names('c', columns);
    out.flag('U', *unique);
    out.opt('w', predicate);
    for part in parts {
        out.text('x', part);
    }
    out.opt('m', method);
    out.names('j', include);
    out.flag('N', *nulls_not_distinct);
    out.dialects(dialects);
}

fn unique(out: &mut Writer, unique: &Unique) {
    let Unique {
        name,
        columns,
        dialects,
    } = unique;
    out.opt('n', name);
    out.names('c', columns);
    out.dialects(dialects);
}

fn check(out: &mut Writer, check: &Check) {
    let Check {
        name,
        expression,
        verbatim,
        not_valid,
        dialects,
    } = check;
    out.text('n', name);
    out.text('x', expression);
    out.flag('V', *verbatim);
    out.flag('N', *not_valid);
    out.dialects(dialects);
}

fn exclusion(out: &mut Writer, exclusion: &Exclusion) {
    let Exclusion {
        name,
        method,
        elements,
        predicate,
        deferrable,
        initially_deferred,
        dialects,
    } = exclusion;
    out.text('n', name);
    out.opt('m', method);
    for element in elements {
        out.text('x', element);
    }
    out.opt('w', predicate);
    out.flag('F', *deferrable);
    out.flag('I', *initially_deferred);
    out.dialects(dialects);
}

fn foreign_key(out: &mut Writer, key: &ForeignKey) {
    let ForeignKey {
        name,
        columns,
        referenced_table,
        referenced_columns,
        on_delete,
        on_update,
        deferrable,
        initially_deferred,
        external,
        not_valid,
        dialects,
    } = key;
    out.opt('n', name);
    out.names('c', columns);
    out.text('t', referenced_table);
    out.names('r', referenced_columns);
    out.action('D', *on_delete);
    out.action('W', *on_update);
    out.flag('F', *deferrable);
    out.flag('I', *initially_deferred);
    out.flag('E', *external);
    out.flag('N', *not_valid);
    out.dialects(dialects);
}

/// The description being written.
#[derive(Default)]
struct Writer(String);

impl Writer {
    /// `tag`, the byte length of `text`, `:`, `text`.
    fn text(&mut self, tag: char, text: &str) {
        self.0.push(tag);
        self.0.push_str(&text.len().to_string());
        self.0.push(':');
        self.0.push_str(text);
    }

    fn opt(&mut self, tag: char, text: &Option<String>) {
        if let Some(text) = text {
            self.text(tag, text);
        }
    }

    /// `tag` alone when `on`; nothing otherwise.
    fn flag(&mut self, tag: char, on: bool) {
        if on {
            self.0.push(tag);
        }
    }

    /// One entry per name, in order.
    fn names(&mut self, tag: char, names: &[ColumnRef]) {
        for name in names {
            self.text(tag, &name.name);
        }
    }

    fn dialects(&mut self, dialects: &[DialectName]) {
        for dialect in dialects {
            self.text('a', dialect.variant());
        }
    }

    fn action(&mut self, tag: char, action: Option<ReferentialAction>) {
        if let Some(action) = action {
            self.text(tag, action.variant());
        }
    }

    /// `tag{`, what `entries` writes, `}`.
    fn group(&mut self, tag: char, entries: impl FnOnce(&mut Self)) {
        self.0.push(tag);
        self.0.push('{');
        entries(self);
        self.0.push('}');
    }
}

#[cfg(test)]
mod tests {
    use super::Writer;

    #[test]
    fn texts_are_prefixed_with_their_byte_length() {
        let mut out = Writer::default();
        out.text('n', "é}");
        out.flag('x', true);
        out.flag('y', false);
        out.group('c', |out| out.text('F', ""));
        assert_eq!(out.0, "n3:é}xc{F0:}");
    }
}
