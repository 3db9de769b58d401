//! Category links in wikitext: finding them as the wiki would, and adding, changing or removing
//! them with as small a change to the text as possible.
//!
//! No wikitext parser crate fits (parsing to an AST and serialising back would reformat pages),
//! so this is a small scanner. It finds the page's own category links,
//! `[[<category namespace>:<name>|<sort key>]]`, and rewrites only those bytes:
//!
//! - Links in comments, `<nowiki>`, `<pre>`, `<includeonly>`, `<math>` and code blocks
//!   (`<syntaxhighlight>`, `<source>`) do not count at all: the wiki does not see them.
//! - Links nested in other markup are part of that markup, not of the page: inside a template
//!   call, template parameter or parser function (`{{T|[[Category:A]]}}`, `{{#if:x|…}}`,
//!   `{{{1|…}}}`), inside another link (a file's caption, `[[File:X.jpg|thumb|[[Category:A]]]]`)
//!   or inside an extension tag (`<ref>`, `<gallery>`, `<poem>`, … see `NESTING_TAGS`). Such a
//!   link is never removed or changed, a new link never goes after it, and it does not count as
//!   the page already being in the category.
//! - Everything else is the page's own: links in tables, headings, lists, bold or italic text,
//!   HTML tags such as `<div>`, and `<noinclude>`/`<onlyinclude>` all count.
//!
//! Brackets are matched the way MediaWiki's preprocessor matches them: `{{`/`}}` (two or
//! three braces) and `[[`/`]]` nest, a closing pair closes the innermost open construct only
//! when that is of its own kind (otherwise it is plain text), and an opening that is never
//! closed is plain text (so is an extension tag without its closing tag). A link's target must
//! be on one line and hold no brackets, braces or angle brackets, as on the wiki; otherwise its
//! `[[` is plain text.
//!
//! Edits are as small as the original tool's (Python, mwparserfromhell):
//!
//! - A new link goes right after the last category link of the page, as `\n[[Category:X]]`. With
//!   none, it is appended: `\n[[Category:X]]` after a page that is not empty, whatever the page
//!   ends with (`"Text"` → `"Text\n[[Category:X]]"`, `"Text\n"` → `"Text\n\n[[Category:X]]"`),
//!   just `[[Category:X]]` on an empty page. Pages stored on a wiki never end with a line break
//!   (MediaWiki trims trailing whitespace on save), so no blank line appears in practice.
//!   One addition to the original: when the end of the page is inside an unclosed comment or
//!   skipped tag, the link goes (followed by a line break) just before it, where the wiki sees it.
//! - Changing a sort key rewrites that link only.
//! - Removing takes every matching link; a link alone on its line (whitespace aside) goes with
//!   its whole line and one line break, a link sharing its line with other text goes alone.
//!   No other byte changes.
//!
//! Tested with tables of cases (the original's among them) and with random input: it must never
//! panic, edits must be idempotent, and no byte outside the link added or removed (and its line
//! break) may change.

use std::ops::Range;

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

/// Tags whose content the wiki does not read as links at all. An unclosed one hides the rest of
/// the page, so nothing is added after it.
const SKIPPED_TAGS: &[&str] = &[
    "nowiki",
    "pre",
    "includeonly",
    "syntaxhighlight",
    "source",
    "math",
];

/// Extension tags: their content belongs to the tag (a link there is nested). Without its closing
/// tag, the opening tag is plain text, as on the wiki.
const NESTING_TAGS: &[&str] = &[
    "ref",
    "references",
    "gallery",
    "poem",
    "imagemap",
    "timeline",
    "score",
    "graph",
    "hiero",
    "chem",
    "ce",
    "categorytree",
    "inputbox",
    "templatedata",
    "templatestyles",
    "mapframe",
    "maplink",
    "indicator",
    "charinsert",
    "dynamicpagelist",
    "quiz",
    "section",
];

fn starts_with_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack.len() >= needle.len()
        && haystack.is_char_boundary(needle.len())
        && haystack[..needle.len()].eq_ignore_ascii_case(needle)
}

/// The page's own category links, in order (see the module documentation for what counts).
pub fn category_links(text: &str, namespace: &CategoryNamespace) -> Vec<CategoryLink> {
    scan(text, namespace).links
}

struct Scan {
    /// The page's own category links, in order.
    links: Vec<CategoryLink>,
    /// Category links nested in templates, links and extension tags: never touched.
    #[cfg_attr(not(test), allow(dead_code))]
    nested: Vec<CategoryLink>,
    /// Where an unclosed comment or skipped tag starts: MediaWiki treats everything after it as
    /// inside, so nothing can be added after that point.
    unclosed_from: Option<usize>,
}

/// An open `{{`/`{{{` or `[[…|`.
struct Open {
    /// Braces still open, or `None` for a link.
    braces: Option<usize>,
    /// Index in the list of constructs met.
    construct: usize,
}

/// A construct met: the one it is inside, and whether it was closed.
struct Construct {
    outer: Option<usize>,
    closed: bool,
}

/// How the target of a `[[` ends.
enum Target {
    /// At this `|`: link text follows, up to the matching `]]`.
    Pipe(usize),
    /// At this `]]`: a plain link.
    Close(usize),
}

/// Opens a construct inside the innermost open one.
fn open(stack: &mut Vec<Open>, constructs: &mut Vec<Construct>, braces: Option<usize>) {
    constructs.push(Construct {
        outer: stack.last().map(|open| open.construct),
        closed: false,
    });
    stack.push(Open {
        braces,
        construct: constructs.len() - 1,
    });
}

fn run_length(bytes: &[u8], at: usize, byte: u8) -> usize {
    bytes[at..].iter().take_while(|&&b| b == byte).count()
}

fn scan(text: &str, namespace: &CategoryNamespace) -> Scan {
    let bytes = text.as_bytes();
    // Every category link met, with the innermost construct open around it.
    let mut found: Vec<(CategoryLink, Option<usize>)> = Vec::new();
    let mut constructs: Vec<Construct> = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut unclosed_from = None;
    // What later tags need not search for again (keeps `<ref><ref>…` and `<ref <ref …` linear).
    let mut memo = TagMemo::default();
    let mut position = 0;
    while let Some(offset) = text[position..].find(['<', '[', ']', '{', '}']) {
        let at = position + offset;
        match bytes[at] {
            b'<' => match tag_at(text, at, &mut memo) {
                Tag::Skip(end) => position = end,
                Tag::Unclosed => {
                    unclosed_from = Some(at);
                    break;
                }
            },
            b'[' => {
                let run = run_length(bytes, at, b'[');
                if run < 2 {
                    position = at + 1;
                    continue;
                }
                // `[[[Category:A]]` is a bracket and then a link.
                let start = at + run - 2;
                if let Some(link) = parse_link(text, start, namespace) {
                    position = link.end;
                    found.push((link, stack.last().map(|open| open.construct)));
                    continue;
                }
                position = match link_target(bytes, start + 2) {
                    Some(Target::Pipe(pipe)) => {
                        open(&mut stack, &mut constructs, None);
                        pipe + 1
                    }
                    Some(Target::Close(close)) => close + 2,
                    None => start + 2,
                };
            }
            b']' => {
                let closes_link = bytes.get(at + 1) == Some(&b']')
                    && stack.last().is_some_and(|open| open.braces.is_none());
                if closes_link && let Some(open) = stack.pop() {
                    constructs[open.construct].closed = true;
                    position = at + 2;
                } else {
                    position = at + 1;
                }
            }
            b'{' => {
                let run = run_length(bytes, at, b'{');
                if run >= 2 {
                    open(&mut stack, &mut constructs, Some(run));
                }
                position = at + run;
            }
            _ => {
                // `}`: closes the innermost braces, three at most at a time (`{{{…}}}`), as
                // long as two or more are left; a single leftover `{` or `}` is plain text.
                let run = run_length(bytes, at, b'}');
                let mut left = run;
                while left >= 2 {
                    let Some(Open {
                        braces: Some(braces),
                        ..
                    }) = stack.last_mut()
                    else {
                        break;
                    };
                    let closed = left.min(*braces).min(3);
                    *braces -= closed;
                    left -= closed;
                    if *braces < 2
                        && let Some(open) = stack.pop()
                    {
                        constructs[open.construct].closed = true;
                    }
                }
                position = at + run;
            }
        }
    }
    // A construct never closed is plain text: a link in it belongs to the construct around it,
    // and in the end to the page. Outer constructs come first in the list.
    let mut plain: Vec<bool> = Vec::with_capacity(constructs.len());
    for construct in &constructs {
        let outer_plain = construct.outer.is_none_or(|outer| plain[outer]);
        plain.push(!construct.closed && outer_plain);
    }
    let (links, nested) = found
        .into_iter()
        .partition::<Vec<_>, _>(|(_, inside)| inside.is_none_or(|construct| plain[construct]));
    Scan {
        links: links.into_iter().map(|(link, _)| link).collect(),
        nested: nested.into_iter().map(|(link, _)| link).collect(),
        unclosed_from,
    }
}

/// The target of a link starting at `start` (after `[[`): on one line, without brackets,
/// braces or angle brackets, ended by `|` or `]]`.
fn link_target(bytes: &[u8], start: usize) -> Option<Target> {
    for (i, &byte) in bytes.iter().enumerate().skip(start) {
        match byte {
            b'|' => return Some(Target::Pipe(i)),
            b']' if bytes.get(i + 1) == Some(&b']') => return Some(Target::Close(i)),
            b'\n' | b'[' | b']' | b'{' | b'}' | b'<' | b'>' => return None,
            _ => {}
        }
    }
    None
}

/// What a `<` starts.
enum Tag {
    /// Continue scanning here (after a comment, a skipped or nesting tag's region, or the
    /// opening tag or `<` itself when it is plain text).
    Skip(usize),
    /// A comment or skipped tag that is never closed: the rest of the page is inside it.
    Unclosed,
}

/// What the scan learnt about the rest of the page while reading tags. The scan only moves
/// forward, so an answer found from one position holds for every later one up to it: each
/// search covers new text once, and a page of 2 MB of `<ref ` costs linear time, not quadratic.
#[derive(Default)]
struct TagMemo {
    /// Extension tags known to have no closing tag further on.
    never_closed: Vec<&'static str>,
    /// The last search for `>`: where it started, and the first `>` from there (`None`: none).
    next_gt: Option<(usize, Option<usize>)>,
}

impl TagMemo {
    /// The first `>` at or after `at`.
    fn next_gt(&mut self, text: &str, at: usize) -> Option<usize> {
        if let Some((from, found)) = self.next_gt
            && from <= at
            && found.is_none_or(|gt| gt >= at)
        {
            return found;
        }
        let found = text[at..].find('>').map(|offset| at + offset);
        self.next_gt = Some((at, found));
        found
    }
}

fn tag_at(text: &str, at: usize, memo: &mut TagMemo) -> Tag {
    let rest = &text[at..];
    if let Some(comment) = rest.strip_prefix("<!--") {
        return match comment.find("-->") {
            Some(end) => Tag::Skip(at + 4 + end + 3),
            None => Tag::Unclosed,
        };
    }
    let name_len = rest[1..]
        .bytes()
        .take_while(u8::is_ascii_alphanumeric)
        .count();
    let name = &rest[1..1 + name_len];
    // The name must end there: `<pre>` and `<pre class="x">`, not `<prefix>`.
    let name_ends = matches!(
        rest.as_bytes().get(1 + name_len),
        None | Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r')
    );
    let plain = Tag::Skip(at + 1);
    if name.is_empty() || !name_ends {
        return plain;
    }
    let skipped = SKIPPED_TAGS.iter().find(|t| t.eq_ignore_ascii_case(name));
    let nesting = NESTING_TAGS.iter().find(|t| t.eq_ignore_ascii_case(name));
    let Some(&known) = skipped.or(nesting) else {
        return plain;
    };
    let tag_end = memo.next_gt(text, at).map(|gt| gt + 1);
    if let Some(tag_end) = tag_end
        && text[..tag_end].ends_with("/>")
    {
        // `<nowiki/>`, `<ref name="x" />`: nothing inside.
        return Tag::Skip(tag_end);
    }
    if skipped.is_some() {
        return match closing_tag(text, at + 1 + name_len, known) {
            Some(end) => Tag::Skip(end),
            None => Tag::Unclosed,
        };
    }
    let Some(tag_end) = tag_end else {
        return plain;
    };
    if !memo.never_closed.contains(&known) {
        if let Some(end) = closing_tag(text, tag_end, known) {
            return Tag::Skip(end);
        }
        memo.never_closed.push(known);
    }
    // No closing tag: the opening tag is plain text, and so is what follows it.
    Tag::Skip(tag_end)
}

/// The end of the first `</name>` (any case, spaces before `>` allowed) from `from`.
fn closing_tag(text: &str, from: usize, name: &str) -> Option<usize> {
    let mut search = from;
    while let Some(offset) = text[search..].find("</") {
        let at = search + offset;
        let after = &text[at + 2..];
        if starts_with_ignore_case(after, name) {
            let tail = &after[name.len()..];
            let spaces = tail.len() - tail.trim_start().len();
            if tail[spaces..].starts_with('>') {
                return Some(at + 2 + name.len() + spaces + 1);
            }
        }
        search = at + 2;
    }
    None
}

fn parse_link(text: &str, start: usize, namespace: &CategoryNamespace) -> Option<CategoryLink> {
    let inner_start = start + 2;
    // A category link stands on one line and holds no other link: look no further for its end.
    let bytes = text.as_bytes();
    let mut close = inner_start;
    loop {
        match bytes.get(close..close + 2) {
            Some(b"]]") => break,
            Some(b"[[") => return None,
            _ => {}
        }
        match bytes.get(close) {
            None | Some(b'\n') => return None,
            Some(_) => close += 1,
        }
    }
    let inner = &text[inner_start..close];
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
        edit(&text, action, namespace).apply(&text)
    })
}

/// One action's change to a text, in bytes of that text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Edit {
    None,
    /// `text` inserted at a position.
    Insert(usize, String),
    /// A link rewritten (a new sort key).
    Replace(Range<usize>, String),
    /// These ranges cut out, in order, not overlapping.
    Remove(Vec<Range<usize>>),
}

impl Edit {
    fn apply(&self, text: &str) -> String {
        match self {
            Self::None => text.to_owned(),
            Self::Insert(at, new) => format!("{}{new}{}", &text[..*at], &text[*at..]),
            Self::Replace(range, new) => {
                format!("{}{new}{}", &text[..range.start], &text[range.end..])
            }
            Self::Remove(ranges) => {
                let mut result = String::with_capacity(text.len());
                let mut kept_from = 0;
                for range in ranges {
                    result.push_str(&text[kept_from..range.start]);
                    kept_from = range.end;
                }
                result.push_str(&text[kept_from..]);
                result
            }
        }
    }
}

fn edit(text: &str, action: &Action, namespace: &CategoryNamespace) -> Edit {
    let Scan {
        links,
        unclosed_from,
        ..
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
                    Some(key) => Edit::Replace(
                        existing.start..existing.end,
                        link_text(&existing.prefix, &existing.name, Some(key)),
                    ),
                    None => Edit::None,
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
                // On a line of its own, right after the page's last category link.
                (Some(last), _) => Edit::Insert(last.end, format!("\n{link}")),
                // The end of the page is inside an unclosed comment or tag: put it before that.
                (None, Some(start)) => Edit::Insert(start, format!("{link}\n")),
                // At the end, after a line break unless the page is empty, as the original.
                (None, None) if text.is_empty() => Edit::Insert(0, link),
                (None, None) => Edit::Insert(text.len(), format!("\n{link}")),
            }
        }
        Action::Remove { sort_key, .. } => {
            let targets: Vec<&CategoryLink> = matching
                .into_iter()
                .filter(|link| sort_key.is_none() || link.sort_key == *sort_key)
                .collect();
            if targets.is_empty() {
                Edit::None
            } else {
                Edit::Remove(removal_ranges(text, &targets))
            }
        }
    }
}

/// The bytes to remove for these links (in text order), as if removed one by one from the last:
/// a line holding nothing but removed links and whitespace goes whole, with one line break
/// (the one after it, or the one before it when nothing is left after it); any other link goes
/// alone.
fn removal_ranges(text: &str, targets: &[&CategoryLink]) -> Vec<Range<usize>> {
    // The links grouped by line, with each line's range (without its line break).
    let mut lines: Vec<(Range<usize>, &[&CategoryLink])> = Vec::new();
    let mut i = 0;
    while i < targets.len() {
        let line_start = text[..targets[i].start].rfind('\n').map_or(0, |n| n + 1);
        let line_end = text[targets[i].end..]
            .find('\n')
            .map_or(text.len(), |n| targets[i].end + n);
        let on_line = targets[i..]
            .iter()
            .take_while(|link| link.end <= line_end)
            .count();
        lines.push((line_start..line_end, &targets[i..i + on_line]));
        i += on_line;
    }
    let mut ranges = Vec::new();
    // Everything from here to the end of the text is removed.
    let mut removed_tail = text.len();
    for (line, links) in lines.iter().rev() {
        let mut rest = line.start;
        let alone = links.iter().all(|link| {
            let blank = text[rest..link.start].trim().is_empty();
            rest = link.end;
            blank
        }) && text[rest..line.end].trim().is_empty();
        if !alone {
            ranges.extend(links.iter().rev().map(|link| link.start..link.end));
        } else if line.end < removed_tail {
            ranges.push(line.start..line.end + 1);
            if line.end + 1 >= removed_tail {
                removed_tail = line.start;
            }
        } else {
            let start = line.start.saturating_sub(1);
            ranges.push(start..line.end);
            removed_tail = start;
        }
    }
    ranges.reverse();
    ranges
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
            ("Text", "+Category:A", "Text\n[[Category:A]]"),
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
            ("Text", "+Category:A#y", "Text\n[[Category:A|y]]"),
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
                "<nowiki>[[Category:A]]</nowiki>\n[[Category:A]]",
            ),
            (
                "<includeonly>[[Category:A]]</includeonly>",
                "-Category:A",
                "<includeonly>[[Category:A]]</includeonly>",
            ),
            (
                "[[:Category:A]]",
                "+Category:A",
                "[[:Category:A]]\n[[Category:A]]",
            ),
            (
                "[[Categoryx:A]]",
                "+Category:A",
                "[[Categoryx:A]]\n[[Category:A]]",
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
                "Text\n[[Category:B]]",
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

    /// Checks each case with the English namespace names, first-letter case.
    fn check(cases: &[(&str, &str, &str)]) {
        check_with(&CategoryNamespace::english(), cases);
    }

    /// Checks every case and reports every failing one.
    fn check_with(namespace: &CategoryNamespace, cases: &[(&str, &str, &str)]) {
        let failures: Vec<String> = cases
            .iter()
            .filter_map(|(before, actions, after)| {
                let actual = run(before, actions, namespace);
                (actual != *after).then(|| {
                    format!("{before:?} with {actions}: expected {after:?}, got {actual:?}")
                })
            })
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// A link inside a template call, a parser function, a link (a file's caption) or an
    /// extension tag is part of that construct: it is not removed, not changed, and a new link
    /// does not go after it. Such a link does not count as the page's category link either.
    #[test]
    fn links_nested_in_other_markup_are_left_alone() {
        check(&[
            // not removed
            (
                "{{T|[[Category:A]]}}",
                "-Category:A",
                "{{T|[[Category:A]]}}",
            ),
            (
                "{{T|x=[[Category:A]]}}",
                "-Category:A",
                "{{T|x=[[Category:A]]}}",
            ),
            (
                "{{T|\n[[Category:A]]\n}}",
                "-Category:A",
                "{{T|\n[[Category:A]]\n}}",
            ),
            (
                "{{#if:{{{1|}}}|[[Category:A]]}}",
                "-Category:A",
                "{{#if:{{{1|}}}|[[Category:A]]}}",
            ),
            (
                "{{{1|[[Category:A]]}}}",
                "-Category:A",
                "{{{1|[[Category:A]]}}}",
            ),
            (
                "{{T|{{U|[[Category:A]]}}}}",
                "-Category:A",
                "{{T|{{U|[[Category:A]]}}}}",
            ),
            (
                "[[File:X.jpg|thumb|[[Category:A]]]]",
                "-Category:A",
                "[[File:X.jpg|thumb|[[Category:A]]]]",
            ),
            (
                "[[File:X.jpg|thumb|A [[Link]] and\n[[Category:A]]]]",
                "-Category:A",
                "[[File:X.jpg|thumb|A [[Link]] and\n[[Category:A]]]]",
            ),
            (
                "Text<ref>[[Category:A]]</ref>",
                "-Category:A",
                "Text<ref>[[Category:A]]</ref>",
            ),
            (
                "Text<ref name=\"n\">\n[[Category:A]]\n</REF >",
                "-Category:A",
                "Text<ref name=\"n\">\n[[Category:A]]\n</REF >",
            ),
            (
                "<gallery>\nX.jpg|[[Category:A]]\n</gallery>",
                "-Category:A",
                "<gallery>\nX.jpg|[[Category:A]]\n</gallery>",
            ),
            (
                "<poem>\n[[Category:A]]\n</poem>",
                "-Category:A",
                "<poem>\n[[Category:A]]\n</poem>",
            ),
            (
                "{{T|[[Category:A]]}}\n[[Category:A]]",
                "-Category:A",
                "{{T|[[Category:A]]}}",
            ),
            // not changed
            (
                "{{T|[[Category:A]]}}\n[[Category:A]]",
                "+Category:A##k",
                "{{T|[[Category:A]]}}\n[[Category:A|k]]",
            ),
            (
                "<ref>[[Category:A|x]]</ref>\n[[Category:A|x]]",
                "+Category:A###y",
                "<ref>[[Category:A|x]]</ref>\n[[Category:A|y]]",
            ),
            // not where a new link goes, and not the page's link
            (
                "Text\n[[Category:B]]\n[[File:X.jpg|thumb|[[Category:C]]]]",
                "+Category:A",
                "Text\n[[Category:B]]\n[[Category:A]]\n[[File:X.jpg|thumb|[[Category:C]]]]",
            ),
            (
                "Text<ref>[[Category:B]]</ref>",
                "+Category:A",
                "Text<ref>[[Category:B]]</ref>\n[[Category:A]]",
            ),
            (
                "[[File:X.jpg|thumb|[[Category:B]]]]",
                "+Category:A",
                "[[File:X.jpg|thumb|[[Category:B]]]]\n[[Category:A]]",
            ),
            (
                "{{T|[[Category:B]]}}",
                "+Category:A",
                "{{T|[[Category:B]]}}\n[[Category:A]]",
            ),
            (
                "{{T|[[Category:A]]}}",
                "+Category:A",
                "{{T|[[Category:A]]}}\n[[Category:A]]",
            ),
            (
                "[[Category:B]]\n{{#if:x|[[Category:C]]}}",
                "+Category:A",
                "[[Category:B]]\n[[Category:A]]\n{{#if:x|[[Category:C]]}}",
            ),
            // a self-closing tag encloses nothing
            (
                "<ref name=\"n\" />\n[[Category:A]]",
                "-Category:A",
                "<ref name=\"n\" />",
            ),
            // an unclosed template or extension tag is plain text, as on the wiki
            (
                "{{Infobox\n|a=b\nText\n[[Category:A]]",
                "-Category:A",
                "{{Infobox\n|a=b\nText",
            ),
            ("<ref>Note\n[[Category:A]]", "-Category:A", "<ref>Note"),
            (
                "{{T|[[Category:B]]\n",
                "+Category:A",
                "{{T|[[Category:B]]\n[[Category:A]]\n",
            ),
            ("{{T}}}} [[Category:A]]", "-Category:A", "{{T}}}} "),
            ("]] [[Category:A]]", "-Category:A", "]] "),
        ]);
    }

    /// Tables, headings, formatting and HTML tags, `<noinclude>` and `<onlyinclude>` do not
    /// enclose links: a category link there belongs to the page.
    #[test]
    fn links_in_tables_and_other_page_markup_count() {
        check(&[
            (
                "{|\n|-\n| [[Category:A]]\n|}",
                "-Category:A",
                "{|\n|-\n| \n|}",
            ),
            (
                "{|\n|-\n|\n[[Category:A]]\n|}",
                "-Category:A",
                "{|\n|-\n|\n|}",
            ),
            (
                "{| class=\"wikitable\"\n|\n[[Category:B]]\n|}\nText",
                "+Category:A",
                "{| class=\"wikitable\"\n|\n[[Category:B]]\n[[Category:A]]\n|}\nText",
            ),
            (
                "<div>\n[[Category:A]]\n</div>",
                "-Category:A",
                "<div>\n</div>",
            ),
            ("''[[Category:A]]''", "-Category:A", "''''"),
            ("== [[Category:A]] ==", "-Category:A", "==  =="),
            (
                "{{{1}}}<noinclude>\n[[Category:T]]\n</noinclude>",
                "+Category:U",
                "{{{1}}}<noinclude>\n[[Category:T]]\n[[Category:U]]\n</noinclude>",
            ),
            (
                "<noinclude>\n[[Category:A]]\n</noinclude>",
                "-Category:A",
                "<noinclude>\n</noinclude>",
            ),
            (
                "[[Foo]] [[Category:A]] [[Bar|b]]",
                "-Category:A",
                "[[Foo]]  [[Bar|b]]",
            ),
            (
                "[[:Category:B|[[Category:A]]",
                "-Category:A",
                "[[:Category:B|",
            ),
        ]);
    }

    /// Appending at the end of the page: exactly what the original does. A line break goes
    /// before the new link unless the page is empty, whatever the page ends with, and nothing
    /// else of the page changes.
    #[test]
    fn appending_at_the_end_as_the_original() {
        check(&[
            ("", "+Category:A", "[[Category:A]]"),
            ("Text", "+Category:A", "Text\n[[Category:A]]"),
            ("Text ", "+Category:A", "Text \n[[Category:A]]"),
            ("Text\n", "+Category:A", "Text\n\n[[Category:A]]"),
            ("Text\n\n", "+Category:A", "Text\n\n\n[[Category:A]]"),
            ("\n", "+Category:A", "\n\n[[Category:A]]"),
            (
                "Text\n\n\n",
                "+Category:A#k",
                "Text\n\n\n\n[[Category:A|k]]",
            ),
        ]);
    }

    /// After the last category link: a line break and the link, nothing else.
    #[test]
    fn inserting_after_the_last_link_as_the_original() {
        check(&[
            (
                "Text\n[[Category:B]]\n",
                "+Category:A",
                "Text\n[[Category:B]]\n[[Category:A]]\n",
            ),
            (
                "[[Category:B]] x",
                "+Category:A",
                "[[Category:B]]\n[[Category:A]] x",
            ),
            (
                "[[Category:B]]<!-- c -->",
                "+Category:A",
                "[[Category:B]]\n[[Category:A]]<!-- c -->",
            ),
            (
                "[[Category:B]]\n\n[[Category:C]]\n\n{{Stub}}\n",
                "+Category:A",
                "[[Category:B]]\n\n[[Category:C]]\n[[Category:A]]\n\n{{Stub}}\n",
            ),
        ]);
    }

    /// A link alone on its line (spaces aside) goes with its line; a link sharing its line
    /// with other text goes alone.
    #[test]
    fn removal_takes_the_link_and_its_line_break_only() {
        check(&[
            ("Text\n[[Category:A]] more", "-Category:A", "Text\n more"),
            ("Text [[Category:A]]\nmore", "-Category:A", "Text \nmore"),
            (
                "Text\n  [[Category:A]]\t\nMore",
                "-Category:A",
                "Text\nMore",
            ),
            ("A\n\n[[Category:A]]\n\nB", "-Category:A", "A\n\n\nB"),
            ("[[Category:A]]\n", "-Category:A", ""),
            ("Text\n[[Category:A]]\n", "-Category:A", "Text\n"),
            ("Text\n[[Category:A]]\n\n", "-Category:A", "Text\n\n"),
            ("Text\n\n[[Category:A]]", "-Category:A", "Text\n"),
            ("x\r\n[[Category:A]]\r\ny", "-Category:A", "x\r\ny"),
            (
                "[[Category:A]][[Category:B]]",
                "-Category:A",
                "[[Category:B]]",
            ),
            (
                "[[Category:A]] [[Category:A|k]]\nText",
                "-Category:A",
                "Text",
            ),
            ("x\n[[Category:A]]\n[[Category:A]]", "-Category:A", "x"),
        ]);
    }

    /// The original's own test tables (`test_action.py`), with the English names plus
    /// `Kategorie` and `K`.
    #[test]
    fn the_originals_cases() {
        let ns = CategoryNamespace::new(["Category", "Kategorie", "K"], false);
        let add: &[(&str, &str)] = &[
            ("", "[[Category:Test]]"),
            ("end of article", "end of article\n[[Category:Test]]"),
            (
                "end of article\n[[Category:A]]\n[[Category:B]]",
                "end of article\n[[Category:A]]\n[[Category:B]]\n[[Category:Test]]",
            ),
            (
                "some wikitext\n[[Category:Here]]\nmore wikitext",
                "some wikitext\n[[Category:Here]]\n[[Category:Test]]\nmore wikitext",
            ),
            (
                "it is [[Category:Test]] already present",
                "it is [[Category:Test]] already present",
            ),
            (
                "it is [[Category:test]] already present in lowercase",
                "it is [[Category:test]] already present in lowercase",
            ),
            (
                "it is [[Category:TEST]] present in different capitalization",
                "it is [[Category:TEST]]\n[[Category:Test]] present in different capitalization",
            ),
            ("[[Kategorie:Test]]", "[[Kategorie:Test]]"),
            ("[[K:Test]]", "[[K:Test]]"),
            ("[[Category:Test|sort key]]", "[[Category:Test|sort key]]"),
            (
                "[[:Category:Test]]",
                "[[:Category:Test]]\n[[Category:Test]]",
            ),
            (
                "[[:Category:Test|link text]]",
                "[[:Category:Test|link text]]\n[[Category:Test]]",
            ),
            (
                "<nowiki>[[Category:Test]]</nowiki>",
                "<nowiki>[[Category:Test]]</nowiki>\n[[Category:Test]]",
            ),
            ("[[Test]]", "[[Test]]\n[[Category:Test]]"),
            ("[[Special:Test]]", "[[Special:Test]]\n[[Category:Test]]"),
        ];
        let add: Vec<(&str, &str, &str)> = add
            .iter()
            .map(|&(before, after)| (before, "+Category:Test", after))
            .collect();
        check_with(&ns, &add);
        let remove: &[(&str, &str)] = &[
            ("", ""),
            ("[[Category:Test]]", ""),
            ("end of article\n[[Category:Test]]", "end of article"),
            (
                "[[Category:Test]]\nbeginning of article",
                "beginning of article",
            ),
            (
                "[[Category:Start]][[Category:Test]][[Category:End]]",
                "[[Category:Start]][[Category:End]]",
            ),
            (
                "[[Category:Start]]\n[[Category:Test]]\n[[Category:End]]",
                "[[Category:Start]]\n[[Category:End]]",
            ),
            ("[[Category:test]]", ""),
            ("[[Kategorie:Test]]", ""),
            ("[[K:Test]]", ""),
            ("[[Category:Test|sort key]]", ""),
            ("[[:Category:Test]]", "[[:Category:Test]]"),
            (
                "[[:Category:Test|link text]]",
                "[[:Category:Test|link text]]",
            ),
            (
                "<nowiki>[[Category:Test]]</nowiki>",
                "<nowiki>[[Category:Test]]</nowiki>",
            ),
            ("[[Test]]", "[[Test]]"),
            ("[[Special:Test]]", "[[Special:Test]]"),
        ];
        let remove: Vec<(&str, &str, &str)> = remove
            .iter()
            .map(|&(before, after)| (before, "-Category:Test", after))
            .collect();
        check_with(&ns, &remove);
        let sort_keys: &[(&str, &str, &str)] = &[
            ("", "+Category:Test#sort key", "[[Category:Test|sort key]]"),
            (
                "[[Category:Test]]",
                "+Category:Test#sort key",
                "[[Category:Test]]",
            ),
            (
                "[[Category:Test|other sort key]]",
                "+Category:Test#sort key",
                "[[Category:Test|other sort key]]",
            ),
            ("", "+Category:Test##sort key", "[[Category:Test|sort key]]"),
            (
                "[[Category:Test]]",
                "+Category:Test##sort key",
                "[[Category:Test|sort key]]",
            ),
            (
                "[[Category:Test|other sort key]]",
                "+Category:Test##sort key",
                "[[Category:Test|other sort key]]",
            ),
            (
                "",
                "+Category:Test###sort key",
                "[[Category:Test|sort key]]",
            ),
            (
                "[[Category:Test]]",
                "+Category:Test###sort key",
                "[[Category:Test|sort key]]",
            ),
            (
                "[[Category:Test|other sort key]]",
                "+Category:Test###sort key",
                "[[Category:Test|sort key]]",
            ),
            (
                "[[Category:Test|sort key]]",
                "+Category:Test###",
                "[[Category:Test]]",
            ),
            ("", "-Category:Test#sort key", ""),
            (
                "[[Category:Test]]",
                "-Category:Test#sort key",
                "[[Category:Test]]",
            ),
            ("[[Category:Test|sort key]]", "-Category:Test#sort key", ""),
        ];
        for (before, actions, after) in sort_keys {
            assert_eq!(
                run(before, actions, &ns),
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

        /// Wikitext-like input: brackets, braces, tags and category links in any order.
        const WIKITEXT_LIKE: &str = "([\\[\\]{}<>/!\\-|=:a-c \n]|Category:|\\[\\[Category:[abc]\\]\\]|\\[\\[File:x\\||\\{\\{T\\||<!--|-->|<ref>|</ref>|<nowiki>|</nowiki>){0,40}";

        /// What a piece of a generated page is.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum Kind {
            /// Anything but a category link of the page, and nothing that encloses one.
            Text,
            /// A category link of the page, as written.
            Link {
                prefix: &'static str,
                name: &'static str,
                key: Option<&'static str>,
            },
            /// A construct with category links inside, of which `visible` are seen (as nested)
            /// by the scanner; those in comments and extension tags are not seen at all.
            Nested { visible: usize },
        }

        const fn link(prefix: &'static str, name: &'static str, key: Option<&'static str>) -> Kind {
            Kind::Link { prefix, name, key }
        }

        /// Pieces that keep their meaning whatever comes before or after them.
        const PIECES: &[(&str, Kind)] = &[
            ("Text", Kind::Text),
            ("x y", Kind::Text),
            (" ", Kind::Text),
            ("\t", Kind::Text),
            ("\n", Kind::Text),
            ("\n", Kind::Text),
            ("\n\n", Kind::Text),
            ("== H ==", Kind::Text),
            ("''", Kind::Text),
            ("* ", Kind::Text),
            ("|", Kind::Text),
            ("<div>", Kind::Text),
            ("</div>", Kind::Text),
            ("<noinclude>", Kind::Text),
            ("</noinclude>", Kind::Text),
            ("{|\n|-\n| ", Kind::Text),
            ("\n|}", Kind::Text),
            ("[[Foo]]", Kind::Text),
            ("[[Foo|bar]]", Kind::Text),
            ("[[:Category:a]]", Kind::Text),
            ("[[Categoryx:a]]", Kind::Text),
            ("[[File:X.jpg]]", Kind::Text),
            ("[http://x y]", Kind::Text),
            ("{{Stub}}", Kind::Text),
            ("<ref name=\"n\" />", Kind::Text),
            ("<!-- c -->", Kind::Text),
            ("[[Category:a]]", link("Category", "a", None)),
            ("[[Category:a]]", link("Category", "a", None)),
            ("[[Category:b]]", link("Category", "b", None)),
            ("[[category: a ]]", link("category", "a", None)),
            ("[[Category:a|x]]", link("Category", "a", Some("x"))),
            ("[[Category:A|y]]", link("Category", "A", Some("y"))),
            ("[[Category:b_c]]", link("Category", "b_c", None)),
            ("[[ Category :c|]]", link("Category", "c", Some(""))),
            ("{{T|[[Category:a]]}}", Kind::Nested { visible: 1 }),
            ("{{T|x=[[Category:b|k]]}}", Kind::Nested { visible: 1 }),
            (
                "{{#if:x|[[Category:a]]|[[Category:c]]}}",
                Kind::Nested { visible: 2 },
            ),
            ("{{{1|[[Category:a]]}}}", Kind::Nested { visible: 1 }),
            ("{{T|\n[[Category:a]]\n}}", Kind::Nested { visible: 1 }),
            ("{{T|{{U|[[Category:a]]}}}}", Kind::Nested { visible: 1 }),
            (
                "[[File:X.jpg|thumb|[[Category:a]]]]",
                Kind::Nested { visible: 1 },
            ),
            (
                "[[File:X.jpg|thumb|cap\n[[Category:b]] [[Foo]]]]",
                Kind::Nested { visible: 1 },
            ),
            ("<ref>[[Category:a]]</ref>", Kind::Nested { visible: 0 }),
            (
                "<ref name=\"r\">{{T|[[Category:c]]}}</ref>",
                Kind::Nested { visible: 0 },
            ),
            (
                "<gallery>\nX.jpg|[[Category:a]]\n</gallery>",
                Kind::Nested { visible: 0 },
            ),
            (
                "<poem>\n[[Category:b]]\n</poem>",
                Kind::Nested { visible: 0 },
            ),
            ("<!-- [[Category:a]] -->", Kind::Nested { visible: 0 }),
            (
                "<nowiki>[[Category:b]]</nowiki>",
                Kind::Nested { visible: 0 },
            ),
            (
                "<includeonly>[[Category:a]]</includeonly>",
                Kind::Nested { visible: 0 },
            ),
        ];

        const ACTIONS: &[&str] = &[
            "+Category:a",
            "+Category:b",
            "+Category:c",
            "+Category:d",
            "+Category:b c",
            "+Category:d#k",
            "+Category:A#k",
            "+Category:a##k",
            "+Category:b##k",
            "+Category:a###x",
            "+Category:b###z",
            "+Category:c###",
            "-Category:a",
            "-Category:b",
            "-Category:c",
            "-Category:d",
            "-Category:b c",
            "-Category:a#x",
            "-Category:A#y",
            "-Category:c#",
        ];

        /// A generated page: its text and each piece's kind and byte range.
        fn page(pieces: &[(&'static str, Kind)]) -> (String, Vec<(Kind, Range<usize>)>) {
            let mut text = String::new();
            let mut spans = Vec::new();
            for (piece, kind) in pieces {
                let start = text.len();
                text.push_str(piece);
                spans.push((*kind, start..text.len()));
            }
            (text, spans)
        }

        fn action(text: &str) -> Action {
            let command = parse_line(&format!("P|{text}")).expect("valid action");
            command.actions.into_iter().next().expect("one action")
        }

        /// The text with these ranges cut out.
        fn cut(text: &str, ranges: &[Range<usize>]) -> String {
            Edit::Remove(ranges.to_vec()).apply(text)
        }

        fn pieces() -> impl Strategy<Value = Vec<(&'static str, Kind)>> {
            prop::collection::vec(prop::sample::select(PIECES), 0..14)
        }

        proptest! {
            #[test]
            fn scanning_never_panics(text in "\\PC{0,300}") {
                let _ = category_links(&text, &CategoryNamespace::english());
            }

            #[test]
            fn scanning_wikitext_like_input_never_panics(text in "([\\[\\]{}<>!\\-|:a-zA-Zä \n]|Category|nowiki|ref|<!--|-->){0,60}") {
                let _ = category_links(&text, &CategoryNamespace::english());
            }

            #[test]
            fn apply_is_idempotent(
                text in WIKITEXT_LIKE,
                actions in "([+-]Category:[abc](#{1,3}[xy]?)?\\|){1,4}",
            ) {
                if let Ok(command) = parse_line(&format!("P|{actions}")) {
                    let namespace = CategoryNamespace::english();
                    let once = apply(&text, &command.actions, &namespace);
                    prop_assert_eq!(apply(&once, &command.actions, &namespace), once);
                }
            }

            /// The scanner sees exactly the page's own links as its links, and the links of
            /// templates and links as nested.
            #[test]
            fn links_are_told_from_nested_ones(pieces in pieces()) {
                let (text, spans) = page(&pieces);
                let scan = scan(&text, &CategoryNamespace::english());
                let expected: Vec<usize> = spans
                    .iter()
                    .filter(|(kind, _)| matches!(kind, Kind::Link { .. }))
                    .map(|(_, span)| span.start)
                    .collect();
                let found: Vec<usize> = scan.links.iter().map(|link| link.start).collect();
                prop_assert_eq!(found, expected, "{:?}", text);
                for (kind, span) in &spans {
                    if let Kind::Nested { visible } = kind {
                        let inside = scan
                            .nested
                            .iter()
                            .filter(|link| span.start <= link.start && link.end <= span.end)
                            .count();
                        prop_assert_eq!(inside, *visible, "{:?} in {:?}", &text[span.clone()], text);
                    }
                }
                prop_assert_eq!(scan.unclosed_from, None);
            }

            /// Adding: the new link right after the page's last category link, or at the end
            /// (after a line break unless the page is empty); or the page's first matching link
            /// given its new sort key; nothing else changes.
            #[test]
            fn adding_inserts_one_link_or_rewrites_one(
                pieces in pieces(),
                action_text in prop::sample::select(ACTIONS).prop_filter("adding", |a| a.starts_with('+')),
            ) {
                let namespace = CategoryNamespace::english();
                let (text, spans) = page(&pieces);
                let action = action(action_text);
                let Action::Add { prefix, category, sort_key } = &action else {
                    unreachable!("filtered");
                };
                let links: Vec<(Kind, Range<usize>)> = spans
                    .iter()
                    .filter(|(kind, _)| matches!(kind, Kind::Link { .. }))
                    .cloned()
                    .collect();
                let first_match = links.iter().find(|(kind, _)| {
                    matches!(kind, Kind::Link { name, .. } if namespace.same_category(name, category))
                });
                let expected = match first_match {
                    Some((Kind::Link { prefix, name, key }, span)) => {
                        let new_key = match sort_key {
                            SortKeyRule::IfMissing(new) if key.is_none() => Some(new),
                            SortKeyRule::Replace(new) if key.unwrap_or_default() != new => Some(new),
                            _ => None,
                        };
                        match new_key {
                            Some(new) => format!(
                                "{}{}{}",
                                &text[..span.start],
                                link_text(prefix, name, Some(new)),
                                &text[span.end..]
                            ),
                            None => text.clone(),
                        }
                    }
                    _ => {
                        let key = match sort_key {
                            SortKeyRule::None => None,
                            SortKeyRule::ForNewLink(key)
                            | SortKeyRule::IfMissing(key)
                            | SortKeyRule::Replace(key) => Some(key.as_str()),
                        };
                        let new_link = link_text(prefix, category, key);
                        match links.last() {
                            Some((_, last)) => format!(
                                "{}\n{new_link}{}",
                                &text[..last.end],
                                &text[last.end..]
                            ),
                            None if text.is_empty() => new_link,
                            None => format!("{text}\n{new_link}"),
                        }
                    }
                };
                prop_assert_eq!(apply(&text, std::slice::from_ref(&action), &namespace), expected);
            }

            /// Removing: exactly the matching links of the page are cut out, each with nothing
            /// more than the blanks of its line and one line break; no other byte (nested links
            /// included) changes.
            #[test]
            fn removing_cuts_out_only_the_links_and_their_line_breaks(
                pieces in pieces(),
                action_text in prop::sample::select(ACTIONS).prop_filter("removing", |a| a.starts_with('-')),
            ) {
                let namespace = CategoryNamespace::english();
                let (text, spans) = page(&pieces);
                let action = action(action_text);
                let Action::Remove { category, sort_key, .. } = &action else {
                    unreachable!("filtered");
                };
                let targets: Vec<Range<usize>> = spans
                    .iter()
                    .filter(|(kind, _)| matches!(
                        kind,
                        Kind::Link { name, key, .. }
                            if namespace.same_category(name, category)
                                && (sort_key.is_none() || sort_key.as_deref() == *key)
                    ))
                    .map(|(_, span)| span.clone())
                    .collect();
                let new = apply(&text, std::slice::from_ref(&action), &namespace);
                let ranges = match edit(&text, &action, &namespace) {
                    Edit::Remove(ranges) => ranges,
                    Edit::None => Vec::new(),
                    other => panic!("a removal gave {other:?}"),
                };
                prop_assert_eq!(&new, &cut(&text, &ranges));
                prop_assert!(ranges.windows(2).all(|w| w[0].end <= w[1].start), "{:?}", ranges);
                for target in &targets {
                    prop_assert!(
                        ranges.iter().any(|r| r.start <= target.start && target.end <= r.end),
                        "{:?} not removed from {:?}", target, text
                    );
                }
                for range in &ranges {
                    // Outside the removed links: blanks and at most one line break, from text
                    // pieces only.
                    let mut rest = String::new();
                    let mut links = 0;
                    for (kind, span) in &spans {
                        let (start, end) = (span.start.max(range.start), span.end.min(range.end));
                        if start >= end {
                            continue;
                        }
                        if targets.contains(span) {
                            prop_assert!(start == span.start && end == span.end, "link cut in part");
                            links += 1;
                        } else {
                            prop_assert_eq!(*kind, Kind::Text, "{:?} touched in {:?}", span, text);
                            rest.push_str(&text[start..end]);
                        }
                    }
                    prop_assert!(links >= 1, "{:?} removes no link", range);
                    prop_assert!(rest.trim().is_empty(), "{:?} removed with a link", rest);
                    prop_assert!(rest.matches('\n').count() <= 1, "{:?}: two line breaks", rest);
                    // A link that shares its line with other text goes alone.
                    if !rest.is_empty() {
                        let line_start = range.start == 0 || text[..range.start].ends_with('\n') || text[range.clone()].starts_with('\n');
                        let line_end = range.end == text.len() || text[range.end..].starts_with('\n') || text[range.clone()].ends_with('\n');
                        prop_assert!(line_start && line_end, "{:?} is not a whole line", &text[range.clone()]);
                    }
                }
            }

            /// On any input, an edit is one insertion of the new link (with its line break), one
            /// rewritten link, or cut-out links with their blanks and line breaks.
            #[test]
            fn any_edit_stays_small(
                text in WIKITEXT_LIKE,
                action_text in prop::sample::select(ACTIONS),
            ) {
                let namespace = CategoryNamespace::english();
                let action = action(action_text);
                let new = apply(&text, std::slice::from_ref(&action), &namespace);
                match edit(&text, &action, &namespace) {
                    Edit::None => prop_assert_eq!(&new, &text),
                    Edit::Insert(at, inserted) => {
                        prop_assert_eq!(&new, &format!("{}{inserted}{}", &text[..at], &text[at..]));
                        let link = inserted.trim_matches('\n');
                        prop_assert!(inserted.len() - link.len() <= 1, "{:?}", inserted);
                        let found = category_links(&new, &namespace);
                        prop_assert!(
                            found.iter().any(|l| &new[l.start..l.end] == link
                                && namespace.same_category(&l.name, action.category())),
                            "{:?} not a link of {:?}", link, new
                        );
                    }
                    Edit::Replace(range, replacement) => {
                        let old = category_links(&text, &namespace);
                        prop_assert!(old.iter().any(|l| l.start == range.start && l.end == range.end));
                        prop_assert!(parse_link(&replacement, 0, &namespace).is_some_and(|l| l.end == replacement.len()
                            && namespace.same_category(&l.name, action.category())));
                        prop_assert_eq!(&new, &format!("{}{replacement}{}", &text[..range.start], &text[range.end..]));
                    }
                    Edit::Remove(ranges) => {
                        prop_assert_eq!(&new, &cut(&text, &ranges));
                        let links = category_links(&text, &namespace);
                        for range in ranges {
                            let mut rest = String::new();
                            let mut at = range.start;
                            for link in links.iter().filter(|l| range.start <= l.start && l.end <= range.end) {
                                prop_assert!(namespace.same_category(&link.name, action.category()));
                                rest.push_str(&text[at..link.start]);
                                at = link.end;
                            }
                            rest.push_str(&text[at..range.end]);
                            prop_assert!(rest.trim().is_empty() && rest.matches('\n').count() <= 1, "{:?}", rest);
                        }
                    }
                }
            }
        }
    }
}
