//! The routes: the start page and its form, the item, file and region pages, IIIF, the two
//! editing endpoints the page script calls, the original's other addresses, and the static
//! files.

mod api;
mod iiif;
mod index;
mod original;
mod pages;

use axum::Router;
use axum::http::HeaderMap;
use axum::http::header::HOST;
use axum::response::Response;
use axum::routing::{get, post};
use platform::{ErrorPage, Text};
use wikimedia::mediawiki::MediaWikiError;

use crate::subject::{LoadError, Wikis};
use wikimedia::sparql::QueryService;

#[derive(Debug, Clone)]
pub struct AppState {
    wikis: Wikis,
    query_service: QueryService,
}

impl AppState {
    pub fn new(wikis: Wikis, query_service: QueryService) -> Self {
        Self {
            wikis,
            query_service,
        }
    }
}

pub const STYLESHEET: &str = "/static/wd-image-positions.css";
pub const SCRIPT: &str = "/static/wd-image-positions.js";

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(index::show).post(index::go))
        .route("/item/{id}", get(pages::item))
        .route("/item/{id}/{property}", get(pages::item_with_property))
        .route("/file/{title}", get(pages::file))
        .route("/iiif_region/{region}", get(pages::region))
        .route(
            "/iiif_region/{region}/{property}",
            get(pages::region_with_property),
        )
        .route("/iiif/{id}/manifest.json", get(iiif::manifest_of_image))
        .route("/iiif/{id}/{property}/manifest.json", get(iiif::manifest))
        .route(
            "/iiif/{id}/list/annotations.json",
            get(iiif::annotations_of_image),
        )
        .route(
            "/iiif/{id}/{property}/list/annotations.json",
            get(iiif::annotations),
        )
        .route(
            "/api/v1/depicteds_html/file/{title}",
            get(pages::file_depicteds),
        )
        .route("/api/v1/add_statement/{domain}", post(api::add_statement))
        .route("/api/v2/add_qualifier/{domain}", post(api::add_qualifier))
        .route(
            "/settings/",
            get(original::settings).post(original::settings),
        )
        .route(STYLESHEET, get(stylesheet))
        .route(SCRIPT, get(script))
        .with_state(state)
}

/// This tool's origin as the browser sees it, for the absolute URLs IIIF needs: the scheme
/// from Toolforge's front proxy (`X-Forwarded-Proto`), else `http` (local development).
fn origin(headers: &HeaderMap) -> String {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let scheme = match header("x-forwarded-proto") {
        Some("https") => "https",
        _ => "http",
    };
    let host = header(HOST.as_str())
        .filter(|host| {
            host.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}

/// A wiki's failure as the platform's page for it.
fn wiki_error(domain: &str, error: MediaWikiError) -> ErrorPage {
    ErrorPage::from_wiki(domain, &error)
}

fn load_error(error: LoadError) -> ErrorPage {
    match error {
        LoadError::NoSuchEntity(id) => {
            ErrorPage::not_found(Text::new("wd-image-positions-error-no-entity").arg(id))
                .with_link("/", Text::new("wd-image-positions-try-another"))
        }
        LoadError::NoSuchFile(name) => {
            ErrorPage::not_found(Text::new("wd-image-positions-error-no-file").arg(name))
                .with_link("/", Text::new("wd-image-positions-try-another"))
        }
        LoadError::WrongValueType { property, kind } => ErrorPage::bad_request(
            Text::new("wd-image-positions-error-wrong-type")
                .arg(property)
                .arg(kind),
        )
        .with_link("/", Text::new("wd-image-positions-try-another")),
        LoadError::Wiki { domain, error } => wiki_error(domain, error),
    }
}

async fn stylesheet() -> Response {
    platform::pages::static_file(
        "text/css; charset=utf-8",
        include_str!("../../static/wd-image-positions.css"),
    )
}

async fn script() -> Response {
    platform::pages::static_file(
        "text/javascript; charset=utf-8",
        include_str!("../../static/wd-image-positions.js"),
    )
}
