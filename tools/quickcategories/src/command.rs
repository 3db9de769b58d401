//! The batch language: one command per line, fields separated by `|` or a tab.
//!
//! ```text
//! Page title[#flag=yes&flag=no]|+Category:Added|+Category:With key#key|-Category:Removed
//! ```
//!
//! Actions: `+Category:X` adds (nothing changes if the page is already in it); `+Category:X#key`
//! adds with a sort key (an existing link is left alone); `##key` also gives an existing link
//! without sort key this one; `###key` also replaces an existing sort key. `-Category:X` removes
//! every link to X; `-Category:X#key` only a link with that sort key.
//! Page flags: `resolve_redirects=yes|no`, `create_missing_page=yes|no` (joined with `&` or `,`).

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};
pub use wikimedia::title::MAX_TITLE_BYTES;
use wikimedia::title::forbidden_character;

/// How an addition treats a sort key when the page is already in the category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortKeyRule {
    /// `+Category:X`: no sort key; an existing link stays as it is.
    None,
    /// `#key`: new links get the key; an existing link stays as it is.
    ForNewLink(String),
    /// `##key`: also given to an existing link that has no sort key.
    IfMissing(String),
    /// `###key`: also replaces the sort key of an existing link.
    Replace(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Add {
        /// The namespace prefix as written (`Category`, `Kategorie`…), checked against the wiki.
        prefix: String,
        category: String,
        sort_key: SortKeyRule,
    },
    Remove {
        prefix: String,
        category: String,
        /// Only a link with exactly this sort key.
        sort_key: Option<String>,
    },
}

impl Action {
    pub fn prefix(&self) -> &str {
        match self {
            Self::Add { prefix, .. } | Self::Remove { prefix, .. } => prefix,
        }
    }

    pub fn category(&self) -> &str {
        match self {
            Self::Add { category, .. } | Self::Remove { category, .. } => category,
        }
    }
}

impl fmt::Display for Action {
    /// The action in the batch language, e.g. `+Category:X##key`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Add {
                prefix,
                category,
                sort_key,
            } => {
                write!(f, "+{prefix}:{category}")?;
                match sort_key {
                    SortKeyRule::None => Ok(()),
                    SortKeyRule::ForNewLink(key) => write!(f, "#{key}"),
                    SortKeyRule::IfMissing(key) => write!(f, "##{key}"),
                    SortKeyRule::Replace(key) => write!(f, "###{key}"),
                }
            }
            Self::Remove {
                prefix,
                category,
                sort_key,
            } => {
                write!(f, "-{prefix}:{category}")?;
                match sort_key {
                    Some(key) => write!(f, "#{key}"),
                    None => Ok(()),
                }
            }
        }
    }
}

/// Per-page options; `None` means "as the batch's defaults say".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageFlags {
    pub resolve_redirects: Option<bool>,
    pub create_missing_page: Option<bool>,
}

/// One line: a page and what to do to its categories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    pub page: String,
    pub flags: PageFlags,
    pub actions: Vec<Action>,
}

impl Command {
    /// The command with the batch defaults filled into unset flags.
    pub fn with_defaults(mut self, defaults: &PageFlags) -> Self {
        self.flags.resolve_redirects = self.flags.resolve_redirects.or(defaults.resolve_redirects);
        self.flags.create_missing_page = self
            .flags
            .create_missing_page
            .or(defaults.create_missing_page);
        self
    }
}

impl fmt::Display for Command {
    /// The command in the batch language (pipe-separated, flags as set).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.page)?;
        let mut flags = Vec::new();
        if let Some(value) = self.flags.resolve_redirects {
            flags.push(format!("resolve_redirects={}", yes_no(value)));
        }
        if let Some(value) = self.flags.create_missing_page {
            flags.push(format!("create_missing_page={}", yes_no(value)));
        }
        if !flags.is_empty() {
            write!(f, "#{}", flags.join("&"))?;
        }
        for action in &self.actions {
            write!(f, "|{action}")?;
        }
        Ok(())
    }
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

/// Why a line is not a command; shown with its line number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("the page title is empty")]
    EmptyTitle,
    #[error("the page title is longer than 255 bytes")]
    TitleTooLong,
    #[error("the page title contains “{0}”, which titles cannot contain")]
    TitleCharacter(char),
    #[error("no actions: add at least one “+Category:…” or “-Category:…” after a “|”")]
    NoActions,
    #[error("“{0}” is not an action: actions start with “+” (add) or “-” (remove)")]
    NotAnAction(String),
    #[error("“{0}” names no category: write it with its namespace, like “+Category:Example”")]
    NoNamespace(String),
    #[error("“{0}” has an empty category name")]
    EmptyCategory(String),
    #[error("“{0}”: category names cannot contain “{1}”")]
    CategoryCharacter(String, char),
    #[error("“{0}”: a sort key cannot contain “{1}”, which would break the link")]
    SortKeyMarkup(String, &'static str),
    #[error("“{0}”: removals take at most one “#” before the sort key")]
    RemoveSortKeyRule(String),
    #[error("“{0}”: at most three “#” may introduce a sort key")]
    TooManyHashes(String),
    #[error(
        "the line names “{0}” more than once; one action per category, so that running it again changes nothing"
    )]
    CategoryTwice(String),
    #[error("unknown page flag “{0}” (known: resolve_redirects, create_missing_page)")]
    UnknownFlag(String),
    #[error("page flag “{0}” must be “yes” or “no”")]
    BadFlagValue(String),
}

/// A line that could not be parsed, by its 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub text: String,
    pub error: LineError,
}

/// What a sort key cannot hold: it would end the link early, open markup inside it, or change
/// the page beyond the link: a comment (`<!--`) or a tag (`<nowiki>`, `<ref>`, any extension
/// tag: `<` before a letter or `/`) runs on past the link, and `~~~` becomes a signature when
/// the page is saved.
const SORT_KEY_MARKUP: &[&str] = &["]]", "[[", "{{", "}}", "\n", "<!--", "~~~"];

/// The markup `key` holds that a sort key cannot, if any.
fn sort_key_markup(key: &str) -> Option<&'static str> {
    if let Some(markup) = SORT_KEY_MARKUP.iter().find(|markup| key.contains(**markup)) {
        return Some(markup);
    }
    let opens_tag = key
        .as_bytes()
        .windows(2)
        .any(|pair| pair[0] == b'<' && (pair[1].is_ascii_alphabetic() || pair[1] == b'/'));
    opens_tag.then_some("<")
}

/// Parses every non-blank line; returns all commands or every error (never just the first).
pub fn parse_commands(text: &str) -> Result<Vec<Command>, Vec<ParseError>> {
    let mut commands = Vec::new();
    let mut errors = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line) {
            Ok(command) => commands.push(command),
            Err(error) => errors.push(ParseError {
                line: index + 1,
                text: line.to_owned(),
                error,
            }),
        }
    }
    if errors.is_empty() {
        Ok(commands)
    } else {
        Err(errors)
    }
}

/// Normalises a title or category name as MediaWiki does before comparing: underscores are
/// spaces, runs of whitespace are one space, no space at either end.
pub fn normalize_title(text: &str) -> String {
    text.replace('_', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn parse_line(line: &str) -> Result<Command, LineError> {
    let mut fields = line.split(['|', '\t']);
    let first = fields.next().unwrap_or_default();
    let (title, flags) = match first.split_once('#') {
        Some((title, flags)) => (title, parse_flags(flags)?),
        None => (first, PageFlags::default()),
    };
    let page = normalize_title(title);
    if page.is_empty() {
        return Err(LineError::EmptyTitle);
    }
    if page.len() > MAX_TITLE_BYTES {
        return Err(LineError::TitleTooLong);
    }
    if let Some(c) = forbidden_character(&page) {
        return Err(LineError::TitleCharacter(c));
    }
    let actions = fields
        .filter(|field| !field.trim().is_empty())
        .map(parse_action)
        .collect::<Result<Vec<_>, _>>()?;
    if actions.is_empty() {
        return Err(LineError::NoActions);
    }
    // Names compared with the usual first-letter rule: stricter than a case-sensitive wiki needs.
    // A set, so that a line of many actions costs linear time (a 4 MiB line holds ~300,000).
    let mut seen: HashSet<String> = HashSet::with_capacity(actions.len());
    for action in &actions {
        let mut chars = action.category().chars();
        let key: String = chars
            .next()
            .into_iter()
            .flat_map(char::to_uppercase)
            .chain(chars)
            .collect();
        if !seen.insert(key) {
            return Err(LineError::CategoryTwice(format!(
                "{}:{}",
                action.prefix(),
                action.category()
            )));
        }
    }
    Ok(Command {
        page,
        flags,
        actions,
    })
}

fn parse_flags(text: &str) -> Result<PageFlags, LineError> {
    let mut flags = PageFlags::default();
    for flag in text
        .split(['&', ','])
        .map(str::trim)
        .filter(|f| !f.is_empty())
    {
        let (name, value) = flag.split_once('=').unwrap_or((flag, ""));
        let value = match value.trim() {
            "yes" => true,
            "no" => false,
            _ => return Err(LineError::BadFlagValue(name.trim().to_owned())),
        };
        match name.trim() {
            "resolve_redirects" => flags.resolve_redirects = Some(value),
            "create_missing_page" => flags.create_missing_page = Some(value),
            other => return Err(LineError::UnknownFlag(other.to_owned())),
        }
    }
    Ok(flags)
}

fn parse_action(field: &str) -> Result<Action, LineError> {
    let field = field.trim();
    let (adding, rest) = match field.chars().next() {
        Some('+') => (true, &field[1..]),
        Some('-') => (false, &field[1..]),
        _ => return Err(LineError::NotAnAction(field.to_owned())),
    };
    let (target, hashes, key) = match rest.find('#') {
        Some(start) => {
            let after = &rest[start..];
            let hashes = after.chars().take_while(|&c| c == '#').count();
            (&rest[..start], hashes, Some(&after[hashes..]))
        }
        None => (rest, 0, None),
    };
    let Some((prefix, category)) = target.split_once(':') else {
        return Err(LineError::NoNamespace(field.to_owned()));
    };
    let (prefix, category) = (normalize_title(prefix), normalize_title(category));
    if prefix.is_empty() {
        return Err(LineError::NoNamespace(field.to_owned()));
    }
    if category.is_empty() {
        return Err(LineError::EmptyCategory(field.to_owned()));
    }
    // Written into `[[Category:…|…]]`: markup here would break the link or what surrounds it.
    if let Some(c) = forbidden_character(&category) {
        return Err(LineError::CategoryCharacter(field.to_owned(), c));
    }
    if let Some(markup) = key.and_then(sort_key_markup) {
        return Err(LineError::SortKeyMarkup(field.to_owned(), markup));
    }
    let key = key.map(str::to_owned);
    if adding {
        let sort_key = match (hashes, key) {
            (0, _) => SortKeyRule::None,
            (1, Some(key)) => SortKeyRule::ForNewLink(key),
            (2, Some(key)) => SortKeyRule::IfMissing(key),
            (3, Some(key)) => SortKeyRule::Replace(key),
            _ => return Err(LineError::TooManyHashes(field.to_owned())),
        };
        Ok(Action::Add {
            prefix,
            category,
            sort_key,
        })
    } else {
        if hashes > 1 {
            return Err(LineError::RemoveSortKeyRule(field.to_owned()));
        }
        Ok(Action::Remove {
            prefix,
            category,
            sort_key: key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(category: &str, sort_key: SortKeyRule) -> Action {
        Action::Add {
            prefix: "Category".into(),
            category: category.into(),
            sort_key,
        }
    }

    #[test]
    fn every_action_form_parses() {
        let command = parse_line("Foo_bar |+Category:A|+Category:B#k|+Category:C##k k|+Category:D###|-Category:E|-Category:F#x").expect("parses");
        assert_eq!(command.page, "Foo bar");
        assert_eq!(
            command.actions,
            [
                add("A", SortKeyRule::None),
                add("B", SortKeyRule::ForNewLink("k".into())),
                add("C", SortKeyRule::IfMissing("k k".into())),
                add("D", SortKeyRule::Replace(String::new())),
                Action::Remove {
                    prefix: "Category".into(),
                    category: "E".into(),
                    sort_key: None
                },
                Action::Remove {
                    prefix: "Category".into(),
                    category: "F".into(),
                    sort_key: Some("x".into())
                },
            ]
        );
    }

    #[test]
    fn tabs_separate_fields_too_and_blank_fields_are_ignored() {
        let command = parse_line("Page\t+Kategorie:X||\t").expect("parses");
        assert_eq!(
            command.actions,
            [Action::Add {
                prefix: "Kategorie".into(),
                category: "X".into(),
                sort_key: SortKeyRule::None
            }]
        );
    }

    #[test]
    fn flags_parse_and_defaults_fill_the_rest() {
        let command = parse_line("Page#resolve_redirects=no&create_missing_page=yes|+Category:X")
            .expect("parses");
        assert_eq!(
            command.flags,
            PageFlags {
                resolve_redirects: Some(false),
                create_missing_page: Some(true)
            }
        );
        let command = parse_line("Page#create_missing_page=yes|+Category:X")
            .expect("parses")
            .with_defaults(&PageFlags {
                resolve_redirects: Some(true),
                create_missing_page: Some(false),
            });
        assert_eq!(
            command.flags,
            PageFlags {
                resolve_redirects: Some(true),
                create_missing_page: Some(true)
            }
        );
    }

    #[test]
    fn every_error_is_reported() {
        let cases = [
            ("|+Category:X", LineError::EmptyTitle),
            ("Page", LineError::NoActions),
            (
                "Page|Category:X",
                LineError::NotAnAction("Category:X".into()),
            ),
            ("Page|+X", LineError::NoNamespace("+X".into())),
            ("Page|+:X", LineError::NoNamespace("+:X".into())),
            (
                "Page|+Category:",
                LineError::EmptyCategory("+Category:".into()),
            ),
            (
                "Page|-Category:X##k",
                LineError::RemoveSortKeyRule("-Category:X##k".into()),
            ),
            (
                "Page|+Category:X####k",
                LineError::TooManyHashes("+Category:X####k".into()),
            ),
            (
                "Page#colour=yes|+Category:X",
                LineError::UnknownFlag("colour".into()),
            ),
            (
                "Page#resolve_redirects=maybe|+Category:X",
                LineError::BadFlagValue("resolve_redirects".into()),
            ),
            ("Pa{ge|+Category:X", LineError::TitleCharacter('{')),
            (
                "Page|+Category:A}}",
                LineError::CategoryCharacter("+Category:A}}".into(), '}'),
            ),
            (
                "Page|-Category:A[[B",
                LineError::CategoryCharacter("-Category:A[[B".into(), '['),
            ),
            (
                "Page|+Category:A#x]]y",
                LineError::SortKeyMarkup("+Category:A#x]]y".into(), "]]"),
            ),
            (
                "Page|+Category:A###{{T}}",
                LineError::SortKeyMarkup("+Category:A###{{T}}".into(), "{{"),
            ),
            (
                "P|+Category:A#x<!-- y",
                LineError::SortKeyMarkup("+Category:A#x<!-- y".into(), "<!--"),
            ),
            (
                "P|+Category:A#~~~~",
                LineError::SortKeyMarkup("+Category:A#~~~~".into(), "~~~"),
            ),
            (
                "P|+Category:A#<nowiki>",
                LineError::SortKeyMarkup("+Category:A#<nowiki>".into(), "<"),
            ),
            (
                "P|+Category:A##x</ref>",
                LineError::SortKeyMarkup("+Category:A##x</ref>".into(), "<"),
            ),
            (
                "Page|-Category:x|+Category:X",
                LineError::CategoryTwice("Category:X".into()),
            ),
        ];
        for (line, expected) in cases {
            assert_eq!(parse_line(line), Err(expected), "{line}");
        }
        assert_eq!(
            parse_line(&format!("{}|+Category:X", "a".repeat(256))),
            Err(LineError::TitleTooLong)
        );
    }

    #[test]
    fn all_bad_lines_are_reported_with_their_numbers() {
        let errors =
            parse_commands("Good|+Category:X\n\nBad\nAlso good|-Category:Y\n|+Category:Z\n")
                .expect_err("errors");
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 5]);
        assert_eq!(errors[0].text, "Bad");
    }

    #[test]
    fn display_round_trips() {
        for line in [
            "Page|+Category:A|+Category:B#k|+Category:C##k|+Category:D###k|-Category:E|-Category:F#k",
            "Page#resolve_redirects=yes&create_missing_page=no|+Category:A",
        ] {
            let command = parse_line(line).expect("parses");
            assert_eq!(command.to_string(), line);
            assert_eq!(parse_line(&command.to_string()), Ok(command));
        }
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn parsing_never_panics(line in "\\PC{0,200}") {
                let _ = parse_line(&line);
            }

            #[test]
            fn parsing_never_panics_on_batch_like_text(line in "[A-Za-z _#=&|\t+:\\-]{0,80}") {
                let _ = parse_commands(&line);
            }

            #[test]
            fn parsed_commands_round_trip(line in "[A-Za-z ]{1,20}(\\|[+-]Category:[A-Za-z ]{1,10}(#{1,3}[a-z]{0,5})?){1,4}") {
                if let Ok(command) = parse_line(&line) {
                    prop_assert_eq!(parse_line(&command.to_string()), Ok(command));
                }
            }
        }
    }
}
