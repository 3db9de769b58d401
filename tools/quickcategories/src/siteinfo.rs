//! The category namespace of each wiki (names, aliases, case rule), asked once per domain and
//! kept for the life of the process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use wikimedia::mediawiki::{MediaWiki, MediaWikiError};

use crate::wikitext::CategoryNamespace;

const CATEGORY_NAMESPACE: i64 = 14;

#[derive(Debug, Clone, Default)]
pub struct SiteinfoCache {
    namespaces: Arc<Mutex<HashMap<String, CategoryNamespace>>>,
}

impl SiteinfoCache {
    pub async fn category_namespace(
        &self,
        domain: &str,
        wiki: &MediaWiki,
    ) -> Result<CategoryNamespace, MediaWikiError> {
        if let Some(known) = self
            .namespaces
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(domain)
        {
            return Ok(known.clone());
        }
        let answer: Value = wiki
            .get(&[
                ("action", "query"),
                ("meta", "siteinfo"),
                ("siprop", "namespaces|namespacealiases"),
            ])
            .await?;
        let namespace = parse(&answer)?;
        self.namespaces
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(domain.to_owned(), namespace.clone());
        Ok(namespace)
    }
}

fn parse(answer: &Value) -> Result<CategoryNamespace, MediaWikiError> {
    let info = &answer["query"]["namespaces"][CATEGORY_NAMESPACE.to_string()];
    let Some(name) = info["name"].as_str() else {
        return Err(MediaWikiError::UnexpectedResponse(
            "siteinfo has no category namespace".to_owned(),
        ));
    };
    let mut names = vec![name.to_owned()];
    if let Some(canonical) = info["canonical"].as_str() {
        names.push(canonical.to_owned());
    }
    for alias in answer["query"]["namespacealiases"]
        .as_array()
        .into_iter()
        .flatten()
    {
        if alias["id"].as_i64() == Some(CATEGORY_NAMESPACE)
            && let Some(alias) = alias["alias"].as_str()
        {
            names.push(alias.to_owned());
        }
    }
    let case_sensitive = info["case"].as_str() == Some("case-sensitive");
    Ok(CategoryNamespace::new(
        names.iter().map(String::as_str),
        case_sensitive,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_aliases_and_case_come_from_siteinfo() {
        let answer = json!({"query": {
            "namespaces": {"14": {"id": 14, "case": "case-sensitive", "name": "Kategorie", "canonical": "Category"}},
            "namespacealiases": [{"id": 14, "alias": "Kat"}, {"id": 4, "alias": "WP"}],
        }});
        let namespace = parse(&answer).expect("parses");
        assert!(namespace.is_category_prefix("kategorie"));
        assert!(namespace.is_category_prefix("Kat"));
        assert!(namespace.is_category_prefix("Category"));
        assert!(!namespace.is_category_prefix("WP"));
        assert!(!namespace.same_category("a", "A"), "case-sensitive");
    }
}
