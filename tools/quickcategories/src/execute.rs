//! Running one command against the wiki, as the logged-in user: read the page's wikitext (with
//! the timestamps an edit needs), change its category links, save with edit-conflict detection.

use serde_json::Value;
use wikimedia::mediawiki::{MediaWiki, MediaWikiError};

use crate::command::{Action, Command, SortKeyRule};
use crate::preferences::Watchlist;
use crate::store::{BatchId, Outcome};
use crate::wikitext::{self, CategoryNamespace};

/// The page as read for editing.
struct Page {
    title: String,
    /// `None` if the page does not exist.
    content: Option<String>,
    base_timestamp: Option<String>,
    start_timestamp: String,
}

enum Read {
    Page(Page),
    Invalid,
    NotWikitext(String),
}

async fn read(
    wiki: &MediaWiki,
    title: &str,
    resolve_redirects: bool,
) -> Result<Read, MediaWikiError> {
    let mut params = vec![
        ("action", "query"),
        ("prop", "revisions"),
        ("rvprop", "content|timestamp"),
        ("rvslots", "main"),
        ("titles", title),
        ("curtimestamp", "1"),
    ];
    if resolve_redirects {
        params.push(("redirects", "1"));
    }
    let answer: Value = wiki.get(&params).await?;
    let page = &answer["query"]["pages"][0];
    if page["invalid"].as_bool() == Some(true) || page.is_null() {
        return Ok(Read::Invalid);
    }
    let start_timestamp = answer["curtimestamp"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let title = page["title"].as_str().unwrap_or(title).to_owned();
    if page["missing"].as_bool() == Some(true) {
        return Ok(Read::Page(Page {
            title,
            content: None,
            base_timestamp: None,
            start_timestamp,
        }));
    }
    let revision = &page["revisions"][0];
    let slot = &revision["slots"]["main"];
    let model = slot["contentmodel"].as_str().unwrap_or("wikitext");
    if model != "wikitext" {
        return Ok(Read::NotWikitext(model.to_owned()));
    }
    Ok(Read::Page(Page {
        title,
        content: Some(slot["content"].as_str().unwrap_or_default().to_owned()),
        base_timestamp: revision["timestamp"].as_str().map(str::to_owned),
        start_timestamp,
    }))
}

/// An edit is minor when every action only adjusts sort keys (`##`, `###`).
fn is_minor(actions: &[Action]) -> bool {
    actions.iter().all(|action| {
        matches!(
            action,
            Action::Add {
                sort_key: SortKeyRule::IfMissing(_) | SortKeyRule::Replace(_),
                ..
            }
        )
    })
}

/// The English text stored (`Outcome::Failed`, code `contentmodel`) for a page that is not
/// wikitext, before and after its content model; the batch page finds the model in it again to
/// say the same in the reader's language.
pub const NOT_WIKITEXT: (&str, &str) = ("the page's content model is ", ", not wikitext");

/// Link to the batch in edit summaries (the `toolforge:` interwiki exists on Wikimedia wikis).
fn batch_link(batch: BatchId) -> String {
    format!("[[toolforge:quickcategories/batch/{batch}/|QuickCategories batch #{batch}]]")
}

/// Runs `command` with the watchlist preference of the user it runs for: what happened to the
/// page, or the wiki's refusal (for [`crate::runner::disposition`] to decide on).
pub async fn run(
    wiki: &MediaWiki,
    namespace: &CategoryNamespace,
    batch: BatchId,
    command: &Command,
    watchlist: Watchlist,
) -> Result<Outcome, MediaWikiError> {
    let resolve_redirects = command.flags.resolve_redirects.unwrap_or(true);
    let create_missing = command.flags.create_missing_page.unwrap_or(false);
    let page = match read(wiki, &command.page, resolve_redirects).await? {
        Read::Page(page) => page,
        Read::Invalid => return Ok(Outcome::InvalidTitle),
        Read::NotWikitext(model) => {
            return Ok(Outcome::Failed {
                code: "contentmodel".to_owned(),
                info: format!("{}{model}{}", NOT_WIKITEXT.0, NOT_WIKITEXT.1),
            });
        }
    };
    let creating = page.content.is_none();
    if creating && !create_missing {
        return Ok(Outcome::PageMissing);
    }
    let before = page.content.unwrap_or_default();
    let after = wikitext::apply(&before, &command.actions, namespace);
    if after == before {
        return Ok(Outcome::NoChange);
    }
    let summary = wikitext::summary(&batch_link(batch), &command.actions);
    let mut params: Vec<(&str, &str)> = vec![
        ("action", "edit"),
        ("title", &page.title),
        ("text", &after),
        ("summary", &summary),
        ("starttimestamp", &page.start_timestamp),
        ("watchlist", watchlist.as_str()),
    ];
    if let Some(base) = &page.base_timestamp {
        params.push(("basetimestamp", base));
    }
    // Never re-create a page deleted since it was read, never overwrite one created since.
    params.push(if creating {
        ("createonly", "1")
    } else {
        ("nocreate", "1")
    });
    if is_minor(&command.actions) && !creating {
        params.push(("minor", "1"));
    }
    let answer: Value = wiki.post_with_token("csrf", &params).await?;
    let edit = &answer["edit"];
    if edit["nochange"].as_bool() == Some(true) {
        return Ok(Outcome::NoChange);
    }
    let revision = edit["newrevid"].as_u64().unwrap_or_default();
    Ok(if creating {
        Outcome::Created { revision }
    } else {
        Outcome::Edited { revision }
    })
}

/// The stored outcome of a refusal that is the command's own (not one the batch waits out or
/// that stops the run: those are [`crate::runner::disposition`]'s).
pub fn outcome_of(error: MediaWikiError) -> Outcome {
    match error {
        MediaWikiError::EditConflict { .. } => Outcome::EditConflict,
        MediaWikiError::Missing { .. } => Outcome::PageMissing,
        MediaWikiError::InvalidTitle { .. } => Outcome::InvalidTitle,
        MediaWikiError::Blocked { info, .. } => Outcome::Blocked { info },
        MediaWikiError::ProtectedPage { info, .. } => Outcome::Protected { info },
        MediaWikiError::Maxlag { info, .. } => Outcome::Maxlag { info },
        MediaWikiError::ReadOnly { info, .. } => Outcome::ReadOnly { info },
        MediaWikiError::Transport(info) => Outcome::Failed {
            code: "http".to_owned(),
            info,
        },
        MediaWikiError::UnexpectedResponse(info) => Outcome::Failed {
            code: "response".to_owned(),
            info,
        },
        other => Outcome::Failed {
            code: other.code().unwrap_or("unknown").to_owned(),
            info: other
                .info()
                .map_or_else(|| other.to_string(), str::to_owned),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::parse_line;

    #[test]
    fn only_sort_key_adjustments_are_minor() {
        let actions = |line: &str| parse_line(&format!("P|{line}")).expect("valid").actions;
        assert!(is_minor(&actions("+Category:A##k|+Category:B###k")));
        assert!(!is_minor(&actions("+Category:A##k|+Category:B")));
        assert!(!is_minor(&actions("-Category:A")));
    }

    #[test]
    fn api_errors_become_outcomes() {
        let api = |code: &str| MediaWikiError::from_code(code, "info".to_owned());
        assert_eq!(outcome_of(api("editconflict")), Outcome::EditConflict);
        assert_eq!(
            outcome_of(api("protectedpage")),
            Outcome::Protected {
                info: "info".to_owned()
            }
        );
        assert_eq!(
            outcome_of(api("cascadeprotected")),
            Outcome::Protected {
                info: "info".to_owned()
            }
        );
        assert_eq!(
            outcome_of(api("blocked")),
            Outcome::Blocked {
                info: "info".to_owned()
            }
        );
        assert_eq!(outcome_of(api("invalidtitle")), Outcome::InvalidTitle);
        assert_eq!(
            outcome_of(MediaWikiError::Maxlag {
                info: "lag".to_owned(),
                retry_after_seconds: Some(5)
            }),
            Outcome::Maxlag {
                info: "lag".to_owned()
            }
        );
        assert_eq!(
            outcome_of(api("spamblacklist")),
            Outcome::Failed {
                code: "spamblacklist".to_owned(),
                info: "info".to_owned()
            }
        );
    }
}
