//! Formatted values and entity labels from the wiki, kept in memory: a page of 50 statements
//! would otherwise ask the wiki 50 times on every view. Bounded in size (`quick_cache`, which
//! evicts what is least used) and in age (labels change on the wiki), per wiki and language.
//!
//! The wiki's HTML is cleaned before it is kept ([`clean_html`]): only inline markup, and links
//! turned into plain spans, so that a click on a value ticks its checkbox (and Wikibase's links
//! are relative to the wiki, not to this tool, T218646).

use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use quick_cache::sync::Cache;
use serde_json::Value;
use wikimedia::mediawiki::{MediaWiki, MediaWikiError};

use crate::wikibase;

/// How many `wbformatvalue` requests one page has in flight at once.
const CONCURRENT_FORMAT_REQUESTS: usize = 4;

#[derive(Debug, Clone)]
struct Cached {
    html: Arc<str>,
    at: Instant,
}

/// `(domain, language, property, data value JSON)`.
type ValueKey = (String, String, String, String);
/// `(domain, language, entity id)`.
type EntityKey = (String, String, String);

/// The caches of one process, shared by every request.
#[derive(Debug, Clone)]
pub struct Formatter {
    values: Arc<Cache<ValueKey, Cached>>,
    entities: Arc<Cache<EntityKey, Cached>>,
    max_age: Duration,
}

impl Formatter {
    pub fn new(entries: usize, max_age: Duration) -> Self {
        Self {
            values: Arc::new(Cache::new(entries.max(1))),
            entities: Arc::new(Cache::new(entries.max(1))),
            max_age,
        }
    }

    fn fresh(&self, cached: Option<Cached>) -> Option<Arc<str>> {
        cached
            .filter(|c| c.at.elapsed() < self.max_age)
            .map(|c| c.html)
    }

    /// Each `(property, data value)` formatted as HTML, in order; a value the wiki could not
    /// format is `None` (the page shows it without). Only values not cached are asked for.
    pub async fn values(
        &self,
        wiki: &MediaWiki,
        domain: &str,
        lang: &str,
        values: &[(&str, &Value)],
    ) -> Vec<Option<Arc<str>>> {
        let keys: Vec<ValueKey> = values
            .iter()
            .map(|(property, value)| {
                (
                    domain.to_owned(),
                    lang.to_owned(),
                    (*property).to_owned(),
                    value.to_string(),
                )
            })
            .collect();
        let mut formatted: Vec<Option<Arc<str>>> = keys
            .iter()
            .map(|key| self.fresh(self.values.get(key)))
            .collect();
        let missing: Vec<usize> = (0..keys.len())
            .filter(|&i| formatted[i].is_none())
            .collect();
        for batch in missing.chunks(CONCURRENT_FORMAT_REQUESTS) {
            let answers = join_all(batch.iter().map(|&i| {
                let (property, value) = values[i];
                wikibase::format_value(wiki, property, value, lang)
            }))
            .await;
            for (&i, answer) in batch.iter().zip(answers) {
                match answer {
                    Ok(html) => {
                        let html: Arc<str> = clean_html(&html).into();
                        self.values.insert(
                            keys[i].clone(),
                            Cached {
                                html: html.clone(),
                                at: Instant::now(),
                            },
                        );
                        formatted[i] = Some(html);
                    }
                    Err(error) => tracing::info!(%error, "a value could not be formatted"),
                }
            }
        }
        formatted
    }

    /// The labels of these entities as HTML, by id. Ids the wiki could not format are left out
    /// (the page shows the id instead).
    pub async fn entities(
        &self,
        wiki: &MediaWiki,
        domain: &str,
        lang: &str,
        ids: &[String],
    ) -> Result<Labels, MediaWikiError> {
        let key = |id: &str| (domain.to_owned(), lang.to_owned(), id.to_owned());
        let mut labels = Labels::default();
        let mut missing = Vec::new();
        for id in ids {
            match self.fresh(self.entities.get(&key(id))) {
                Some(html) => {
                    labels.0.insert(id.clone(), html);
                }
                None if !missing.contains(id) => missing.push(id.clone()),
                None => {}
            }
        }
        if !missing.is_empty() {
            for (id, html) in wikibase::format_entities(wiki, &missing, lang).await? {
                let html: Arc<str> = clean_html(&html).into();
                self.entities.insert(
                    key(&id),
                    Cached {
                        html: html.clone(),
                        at: Instant::now(),
                    },
                );
                labels.0.insert(id, html);
            }
        }
        Ok(labels)
    }
}

/// Entity labels as HTML, by id.
#[derive(Debug, Clone, Default)]
pub struct Labels(std::collections::HashMap<String, Arc<str>>);

impl Labels {
    /// The label of `id` as HTML; the id itself, escaped, if there is none.
    pub fn html(&self, id: &str) -> String {
        match self.0.get(id) {
            Some(html) => html.to_string(),
            None => {
                let mut escaped = String::new();
                platform::i18n::message_syntax::escape_into(id, &mut escaped);
                escaped
            }
        }
    }
}

/// Inline markup only, no attributes but language and direction, and links as spans.
static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(
            [
                "a", "abbr", "b", "bdi", "br", "code", "em", "i", "small", "span", "strong", "sub",
                "sup",
            ]
            .into_iter()
            .collect(),
        )
        .generic_attributes(["lang", "dir"].into_iter().collect())
        // Nothing of a link is kept: it becomes a span below.
        .attribute_filter(|element, _, value| (element != "a").then(|| value.into()))
        .link_rel(None);
    builder
});

/// The wiki's HTML made safe to put into a label: cleaned by ammonia, then every (now
/// attribute-less) `<a>` turned into a `<span>`. Replacing the text `<a>` is sound on
/// ammonia's output: text there has `<` escaped, and inside an attribute value it would stay
/// inside the quotes.
pub fn clean_html(html: &str) -> String {
    CLEANER
        .clean(html)
        .to_string()
        .replace("<a>", "<span>")
        .replace("</a>", "</span>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_become_spans_and_scripts_go() {
        for (html, expected) in [
            (
                "<a title=\"Q5\" href=\"/wiki/Q5\">human</a>",
                "<span>human</span>",
            ),
            (
                "<span lang=\"de\" class=\"wb-monolingualtext-value\">Hallo</span>",
                "<span lang=\"de\">Hallo</span>",
            ),
            (
                "&lt;script&gt;alert(\"x\")&lt;/script&gt;",
                "&lt;script&gt;alert(\"x\")&lt;/script&gt;",
            ),
            ("<script>alert(1)</script>text", "text"),
            ("<img src=x onerror=alert(1)>", ""),
            ("1.5<span class=\"wb-unit\">kg</span>", "1.5<span>kg</span>"),
            ("<div><p>block</p></div>", "block"),
            ("a &lt;a&gt; b", "a &lt;a&gt; b"),
        ] {
            assert_eq!(clean_html(html), expected, "{html}");
        }
    }

    #[test]
    fn labels_fall_back_to_the_escaped_id() {
        let mut labels = Labels::default();
        labels
            .0
            .insert("Q1".to_owned(), "<span>universe</span>".into());
        assert_eq!(labels.html("Q1"), "<span>universe</span>");
        assert_eq!(labels.html("Q<2>"), "Q&#60;2&#62;");
    }
}
