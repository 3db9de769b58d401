//! The headers every response carries, `/healthz` included: no framing (clickjacking), no MIME
//! sniffing, no referrer to other sites, and a content security policy that allows only this
//! tool's own resources and forms, widened only where a tool names another site
//! ([`ContentSecurityPolicy`]).

use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue};

/// The headers, as static values: setting them allocates nothing. The policy here is the
/// narrowest one; the pipeline replaces it with the tool's own ([`ContentSecurityPolicy`]).
pub const HEADERS: [(HeaderName, HeaderValue); 4] = [
    (X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
    (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
    (REFERRER_POLICY, HeaderValue::from_static("same-origin")),
    (
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ),
    ),
];

/// Sets the headers on a response, replacing any a handler set.
pub fn apply(headers: &mut HeaderMap) {
    for (name, value) in HEADERS {
        headers.insert(name, value);
    }
}

/// An address given as another site the policy should allow that is not a plain origin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an https:// address of a host (or http:// on this machine): {0:?}")]
pub struct NotAnOrigin(pub String);

/// A tool's content security policy: its own resources, plus the hosts it shows images from
/// and the sites its forms lead to.
///
/// Form targets matter beyond forms whose `action` is elsewhere: browsers apply `form-action`
/// to every redirect that answers a form submission (Chromium blocks the navigation), so a
/// POST answered by a redirect to the OAuth provider, a wiki or PagePile needs that site here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentSecurityPolicy {
    image_sources: Vec<String>,
    form_targets: Vec<String>,
}

impl ContentSecurityPolicy {
    /// Allows images from the origin of `address` (`https://upload.wikimedia.org`).
    pub fn allow_images_from(&mut self, address: &str) -> Result<(), NotAnOrigin> {
        push_unique(&mut self.image_sources, origin_of(address)?);
        Ok(())
    }

    /// Allows forms, and redirects answering them, to lead to the origin of `address` (any
    /// address on that site: only its origin is kept).
    pub fn allow_forms_to(&mut self, address: &str) -> Result<(), NotAnOrigin> {
        push_unique(&mut self.form_targets, origin_of(address)?);
        Ok(())
    }

    /// The header's value.
    pub fn header(&self) -> HeaderValue {
        let mut policy = String::from("default-src 'self'");
        if !self.image_sources.is_empty() {
            policy.push_str("; img-src 'self'");
            for source in &self.image_sources {
                policy.push(' ');
                policy.push_str(source);
            }
        }
        policy.push_str("; form-action 'self'");
        for target in &self.form_targets {
            policy.push(' ');
            policy.push_str(target);
        }
        policy.push_str("; frame-ancestors 'none'; base-uri 'none'; object-src 'none'");
        HeaderValue::from_str(&policy)
            .expect("origins are checked to be plain ASCII host names and ports")
    }
}

fn push_unique(list: &mut Vec<String>, origin: String) {
    if !list.contains(&origin) {
        list.push(origin);
    }
}

/// The origin (`scheme://host[:port]`) of an `https://` address, or of an `http://` one on this
/// machine (a test's or a developer's server). Anything else would widen the policy to
/// plain-text sites, or with a wildcard or separator in the host, break the header.
fn origin_of(address: &str) -> Result<String, NotAnOrigin> {
    let refuse = || NotAnOrigin(address.to_owned());
    let parsed = url::Url::parse(address.trim()).map_err(|_| refuse())?;
    let host = parsed.host_str().ok_or_else(refuse)?;
    let plain_host = host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    let allowed_scheme = match parsed.scheme() {
        "https" => true,
        "http" => matches!(host, "127.0.0.1" | "localhost"),
        _ => false,
    };
    if !plain_host || !allowed_scheme || !parsed.username().is_empty() {
        return Err(refuse());
    }
    Ok(parsed.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_keeps_forms_on_the_tool() {
        let policy = ContentSecurityPolicy::default().header();
        assert_eq!(
            policy.to_str().expect("ascii"),
            "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
        );
        assert_eq!(
            &policy, &HEADERS[3].1,
            "the static default is the same policy"
        );
    }

    #[test]
    fn image_sources_widen_only_the_image_policy() {
        let mut policy = ContentSecurityPolicy::default();
        policy
            .allow_images_from("https://upload.wikimedia.org")
            .expect("valid");
        assert_eq!(
            policy.header().to_str().expect("ascii"),
            "default-src 'self'; img-src 'self' https://upload.wikimedia.org; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
        );
        assert!(policy.allow_images_from("http://127.0.0.1:8080").is_ok());
    }

    #[test]
    fn form_targets_keep_only_the_origin_and_appear_once() {
        let mut policy = ContentSecurityPolicy::default();
        for address in [
            "https://meta.wikimedia.org/w/rest.php",
            "https://translatewiki.net/w/i.php?title=Special:Translations",
            "https://meta.wikimedia.org/w/rest.php/oauth2/authorize",
            "http://127.0.0.1:4000/api.php",
        ] {
            policy.allow_forms_to(address).expect("valid");
        }
        assert_eq!(
            policy.header().to_str().expect("ascii"),
            "default-src 'self'; form-action 'self' https://meta.wikimedia.org https://translatewiki.net http://127.0.0.1:4000; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
        );
    }

    #[test]
    fn anything_but_a_plain_origin_is_refused() {
        for bad in [
            "",
            "http://upload.wikimedia.org",
            "http://127.0.0.1:80 https://evil.example",
            "http://127.0.0.1.evil.example:80",
            "https://*",
            "https://*.wikimedia.org",
            "https://a.org; script-src *",
            "https://",
            "https://user@meta.wikimedia.org",
            "data:text/html,hi",
            "'unsafe-inline'",
        ] {
            let mut policy = ContentSecurityPolicy::default();
            assert!(policy.allow_images_from(bad).is_err(), "{bad:?}");
            assert!(policy.allow_forms_to(bad).is_err(), "{bad:?}");
            assert_eq!(policy, ContentSecurityPolicy::default(), "{bad:?}");
        }
    }
}
