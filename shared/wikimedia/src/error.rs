//! What a wiki's refusal means, read once from MediaWiki's error codes.
//!
//! MediaWiki names an API error after the message that explains it
//! (`includes/Api/ApiMessageTrait.php`: `blockedtext` → `blocked`, `protectedpagetext` →
//! `protectedpage`, `edit-conflict` → `editconflict`, `actionthrottledtext` → `ratelimited`;
//! any other `apierror-<code>` → `<code>`, any other key → the key itself). Extensions add their
//! own: GlobalBlocking's `globalblocking-blockedtext-{ip,range,xff,user,autoblock,…}`, OAuth's
//! `mwoauth-invalid-authorization-*`, Wikibase's `no-such-entity`. The codes are sorted here,
//! once, into the variants a tool acts on.

/// Why an Action API call failed, in the terms a tool acts on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaWikiError {
    /// The user may not edit this wiki: blocked there, autoblocked (their address was used by a
    /// blocked user) or globally blocked.
    #[error("blocked on the wiki ({code}): {info}")]
    Blocked { code: String, info: String },
    /// The page is protected (edit, creation, cascading or namespace protection).
    #[error("the page is protected ({code}): {info}")]
    ProtectedPage { code: String, info: String },
    /// The user lacks a right the action needs, or the tool's grants do not cover it.
    #[error("permission denied ({code}): {info}")]
    PermissionDenied { code: String, info: String },
    /// Someone else edited in between (or created the page the edit meant to create): nothing
    /// was saved.
    #[error("edit conflict ({code}): {info}")]
    EditConflict { code: String, info: String },
    /// The token was refused even after a fresh one was fetched.
    #[error("the wiki refused the token")]
    BadToken,
    /// The wiki does not see the request as the user's: the assertion failed or the OAuth
    /// access token was refused. Logging in again (or re-authorizing) can help.
    #[error("not logged in on the wiki ({code}): {info}")]
    NotLoggedIn { code: String, info: String },
    /// Too many requests or actions in a short time.
    #[error("rate limited: {info}")]
    RateLimited {
        info: String,
        retry_after_seconds: Option<u64>,
    },
    /// The title is not one a page can have.
    #[error("invalid title: {info}")]
    InvalidTitle { info: String },
    /// There is no such page, revision or entity.
    #[error("not found on the wiki ({code}): {info}")]
    Missing { code: String, info: String },
    /// Replication lag is over the request's `maxlag`; try again later.
    #[error("the wiki is lagged: {info}")]
    Maxlag {
        info: String,
        retry_after_seconds: Option<u64>,
    },
    /// The wiki is read-only (maintenance); try again later.
    #[error("the wiki is read-only: {info}")]
    ReadOnly {
        info: String,
        retry_after_seconds: Option<u64>,
    },
    /// Any other refusal, with the wiki's own code and words.
    #[error("the wiki refused the request ({code}): {info}")]
    Refused { code: String, info: String },
    /// The request did not get an answer: connection failure, timeout, an HTTP error status or
    /// a response that is not API JSON.
    #[error("the wiki could not be reached or gave no usable answer: {0}")]
    Transport(String),
    /// The answer was API JSON but not of the shape this tool expects.
    #[error("the wiki's answer had an unexpected shape: {0}")]
    UnexpectedResponse(String),
}

/// What trying the same request again can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Later, unchanged: the wiki is busy, lagged, read-only, rate limiting or unreachable.
    Later,
    /// After the user logs in again (or re-authorizes the tool).
    AfterLogin,
    /// Only after something changes on the wiki or in the request (a block lifted, a
    /// protection removed, the conflict looked at).
    No,
}

impl MediaWikiError {
    /// Sorts an API error code (and its message) into a variant.
    pub fn from_code(code: &str, info: String) -> Self {
        let code_owned = || code.to_owned();
        match code {
            "blocked" | "autoblocked" => Self::Blocked {
                code: code_owned(),
                info,
            },
            c if c.starts_with("globalblocking-blockedtext") || c == "globalblocking-blocked" => {
                Self::Blocked {
                    code: code_owned(),
                    info,
                }
            }
            "protectedpage"
            | "cascadeprotected"
            | "protectedtitle"
            | "protectednamespace"
            | "protectednamespace-interface"
            | "customcssprotected"
            | "customjsprotected"
            | "customjsonprotected"
            | "titleblacklist-forbidden" => Self::ProtectedPage {
                code: code_owned(),
                info,
            },
            "permissiondenied"
            | "cantedit"
            | "cantcreate"
            | "noedit"
            | "writeapidenied"
            | "mwoauth-invalid-authorization-wrong-wiki" => Self::PermissionDenied {
                code: code_owned(),
                info,
            },
            "editconflict" | "articleexists" => Self::EditConflict {
                code: code_owned(),
                info,
            },
            "badtoken" => Self::BadToken,
            c if c == "assertuserfailed"
                || c == "assertnameduserfailed"
                || c.starts_with("mwoauth-invalid-authorization") =>
            {
                Self::NotLoggedIn {
                    code: code_owned(),
                    info,
                }
            }
            "ratelimited" => Self::RateLimited {
                info,
                retry_after_seconds: None,
            },
            "invalidtitle" => Self::InvalidTitle { info },
            "missingtitle" | "nosuchrevid" | "pagedeleted" | "no-such-entity" => Self::Missing {
                code: code_owned(),
                info,
            },
            "maxlag" => Self::Maxlag {
                info,
                retry_after_seconds: None,
            },
            "readonly" => Self::ReadOnly {
                info,
                retry_after_seconds: None,
            },
            _ => Self::Refused {
                code: code_owned(),
                info,
            },
        }
    }

    /// The wiki's error code, where it gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Blocked { code, .. }
            | Self::ProtectedPage { code, .. }
            | Self::PermissionDenied { code, .. }
            | Self::EditConflict { code, .. }
            | Self::NotLoggedIn { code, .. }
            | Self::Missing { code, .. }
            | Self::Refused { code, .. } => Some(code),
            Self::BadToken => Some("badtoken"),
            Self::InvalidTitle { .. } => Some("invalidtitle"),
            Self::RateLimited { .. } => Some("ratelimited"),
            Self::Maxlag { .. } => Some("maxlag"),
            Self::ReadOnly { .. } => Some("readonly"),
            Self::Transport(_) | Self::UnexpectedResponse(_) => None,
        }
    }

    /// The wiki's own explanation (plain text), where it gave one.
    pub fn info(&self) -> Option<&str> {
        match self {
            Self::Blocked { info, .. }
            | Self::ProtectedPage { info, .. }
            | Self::PermissionDenied { info, .. }
            | Self::EditConflict { info, .. }
            | Self::NotLoggedIn { info, .. }
            | Self::RateLimited { info, .. }
            | Self::InvalidTitle { info }
            | Self::Missing { info, .. }
            | Self::Maxlag { info, .. }
            | Self::ReadOnly { info, .. }
            | Self::Refused { info, .. } => Some(info),
            Self::BadToken | Self::Transport(_) | Self::UnexpectedResponse(_) => None,
        }
    }

    /// Whether trying again can help, and when.
    pub fn retry(&self) -> Retry {
        match self {
            Self::RateLimited { .. }
            | Self::Maxlag { .. }
            | Self::ReadOnly { .. }
            | Self::Transport(_)
            | Self::BadToken => Retry::Later,
            Self::NotLoggedIn { .. } => Retry::AfterLogin,
            Self::Blocked { .. }
            | Self::ProtectedPage { .. }
            | Self::PermissionDenied { .. }
            | Self::EditConflict { .. }
            | Self::InvalidTitle { .. }
            | Self::Missing { .. }
            | Self::Refused { .. }
            | Self::UnexpectedResponse(_) => Retry::No,
        }
    }

    /// Whether the refusal is about the user (their block, rights or login), not the request.
    pub fn is_the_users(&self) -> bool {
        matches!(
            self,
            Self::Blocked { .. }
                | Self::ProtectedPage { .. }
                | Self::PermissionDenied { .. }
                | Self::NotLoggedIn { .. }
        )
    }

    /// Seconds the wiki asked to wait, if it said.
    pub fn retry_after_seconds(&self) -> Option<u64> {
        match self {
            Self::RateLimited {
                retry_after_seconds,
                ..
            }
            | Self::Maxlag {
                retry_after_seconds,
                ..
            }
            | Self::ReadOnly {
                retry_after_seconds,
                ..
            } => *retry_after_seconds,
            _ => None,
        }
    }
}

impl From<mwapi::Error> for MediaWikiError {
    fn from(error: mwapi::Error) -> Self {
        use mwapi::Error as E;
        match error {
            E::ApiError(api) | E::InternalException(api) => Self::from_code(&api.code, api.text),
            E::Maxlag { info, retry_after } => Self::Maxlag {
                info,
                retry_after_seconds: retry_after,
            },
            E::Readonly { info, retry_after } => Self::ReadOnly {
                info,
                retry_after_seconds: retry_after,
            },
            E::TooManyRequests { retry_after } => Self::RateLimited {
                info: "HTTP 429 Too Many Requests".to_owned(),
                retry_after_seconds: retry_after,
            },
            E::BadToken => Self::BadToken,
            // mwapi reads `assertuserfailed` into this variant and drops the wiki's text.
            E::NotLoggedIn => Self::NotLoggedIn {
                code: "assertuserfailed".to_owned(),
                info: "the wiki no longer sees this request as the user's".to_owned(),
            },
            E::InvalidJson(error) => Self::UnexpectedResponse(error.to_string()),
            other => Self::Transport(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error as the Action API sends it with `errorformat=plaintext`, through mwapi's own
    /// reading of the body, so each case starts where a real answer starts.
    fn from_body(body: serde_json::Value) -> MediaWikiError {
        let error: mwapi::ApiError =
            serde_json::from_value(body["errors"][0].clone()).expect("an API error");
        MediaWikiError::from(mwapi::Error::from(error))
    }

    fn body(code: &str, text: &str) -> serde_json::Value {
        serde_json::json!({
            "errors": [{"code": code, "text": text, "module": "edit"}],
            "docref": "See https://de.wikipedia.org/w/api.php for API usage.",
            "servedby": "mw-api-ext.eqiad.main-1"
        })
    }

    #[test]
    fn local_blocks_and_autoblocks_are_blocks() {
        let error = from_body(body(
            "blocked",
            "You have been blocked from editing. The block was made by Example.",
        ));
        assert!(matches!(&error, MediaWikiError::Blocked { code, .. } if code == "blocked"));
        assert!(matches!(
            from_body(body(
                "autoblocked",
                "Your IP address has been blocked automatically"
            )),
            MediaWikiError::Blocked { .. }
        ));
        assert_eq!(error.retry(), Retry::No);
        assert!(error.is_the_users());
    }

    #[test]
    fn global_blocks_of_every_kind_are_blocks() {
        for code in [
            "globalblocking-blockedtext-ip",
            "globalblocking-blockedtext-range",
            "globalblocking-blockedtext-xff",
            "globalblocking-blockedtext-user",
            "globalblocking-blockedtext-autoblock",
            "globalblocking-blockedtext-autoblock-xff",
        ] {
            assert!(
                matches!(
                    from_body(body(code, "Your IP address has been globally blocked")),
                    MediaWikiError::Blocked { .. }
                ),
                "{code}"
            );
        }
    }

    #[test]
    fn protection_of_every_kind_is_a_protected_page() {
        for code in [
            "protectedpage",
            "cascadeprotected",
            "protectedtitle",
            "protectednamespace",
            "protectednamespace-interface",
        ] {
            assert!(
                matches!(
                    from_body(body(code, "This page has been protected")),
                    MediaWikiError::ProtectedPage { .. }
                ),
                "{code}"
            );
        }
    }

    #[test]
    fn missing_rights_are_permission_denied() {
        let error = from_body(body(
            "permissiondenied",
            "The action you have requested is limited to users in the group: Rollbackers.",
        ));
        assert!(matches!(error, MediaWikiError::PermissionDenied { .. }));
        assert!(matches!(
            from_body(body("cantedit", "You can't protect this page")),
            MediaWikiError::PermissionDenied { .. }
        ));
    }

    #[test]
    fn conflicts_keep_the_wikis_words() {
        let error = from_body(body("editconflict", "Edit conflict."));
        assert_eq!(
            error,
            MediaWikiError::EditConflict {
                code: "editconflict".to_owned(),
                info: "Edit conflict.".to_owned()
            }
        );
        assert!(matches!(
            from_body(body(
                "articleexists",
                "The article you tried to create has been created already."
            )),
            MediaWikiError::EditConflict { .. }
        ));
    }

    #[test]
    fn a_failed_assertion_asks_for_a_new_login() {
        // mwapi turns this code into its own `NotLoggedIn`, which used to end as a transport
        // error: the runner's re-authorization branch could never be reached.
        let error = from_body(body(
            "assertuserfailed",
            "You are no longer logged in, so the action could not be completed.",
        ));
        assert!(matches!(error, MediaWikiError::NotLoggedIn { .. }));
        assert_eq!(error.retry(), Retry::AfterLogin);
        assert!(matches!(
            from_body(body(
                "mwoauth-invalid-authorization-invalid-user",
                "The authorization headers in your request are for a user that does not exist here"
            )),
            MediaWikiError::NotLoggedIn { .. }
        ));
        assert!(matches!(
            from_body(body(
                "mwoauth-invalid-authorization",
                "The authorization headers in your request are not valid: Invalid access token"
            )),
            MediaWikiError::NotLoggedIn { .. }
        ));
    }

    #[test]
    fn a_token_refused_twice_is_a_bad_token() {
        assert_eq!(
            from_body(body("badtoken", "Invalid CSRF token.")),
            MediaWikiError::BadToken
        );
    }

    #[test]
    fn rate_limits_lag_and_read_only_can_be_retried_later() {
        let limited = from_body(body(
            "ratelimited",
            "As an anti-abuse measure, you are limited from performing this action too many times in a short space of time.",
        ));
        assert!(matches!(limited, MediaWikiError::RateLimited { .. }));
        assert_eq!(limited.retry(), Retry::Later);
        let lagged = from_body(body("maxlag", "Waiting for 10.64.48.23: 7 seconds lagged."));
        assert!(matches!(lagged, MediaWikiError::Maxlag { .. }));
        let read_only = from_body(body("readonly", "The wiki is currently in read-only mode."));
        assert!(matches!(read_only, MediaWikiError::ReadOnly { .. }));
        assert_eq!(read_only.retry(), Retry::Later);
        assert_eq!(
            MediaWikiError::from(mwapi::Error::TooManyRequests {
                retry_after: Some(30)
            })
            .retry_after_seconds(),
            Some(30)
        );
    }

    #[test]
    fn missing_pages_and_entities_are_missing() {
        assert!(matches!(
            from_body(body(
                "missingtitle",
                "The page you specified doesn't exist."
            )),
            MediaWikiError::Missing { .. }
        ));
        assert!(matches!(
            from_body(body(
                "no-such-entity",
                "Could not find an entity with the ID \"Q0\"."
            )),
            MediaWikiError::Missing { .. }
        ));
    }

    #[test]
    fn a_bad_title_is_an_invalid_title() {
        assert!(matches!(
            from_body(body("invalidtitle", "Bad title \"Foo|Bar\".")),
            MediaWikiError::InvalidTitle { .. }
        ));
    }

    #[test]
    fn any_other_code_is_a_refusal_with_the_code() {
        let error = from_body(body(
            "spamblacklist",
            "The text you wanted to save was blocked by the spam filter.",
        ));
        assert_eq!(error.code(), Some("spamblacklist"));
        assert_eq!(
            error.info(),
            Some("The text you wanted to save was blocked by the spam filter.")
        );
        assert_eq!(error.retry(), Retry::No);
        assert!(!error.is_the_users());
    }
}
