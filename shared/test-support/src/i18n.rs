//! Checks of a crate's interface messages, for its tests: every key the code and templates use
//! exists, every key of `en.json` is used and documented in `qqq.json`, and every translation
//! fits its English source (known keys, no parameter the source lacks, a name for the language).

use std::collections::BTreeSet;
use std::path::Path;

use include_dir::Dir;
use platform::i18n::{self, PLATFORM_MESSAGES};

/// What is wrong with the messages of the crate at `manifest_dir` (its `src/` and `templates/`)
/// whose `i18n/` folder is `messages`; empty when nothing is. Keys are found where they are
/// used: `msg("key")` in templates and code, `Text::new("key")` in code. Keys of the platform
/// may be used by every tool.
pub fn problems(manifest_dir: &str, messages: &'static Dir<'static>) -> Vec<String> {
    let root = Path::new(manifest_dir);
    let mut sources = String::new();
    for folder in ["src", "templates"] {
        read_all(&root.join(folder), &mut sources);
    }
    let own = i18n::source_keys(messages).expect("en.json reads");
    let platform = i18n::source_keys(&PLATFORM_MESSAGES).expect("the platform's en.json reads");
    let mut problems = i18n::check_folder(messages).expect("the i18n folder reads");

    let used = used_keys(&sources);
    problems.extend(
        used.iter()
            .filter(|key| !own.contains(*key) && !platform.contains(*key))
            .map(|key| format!("{key}: used, but in no en.json")),
    );
    problems.extend(
        own.iter()
            .filter(|key| !sources.contains(&format!("\"{key}\"")))
            .map(|key| format!("{key}: in en.json, but used nowhere")),
    );
    problems.extend(parameter_problems(messages));
    problems.sort();
    problems
}

fn read_all(path: &Path, into: &mut String) {
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            read_all(&path, into);
        } else if path
            .extension()
            .is_some_and(|extension| extension == "rs" || extension == "html")
        {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            // Comments show how to call messages; only code uses them.
            for line in text
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
            {
                into.push_str(line);
                into.push('\n');
            }
        }
    }
}

/// The keys named by `msg("…")` and `Text::new("…")`.
fn used_keys(sources: &str) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for call in ["msg(\"", "Text::new(\""] {
        for (index, _) in sources.match_indices(call) {
            let rest = &sources[index + call.len()..];
            if let Some(end) = rest.find('"') {
                keys.insert(rest[..end].to_owned());
            }
        }
    }
    keys
}

/// Translations that use a parameter (`$3`) their English source does not have.
fn parameter_problems(messages: &Dir<'static>) -> Vec<String> {
    let read = |code: &str| -> serde_json::Map<String, serde_json::Value> {
        messages
            .get_file(format!("{code}.json"))
            .and_then(|file| serde_json::from_slice(file.contents()).ok())
            .unwrap_or_default()
    };
    let source = read("en");
    let mut problems = Vec::new();
    for file in messages.files() {
        let code = file
            .path()
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or_default();
        if code == "en" || code == "qqq" {
            continue;
        }
        for (key, text) in read(code) {
            let (Some(text), Some(english)) = (
                text.as_str(),
                source.get(&key).and_then(|english| english.as_str()),
            ) else {
                continue;
            };
            let allowed = highest_parameter(english);
            if highest_parameter(text) > allowed {
                problems.push(format!(
                    "{key}: {code}.json uses a parameter beyond ${allowed}"
                ));
            }
        }
    }
    problems
}

fn highest_parameter(text: &str) -> usize {
    text.match_indices('$')
        .filter_map(|(index, _)| {
            let digits: String = text[index + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .max()
        .unwrap_or(0)
}
