//! What happens to a command after one try, decided once for the background runner and for a
//! slice run from the batch page.

use wikimedia::MediaWikiError;

use crate::execute;
use crate::reason::RunReason;
use crate::store::Outcome;

/// How long a batch waits when the wiki is lagged.
pub const MAXLAG_WAIT_SECONDS: i64 = 30;
/// How long a batch waits when the wiki is read-only (maintenance takes minutes).
pub const READ_ONLY_WAIT_SECONDS: i64 = 300;

/// What to do with a command after one try.
#[derive(Debug, PartialEq, Eq)]
pub enum Disposition {
    /// A real outcome: store it.
    Store(Outcome),
    /// The wiki could not be reached or asked for fewer requests: try again.
    Retry(String),
    /// The access token was refused (the wiki's words): refresh it and try again.
    Reauthorize(String),
    /// The wiki asks everyone to wait: put the command back, the batch waits.
    Wait { seconds: i64, reason: RunReason },
    /// The user is blocked (the wiki's words): the run cannot go on, so the command goes back
    /// and the run stops.
    Blocked(String),
}

/// The one decision, from what running the command gave.
pub fn disposition(tried: Result<Outcome, MediaWikiError>) -> Disposition {
    let error = match tried {
        Ok(outcome) => return Disposition::Store(outcome),
        Err(error) => error,
    };
    match error {
        MediaWikiError::Transport(info) => Disposition::Retry(info),
        MediaWikiError::RateLimited { info, .. } => Disposition::Retry(info),
        MediaWikiError::NotLoggedIn { info, .. } => Disposition::Reauthorize(info),
        MediaWikiError::Maxlag { info, .. } => Disposition::Wait {
            seconds: MAXLAG_WAIT_SECONDS,
            reason: RunReason::Lagged(info),
        },
        MediaWikiError::ReadOnly { info, .. } => Disposition::Wait {
            seconds: READ_ONLY_WAIT_SECONDS,
            reason: RunReason::ReadOnly(info),
        },
        MediaWikiError::Blocked { info, .. } => Disposition::Blocked(info),
        other => Disposition::Store(execute::outcome_of(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(code: &str) -> MediaWikiError {
        MediaWikiError::from_code(code, "info".to_owned())
    }

    #[test]
    fn outcomes_and_refusals_of_the_page_are_stored() {
        assert_eq!(
            disposition(Ok(Outcome::NoChange)),
            Disposition::Store(Outcome::NoChange)
        );
        assert_eq!(
            disposition(Err(refused("editconflict"))),
            Disposition::Store(Outcome::EditConflict)
        );
        assert_eq!(
            disposition(Err(refused("protectedpage"))),
            Disposition::Store(Outcome::Protected {
                info: "info".to_owned()
            })
        );
        assert_eq!(
            disposition(Err(refused("spamblacklist"))),
            Disposition::Store(Outcome::Failed {
                code: "spamblacklist".to_owned(),
                info: "info".to_owned()
            })
        );
    }

    #[test]
    fn an_unreachable_or_throttling_wiki_is_tried_again() {
        assert_eq!(
            disposition(Err(MediaWikiError::Transport("timeout".to_owned()))),
            Disposition::Retry("timeout".to_owned())
        );
        assert_eq!(
            disposition(Err(refused("ratelimited"))),
            Disposition::Retry("info".to_owned())
        );
    }

    #[test]
    fn a_refused_token_is_renewed() {
        // Both the failed assertion and OAuth's own refusal.
        assert_eq!(
            disposition(Err(refused("assertuserfailed"))),
            Disposition::Reauthorize("info".to_owned())
        );
        assert_eq!(
            disposition(Err(refused("mwoauth-invalid-authorization"))),
            Disposition::Reauthorize("info".to_owned())
        );
    }

    #[test]
    fn lag_and_maintenance_make_the_batch_wait() {
        assert_eq!(
            disposition(Err(refused("maxlag"))),
            Disposition::Wait {
                seconds: MAXLAG_WAIT_SECONDS,
                reason: RunReason::Lagged("info".to_owned())
            }
        );
        assert_eq!(
            disposition(Err(refused("readonly"))),
            Disposition::Wait {
                seconds: READ_ONLY_WAIT_SECONDS,
                reason: RunReason::ReadOnly("info".to_owned())
            }
        );
    }

    #[test]
    fn blocks_of_every_kind_stop_the_run() {
        for code in ["blocked", "autoblocked", "globalblocking-blockedtext-user"] {
            assert_eq!(
                disposition(Err(refused(code))),
                Disposition::Blocked("info".to_owned()),
                "{code}"
            );
        }
    }
}
