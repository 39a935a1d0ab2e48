//! What an item's attributes say to the scan: under which `#[cfg]` it exists, and whether
//! (and under which condition) it derives `Table`. Conditions are not evaluated here: they
//! are copied into the generated list, where the compiler evaluates them exactly as it does
//! for the struct itself (features, `test`, targets, `--cfg` flags alike).

use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::{Attribute, Meta, Path, Token};

/// A conjunction of `cfg` predicates, as source text; empty means "always".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Condition(Vec<String>);

impl Condition {
    /// This condition and `predicate`.
    pub(crate) fn and(&self, predicate: String) -> Self {
        let mut all = self.0.clone();
        if !all.contains(&predicate) {
            all.push(predicate);
        }
        Self(all)
    }

    /// This condition and every one of `other`'s predicates.
    pub(crate) fn and_all(&self, other: &Condition) -> Self {
        other
            .0
            .iter()
            .fold(self.clone(), |acc, predicate| acc.and(predicate.clone()))
    }

    /// Whether this condition always holds.
    pub(crate) fn is_always(&self) -> bool {
        self.0.is_empty()
    }

    /// The predicate for `#[cfg(...)]`, or `None` when it always holds.
    pub(crate) fn predicate(&self) -> Option<String> {
        match self.0.as_slice() {
            [] => None,
            [one] => Some(one.clone()),
            all => Some(format!("all({})", all.join(", "))),
        }
    }
}

/// One attribute as it applies: `#[cfg_attr(p, a, b)]` becomes `a` and `b` under `p`.
struct Applied {
    when: Condition,
    meta: Meta,
}

/// The attributes of an item with every `cfg_attr` unfolded. An attribute that does not
/// parse is left out: the compiler reports it.
fn applied(attrs: &[Attribute]) -> Vec<Applied> {
    let mut out = Vec::new();
    for attr in attrs {
        unfold(&Condition::default(), attr.meta.clone(), &mut out);
    }
    out
}

fn unfold(when: &Condition, meta: Meta, out: &mut Vec<Applied>) {
    let Meta::List(list) = &meta else {
        out.push(Applied {
            when: when.clone(),
            meta,
        });
        return;
    };
    if !list.path.is_ident("cfg_attr") {
        out.push(Applied {
            when: when.clone(),
            meta,
        });
        return;
    }
    let Ok(parts) = list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated) else {
        return;
    };
    let mut parts = parts.into_iter();
    let Some(predicate) = parts.next() else {
        return;
    };
    let inner = when.and(predicate.to_token_stream().to_string());
    for part in parts {
        unfold(&inner, part, out);
    }
}

/// The condition under which an item with these attributes exists: every `#[cfg]` on it
/// (a `cfg` inside `cfg_attr(p, ...)` only counts where `p` holds).
pub(crate) fn existence(attrs: &[Attribute]) -> Condition {
    let mut condition = Condition::default();
    for Applied { when, meta } in applied(attrs) {
        let Meta::List(list) = &meta else { continue };
        if !list.path.is_ident("cfg") {
            continue;
        }
        let predicate = list.tokens.to_string();
        condition = match when.predicate() {
            None => condition.and(predicate),
            Some(guard) => condition.and(format!("any(not({guard}), {predicate})")),
        };
    }
    condition
}

/// The condition under which an item with these attributes derives `Table` (any derive
/// path whose last segment is `Table`), or `None` when it never does.
pub(crate) fn derives_table(attrs: &[Attribute]) -> Option<Condition> {
    let mut alternatives: Vec<Condition> = Vec::new();
    for Applied { when, meta } in applied(attrs) {
        let Meta::List(list) = &meta else { continue };
        if !list.path.is_ident("derive") {
            continue;
        }
        let Ok(paths) = list.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
        else {
            continue;
        };
        let table = paths
            .iter()
            .any(|path| path.segments.last().is_some_and(|s| s.ident == "Table"));
        if table {
            if when.is_always() {
                return Some(Condition::default());
            }
            alternatives.push(when);
        }
    }
    match alternatives.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        many => {
            let any: Vec<String> = many.iter().filter_map(Condition::predicate).collect();
            Some(Condition::default().and(format!("any({})", any.join(", "))))
        }
    }
}

/// The `#[path = "..."]` of a `mod` item, if it has one.
pub(crate) fn path_attribute(attrs: &[Attribute]) -> Option<String> {
    attrs.iter().find_map(|attr| match &attr.meta {
        Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}
