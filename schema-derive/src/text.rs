//! Spelling rules the derives apply to Rust names and doc comments: default table, column,
//! type and value names, and comments taken from `///` lines.

use syn::{Attribute, Expr, Lit, Meta};

/// `OrderLine` -> `order_line`, `HTTPRequest` -> `http_request`, `OrderV2` -> `order_v2`.
/// A word starts at an upper-case letter that follows a lower-case letter or a digit, or that
/// ends a run of capitals (the `R` of `HTTPRequest`).
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev = if i == 0 { None } else { Some(chars[i - 1]) };
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let boundary = prev.is_some_and(|p| {
                p.is_lowercase() || p.is_ascii_digit() || (p.is_uppercase() && next_is_lower)
            });
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The doc comment in `attrs`: each line trimmed, lines joined with `\n`, blank lines at
/// either end dropped; `None` when there is no text. `#[doc = include_str!(..)]` and other
/// non-literal docs are left out, since their text is not known to the macro.
pub fn doc_comment(attrs: &[Attribute]) -> Option<String> {
    let mut lines: Vec<String> = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("doc")) {
        if let Meta::NameValue(nv) = &attr.meta {
            if let Expr::Lit(expr) = &nv.value {
                if let Lit::Str(s) = &expr.lit {
                    // `split`, not `lines`: an empty `///` line is `""`, which has no `lines()`.
                    lines.extend(s.value().split('\n').map(|l| l.trim().to_string()));
                }
            }
        }
    }
    let first = lines.iter().position(|l| !l.is_empty())?;
    let last = lines.iter().rposition(|l| !l.is_empty())?;
    Some(lines[first..=last].join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_splits_words_without_pluralising() {
        assert_eq!(snake_case("Order"), "order");
        assert_eq!(snake_case("OrderLine"), "order_line");
        assert_eq!(snake_case("HTTPRequest"), "http_request");
        assert_eq!(snake_case("OrderV2"), "order_v2");
        assert_eq!(snake_case("Order_Line"), "order_line");
        assert_eq!(snake_case("ABC"), "abc");
        assert_eq!(snake_case("already_snake"), "already_snake");
    }

    #[test]
    fn doc_comment_trims_lines_and_keeps_paragraphs() {
        let item: syn::ItemStruct = syn::parse_quote! {
            ///
            /// A customer order.
            ///   Second line.
            ///
            /// Second paragraph.
            ///
            #[doc(hidden)]
            struct Order;
        };
        assert_eq!(
            doc_comment(&item.attrs).as_deref(),
            Some("A customer order.\nSecond line.\n\nSecond paragraph.")
        );
    }

    #[test]
    fn no_doc_comment_is_none() {
        let item: syn::ItemStruct = syn::parse_quote! {
            ///
            #[derive(Debug)]
            struct Order;
        };
        assert_eq!(doc_comment(&item.attrs), None);
    }
}
