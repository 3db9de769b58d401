//! Who made an image and under which licence, from Commons' `extmetadata`: as HTML for the
//! page and as text for IIIF. `Artist` and `Credit` are HTML written by uploaders; it is
//! sanitised with `ammonia` (links and inline markup kept, everything else dropped) before it
//! goes anywhere.

use std::sync::OnceLock;

use platform::i18n::message_syntax::escape_into;
use serde_json::Value;

/// An image's attribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    /// Artist, licence (linked) and credit, sanitised.
    pub html: String,
    /// The same as plain text.
    pub text: String,
    pub license_url: Option<String>,
}

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut builder = ammonia::Builder::empty();
        builder
            .add_tags([
                "a", "abbr", "b", "bdi", "bdo", "br", "cite", "em", "i", "small", "span", "strong",
                "sub", "sup", "time",
            ])
            .add_generic_attributes(["lang", "dir", "title"])
            .add_tag_attributes("a", ["href"])
            .url_schemes(["http", "https"].into_iter().collect())
            // Commons writes links relative to itself (`//commons.wikimedia.org/…`, `/wiki/…`).
            .url_relative(ammonia::UrlRelative::RewriteWithBase(
                url::Url::parse("https://commons.wikimedia.org/wiki/").expect("a valid base URL"),
            ))
            .link_rel(Some("nofollow noopener noreferrer"));
        builder
    })
}

/// HTML from Commons with only harmless inline markup left.
pub fn sanitize(html: &str) -> String {
    cleaner().clean(html).to_string()
}

/// The text of sanitised HTML: tags dropped, entities read, spaces collapsed.
fn text_of(html: &str) -> String {
    let text_only = ammonia::Builder::empty().clean(html).to_string();
    let unescaped = text_only
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    unescaped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The attribution of `extmetadata` (its fields are `{"value": …}` objects); `None` when it
/// names neither an artist nor a licence nor a credit.
pub fn from_extmetadata(metadata: &Value) -> Option<Attribution> {
    let field = |name: &str| {
        metadata[name]["value"]
            .as_str()
            .map(str::trim)
            .filter(|value| !value.is_empty())
    };
    let mut parts = Vec::new();
    if let Some(artist) = field("Artist") {
        parts.push(sanitize(artist));
    }
    let license_url = field("LicenseUrl")
        .filter(|url| url.starts_with("https://") || url.starts_with("http://"))
        .map(str::to_owned);
    if let Some(license) = field("LicenseShortName") {
        let mut html = String::new();
        match &license_url {
            Some(url) => {
                html.push_str("<a href=\"");
                escape_into(url, &mut html);
                html.push_str("\">");
                escape_into(license, &mut html);
                html.push_str("</a>");
            }
            None => escape_into(license, &mut html),
        }
        parts.push(sanitize(&html));
    }
    let mut html = parts
        .into_iter()
        .filter(|part| !part.trim().is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    if let Some(credit) = field("Credit")
        .map(sanitize)
        .filter(|c| !c.trim().is_empty())
    {
        if !html.is_empty() {
            html.push(' ');
        }
        html.push('(');
        html.push_str(&credit);
        html.push(')');
    }
    if html.is_empty() {
        return None;
    }
    Some(Attribution {
        text: text_of(&html),
        html,
        license_url,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn metadata(fields: &[(&str, &str)]) -> Value {
        Value::Object(
            fields
                .iter()
                .map(|(name, value)| {
                    (
                        (*name).to_owned(),
                        json!({"value": value, "source": "commons-desc-page"}),
                    )
                })
                .collect(),
        )
    }

    #[test]
    fn artist_licence_and_credit_are_joined() {
        let attribution = from_extmetadata(&metadata(&[
            (
                "Artist",
                "<a href=\"//commons.wikimedia.org/wiki/User:Ada\" title=\"User:Ada\">Ada</a>",
            ),
            ("LicenseShortName", "CC BY-SA 4.0"),
            (
                "LicenseUrl",
                "https://creativecommons.org/licenses/by-sa/4.0",
            ),
            (
                "Credit",
                "<span class=\"int-own-work\" lang=\"en\">Own work</span>",
            ),
            ("AttributionRequired", "true"),
        ]))
        .expect("an attribution");
        assert_eq!(
            attribution.html,
            "<a href=\"https://commons.wikimedia.org/wiki/User:Ada\" title=\"User:Ada\" rel=\"nofollow noopener noreferrer\">Ada</a>, \
             <a href=\"https://creativecommons.org/licenses/by-sa/4.0\" rel=\"nofollow noopener noreferrer\">CC BY-SA 4.0</a> \
             (<span lang=\"en\">Own work</span>)"
        );
        assert_eq!(attribution.text, "Ada, CC BY-SA 4.0 (Own work)");
        assert_eq!(
            attribution.license_url.as_deref(),
            Some("https://creativecommons.org/licenses/by-sa/4.0")
        );
    }

    #[test]
    fn scripts_styles_and_bad_links_never_get_through() {
        let attribution = from_extmetadata(&metadata(&[
            (
                "Artist",
                "<script>alert(1)</script><img src=x onerror=alert(2)><a href=\"javascript:alert(3)\" onclick=\"alert(4)\" style=\"color:red\">Eve &amp; Co</a>",
            ),
            ("LicenseShortName", "Public domain <b>"),
            ("LicenseUrl", "javascript:alert(5)"),
            ("Credit", "<iframe src=\"https://example.org\"></iframe><div>Museum</div>"),
        ]))
        .expect("an attribution");
        for banned in [
            "<script", "alert", "<img", "onerror", "onclick", "style=", "<iframe", "<div",
        ] {
            assert!(
                !attribution.html.contains(banned),
                "{banned} in {}",
                attribution.html
            );
        }
        assert_eq!(
            attribution.html,
            "<a rel=\"nofollow noopener noreferrer\">Eve &amp; Co</a>, Public domain &lt;b&gt; (Museum)"
        );
        assert_eq!(attribution.text, "Eve & Co, Public domain <b> (Museum)");
        assert_eq!(attribution.license_url, None);
    }

    #[test]
    fn nothing_to_attribute_is_none() {
        assert_eq!(from_extmetadata(&json!({})), None);
        assert_eq!(
            from_extmetadata(&metadata(&[
                ("Artist", " "),
                ("AttributionRequired", "false")
            ])),
            None
        );
    }
}
