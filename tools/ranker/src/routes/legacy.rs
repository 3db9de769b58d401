//! Addresses of the original Ranker (Lucas Werkmeister's Flask tool) that work differently
//! here, so that bookmarks, links on wikis and scripts written for it keep working. The
//! original's addresses that are the same here are ordinary routes of [`super::router`]; the
//! README lists them all.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Redirect;
use axum::routing::get;
use platform::i18n::language::{self, KEYS_CODE};
use platform::pages::language_choice;
use platform::{ErrorPage, FormFields, Session, Text};

use super::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        // The original's settings page chose the interface language; here that is the
        // platform's language menu, which every page links to. The choice is the same one.
        .route("/settings/", get(settings).post(save_settings))
        // Flask sends an address without its trailing slash to the one with it.
        .route(
            "/edit/{wiki}/{entity}/{property}",
            get(|Path((wiki, entity, property)): Path<(String, String, String)>, uri: Uri| async move {
                let [wiki, entity, property] = [&wiki, &entity, &property].map(|s| path_segment(s));
                moved(&format!("/edit/{wiki}/{entity}/{property}/"), &uri)
            }),
        )
}

/// A permanent redirect to `path`, with the query string of the request.
fn moved(path: &str, uri: &Uri) -> Redirect {
    match uri.query() {
        Some(query) => Redirect::permanent(&format!("{path}?{query}")),
        None => Redirect::permanent(path),
    }
}

/// A path segment as it came (decoded), encoded again: whatever was typed, the `Location` stays
/// a valid header and points at the same segment.
fn path_segment(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b".-_~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

async fn settings() -> Redirect {
    Redirect::permanent("/language?return_to=%2F")
}

/// The original's settings form sent `interface-language-code`; the choice is stored where the
/// platform's language menu stores it.
async fn save_settings(
    State(state): State<AppState>,
    session: Session,
    form: FormFields,
) -> Result<Redirect, ErrorPage> {
    let wanted = form.get("interface-language-code").unwrap_or_default();
    let code = language::normalize(wanted)
        .filter(|code| state.catalog.has_language(code) || code == KEYS_CODE)
        .ok_or_else(|| {
            ErrorPage::bad_request(Text::new("platform-language-unknown").arg(wanted))
        })?;
    session.insert(language_choice::SESSION_KEY, &code);
    Ok(Redirect::to("/"))
}

#[cfg(test)]
mod tests {
    use super::path_segment;

    #[test]
    fn path_segments_are_encoded_again() {
        assert_eq!(path_segment("Q42"), "Q42");
        assert_eq!(path_segment("www.wikidata.org"), "www.wikidata.org");
        assert_eq!(path_segment("a b\r\n/ü"), "a%20b%0D%0A%2F%C3%BC");
    }
}
