//! The shared crates' modules depend on each other in one direction only (see their `lib.rs`):
//! a module circle makes every change to one of them a change to all, and it crept in once
//! already (`csrf`, `login`, `pages` and `session` all needed each other for the error page).
//! The platform's folders are layers, each using only the ones before it; the `wikimedia`
//! crate, which the platform uses, cannot use the platform at all (Cargo sees to that).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The platform's layers, leaves first. A module at the top of `src/` that is not a folder
/// stands apart and may use any layer (`config`, `telemetry`, `toolsdb`); no layer may use it,
/// except that `serving` builds the platform from the `config`.
const PLATFORM_LAYERS: [&str; 6] = ["i18n", "error", "security", "login", "pages", "serving"];

/// Module path (`security::csrf`, `i18n` for `i18n/mod.rs`) → the crate's modules it names.
type Dependencies = BTreeMap<String, BTreeSet<String>>;

fn crate_source(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(name)
        .join("src")
}

fn module_files(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("entry").path();
        let stem = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .expect("file name")
            .to_owned();
        let joined = |name: &str| {
            if prefix.is_empty() {
                name.to_owned()
            } else {
                format!("{prefix}::{name}")
            }
        };
        if path.is_dir() {
            module_files(&path, &joined(&stem), out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let module = match stem.as_str() {
                "lib" => continue,
                "mod" => prefix.to_owned(),
                _ => joined(&stem),
            };
            out.push((module, path));
        }
    }
}

/// The longest module of `known` that `path` (`a::b::Item`) starts with.
fn resolve(path: &str, known: &BTreeSet<String>) -> Option<String> {
    let segments: Vec<&str> = path.split("::").collect();
    (1..=segments.len())
        .rev()
        .map(|n| segments[..n].join("::"))
        .find(|candidate| known.contains(candidate))
}

/// The paths a `crate::` reference at the start of `rest` names: one, or a `{…}` group's.
fn named_paths(rest: &str) -> Vec<String> {
    let head: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
        .collect();
    let after = &rest[head.len()..];
    if after.starts_with('{') {
        let group = &after[1..after.find('}').expect("closed group")];
        group
            .split(',')
            .map(|item| item.trim().split(" as ").next().unwrap_or_default())
            .filter(|item| !item.is_empty() && *item != "self")
            .map(|item| format!("{head}{item}"))
            .chain(std::iter::once(head.trim_end_matches("::").to_owned()))
            .filter(|path| !path.is_empty())
            .collect()
    } else {
        vec![head.trim_end_matches("::").to_owned()]
    }
}

fn dependencies(crate_name: &str) -> Dependencies {
    let mut files = Vec::new();
    module_files(&crate_source(crate_name), "", &mut files);
    let known: BTreeSet<String> = files.iter().map(|(module, _)| module.clone()).collect();
    let mut modules = BTreeMap::new();
    for (module, path) in files {
        let text = std::fs::read_to_string(&path).expect("source reads");
        let mut named = BTreeSet::new();
        for (index, _) in text.match_indices("crate::") {
            // `$crate::` in a macro is the crate's root, not a module.
            if text[..index].ends_with('$') {
                continue;
            }
            for path in named_paths(&text[index + "crate::".len()..]) {
                if let Some(target) = resolve(&path, &known) {
                    named.insert(target);
                }
            }
        }
        // A module naming its own children (`crate::i18n::language` in `i18n`) is fine: a
        // parent declares its children. Only others count.
        named.retain(|target| *target != module && !target.starts_with(&format!("{module}::")));
        modules.insert(module, named);
    }
    modules
}

fn circle(modules: &Dependencies) -> Dependencies {
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
    modules
        .iter()
        .filter(|(name, _)| !done.contains(*name))
        .map(|(name, needs)| (name.clone(), needs.clone()))
        .collect()
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

#[test]
fn the_platform_modules_have_no_circle() {
    let modules = dependencies("platform");
    assert!(modules.contains_key("security::csrf"), "{modules:?}");
    let circle = circle(&modules);
    assert!(
        circle.is_empty(),
        "these modules depend on each other in a circle: {circle:?}"
    );
}

#[test]
fn the_wikimedia_modules_have_no_circle() {
    let modules = dependencies("wikimedia");
    assert!(modules.contains_key("mediawiki"), "{modules:?}");
    let circle = circle(&modules);
    assert!(
        circle.is_empty(),
        "these modules depend on each other in a circle: {circle:?}"
    );
}

#[test]
fn each_platform_layer_uses_only_the_layers_before_it() {
    let layer = |module: &str| PLATFORM_LAYERS.iter().position(|name| *name == top(module));
    let mut wrong = Vec::new();
    for (module, needs) in dependencies("platform") {
        for need in needs {
            let allowed = match (layer(&module), layer(&need)) {
                (Some(from), Some(to)) => to <= from,
                // A module apart may use any layer.
                (None, _) => true,
                (Some(from), None) => top(&need) == "config" && PLATFORM_LAYERS[from] == "serving",
            };
            if !allowed {
                wrong.push(format!("{module} → {need}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "these modules use a later layer (order: {PLATFORM_LAYERS:?}): {wrong:?}"
    );
}

#[test]
fn the_error_page_depends_only_on_messages_and_those_on_nothing_else() {
    let modules = dependencies("platform");
    let only = |names: &[&str]| Some(names.iter().map(|name| (*name).to_owned()).collect());
    assert_eq!(modules.get("error"), only(&["i18n"]).as_ref());
    assert_eq!(
        modules.get("error::wiki"),
        only(&["error", "i18n", "i18n::message_syntax"]).as_ref()
    );
    assert_eq!(modules.get("i18n"), only(&[]).as_ref());
    assert_eq!(modules.get("i18n::language"), only(&[]).as_ref());
    assert_eq!(modules.get("i18n::message_syntax"), only(&[]).as_ref());
}
