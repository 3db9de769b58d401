//! What SpeedPatrolling asks the wiki, as the logged-in user.

use std::net::IpAddr;

use serde::Deserialize;
use serde_json::Value;
use wikimedia::mediawiki::{MediaWiki, MediaWikiError};

/// How many recent unpatrolled edits one look for the next edit considers.
const CANDIDATES: &str = "50";

/// An unpatrolled edit from recent changes.
#[derive(Debug, Clone, Deserialize)]
pub struct Candidate {
    #[serde(rename = "revid")]
    pub revision: u64,
    #[serde(rename = "pageid")]
    pub page: u64,
    /// Hidden (revision-deleted) users have no name.
    #[serde(default)]
    pub user: String,
}

#[derive(Deserialize)]
struct RecentChangesResponse {
    query: RecentChanges,
}
#[derive(Deserialize)]
struct RecentChanges {
    recentchanges: Vec<Candidate>,
}

/// Newest unpatrolled edits (not page creations), newest first.
pub async fn unpatrolled_edits(wiki: &MediaWiki) -> Result<Vec<Candidate>, MediaWikiError> {
    let response: RecentChangesResponse = wiki
        .get(&[
            ("action", "query"),
            ("list", "recentchanges"),
            ("rcshow", "unpatrolled"),
            ("rctype", "edit"),
            ("rcprop", "ids|title|user"),
            ("rclimit", CANDIDATES),
        ])
        .await?;
    Ok(response.query.recentchanges)
}

/// An edit and the revision before it, as `action=compare` describes them.
#[derive(Debug, Clone, Deserialize)]
pub struct Diff {
    #[serde(rename = "torevid")]
    pub revision: u64,
    #[serde(rename = "totitle")]
    pub title: String,
    #[serde(rename = "fromuser", default)]
    pub old_user: Option<String>,
    #[serde(rename = "touser", default)]
    pub new_user: String,
    #[serde(rename = "fromcomment", default)]
    pub old_comment: String,
    #[serde(rename = "tocomment", default)]
    pub new_comment: String,
    /// The diff table rows, HTML made by the wiki.
    #[serde(default)]
    pub body: String,
}

#[derive(Deserialize)]
struct CompareResponse {
    compare: Diff,
}

/// Revision `revision` against its predecessor (`torelative=prev` makes the predecessor "from").
pub async fn diff(wiki: &MediaWiki, revision: u64) -> Result<Diff, MediaWikiError> {
    let revision = revision.to_string();
    let response: CompareResponse = wiki
        .get(&[
            ("action", "compare"),
            ("fromrev", &revision),
            ("torelative", "prev"),
            ("prop", "diff|ids|title|user|comment"),
        ])
        .await?;
    Ok(response.compare)
}

/// Page and author of a revision, looked up on the wiki (never taken from the form).
#[derive(Debug, Clone)]
pub struct Revision {
    pub page: u64,
    pub title: String,
    pub user: String,
}

/// `None` when the wiki has no such revision (or does not show it).
pub async fn revision(wiki: &MediaWiki, revision: u64) -> Result<Option<Revision>, MediaWikiError> {
    let id = revision.to_string();
    let response: Value = wiki
        .get(&[
            ("action", "query"),
            ("prop", "revisions"),
            ("revids", &id),
            ("rvprop", "ids|user"),
        ])
        .await?;
    let page = &response["query"]["pages"][0];
    let found = page["revisions"][0]["revid"].as_u64() == Some(revision);
    match (found, page["pageid"].as_u64(), page["title"].as_str()) {
        (true, Some(page_id), Some(title)) => Ok(Some(Revision {
            page: page_id,
            title: title.to_owned(),
            user: page["revisions"][0]["user"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        })),
        _ => Ok(None),
    }
}

pub async fn patrol(wiki: &MediaWiki, revision: u64) -> Result<(), MediaWikiError> {
    let revision = revision.to_string();
    let _: Value = wiki
        .post_with_token("patrol", &[("action", "patrol"), ("revid", &revision)])
        .await?;
    Ok(())
}

pub async fn rollback(wiki: &MediaWiki, title: &str, user: &str) -> Result<(), MediaWikiError> {
    let _: Value = wiki
        .post_with_token(
            "rollback",
            &[("action", "rollback"), ("title", title), ("user", user)],
        )
        .await?;
    Ok(())
}

/// The language codes of the user's Babel boxes (none if the wiki has no Babel).
pub async fn babel_languages(wiki: &MediaWiki, username: &str) -> Vec<String> {
    let response: Result<Value, _> = wiki
        .get(&[
            ("action", "query"),
            ("meta", "babel"),
            ("babuser", username),
        ])
        .await;
    match response {
        Ok(value) => value["query"]["babel"]
            .as_object()
            .map(|languages| languages.keys().cloned().collect())
            .unwrap_or_default(),
        Err(error) => {
            tracing::info!(%error, "no Babel information; assuming Latin only");
            Vec::new()
        }
    }
}

/// Whether `name` is not a registered account: an IP address, or a temporary account (`~…`).
pub fn is_anonymous(name: &str) -> bool {
    name.parse::<IpAddr>().is_ok() || name.starts_with('~')
}

#[cfg(test)]
mod tests {
    use super::is_anonymous;

    #[test]
    fn ips_and_temporary_accounts_are_anonymous() {
        assert!(is_anonymous("192.0.2.7"));
        assert!(is_anonymous("2001:db8::1"));
        assert!(is_anonymous("~2025-12345-67"));
        assert!(!is_anonymous("Example"));
        assert!(!is_anonymous("1.2.3"));
    }
}
