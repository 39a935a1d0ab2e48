//! Property tests: any revision the writer makes parses back equal, and any sequence of
//! statements built from quoting-heavy atoms splits back into exactly those statements.

use proptest::prelude::*;

use super::{at, id};
use crate::dialect::Dialect;
use crate::revision::{statements, NewRevision, RevisionFile, RevisionId};

fn dialect() -> impl Strategy<Value = Dialect> {
    prop_oneof![
        Just(Dialect::Postgresql),
        Just(Dialect::Mysql),
        Just(Dialect::Sqlite)
    ]
}

/// Section text: anything but a line that is itself a section marker (no `+`).
fn section() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ;'\"$()\\-\\n\\r\\t]{0,120}"
}

fn parents() -> impl Strategy<Value = Vec<RevisionId>> {
    proptest::collection::btree_set("[a-z0-9_]{4,12}", 0..4)
        .prop_filter_map("reserved words are not ids", |ids| {
            ids.iter().map(|s| RevisionId::parse(s).ok()).collect()
        })
}

/// One statement whose `;`s all sit inside quotes.
fn statement() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        "[a-z][a-z0-9_]{0,7}",
        "'[a-z; ]{0,6}'",
        "\"[a-z; ]{0,6}\"",
        "\\$\\$[a-z; ']{0,6}\\$\\$",
        "\\$q\\$[a-z; ']{0,4}(\\$\\$)?[a-z; ]{0,3}\\$q\\$",
        "E'[a-z; ]{0,3}(\\\\'[a-z; ]{0,3})?'",
        "/\\* [a-z;]{0,4} \\*/ [a-z]{1,3}",
    ];
    proptest::collection::vec(atom, 1..6).prop_map(|atoms| format!("SELECT {}", atoms.join(" ")))
}

proptest! {
    #[test]
    fn revision_prop_writer_output_parses_back_equal(
        message in "[^\\x00]{0,60}",
        up in section(),
        down in section(),
        down_revisions in parents(),
        dialect in dialect(),
        transactional in any::<bool>(),
        seconds in 0i64..1_000_000_000,
        nanos in prop_oneof![Just(0u32), 0u32..1_000_000_000],
    ) {
        let file = RevisionFile::new(NewRevision {
            revision: id("3fa1c2d4e5b6"),
            down_revisions,
            message,
            created: at(seconds) + chrono::Duration::nanoseconds(i64::from(nanos)),
            dialect,
            transactional,
            up,
            down,
        });
        let text = file.render();
        let back = RevisionFile::parse(&text, &file.path).unwrap();
        prop_assert_eq!(&back, &file);
        prop_assert_eq!(back.render(), text);
    }

    #[test]
    fn revision_prop_split_finds_exactly_the_statements(stmts in proptest::collection::vec(statement(), 0..6)) {
        let text: String = stmts.iter().map(|s| format!("{s};\n-- note; not sql\n")).collect();
        let got = statements(&text);
        let sqls: Vec<&str> = got.iter().map(|s| s.sql.as_str()).collect();
        let expected: Vec<&str> = stmts.iter().map(String::as_str).collect();
        prop_assert_eq!(sqls, expected);
        let lines: Vec<usize> = got.iter().map(|s| s.line).collect();
        let expected_lines: Vec<usize> = (0..stmts.len()).map(|i| 1 + 2 * i).collect();
        prop_assert_eq!(lines, expected_lines);
    }
}
