//! The language menu (`/language`, linked from every page's footer): a page of its own with a
//! POST form, so that the layout needs no form, no CSRF token and no session on every page. The
//! choice is stored in the session, where `language_choice` finds it.

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::error::ErrorPage;
use crate::i18n::language::{self, KEYS_CODE};
use crate::i18n::{Catalog, Text};
use crate::pages::form::FormFields;
use crate::pages::language_choice::SESSION_KEY;
use crate::pages::{LANGUAGE_PATH, PageContext};
use crate::security::redirect::safe_return_path;
use crate::security::session::Session;

/// `/language`: the menu (GET) and the choice (POST).
pub fn routes(catalog: Arc<Catalog>) -> Router {
    Router::new()
        .route(LANGUAGE_PATH, get(menu).post(choose_language))
        .with_state(catalog)
}

#[derive(Debug, Deserialize)]
struct MenuQuery {
    return_to: Option<String>,
}

#[derive(Template)]
#[template(path = "language.html")]
struct MenuTemplate<'a> {
    page: PageContext,
    /// Code, name in itself, writing direction.
    languages: Vec<(&'a str, &'static str, &'static str)>,
    return_to: String,
}

async fn menu(
    State(catalog): State<Arc<Catalog>>,
    page: PageContext,
    Query(query): Query<MenuQuery>,
) -> Result<Response, ErrorPage> {
    let template = MenuTemplate {
        languages: catalog
            .languages()
            .into_iter()
            .map(|(code, name)| (code, name, language::direction(code)))
            .collect(),
        return_to: safe_return_path(query.return_to.as_deref()),
        page,
    };
    let html = template.render().map_err(ErrorPage::internal)?;
    Ok(Html(html).into_response())
}

#[derive(Debug, Deserialize)]
struct Choice {
    language: String,
    return_to: Option<String>,
}

async fn choose_language(
    State(catalog): State<Arc<Catalog>>,
    session: Session,
    form: FormFields,
) -> Result<Response, ErrorPage> {
    let choice: Choice = form.deserialize()?;
    let return_to = safe_return_path(choice.return_to.as_deref());
    if choice.language.is_empty() {
        // "The browser's language": forget the stored choice.
        session.remove(SESSION_KEY);
        return Ok(Redirect::to(&return_to).into_response());
    }
    let code = language::normalize(&choice.language)
        .filter(|code| catalog.has_language(code) || code == KEYS_CODE)
        .ok_or_else(|| {
            ErrorPage::bad_request(Text::new("platform-language-unknown").arg(&choice.language))
        })?;
    session.insert(SESSION_KEY, &code);
    Ok(Redirect::to(&return_to).into_response())
}
