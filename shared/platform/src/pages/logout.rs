//! `GET /logout`: a page with the logout button. Logging out itself is `POST /logout` (in
//! `login`), with the CSRF token, so that no other site can log anyone out; this page is what
//! a link or bookmark to `/logout` finds, as the Flask tools logged out on a GET. Registered
//! with the login routes, for every tool with login.

use askama::Template;
use axum::Router;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use crate::error::ErrorPage;
use crate::login::LOGOUT_PATH;
use crate::pages::PageContext;

pub fn routes() -> Router {
    Router::new().route(LOGOUT_PATH, get(page))
}

#[derive(Template)]
#[template(path = "logout.html")]
struct LogoutTemplate {
    page: PageContext,
}

async fn page(page: PageContext) -> Result<Response, ErrorPage> {
    let html = LogoutTemplate { page }
        .render()
        .map_err(ErrorPage::internal)?;
    Ok(Html(html).into_response())
}
