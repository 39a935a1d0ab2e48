//! Column references inside the SQL expressions PostgreSQL keeps parsed (check expressions,
//! index expressions, partial-index predicates), read with a small tokenizer of the oracle's
//! own: which names an expression uses as columns ([`references`]), and how its text reads
//! once a column is renamed ([`respell`]). PostgreSQL stores such expressions as parse
//! trees, so after `RENAME COLUMN` it deparses them with the new name, spelled by
//! `quote_identifier`: bare when it is a lower-case name that is not a keyword outside the
//! unreserved ones, double-quoted otherwise.
//!
//! A name is a column reference unless it is a keyword that cannot be a bare name, a
//! function (before `(`), part of a qualified name (beside `.`), a type (after `::` or `AS`,
//! or before a string constant, as in `interval '1 day'`) or a collation (after `COLLATE`).

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Whitespace or a comment.
    Blank,
    /// A string constant (`'...'`, `E'...'`, `$$...$$`), quotes included.
    Constant,
    /// A double-quoted identifier, quotes included.
    Quoted,
    /// A bare word: a keyword or an identifier.
    Word,
    /// A numeric constant.
    Number,
    /// An operator or punctuation (`::` is one token).
    Symbol,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Token {
    kind: Kind,
    text: String,
}

impl Token {
    /// The identifier the token names: a bare word folded to lower case, a quoted one as
    /// written between its quotes.
    fn identifier(&self) -> Option<String> {
        match self.kind {
            Kind::Word => Some(self.text.to_ascii_lowercase()),
            Kind::Quoted => {
                let inner = self.text.strip_prefix('"').unwrap_or(&self.text);
                let inner = inner.strip_suffix('"').unwrap_or(inner);
                Some(inner.replace("\"\"", "\""))
            }
            _ => None,
        }
    }
}

/// A name an expression uses as a column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Reference {
    /// The column name (a bare name folded to lower case).
    pub(super) name: String,
    /// Written bare: it may then be an unreserved keyword rather than a column (`IS
    /// UNKNOWN`, `AT TIME ZONE`).
    pub(super) bare: bool,
}

/// The names `expression` uses as columns, in order of appearance.
pub(super) fn references(expression: &str) -> Vec<Reference> {
    let tokens = tokenize(expression);
    (0..tokens.len())
        .filter(|&at| is_reference(&tokens, at))
        .filter_map(|at| {
            tokens[at].identifier().map(|name| Reference {
                name,
                bare: tokens[at].kind == Kind::Word,
            })
        })
        .collect()
}

/// True when `expression` uses `column` as a column.
pub(super) fn mentions(expression: &str, column: &str) -> bool {
    references(expression).iter().any(|r| r.name == column)
}

/// `expression` as PostgreSQL deparses it after column `from` is renamed to `to`: every
/// reference to `from` spelled as [`deparsed`] spells `to`, the rest of the text unchanged.
pub(super) fn respell(expression: &str, from: &str, to: &str) -> String {
    let tokens = tokenize(expression);
    let mut out = String::with_capacity(expression.len());
    for (at, token) in tokens.iter().enumerate() {
        if is_reference(&tokens, at) && token.identifier().as_deref() == Some(from) {
            out.push_str(&deparsed(to));
        } else {
            out.push_str(&token.text);
        }
    }
    out
}

/// How `quote_identifier` writes a name.
pub(super) fn deparsed(name: &str) -> String {
    let safe = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if safe && !is_quoted_keyword(name) {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// True for a word PostgreSQL accepts as a bare column name but also uses as a keyword.
pub(super) fn is_unreserved_keyword(word: &str) -> bool {
    UNRESERVED.split_whitespace().any(|k| k == word)
}

fn is_quoted_keyword(word: &str) -> bool {
    QUOTED.split_whitespace().any(|k| k == word)
}

/// The significant token after `at` (`forward`) or before it.
fn neighbour(tokens: &[Token], at: usize, forward: bool) -> Option<&Token> {
    if forward {
        tokens[at + 1..].iter().find(|t| t.kind != Kind::Blank)
    } else {
        tokens[..at].iter().rev().find(|t| t.kind != Kind::Blank)
    }
}

fn is_reference(tokens: &[Token], at: usize) -> bool {
    let token = &tokens[at];
    match token.kind {
        Kind::Quoted => {}
        Kind::Word if !is_quoted_keyword(&token.text.to_ascii_lowercase()) => {}
        _ => return false,
    }
    let before = neighbour(tokens, at, false);
    let after = neighbour(tokens, at, true);
    let symbol =
        |t: Option<&Token>, s: &str| t.is_some_and(|t| t.kind == Kind::Symbol && t.text == s);
    let word = |t: Option<&Token>, w: &str| {
        t.is_some_and(|t| t.kind == Kind::Word && t.text.eq_ignore_ascii_case(w))
    };
    let typed = symbol(before, "::") || word(before, "as");
    let qualified = symbol(before, ".") || symbol(after, ".");
    let function = symbol(after, "(");
    let type_of_constant = after.is_some_and(|t| t.kind == Kind::Constant);
    !(typed || qualified || function || type_of_constant || word(before, "collate"))
}

/// Splits SQL text into tokens whose texts, joined, give the text back.
fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let (kind, end) = next_token(&chars, at);
        let end = end.max(at + 1).min(chars.len());
        tokens.push(Token {
            kind,
            text: chars[at..end].iter().collect(),
        });
        at = end;
    }
    tokens
}

/// The kind of the token starting at `at`, and where it ends.
fn next_token(chars: &[char], at: usize) -> (Kind, usize) {
    let c = chars[at];
    let next = chars.get(at + 1).copied();
    let word_char = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    match c {
        _ if c.is_whitespace() => (Kind::Blank, run(chars, at, char::is_whitespace)),
        '-' if next == Some('-') => (Kind::Blank, run(chars, at, |c| c != '\n')),
        '/' if next == Some('*') => (Kind::Blank, comment_end(chars, at)),
        '\'' => (Kind::Constant, constant_end(chars, at, false)),
        'e' | 'E' if next == Some('\'') => (Kind::Constant, constant_end(chars, at + 1, true)),
        '"' => (Kind::Quoted, quoted_end(chars, at)),
        '$' => match dollar_end(chars, at) {
            Some(end) => (Kind::Constant, end),
            None => (Kind::Symbol, at + 1),
        },
        _ if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) => {
            (Kind::Number, number_end(chars, at))
        }
        _ if c.is_alphabetic() || c == '_' => (Kind::Word, run(chars, at, word_char)),
        ':' if next == Some(':') => (Kind::Symbol, at + 2),
        _ => (Kind::Symbol, at + 1),
    }
}

fn run(chars: &[char], at: usize, keep: impl Fn(char) -> bool) -> usize {
    chars[at..]
        .iter()
        .position(|&c| !keep(c))
        .map_or(chars.len(), |n| at + n)
}

fn comment_end(chars: &[char], at: usize) -> usize {
    (at + 2..chars.len().saturating_sub(1))
        .find(|&i| chars[i] == '*' && chars[i + 1] == '/')
        .map_or(chars.len(), |i| i + 2)
}

/// The end of the string constant whose opening quote is at `quote` (`''` is a quote inside
/// it; with `backslashes`, `\` escapes the next character).
fn constant_end(chars: &[char], quote: usize, backslashes: bool) -> usize {
    let mut i = quote + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' if backslashes => i += 2,
            '\'' if chars.get(i + 1) == Some(&'\'') => i += 2,
            '\'' => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

fn quoted_end(chars: &[char], at: usize) -> usize {
    let mut i = at + 1;
    while i < chars.len() {
        if chars[i] == '"' {
            if chars.get(i + 1) == Some(&'"') {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    chars.len()
}

/// The end of a dollar-quoted constant (`$$...$$`, `$tag$...$tag$`) opening at `at`, if one
/// opens there.
fn dollar_end(chars: &[char], at: usize) -> Option<usize> {
    let tag_end = run(chars, at + 1, |c| c.is_alphanumeric() || c == '_');
    if chars.get(tag_end) != Some(&'$') || chars.get(at + 1).is_some_and(char::is_ascii_digit) {
        return None;
    }
    let tag = &chars[at..=tag_end];
    let body = tag_end + 1;
    let close =
        (body..=chars.len().saturating_sub(tag.len())).find(|&i| &chars[i..i + tag.len()] == tag);
    Some(close.map_or(chars.len(), |i| i + tag.len()))
}

fn number_end(chars: &[char], at: usize) -> usize {
    let mut i = at;
    while i < chars.len() {
        let c = chars[i];
        let exponent_sign = i > at && matches!(c, '+' | '-') && matches!(chars[i - 1], 'e' | 'E');
        if c.is_ascii_alphanumeric() || c == '.' || c == '_' || exponent_sign {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// PostgreSQL 15's keywords that `quote_identifier` quotes: the reserved, column-name and
/// type/function-name ones (`SELECT word FROM pg_get_keywords() WHERE catcode <> 'U'`).
/// Written bare in an expression, they are never a column.
const QUOTED: &str = "\
    all analyse analyze and any array as asc asymmetric authorization between bigint binary \
    bit boolean both case cast char character check coalesce collate collation column \
    concurrently constraint create cross current_catalog current_date current_role \
    current_schema current_time current_timestamp current_user dec decimal default \
    deferrable desc distinct do else end except exists extract false fetch float for foreign \
    freeze from full grant greatest group grouping having ilike in initially inner inout int \
    integer intersect interval into is isnull join lateral leading least left like limit \
    localtime localtimestamp national natural nchar none normalize not notnull null nullif \
    numeric offset on only or order out outer overlaps overlay placing position precision \
    primary real references returning right row select session_user setof similar smallint \
    some substring symmetric table tablesample then time timestamp to trailing treat trim \
    true union unique user using values varchar variadic verbose when where window with \
    xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi \
    xmlroot xmlserialize xmltable";

/// PostgreSQL 15's unreserved keywords (`... WHERE catcode = 'U'`): bare names that may be
/// columns or keywords (`IS UNKNOWN`, `AT TIME ZONE`, `NULLS FIRST`).
const UNRESERVED: &str = "\
    abort absolute access action add admin after aggregate also alter always asensitive \
    assertion assignment at atomic attach attribute backward before begin breadth by cache \
    call called cascade cascaded catalog chain characteristics checkpoint class close \
    cluster columns comment comments commit committed compression configuration conflict \
    connection constraints content continue conversion copy cost csv cube current cursor \
    cycle data database day deallocate declare defaults deferred definer delete delimiter \
    delimiters depends depth detach dictionary disable discard document domain double drop \
    each enable encoding encrypted enum escape event exclude excluding exclusive execute \
    explain expression extension external family filter finalize first following force \
    forward function functions generated global granted groups handler header hold hour \
    identity if immediate immutable implicit import include including increment index \
    indexes inherit inherits inline input insensitive insert instead invoker isolation key \
    label language large last leakproof level listen load local location lock locked logged \
    mapping match matched materialized maxvalue merge method minute minvalue mode month \
    move name names new next nfc nfd nfkc nfkd no normalized nothing notify nowait nulls \
    object of off oids old operator option options ordinality others over overriding owned \
    owner parallel parameter parser partial partition passing password plans policy \
    preceding prepare prepared preserve prior privileges procedural procedure procedures \
    program publication quote range read reassign recheck recursive ref referencing refresh \
    reindex relative release rename repeatable replace replica reset restart restrict \
    return returns revoke role rollback rollup routine routines rows rule savepoint schema \
    schemas scroll search second security sequence sequences serializable server session \
    set sets share show simple skip snapshot sql stable standalone start statement \
    statistics stdin stdout storage stored strict strip subscription support sysid system \
    tables tablespace temp template temporary text ties transaction transform trigger \
    truncate trusted type types uescape unbounded uncommitted unencrypted unknown unlisten \
    unlogged until update vacuum valid validate validator value varying version view views \
    volatile whitespace within without work wrapper write xml year yes zone";
