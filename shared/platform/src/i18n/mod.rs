//! Interface messages in the format translatewiki.net imports and exports: a folder `i18n/`
//! of `<code>.json` files (`"@metadata"`, then `"key": "text"`), `en.json` the source and
//! `qqq.json` documenting every key. The platform's own messages (layout, error pages, login)
//! are in `shared/platform/i18n/`, a tool's in `tools/<tool>/i18n/`; both are compiled in
//! (`include_dir`), so nothing is read from disk at run time.
//!
//! A [`Catalog`] holds every language of both; a request's [`Messages`] is the catalog seen in
//! the language chosen for it (`?uselang=`, the session's setting, `Accept-Language`, English),
//! falling back along MediaWiki's chains (`language`). A message's HTML is sanitized once, when
//! its language is first used (`ammonia`, allowing the inline markup translatewiki.net accepts);
//! its parameters are escaped when it is rendered (`message_syntax`). A key no language has
//! shows as `⧼key⧽`, as in MediaWiki; tests make sure that never happens.

pub mod language;
pub mod message_syntax;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use icu_locale_core::Locale;
use icu_plurals::PluralRules;
use include_dir::Dir;
use rustc_hash::FxHashMap;

use crate::i18n::language::{KEYS_CODE, SOURCE_CODE};
pub use crate::i18n::message_syntax::{Arg, Gender};
use crate::i18n::message_syntax::{Compiled, escape_into};

/// The platform's messages.
pub static PLATFORM_MESSAGES: Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/i18n");

/// The file documenting every key for translators; not a language.
pub const DOCUMENTATION_CODE: &str = "qqq";

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("i18n/{file} is not a JSON object of strings: {reason}")]
    Unreadable { file: String, reason: String },
    #[error("the key {key} is both the platform's and the tool's (i18n/{file})")]
    DuplicateKey { key: String, file: String },
    #[error("there is no en.json, the source of every message")]
    NoSource,
}

/// One language's messages.
#[derive(Debug)]
struct LanguageMessages {
    code: String,
    raw: HashMap<String, String>,
    /// The messages with their HTML sanitized, made on first use. (Fx hashing: every page looks
    /// up a dozen keys, and the keys come from the code, not from users.)
    sanitized: OnceLock<FxHashMap<String, Compiled>>,
    plurals: OnceLock<PluralRules>,
}

impl LanguageMessages {
    fn sanitized(&self) -> &FxHashMap<String, Compiled> {
        self.sanitized.get_or_init(|| {
            let cleaner = cleaner();
            self.raw
                .iter()
                .map(|(key, text)| (key.clone(), Compiled::new(sanitize(&cleaner, text))))
                .collect()
        })
    }

    fn plurals(&self) -> &PluralRules {
        self.plurals.get_or_init(|| plural_rules(&self.code))
    }
}

fn plural_rules(code: &str) -> PluralRules {
    code.parse::<Locale>()
        .ok()
        .and_then(|locale| PluralRules::try_new_cardinal(locale.into()).ok())
        .or_else(|| PluralRules::try_new_cardinal(icu_locale_core::locale!("en").into()).ok())
        .expect("compiled plural data has English")
}

/// The inline markup a message may have; anything else is escaped or dropped.
fn cleaner() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::empty();
    builder
        .add_tags([
            "a", "abbr", "b", "bdi", "br", "code", "em", "i", "kbd", "q", "s", "samp", "small",
            "span", "strong", "sub", "sup", "u", "var",
        ])
        .add_generic_attributes(["lang", "dir", "title", "class"])
        .add_tag_attributes("a", ["href"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(None);
    builder
}

/// The message with only the allowed markup. `ammonia` writes `&`, `<` and `>` of text as
/// entities, and leaves `$1`, `{{`, `|` and `}}` alone, so the syntax survives.
fn sanitize(cleaner: &ammonia::Builder<'static>, text: &str) -> String {
    cleaner.clean(text).to_string()
}

/// Every message of the platform and of one tool, in every language they have.
#[derive(Debug)]
pub struct Catalog {
    languages: Vec<LanguageMessages>,
    by_code: HashMap<String, usize>,
    /// For each language (by index), the languages to look a key up in, in order.
    chains: Vec<Vec<usize>>,
    /// English's index: most requests ask for nothing else.
    source: usize,
}

impl Catalog {
    /// The platform's messages only.
    pub fn platform() -> Self {
        Self::from_dirs(&[&PLATFORM_MESSAGES]).expect("the platform's messages load")
    }

    /// The platform's messages and a tool's (`include_dir!("$CARGO_MANIFEST_DIR/i18n")`).
    pub fn with_tool(tool: &'static Dir<'static>) -> Result<Self, CatalogError> {
        Self::from_dirs(&[&PLATFORM_MESSAGES, tool])
    }

    fn from_dirs(dirs: &[&Dir<'static>]) -> Result<Self, CatalogError> {
        let mut by_code: HashMap<String, usize> = HashMap::new();
        let mut languages: Vec<LanguageMessages> = Vec::new();
        let mut seen_keys: HashMap<String, usize> = HashMap::new();
        for (dir_index, dir) in dirs.iter().enumerate() {
            for (code, file, messages) in read_dir(dir)? {
                if code == DOCUMENTATION_CODE {
                    continue;
                }
                if code == SOURCE_CODE {
                    for key in messages.keys() {
                        if seen_keys.insert(key.clone(), dir_index).is_some() {
                            return Err(CatalogError::DuplicateKey {
                                key: key.clone(),
                                file,
                            });
                        }
                    }
                }
                let index = *by_code.entry(code.clone()).or_insert_with(|| {
                    languages.push(LanguageMessages {
                        code: code.clone(),
                        raw: HashMap::new(),
                        sanitized: OnceLock::new(),
                        plurals: OnceLock::new(),
                    });
                    languages.len() - 1
                });
                languages[index].raw.extend(messages);
            }
        }
        if !by_code.contains_key(SOURCE_CODE) {
            return Err(CatalogError::NoSource);
        }
        let chains = languages
            .iter()
            .map(|language| {
                language::fallback_chain(&language.code)
                    .iter()
                    .filter_map(|code| by_code.get(code).copied())
                    .collect()
            })
            .collect();
        let source = by_code[SOURCE_CODE];
        Ok(Self {
            languages,
            by_code,
            chains,
            source,
        })
    }

    /// The language with translations that `code` falls back to first (`de-at` → `de`).
    fn resolve(&self, code: &str) -> Option<usize> {
        language::fallback_chain(code)
            .iter()
            .find_map(|code| self.by_code.get(code).copied())
    }

    /// The codes and names of the languages that have translations, for the language menu,
    /// in code order.
    pub fn languages(&self) -> Vec<(&str, &'static str)> {
        let mut languages: Vec<(&str, &'static str)> = self
            .languages
            .iter()
            .map(|language| {
                let code = language.code.as_str();
                (code, language::autonym(code).unwrap_or("?"))
            })
            .collect();
        languages.sort_unstable();
        languages
    }

    /// How many values [`Messages::slot`] takes.
    pub fn slots(&self) -> usize {
        self.languages.len() + 1
    }

    /// Whether `code` is a language with translations.
    pub fn has_language(&self, code: &str) -> bool {
        self.by_code.contains_key(code)
    }
}

/// One `i18n/` folder: `(code, file name, messages)` per JSON file, `@metadata` left out.
#[allow(clippy::type_complexity)]
fn read_dir(
    dir: &Dir<'static>,
) -> Result<Vec<(String, String, HashMap<String, String>)>, CatalogError> {
    let mut files = Vec::new();
    for file in dir.files() {
        let path = file.path();
        if path.extension().is_none_or(|extension| extension != "json") {
            continue;
        }
        let name = path.display().to_string();
        let code = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or_default()
            .to_owned();
        let unreadable = |reason: String| CatalogError::Unreadable {
            file: name.clone(),
            reason,
        };
        let object: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(file.contents())
                .map_err(|error| unreadable(error.to_string()))?;
        let mut messages = HashMap::new();
        for (key, value) in object {
            if key == "@metadata" {
                continue;
            }
            let serde_json::Value::String(text) = value else {
                return Err(unreadable(format!("{key} is not a string")));
            };
            messages.insert(key, text);
        }
        files.push((code, name, messages));
    }
    Ok(files)
}

/// A message to show, not yet in a language: a key and its parameters. Error pages and form
/// errors carry these, and the page renders them in the request's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub key: &'static str,
    pub args: Vec<Arg>,
}

impl Text {
    pub fn new(key: &'static str) -> Self {
        Self {
            key,
            args: Vec::new(),
        }
    }

    /// A text parameter (escaped).
    pub fn arg(mut self, text: impl ToString) -> Self {
        self.args.push(Arg::Text(text.to_string()));
        self
    }

    /// A number, for `{{PLURAL:…}}`.
    pub fn num<N: TryInto<i64>>(mut self, number: N) -> Self {
        self.args
            .push(Arg::Number(number.try_into().unwrap_or(i64::MAX)));
        self
    }

    /// A user's name, with the gender for `{{GENDER:…}}` (`Gender::Unknown` where the tool
    /// does not know it: the neutral form).
    pub fn user(mut self, name: impl ToString, gender: impl std::borrow::Borrow<Gender>) -> Self {
        self.args.push(Arg::User {
            name: name.to_string(),
            gender: *gender.borrow(),
        });
        self
    }

    /// HTML the tool built itself (its text escaped or itself a message): not escaped again.
    pub fn html(mut self, html: impl Into<String>) -> Self {
        self.args.push(Arg::Html(html.into()));
        self
    }
}

/// The catalog in one request's language. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Messages {
    catalog: Arc<Catalog>,
    language: usize,
    /// `?uselang=qqx`: keys instead of text.
    keys_only: bool,
}

impl Messages {
    /// The messages in English.
    pub fn source(catalog: Arc<Catalog>) -> Self {
        Self {
            language: catalog.source,
            catalog,
            keys_only: false,
        }
    }

    /// The messages for the first of `wanted` (most wanted first) that has translations,
    /// directly or by falling back (`de-at` → `de`); English if none has. `qqx` shows keys.
    pub fn choose<'a>(catalog: &Arc<Catalog>, wanted: impl IntoIterator<Item = &'a str>) -> Self {
        for code in wanted {
            if code == KEYS_CODE {
                return Self {
                    keys_only: true,
                    ..Self::source(catalog.clone())
                };
            }
            // A chain that only reaches English through its end is no match for this code:
            // the next wanted language may do better (`fr, de` with no French → German).
            if let Some(language) = catalog.resolve(code) {
                let resolved = &catalog.languages[language].code;
                if resolved != SOURCE_CODE || code == SOURCE_CODE || code.starts_with("en-") {
                    return Self {
                        catalog: catalog.clone(),
                        language,
                        keys_only: false,
                    };
                }
            }
        }
        Self::source(catalog.clone())
    }

    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.catalog
    }

    /// A number for this language among the catalog's (`qqx` last), for caches of text that
    /// depends on the language alone: below [`Catalog::slots`].
    pub fn slot(&self) -> usize {
        if self.keys_only {
            self.catalog.languages.len()
        } else {
            self.language
        }
    }

    /// The interface language's code, for `lang` attributes (`qqx` when showing keys).
    pub fn code(&self) -> &str {
        if self.keys_only {
            KEYS_CODE
        } else {
            &self.catalog.languages[self.language].code
        }
    }

    /// `ltr` or `rtl`, for `dir` attributes.
    pub fn dir(&self) -> &'static str {
        language::direction(self.code())
    }

    /// The message `key` with `args`, as HTML.
    pub fn render(&self, key: &str, args: &[Arg]) -> String {
        match self.lookup(key, args) {
            Rendered::Static(text) => text.to_owned(),
            Rendered::Made(html) => html,
        }
    }

    /// The message `key` with `args`, as HTML, written straight into `out` (a template's
    /// output): no string of its own.
    pub fn write<W: std::fmt::Write>(
        &self,
        key: &str,
        args: &[Arg],
        out: &mut W,
    ) -> std::fmt::Result {
        if !self.keys_only {
            for &index in &self.catalog.chains[self.language] {
                let language = &self.catalog.languages[index];
                if let Some(message) = language.sanitized().get(key) {
                    return message.write_to(args, language.plurals(), out);
                }
            }
        }
        match self.lookup(key, args) {
            Rendered::Static(text) => out.write_str(text),
            Rendered::Made(html) => out.write_str(&html),
        }
    }

    /// The message `key` with `args`: most messages have no parameters and no syntax, and are
    /// then written as stored, without a copy.
    fn lookup(&self, key: &str, args: &[Arg]) -> Rendered<'_> {
        if self.keys_only {
            return Rendered::Made(keys_only(key, args));
        }
        for &index in &self.catalog.chains[self.language] {
            let language = &self.catalog.languages[index];
            if let Some(message) = language.sanitized().get(key) {
                if message.is_static() {
                    return Rendered::Static(message.source());
                }
                let mut html = String::with_capacity(message.source().len() + 32);
                let _ = message.write_to(args, language.plurals(), &mut html);
                return Rendered::Made(html);
            }
        }
        tracing::warn!(key, "message missing in every language");
        let mut out = String::from("⧼");
        escape_into(key, &mut out);
        out.push('⧽');
        Rendered::Made(out)
    }

    /// A [`Text`] as HTML.
    pub fn text(&self, text: &Text) -> String {
        self.render(text.key, &text.args)
    }

    /// The message `key` as plain text, for `<title>`, an attribute or a header: rendered,
    /// its markup dropped and its entities decoded (the template escapes the text again).
    pub fn plain(&self, key: &str, args: &[Arg]) -> String {
        unescape(&strip_tags(&self.render(key, args)))
    }
}

/// A rendered message, stored or made for this call.
enum Rendered<'a> {
    Static(&'a str),
    Made(String),
}

/// A rendered message without its tags. Its markup was written by `ammonia` (attribute values
/// in double quotes) and its parameters escaped, so a tag is `<…>` with `>` only outside
/// quotes; the result is text a template escapes again, never markup.
fn strip_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut in_quotes = false;
    for character in html.chars() {
        match (in_tag, character) {
            (false, '<') => in_tag = true,
            (false, _) => text.push(character),
            (true, '"') => in_quotes = !in_quotes,
            (true, '>') if !in_quotes => in_tag = false,
            (true, _) => {}
        }
    }
    text
}

/// Entities back to characters: those `ammonia` writes (`&amp;` last, so that `&amp;lt;`
/// stays `&lt;`) and those parameters are escaped with.
fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    text.replace("&lt;", "<")
        .replace("&#60;", "<")
        .replace("&gt;", ">")
        .replace("&#62;", ">")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}

/// `(key)` or `(key: a, b)`, as MediaWiki shows messages for `uselang=qqx`.
fn keys_only(key: &str, args: &[Arg]) -> String {
    let mut out = String::from("(");
    escape_into(key, &mut out);
    for (index, arg) in args.iter().enumerate() {
        out.push_str(if index == 0 { ": " } else { ", " });
        match arg {
            // HTML the tool built (already escaped where it holds text): shown as it is.
            Arg::Html(html) => out.push_str(html),
            other => escape_into(&other.plain(), &mut out),
        }
    }
    out.push(')');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_unescaped_once_for_the_template_to_escape() {
        let messages = Messages::source(Arc::new(Catalog::platform()));
        // "<a href=…>Source code</a> (AGPL…) · hosted on <a …>Toolforge</a>", with a parameter.
        let plain = messages.plain("platform-footer", &[Arg::Text("x&y".into())]);
        assert_eq!(
            plain,
            "Source code (AGPL-3.0-or-later) · hosted on Toolforge"
        );
        let plain = messages.plain("platform-language-unknown", &[Arg::Text("<b>&\"".into())]);
        assert_eq!(
            plain,
            "There is no translation into “<b>&\"”. Nothing was changed."
        );
    }

    #[test]
    fn keys_only_shows_html_parameters_as_they_are() {
        let messages = Messages::choose(&Arc::new(Catalog::platform()), ["qqx"]);
        assert_eq!(
            messages.render(
                "platform-footer",
                &[
                    Arg::Html("<span dir=\"auto\">x</span>".into()),
                    Arg::Text("<".into())
                ]
            ),
            "(platform-footer: <span dir=\"auto\">x</span>, &#60;)"
        );
    }
}

/// A message ready for a template: `{{ page.msg("key").arg(name) }}`. It writes HTML (its
/// markup sanitized, its parameters escaped), so the template must not escape it again.
#[derive(Debug, Clone)]
pub struct Message<'a> {
    messages: &'a Messages,
    text: Text,
}

impl<'a> Message<'a> {
    pub fn new(messages: &'a Messages, key: &'static str) -> Self {
        Self {
            messages,
            text: Text::new(key),
        }
    }

    pub fn arg(mut self, text: impl ToString) -> Self {
        self.text = self.text.arg(text);
        self
    }

    pub fn num<N: TryInto<i64>>(mut self, number: N) -> Self {
        self.text = self.text.num(number);
        self
    }

    pub fn user(mut self, name: impl ToString, gender: impl std::borrow::Borrow<Gender>) -> Self {
        self.text = self.text.user(name, gender);
        self
    }

    pub fn html(mut self, html: impl Into<String>) -> Self {
        self.text = self.text.html(html);
        self
    }

    /// A user whose gender the tool does not know (`{{GENDER:…}}` takes the neutral form).
    pub fn person(self, name: impl ToString) -> Self {
        self.user(name, Gender::Unknown)
    }

    /// As plain text (markup dropped), for an attribute.
    pub fn plain(&self) -> String {
        self.messages.plain(self.text.key, &self.text.args)
    }
}

impl std::fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.messages.write(self.text.key, &self.text.args, f)
    }
}

/// Already HTML: sanitized markup, escaped parameters.
impl askama::filters::HtmlSafe for Message<'_> {}

/// Keys in `en.json` that `qqq.json` does not document, and keys of other languages that
/// `en.json` lacks, for a folder's tests.
pub fn check_folder(dir: &Dir<'static>) -> Result<Vec<String>, CatalogError> {
    let files = read_dir(dir)?;
    let keys_of = |code: &str| -> HashSet<String> {
        files
            .iter()
            .filter(|(file_code, _, _)| file_code == code)
            .flat_map(|(_, _, messages)| messages.keys().cloned())
            .collect()
    };
    let source = keys_of(SOURCE_CODE);
    let documented = keys_of(DOCUMENTATION_CODE);
    let mut problems: Vec<String> = source
        .difference(&documented)
        .map(|key| format!("{key}: not documented in qqq.json"))
        .collect();
    problems.extend(
        documented
            .difference(&source)
            .map(|key| format!("{key}: documented in qqq.json but not in en.json")),
    );
    for (code, _, messages) in &files {
        if code == SOURCE_CODE || code == DOCUMENTATION_CODE {
            continue;
        }
        if language::autonym(code).is_none() {
            problems.push(format!(
                "{code}.json: the language has no name in `language`"
            ));
        }
        problems.extend(
            messages
                .keys()
                .filter(|key| !source.contains(*key))
                .map(|key| format!("{key}: in {code}.json but not in en.json")),
        );
    }
    problems.sort();
    Ok(problems)
}

/// Every key of a folder's `en.json`.
pub fn source_keys(dir: &Dir<'static>) -> Result<HashSet<String>, CatalogError> {
    Ok(read_dir(dir)?
        .into_iter()
        .filter(|(code, _, _)| code == SOURCE_CODE)
        .flat_map(|(_, _, messages)| messages.into_keys())
        .collect())
}
