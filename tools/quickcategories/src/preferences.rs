//! A user's preferences: the wiki new batches start on, the wikis the form suggests, and what
//! edits do to the user's watchlist. Stored per user (by central user id) so that the
//! background runner, which has no browser session, edits with them too.

use std::fmt;
use std::str::FromStr;

use crate::domain::{DomainError, WikiDomain};

/// The most suggested domains kept: more would not help anyone pick one.
pub const MAX_SUGGESTED_DOMAINS: usize = 50;

/// The `watchlist` parameter of every edit (MediaWiki's `action=edit`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Watchlist {
    /// What the user's preferences on the wiki say (MediaWiki's default).
    #[default]
    Preferences,
    /// Leave the watchlist as it is.
    NoChange,
    /// Add every edited page to the watchlist.
    Watch,
}

impl Watchlist {
    pub const ALL: [Self; 3] = [Self::Preferences, Self::NoChange, Self::Watch];

    /// The value of the API parameter, also how it is stored and sent by the form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Preferences => "preferences",
            Self::NoChange => "nochange",
            Self::Watch => "watch",
        }
    }
}

impl fmt::Display for Watchlist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{0}” is not a watchlist setting (preferences, nochange or watch)")]
pub struct UnknownWatchlist(pub String);

impl FromStr for Watchlist {
    type Err = UnknownWatchlist;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|watchlist| watchlist.as_str() == value)
            .ok_or_else(|| UnknownWatchlist(value.to_owned()))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preferences {
    /// Filled into the new-batch form's domain field.
    pub default_domain: Option<WikiDomain>,
    /// Offered as choices for the domain field, in the user's order, without repeats.
    pub suggested_domains: Vec<WikiDomain>,
    pub watchlist: Watchlist,
}

/// What is wrong with the preferences form: every problem, with the text the user typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreferenceError {
    DefaultDomain(DomainError),
    /// A line of the suggested domains (1-based) that is no Wikimedia domain.
    SuggestedDomain(usize, DomainError),
    TooManySuggestions,
    Watchlist(UnknownWatchlist),
}

impl Preferences {
    /// Parses the preferences form: an empty default domain is none, blank lines of the
    /// suggestions are skipped, repeats are dropped. Unlike the original, which silently kept
    /// the old default and dropped bad suggestions, every bad entry is reported and nothing is
    /// saved until the form is right.
    pub fn parse(
        default_domain: &str,
        suggested_domains: &str,
        watchlist: &str,
    ) -> Result<Self, Vec<PreferenceError>> {
        let mut errors = Vec::new();
        let default_domain = match default_domain.trim() {
            "" => None,
            domain => WikiDomain::parse(domain)
                .map_err(|error| errors.push(PreferenceError::DefaultDomain(error)))
                .ok(),
        };
        let mut suggested: Vec<WikiDomain> = Vec::new();
        for (index, line) in suggested_domains.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match WikiDomain::parse(line) {
                Ok(domain) if suggested.contains(&domain) => {}
                Ok(domain) => suggested.push(domain),
                Err(error) => errors.push(PreferenceError::SuggestedDomain(index + 1, error)),
            }
        }
        if suggested.len() > MAX_SUGGESTED_DOMAINS {
            errors.push(PreferenceError::TooManySuggestions);
        }
        let watchlist = match watchlist {
            "" => Watchlist::default(),
            value => value
                .parse()
                .map_err(|error| errors.push(PreferenceError::Watchlist(error)))
                .unwrap_or_default(),
        };
        if errors.is_empty() {
            Ok(Self {
                default_domain,
                suggested_domains: suggested,
                watchlist,
            })
        } else {
            Err(errors)
        }
    }

    /// The suggested domains as stored and shown in the form: one per line.
    pub fn suggested_lines(&self) -> String {
        self.suggested_domains
            .iter()
            .map(WikiDomain::as_str)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Reads stored preferences. A stored value that no longer parses (a domain rule changed)
    /// is left out rather than failing every page of the user.
    pub fn from_stored(default_domain: Option<&str>, suggested: &str, watchlist: &str) -> Self {
        Self {
            default_domain: default_domain.and_then(|domain| WikiDomain::parse(domain).ok()),
            suggested_domains: suggested
                .lines()
                .filter_map(|line| WikiDomain::parse(line).ok())
                .collect(),
            watchlist: watchlist.parse().unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filled_form_parses_with_repeats_and_blank_lines_dropped() {
        let preferences = Preferences::parse(
            " Commons.Wikimedia.org ",
            "en.wikipedia.org\r\n\r\nde.wikipedia.org\r\nen.wikipedia.org\r\n",
            "watch",
        )
        .expect("valid");
        assert_eq!(
            preferences.default_domain.as_ref().map(WikiDomain::as_str),
            Some("commons.wikimedia.org")
        );
        assert_eq!(
            preferences.suggested_lines(),
            "en.wikipedia.org\nde.wikipedia.org"
        );
        assert_eq!(preferences.watchlist, Watchlist::Watch);
    }

    #[test]
    fn an_empty_form_is_the_defaults() {
        assert_eq!(Preferences::parse("", "", ""), Ok(Preferences::default()));
        assert_eq!(Preferences::default().watchlist.as_str(), "preferences");
    }

    #[test]
    fn every_bad_entry_is_reported() {
        let errors = Preferences::parse("example.org", "en.wikipedia.org\nnot a wiki", "always")
            .expect_err("invalid");
        assert_eq!(
            errors,
            vec![
                PreferenceError::DefaultDomain(DomainError::NotWikimedia("example.org".into())),
                PreferenceError::SuggestedDomain(2, DomainError::NotWikimedia("not a wiki".into())),
                PreferenceError::Watchlist(UnknownWatchlist("always".into())),
            ]
        );
        let many: String = (0..=MAX_SUGGESTED_DOMAINS)
            .map(|n| format!("w{n}.wikipedia.org\n"))
            .collect();
        assert_eq!(
            Preferences::parse("", &many, "nochange"),
            Err(vec![PreferenceError::TooManySuggestions])
        );
    }

    #[test]
    fn stored_values_that_no_longer_parse_are_left_out() {
        let stored =
            Preferences::from_stored(Some("example.org"), "en.wikipedia.org\nbad", "sometimes");
        assert_eq!(stored.default_domain, None);
        assert_eq!(stored.suggested_lines(), "en.wikipedia.org");
        assert_eq!(stored.watchlist, Watchlist::Preferences);
    }

    #[test]
    fn watchlist_values_round_trip() {
        for watchlist in Watchlist::ALL {
            assert_eq!(watchlist.as_str().parse(), Ok(watchlist));
        }
    }
}
