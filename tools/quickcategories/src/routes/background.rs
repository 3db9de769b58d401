//! Starting and stopping background runs. Starting asks the wiki for a separate authorization
//! (a [`Grant`]) whose tokens are sealed and stored for the runner; they never enter the session,
//! and stopping the run deletes them.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use platform::login::{Grant, Grants, Identity, User};
use platform::{ErrorPage, Gender, Text};
use secrecy::ExposeSecret;
use wikimedia::WikiRights;
use wikimedia::mediawiki::{ClientOptions, MediaWiki, MediaWikiError};

use super::{AppState, back_to_batch, not_your_batch, parse_batch_id, store_error};
use crate::store::{Batch, BatchStore, Creator, SealedCredentials};

/// The group MediaWiki gives accounts that are a few days old and have made a few edits.
pub const AUTOCONFIRMED: &str = "autoconfirmed";
/// Administrators of a batch's wiki may stop its background run.
pub const SYSOP: &str = "sysop";
const PURPOSE_PREFIX: &str = "background:";

fn forbidden(title: Text, message: Text) -> ErrorPage {
    ErrorPage::new(StatusCode::FORBIDDEN, title, message)
}

fn conflict(title: Text, message: Text) -> ErrorPage {
    ErrorPage::new(StatusCode::CONFLICT, title, message)
}

fn already_running() -> ErrorPage {
    conflict(
        Text::new("quickcategories-error-already-running-title"),
        Text::new("quickcategories-error-already-running"),
    )
}

/// Why `identity`, with `rights` on the batch's wiki, may not start `batch` in the background
/// now, if it may not.
fn refusal(
    state: &AppState,
    batch: &Batch,
    identity: &Identity,
    rights: &WikiRights,
) -> Option<ErrorPage> {
    let back = format!("/batch/{}/", batch.id);
    let refusal = if batch.creator.sub != identity.sub {
        not_your_batch(batch)
    } else if !rights.in_group(AUTOCONFIRMED) {
        forbidden(
            Text::new("quickcategories-error-autoconfirmed-title"),
            Text::new("quickcategories-error-autoconfirmed").arg(&batch.domain),
        )
    } else if rights.blocked {
        forbidden(
            Text::new("quickcategories-error-blocked-title"),
            Text::new("quickcategories-error-blocked")
                .user(&identity.username, Gender::Unknown)
                .arg(&batch.domain),
        )
    } else if state.sealing.is_none() {
        ErrorPage::service_unavailable(Text::new("quickcategories-error-no-secret-key"))
    } else if batch.active_run().is_some() {
        already_running()
    } else if batch.progress().planned == 0 {
        conflict(
            Text::new("quickcategories-error-nothing-to-run-title"),
            Text::new("quickcategories-error-nothing-to-run"),
        )
    } else {
        return None;
    };
    Some(refusal.with_link(back, back_to_batch()))
}

/// `POST /batch/{id}/start_background`: checks, then asks the wiki for the authorization.
pub(super) async fn start(
    State(state): State<AppState>,
    user: User,
    grants: Grants,
    Path(id): Path<String>,
) -> Result<Response, ErrorPage> {
    let id = parse_batch_id(&id)?;
    state.refuse_if_read_only()?;
    let batch = state.load_batch(id).await?;
    let rights = user
        .rights_on(&state.settings.api_url(&batch.domain))
        .await
        .map_err(|error| unreachable_wiki(&batch.domain, &error))?;
    if let Some(refusal) = refusal(&state, &batch, &user.identity, &rights) {
        return Err(refusal);
    }
    grants.request(&format!("{PURPOSE_PREFIX}{id}"))
}

/// The wiki granted the authorization: seal and store it, and the run starts.
pub(crate) async fn granted(state: AppState, grant: Grant) -> Response {
    match store_grant(&state, grant).await {
        Ok(response) => response,
        Err(page) => page.into_response(),
    }
}

async fn store_grant(state: &AppState, grant: Grant) -> Result<Response, ErrorPage> {
    let id = grant
        .purpose
        .strip_prefix(PURPOSE_PREFIX)
        .ok_or_else(|| ErrorPage::bad_request(Text::new("quickcategories-error-grant-not-asked")))
        .and_then(parse_batch_id)?;
    state.refuse_if_read_only()?;
    let batch = state.load_batch(id).await?;
    // Checked again with the new authorization, on the batch's wiki: groups and blocks are
    // current, and are the ones of the wiki the runner will edit.
    let api_url = state.settings.api_url(&batch.domain);
    let rights = async {
        let wiki = MediaWiki::authenticated(
            &api_url,
            &state.user_agent,
            grant.access_token.expose_secret(),
            ClientOptions::default(),
        )
        .await?;
        WikiRights::fetch(&wiki).await
    }
    .await
    .map_err(|error| unreachable_wiki(&batch.domain, &error))?;
    if let Some(refusal) = refusal(state, &batch, &grant.identity, &rights) {
        return Err(refusal);
    }
    let (Some(sealing), Some(refresh_token)) = (&state.sealing, &grant.refresh_token) else {
        return Err(ErrorPage::bad_gateway(Text::new(
            "quickcategories-error-no-refresh-token",
        )));
    };
    let credentials = SealedCredentials {
        access_token: sealing.seal(grant.access_token.expose_secret()),
        refresh_token: sealing.seal(refresh_token.expose_secret()),
        access_expires_at: grant.expires_at,
    };
    let starter = Creator {
        name: grant.identity.username.clone(),
        sub: grant.identity.sub.clone(),
    };
    let started = state
        .store
        .start_background(id, &starter, &credentials)
        .await
        .map_err(store_error)?;
    if started.is_none() {
        return Err(already_running().with_link(format!("/batch/{id}/"), back_to_batch()));
    }
    tracing::info!(batch = id, user = %starter.name, "background run started");
    Ok(Redirect::to(&format!("/batch/{id}/")).into_response())
}

fn unreachable_wiki(domain: &str, error: &MediaWikiError) -> ErrorPage {
    ErrorPage::bad_gateway(
        Text::new("quickcategories-error-rights-unknown")
            .arg(domain)
            .arg(error),
    )
}

/// `POST /batch/{id}/stop_background`: the creator, or an administrator of the batch's wiki.
pub(super) async fn stop(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
) -> Result<Redirect, ErrorPage> {
    let id = parse_batch_id(&id)?;
    let batch = state.load_batch(id).await?;
    let Some(run) = batch.active_run() else {
        return Err(conflict(
            Text::new("quickcategories-error-not-running-title"),
            Text::new("quickcategories-error-not-running"),
        )
        .with_link(format!("/batch/{id}/"), back_to_batch()));
    };
    // An administrator of the batch's wiki, asked there: a sysop of the login wiki is not one.
    let allowed = batch.creator.sub == user.identity.sub
        || user
            .rights_on(&state.settings.api_url(&batch.domain))
            .await
            .map_err(|error| unreachable_wiki(&batch.domain, &error))?
            .in_group(SYSOP);
    if !allowed {
        return Err(ErrorPage::forbidden(
            Text::new("quickcategories-error-stop-not-allowed")
                .user(&batch.creator.name, Gender::Unknown)
                .arg(&batch.domain),
        ));
    }
    let name = &user.identity.username;
    state
        .store
        .stop_run(run.id, Some(name), &format!("stopped by {name}"))
        .await
        .map_err(store_error)?;
    tracing::info!(batch = id, user = %name, "background run stopped");
    Ok(Redirect::to(&format!("/batch/{id}/")))
}
