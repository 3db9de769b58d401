//! Wikimedia wiki domains, parsed at the edge.

use std::fmt;

/// Second-level domains of Wikimedia's wikis.
const WIKIMEDIA_SITES: &[&str] = &[
    "wikipedia.org",
    "wiktionary.org",
    "wikibooks.org",
    "wikinews.org",
    "wikiquote.org",
    "wikisource.org",
    "wikiversity.org",
    "wikivoyage.org",
    "wikimedia.org",
    "wikidata.org",
    "mediawiki.org",
    "wikifunctions.org",
];

/// A domain such as `en.wikipedia.org` or `commons.wikimedia.org`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WikiDomain(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("Please enter the domain of the wiki, like en.wikipedia.org.")]
    Empty,
    #[error(
        "“{0}” is not the domain of a Wikimedia wiki (like en.wikipedia.org or commons.wikimedia.org)."
    )]
    NotWikimedia(String),
}

impl WikiDomain {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let domain = input.trim().trim_end_matches('.').to_ascii_lowercase();
        if domain.is_empty() {
            return Err(DomainError::Empty);
        }
        let well_formed = domain.len() <= 253
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            });
        let wikimedia = WIKIMEDIA_SITES
            .iter()
            .any(|site| domain == *site || domain.ends_with(&format!(".{site}")));
        if well_formed && wikimedia {
            Ok(Self(domain))
        } else {
            Err(DomainError::NotWikimedia(input.trim().to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Subdomains of Wikimedia's wikis that are not the code of their content language (MediaWiki's
/// `$wgLanguageCode` of those wikis).
const SUBDOMAIN_LANGUAGES: &[(&str, &str)] = &[
    ("als", "gsw"),
    ("bat-smg", "sgs"),
    ("be-x-old", "be-tarask"),
    ("cbk-zam", "cbk"),
    ("fiu-vro", "vro"),
    ("map-bms", "jv-x-bms"),
    ("no", "nb"),
    ("roa-rup", "rup"),
    ("roa-tara", "nap-x-tara"),
    ("simple", "en"),
    ("zh-classical", "lzh"),
    ("zh-min-nan", "nan"),
    ("zh-yue", "yue"),
];

/// The language of the pages of the wiki at `domain`, for `lang` attributes around its titles
/// and categories: the subdomain (`de.wikipedia.org` → `de`), except where MediaWiki gives the
/// wiki another code (`simple` → `en`), and English for the multilingual wikis (Commons,
/// Wikidata, Meta-Wiki, Wikispecies, MediaWiki.org…), whose content language is English.
pub fn content_language(domain: &str) -> String {
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    let multilingual = [
        "wikimedia.org",
        "wikidata.org",
        "mediawiki.org",
        "wikifunctions.org",
    ]
    .iter()
    .any(|site| domain == *site || domain.ends_with(&format!(".{site}")));
    let label = domain.split('.').next().unwrap_or_default();
    let looks_like_a_code = !label.is_empty()
        && label.len() <= 20
        && label.chars().all(|c| c.is_ascii_lowercase() || c == '-')
        && !matches!(label, "www" | "m" | "test" | "test2");
    if multilingual || !looks_like_a_code || domain.split('.').count() < 3 {
        return "en".to_owned();
    }
    SUBDOMAIN_LANGUAGES
        .iter()
        .find(|(subdomain, _)| *subdomain == label)
        .map_or(label, |(_, code)| code)
        .to_owned()
}

impl fmt::Display for WikiDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wikimedia_domains_are_accepted_and_lower_cased() {
        for domain in [
            "en.wikipedia.org",
            "Commons.Wikimedia.org",
            "www.wikidata.org",
            "de.wikivoyage.org",
            "be-tarask.wikipedia.org",
        ] {
            assert_eq!(
                WikiDomain::parse(domain).map(|d| d.0),
                Ok(domain.to_ascii_lowercase())
            );
        }
    }

    #[test]
    fn the_content_language_follows_the_subdomain() {
        for (domain, language) in [
            ("en.wikipedia.org", "en"),
            ("de.wikivoyage.org", "de"),
            ("be-tarask.wikipedia.org", "be-tarask"),
            ("simple.wikipedia.org", "en"),
            ("zh-yue.wikipedia.org", "yue"),
            ("ar.m.wikipedia.org", "ar"),
            ("commons.wikimedia.org", "en"),
            ("meta.wikimedia.org", "en"),
            ("species.wikimedia.org", "en"),
            ("www.wikidata.org", "en"),
            ("www.mediawiki.org", "en"),
            ("test.wikipedia.org", "en"),
        ] {
            assert_eq!(content_language(domain), language, "{domain}");
        }
    }

    #[test]
    fn other_domains_are_refused() {
        for domain in [
            "example.org",
            "wikipedia.org.evil.example",
            "en.wikipedia.org/w",
            "-a.wikipedia.org",
            "a..wikipedia.org",
            "http://en.wikipedia.org",
        ] {
            assert!(WikiDomain::parse(domain).is_err(), "{domain}");
        }
        assert_eq!(WikiDomain::parse("  "), Err(DomainError::Empty));
    }
}
