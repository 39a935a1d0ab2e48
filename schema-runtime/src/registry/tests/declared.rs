//! The guard against dropped registrations: every declared model must be collected.

use super::{id, model};
use crate::registry::{check_declared, Declared, DeclaredModel, LinkError};

fn declared(models: &[(&'static str, &'static str)]) -> Declared {
    Declared::new(
        "app::some::module",
        models
            .iter()
            .map(|(module, name)| DeclaredModel::new(module, name))
            .collect(),
    )
}

#[test]
fn every_declared_model_collected_is_fine() {
    // `model()` puts its tables in `app::models`.
    let collected = vec![model("Task", "tasks", vec![id()])];
    assert_eq!(
        check_declared(&declared(&[("models", "Task")]), &collected),
        Ok(())
    );
}

#[test]
fn a_missing_registration_is_named_with_its_module_and_what_to_do() {
    let collected = vec![model("Task", "tasks", vec![id()])];
    let err = check_declared(
        &declared(&[("models", "Task"), ("models", "Comment")]),
        &collected,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the registration of `app::models::Comment` was not collected: the linker dropped \
         it; call `app::link()` from the binary's main (it is what keeps the crate linked); \
         if main calls it already, check that it derives `schema_runtime::Table` and that \
         the build holds one version of schema-runtime"
    );
}

#[test]
fn a_model_in_another_module_does_not_stand_in_for_the_declared_one() {
    let collected = vec![model("Task", "tasks", vec![id()])];
    let err = check_declared(&declared(&[("", "Task")]), &collected).unwrap_err();
    assert_eq!(
        err,
        LinkError::NotCollected {
            crate_name: "app".into(),
            missing: vec!["app::Task".into()],
        }
    );
}

#[test]
fn nothing_collected_names_every_declared_model() {
    let err = check_declared(&declared(&[("models", "A"), ("", "B")]), &[]).unwrap_err();
    assert!(err
        .to_string()
        .starts_with("the registrations of `app::B`, `app::models::A` were not collected"));
}

#[test]
fn more_collected_than_declared_is_fine() {
    let collected = vec![
        model("Task", "tasks", vec![id()]),
        model("MadeByAMacro", "generated", vec![id()]),
    ];
    assert_eq!(
        check_declared(&declared(&[("models", "Task")]), &collected),
        Ok(())
    );
    assert_eq!(check_declared(&declared(&[]), &collected), Ok(()));
}

#[test]
fn nothing_declared_and_nothing_collected_is_an_error() {
    let err = check_declared(&declared(&[]), &[]).unwrap_err();
    assert_eq!(
        err,
        LinkError::NoModels {
            crate_name: "app".into()
        }
    );
    assert!(err
        .to_string()
        .contains("would read as \"drop every table\""));
}
