//! What the tool asks Wikidata: lexemes, lexemes with a lemma (duplicates), and saving.

use platform::UserAgent;
use serde_json::Value;
use wikimedia::mediawiki::{ClientOptions, MediaWiki, MediaWikiError};
use wikimedia::wikibase::{self, EditTarget};

use crate::duplicates::{self, Duplicate};
use crate::settings::{Settings, Wiki};

/// Anonymous reads of one wiki.
pub async fn reader(
    settings: &Settings,
    user_agent: &UserAgent,
    wiki: Wiki,
) -> Result<MediaWiki, MediaWikiError> {
    MediaWiki::anonymous(
        &settings.api_url(wiki),
        user_agent,
        ClientOptions::default(),
    )
    .await
}

/// The lexeme (`wbgetentities` JSON); `None` if there is none with this id.
pub async fn lexeme(wiki: &MediaWiki, id: &str) -> Result<Option<Value>, MediaWikiError> {
    wikibase::entity(wiki, id, None).await
}

/// Lexemes in `language_code` whose lemma is `lemma`, with their forms and senses counts.
pub async fn duplicates(
    wiki: &MediaWiki,
    language_code: &str,
    lemma: &str,
) -> Result<Vec<Duplicate>, MediaWikiError> {
    let lemma = duplicates::normalize(lemma);
    let search: Value = wiki
        .get(&[
            ("action", "wbsearchentities"),
            ("search", &lemma),
            ("language", language_code),
            ("uselang", language_code),
            ("type", "lexeme"),
            ("limit", "50"),
        ])
        .await?;
    let mut found = duplicates::matches(&search, language_code, &lemma);
    if found.is_empty() {
        return Ok(found);
    }
    let titles: Vec<String> = found.iter().map(|d| format!("Lexeme:{}", d.id)).collect();
    let pageprops: Value = wiki
        .get(&[
            ("action", "query"),
            ("titles", &titles.join("|")),
            ("prop", "pageprops"),
            ("ppprop", "wbl-forms|wbl-senses"),
            ("formatversion", "2"),
        ])
        .await?;
    duplicates::add_counts(&mut found, &pageprops);
    Ok(found)
}

/// Saves `lexeme` (new, or an existing one at `base_revision`); returns the lexeme's id.
pub async fn save(
    wiki: &MediaWiki,
    lexeme: &Value,
    base_revision: Option<u64>,
    summary: &str,
) -> Result<String, MediaWikiError> {
    let target = match lexeme["id"].as_str() {
        Some(id) => EditTarget::Existing(id),
        None => EditTarget::New("lexeme"),
    };
    let saved = wikibase::edit_entity(wiki, target, lexeme, base_revision, summary).await?;
    Ok(saved.id)
}
