//! Argument types shared by `#[table]`, `#[column]` and `#[db_enum]`. Each parses one
//! `key`, `key = value` or `key(...)` and remembers where it was written, so that the later
//! checks can point at the exact token, and each says in a sentence what it expected.

use std::fmt::Display;

use darling::{ast::NestedMeta, Error, FromMeta, Result};
use proc_macro2::Span;
use syn::{spanned::Spanned, Expr, Lit, Meta, Path};

/// An error with a message at `span`.
pub fn error_at(span: Span, message: impl Display) -> Error {
    syn::Error::new(span, message).into()
}

/// An error at the tokens of `node` (all of them where the compiler can join spans, else the
/// first).
pub fn error_spanned(node: impl Spanned, message: impl Display) -> Error {
    error_at(node.span(), message)
}

fn key_name(path: &Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

/// A literal type a `key = value` argument can hold.
pub trait ArgValue: Sized {
    /// The sentence shown when the value has the wrong form, for the argument `key`.
    fn expected(key: &str) -> String;

    /// The value of a bare `key`, if that form is allowed.
    fn from_word() -> Option<Self> {
        None
    }

    /// The value of `key = <lit>`, if the literal has the right type.
    fn from_lit(lit: &Lit) -> Option<Self>;

    /// The value of `key = <expr>`: a literal, unless the type reads more.
    fn from_expr(expr: &Expr) -> Option<Self> {
        literal(expr).and_then(Self::from_lit)
    }
}

impl ArgValue for String {
    fn expected(key: &str) -> String {
        format!("`{key}` takes a string literal, like `{key} = \"...\"`")
    }

    fn from_lit(lit: &Lit) -> Option<Self> {
        match lit {
            Lit::Str(s) => Some(s.value()),
            _ => None,
        }
    }
}

impl ArgValue for u32 {
    fn expected(key: &str) -> String {
        format!("`{key}` takes a whole number, like `{key} = 40`")
    }

    fn from_lit(lit: &Lit) -> Option<Self> {
        match lit {
            Lit::Int(n) => n.base10_parse().ok(),
            _ => None,
        }
    }
}

impl ArgValue for i64 {
    fn expected(key: &str) -> String {
        format!("`{key}` takes a whole number, like `{key} = 1000` or `{key} = -1`")
    }

    fn from_lit(lit: &Lit) -> Option<Self> {
        match lit {
            Lit::Int(n) => n.base10_parse().ok(),
            _ => None,
        }
    }

    /// A negative number is the literal behind a `-`.
    fn from_expr(expr: &Expr) -> Option<Self> {
        match expr {
            Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Neg(_)) => {
                <Self as ArgValue>::from_expr(&unary.expr).and_then(i64::checked_neg)
            }
            Expr::Group(group) => <Self as ArgValue>::from_expr(&group.expr),
            _ => literal(expr).and_then(Self::from_lit),
        }
    }
}

impl ArgValue for bool {
    fn expected(key: &str) -> String {
        format!("`{key}` takes `true` or `false`, like `{key} = false`")
    }

    fn from_word() -> Option<Self> {
        Some(true)
    }

    fn from_lit(lit: &Lit) -> Option<Self> {
        match lit {
            Lit::Bool(b) => Some(b.value),
            _ => None,
        }
    }
}

/// `identity`, `identity = true | false`, or `identity = "always"` / `"by default"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentityArg {
    /// `true` / `false` (a bare `identity` is `true`): by default, or none.
    On(bool),
    /// `"always"`: `GENERATED ALWAYS AS IDENTITY`.
    Always,
}

impl ArgValue for IdentityArg {
    fn expected(key: &str) -> String {
        format!("`{key}` takes `true`, `false`, \"always\" or \"by default\", like `{key} = \"always\"`")
    }

    fn from_word() -> Option<Self> {
        Some(Self::On(true))
    }

    fn from_lit(lit: &Lit) -> Option<Self> {
        match lit {
            Lit::Bool(b) => Some(Self::On(b.value)),
            Lit::Str(s) => match s.value().to_ascii_lowercase().replace('_', " ").as_str() {
                "always" => Some(Self::Always),
                "by default" => Some(Self::On(true)),
                _ => None,
            },
            _ => None,
        }
    }
}

/// A `key = value` argument with the spans of its key and of its value.
#[derive(Clone, Debug)]
pub struct Arg<T> {
    /// The parsed value.
    pub value: T,
    /// Where the key was written.
    pub key: Span,
    /// Where the value was written (the key's span for a bare `key`).
    pub span: Span,
}

/// Looks through the invisible groups a `macro_rules!` wraps around fragments.
fn literal(expr: &Expr) -> Option<&Lit> {
    match expr {
        Expr::Lit(lit) => Some(&lit.lit),
        Expr::Group(group) => literal(&group.expr),
        _ => None,
    }
}

impl<T: ArgValue> FromMeta for Arg<T> {
    fn from_meta(item: &Meta) -> Result<Self> {
        let name = key_name(item.path());
        let key = item.path().span();
        match item {
            Meta::Path(_) => T::from_word()
                .map(|value| Arg {
                    value,
                    key,
                    span: key,
                })
                .ok_or_else(|| error_at(key, T::expected(&name))),
            Meta::NameValue(nv) => T::from_expr(&nv.value)
                .map(|value| Arg {
                    value,
                    key,
                    span: nv.value.span(),
                })
                .ok_or_else(|| error_spanned(&nv.value, T::expected(&name))),
            Meta::List(_) => Err(error_spanned(item, T::expected(&name))),
        }
    }
}

/// A bare `key` that is either present or absent, like `primary_key`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Word(Option<Span>);

impl Word {
    /// Where the word was written, if it was.
    pub fn span(self) -> Option<Span> {
        self.0
    }

    /// Whether the word was written.
    pub fn is_present(self) -> bool {
        self.0.is_some()
    }
}

impl FromMeta for Word {
    fn from_none() -> Option<Self> {
        Some(Word(None))
    }

    fn from_meta(item: &Meta) -> Result<Self> {
        match item {
            Meta::Path(path) => Ok(Word(Some(path.span()))),
            _ => {
                let name = key_name(item.path());
                Err(error_spanned(
                    item,
                    format!("`{name}` is a flag and takes no value: write just `{name}`"),
                ))
            }
        }
    }
}

/// A `key(...)` argument whose contents are parsed as `T`, with the span of its key.
#[derive(Clone, Debug)]
pub struct Item<T> {
    /// The parsed contents.
    pub value: T,
    /// Where the key was written.
    pub key: Span,
}

/// The contents of a `key(...)` argument.
pub trait ListValue: FromMeta {
    /// How the argument is written, for the message when it is written some other way.
    const USAGE: &'static str;
}

impl<T: ListValue> FromMeta for Item<T> {
    fn from_meta(item: &Meta) -> Result<Self> {
        let key = item.path().span();
        match item {
            Meta::List(_) => T::from_meta(item).map(|value| Item { value, key }),
            _ => Err(error_spanned(
                item,
                format!(
                    "`{}` takes a list in parentheses, like `{}`",
                    key_name(item.path()),
                    T::USAGE
                ),
            )),
        }
    }
}

/// A column name inside `columns(...)`, with where it was written.
#[derive(Clone, Debug)]
pub struct ColumnRef {
    /// The name as written.
    pub name: String,
    /// The string literal's span.
    pub span: Span,
}

/// `columns("a", "b")`: column names as string literals, in order.
#[derive(Clone, Debug, Default)]
pub struct ColumnList(pub Vec<ColumnRef>);

impl FromMeta for ColumnList {
    fn from_list(items: &[NestedMeta]) -> Result<Self> {
        let mut errors = Error::accumulator();
        let mut names = Vec::new();
        for item in items {
            match item {
                NestedMeta::Lit(Lit::Str(s)) => names.push(ColumnRef {
                    name: s.value(),
                    span: s.span(),
                }),
                other => errors.push(error_spanned(
                    other,
                    "column names are string literals, like `columns(\"customer_id\", \"created_at\")`",
                )),
            }
        }
        errors.finish_with(ColumnList(names))
    }
}

impl ListValue for ColumnList {
    const USAGE: &'static str = "columns(\"customer_id\", \"created_at\")";
}

/// A database kind named in a model, as the runtime's `Dialect` variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialectName {
    Postgresql,
    Mysql,
    Sqlite,
}

impl DialectName {
    const VALID: &'static str = "`postgresql`, `mysql` or `sqlite`";

    /// The names of migration file headers; MariaDB is the `mysql` dialect.
    fn parse(text: &str) -> Option<Self> {
        match text {
            "postgresql" => Some(Self::Postgresql),
            "mysql" => Some(Self::Mysql),
            "sqlite" => Some(Self::Sqlite),
            _ => None,
        }
    }

    /// The variant name of `schema_runtime::Dialect`.
    pub fn variant(self) -> &'static str {
        match self {
            Self::Postgresql => "Postgresql",
            Self::Mysql => "Mysql",
            Self::Sqlite => "Sqlite",
        }
    }
}

/// `dialects("postgresql", "sqlite")`: the dialects an index, unique or check exists on.
#[derive(Clone, Debug, Default)]
pub struct DialectList(pub Vec<DialectName>);

impl FromMeta for DialectList {
    fn from_list(items: &[NestedMeta]) -> Result<Self> {
        let mut errors = Error::accumulator();
        let mut names = Vec::new();
        for item in items {
            let NestedMeta::Lit(Lit::Str(s)) = item else {
                errors.push(error_spanned(
                    item,
                    "dialect names are string literals, like `dialects(\"postgresql\", \"sqlite\")`",
                ));
                continue;
            };
            match DialectName::parse(&s.value()) {
                Some(name) if names.contains(&name) => errors.push(error_at(
                    s.span(),
                    format!("dialect `{}` is listed twice", s.value()),
                )),
                Some(name) => names.push(name),
                None => errors.push(error_at(
                    s.span(),
                    format!(
                        "`{}` is not a dialect; expected {}",
                        s.value(),
                        DialectName::VALID
                    ),
                )),
            }
        }
        errors.finish_with(DialectList(names))
    }
}

impl ListValue for DialectList {
    const USAGE: &'static str = "dialects(\"postgresql\", \"sqlite\")";
}
