//! SpeedPatrolling's pages.

mod diff;
mod preferences;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::routing::{get, post};
use platform::login::{MaybeUser, User};
use platform::{ErrorPage, PageContext, Session};
use wikimedia::WikiRights;
use wikimedia::mediawiki::{ClientOptions, MediaWiki, MediaWikiError};

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
        .map_err(wiki_error(settings))
}

async fn wiki_as(user: &User, settings: &Settings) -> Result<MediaWiki, ErrorPage> {
    user.mediawiki(&settings.api_url(), ClientOptions::default())
        .await
        .map_err(wiki_error(settings))
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

/// The wiki's refusal or failure as the platform's page for it.
fn wiki_error(settings: &Settings) -> impl Fn(MediaWikiError) -> ErrorPage + '_ {
    |error| ErrorPage::from_wiki(settings.domain(), &error)
}
