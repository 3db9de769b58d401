//! The pages: the form for a pile's number, a pile's files, and the filter that makes a new pile.

use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use futures_util::{StreamExt, stream};
use platform::{ErrorPage, FormError, FormFields, PageContext, Text, UserAgent};
use serde::Deserialize;
use wikimedia::mediawiki::{ClientOptions, MediaWiki};
use wikimedia::pagepile::{PagePile, PagePileError, Pile};
use wikimedia::sitematrix::{SITEMATRIX_DOMAIN, SiteMatrixCache};

use crate::pile_page::{self, EntryTexts};
use crate::settings::Settings;
use crate::thumbnails;

/// The only wiki whose piles this tool shows.
pub const COMMONS: &str = "commons.wikimedia.org";

#[derive(Debug, Clone)]
pub struct AppState {
    settings: Arc<Settings>,
    pagepile: PagePile,
    site_matrix: SiteMatrixCache,
    user_agent: UserAgent,
}

impl AppState {
    pub fn new(settings: Settings, pagepile: PagePile, user_agent: UserAgent) -> Self {
        Self {
            settings: Arc::new(settings),
            pagepile,
            site_matrix: SiteMatrixCache::default(),
            user_agent,
        }
    }

    async fn wiki(&self, domain: &str) -> Result<MediaWiki, ErrorPage> {
        MediaWiki::anonymous(
            &self.settings.api_url(domain),
            &self.user_agent,
            ClientOptions {
                concurrency: self.settings.thumbnail_concurrency.max(1),
                ..ClientOptions::default()
            },
        )
        .await
        .map_err(|error| unreachable(domain, &error))
    }

    /// The pile, or the page saying why there is none.
    async fn pile(&self, id: u64) -> Result<Pile, ErrorPage> {
        self.pagepile.load(id).await.map_err(|error| match error {
            PagePileError::NoSuchPile => {
                ErrorPage::not_found(Text::new("pagepile-visual-filter-error-no-pile").num(id))
                    .with_link("/", Text::new("pagepile-visual-filter-another-pile"))
            }
            error => {
                tracing::warn!(%error, id, "PagePile failed");
                ErrorPage::bad_gateway(
                    Text::new("pagepile-visual-filter-error-pagepile").arg(&error),
                )
            }
        })
    }

    /// The pile's wiki must be Commons: its database name is looked up in the site matrix.
    async fn check_on_commons(&self, id: u64, pile: &Pile) -> Result<(), ErrorPage> {
        let meta = self.wiki(SITEMATRIX_DOMAIN).await?;
        let matrix = self
            .site_matrix
            .get(&meta)
            .await
            .map_err(|error| unreachable(SITEMATRIX_DOMAIN, &error))?;
        match matrix.domain(&pile.wiki) {
            Some(COMMONS) => Ok(()),
            elsewhere => Err(ErrorPage::bad_request(
                Text::new("pagepile-visual-filter-error-not-commons")
                    .num(id)
                    .arg(elsewhere.unwrap_or(&pile.wiki)),
            )
            .with_link("/", Text::new("pagepile-visual-filter-another-pile"))),
        }
    }
}

fn unreachable(domain: &str, error: &dyn std::fmt::Display) -> ErrorPage {
    tracing::warn!(%error, domain, "wiki failed");
    ErrorPage::bad_gateway(
        Text::new("pagepile-visual-filter-error-wiki")
            .arg(domain)
            .arg(error),
    )
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/pagepile/", get(to_pile))
        .route("/pagepile/{id}/", get(pile))
        // Flask sent the address without its trailing slash to the one with it.
        .route("/pagepile/{id}", get(with_slash))
        .route("/pagepile/{id}/filter", post(filter))
        .route(STYLESHEET, get(stylesheet))
        .route(SCRIPT, get(script))
        .with_state(state)
}

const STYLESHEET: &str = "/static/pagepile-visual-filter.css";
const SCRIPT: &str = "/static/pagepile-visual-filter.js";

#[derive(Template, WebTemplate)]
#[template(path = "index.html")]
struct IndexPage {
    page: PageContext,
    pile: String,
    error: Option<FormError>,
}

async fn index(page: PageContext) -> IndexPage {
    IndexPage {
        page,
        pile: String::new(),
        error: None,
    }
}

#[derive(Deserialize)]
struct PileQuery {
    #[serde(default)]
    page_pile_id: Option<String>,
}

/// The form's target: `/pagepile/?page_pile_id=N` → `/pagepile/N/`; without a number, back to
/// the form; anything else, the form again with the error.
async fn to_pile(page: PageContext, Query(query): Query<PileQuery>) -> Response {
    let typed = query.page_pile_id.unwrap_or_default().trim().to_owned();
    if typed.is_empty() {
        return Redirect::to("/").into_response();
    }
    match parse_id(&typed) {
        Some(id) => Redirect::to(&format!("/pagepile/{id}/")).into_response(),
        None => (
            StatusCode::BAD_REQUEST,
            IndexPage {
                page,
                error: Some(FormError::in_field(
                    "page_pile_id",
                    Text::new("pagepile-visual-filter-error-number").arg(&typed),
                )),
                pile: typed,
            },
        )
            .into_response(),
    }
}

fn parse_id(text: &str) -> Option<u64> {
    text.parse::<u64>().ok().filter(|&id| id > 0)
}

fn id_or_400(text: &str) -> Result<u64, ErrorPage> {
    parse_id(text).ok_or_else(|| {
        ErrorPage::bad_request(Text::new("pagepile-visual-filter-error-number").arg(text))
            .with_link("/", Text::new("pagepile-visual-filter-another-pile"))
    })
}

async fn with_slash(Path(id): Path<String>, uri: Uri) -> Result<Redirect, ErrorPage> {
    let id = id_or_400(&id)?;
    Ok(match uri.query() {
        Some(query) => Redirect::permanent(&format!("/pagepile/{id}/?{query}")),
        None => Redirect::permanent(&format!("/pagepile/{id}/")),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "pile.html")]
struct PilePage {
    page: PageContext,
    id: u64,
    count: usize,
    pile_url: String,
}

/// The pile's files, streamed (see `pile_page`).
async fn pile(
    State(state): State<AppState>,
    page: PageContext,
    Path(id): Path<String>,
) -> Result<Response, ErrorPage> {
    let id = id_or_400(&id)?;
    let pile = state.pile(id).await?;
    state.check_on_commons(id, &pile).await?;
    let commons = state.wiki(COMMONS).await?;
    let texts = EntryTexts {
        no_thumbnail: page.msg("pagepile-visual-filter-no-thumbnail").plain(),
        unavailable: page
            .msg("pagepile-visual-filter-thumbnail-unavailable")
            .plain(),
    };
    let rendered = PilePage {
        page,
        id,
        count: pile.pages.len(),
        pile_url: state.pagepile.pile_page_url(id),
    }
    .render()
    .map_err(|error| ErrorPage::internal(format!("the pile page: {error}")))?;
    let Some((before, after)) = pile_page::split(&rendered) else {
        return Err(ErrorPage::internal(
            "the pile page has no place for its files",
        ));
    };
    let (before, after) = (before.to_owned(), after.to_owned());
    let files = thumbnails::entries(commons, pile.pages, state.settings.thumbnail_concurrency)
        .map(move |chunk| pile_page::render_files(&chunk, &texts));
    let body = stream::once(async move { before })
        .chain(files)
        .chain(stream::once(async move { after }))
        .map(|html| Ok::<_, Infallible>(Bytes::from(html)));
    Ok((
        [(
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        Body::from_stream(body),
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "no_change.html")]
struct NoChangePage {
    page: PageContext,
    id: u64,
    /// Nothing was ticked (else: everything was).
    nothing: bool,
}

/// A new pile of the ticked files (in the pile's order), and the browser sent to it; nothing or
/// everything ticked makes no pile.
async fn filter(
    State(state): State<AppState>,
    page: PageContext,
    Path(id): Path<String>,
    fields: FormFields,
) -> Result<Response, ErrorPage> {
    let id = id_or_400(&id)?;
    let ticked: HashSet<&str> = fields.get_all("file").collect();
    let pile = state.pile(id).await?;
    // Only the pile's own pages: a title sent that is not in the pile is no choice of its files.
    let kept: Vec<&str> = pile
        .pages
        .iter()
        .map(String::as_str)
        .filter(|title| ticked.contains(title))
        .collect();
    if kept.is_empty() || kept.len() == pile.pages.len() {
        return Ok(NoChangePage {
            page,
            id,
            nothing: kept.is_empty(),
        }
        .into_response());
    }
    match state.pagepile.create(&pile.wiki, &kept).await {
        Ok(new) => Ok(Redirect::to(&state.pagepile.pile_page_url(new)).into_response()),
        Err(error) => {
            tracing::warn!(%error, id, "PagePile could not make the new pile");
            Err(ErrorPage::bad_gateway(
                Text::new("pagepile-visual-filter-error-pagepile").arg(&error),
            )
            .with_link(
                format!("/pagepile/{id}/"),
                Text::new("pagepile-visual-filter-back-to-pile").num(id),
            ))
        }
    }
}

async fn stylesheet() -> Response {
    platform::pages::static_file(
        "text/css; charset=utf-8",
        include_str!("../static/pagepile-visual-filter.css"),
    )
}

async fn script() -> Response {
    platform::pages::static_file(
        "text/javascript; charset=utf-8",
        include_str!("../static/pagepile-visual-filter.js"),
    )
}
