//! The routes: the start page and its form, the item, file and region pages, IIIF, the two
//! editing endpoints the page script calls, the original's other addresses, and the static
//! files.

mod api;
mod iiif;
mod index;
mod original;
mod pages;

use axum::Router;
use axum::http::header::HOST;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use platform::mediawiki::MediaWikiError;
use platform::message_syntax::escape_into;
use platform::{ErrorPage, Text};

use crate::sparql::QueryService;
use crate::subject::{LoadError, Wikis};

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

/// Text a wiki supplied, escaped, in an element whose direction is its own.
fn wiki_text(text: &str) -> String {
    let mut html = String::from("<span dir=\"auto\">");
    escape_into(text, &mut html);
    html.push_str("</span>");
    html
}

/// A wiki's failure as a page: a refusal says the wiki's own message, anything else is a 502.
fn wiki_error(domain: &str, error: MediaWikiError) -> ErrorPage {
    match error {
        MediaWikiError::Api { code, info } => ErrorPage::new(
            if is_permission_error(&code) {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::CONFLICT
            },
            Text::new("wd-image-positions-error-refused-title"),
            Text::new("wd-image-positions-error-refused")
                .arg(domain)
                .html(wiki_text(&info))
                .arg(code),
        ),
        MediaWikiError::Maxlag { info, .. } | MediaWikiError::ReadOnly { info, .. } => {
            ErrorPage::service_unavailable(
                Text::new("wd-image-positions-error-busy")
                    .arg(domain)
                    .html(wiki_text(&info)),
            )
        }
        other => {
            tracing::warn!(error = %other, domain, "wiki request failed");
            ErrorPage::bad_gateway(Text::new("wd-image-positions-error-unreachable").arg(domain))
        }
    }
}

fn is_permission_error(code: &str) -> bool {
    matches!(
        code,
        "permissiondenied" | "blocked" | "autoblocked" | "protectedpage" | "assertuserfailed"
    ) || code.starts_with("mwoauth-")
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
