//! SpeedPatrolling's pages.

mod diff;
mod preferences;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use platform::login::{MaybeUser, User};
use platform::mediawiki::{ClientOptions, MediaWiki, MediaWikiError};
use platform::message_syntax::escape_into;
use platform::{ErrorPage, PageContext, Session, Text, WikiRights};

use crate::patrol_state::{PatrolState, SESSION_KEY};
use crate::settings::Settings;
use crate::{scripts, wiki};

pub fn router(settings: Settings) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/diff/", get(diff::next))
        .route("/diff/{revision}/", get(diff::show))
        .route("/diff/{revision}/patrol", post(diff::patrol))
        .route("/diff/{revision}/rollback", post(diff::rollback))
        .route("/diff/{revision}/skip", post(diff::skip))
        .route("/settings/", get(preferences::show).post(preferences::save))
        .with_state(settings)
}

#[derive(Template, WebTemplate)]
#[template(path = "index.html")]
struct IndexPage {
    page: PageContext,
    logged_in: bool,
    wiki_url: String,
}

async fn index(
    axum::extract::State(settings): axum::extract::State<Settings>,
    page: PageContext,
    MaybeUser(user): MaybeUser,
) -> IndexPage {
    IndexPage {
        page,
        logged_in: user.is_some(),
        wiki_url: settings.wiki_url,
    }
}

/// The user's client for the configured wiki. Interactive: a wiki that is lagged is reported,
/// not waited for.
/// The user's rights on the patrolled wiki (not on the login wiki), cached in the session
/// for a few minutes by the platform.
async fn rights_on_wiki(user: &User, settings: &Settings) -> Result<WikiRights, ErrorPage> {
    user.rights_on(&settings.api_url())
        .await
        .map_err(wiki_error)
}

async fn wiki_as(user: &User, settings: &Settings) -> Result<MediaWiki, ErrorPage> {
    user.mediawiki(&settings.api_url(), ClientOptions::default())
        .await
        .map_err(wiki_error)
}

fn load_state(session: &Session) -> PatrolState {
    session.get(SESSION_KEY).unwrap_or_default()
}

/// Changes the user's state in their session.
fn update_state(session: &Session, change: impl FnOnce(&mut PatrolState)) {
    let mut state = load_state(session);
    change(&mut state);
    session.insert(SESSION_KEY, &state);
}

/// The scripts the user reads: their choice, or else Latin plus their Babel languages' scripts
/// (remembered as a guess, so Babel is asked once per session).
async fn readable_scripts(wiki: &MediaWiki, user: &User, session: &Session) -> Vec<String> {
    if let Some(scripts) = load_state(session).scripts() {
        return scripts.to_vec();
    }
    let languages = wiki::babel_languages(wiki, &user.identity.username).await;
    let guessed = scripts::guess_from_babel(languages.iter().map(String::as_str));
    update_state(session, |state| state.set_scripts(guessed.clone(), false));
    guessed
}

/// The wiki's refusal as a page: its own message, with a status that says whose problem it is.
fn wiki_error(error: MediaWikiError) -> ErrorPage {
    match error {
        MediaWikiError::Api { code, info } => {
            let status = if is_permission_error(&code) {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::CONFLICT
            };
            ErrorPage::new(
                status,
                Text::new("speedpatrolling-wiki-refused"),
                Text::new("speedpatrolling-wiki-error")
                    .html(wiki_text(&info))
                    .arg(code),
            )
        }
        MediaWikiError::Maxlag { info, .. } | MediaWikiError::ReadOnly { info, .. } => {
            ErrorPage::service_unavailable(
                Text::new("speedpatrolling-wiki-busy").html(wiki_text(&info)),
            )
        }
        other => {
            tracing::warn!(error = %other, "wiki request failed");
            ErrorPage::bad_gateway(Text::new("speedpatrolling-wiki-unreachable"))
        }
    }
}

/// Text the wiki supplied (a summary, an error message), escaped, as HTML for a message
/// parameter: in an element of its own whose direction is found from the text, since the tool
/// does not know the wiki's language.
fn wiki_text(text: &str) -> String {
    let mut html = String::from("<span dir=\"auto\">");
    escape_into(text, &mut html);
    html.push_str("</span>");
    html
}

fn is_permission_error(code: &str) -> bool {
    matches!(
        code,
        "permissiondenied"
            | "blocked"
            | "autoblocked"
            | "globalblocking-blockedtext"
            | "assertuserfailed"
    ) || code.starts_with("mwoauth-")
}
