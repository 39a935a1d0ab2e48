//! The revision graph: shape queries, target resolution, and upgrade/downgrade plans over a
//! linear history, a branch with two heads, and a merge.

use std::collections::BTreeSet;

use super::{applied, id, ids, rev, set};
use crate::revision::{Anchor, ResolvedTarget, RevisionError, RevisionSet, Target};

/// a001 -> b002 -> c003 -> d004.
fn linear() -> RevisionSet {
    set(vec![
        rev("d004", &["c003"], 4),
        rev("c003", &["b002"], 3),
        rev("b002", &["a001"], 2),
        rev("a001", &[], 1),
    ])
}

/// a001 -> b002 -> c003, and b002 -> x003 (created later): two heads.
fn branched() -> Vec<crate::revision::RevisionFile> {
    vec![
        rev("a001", &[], 1),
        rev("b002", &["a001"], 2),
        rev("c003", &["b002"], 3),
        rev("x003", &["b002"], 4),
    ]
}

/// The branch joined again by m005.
fn merged() -> RevisionSet {
    let mut files = branched();
    files.push(rev("m005", &["c003", "x003"], 5));
    set(files)
}

fn target(text: &str) -> Target {
    text.parse().unwrap()
}

fn up(set: &RevisionSet, done: &[&str], to: &str) -> Result<Vec<String>, RevisionError> {
    let plan = set.upgrade_plan(&applied(done), &target(to))?;
    Ok(plan.iter().map(|r| r.to_string()).collect())
}

fn down(set: &RevisionSet, done: &[&str], to: &str) -> Result<Vec<String>, RevisionError> {
    let plan = set.downgrade_plan(&applied(done), &target(to))?;
    Ok(plan.iter().map(|r| r.to_string()).collect())
}

fn at(set: &RevisionSet, done: &[&str], to: &str) -> Result<ResolvedTarget, RevisionError> {
    set.resolve_target(&target(to), &applied(done))
}

fn revisions(list: &[&str]) -> ResolvedTarget {
    ResolvedTarget::Revisions(applied(list))
}

#[test]
fn revision_graph_linear_shape() {
    let s = linear();
    assert_eq!(
        s.topological_order(),
        ids(&["a001", "b002", "c003", "d004"])
    );
    assert_eq!(s.heads(), ids(&["d004"]));
    assert_eq!(s.bases(), ids(&["a001"]));
    assert!(s.is_head(&id("d004")) && !s.is_head(&id("c003")) && !s.is_head(&id("zzzz")));
    assert_eq!(s.ancestors(&id("c003")), applied(&["a001", "b002"]));
    assert_eq!(s.descendants(&id("b002")), applied(&["c003", "d004"]));
    assert_eq!(s.parents(&id("b002")), ids(&["a001"]));
    assert_eq!(s.children(&id("b002")), ids(&["c003"]));
    assert!(s.merge_parents().is_empty());
    let messages: Vec<&str> = s.history().iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        ["step a001", "step b002", "step c003", "step d004"]
    );
}

#[test]
fn revision_graph_order_breaks_ties_by_created_then_id() {
    let s = set(vec![
        rev("root", &[], 0),
        rev("zz02", &["root"], 1),
        rev("bb02", &["root"], 2),
        rev("aa02", &["root"], 2),
        rev("cc03", &["zz02", "bb02", "aa02"], 3),
    ]);
    assert_eq!(
        s.topological_order(),
        ids(&["root", "zz02", "aa02", "bb02", "cc03"])
    );
    assert_eq!(s.children(&id("root")), ids(&["zz02", "aa02", "bb02"]));
}

#[test]
fn revision_graph_two_heads() {
    let s = set(branched());
    assert_eq!(s.heads(), ids(&["c003", "x003"]));
    assert_eq!(s.merge_parents(), ids(&["c003", "x003"]));
    assert_eq!(
        s.current_heads(&applied(&["a001", "b002", "c003", "x003"])),
        ids(&["c003", "x003"])
    );
    assert_eq!(s.current_heads(&applied(&["a001", "b002"])), ids(&["b002"]));
    assert!(s.current_heads(&BTreeSet::new()).is_empty());
    assert_eq!(s.descendants(&id("b002")), applied(&["c003", "x003"]));
}

#[test]
fn revision_graph_merge_revision() {
    let s = merged();
    assert_eq!(s.heads(), ids(&["m005"]));
    assert!(s.merge_parents().is_empty());
    assert!(s.get(&id("m005")).unwrap().is_merge());
    assert_eq!(
        s.ancestors(&id("m005")),
        applied(&["a001", "b002", "c003", "x003"])
    );
    assert_eq!(s.children(&id("c003")), ids(&["m005"]));
}

#[test]
fn revision_resolve_full_id_and_unique_prefix() {
    let s = set(vec![
        rev("abcd", &[], 1),
        rev("abcdef12", &["abcd"], 2),
        rev("abce1234", &["abcdef12"], 3),
    ]);
    assert_eq!(s.resolve("abcd").unwrap(), id("abcd"));
    assert_eq!(s.resolve("abcde").unwrap(), id("abcdef12"));
    assert_eq!(s.resolve(" ABCE ").unwrap(), id("abce1234"));
    let ambiguous = s.resolve("abc").unwrap_err();
    assert_eq!(
        ambiguous.to_string(),
        "revision prefix `abc` is ambiguous: it matches abcd, abcdef12, abce1234; type more characters"
    );
    let unknown = s.resolve("9bc0").unwrap_err();
    assert_eq!(
        unknown.to_string(),
        "unknown revision `9bc0`: no file in migrations/versions defines it"
    );
    assert!(matches!(
        s.resolve(""),
        Err(RevisionError::UnknownRevision { .. })
    ));
}

#[test]
fn revision_target_parsing() {
    let rel = |anchor, steps| Target::Relative { anchor, steps };
    let cases = [
        ("head", Target::Head),
        ("HEADS", Target::Heads),
        ("base", Target::Base),
        ("3fa1", Target::Revision("3fa1".into())),
        ("3FA1C2", Target::Revision("3fa1c2".into())),
        ("-1", rel(Anchor::Current, -1)),
        ("+2", rel(Anchor::Current, 2)),
        ("head-1", rel(Anchor::Head, -1)),
        ("base+3", rel(Anchor::Base, 3)),
        ("3fa1+1", rel(Anchor::Revision("3fa1".into()), 1)),
    ];
    for (text, expected) in cases {
        let parsed: Target = text.parse().unwrap();
        assert_eq!(parsed, expected, "{text}");
        let again: Target = parsed.to_string().parse().unwrap();
        assert_eq!(again, parsed, "display of {text}");
    }
    for bad in [
        "", "-", "+x", "head-", "heads-1", "3fa1-1-", "ab.cd", "head--1",
    ] {
        let err = bad.parse::<Target>().unwrap_err();
        assert!(
            matches!(err, RevisionError::InvalidTarget { .. }),
            "{bad}: {err}"
        );
    }
    assert_eq!(target("head-1").to_string(), "head-1");
    assert_eq!(target("+2").to_string(), "+2");
}

#[test]
fn revision_relative_targets_on_a_line() {
    let s = linear();
    let done = ["a001", "b002"];
    assert_eq!(at(&s, &done, "+1").unwrap(), revisions(&["c003"]));
    assert_eq!(at(&s, &done, "-1").unwrap(), revisions(&["a001"]));
    assert_eq!(at(&s, &done, "-2").unwrap(), ResolvedTarget::Base);
    assert_eq!(at(&s, &done, "head-1").unwrap(), revisions(&["c003"]));
    assert_eq!(at(&s, &done, "b0+2").unwrap(), revisions(&["d004"]));
    assert_eq!(at(&s, &[], "base+1").unwrap(), revisions(&["a001"]));
    assert_eq!(at(&s, &[], "+2").unwrap(), revisions(&["b002"]));
    let past_base = at(&s, &done, "-3").unwrap_err();
    assert_eq!(
        past_base.to_string(),
        "`-3` walks past the base of the history"
    );
    let past_head = at(&s, &done, "head+1").unwrap_err();
    assert_eq!(
        past_head.to_string(),
        "`head+1` walks past the head of the history"
    );
}

#[test]
fn revision_relative_targets_at_a_branch_and_a_merge() {
    let s = set(branched());
    let err = at(&s, &["a001", "b002"], "+1").unwrap_err();
    assert_eq!(
        err.to_string(),
        "`+1` is ambiguous: b002 has several next revisions (c003, x003); name the revision instead"
    );
    assert!(matches!(
        at(&s, &[], "head-1"),
        Err(RevisionError::MultipleHeads { .. })
    ));
    let both = ["a001", "b002", "c003", "x003"];
    assert!(matches!(
        at(&s, &both, "-1"),
        Err(RevisionError::MultipleCurrentHeads { .. })
    ));
    let m = merged();
    assert_eq!(at(&m, &[], "head-1").unwrap(), revisions(&["c003", "x003"]));
    assert_eq!(at(&m, &[], "head-2").unwrap(), revisions(&["b002"]));
    assert_eq!(at(&m, &[], "c003+1").unwrap(), revisions(&["m005"]));
}

#[test]
fn revision_upgrade_plan_on_a_line() {
    let s = linear();
    assert_eq!(
        up(&s, &[], "head").unwrap(),
        ["a001", "b002", "c003", "d004"]
    );
    assert_eq!(up(&s, &["a001", "b002"], "head").unwrap(), ["c003", "d004"]);
    assert_eq!(up(&s, &[], "b0").unwrap(), ["a001", "b002"]);
    assert_eq!(up(&s, &["a001"], "+2").unwrap(), ["b002", "c003"]);
    assert!(up(&s, &["a001", "b002", "c003"], "b002")
        .unwrap()
        .is_empty());
    assert!(up(&s, &["a001", "b002"], "base").unwrap().is_empty());
    assert!(up(&s, &["a001", "b002"], "-1").unwrap().is_empty());
}

#[test]
fn revision_upgrade_plan_with_two_heads() {
    let s = set(branched());
    let err = up(&s, &[], "head").unwrap_err();
    assert_eq!(
        err.to_string(),
        "the history has several heads (c003, x003); name one of them, use `heads` to upgrade \
         all of them, or write a merge revision with `migrate merge`"
    );
    assert_eq!(
        up(&s, &[], "heads").unwrap(),
        ["a001", "b002", "c003", "x003"]
    );
    assert_eq!(up(&s, &["a001", "b002", "c003"], "x003").unwrap(), ["x003"]);
    assert_eq!(up(&s, &["a001"], "c0").unwrap(), ["b002", "c003"]);
}

#[test]
fn revision_upgrade_plan_through_a_merge() {
    let s = merged();
    assert_eq!(
        up(&s, &[], "head").unwrap(),
        ["a001", "b002", "c003", "x003", "m005"]
    );
    assert_eq!(
        up(&s, &["a001", "b002", "c003"], "head").unwrap(),
        ["x003", "m005"]
    );
    assert_eq!(
        up(&s, &["a001", "b002", "x003"], "+1").unwrap(),
        ["c003", "m005"]
    );
}

#[test]
fn revision_downgrade_plan_on_a_line() {
    let s = linear();
    let all = ["a001", "b002", "c003", "d004"];
    assert_eq!(
        down(&s, &all, "base").unwrap(),
        ["d004", "c003", "b002", "a001"]
    );
    assert_eq!(down(&s, &all, "b002").unwrap(), ["d004", "c003"]);
    assert_eq!(down(&s, &all, "-1").unwrap(), ["d004"]);
    assert_eq!(down(&s, &all, "head-2").unwrap(), ["d004", "c003"]);
    assert!(down(&s, &all, "head").unwrap().is_empty());
    let err = down(&s, &["a001", "b002"], "c003").unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot downgrade to c003: it is not applied (`migrate current` shows what is); use \
         `upgrade` to move forward"
    );
    assert!(matches!(
        down(&s, &[], "-1"),
        Err(RevisionError::RelativeOutOfRange { upward: false, .. })
    ));
}

#[test]
fn revision_downgrade_plan_through_a_merge() {
    let s = merged();
    let all = ["a001", "b002", "c003", "x003", "m005"];
    assert_eq!(down(&s, &all, "-1").unwrap(), ["m005"]);
    assert_eq!(down(&s, &all, "-2").unwrap(), ["m005", "x003", "c003"]);
    assert_eq!(down(&s, &all, "c003").unwrap(), ["m005"]);
    assert_eq!(down(&s, &all, "b002").unwrap(), ["m005", "x003", "c003"]);
    assert_eq!(
        down(&s, &all, "base").unwrap(),
        ["m005", "x003", "c003", "b002", "a001"]
    );
}

#[test]
fn revision_downgrade_leaves_other_branches_alone() {
    let s = set(branched());
    let all = ["a001", "b002", "c003", "x003"];
    assert!(down(&s, &all, "c003").unwrap().is_empty());
    assert_eq!(down(&s, &all, "b002").unwrap(), ["x003", "c003"]);
    assert!(matches!(
        down(&s, &all, "-1"),
        Err(RevisionError::MultipleCurrentHeads { .. })
    ));
}

#[test]
fn revision_plans_refuse_unknown_applied_revisions() {
    let s = linear();
    let err = up(&s, &["a001", "zzzz9999"], "head").unwrap_err();
    assert_eq!(
        err.to_string(),
        "the database records revision(s) zzzz9999, which no file in migrations/versions \
         defines; restore the file(s), or `migrate stamp` the database to a revision that exists"
    );
    assert!(matches!(
        down(&s, &["a001", "zzzz9999"], "base"),
        Err(RevisionError::UnknownApplied { .. })
    ));
    assert_eq!(
        s.unknown_applied(&applied(&["a001", "zzzz9999"])),
        ids(&["zzzz9999"])
    );
    assert_eq!(
        s.current_heads(&applied(&["a001", "zzzz9999"])),
        ids(&["a001"])
    );
}

#[test]
fn revision_plans_on_an_empty_history() {
    let s = RevisionSet::empty("migrations/versions");
    assert!(up(&s, &[], "head").unwrap().is_empty());
    assert!(up(&s, &[], "heads").unwrap().is_empty());
    assert!(down(&s, &[], "base").unwrap().is_empty());
    assert!(matches!(
        up(&s, &[], "+1"),
        Err(RevisionError::RelativeOutOfRange { upward: true, .. })
    ));
}
