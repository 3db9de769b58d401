//! Why a background run waits or stopped. The runner stores these in English (as it always
//! has: older rows hold the same sentences), and the batch page reads them back into a
//! [`RunReason`] to show them in the reader's language; the part that came from the wiki (its
//! error message) is kept as it is. A text the tool does not recognise is shown unchanged.

use platform::Text;

use crate::store::FINISHED;

/// A reason of a background run's wait or stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunReason {
    /// Every command has run.
    Finished,
    /// The user is blocked on the batch's wiki (the wiki's message).
    Blocked(String),
    /// The wiki refused the access token, and the renewed one as well.
    RenewedRefused,
    /// The stored tokens cannot be opened (the secret key changed).
    Unreadable,
    /// The access token expired and there is no OAuth consumer to renew it with.
    NoConsumer,
    /// The wiki no longer accepts the authorization (the token endpoint's answer).
    Revoked(String),
    /// Renewed tokens could not be stored (the database error).
    NotStored(String),
    /// The wiki is lagged (its message).
    Lagged(String),
    /// The wiki is read-only (its message).
    ReadOnly(String),
    /// The authorization could not be renewed yet (why).
    RenewalPending(String),
    /// The wiki could not be reached (why).
    Unreachable(String),
    /// A text the tool does not recognise.
    Other(String),
}

/// The stored forms, `(prefix, suffix)` around the detail, of the reasons with a detail.
const BLOCKED: (&str, &str) = ("The user is blocked on the wiki: ", "");
const REVOKED: (&str, &str) = (
    "The wiki no longer accepts the authorization (it was revoked or has expired): ",
    "",
);
const NOT_STORED: (&str, &str) = ("The renewed authorization could not be stored (", ").");
const LAGGED: (&str, &str) = ("the wiki is lagged: ", "");
const READ_ONLY: (&str, &str) = ("the wiki is read-only: ", "");
const RENEWAL_PENDING: (&str, &str) = ("the authorization could not be renewed yet: ", "");
const UNREACHABLE: (&str, &str) = ("the wiki could not be reached: ", "");
/// The stored forms of the reasons without a detail.
const RENEWED_REFUSED: &str = "The wiki refused the renewed authorization as well.";
const UNREADABLE: &str =
    "The stored authorization cannot be read any more (was the tool's secret key changed?).";
const NO_CONSUMER: &str =
    "The authorization expired and cannot be renewed: no OAuth consumer is configured.";

impl RunReason {
    /// The reason as the store keeps it (English, as in the runner's log).
    pub fn stored(&self) -> String {
        let around =
            |(prefix, suffix): (&str, &str), detail: &str| format!("{prefix}{detail}{suffix}");
        match self {
            Self::Finished => FINISHED.to_owned(),
            Self::Blocked(info) => around(BLOCKED, info),
            Self::RenewedRefused => RENEWED_REFUSED.to_owned(),
            Self::Unreadable => UNREADABLE.to_owned(),
            Self::NoConsumer => NO_CONSUMER.to_owned(),
            Self::Revoked(detail) => around(REVOKED, detail),
            Self::NotStored(error) => around(NOT_STORED, error),
            Self::Lagged(info) => around(LAGGED, info),
            Self::ReadOnly(info) => around(READ_ONLY, info),
            Self::RenewalPending(why) => around(RENEWAL_PENDING, why),
            Self::Unreachable(why) => around(UNREACHABLE, why),
            Self::Other(text) => text.clone(),
        }
    }

    /// A stored reason read back.
    pub fn parse(stored: &str) -> Self {
        match stored {
            FINISHED => return Self::Finished,
            RENEWED_REFUSED => return Self::RenewedRefused,
            UNREADABLE => return Self::Unreadable,
            NO_CONSUMER => return Self::NoConsumer,
            _ => {}
        }
        let detail = |(prefix, suffix): (&str, &str)| {
            stored
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix(suffix))
                .map(str::to_owned)
        };
        /// A stored form with a detail, and the reason it is.
        type WithDetail = ((&'static str, &'static str), fn(String) -> RunReason);
        let with_detail: [WithDetail; 7] = [
            (BLOCKED, Self::Blocked),
            (REVOKED, Self::Revoked),
            (NOT_STORED, Self::NotStored),
            (LAGGED, Self::Lagged),
            (READ_ONLY, Self::ReadOnly),
            (RENEWAL_PENDING, Self::RenewalPending),
            (UNREACHABLE, Self::Unreachable),
        ];
        with_detail
            .into_iter()
            .find_map(|(form, make)| detail(form).map(make))
            .unwrap_or_else(|| Self::Other(stored.to_owned()))
    }

    /// The reason as an interface message, its detail (`detail_html`: the detail as HTML, e.g.
    /// the wiki's message marked `dir="auto"`) as a parameter; `None` for a text the tool does
    /// not recognise.
    pub fn text(&self, detail_html: impl Fn(&str) -> String) -> Option<Text> {
        Some(match self {
            Self::Finished => Text::new("quickcategories-reason-finished"),
            Self::Blocked(info) => {
                Text::new("quickcategories-reason-blocked").html(detail_html(info))
            }
            Self::RenewedRefused => Text::new("quickcategories-reason-renewed-refused"),
            Self::Unreadable => Text::new("quickcategories-reason-unreadable"),
            Self::NoConsumer => Text::new("quickcategories-reason-no-consumer"),
            Self::Revoked(detail) => {
                Text::new("quickcategories-reason-revoked").html(detail_html(detail))
            }
            Self::NotStored(error) => {
                Text::new("quickcategories-reason-not-stored").html(detail_html(error))
            }
            Self::Lagged(info) => {
                Text::new("quickcategories-reason-lagged").html(detail_html(info))
            }
            Self::ReadOnly(info) => {
                Text::new("quickcategories-reason-read-only").html(detail_html(info))
            }
            Self::RenewalPending(why) => {
                Text::new("quickcategories-reason-renewal-pending").html(detail_html(why))
            }
            Self::Unreachable(why) => {
                Text::new("quickcategories-reason-unreachable").html(detail_html(why))
            }
            Self::Other(_) => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_reasons_read_back_as_they_were() {
        for reason in [
            RunReason::Finished,
            RunReason::Blocked("vandalism: see [[User:X]]".into()),
            RunReason::RenewedRefused,
            RunReason::Unreadable,
            RunReason::NoConsumer,
            RunReason::Revoked("invalid_grant".into()),
            RunReason::NotStored("the database is unavailable: (x)".into()),
            RunReason::Lagged("Waiting for 10.0.0.1: 6 seconds lagged".into()),
            RunReason::ReadOnly("maintenance".into()),
            RunReason::RenewalPending("timeout".into()),
            RunReason::Unreachable("connection refused".into()),
            RunReason::Other("stopped by Admin".into()),
        ] {
            assert_eq!(RunReason::parse(&reason.stored()), reason);
        }
    }

    #[test]
    fn the_stored_forms_are_the_runners_english_sentences() {
        assert_eq!(
            RunReason::Blocked("x".into()).stored(),
            "The user is blocked on the wiki: x"
        );
        assert_eq!(
            RunReason::NotStored("e".into()).stored(),
            "The renewed authorization could not be stored (e)."
        );
        assert_eq!(
            RunReason::parse("every command has run"),
            RunReason::Finished
        );
    }
}
