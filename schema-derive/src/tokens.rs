//! Small builders for the values the generated code constructs, all through
//! `::schema_runtime::__private` so that the user's crate needs no other dependency and no
//! name in scope.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::quote;

/// `String::from("text")`.
pub fn string(text: &str) -> TokenStream {
    quote!(::schema_runtime::__private::String::from(#text))
}

/// `Some(String::from("text"))` or `None`.
pub fn opt_string(text: &Option<String>) -> TokenStream {
    match text {
        Some(text) => {
            let text = string(text);
            quote!(::schema_runtime::__private::Option::Some(#text))
        }
        None => quote!(::schema_runtime::__private::Option::None),
    }
}

/// A `Vec` of the given expressions.
pub fn vec(items: impl Iterator<Item = TokenStream>) -> TokenStream {
    let items: Vec<TokenStream> = items.collect();
    if items.is_empty() {
        quote!(::schema_runtime::__private::Vec::new())
    } else {
        quote!(::schema_runtime::__private::Vec::from([#(#items),*]))
    }
}

/// A `Vec<String>` of the given names.
pub fn strings<'a>(names: impl Iterator<Item = &'a str>) -> TokenStream {
    vec(names.map(string))
}

/// The same tokens, every one moved to `span`.
pub fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Group(group) => {
                let mut new = Group::new(group.delimiter(), respan(group.stream(), span));
                new.set_span(span);
                TokenTree::Group(new)
            }
            mut other => {
                other.set_span(span);
                other
            }
        })
        .collect()
}
