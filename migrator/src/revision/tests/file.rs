//! The migration file format: writer, parser, round trips, checksums and every parse error.

use std::path::Path;

use chrono::DateTime;

use super::{at, id, ids};
use crate::dialect::Dialect;
use crate::revision::{
    slug, Checksum, FileError, FileErrorKind, NewRevision, RevisionFile, RevisionId,
};

const PATH: &str = "migrations/versions/3fa1c2d4e5b6_auto_sync_schema.sql";

const EXAMPLE: &str = "\
-- revision: 3fa1c2d4e5b6
-- down_revision: 9bc0a1d2e3f4
-- message: auto sync schema
-- created: 2026-11-24T10:00:00Z
-- dialect: postgresql
-- transactional: true

-- +up
ALTER TABLE \"orders\" ADD COLUMN \"note\" text;

-- +down
ALTER TABLE \"orders\" DROP COLUMN \"note\";
";

fn parse(text: &str) -> Result<RevisionFile, FileError> {
    RevisionFile::parse(text, Path::new(PATH))
}

/// Parses `text` expecting an error; checks the message names the file and `line`.
fn parse_error(text: &str, line: usize) -> FileErrorKind {
    let err = parse(text).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("{PATH}, line {line}: ")),
        "message does not name the file and line {line}: {message}"
    );
    assert_eq!(err.line, line, "{message}");
    err.kind
}

fn header(extra: &str) -> String {
    format!(
        "-- revision: 3fa1c2d4e5b6\n-- message: m\n-- dialect: postgresql\n{extra}\n-- +up\nSELECT 1;\n"
    )
}

fn draft() -> NewRevision {
    NewRevision {
        revision: id("3fa1c2d4e5b6"),
        down_revisions: ids(&["9bc0a1d2e3f4"]),
        message: "auto sync schema".into(),
        created: DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z")
            .unwrap()
            .into(),
        dialect: Dialect::Postgresql,
        transactional: true,
        up: "ALTER TABLE \"orders\" ADD COLUMN \"note\" text;".into(),
        down: "ALTER TABLE \"orders\" DROP COLUMN \"note\";".into(),
    }
}

#[test]
fn revision_writer_produces_the_documented_format() {
    let file = RevisionFile::new(draft());
    assert_eq!(file.render(), EXAMPLE);
    assert_eq!(file.file_name(), "3fa1c2d4e5b6_auto_sync_schema.sql");
    assert_eq!(file.checksum, Checksum::of_text(EXAMPLE));
}

#[test]
fn revision_parses_the_documented_example() {
    let file = parse(EXAMPLE).unwrap();
    assert_eq!(file.revision, id("3fa1c2d4e5b6"));
    assert_eq!(file.down_revisions, ids(&["9bc0a1d2e3f4"]));
    assert_eq!(file.message, "auto sync schema");
    assert_eq!(file.created.to_rfc3339(), "2026-11-24T10:00:00+00:00");
    assert_eq!(file.dialect, Dialect::Postgresql);
    assert!(file.transactional);
    assert_eq!(file.up, "ALTER TABLE \"orders\" ADD COLUMN \"note\" text;");
    assert_eq!(file.down, "ALTER TABLE \"orders\" DROP COLUMN \"note\";");
    assert_eq!(file.lines.revision, 1);
    assert_eq!(file.lines.down_revision, Some(2));
    assert_eq!((file.lines.up, file.lines.down), (9, 12));
    assert_eq!(file.up_statements()[0].line, 9);
    assert_eq!(file.down_statements()[0].line, 12);
    assert!(!file.is_merge() && !file.is_base());
}

#[test]
fn revision_round_trips_through_text() {
    let sections = [
        ("", ""),
        ("SELECT 1;", ""),
        ("", "SELECT 2;"),
        (
            "\n\n  CREATE TABLE a (id int);\r\n\r\nCREATE TABLE b (id int);  \n\n",
            "DROP TABLE b;\nDROP TABLE a;\n",
        ),
        ("-- only a comment", "/* block */"),
        (
            "CREATE FUNCTION f() RETURNS int AS $$\nSELECT 1;\n$$ LANGUAGE sql;",
            "DROP FUNCTION f();",
        ),
    ];
    let messages = [
        "auto sync schema",
        "Drop legacy: column!",
        "two\nlines  here ",
        "",
        "ünïcode",
    ];
    let parents: [&[&str]; 3] = [
        &[],
        &["9bc0a1d2e3f4"],
        &["aaaa1111", "bbbb2222", "cccc3333"],
    ];
    let mut cases = 0;
    for (i, (up, down)) in sections.iter().enumerate() {
        for (j, message) in messages.iter().enumerate() {
            let parent_list = parents[(i + j) % parents.len()];
            let file = RevisionFile::new(NewRevision {
                message: (*message).into(),
                down_revisions: ids(parent_list),
                up: (*up).into(),
                down: (*down).into(),
                transactional: (i + j) % 2 == 0,
                dialect: [Dialect::Postgresql, Dialect::Mysql, Dialect::Sqlite][j % 3],
                created: at(i as i64 * 1000 + j as i64)
                    + chrono::Duration::milliseconds(j as i64 * 7),
                ..draft()
            });
            let text = file.render();
            let back = RevisionFile::parse(&text, &file.path).unwrap();
            assert_eq!(back, file, "round trip of:\n{text}");
            assert_eq!(back.render(), text);
            cases += 1;
        }
    }
    assert_eq!(cases, 30);
}

#[test]
fn revision_new_normalises_message_and_sections() {
    let file = RevisionFile::new(NewRevision {
        message: "  first line\r\nsecond line \n".into(),
        up: "\r\n\r\nSELECT 1;\r\nSELECT 2;\r\n\r\n".into(),
        ..draft()
    });
    assert_eq!(file.message, "first line second line");
    assert_eq!(file.up, "SELECT 1;\nSELECT 2;");
    let lines: Vec<usize> = file.up_statements().iter().map(|s| s.line).collect();
    assert_eq!(lines, [9, 10]);
    assert_eq!(file.lines.down, 13);
    let untitled = RevisionFile::new(NewRevision {
        message: " \n ".into(),
        ..draft()
    });
    assert!(untitled.render().contains("\n-- message:\n"));
    assert_eq!(untitled.file_name(), "3fa1c2d4e5b6.sql");
}

#[test]
fn revision_crlf_checkout_keeps_the_checksum() {
    let lf = parse(EXAMPLE).unwrap();
    let crlf_text = EXAMPLE.replace('\n', "\r\n");
    let crlf = parse(&crlf_text).unwrap();
    assert_eq!(crlf.checksum, lf.checksum);
    assert_eq!(crlf, lf);
    let bom = parse(&format!("\u{feff}{EXAMPLE}")).unwrap();
    assert_eq!(bom.checksum, lf.checksum);
}

#[test]
fn revision_checksum_catches_edits_and_round_trips_as_hex() {
    let original = parse(EXAMPLE).unwrap().checksum;
    let edited = parse(&EXAMPLE.replace("text;", "varchar(10);"))
        .unwrap()
        .checksum;
    let retitled = parse(&EXAMPLE.replace("auto sync", "hand written"))
        .unwrap()
        .checksum;
    assert_ne!(original, edited);
    assert_ne!(original, retitled);
    let hex = original.to_hex();
    assert_eq!(hex.len(), 64);
    assert_eq!(Checksum::from_hex(&hex), Some(original));
    assert_eq!(Checksum::from_hex("abc"), None);
    assert_eq!(Checksum::from_hex(&"zz".repeat(32)), None);
    // The empty string's well-known SHA-256.
    assert_eq!(
        Checksum::of_text("").to_hex(),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn revision_reading_is_tolerant_of_optional_parts() {
    let text = "\n\n-- revision: 3fa1c2d4e5b6\n-- message: hand written\n-- dialect: postgres\n\n\
                -- a note for reviewers\n\n--+up\n\nSELECT 1;\n";
    let file = parse(text).unwrap();
    assert!(file.is_base());
    assert_eq!(file.created, DateTime::UNIX_EPOCH);
    assert!(file.transactional);
    assert_eq!(file.dialect, Dialect::Postgresql);
    assert_eq!(file.up, "SELECT 1;");
    assert_eq!(file.lines.up, 11);
    assert_eq!(file.down, "");
    assert_eq!(file.lines.down_revision, None);
    let none = parse(&header("-- down_revision: none\n-- transactional: FALSE")).unwrap();
    assert!(none.is_base());
    assert!(!none.transactional);
}

#[test]
fn revision_reads_a_merge_header() {
    let file = parse(&header("-- down_revision: aaaa1111 ,bbbb2222")).unwrap();
    assert_eq!(file.down_revisions, ids(&["aaaa1111", "bbbb2222"]));
    assert!(file.is_merge());
}

#[test]
fn revision_error_missing_key() {
    let text = "-- revision: 3fa1c2d4e5b6\n-- dialect: postgresql\n\n-- +up\n";
    assert_eq!(
        parse_error(text, 3),
        FileErrorKind::MissingKey { key: "message" }
    );
    let no_header = "-- +up\nSELECT 1;\n";
    assert_eq!(
        parse_error(no_header, 1),
        FileErrorKind::MissingKey { key: "revision" }
    );
    assert_eq!(
        parse_error("", 1),
        FileErrorKind::MissingKey { key: "revision" }
    );
}

#[test]
fn revision_error_unknown_key() {
    let kind = parse_error(&header("-- author: me"), 4);
    assert_eq!(
        kind,
        FileErrorKind::UnknownKey {
            key: "author".into()
        }
    );
    assert!(kind
        .to_string()
        .contains("the keys are revision, down_revision"));
}

#[test]
fn revision_error_duplicate_key() {
    let kind = parse_error(&header("-- message: again"), 4);
    assert_eq!(
        kind,
        FileErrorKind::DuplicateKey {
            key: "message".into(),
            first_line: 2
        }
    );
    assert!(kind.to_string().contains("(first on line 2)"));
}

#[test]
fn revision_error_malformed_header_line() {
    let kind = parse_error(&header("-- generated by hand"), 4);
    assert!(
        matches!(kind, FileErrorKind::MalformedHeaderLine { .. }),
        "{kind}"
    );
}

#[test]
fn revision_error_invalid_values() {
    let cases = [
        (
            "-- dialect: oracle",
            "dialect",
            "postgresql, mysql or sqlite",
        ),
        ("-- transactional: yes", "transactional", "true or false"),
        ("-- created: yesterday", "created", "RFC 3339"),
        ("-- down_revision: ab", "down_revision", "revision ids"),
        (
            "-- down_revision: aaaa1111, aaaa1111",
            "down_revision",
            "distinct",
        ),
    ];
    for (line, key, expected) in cases {
        // The dialect case replaces the header's own dialect line, so put it in its place.
        let text = if key == "dialect" {
            header("").replace("-- dialect: postgresql", line)
        } else {
            header(line)
        };
        let at_line = if key == "dialect" { 3 } else { 4 };
        let kind = parse_error(&text, at_line);
        let message = kind.to_string();
        assert!(
            matches!(kind, FileErrorKind::InvalidValue { key: k, .. } if k == key),
            "{message}"
        );
        assert!(message.contains(expected), "{message}");
    }
    let bad_id = "-- revision: 3FA1-C2\n-- message: m\n-- dialect: sqlite\n-- +up\n";
    let kind = parse_error(bad_id, 1);
    assert!(matches!(
        kind,
        FileErrorKind::InvalidValue {
            key: "revision",
            ..
        }
    ));
}

#[test]
fn revision_error_missing_up_marker() {
    let text =
        "-- revision: 3fa1c2d4e5b6\n-- message: m\n-- dialect: postgresql\n\n-- nothing here\n";
    assert_eq!(parse_error(text, 5), FileErrorKind::MissingUpMarker);
}

#[test]
fn revision_error_down_before_up() {
    let text = EXAMPLE
        .replace("-- +up", "-- +tmp")
        .replace("-- +down", "-- +up")
        .replace("-- +tmp", "-- +down");
    assert_eq!(parse_error(&text, 8), FileErrorKind::DownBeforeUp);
}

#[test]
fn revision_error_duplicate_markers() {
    let twice_up = format!("{EXAMPLE}\n-- +up\nSELECT 1;\n");
    assert_eq!(
        parse_error(&twice_up, 14),
        FileErrorKind::DuplicateMarker {
            marker: "-- +up",
            first_line: 8
        }
    );
    let twice_down = format!("{EXAMPLE}-- +down\n");
    assert_eq!(
        parse_error(&twice_down, 13),
        FileErrorKind::DuplicateMarker {
            marker: "-- +down",
            first_line: 11
        }
    );
}

#[test]
fn revision_error_text_before_header() {
    let text = format!("\nSET search_path = public;\n{EXAMPLE}");
    assert_eq!(parse_error(&text, 2), FileErrorKind::TextBeforeHeader);
}

#[test]
fn revision_error_sql_outside_a_section() {
    let text = EXAMPLE.replace("\n\n-- +up", "\nSELECT 1;\n-- +up");
    assert_eq!(parse_error(&text, 7), FileErrorKind::TextOutsideSection);
}

#[test]
fn revision_error_file_name_mismatch() {
    let err =
        RevisionFile::parse(EXAMPLE, Path::new("versions/9bc0a1d2e3f4_copy.sql")).unwrap_err();
    assert_eq!(err.line, 1);
    assert_eq!(
        err.to_string(),
        "versions/9bc0a1d2e3f4_copy.sql, line 1: the header says revision 3fa1c2d4e5b6 but the \
         file name is 9bc0a1d2e3f4_copy.sql; migration files are named `<revision>_<slug>.sql`"
    );
    // A longer id that merely starts with the revision is a different revision.
    assert!(RevisionFile::parse(EXAMPLE, Path::new("v/3fa1c2d4e5b6ff_x.sql")).is_err());
    // The bare id and names that are not .sql files are accepted.
    assert!(RevisionFile::parse(EXAMPLE, Path::new("v/3fa1c2d4e5b6.sql")).is_ok());
    assert!(RevisionFile::parse(EXAMPLE, Path::new("<stdin>")).is_ok());
}

#[test]
fn revision_slug_rules() {
    assert_eq!(slug("auto sync schema"), "auto_sync_schema");
    assert_eq!(slug("  Drop LEGACY -- column!! "), "drop_legacy_column");
    assert_eq!(slug("añadir índice"), "a_adir_ndice");
    assert_eq!(slug("!!!"), "");
    let long = slug(&"word ".repeat(20));
    assert!(long.len() <= 40 && !long.ends_with('_'), "{long}");
    assert_eq!(long, "word_word_word_word_word_word_word_word");
    let empty = RevisionFile::new(NewRevision {
        message: "?".into(),
        ..draft()
    });
    assert_eq!(empty.file_name(), "3fa1c2d4e5b6.sql");
}

#[test]
fn revision_id_validation_and_generation() {
    assert!(RevisionId::parse("3fa1").is_ok());
    assert!(RevisionId::parse("my_rev_001").is_ok());
    assert!(RevisionId::parse(&"a".repeat(40)).is_ok());
    for bad in [
        "abc",
        "ABCD",
        "3fa1-c2",
        &"a".repeat(41),
        "head",
        "heads",
        "base",
        "current",
        "",
    ] {
        let err = RevisionId::parse(bad).unwrap_err();
        assert!(err.to_string().contains("is not a revision id"), "{err}");
    }
    let a = RevisionId::generate();
    let b = RevisionId::generate();
    assert_ne!(a, b);
    assert_eq!(a.as_str().len(), 12);
    assert!(a
        .as_str()
        .bytes()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    let fresh = NewRevision::new("x", Dialect::Sqlite, vec![]);
    assert_eq!(fresh.created.timestamp_subsec_nanos(), 0);
    assert!(fresh.transactional);
}

#[test]
fn transaction_control_in_a_transactional_revision_is_refused_with_its_line() {
    let header = "-- revision: aaaa0001\n-- down_revision: none\n-- message: m\n\
                  -- created: 2026-01-01T10:00:00Z\n-- dialect: postgresql\n";
    let body = "\n-- +up\nCREATE TABLE t (id int);\nCOMMIT;\nINSERT INTO t VALUES (1);\n\n-- +down\nDROP TABLE t;\n";
    let path = std::path::Path::new("migrations/versions/aaaa0001_m.sql");
    let text = format!("{header}-- transactional: true\n{body}");
    let error = RevisionFile::parse(&text, path).unwrap_err();
    assert_eq!(error.line, 10, "{error}");
    assert!(error.to_string().contains("`COMMIT`"), "{error}");
    assert!(
        error.to_string().contains("transactional: false"),
        "{error}"
    );
    // Allowed where the executor runs statement by statement, and savepoints always are.
    let autocommit = format!("{header}-- transactional: false\n{body}");
    assert!(RevisionFile::parse(&autocommit, path).is_ok());
    let savepoint = text.replace("COMMIT;", "SAVEPOINT a;\nROLLBACK TO SAVEPOINT a;");
    assert!(RevisionFile::parse(&savepoint, path).is_ok());
    for control in ["ROLLBACK;", "BEGIN;", "START TRANSACTION;", "end;"] {
        let refused = text.replace("COMMIT;", control);
        assert!(RevisionFile::parse(&refused, path).is_err(), "{control}");
    }
}
