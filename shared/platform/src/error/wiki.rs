//! A wiki's refusal or failure as a page, the same in every tool: the status says whose problem
//! it is, the message says what happened in the wiki's own words and whether trying again can
//! help.

use axum::http::StatusCode;
use wikimedia::MediaWikiError;
use wikimedia::error::Retry;

use crate::error::ErrorPage;
use crate::i18n::Text;
use crate::i18n::message_syntax::isolated;

impl ErrorPage {
    /// The page for `error` from the wiki at `domain`.
    ///
    /// | refusal | status |
    /// |---|---|
    /// | blocked, protected page, permission denied, not logged in | 403 |
    /// | no such page or entity | 404 |
    /// | invalid title | 400 |
    /// | edit conflict, any other refusal | 409 |
    /// | rate limited, lagged, read-only | 503 (with `Retry-After` when the wiki gave one) |
    /// | unreachable, unexpected answer, token refused twice | 502 |
    pub fn from_wiki(domain: &str, error: &MediaWikiError) -> Self {
        // The wiki's own words, isolated: the tool does not know the wiki's language or
        // direction, and the text must not be read as markup.
        let said = |info: &str| isolated(info, None);
        let refused = |status: StatusCode, key: &'static str, info: &str| {
            Self::new(
                status,
                Text::new("platform-wiki-refused-title"),
                Text::new(key).arg(domain).html(said(info)),
            )
        };
        let page = match error {
            MediaWikiError::Blocked { info, .. } => {
                refused(StatusCode::FORBIDDEN, "platform-wiki-blocked", info)
            }
            MediaWikiError::ProtectedPage { info, .. } => {
                refused(StatusCode::FORBIDDEN, "platform-wiki-protected", info)
            }
            MediaWikiError::PermissionDenied { info, .. } => {
                refused(StatusCode::FORBIDDEN, "platform-wiki-permission", info)
            }
            MediaWikiError::NotLoggedIn { info, .. } => {
                refused(StatusCode::FORBIDDEN, "platform-wiki-not-logged-in", info)
                    .with_link("/login", Text::new("platform-login-again"))
            }
            MediaWikiError::EditConflict { info, .. } => {
                refused(StatusCode::CONFLICT, "platform-wiki-edit-conflict", info)
            }
            MediaWikiError::Missing { info, .. } => {
                refused(StatusCode::NOT_FOUND, "platform-wiki-missing", info)
            }
            MediaWikiError::InvalidTitle { info } => {
                refused(StatusCode::BAD_REQUEST, "platform-wiki-invalid-title", info)
            }
            MediaWikiError::Refused { code, info } => Self::new(
                StatusCode::CONFLICT,
                Text::new("platform-wiki-refused-title"),
                Text::new("platform-wiki-refused")
                    .arg(domain)
                    .html(said(info))
                    .arg(code),
            ),
            MediaWikiError::RateLimited { info, .. }
            | MediaWikiError::Maxlag { info, .. }
            | MediaWikiError::ReadOnly { info, .. } => Self::service_unavailable(
                Text::new("platform-wiki-busy").arg(domain).html(said(info)),
            )
            .with_retry_after(error.retry_after_seconds()),
            MediaWikiError::BadToken
            | MediaWikiError::Transport(_)
            | MediaWikiError::UnexpectedResponse(_) => {
                tracing::warn!(%error, domain, "wiki request failed");
                Self::bad_gateway(Text::new("platform-wiki-unreachable").arg(domain))
            }
        };
        debug_assert!(
            error.retry() != Retry::Later || page.status.is_server_error(),
            "a failure that may pass is the server side's"
        );
        page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(code: &str) -> ErrorPage {
        ErrorPage::from_wiki(
            "de.wikipedia.org",
            &MediaWikiError::from_code(code, "Die Seite ist geschützt.".to_owned()),
        )
    }

    #[test]
    fn the_users_own_refusals_are_forbidden() {
        for code in [
            "blocked",
            "autoblocked",
            "globalblocking-blockedtext-range",
            "protectedpage",
            "cascadeprotected",
            "permissiondenied",
            "assertuserfailed",
        ] {
            assert_eq!(page(code).status, StatusCode::FORBIDDEN, "{code}");
        }
        assert_eq!(page("blocked").message.key, "platform-wiki-blocked");
        assert_eq!(page("protectedpage").message.key, "platform-wiki-protected");
        assert_eq!(
            page("assertuserfailed").link.map(|link| link.0),
            Some("/login".to_owned())
        );
    }

    #[test]
    fn conflicts_missing_pages_and_bad_titles_have_their_own_status() {
        assert_eq!(page("editconflict").status, StatusCode::CONFLICT);
        assert_eq!(page("missingtitle").status, StatusCode::NOT_FOUND);
        assert_eq!(page("no-such-entity").status, StatusCode::NOT_FOUND);
        assert_eq!(page("invalidtitle").status, StatusCode::BAD_REQUEST);
        assert_eq!(page("spamblacklist").status, StatusCode::CONFLICT);
        assert_eq!(page("spamblacklist").message.key, "platform-wiki-refused");
    }

    #[test]
    fn a_busy_wiki_is_unavailable_for_as_long_as_it_says() {
        let lagged = ErrorPage::from_wiki(
            "www.wikidata.org",
            &MediaWikiError::Maxlag {
                info: "Waiting for a database server: 6 seconds lagged.".to_owned(),
                retry_after_seconds: Some(5),
            },
        );
        assert_eq!(lagged.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(lagged.retry_after_seconds, Some(5));
        assert_eq!(page("ratelimited").status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(page("readonly").status, StatusCode::SERVICE_UNAVAILABLE);
    }

    #[test]
    fn failures_to_answer_are_bad_gateways() {
        for error in [
            MediaWikiError::Transport("connection refused".to_owned()),
            MediaWikiError::UnexpectedResponse("no query".to_owned()),
            MediaWikiError::BadToken,
        ] {
            assert_eq!(
                ErrorPage::from_wiki("commons.wikimedia.org", &error).status,
                StatusCode::BAD_GATEWAY
            );
        }
    }
}
