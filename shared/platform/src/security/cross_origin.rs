//! Cross-origin protection for state-changing requests, checked before the session is read.
//!
//! Browsers say where a request comes from (Fetch Metadata): for every method that is not
//! GET/HEAD/OPTIONS/TRACE, `Sec-Fetch-Site: same-origin` or `none` (typed in, a bookmark) passes
//! and `same-site` or `cross-site` is refused with a 403 page. `same-site` matters here: every
//! tool is its own `*.toolforge.org` host, and another tool is "same site". Browsers too old to
//! send `Sec-Fetch-Site` send `Origin`, which must then be this tool's own origin (scheme from
//! `X-Forwarded-Proto`, set by Toolforge's HTTPS proxy; host from `Host`). With neither header
//! (not a browser) the request goes on to the CSRF token check.
//!
//! A refused request never reaches the session layer, so it cannot create, replace or rotate a
//! session, and its page offers nothing to send again.

use axum::extract::Request;
use axum::http::HeaderMap;
use axum::http::header::{HOST, ORIGIN};

use crate::error::ErrorPage;
use crate::i18n::Text;

const SEC_FETCH_SITE: &str = "sec-fetch-site";
const X_FORWARDED_PROTO: &str = "x-forwarded-proto";

/// Whether a state-changing request may go on, from its headers alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The browser says it comes from this origin, or was typed in.
    SameOrigin,
    /// No browser headers: the CSRF token decides.
    Unknown,
    /// Another site (including another tool on the same domain) sent it.
    CrossOrigin,
}

/// Judges an unsafe request by its `Sec-Fetch-Site`, else its `Origin`.
pub fn verdict(headers: &HeaderMap) -> Verdict {
    if let Some(site) = headers.get(SEC_FETCH_SITE) {
        return match site.as_bytes() {
            b"same-origin" | b"none" => Verdict::SameOrigin,
            _ => Verdict::CrossOrigin,
        };
    }
    let Some(origin) = headers.get(ORIGIN) else {
        return Verdict::Unknown;
    };
    let own = own_origin(headers);
    match (origin.to_str(), own) {
        (Ok(origin), Some(own)) if origin.eq_ignore_ascii_case(&own) => Verdict::SameOrigin,
        _ => Verdict::CrossOrigin,
    }
}

/// `<scheme>://<host>` of this tool as the browser sees it.
fn own_origin(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(HOST)?.to_str().ok()?;
    let scheme = headers
        .get(X_FORWARDED_PROTO)
        .and_then(|value| value.to_str().ok())
        // A chain of proxies appends; the first is the one the browser talked to.
        .and_then(|value| value.split(',').next())
        .map(str::trim)
        .filter(|scheme| matches!(*scheme, "http" | "https"))
        .unwrap_or("http");
    Some(format!("{scheme}://{host}"))
}

/// The 403 page for a cross-origin state-changing request, or `None` if it may go on.
pub fn refusal(request: &Request) -> Option<ErrorPage> {
    if request.method().is_safe() || verdict(request.headers()) != Verdict::CrossOrigin {
        return None;
    }
    tracing::info!(
        method = %request.method(),
        path = %request.uri().path(),
        "request refused: cross-origin"
    );
    Some(ErrorPage::forbidden(Text::new("platform-cross-origin")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        for (site, expected) in [
            ("same-origin", Verdict::SameOrigin),
            ("none", Verdict::SameOrigin),
            ("same-site", Verdict::CrossOrigin),
            ("cross-site", Verdict::CrossOrigin),
            ("bogus", Verdict::CrossOrigin),
        ] {
            // Even with a matching Origin, Sec-Fetch-Site wins.
            let map = headers(&[
                ("sec-fetch-site", site),
                ("origin", "https://tool.toolforge.org"),
                ("host", "tool.toolforge.org"),
                ("x-forwarded-proto", "https"),
            ]);
            assert_eq!(verdict(&map), expected, "{site}");
        }
    }

    #[test]
    fn origin_must_be_this_host_with_the_forwarded_scheme() {
        let ok = headers(&[
            ("origin", "https://tool.toolforge.org"),
            ("host", "tool.toolforge.org"),
            ("x-forwarded-proto", "https"),
        ]);
        assert_eq!(verdict(&ok), Verdict::SameOrigin);
        for (origin, proto) in [
            ("https://other.toolforge.org", "https"),
            ("http://tool.toolforge.org", "https"),
            ("https://tool.toolforge.org", "http"),
            ("null", "https"),
        ] {
            let mut map = headers(&[("host", "tool.toolforge.org")]);
            map.insert("origin", HeaderValue::from_str(origin).expect("header"));
            map.insert(
                "x-forwarded-proto",
                HeaderValue::from_str(proto).expect("header"),
            );
            assert_eq!(verdict(&map), Verdict::CrossOrigin, "{origin} via {proto}");
        }
        let local = headers(&[
            ("origin", "http://localhost:8000"),
            ("host", "localhost:8000"),
        ]);
        assert_eq!(verdict(&local), Verdict::SameOrigin);
    }

    #[test]
    fn without_browser_headers_the_token_decides() {
        assert_eq!(
            verdict(&headers(&[("host", "tool.toolforge.org")])),
            Verdict::Unknown
        );
    }
}
