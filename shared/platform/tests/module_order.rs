//! The platform's modules depend on each other in one direction only (see `lib.rs`): a module
//! circle makes every change to one of them a change to all, and it crept in once already
//! (`csrf`, `login`, `pages` and `session` all needed each other for the error page).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Which platform modules each module names (`crate::<module>`, in `use` lines or inline).
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules = BTreeMap::new();
    for entry in std::fs::read_dir(&source).expect("src is readable") {
        let path = entry.expect("entry").path();
        let name = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .expect("file name")
            .to_owned();
        if name == "lib" || path.extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("source reads");
        let mut named = BTreeSet::new();
        for (index, _) in text.match_indices("crate::") {
            let rest = &text[index + "crate::".len()..];
            let module: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `use crate::{a, b}` names several.
            if module.is_empty() && rest.starts_with('{') {
                let group = &rest[1..rest.find('}').expect("closed group")];
                named.extend(
                    group
                        .split(',')
                        .map(|item| {
                            item.trim()
                                .split("::")
                                .next()
                                .unwrap_or_default()
                                .to_owned()
                        })
                        .filter(|item| !item.is_empty()),
                );
            } else if !module.is_empty() && module != name {
                named.insert(module);
            }
        }
        named.remove(&name);
        modules.insert(name, named);
    }
    modules
}

#[test]
fn the_platform_modules_have_no_circle() {
    let modules = dependencies();
    // Kahn's algorithm: repeatedly take a module all of whose dependencies are taken.
    let mut done: BTreeSet<String> = BTreeSet::new();
    loop {
        let ready: Vec<String> = modules
            .iter()
            .filter(|(name, needs)| {
                !done.contains(*name)
                    && needs
                        .iter()
                        .all(|need| done.contains(need) || !modules.contains_key(need))
            })
            .map(|(name, _)| name.clone())
            .collect();
        if ready.is_empty() {
            break;
        }
        done.extend(ready);
    }
    let circle: BTreeMap<_, _> = modules
        .iter()
        .filter(|(name, _)| !done.contains(*name))
        .collect();
    assert!(
        circle.is_empty(),
        "these modules depend on each other in a circle: {circle:?}"
    );
}

#[test]
fn the_error_page_depends_only_on_messages_and_those_on_nothing_else() {
    let modules = dependencies();
    let only = |names: &[&str]| Some(names.iter().map(|name| (*name).to_owned()).collect());
    assert_eq!(modules.get("error"), only(&["i18n"]).as_ref());
    assert_eq!(
        modules.get("i18n"),
        only(&["language", "message_syntax"]).as_ref()
    );
    assert_eq!(modules.get("language"), only(&[]).as_ref());
    assert_eq!(modules.get("message_syntax"), only(&[]).as_ref());
}
