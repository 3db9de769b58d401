//! The headers every response carries, `/healthz` included: no framing (clickjacking), no MIME
//! sniffing, no referrer to other sites, and a content security policy that allows only this
//! tool's own resources.

use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue};

/// The headers, as static values: setting them allocates nothing.
pub const HEADERS: [(HeaderName, HeaderValue); 4] = [
    (X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
    (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
    (REFERRER_POLICY, HeaderValue::from_static("same-origin")),
    (
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ),
    ),
];

/// Sets the headers on a response, replacing any a handler set.
pub fn apply(headers: &mut HeaderMap) {
    for (name, value) in HEADERS {
        headers.insert(name, value);
    }
}

/// The content security policy of a tool that shows images from other hosts (thumbnails from
/// `https://upload.wikimedia.org`): the same policy, with those hosts allowed for images only.
/// `None` if a source is not a plain `https://host` origin, or `http://` on this machine (a
/// test's or a developer's image server), since anything else would widen the policy or break
/// the header.
pub fn policy_with_image_sources(sources: &[&str]) -> Option<HeaderValue> {
    let host_chars = |host: &str| {
        !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == ':')
    };
    let plain_origin = |source: &&str| match source.strip_prefix("https://") {
        Some(host) => host_chars(host),
        None => source
            .strip_prefix("http://")
            .and_then(|host| {
                host.strip_prefix("127.0.0.1:")
                    .or_else(|| host.strip_prefix("localhost:"))
            })
            .is_some_and(|port| !port.is_empty() && port.chars().all(|c| c.is_ascii_digit())),
    };
    if sources.is_empty() || !sources.iter().all(plain_origin) {
        return None;
    }
    HeaderValue::from_str(&format!(
        "default-src 'self'; img-src 'self' {}; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        sources.join(" ")
    ))
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_sources_widen_only_the_image_policy() {
        let policy = policy_with_image_sources(&["https://upload.wikimedia.org"]).expect("valid");
        assert_eq!(
            policy.to_str().expect("ascii"),
            "default-src 'self'; img-src 'self' https://upload.wikimedia.org; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
        );
        assert!(policy_with_image_sources(&["http://127.0.0.1:8080"]).is_some());
        for bad in [
            &[][..],
            &["http://upload.wikimedia.org"],
            &["http://127.0.0.1:80 https://evil.example"],
            &["http://127.0.0.1.evil.example:80"],
            &["https://*"],
            &["https://a.org; script-src *"],
            &["https://"],
        ] {
            assert!(policy_with_image_sources(bad).is_none(), "{bad:?}");
        }
    }
}
