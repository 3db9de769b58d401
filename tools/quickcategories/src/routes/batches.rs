//! `/batch/`: the list, one batch, and running the next slice of it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Redirect;
use platform::login::{MaybeUser, User};
use platform::mediawiki::{ClientOptions, MediaWiki};
use platform::{ErrorPage, PageContext};
use serde::Deserialize;

use super::{AppState, format_time, parse_batch_id, store_error};
use crate::execute;
use crate::store::{
    BackgroundRun, Batch, BatchId, BatchStore, BatchSummary, CommandStatus, FINISHED, Outcome,
    Progress, Store, StoreError, StoredCommand, now,
};
use crate::wikitext::CategoryNamespace;

pub const MAX_LIMIT: u64 = 500;
const DEFAULT_LIMIT: u64 = 50;

#[derive(Debug, Deserialize)]
pub(super) struct Paging {
    offset: Option<String>,
    limit: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "batches.html")]
pub(super) struct BatchListPage {
    page: PageContext,
    batches: Vec<BatchSummary>,
    total: u64,
    offset: u64,
    previous: Option<String>,
    next: Option<String>,
}

impl BatchListPage {
    fn time(&self, seconds: &i64) -> String {
        format_time(*seconds)
    }
}

fn parse_paging(paging: &Paging) -> Result<(u64, u64), ErrorPage> {
    let offset = match paging.offset.as_deref() {
        None | Some("") => 0,
        Some(text) => text.parse::<u64>().map_err(|_| {
            ErrorPage::bad_request(format!(
                "offset must be a whole number of 0 or more, not “{text}”."
            ))
        })?,
    };
    let limit = match paging.limit.as_deref() {
        None | Some("") => DEFAULT_LIMIT,
        Some(text) => text
            .parse::<u64>()
            .ok()
            .filter(|limit| (1..=MAX_LIMIT).contains(limit))
            .ok_or_else(|| {
                ErrorPage::bad_request(format!(
                    "limit must be from 1 to {MAX_LIMIT}, not “{text}”."
                ))
            })?,
    };
    Ok((offset, limit))
}

pub(super) async fn list(
    State(state): State<AppState>,
    page: PageContext,
    Query(paging): Query<Paging>,
) -> Result<BatchListPage, ErrorPage> {
    let (offset, limit) = parse_paging(&paging)?;
    let (batches, total) = state
        .store
        .list_batches(offset, limit)
        .await
        .map_err(store_error)?;
    let previous = (offset > 0).then(|| {
        format!(
            "/batch/?offset={}&limit={limit}",
            offset.saturating_sub(limit)
        )
    });
    let next = (offset + limit < total)
        .then(|| format!("/batch/?offset={}&limit={limit}", offset + limit));
    Ok(BatchListPage {
        page,
        batches,
        total,
        offset,
        previous,
        next,
    })
}

/// One command as the batch page shows it.
pub(super) struct CommandRow {
    number: usize,
    text: String,
    status: &'static str,
    /// CSS class: planned, pending, success, failure.
    class: &'static str,
    detail: String,
    revision_url: Option<String>,
}

fn describe(
    domain: &str,
    status: &CommandStatus,
) -> (&'static str, &'static str, String, Option<String>) {
    let diff = |revision: &u64| Some(format!("https://{domain}/w/index.php?diff={revision}"));
    match status {
        CommandStatus::Planned => ("planned", "planned", String::new(), None),
        CommandStatus::Pending => ("running", "pending", String::new(), None),
        CommandStatus::Done(outcome) => {
            let class = if outcome.is_success() {
                "success"
            } else {
                "failure"
            };
            match outcome {
                Outcome::Edited { revision } => (
                    "edited",
                    class,
                    format!("revision {revision}"),
                    diff(revision),
                ),
                Outcome::Created { revision } => (
                    "page created",
                    class,
                    format!("revision {revision}"),
                    diff(revision),
                ),
                Outcome::NoChange => ("no change needed", class, String::new(), None),
                Outcome::PageMissing => ("page does not exist", class, String::new(), None),
                Outcome::InvalidTitle => ("invalid title", class, String::new(), None),
                Outcome::Protected { info } => ("page protected", class, info.clone(), None),
                Outcome::EditConflict => (
                    "edit conflict",
                    class,
                    "the page changed while it was edited".to_owned(),
                    None,
                ),
                Outcome::Maxlag { info } => ("wiki lagged (maxlag)", class, info.clone(), None),
                Outcome::ReadOnly { info } => ("wiki read-only", class, info.clone(), None),
                Outcome::Blocked { info } => ("you are blocked", class, info.clone(), None),
                Outcome::Failed { code, info } => {
                    ("error", class, format!("{info} ({code})"), None)
                }
            }
        }
    }
}

/// The active background run as the batch page shows it.
pub(super) struct ActiveRun {
    started_by: String,
    started: String,
    /// Why and until when the batch waits, if it does.
    waiting: Option<String>,
}

/// One line of the background history.
pub(super) struct RunRow {
    started_by: String,
    started: String,
    /// How it ended; empty while it runs.
    ended: String,
}

fn run_row(run: &BackgroundRun) -> RunRow {
    RunRow {
        started_by: run.started_by.clone(),
        started: format_time(run.started_at),
        ended: match &run.stopped {
            None => String::new(),
            Some(stop) => match &stop.by {
                Some(by) => format!("stopped by {by} on {}", format_time(stop.at)),
                None => format!("ended on {}: {}", format_time(stop.at), stop.reason),
            },
        },
    }
}

/// Seconds between reloads of the page of a batch running in the background.
const REFRESH_SECONDS: u32 = 10;

#[derive(Template, WebTemplate)]
#[template(path = "batch.html")]
pub(super) struct BatchPage {
    page: PageContext,
    id: u64,
    domain: String,
    title: String,
    creator: String,
    created: String,
    progress: Progress,
    rows: Vec<CommandRow>,
    can_run: bool,
    is_creator: bool,
    read_only: Option<String>,
    active_run: Option<ActiveRun>,
    history: Vec<RunRow>,
    /// Why the last run ended, when the runner ended it early (blocked, authorization revoked).
    stopped_early: Option<String>,
    can_start: bool,
    logged_in: bool,
    refresh_seconds: u32,
}

pub(super) async fn show(
    State(state): State<AppState>,
    page: PageContext,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
) -> Result<BatchPage, ErrorPage> {
    let id = parse_batch_id(&id)?;
    let batch: Batch = state.load_batch(id).await?;
    let progress = batch.progress();
    let is_creator = user
        .as_ref()
        .is_some_and(|u| u.identity.sub == batch.creator.sub);
    let rows = batch
        .commands
        .iter()
        .enumerate()
        .map(|(index, command)| {
            let (status, class, detail, revision_url) = describe(&batch.domain, &command.status);
            CommandRow {
                number: index + 1,
                text: command.command.to_string(),
                status,
                class,
                detail,
                revision_url,
            }
        })
        .collect();
    let active_run = batch.active_run().map(|run| ActiveRun {
        started_by: run.started_by.clone(),
        started: format_time(run.started_at),
        waiting: run
            .suspended
            .as_ref()
            .filter(|suspension| suspension.until > now())
            .map(|suspension| {
                format!(
                    "waiting until {}: {}",
                    format_time(suspension.until),
                    suspension.reason
                )
            }),
    });
    let stopped_early = batch
        .background
        .last()
        .and_then(|run| run.stopped.as_ref())
        .filter(|stop| stop.by.is_none() && stop.reason != FINISHED)
        .map(|stop| stop.reason.clone());
    let writable = state.settings.read_only().is_none();
    let idle = active_run.is_none() && progress.planned > 0 && writable;
    Ok(BatchPage {
        page,
        id,
        domain: batch.domain,
        title: batch.title,
        creator: batch.creator.name,
        created: format_time(batch.created_at),
        can_run: is_creator && idle,
        can_start: is_creator && idle && state.sealing.is_some(),
        progress,
        rows,
        is_creator,
        read_only: state.settings.read_only().map(str::to_owned),
        history: batch.background.iter().rev().map(run_row).collect(),
        active_run,
        stopped_early,
        logged_in: user.is_some(),
        refresh_seconds: REFRESH_SECONDS,
    })
}

/// Runs the next few planned commands now, as the logged-in creator.
pub(super) async fn run_slice(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
) -> Result<Redirect, ErrorPage> {
    let id = parse_batch_id(&id)?;
    state.refuse_if_read_only()?;
    let batch = state.load_batch(id).await?;
    if batch.creator.sub != user.identity.sub {
        return Err(ErrorPage::new(
            StatusCode::FORBIDDEN,
            "Not your batch",
            format!(
                "Only {} (who created this batch) can run it.",
                batch.creator.name
            ),
        ));
    }
    if batch.active_run().is_some() {
        return Err(ErrorPage::new(
            StatusCode::CONFLICT,
            "Running in the background",
            "This batch is running in the background; stop that first to run it step by step.",
        )
        .with_link(format!("/batch/{id}/"), "Back to the batch"));
    }
    let options = ClientOptions {
        // Bots and batch tools are asked to back off when replicas lag.
        maxlag: Some(5),
        ..ClientOptions::default()
    };
    let wiki = user
        .mediawiki(&state.settings.api_url(&batch.domain), options)
        .await
        .map_err(|error| {
            ErrorPage::bad_gateway(format!("{} could not be reached: {error}", batch.domain))
        })?;
    let namespace = state
        .siteinfo
        .category_namespace(&batch.domain, &wiki)
        .await
        .map_err(|error| {
            ErrorPage::bad_gateway(format!(
                "{} could not be asked about its namespaces: {error}",
                batch.domain
            ))
        })?;
    let commands = state
        .store
        .take_planned(id, state.settings.slice_size)
        .await
        .map_err(store_error)?;
    // The slice runs in a task of its own, which the request only waits for: when the request
    // is dropped (the platform's timeout, a closed browser tab) the task still stores every
    // outcome and gives back what it does not run, instead of leaving its commands pending.
    let slice = tokio::spawn(run_commands(
        state.store.clone(),
        wiki,
        namespace,
        batch.domain,
        id,
        commands,
    ));
    match slice.await {
        Ok(Ok(())) => Ok(Redirect::to(&format!("/batch/{id}/"))),
        Ok(Err(SliceStop::Wait(reason))) => Err(ErrorPage::service_unavailable(format!(
            "{reason}. The commands not run yet are still planned; please try again in a few minutes."
        ))
        .with_link(format!("/batch/{id}/"), "Back to the batch")),
        Ok(Err(SliceStop::Store(error))) => Err(store_error(error)),
        // A panic: what the task did not store stays pending until `take_planned` plans it
        // again (`WEB_CLAIM_TIMEOUT_SECONDS`).
        Err(error) => Err(ErrorPage::internal(format!(
            "the slice of batch {id} failed: {error}"
        ))),
    }
}

/// Why a slice ended before its last command.
#[derive(Debug)]
enum SliceStop {
    /// The wiki asks everyone to wait (the reason, for the user); the commands not run are
    /// planned again.
    Wait(String),
    /// An outcome could not be stored.
    Store(StoreError),
}

/// Runs a slice's commands, in order, storing each outcome. Whatever it does not store is given
/// back (planned again) where the store lets it.
async fn run_commands(
    store: Store,
    wiki: MediaWiki,
    namespace: CategoryNamespace,
    domain: String,
    batch: BatchId,
    commands: Vec<StoredCommand>,
) -> Result<(), SliceStop> {
    let mut commands = commands.into_iter();
    while let Some(command) = commands.next() {
        let outcome = execute::run(&wiki, &namespace, batch, &command.command).await;
        // The wiki asks everyone to wait: not the command's fault, so it stays planned (with
        // the rest of the slice) instead of being marked failed.
        let wait = match &outcome {
            Outcome::Maxlag { info } => Some(format!("{domain} is lagged ({info})")),
            Outcome::ReadOnly { info } => Some(format!("{domain} is read-only ({info})")),
            _ => None,
        };
        if let Some(reason) = wait {
            give_back(&store, batch, std::iter::once(command).chain(commands))
                .await
                .map_err(SliceStop::Store)?;
            return Err(SliceStop::Wait(reason));
        }
        if let Err(error) = store.finish_command(command.id, &outcome).await {
            // Logged here as well as on the error page: the request may be gone already.
            tracing::warn!(%error, batch, command = command.id, "could not store an outcome");
            // The command whose outcome was lost goes back too: running it again changes
            // nothing more on the wiki and stores an outcome this time. A failure to give back
            // is logged by `give_back`; the user is told about the first error.
            let _ = give_back(&store, batch, std::iter::once(command).chain(commands)).await;
            return Err(SliceStop::Store(error));
        }
    }
    Ok(())
}

/// Plans `commands` again, in order. Stops at the first failure: the database is most likely
/// down, and each further attempt would only wait for it again; the rest stay pending until the
/// next `take_planned` of the batch plans them again (`WEB_CLAIM_TIMEOUT_SECONDS`).
async fn give_back(
    store: &Store,
    batch: BatchId,
    mut commands: impl Iterator<Item = StoredCommand>,
) -> Result<(), StoreError> {
    while let Some(command) = commands.next() {
        if let Err(error) = store.release_command(command.id).await {
            tracing::warn!(
                %error,
                batch,
                command = command.id,
                left_pending = 1 + commands.count(),
                "could not plan the rest of a slice again; it stays pending until its web claims time out"
            );
            return Err(error);
        }
    }
    Ok(())
}
