//! `/preferences`: the wiki new batches start on, the wikis the form suggests, and what edits
//! do to the watchlist; per user, in the store, so that background runs use them too.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use platform::i18n::Messages;
use platform::login::{MaybeUser, User};
use platform::{ErrorPage, FormError, FormFields, PageContext, Text};

use super::new_batch::domain_error;
use super::{AppState, store_error};
use crate::preferences::{MAX_SUGGESTED_DOMAINS, PreferenceError, Preferences, Watchlist};
use crate::store::BatchStore;

#[derive(Template, WebTemplate)]
#[template(path = "preferences.html")]
pub(super) struct PreferencesPage {
    page: PageContext,
    logged_in: bool,
    default_domain: String,
    suggested_domains: String,
    watchlist: String,
    errors: Vec<FormError>,
}

impl PreferencesPage {
    /// The message that labels a watchlist choice.
    fn watchlist_key(&self, watchlist: &Watchlist) -> &'static str {
        match watchlist {
            Watchlist::Preferences => "quickcategories-preferences-watchlist-preferences",
            Watchlist::NoChange => "quickcategories-preferences-watchlist-nochange",
            Watchlist::Watch => "quickcategories-preferences-watchlist-watch",
        }
    }
}

/// A problem with the form, its domain reasons in the language of `messages`.
fn form_error(messages: &Messages, error: &PreferenceError) -> FormError {
    match error {
        PreferenceError::DefaultDomain(error) => FormError::in_field(
            "default_domain",
            Text::new("quickcategories-preferences-error-default-domain")
                .html(messages.text(&domain_error(error))),
        ),
        PreferenceError::SuggestedDomain(line, error) => FormError::in_field(
            "suggested_domains",
            Text::new("quickcategories-preferences-error-suggested-domain")
                .num(*line)
                .html(messages.text(&domain_error(error))),
        ),
        PreferenceError::TooManySuggestions => FormError::in_field(
            "suggested_domains",
            Text::new("quickcategories-preferences-error-too-many").num(MAX_SUGGESTED_DOMAINS),
        ),
        PreferenceError::Watchlist(error) => FormError::in_field(
            "watchlist",
            Text::new("quickcategories-preferences-error-watchlist").arg(&error.0),
        ),
    }
}

pub(super) async fn page(
    State(state): State<AppState>,
    page: PageContext,
    MaybeUser(user): MaybeUser,
) -> Result<PreferencesPage, ErrorPage> {
    let preferences = match &user {
        Some(user) => state
            .store
            .preferences(&user.identity.sub)
            .await
            .map_err(store_error)?,
        None => Preferences::default(),
    };
    Ok(PreferencesPage {
        page,
        logged_in: user.is_some(),
        default_domain: preferences
            .default_domain
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        suggested_domains: preferences.suggested_lines(),
        watchlist: preferences.watchlist.as_str().to_owned(),
        errors: Vec::new(),
    })
}

/// Saves the preferences and goes to the new-batch form, which shows the default wiki; or shows
/// the form again with every problem and everything typed.
pub(super) async fn save(
    State(state): State<AppState>,
    page: PageContext,
    user: User,
    fields: FormFields,
) -> Result<Response, ErrorPage> {
    let text = |name| fields.get(name).unwrap_or_default().to_owned();
    let (default_domain, suggested, watchlist) = (
        text("default_domain"),
        text("suggested_domains"),
        text("watchlist"),
    );
    match Preferences::parse(&default_domain, &suggested, &watchlist) {
        Ok(preferences) => {
            state
                .store
                .store_preferences(&user.identity.sub, &preferences)
                .await
                .map_err(store_error)?;
            Ok(Redirect::to("/").into_response())
        }
        Err(errors) => Ok((
            StatusCode::BAD_REQUEST,
            PreferencesPage {
                logged_in: true,
                default_domain,
                suggested_domains: suggested,
                watchlist,
                errors: errors
                    .iter()
                    .map(|error| form_error(&page.messages, error))
                    .collect(),
                page,
            },
        )
            .into_response()),
    }
}
