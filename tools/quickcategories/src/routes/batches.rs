//! `/batch/`: the list, one batch, and running the next slice of it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Redirect;
use platform::i18n::message_syntax::isolated;
use platform::login::{MaybeUser, User};
use platform::{ErrorPage, PageContext, Text};
use serde::Deserialize;
use wikimedia::mediawiki::ClientOptions;

use super::{AppState, back_to_batch, format_time, not_your_batch, parse_batch_id, store_error};
use crate::domain::content_language;
use crate::execute;
use crate::reason::RunReason;
use crate::runner::slice::{self, SliceStop};
use crate::store::{
    BackgroundRun, Batch, BatchStore, BatchSummary, CommandStatus, FINISHED, Outcome, Progress, now,
};

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
            ErrorPage::bad_request(Text::new("quickcategories-error-offset").arg(text))
        })?,
    };
    let limit = match paging.limit.as_deref() {
        None | Some("") => DEFAULT_LIMIT,
        Some(text) => text
            .parse::<u64>()
            .ok()
            .filter(|limit| (1..=MAX_LIMIT).contains(limit))
            .ok_or_else(|| {
                ErrorPage::bad_request(
                    Text::new("quickcategories-error-limit")
                        .num(MAX_LIMIT)
                        .arg(text),
                )
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
    status: Text,
    /// CSS class: planned, pending, success, failure.
    class: &'static str,
    detail: Option<Detail>,
    revision_url: Option<String>,
}

/// More about a command's outcome, after its status.
pub(super) enum Detail {
    /// In the tool's words.
    Text(Text),
    /// The wiki's own message, as it is; with the error code for a failure the tool has no
    /// status of its own for.
    Wiki { info: String, code: Option<String> },
}

fn describe(
    domain: &str,
    status: &CommandStatus,
) -> (Text, &'static str, Option<Detail>, Option<String>) {
    let diff = |revision: &u64| Some(format!("https://{domain}/w/index.php?diff={revision}"));
    let revision_detail = |revision: &u64| {
        Some(Detail::Text(
            Text::new("quickcategories-status-revision").arg(revision),
        ))
    };
    let wiki = |info: &String| {
        Some(Detail::Wiki {
            info: info.clone(),
            code: None,
        })
    };
    match status {
        CommandStatus::Planned => (
            Text::new("quickcategories-status-planned"),
            "planned",
            None,
            None,
        ),
        CommandStatus::Pending => (
            Text::new("quickcategories-status-running"),
            "pending",
            None,
            None,
        ),
        CommandStatus::Done(outcome) => {
            let class = if outcome.is_success() {
                "success"
            } else {
                "failure"
            };
            let (status, detail, url) = match outcome {
                Outcome::Edited { revision } => (
                    Text::new("quickcategories-status-edited"),
                    revision_detail(revision),
                    diff(revision),
                ),
                Outcome::Created { revision } => (
                    Text::new("quickcategories-status-created"),
                    revision_detail(revision),
                    diff(revision),
                ),
                Outcome::NoChange => (Text::new("quickcategories-status-no-change"), None, None),
                Outcome::PageMissing => {
                    (Text::new("quickcategories-status-page-missing"), None, None)
                }
                Outcome::InvalidTitle => (
                    Text::new("quickcategories-status-invalid-title"),
                    None,
                    None,
                ),
                Outcome::Protected { info } => (
                    Text::new("quickcategories-status-protected"),
                    wiki(info),
                    None,
                ),
                Outcome::EditConflict => (
                    Text::new("quickcategories-status-edit-conflict"),
                    Some(Detail::Text(Text::new(
                        "quickcategories-status-edit-conflict-detail",
                    ))),
                    None,
                ),
                Outcome::Maxlag { info } => {
                    (Text::new("quickcategories-status-maxlag"), wiki(info), None)
                }
                Outcome::ReadOnly { info } => (
                    Text::new("quickcategories-status-read-only"),
                    wiki(info),
                    None,
                ),
                Outcome::Blocked { info } => (
                    Text::new("quickcategories-status-blocked"),
                    wiki(info),
                    None,
                ),
                Outcome::Failed { code, info } => {
                    let content_model = (code == "contentmodel")
                        .then(|| {
                            info.strip_prefix(execute::NOT_WIKITEXT.0)?
                                .strip_suffix(execute::NOT_WIKITEXT.1)
                        })
                        .flatten();
                    let detail = match content_model {
                        Some(model) => Detail::Text(
                            Text::new("quickcategories-status-content-model").arg(model),
                        ),
                        None => Detail::Wiki {
                            info: info.clone(),
                            code: Some(code.clone()),
                        },
                    };
                    (
                        Text::new("quickcategories-status-error"),
                        Some(detail),
                        None,
                    )
                }
            };
            (status, class, detail, url)
        }
    }
}

/// The active background run as the batch page shows it.
pub(super) struct ActiveRun {
    started_by: String,
    started: String,
    /// Until when and why the batch waits, if it does.
    waiting: Option<(String, RunReason)>,
}

/// One line of the background history.
pub(super) struct RunRow {
    started_by: String,
    started: String,
    end: RunEnd,
}

/// How a run of the history ended.
pub(super) enum RunEnd {
    Running,
    /// Stopped by someone, at a time.
    StoppedBy(String, String),
    /// Ended by the runner, at a time, for a reason.
    Ended(String, RunReason),
}

fn run_row(run: &BackgroundRun) -> RunRow {
    RunRow {
        started_by: run.started_by.clone(),
        started: format_time(run.started_at),
        end: match &run.stopped {
            None => RunEnd::Running,
            Some(stop) => match &stop.by {
                Some(by) => RunEnd::StoppedBy(by.clone(), format_time(stop.at)),
                None => RunEnd::Ended(format_time(stop.at), RunReason::parse(&stop.reason)),
            },
        },
    }
}

/// Until when and why `run` waits, if it is active and waits.
fn waiting(run: &BackgroundRun) -> Option<(String, RunReason)> {
    run.suspended
        .as_ref()
        .filter(|suspension| run.stopped.is_none() && suspension.until > now())
        .map(|suspension| {
            (
                format_time(suspension.until),
                RunReason::parse(&suspension.reason),
            )
        })
}

/// Seconds between reloads of the page of a batch running in the background.
const REFRESH_SECONDS: u32 = 10;

#[derive(Template, WebTemplate)]
#[template(path = "batch.html")]
pub(super) struct BatchPage {
    page: PageContext,
    id: u64,
    domain: String,
    /// The language of the wiki's pages, for its titles and categories.
    content_lang: String,
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
    stopped_early: Option<RunReason>,
    can_start: bool,
    logged_in: bool,
    refresh_seconds: u32,
}

impl BatchPage {
    /// The main page of the batch's wiki.
    fn wiki_url(&self) -> String {
        format!("https://{}/", self.domain)
    }

    /// A command's detail as HTML in this page's language.
    fn detail(&self, detail: &Detail) -> String {
        let messages = &self.page.messages;
        match detail {
            Detail::Text(text) => messages.text(text),
            Detail::Wiki { info, code: None } => isolated(info, None),
            Detail::Wiki {
                info,
                code: Some(code),
            } => messages.text(
                &Text::new("quickcategories-status-error-detail")
                    .html(isolated(info, None))
                    .arg(code),
            ),
        }
    }

    fn reason(&self, reason: &RunReason) -> String {
        reason_html(&self.page, reason)
    }
}

/// Why a run waits or ended, as HTML in the page's language; the wiki's words and a text the
/// tool does not know as they are.
fn reason_html(page: &PageContext, reason: &RunReason) -> String {
    match reason.text(|detail| isolated(detail, None)) {
        Some(text) => page.messages.text(&text),
        None => isolated(&reason.stored(), None),
    }
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
        waiting: waiting(run),
    });
    let stopped_early = batch
        .background
        .last()
        .and_then(|run| run.stopped.as_ref())
        .filter(|stop| stop.by.is_none() && stop.reason != FINISHED)
        .map(|stop| RunReason::parse(&stop.reason));
    let writable = state.settings.read_only().is_none();
    let idle = active_run.is_none() && progress.planned > 0 && writable;
    Ok(BatchPage {
        page,
        id,
        content_lang: content_language(&batch.domain),
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

/// One background run on the history page.
pub(super) struct HistoryRow {
    /// Counted from 1, the first run first.
    number: usize,
    run: RunRow,
    /// Until when and why an active run waits, if it does.
    waiting: Option<(String, RunReason)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "background_history.html")]
pub(super) struct HistoryPage {
    page: PageContext,
    id: u64,
    title: String,
    /// Newest first.
    rows: Vec<HistoryRow>,
}

impl HistoryPage {
    fn reason(&self, reason: &RunReason) -> String {
        reason_html(&self.page, reason)
    }
}

/// `GET /batch/{id}/background_history`: every background run of the batch, newest first: who
/// started it and when, and who stopped it and when, or when and why it ended.
pub(super) async fn history(
    State(state): State<AppState>,
    page: PageContext,
    Path(id): Path<String>,
) -> Result<HistoryPage, ErrorPage> {
    let id = parse_batch_id(&id)?;
    let batch = state.load_batch(id).await?;
    let rows = batch
        .background
        .iter()
        .enumerate()
        .rev()
        .map(|(index, run)| HistoryRow {
            number: index + 1,
            run: run_row(run),
            waiting: waiting(run),
        })
        .collect();
    Ok(HistoryPage {
        page,
        id,
        title: batch.title,
        rows,
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
        return Err(not_your_batch(&batch));
    }
    if batch.active_run().is_some() {
        return Err(ErrorPage::new(
            StatusCode::CONFLICT,
            Text::new("quickcategories-error-running-title"),
            Text::new("quickcategories-error-running"),
        )
        .with_link(format!("/batch/{id}/"), back_to_batch()));
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
            ErrorPage::bad_gateway(
                Text::new("quickcategories-error-unreachable-because")
                    .arg(&batch.domain)
                    .arg(error),
            )
        })?;
    let namespace = state
        .siteinfo
        .category_namespace(&batch.domain, &wiki)
        .await
        .map_err(|error| {
            ErrorPage::bad_gateway(
                Text::new("quickcategories-error-namespaces")
                    .arg(&batch.domain)
                    .arg(error),
            )
        })?;
    let watchlist = state
        .store
        .preferences(&user.identity.sub)
        .await
        .map_err(store_error)?
        .watchlist;
    let commands = state
        .store
        .take_planned(id, state.settings.slice_size)
        .await
        .map_err(store_error)?;
    // The slice runs in a task of its own, which the request only waits for: when the request
    // is dropped (the platform's timeout, a closed browser tab) the task still stores every
    // outcome and gives back what it does not run, instead of leaving its commands pending.
    let slice = tokio::spawn(slice::run_commands(
        state.store.clone(),
        wiki,
        namespace,
        batch.domain,
        id,
        commands,
        watchlist,
    ));
    match slice.await {
        Ok(Ok(())) => Ok(Redirect::to(&format!("/batch/{id}/"))),
        Ok(Err(SliceStop::Wait(message))) => Err(ErrorPage::service_unavailable(message)
            .with_link(format!("/batch/{id}/"), back_to_batch())),
        Ok(Err(SliceStop::Store(error))) => Err(store_error(error)),
        // A panic: what the task did not store stays pending until `take_planned` plans it
        // again (`WEB_CLAIM_TIMEOUT_SECONDS`).
        Err(error) => Err(ErrorPage::internal(format!(
            "the slice of batch {id} failed: {error}"
        ))),
    }
}
