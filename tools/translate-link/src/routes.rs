//! The pages: the form, the list of links, and the redirect.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use platform::{ErrorPage, FormError, FormFields, PageContext, Text};
use serde::Deserialize;

use crate::domain::{InvalidInput, LanguageCode, MessageKey};
use crate::translatewiki::{Lookup, LookupError, TitleProblem, Translatewiki, TranslationLink};

pub fn router(translatewiki: Translatewiki) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/show/", post(show_form))
        .route("/redirect/", post(redirect_form))
        .route("/show/{*target}", get(show))
        .route("/redirect/{*target}", get(redirect))
        .with_state(translatewiki)
}

/// The form's fields, by their HTML names; also accepted as query parameters of `/`.
#[derive(Debug, Default, Deserialize)]
struct LookupInput {
    #[serde(default)]
    key: String,
    #[serde(default, rename = "language-code")]
    language_code: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "index.html")]
struct IndexPage {
    page: PageContext,
    key: String,
    language_code: String,
    errors: Vec<FormError>,
}

async fn index(page: PageContext, Query(input): Query<LookupInput>) -> IndexPage {
    IndexPage {
        page,
        key: input.key,
        language_code: input.language_code,
        errors: Vec::new(),
    }
}

async fn show_form(page: PageContext, form: FormFields) -> Result<Response, ErrorPage> {
    Ok(redirect_after_form(page, form.deserialize()?, "/show/"))
}

async fn redirect_form(page: PageContext, form: FormFields) -> Result<Response, ErrorPage> {
    Ok(redirect_after_form(page, form.deserialize()?, "/redirect/"))
}

/// Valid input goes on to the GET page (303, so reloading does not resubmit); invalid input
/// shows the form again with the reasons and everything the user typed.
fn redirect_after_form(page: PageContext, input: LookupInput, prefix: &str) -> Response {
    let key = MessageKey::parse(&input.key);
    let language = LanguageCode::parse(&input.language_code);
    match (key, language) {
        (Ok(key), Ok(language)) => {
            Redirect::to(&target_path(prefix, &key, &language)).into_response()
        }
        (key, language) => {
            let errors = [
                key.err()
                    .map(|error| FormError::in_field("key", error.text())),
                language
                    .err()
                    .map(|error| FormError::in_field("language-code", error.text())),
            ]
            .into_iter()
            .flatten()
            .collect();
            let form = IndexPage {
                page,
                key: input.key,
                language_code: input.language_code,
                errors,
            };
            (StatusCode::BAD_REQUEST, form).into_response()
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "show.html")]
struct ShowPage {
    page: PageContext,
    key: MessageKey,
    language: LanguageCode,
    links: Vec<TranslationLink>,
    problems: Vec<TitleProblem>,
    /// The start page with this key and language filled in.
    edit_url: String,
}

async fn show(
    State(translatewiki): State<Translatewiki>,
    page: PageContext,
    Path(target): Path<String>,
) -> Result<Response, ErrorPage> {
    let (key, language) = parse_target(&target)?;
    let Lookup { links, problems } = translatewiki
        .find_links(&key, &language)
        .await
        .map_err(upstream_error)?;
    let status = if links.is_empty() {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    let edit_url = format!(
        "/?{}",
        serde_urlencoded::to_string([("key", key.as_str()), ("language-code", language.as_str())])
            .unwrap_or_default()
    );
    let body = ShowPage {
        page,
        key,
        language,
        links,
        problems,
        edit_url,
    };
    Ok((status, body).into_response())
}

/// Straight to translatewiki.net (302) if the key has exactly one translation page;
/// otherwise to the list (303), which explains none or lets the user choose.
async fn redirect(
    State(translatewiki): State<Translatewiki>,
    Path(target): Path<String>,
) -> Result<Response, ErrorPage> {
    let (key, language) = parse_target(&target)?;
    let lookup = translatewiki
        .find_links(&key, &language)
        .await
        .map_err(upstream_error)?;
    Ok(match lookup.links.as_slice() {
        // 302 like the original tool (axum's `Redirect` offers 303, 307 and 308 only).
        [only] => (StatusCode::FOUND, [(LOCATION, only.url.as_str())]).into_response(),
        _ => Redirect::to(&target_path("/show/", &key, &language)).into_response(),
    }
    .into_response())
}

/// Splits `<key>/<language code>`; the key may itself contain slashes, the code cannot.
fn parse_target(target: &str) -> Result<(MessageKey, LanguageCode), ErrorPage> {
    let Some((key, language)) = target.rsplit_once('/') else {
        return Err(ErrorPage::bad_request(Text::new(
            "translate-link-target-incomplete",
        )));
    };
    let invalid = |error: InvalidInput| ErrorPage::bad_request(error.text());
    Ok((
        MessageKey::parse(key).map_err(invalid)?,
        LanguageCode::parse(language).map_err(invalid)?,
    ))
}

/// Path characters left unencoded: RFC 3986 "unreserved" minus `.`, so that no key can
/// turn into a `.`/`..` segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'~');

fn target_path(prefix: &str, key: &MessageKey, language: &LanguageCode) -> String {
    format!(
        "{prefix}{}/{}",
        utf8_percent_encode(key.as_str(), PATH_SEGMENT),
        utf8_percent_encode(language.as_str(), PATH_SEGMENT)
    )
}

fn upstream_error(error: LookupError) -> ErrorPage {
    tracing::warn!(%error, "translatewiki.net look-up failed");
    ErrorPage::bad_gateway(Text::new("translate-link-upstream"))
}
