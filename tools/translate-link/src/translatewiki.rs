//! Finding the translation pages of a message key on translatewiki.net.
//!
//! A message's documentation lives at `<Namespace>:<key>/qqq`; a search for that title finds the
//! candidates, and the Translate extension's `translationaids` API names each one's message
//! group, which the link to `Special:Translate` needs.

use futures_util::future::join_all;
use platform::Text;
use platform::UserAgent;
use serde::Deserialize;
use serde_json::Value;
use url::Url;
use wikimedia::error::Retry;
use wikimedia::mediawiki::{ClientOptions, MediaWiki, MediaWikiError};

use crate::domain::{LanguageCode, MessageKey};
use crate::settings::Settings;

/// The group of MediaWiki core messages, whose keys start lower-case however they are typed.
const MEDIAWIKI_GROUP: &str = "mediawiki";
const DOCUMENTATION_SUFFIX: &str = "/qqq";

#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    #[error("translatewiki.net could not be asked: {0}")]
    Upstream(#[from] MediaWikiError),
    #[error("the configured index URL {0:?} is not a URL")]
    BadIndexUrl(String),
}

/// A page where the message can be translated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslationLink {
    /// The documentation page the link was found through, e.g. `MediaWiki:Edit/qqq`.
    pub title: String,
    pub group: String,
    /// The key as translatewiki.net spells it (case corrected for MediaWiki core messages).
    pub key: String,
    pub url: String,
}

/// A search hit that looked like the message but could not be linked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TitleProblem {
    pub title: String,
    pub reason: Text,
}

/// Everything found for one key and language.
#[derive(Debug, Default)]
pub struct Lookup {
    pub links: Vec<TranslationLink>,
    pub problems: Vec<TitleProblem>,
}

#[derive(Debug, Clone)]
pub struct Translatewiki {
    api: MediaWiki,
    index_url: Url,
}

#[derive(Deserialize)]
struct SearchResponse {
    query: SearchQuery,
}
#[derive(Deserialize)]
struct SearchQuery {
    search: Vec<SearchHit>,
}
#[derive(Deserialize)]
struct SearchHit {
    title: String,
}

#[derive(Deserialize)]
struct TranslationAidsResponse {
    helpers: Helpers,
}
#[derive(Deserialize)]
struct Helpers {
    #[serde(default)]
    groups: Value,
}

impl Translatewiki {
    pub async fn new(settings: &Settings, user_agent: &UserAgent) -> Result<Self, LookupError> {
        let index_url = Url::parse(&settings.index_url)
            .map_err(|_| LookupError::BadIndexUrl(settings.index_url.clone()))?;
        let options = ClientOptions {
            concurrency: settings.lookup_concurrency,
            ..ClientOptions::default()
        };
        let api = MediaWiki::anonymous(&settings.api_url, user_agent, options).await?;
        Ok(Self { api, index_url })
    }

    /// All translation links for `key` in `language`; the per-title look-ups run concurrently.
    pub async fn find_links(
        &self,
        key: &MessageKey,
        language: &LanguageCode,
    ) -> Result<Lookup, LookupError> {
        let titles = self.documentation_titles(key).await?;
        let outcomes = join_all(
            titles
                .iter()
                .map(|title| self.link_for(title, key, language)),
        )
        .await;
        let mut lookup = Lookup::default();
        for (title, outcome) in titles.into_iter().zip(outcomes) {
            match outcome {
                Ok(link) => lookup.links.push(link),
                Err(TitleError::Problem(reason)) => {
                    lookup.problems.push(TitleProblem { title, reason })
                }
                Err(TitleError::Upstream(error)) => return Err(error.into()),
            }
        }
        Ok(lookup)
    }

    /// Titles of documentation pages (`<Namespace>:<key>/qqq`) of messages with this key.
    async fn documentation_titles(&self, key: &MessageKey) -> Result<Vec<String>, MediaWikiError> {
        let query = format!(
            "intitle:\"{}{DOCUMENTATION_SUFFIX}\"",
            escape_phrase(key.as_str())
        );
        let response: SearchResponse = self
            .api
            .get(&[
                ("action", "query"),
                ("list", "search"),
                ("srsearch", &query),
                ("srnamespace", "*"),
            ])
            .await?;
        Ok(response
            .query
            .search
            .into_iter()
            .map(|hit| hit.title)
            .filter(|title| is_documentation_of(title, key))
            .collect())
    }

    async fn link_for(
        &self,
        title: &str,
        key: &MessageKey,
        language: &LanguageCode,
    ) -> Result<TranslationLink, TitleError> {
        let response: TranslationAidsResponse = match self
            .api
            .get(&[
                ("action", "translationaids"),
                ("title", title),
                ("prop", "groups"),
            ])
            .await
        {
            Ok(response) => response,
            // The wiki answered, but not about this title: a problem with this hit only.
            Err(error) => {
                return Err(match (error.retry(), error.code(), error.info()) {
                    (Retry::No, Some(code), Some(info)) => TitleError::Problem(
                        Text::new("translate-link-problem-api").arg(code).arg(info),
                    ),
                    _ => TitleError::Upstream(error),
                });
            }
        };
        let groups = group_ids(&response.helpers.groups);
        let Some(group) = groups.first() else {
            return Err(TitleError::Problem(Text::new(
                "translate-link-problem-no-group",
            )));
        };
        let key = if groups.iter().any(|g| g == MEDIAWIKI_GROUP) {
            corrected_core_key(title, key).map_err(TitleError::Problem)?
        } else {
            key.as_str().to_owned()
        };
        let mut url = self.index_url.clone();
        url.query_pairs_mut()
            .append_pair("title", "Special:Translate")
            .append_pair("showMessage", &key)
            .append_pair("group", group)
            .append_pair("language", language.as_str());
        Ok(TranslationLink {
            title: title.to_owned(),
            group: group.clone(),
            key,
            url: url.into(),
        })
    }
}

enum TitleError {
    Problem(Text),
    Upstream(MediaWikiError),
}

/// Escapes a string for use inside a CirrusSearch phrase query.
fn escape_phrase(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Whether `title` is `<anything without colon>:<key>/qqq`, ignoring case.
fn is_documentation_of(title: &str, key: &MessageKey) -> bool {
    title.split_once(':').is_some_and(|(_namespace, rest)| {
        rest.to_lowercase() == format!("{}{DOCUMENTATION_SUFFIX}", key.as_str()).to_lowercase()
    })
}

/// The group ids of a `translationaids` answer: a list of ids, or (depending on the API's
/// result format) an object whose values are the ids next to `*`-prefixed metadata keys.
fn group_ids(groups: &Value) -> Vec<String> {
    match groups {
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Value::Object(map) => map
            .iter()
            .filter(|(name, _)| !name.starts_with('*'))
            .filter_map(|(_, v)| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// The key of a MediaWiki core message as translatewiki.net spells it: taken from the title,
/// with the first letter lower-cased (titles capitalise it, message keys do not).
fn corrected_core_key(title: &str, asked: &MessageKey) -> Result<String, Text> {
    let from_title = title
        .split_once(':')
        .and_then(|(_, rest)| rest.strip_suffix(DOCUMENTATION_SUFFIX))
        .unwrap_or_default();
    let mut chars = from_title.chars();
    let corrected: String = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    };
    if corrected.to_lowercase() == asked.as_str().to_lowercase() {
        Ok(corrected)
    } else {
        Err(Text::new("translate-link-problem-key-mismatch")
            .arg(corrected)
            .arg(asked.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> MessageKey {
        MessageKey::parse(text).expect("valid key")
    }

    #[test]
    fn documentation_titles_match_any_namespace_and_case() {
        assert!(is_documentation_of("MediaWiki:Edit/qqq", &key("edit")));
        assert!(is_documentation_of(
            "Wikimedia:Foo-BAR/qqq",
            &key("foo-bar")
        ));
        assert!(is_documentation_of(
            "Wikimedia:Foo:Bar/qqq",
            &key("foo:bar")
        ));
        assert!(!is_documentation_of("MediaWiki:Edit/de", &key("edit")));
        assert!(!is_documentation_of(
            "MediaWiki:Edit-summary/qqq",
            &key("edit")
        ));
        assert!(!is_documentation_of("Edit/qqq", &key("edit")));
    }

    #[test]
    fn core_keys_take_their_case_from_the_title() {
        assert_eq!(
            corrected_core_key("MediaWiki:Edit/qqq", &key("EDIT")),
            Ok("edit".to_owned())
        );
        assert_eq!(
            corrected_core_key(
                "MediaWiki:Tooltip-ca-nstab-Main/qqq",
                &key("tooltip-ca-nstab-main")
            ),
            Ok("tooltip-ca-nstab-Main".to_owned())
        );
        assert!(corrected_core_key("MediaWiki:Other/qqq", &key("edit")).is_err());
    }

    #[test]
    fn group_ids_come_from_lists_and_objects() {
        assert_eq!(
            group_ids(&serde_json::json!(["core", "mediawiki"])),
            ["core", "mediawiki"]
        );
        assert_eq!(
            group_ids(&serde_json::json!({"**": "group", "0": "ext-foo"})),
            ["ext-foo"]
        );
        assert!(group_ids(&Value::Null).is_empty());
    }

    #[test]
    fn phrase_quotes_and_backslashes_are_escaped() {
        assert_eq!(escape_phrase(r#"a"b\c"#), r#"a\"b\\c"#);
    }
}
