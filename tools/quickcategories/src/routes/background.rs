//! Starting and stopping background runs. Starting asks the wiki for a separate authorization
//! (a [`Grant`]) whose tokens are sealed and stored for the runner; they never enter the session,
//! and stopping the run deletes them.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use platform::ErrorPage;
use platform::login::{Grant, Grants, Identity, User};
use platform::mediawiki::ClientOptions;
use secrecy::ExposeSecret;
use serde_json::Value;

use super::{AppState, parse_batch_id, store_error};
use crate::store::{Batch, BatchStore, Creator, SealedCredentials};

/// The group MediaWiki gives accounts that are a few days old and have made a few edits.
pub const AUTOCONFIRMED: &str = "autoconfirmed";
const PURPOSE_PREFIX: &str = "background:";

fn forbidden(title: &str, message: impl Into<String>) -> ErrorPage {
    ErrorPage::new(StatusCode::FORBIDDEN, title, message)
}

fn conflict(title: &str, message: impl Into<String>) -> ErrorPage {
    ErrorPage::new(StatusCode::CONFLICT, title, message)
}

/// Why `identity` may not start `batch` in the background now, if it may not.
fn refusal(state: &AppState, batch: &Batch, identity: &Identity) -> Option<ErrorPage> {
    let back = format!("/batch/{}/", batch.id);
    let refusal = if batch.creator.sub != identity.sub {
        forbidden(
            "Not your batch",
            format!(
                "Only {} (who created this batch) can run it.",
                batch.creator.name
            ),
        )
    } else if !identity.in_group(AUTOCONFIRMED) {
        forbidden(
            "Autoconfirmed users only",
            "Only autoconfirmed users can run batches in the background. You can still run this batch step by step from its page.",
        )
    } else if identity.blocked {
        forbidden(
            "Blocked",
            "You are blocked, so the batch cannot run in the background.",
        )
    } else if state.sealing.is_none() {
        ErrorPage::service_unavailable(
            "Background runs are not available on this installation: it has no secret key (TOOL_SECRET_KEY) to protect the stored authorizations with.",
        )
    } else if batch.active_run().is_some() {
        conflict(
            "Already running",
            "This batch is already running in the background.",
        )
    } else if batch.progress().planned == 0 {
        conflict(
            "Nothing to run",
            "Every command of this batch has run already.",
        )
    } else {
        return None;
    };
    Some(refusal.with_link(back, "Back to the batch"))
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
    if let Some(refusal) = refusal(&state, &batch, &user.identity) {
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
        .ok_or_else(|| ErrorPage::bad_request("This authorization was not asked for here."))
        .and_then(parse_batch_id)?;
    state.refuse_if_read_only()?;
    let batch = state.load_batch(id).await?;
    // Checked again with the profile the wiki just gave: groups and blocks are current.
    if let Some(refusal) = refusal(state, &batch, &grant.identity) {
        return Err(refusal);
    }
    let (Some(sealing), Some(refresh_token)) = (&state.sealing, &grant.refresh_token) else {
        return Err(ErrorPage::bad_gateway(
            "The wiki gave no refresh token, so the batch cannot run in the background.",
        ));
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
        return Err(conflict(
            "Already running",
            "This batch is already running in the background.",
        )
        .with_link(format!("/batch/{id}/"), "Back to the batch"));
    }
    tracing::info!(batch = id, user = %starter.name, "background run started");
    Ok(Redirect::to(&format!("/batch/{id}/")).into_response())
}

/// Whether the user is an administrator of the batch's wiki (asked there, with their token:
/// the login profile only knows the groups of the wiki that did the login).
async fn is_sysop_on(state: &AppState, user: &User, domain: &str) -> Result<bool, ErrorPage> {
    let wiki = user
        .mediawiki(&state.settings.api_url(domain), ClientOptions::default())
        .await
        .map_err(|error| {
            ErrorPage::bad_gateway(format!("{domain} could not be reached: {error}"))
        })?;
    let answer: Value = wiki
        .get(&[
            ("action", "query"),
            ("meta", "userinfo"),
            ("uiprop", "groups"),
        ])
        .await
        .map_err(|error| {
            ErrorPage::bad_gateway(format!(
                "{domain} could not tell whether you are an administrator there: {error}"
            ))
        })?;
    Ok(answer["query"]["userinfo"]["groups"]
        .as_array()
        .is_some_and(|groups| groups.iter().any(|g| g.as_str() == Some("sysop"))))
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
            "Not running",
            "This batch is not running in the background (it may have finished or been stopped already).",
        )
        .with_link(format!("/batch/{id}/"), "Back to the batch"));
    };
    let allowed =
        batch.creator.sub == user.identity.sub || is_sysop_on(&state, &user, &batch.domain).await?;
    if !allowed {
        return Err(forbidden(
            "Not allowed",
            format!(
                "Only {} (who created this batch) or an administrator of {} can stop it.",
                batch.creator.name, batch.domain
            ),
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
