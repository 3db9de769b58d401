//! Exports of a batch: its commands, its page titles, and its metadata, and the page that lists
//! them.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use platform::{ErrorPage, PageContext, Text};
use serde_json::json;

use super::{AppState, back_to_batch, parse_batch_id};
use crate::command::Command;
use crate::store::{Batch, CommandStatus};

#[derive(Template, WebTemplate)]
#[template(path = "export.html")]
pub(super) struct ExportPage {
    page: PageContext,
    id: u64,
    title: String,
}

/// `GET /batch/{id}/export/`: every export of the batch, each with what it holds.
pub(super) async fn page(
    State(state): State<AppState>,
    page: PageContext,
    Path(id): Path<String>,
) -> Result<ExportPage, ErrorPage> {
    let batch = load(&state, &id).await?;
    Ok(ExportPage {
        page,
        id: batch.id,
        title: batch.title,
    })
}

async fn load(state: &AppState, id: &str) -> Result<Batch, ErrorPage> {
    state.load_batch(parse_batch_id(id)?).await
}

fn text(body: String, filename: String) -> Response {
    (
        [
            (CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// One line per command of batch `id`, as a text file named after the batch and `kind`.
async fn one_line_per_command(
    state: &AppState,
    id: &str,
    kind: &str,
    line: impl Fn(&Command) -> String,
) -> Result<Response, ErrorPage> {
    let batch = load(state, id).await?;
    let body: String = batch
        .commands
        .iter()
        .map(|c| format!("{}\n", line(&c.command)))
        .collect();
    Ok(text(
        body,
        format!("quickcategories-{}.{kind}.txt", batch.id),
    ))
}

/// The commands in the batch language, one per line (pipe-separated), ready to paste again.
pub(super) async fn tpsv(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ErrorPage> {
    one_line_per_command(&state, &id, "tpsv", Command::to_string).await
}

/// The page titles, one per line.
pub(super) async fn titles(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ErrorPage> {
    one_line_per_command(&state, &id, "titles", |command| command.page.clone()).await
}

pub(super) async fn metadata(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ErrorPage> {
    let batch = load(&state, &id).await?;
    let progress = batch.progress();
    let statuses: Vec<serde_json::Value> = batch
        .commands
        .iter()
        .map(|c| match &c.status {
            CommandStatus::Planned => json!({"status": "planned"}),
            CommandStatus::Pending => json!({"status": "pending"}),
            CommandStatus::Done(outcome) => json!({"status": "done", "outcome": outcome}),
        })
        .collect();
    let body = json!({
        "id": batch.id,
        "domain": batch.domain,
        "title": batch.title,
        "creator": batch.creator.name,
        "created_at": batch.created_at,
        "updated_at": batch.updated_at,
        "progress": {
            "total": progress.total(),
            "planned": progress.planned,
            "pending": progress.pending,
            "succeeded": progress.succeeded,
            "failed": progress.failed,
        },
        "commands": statuses,
    });
    Ok(axum::Json(body).into_response())
}

/// `POST /batch/{id}/export/titles/all-pagepile`: a new PagePile of the batch's pages (each
/// once, in the order of the commands), and the browser sent to it.
pub(super) async fn to_pagepile(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Redirect, ErrorPage> {
    let batch = load(&state, &id).await?;
    let back = || (format!("/batch/{}/export/", batch.id), back_to_batch());
    let matrix = state.site_matrix().await?;
    let Some(wiki) = matrix.dbname(&batch.domain) else {
        let (href, text) = back();
        return Err(ErrorPage::new(
            StatusCode::CONFLICT,
            Text::new("quickcategories-error-pile-export-title"),
            Text::new("quickcategories-error-pile-export-wiki").arg(&batch.domain),
        )
        .with_link(href, text));
    };
    let mut seen = std::collections::HashSet::new();
    let pages: Vec<&str> = batch
        .commands
        .iter()
        .map(|command| command.command.page.as_str())
        .filter(|page| seen.insert(*page))
        .collect();
    match state.pagepile.create(wiki, &pages).await {
        Ok(pile) => Ok(Redirect::to(&state.pagepile.pile_url(pile))),
        Err(error) => {
            tracing::warn!(%error, batch = batch.id, "PagePile export failed");
            let (href, text) = back();
            Err(ErrorPage::bad_gateway(
                Text::new("quickcategories-error-pagepile-unreachable").arg(error),
            )
            .with_link(href, text))
        }
    }
}
