//! The JSON API that pages and other tools use, with `Access-Control-Allow-Origin: *` (it is
//! read-only): the templates, lexemes with a lemma (duplicates), and how a lexeme fits the
//! templates; and two HTML fragments the original's scripts fetched.

use std::collections::BTreeMap;

use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::header::{ACCEPT, ACCESS_CONTROL_ALLOW_ORIGIN};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use platform::PageContext;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{AppState, wiki_error};
use crate::duplicates::Duplicate;
use crate::matching::{self, OverallMatch};
use crate::settings::Wiki;
use crate::templates::Lookup;

/// Any site may read the API.
fn open(response: impl IntoResponse) -> Response {
    let mut response = response.into_response();
    response
        .headers_mut()
        .insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response
}

/// A JSON string, as the original's API answers errors (`"no such template"`).
fn json_error(status: StatusCode, message: &str) -> Response {
    open((status, axum::Json(json!(message))))
}

fn wiki_of(name: &str) -> Result<Wiki, Box<Response>> {
    Wiki::parse(name).ok_or_else(|| Box::new(json_error(StatusCode::NOT_FOUND, "no such wiki")))
}

/// Every name of the data: templates, renames and ambiguous names.
pub(super) async fn all_templates(State(state): State<AppState>) -> Response {
    open(axum::Json(state.templates.entries()))
}

/// One template; 307 for a renamed one, the list of candidates for an ambiguous name.
pub(super) async fn template(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    match state.templates.lookup(&name) {
        Lookup::Found(template) => open(axum::Json(template)),
        Lookup::Renamed(to) => open(Redirect::temporary(&format!("/api/v1/template/{to}"))),
        Lookup::Ambiguous(names) => open(axum::Json(
            names
                .iter()
                .filter_map(|name| state.templates.get(name))
                .collect::<Vec<_>>(),
        )),
        Lookup::Unknown => json_error(StatusCode::NOT_FOUND, "no such template"),
    }
}

#[derive(askama::Template, WebTemplate)]
#[template(path = "duplicates_fragment.html")]
struct DuplicatesFragment {
    page: PageContext,
    duplicates: Vec<Duplicate>,
    template_name: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct DuplicatesQuery {
    template_name: Option<String>,
}

/// Lexemes with this lemma in this language: JSON, or an HTML list when the client asks for
/// HTML; 204 when there are none.
pub(super) async fn duplicates(
    State(state): State<AppState>,
    page: PageContext,
    Path((wiki, language_code, lemma)): Path<(String, String, String)>,
    Query(query): Query<DuplicatesQuery>,
    headers: HeaderMap,
) -> Response {
    let wiki = match wiki_of(&wiki) {
        Ok(wiki) => wiki,
        Err(response) => return *response,
    };
    let reader = match state.reader(wiki).await {
        Ok(reader) => reader,
        Err(page) => return open(page),
    };
    let found = match crate::wikidata::duplicates(&reader, &language_code, &lemma).await {
        Ok(found) => found,
        Err(error) => return open(wiki_error(wiki, &error)),
    };
    if found.is_empty() {
        return open(StatusCode::NO_CONTENT);
    }
    let wants_html = headers
        .get(ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_html {
        open(DuplicatesFragment {
            page,
            duplicates: found,
            template_name: query
                .template_name
                .filter(|name| state.templates.get(name).is_some()),
        })
    } else {
        open(axum::Json(found))
    }
}

async fn lexeme_of(
    state: &AppState,
    wiki: &str,
    lexeme_id: &str,
) -> Result<(Wiki, Value), Box<Response>> {
    let wiki = wiki_of(wiki)?;
    if !crate::bulk::is_lexeme_id(lexeme_id) {
        return Err(Box::new(json_error(
            StatusCode::BAD_REQUEST,
            "not a lexeme ID",
        )));
    }
    let reader = state
        .reader(wiki)
        .await
        .map_err(|page| Box::new(open(page)))?;
    match crate::wikidata::lexeme(&reader, lexeme_id).await {
        Ok(Some(lexeme)) => Ok((wiki, lexeme)),
        Ok(None) => Err(Box::new(json_error(
            StatusCode::NOT_FOUND,
            "no such lexeme",
        ))),
        Err(error) => Err(Box::new(open(wiki_error(wiki, &error)))),
    }
}

/// How the lexeme fits each template of its wiki, by template name.
pub(super) async fn match_every_template(
    State(state): State<AppState>,
    Path((wiki, lexeme_id)): Path<(String, String)>,
) -> Response {
    let (wiki, lexeme) = match lexeme_of(&state, &wiki, &lexeme_id).await {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let matches: BTreeMap<&str, OverallMatch> = state
        .templates
        .templates()
        .filter(|template| Wiki::of(template) == wiki)
        .map(|template| {
            (
                template.name.as_str(),
                matching::match_template(template, &lexeme),
            )
        })
        .collect();
    open(axum::Json(matches))
}

/// How the lexeme fits one template (a list for an ambiguous name, 307 for a renamed one).
pub(super) async fn match_one_template(
    State(state): State<AppState>,
    Path((wiki, lexeme_id, name)): Path<(String, String, String)>,
) -> Response {
    let templates = match state.templates.lookup(&name) {
        Lookup::Unknown => return json_error(StatusCode::NOT_FOUND, "no such template"),
        Lookup::Renamed(to) => {
            return open(Redirect::temporary(&format!(
                "/api/v1/match_template_to_lexeme/{wiki}/{lexeme_id}/{to}"
            )));
        }
        Lookup::Found(template) => vec![template],
        Lookup::Ambiguous(names) => names
            .iter()
            .filter_map(|name| state.templates.get(name))
            .collect(),
    };
    let (_, lexeme) = match lexeme_of(&state, &wiki, &lexeme_id).await {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let matches: Vec<OverallMatch> = templates
        .iter()
        .map(|template| matching::match_template(template, &lexeme))
        .collect();
    match (state.templates.lookup(&name), matches.as_slice()) {
        (Lookup::Found(_), [one]) => open(axum::Json(one)),
        _ => open(axum::Json(matches)),
    }
}

#[derive(askama::Template, WebTemplate)]
#[template(path = "fragment.html")]
struct Fragment {
    page: PageContext,
    key: &'static str,
}

/// The "none of these is the same lexeme" hint of the original's duplicate check.
pub(super) async fn no_duplicate(page: PageContext, Path(_language): Path<String>) -> Response {
    Fragment {
        page,
        key: "lexeme-forms-duplicates-confirm",
    }
    .into_response()
}

/// The original's hint that advanced mode may leave forms empty.
pub(super) async fn partial_forms_hint(
    page: PageContext,
    Path(_language): Path<String>,
) -> Response {
    Fragment {
        page,
        key: "lexeme-forms-advanced-hint",
    }
    .into_response()
}
