//! Category links in wikitext: finding them as the wiki would, and adding, changing or removing
//! them with as small a change to the text as possible.
//!
//! No wikitext parser crate fits (parsing to an AST and serialising back would reformat pages),
//! so this is a small scanner: it finds `[[<category namespace>:<name>|<sort key>]]` outside
//! comments, `<nowiki>`, `<pre>`, `<includeonly>` and code blocks, and rewrites only those bytes.
//! It is tested with a table of cases and with random input (it must never panic).

use crate::command::{Action, SortKeyRule, normalize_title};

/// What the wiki says about its category namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryNamespace {
    /// Canonical name, local name and aliases, normalised and lower-cased.
    names: Vec<String>,
    /// `case` of the namespace: `true` for case-sensitive wikis (Wiktionary), `false` for the
    /// usual first-letter rule.
    case_sensitive: bool,
}

impl CategoryNamespace {
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>, case_sensitive: bool) -> Self {
        let mut normalized: Vec<String> = names
            .into_iter()
            .map(|n| normalize_title(n).to_lowercase())
            .collect();
        normalized.push("category".to_owned());
        normalized.sort();
        normalized.dedup();
        Self {
            names: normalized,
            case_sensitive,
        }
    }

    /// English names only, first-letter case: what `preview` assumes without flags.
    pub fn english() -> Self {
        Self::new(["Category"], false)
    }

    pub fn is_category_prefix(&self, prefix: &str) -> bool {
        let prefix = normalize_title(prefix).to_lowercase();
        self.names.contains(&prefix)
    }

    /// Whether two category names are the same page on this wiki.
    pub fn same_category(&self, a: &str, b: &str) -> bool {
        let (a, b) = (normalize_title(a), normalize_title(b));
        if self.case_sensitive {
            a == b
        } else {
            upper_first(&a) == upper_first(&b)
        }
    }
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A category link as it stands in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryLink {
    /// Byte range of `[[…]]`.
    pub start: usize,
    pub end: usize,
    /// The namespace prefix as written.
    pub prefix: String,
    /// The category name as written (trimmed).
    pub name: String,
    pub sort_key: Option<String>,
}

/// Regions where links do not count, by opening tag (lower-case) and closing text.
const SKIPPED: &[(&str, &str)] = &[
    ("<!--", "-->"),
    ("<nowiki", "</nowiki>"),
    ("<pre", "</pre>"),
    ("<includeonly", "</includeonly>"),
    ("<syntaxhighlight", "</syntaxhighlight>"),
    ("<source", "</source>"),
    ("<math", "</math>"),
];

fn starts_with_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack.len() >= needle.len()
        && haystack.is_char_boundary(needle.len())
        && haystack[..needle.len()].eq_ignore_ascii_case(needle)
}

/// Every category link of `text`, in order.
pub fn category_links(text: &str, namespace: &CategoryNamespace) -> Vec<CategoryLink> {
    scan(text, namespace).links
}

struct Scan {
    links: Vec<CategoryLink>,
    /// Where an unclosed comment or tag starts: MediaWiki treats everything after it as inside,
    /// so nothing can be added after that point.
    unclosed_from: Option<usize>,
}

fn scan(text: &str, namespace: &CategoryNamespace) -> Scan {
    let mut links = Vec::new();
    let mut unclosed_from = None;
    let mut position = 0;
    while let Some(offset) = text[position..].find(['<', '[']) {
        let at = position + offset;
        let rest = &text[at..];
        if let Some((_, close)) = SKIPPED
            .iter()
            .find(|(open, _)| starts_with_ignore_case(rest, open))
        {
            // A self-closing `<nowiki/>` skips nothing.
            let tag_end = rest.find('>').map_or(rest.len(), |i| i + 1);
            if rest[..tag_end].ends_with("/>") && !rest.starts_with("<!--") {
                position = at + tag_end;
                continue;
            }
            let lower = rest.to_ascii_lowercase();
            position = match lower.find(close) {
                Some(end) => at + end + close.len(),
                // Unclosed: MediaWiki treats the rest of the page as inside it.
                None => {
                    unclosed_from = Some(at);
                    text.len()
                }
            };
            continue;
        }
        if rest.starts_with("[[") {
            if let Some(link) = parse_link(text, at, namespace) {
                position = link.end;
                links.push(link);
                continue;
            }
            // `[[[Category:A]]` is a bracket and then a link: look again one byte further.
            position = at + 1;
            continue;
        }
        position = at + 1;
    }
    Scan {
        links,
        unclosed_from,
    }
}

fn parse_link(text: &str, start: usize, namespace: &CategoryNamespace) -> Option<CategoryLink> {
    let inner_start = start + 2;
    let close = text[inner_start..].find("]]")? + inner_start;
    let inner = &text[inner_start..close];
    if inner.contains("[[") || inner.contains('\n') {
        return None;
    }
    let (target, sort_key) = match inner.split_once('|') {
        Some((target, key)) => (target, Some(key.to_owned())),
        None => (inner, None),
    };
    let target = target.trim();
    // `[[:Category:X]]` links to the category instead of categorising.
    if target.starts_with(':') {
        return None;
    }
    let (prefix, name) = target.split_once(':')?;
    if !namespace.is_category_prefix(prefix) || normalize_title(name).is_empty() {
        return None;
    }
    Some(CategoryLink {
        start,
        end: close + 2,
        prefix: prefix.trim().to_owned(),
        name: name.trim().to_owned(),
        sort_key,
    })
}

fn link_text(prefix: &str, name: &str, sort_key: Option<&str>) -> String {
    match sort_key {
        Some(key) if !key.is_empty() => format!("[[{prefix}:{name}|{key}]]"),
        _ => format!("[[{prefix}:{name}]]"),
    }
}

/// Applies the actions in order and returns the new text (unchanged if nothing applies).
/// Applying the same actions to the result changes nothing more.
pub fn apply(text: &str, actions: &[Action], namespace: &CategoryNamespace) -> String {
    actions.iter().fold(text.to_owned(), |text, action| {
        apply_one(&text, action, namespace)
    })
}

fn apply_one(text: &str, action: &Action, namespace: &CategoryNamespace) -> String {
    let Scan {
        links,
        unclosed_from,
    } = scan(text, namespace);
    let matching: Vec<&CategoryLink> = links
        .iter()
        .filter(|link| namespace.same_category(&link.name, action.category()))
        .collect();
    match action {
        Action::Add {
            prefix,
            category,
            sort_key,
        } => {
            if let Some(existing) = matching.first() {
                let new_key = match sort_key {
                    SortKeyRule::IfMissing(key) if existing.sort_key.is_none() => Some(key),
                    SortKeyRule::Replace(key)
                        if existing.sort_key.as_deref().unwrap_or_default() != key =>
                    {
                        Some(key)
                    }
                    _ => None,
                };
                return match new_key {
                    Some(key) => {
                        let replacement = link_text(&existing.prefix, &existing.name, Some(key));
                        format!(
                            "{}{replacement}{}",
                            &text[..existing.start],
                            &text[existing.end..]
                        )
                    }
                    None => text.to_owned(),
                };
            }
            let key = match sort_key {
                SortKeyRule::None => None,
                SortKeyRule::ForNewLink(key)
                | SortKeyRule::IfMissing(key)
                | SortKeyRule::Replace(key) => Some(key.as_str()),
            };
            let link = link_text(prefix, category, key);
            match (links.last(), unclosed_from) {
                (Some(last), _) => format!("{}\n{link}{}", &text[..last.end], &text[last.end..]),
                // The end of the page is inside an unclosed comment or tag: put it before that.
                (None, Some(start)) => format!("{}{link}\n{}", &text[..start], &text[start..]),
                (None, None) => {
                    let body = text.trim_end();
                    if body.is_empty() {
                        link
                    } else {
                        format!("{body}\n\n{link}")
                    }
                }
            }
        }
        Action::Remove { sort_key, .. } => {
            let mut result = text.to_owned();
            for link in matching.iter().rev() {
                if sort_key.is_some() && link.sort_key != *sort_key {
                    continue;
                }
                let (start, end) = removal_range(&result, link.start, link.end);
                result.replace_range(start..end, "");
            }
            result
        }
    }
}

/// The bytes to remove for a link: its whole line if nothing else is on it.
fn removal_range(text: &str, start: usize, end: usize) -> (usize, usize) {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let alone = text[line_start..start].trim().is_empty() && text[end..line_end].trim().is_empty();
    if !alone {
        return (start, end);
    }
    if line_end < text.len() {
        (line_start, line_end + 1)
    } else if line_start > 0 {
        (line_start - 1, line_end)
    } else {
        (line_start, line_end)
    }
}

/// The edit summary: the actions as wikilinks, after a link to the batch.
pub fn summary(batch_link: &str, actions: &[Action]) -> String {
    let parts: Vec<String> = actions
        .iter()
        .map(|action| {
            let sign = if matches!(action, Action::Add { .. }) {
                '+'
            } else {
                '−'
            };
            format!("{sign}[[:{}:{}]]", action.prefix(), action.category())
        })
        .collect();
    format!("{batch_link}: {}", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::parse_line;

    fn run(text: &str, actions: &str, namespace: &CategoryNamespace) -> String {
        let command = parse_line(&format!("Page|{actions}")).expect("valid actions");
        apply(text, &command.actions, namespace)
    }

    fn german() -> CategoryNamespace {
        CategoryNamespace::new(["Kategorie", "Category", "Kat"], false)
    }

    #[test]
    fn before_and_after() {
        let en = CategoryNamespace::english();
        let cases: &[(&str, &str, &str)] = &[
            // additions
            ("Text", "+Category:A", "Text\n\n[[Category:A]]"),
            ("", "+Category:A", "[[Category:A]]"),
            (
                "Text\n\n[[Category:B]]\n{{Stub}}",
                "+Category:A",
                "Text\n\n[[Category:B]]\n[[Category:A]]\n{{Stub}}",
            ),
            (
                "Text\n[[Category:A]]",
                "+Category:A",
                "Text\n[[Category:A]]",
            ),
            (
                "Text\n[[category: a_b ]]",
                "+Category:A b",
                "Text\n[[category: a_b ]]",
            ),
            (
                "Text\n[[Category:A|x]]",
                "+Category:A#y",
                "Text\n[[Category:A|x]]",
            ),
            ("Text", "+Category:A#y", "Text\n\n[[Category:A|y]]"),
            (
                "Text\n[[Category:A]]",
                "+Category:A##y",
                "Text\n[[Category:A|y]]",
            ),
            (
                "Text\n[[Category:A|x]]",
                "+Category:A##y",
                "Text\n[[Category:A|x]]",
            ),
            (
                "Text\n[[Category:A|x]]",
                "+Category:A###y",
                "Text\n[[Category:A|y]]",
            ),
            (
                "Text\n[[Category:A|y]]",
                "+Category:A###y",
                "Text\n[[Category:A|y]]",
            ),
            (
                "Text\n[[Category:A|x]]",
                "+Category:A###",
                "Text\n[[Category:A]]",
            ),
            // removals
            (
                "Text\n[[Category:A]]\n[[Category:B]]",
                "-Category:A",
                "Text\n[[Category:B]]",
            ),
            (
                "Text\n[[Category:B]]\n[[Category:A]]",
                "-Category:A",
                "Text\n[[Category:B]]",
            ),
            ("Text [[Category:A]] more", "-Category:A", "Text  more"),
            (
                "[[Category:A|x]]\n[[Category:A|y]]",
                "-Category:A#y",
                "[[Category:A|x]]",
            ),
            ("[[Category:A|x]]", "-Category:A#y", "[[Category:A|x]]"),
            ("[[Category:A]]\n[[Category:A|k]]", "-Category:A", ""),
            ("Text", "-Category:A", "Text"),
            // what does not count
            (
                "<!-- [[Category:A]] -->",
                "-Category:A",
                "<!-- [[Category:A]] -->",
            ),
            (
                "<nowiki>[[Category:A]]</nowiki>",
                "+Category:A",
                "<nowiki>[[Category:A]]</nowiki>\n\n[[Category:A]]",
            ),
            (
                "<includeonly>[[Category:A]]</includeonly>",
                "-Category:A",
                "<includeonly>[[Category:A]]</includeonly>",
            ),
            (
                "[[:Category:A]]",
                "+Category:A",
                "[[:Category:A]]\n\n[[Category:A]]",
            ),
            (
                "[[Categoryx:A]]",
                "+Category:A",
                "[[Categoryx:A]]\n\n[[Category:A]]",
            ),
            ("<nowiki/>[[Category:A]]", "-Category:A", "<nowiki/>"),
            // first-letter case rule
            ("[[Category:a]]", "+Category:A", "[[Category:a]]"),
            ("[[[Category:A]]", "+Category:A", "[[[Category:A]]"),
            // an unclosed comment hides the rest of the page: add before it
            (
                "Text\n<!-- unfinished",
                "+Category:A",
                "Text\n[[Category:A]]\n<!-- unfinished",
            ),
            (
                "[[Category:ab]]",
                "+Category:aB",
                "[[Category:ab]]\n[[Category:aB]]",
            ),
            // several actions in order
            (
                "Text\n[[Category:A]]",
                "-Category:A|+Category:B",
                "Text\n\n[[Category:B]]",
            ),
            (
                "Text\n[[Category:A]]",
                "+Category:B|-Category:A",
                "Text\n[[Category:B]]",
            ),
        ];
        for (before, actions, after) in cases {
            assert_eq!(
                run(before, actions, &en),
                *after,
                "{before:?} with {actions}"
            );
        }
    }

    #[test]
    fn local_names_and_aliases_count() {
        let de = german();
        assert_eq!(
            run("[[Kategorie:A]]", "+Kategorie:A", &de),
            "[[Kategorie:A]]"
        );
        assert_eq!(
            run(
                "[[Kat:A]]\n[[Category:B]]",
                "-Kategorie:A|-Kategorie:B",
                &de
            ),
            ""
        );
        assert_eq!(
            run("Text\n[[KATEGORIE:X]]", "+Kategorie:Y", &de),
            "Text\n[[KATEGORIE:X]]\n[[Kategorie:Y]]"
        );
    }

    #[test]
    fn case_sensitive_wikis_compare_exactly() {
        let wiktionary = CategoryNamespace::new(["Category"], true);
        assert_eq!(
            run("[[Category:a]]", "+Category:A", &wiktionary),
            "[[Category:a]]\n[[Category:A]]"
        );
        assert_eq!(
            run("[[Category:A]]", "+Category:A", &wiktionary),
            "[[Category:A]]"
        );
    }

    #[test]
    fn applying_twice_changes_nothing_more() {
        let en = CategoryNamespace::english();
        let command =
            parse_line("P|+Category:A|+Category:B##k|-Category:C|+Category:D###z|-Category:E#x")
                .expect("valid");
        for text in [
            "",
            "Text",
            "[[Category:C]]\n[[Category:B]]\n[[Category:E|x]]",
            "[[Category:D|q]] [[Category:A]]",
        ] {
            let once = apply(text, &command.actions, &en);
            assert_eq!(apply(&once, &command.actions, &en), once, "{text:?}");
        }
    }

    #[test]
    fn summary_links_every_action() {
        let command = parse_line("P|+Category:A|-Kategorie:B#k").expect("valid");
        assert_eq!(
            summary(
                "[[toolforge:quickcategories/batch/7/|batch #7]]",
                &command.actions
            ),
            "[[toolforge:quickcategories/batch/7/|batch #7]]: +[[:Category:A]], −[[:Kategorie:B]]"
        );
    }

    mod properties {
        use super::super::*;
        use crate::command::parse_line;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn scanning_never_panics(text in "\\PC{0,300}") {
                let _ = category_links(&text, &CategoryNamespace::english());
            }

            #[test]
            fn scanning_wikitext_like_input_never_panics(text in "([\\[\\]<>!\\-|:a-zA-Zä \n]|Category|nowiki|<!--|-->){0,60}") {
                let _ = category_links(&text, &CategoryNamespace::english());
            }

            #[test]
            fn apply_is_idempotent(
                text in "([\\[\\]|:a-c \n]|Category:|\\[\\[Category:[abc]\\]\\]|<!--|-->){0,40}",
                actions in "([+-]Category:[abc](#{1,3}[xy]?)?\\|){1,4}",
            ) {
                if let Ok(command) = parse_line(&format!("P|{actions}")) {
                    let namespace = CategoryNamespace::english();
                    let once = apply(&text, &command.actions, &namespace);
                    prop_assert_eq!(apply(&once, &command.actions, &namespace), once);
                }
            }
        }
    }
}
