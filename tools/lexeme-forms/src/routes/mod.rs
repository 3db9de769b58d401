//! The tool's pages and its JSON API.

mod api;
mod bulk;
mod edit;
mod form;
mod index;

use std::sync::Arc;

use askama_web::WebTemplate;
use axum::Router;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use platform::login::User;
use platform::{ErrorPage, PageContext, UserAgent};
use wikimedia::mediawiki::{ClientOptions, MediaWiki, MediaWikiError};

use crate::settings::{Settings, Wiki};
use crate::templates::{Lookup, Template, Templates};

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    templates: &'static Templates,
    /// The templates by language, as the index and the unknown-name page list them: the same
    /// for every request, so grouped and sorted once.
    groups: Arc<[index::Group]>,
    settings: Arc<Settings>,
    user_agent: UserAgent,
    /// An OAuth consumer is configured: lexemes are saved (else answered as JSON).
    saves: bool,
}

impl AppState {
    pub fn new(
        templates: &'static Templates,
        settings: Settings,
        user_agent: UserAgent,
        saves: bool,
    ) -> Self {
        Self {
            templates,
            groups: index::groups(templates).into(),
            settings: Arc::new(settings),
            user_agent,
            saves,
        }
    }

    async fn reader(&self, wiki: Wiki) -> Result<MediaWiki, ErrorPage> {
        crate::wikidata::reader(&self.settings, &self.user_agent, wiki)
            .await
            .map_err(|error| wiki_error(wiki, &error))
    }

    /// An API client acting as `user` on the template's wiki.
    async fn writer(&self, user: &User, wiki: Wiki) -> Result<MediaWiki, ErrorPage> {
        let options = ClientOptions {
            // Edits back off when Wikidata's replicas lag, as bots and tools are asked to.
            maxlag: Some(5),
            ..ClientOptions::default()
        };
        user.mediawiki(&self.settings.api_url(wiki), options)
            .await
            .map_err(|error| wiki_error(wiki, &error))
    }
}

/// A wiki's refusal or failure as the platform's page for it.
fn wiki_error(wiki: Wiki, error: &MediaWikiError) -> ErrorPage {
    ErrorPage::from_wiki(wiki.domain(), error)
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(index::page))
        .route(
            "/template/{name}/",
            get(form::simple).post(form::submit_simple),
        )
        .route(
            "/template/{name}/advanced/",
            get(form::advanced).post(form::submit_advanced),
        )
        .route(
            "/template/{name}/edit/{lexeme_id}",
            get(edit::page).post(edit::submit),
        )
        .route("/template/{name}/bulk/", get(bulk::page).post(bulk::submit))
        .route("/api/v1/template/", get(api::all_templates))
        .route("/api/v1/template/{name}", get(api::template))
        .route(
            "/api/v1/duplicates/{wiki}/{language_code}/{*lemma}",
            get(api::duplicates),
        )
        .route(
            "/api/v1/match_template_to_lexeme/{wiki}/{lexeme_id}",
            get(api::match_every_template),
        )
        .route(
            "/api/v1/match_template_to_lexeme/{wiki}/{lexeme_id}/{name}",
            get(api::match_one_template),
        )
        .route(
            "/api/v1/no_duplicate/{language_code}",
            get(api::no_duplicate),
        )
        .route(
            "/api/v1/advanced_partial_forms_hint/{language_code}",
            get(api::partial_forms_hint),
        )
        // The original's settings page chose the interface language: the platform's language
        // menu does that here.
        .route(
            "/settings/",
            get(|| async { Redirect::permanent(platform::pages::LANGUAGE_PATH) }),
        )
        .route(STYLESHEET, get(stylesheet))
        .with_state(state)
}

const STYLESHEET: &str = "/static/lexeme-forms.css";

async fn stylesheet() -> Response {
    platform::pages::static_file(
        "text/css; charset=utf-8",
        include_str!("../../static/lexeme-forms.css"),
    )
}

#[derive(askama::Template, WebTemplate)]
#[template(path = "no_template.html")]
struct NoTemplatePage {
    page: PageContext,
    name: String,
    groups: Arc<[index::Group]>,
}

#[derive(askama::Template, WebTemplate)]
#[template(path = "ambiguous.html")]
struct AmbiguousPage {
    page: PageContext,
    name: String,
    /// (name, label, language code) of each template the name may mean, with the address
    /// of the same page for it.
    candidates: Vec<(String, String, String)>,
}

/// The template named in the address; else the answer: a 307 to a renamed template's address
/// (the rest of the path and the query kept, so that forms and links keep working), the
/// choices of an ambiguous name, or the 404 page with every template.
fn resolve(
    state: &AppState,
    page: PageContext,
    name: &str,
    uri: &Uri,
) -> Result<&'static Template, Box<Response>> {
    match state.templates.lookup(name) {
        Lookup::Found(template) => Ok(template),
        Lookup::Renamed(to) => Err(Box::new(
            Redirect::temporary(&renamed(uri, name, to)).into_response(),
        )),
        Lookup::Ambiguous(names) => Err(Box::new(
            AmbiguousPage {
                page,
                name: name.to_owned(),
                candidates: names
                    .iter()
                    .filter_map(|candidate| state.templates.get(candidate))
                    .map(|template| {
                        (
                            renamed(uri, name, &template.name),
                            template.label.clone(),
                            template.language_code.clone(),
                        )
                    })
                    .collect(),
            }
            .into_response(),
        )),
        Lookup::Unknown => Err(Box::new(
            (
                StatusCode::NOT_FOUND,
                NoTemplatePage {
                    page,
                    name: name.to_owned(),
                    groups: state.groups.clone(),
                },
            )
                .into_response(),
        )),
    }
}

/// `uri` with the template name `from` replaced by `to`.
fn renamed(uri: &Uri, from: &str, to: &str) -> String {
    let encoded = |name: &str| {
        percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC)
            .to_string()
            .replace("%2D", "-")
    };
    let path = uri.path().replacen(
        &format!("/{}", encoded(from)),
        &format!("/{}", encoded(to)),
        1,
    );
    match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path,
    }
}

/// The name of the fields of the forms' representations: one per form of the template, in
/// its order.
const REPRESENTATION_FIELD: &str = "form_representation";

/// The JSON a lexeme would be saved as (local development, no OAuth consumer).
fn unsaved(value: &serde_json::Value) -> Response {
    axum::Json(value).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renamed_addresses_keep_the_rest_of_the_path_and_the_query() {
        let uri: Uri = "/template/dutch-feminine-noun/advanced/?lemma=a&x=%2F"
            .parse()
            .expect("uri");
        assert_eq!(
            renamed(&uri, "dutch-feminine-noun", "dutch-noun-feminine"),
            "/template/dutch-noun-feminine/advanced/?lemma=a&x=%2F"
        );
    }
}
