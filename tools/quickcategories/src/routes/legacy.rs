//! The addresses of the original QuickCategories (Lucas Werkmeister's Flask tool) that are not
//! this tool's own. Each answers with a permanent redirect (308: a browser sends the same
//! request again, a POST with its body) to the page that does the same here, keeping the query
//! string, so that bookmarks, links on wikis and scripts written for the original keep working.
//! The original's addresses that are the same here are ordinary routes of [`super::router`]
//! (and `GET /logout`, the platform's page with the logout button); the README lists them all.

use axum::Router;
use axum::extract::Path;
use axum::http::Uri;
use axum::response::Redirect;
use axum::routing::{get, post};
use platform::ErrorPage;

use super::{AppState, parse_batch_id};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        // The original's new-batch form posted here; ours posts to `/`. The platform has
        // checked the CSRF token already, and checks it again when the browser re-sends the
        // form (token included) to `/`.
        .route("/batch/new/commands", post(new_batch_from_commands))
        .route(
            "/batch/{id}/export/titles/all.txt",
            get(|Path(id): Path<String>, uri: Uri| async move {
                batch_moved(&id, "export/titles.txt", &uri)
            }),
        )
        .route(
            "/batch/{id}/export/tpsv/all.txt",
            get(|Path(id): Path<String>, uri: Uri| async move {
                batch_moved(&id, "export/tpsv.txt", &uri)
            }),
        )
        // Flask sends an address without its trailing slash to the one with it.
        .route(
            "/batch",
            get(|uri: Uri| async move { moved("/batch/", &uri) }),
        )
        .route(
            "/batch/{id}",
            get(|Path(id): Path<String>, uri: Uri| async move { batch_moved(&id, "", &uri) }),
        )
        .route(
            "/batch/{id}/export",
            get(
                |Path(id): Path<String>, uri: Uri| async move { batch_moved(&id, "export/", &uri) },
            ),
        )
}

async fn new_batch_from_commands(uri: Uri) -> Redirect {
    moved("/", &uri)
}

/// A permanent redirect to `path`, with the query string of the request.
fn moved(path: &str, uri: &Uri) -> Redirect {
    match uri.query() {
        Some(query) => Redirect::permanent(&format!("{path}?{query}")),
        None => Redirect::permanent(path),
    }
}

/// A permanent redirect to `/batch/{id}/{rest}`; 400 for a number that is no batch number (so
/// that nothing of the request but a number goes into the `Location`).
fn batch_moved(id: &str, rest: &str, uri: &Uri) -> Result<Redirect, ErrorPage> {
    let id = parse_batch_id(id)?;
    Ok(moved(&format!("/batch/{id}/{rest}"), uri))
}
