//! Splitting a section of a migration file into the statements the executor runs one by
//! one, each with the line it starts on so an error can point at it.
//!
//! A `;` ends a statement only at top level: not inside a quoted string or identifier, a
//! dollar-quoted body, a comment, or the `BEGIN ... END` body of a trigger or routine
//! (SQLite and MySQL triggers, PostgreSQL `BEGIN ATOMIC`). Comments before and after a
//! statement are not part of it, and a stretch holding only comments is no statement.
//! The splitter is a lexer, not a parser: it never rejects SQL, the database does.

/// One statement of a section, as the executor runs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceStatement {
    /// The SQL, without surrounding comments, whitespace or the terminating `;`.
    pub sql: String,
    /// The 1-based line of the statement's first character in the text that was split.
    pub line: usize,
}

/// Splits SQL written in the PostgreSQL lexical style (`E'..'` escapes, dollar quotes,
/// nested block comments), which also suits SQL that uses none of those.
pub fn statements(sql: &str) -> Vec<SourceStatement> {
    Splitter::new(sql, Lexicon::STANDARD).run()
}

/// Splits SQL with the lexical rules `lexicon` describes (each database kind gives its own:
/// backslash escapes in every MySQL string and `#` comments there, `[bracketed]`
/// identifiers in SQLite, dollar quotes and `E'..'` strings only in PostgreSQL).
pub fn statements_for(sql: &str, lexicon: Lexicon) -> Vec<SourceStatement> {
    Splitter::new(sql, lexicon).run()
}

/// The lexical rules of one SQL dialect that decide where a `;` ends a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lexicon {
    /// Dollar quotes, `E'..'` strings and nested `/* /* */ */` comments.
    pub dollar_quotes: bool,
    /// Backslash escapes in every string and `#` line comments.
    pub backslash_escapes: bool,
    /// `[identifier]` quoting.
    pub bracket_identifiers: bool,
}

impl Lexicon {
    /// Standard SQL with PostgreSQL's additions: dollar quotes, `E'..'`, nested comments.
    pub const STANDARD: Lexicon = Lexicon {
        dollar_quotes: true,
        backslash_escapes: false,
        bracket_identifiers: false,
    };
}

/// Words after `END` that close a block this splitter does not count as opened
/// (MySQL's `END IF`, `END LOOP`, ...), so they must not close a counted one.
const UNCOUNTED_ENDS: [&str; 5] = ["IF", "LOOP", "WHILE", "REPEAT", "FOR"];

/// Words that make a `CREATE` statement one whose `BEGIN ... END` body holds `;`s.
const ROUTINES: [&str; 4] = ["TRIGGER", "FUNCTION", "PROCEDURE", "EVENT"];

/// How early the routine word must come (`CREATE OR REPLACE DEFINER = u TRIGGER`), so a
/// column named `event` in a `CREATE TABLE` does not make its `begin` column open a block.
const ROUTINE_WORD_LIMIT: usize = 6;

/// Tracks `BEGIN ... END` nesting inside `CREATE TRIGGER`/routine statements.
#[derive(Default)]
struct Blocks {
    words: usize,
    is_create: bool,
    is_routine: bool,
    depth: usize,
    pending_end: bool,
}

impl Blocks {
    fn word(&mut self, word: &str) {
        let upper = word.to_ascii_uppercase();
        if self.pending_end {
            self.pending_end = false;
            if !UNCOUNTED_ENDS.contains(&upper.as_str()) {
                self.depth = self.depth.saturating_sub(1);
            }
        }
        self.words += 1;
        if self.words == 1 {
            self.is_create = upper == "CREATE";
        }
        if !self.is_create {
            return;
        }
        match upper.as_str() {
            w if ROUTINES.contains(&w) && self.words <= ROUTINE_WORD_LIMIT => {
                self.is_routine = true
            }
            "BEGIN" if self.is_routine => self.depth += 1,
            "CASE" if self.depth > 0 => self.depth += 1,
            "END" if self.depth > 0 => self.pending_end = true,
            _ => {}
        }
    }

    /// Whether a `;` here ends the statement.
    fn semicolon_ends(&mut self) -> bool {
        if self.pending_end {
            self.pending_end = false;
            self.depth = self.depth.saturating_sub(1);
        }
        self.depth == 0
    }
}

struct Splitter<'a> {
    src: &'a str,
    bytes: &'a [u8],
    rules: Lexicon,
    out: Vec<SourceStatement>,
    /// Byte range of the current statement's significant text.
    start: Option<usize>,
    end: usize,
    blocks: Blocks,
    /// The last word read and where it ended, to recognise `E'..'`.
    last_word_end: usize,
    last_word_is_e: bool,
    /// Lines counted up to `line_pos`, so line numbers cost one pass overall.
    line: usize,
    line_pos: usize,
}

fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn is_word_byte(b: u8) -> bool {
    is_word_start(b) || b == b'$'
}

impl<'a> Splitter<'a> {
    fn new(src: &'a str, rules: Lexicon) -> Self {
        Self {
            src,
            bytes: src.as_bytes(),
            rules,
            out: Vec::new(),
            start: None,
            end: 0,
            blocks: Blocks::default(),
            last_word_end: usize::MAX,
            last_word_is_e: false,
            line: 1,
            line_pos: 0,
        }
    }

    fn run(mut self) -> Vec<SourceStatement> {
        let mut i = 0;
        while i < self.bytes.len() {
            i = self.step(i);
        }
        self.flush();
        self.out
    }

    /// Reads one token at `i` and returns where the next begins.
    fn step(&mut self, i: usize) -> usize {
        let b = self.bytes[i];
        let next = self.bytes.get(i + 1).copied();
        match b {
            b'-' if next == Some(b'-') => self.line_end(i),
            b'#' if self.rules.backslash_escapes => self.line_end(i),
            b'/' if next == Some(b'*') => self.block_comment_end(i),
            b';' => {
                if self.blocks.semicolon_ends() {
                    self.flush();
                } else {
                    self.mark(i, i + 1);
                }
                i + 1
            }
            b'\'' => {
                let e_string =
                    self.rules.dollar_quotes && self.last_word_is_e && self.last_word_end == i;
                let end = self.quoted_end(i, b'\'', self.rules.backslash_escapes || e_string);
                self.mark(i, end)
            }
            b'"' => {
                let end = self.quoted_end(i, b'"', self.rules.backslash_escapes);
                self.mark(i, end)
            }
            b'`' => {
                let end = self.quoted_end(i, b'`', false);
                self.mark(i, end)
            }
            b'[' if self.rules.bracket_identifiers => {
                let end = self
                    .find_from(i + 1, "]")
                    .map_or(self.bytes.len(), |p| p + 1);
                self.mark(i, end)
            }
            b'$' if self.rules.dollar_quotes => {
                let end = self.dollar_end(i).unwrap_or(i + 1);
                self.mark(i, end)
            }
            b if is_word_start(b) => self.word(i),
            b if b.is_ascii_whitespace() => i + 1,
            _ => self.mark(i, i + 1),
        }
    }

    /// Records `from..to` as significant text of the current statement; returns `to`.
    fn mark(&mut self, from: usize, to: usize) -> usize {
        if self.start.is_none() {
            self.start = Some(from);
        }
        self.end = to;
        to
    }

    fn word(&mut self, i: usize) -> usize {
        let len = self.bytes[i..]
            .iter()
            .position(|&b| !is_word_byte(b))
            .unwrap_or(self.bytes.len() - i);
        let end = i + len;
        let word = &self.src[i..end];
        self.blocks.word(word);
        self.last_word_end = end;
        self.last_word_is_e = word.eq_ignore_ascii_case("e");
        self.mark(i, end)
    }

    fn flush(&mut self) {
        if let Some(start) = self.start.take() {
            let line = self.line_of(start);
            self.out.push(SourceStatement {
                sql: self.src[start..self.end].to_owned(),
                line,
            });
        }
        self.blocks = Blocks::default();
    }

    fn line_of(&mut self, pos: usize) -> usize {
        self.line += self.bytes[self.line_pos..pos]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.line_pos = pos;
        self.line
    }

    fn find_from(&self, from: usize, needle: &str) -> Option<usize> {
        self.src
            .get(from..)
            .and_then(|rest| rest.find(needle))
            .map(|p| from + p)
    }

    /// The end of a `--` (or `#`) comment: the start of the next line.
    fn line_end(&self, i: usize) -> usize {
        self.find_from(i, "\n").map_or(self.bytes.len(), |p| p + 1)
    }

    /// The end of a `/* */` comment; PostgreSQL nests them, the others do not.
    fn block_comment_end(&self, i: usize) -> usize {
        let mut depth = 0usize;
        let mut j = i;
        while j + 1 < self.bytes.len() {
            match (self.bytes[j], self.bytes[j + 1]) {
                (b'/', b'*') if depth == 0 || self.rules.dollar_quotes => {
                    depth += 1;
                    j += 2;
                }
                (b'*', b'/') => {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        return j;
                    }
                }
                _ => j += 1,
            }
        }
        self.bytes.len()
    }

    /// The end of a string or quoted identifier opened at `i`. A doubled quote is a quote;
    /// with `backslash`, `\x` is an escaped character too. Unterminated runs to the end.
    fn quoted_end(&self, i: usize, quote: u8, backslash: bool) -> usize {
        let mut j = i + 1;
        while j < self.bytes.len() {
            let b = self.bytes[j];
            if backslash && b == b'\\' {
                j += 2;
            } else if b == quote {
                if self.bytes.get(j + 1) == Some(&quote) {
                    j += 2;
                } else {
                    return j + 1;
                }
            } else {
                j += 1;
            }
        }
        self.bytes.len()
    }

    /// The end of a dollar-quoted body opened at `i` (`$$` or `$tag$`), or `None` when the
    /// `$` opens no quote (a `$1` parameter).
    fn dollar_end(&self, i: usize) -> Option<usize> {
        let tag_len = self.bytes[i + 1..].iter().position(|&b| b == b'$')?;
        let tag = &self.bytes[i + 1..i + 1 + tag_len];
        let starts_well = match tag.first() {
            Some(&b) => is_word_start(b) && !b.is_ascii_digit(),
            None => true,
        };
        let valid_tag = starts_well && tag.iter().all(|&b| is_word_start(b));
        if !valid_tag {
            return None;
        }
        let delimiter = &self.src[i..i + tag_len + 2];
        let body = i + delimiter.len();
        Some(
            self.find_from(body, delimiter)
                .map_or(self.bytes.len(), |p| p + delimiter.len()),
        )
    }
}
