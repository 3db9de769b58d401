//! QuickCategories' pages.

pub(crate) mod background;
mod batches;
mod export;
mod legacy;
mod new_batch;
mod new_from_pile;
mod preferences;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use platform::security::sealing::SealingKey;
use platform::{ErrorPage, Text, UserAgent};
use wikimedia::mediawiki::{ClientOptions, MediaWiki};

use crate::settings::Settings;
use crate::siteinfo::SiteinfoCache;
use crate::store::{BatchStore, Store, StoreError};
use wikimedia::pagepile::PagePile;
use wikimedia::sitematrix::{SITEMATRIX_DOMAIN, SiteMatrix, SiteMatrixCache};

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub settings: Arc<Settings>,
    pub siteinfo: SiteinfoCache,
    pub user_agent: UserAgent,
    /// Seals background runs' tokens; `None` when background runs are not possible.
    pub sealing: Option<SealingKey>,
    pub pagepile: PagePile,
    pub site_matrix: SiteMatrixCache,
}

impl AppState {
    /// A client that is not logged in, for reading public information about a wiki.
    async fn anonymous_wiki(&self, domain: &str) -> Result<MediaWiki, ErrorPage> {
        MediaWiki::anonymous(
            &self.settings.api_url(domain),
            &self.user_agent,
            ClientOptions::default(),
        )
        .await
        .map_err(|error| {
            tracing::warn!(%error, domain, "cannot make an API client");
            ErrorPage::bad_gateway(Text::new("quickcategories-error-unreachable").arg(domain))
        })
    }

    /// Wikimedia's wikis by database name and domain (Meta-Wiki's site matrix, kept a day).
    async fn site_matrix(&self) -> Result<std::sync::Arc<SiteMatrix>, ErrorPage> {
        let meta = self.anonymous_wiki(SITEMATRIX_DOMAIN).await?;
        self.site_matrix.get(&meta).await.map_err(|error| {
            tracing::warn!(%error, "sitematrix failed");
            ErrorPage::bad_gateway(
                Text::new("quickcategories-error-unreachable-because")
                    .arg(SITEMATRIX_DOMAIN)
                    .arg(error),
            )
        })
    }

    /// The batch, or the 404 page for a number no batch has.
    async fn load_batch(&self, id: u64) -> Result<crate::store::Batch, ErrorPage> {
        self.store
            .batch(id)
            .await
            .map_err(store_error)?
            .ok_or_else(|| no_such_batch(id))
    }

    /// 503 with the reason while the tool is read-only.
    fn refuse_if_read_only(&self) -> Result<(), ErrorPage> {
        match self.settings.read_only() {
            Some(reason) => Err(ErrorPage::service_unavailable(
                Text::new("quickcategories-error-read-only").arg(reason),
            )),
            None => Ok(()),
        }
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(new_batch::form).post(new_batch::create))
        .route(
            "/batch/new/pagepile",
            get(new_from_pile::form).post(new_from_pile::create),
        )
        .route(
            "/preferences",
            get(preferences::page).post(preferences::save),
        )
        .route("/batch/", get(batches::list))
        .route("/batch/{id}/", get(batches::show))
        .route("/batch/{id}/background_history", get(batches::history))
        .route("/batch/{id}/run_slice", post(batches::run_slice))
        .route("/batch/{id}/start_background", post(background::start))
        .route("/batch/{id}/stop_background", post(background::stop))
        .route("/batch/{id}/export/", get(export::page))
        .route("/batch/{id}/export/tpsv.txt", get(export::tpsv))
        .route("/batch/{id}/export/titles.txt", get(export::titles))
        .route("/batch/{id}/export/metadata.json", get(export::metadata))
        .route(
            "/batch/{id}/export/titles/all-pagepile",
            post(export::to_pagepile),
        )
        .merge(legacy::routes())
        .with_state(state)
}

/// A database problem as the user sees it: the page answers, says so, and works again as soon
/// as the database does.
fn store_error(error: StoreError) -> ErrorPage {
    tracing::error!(%error, "store failed");
    match error {
        StoreError::Unavailable(_) => {
            ErrorPage::service_unavailable(Text::new("quickcategories-error-database-unavailable"))
        }
        StoreError::Corrupt(detail) => ErrorPage::internal(detail),
    }
}

fn parse_batch_id(text: &str) -> Result<u64, ErrorPage> {
    text.parse::<u64>()
        .ok()
        .filter(|&id| id > 0)
        .ok_or_else(|| {
            ErrorPage::bad_request(Text::new("quickcategories-error-batch-number").arg(text))
        })
}

/// The link of error pages about a batch.
fn back_to_batch() -> Text {
    Text::new("quickcategories-back-to-batch")
}

/// 403 for someone other than the creator of `batch`.
fn not_your_batch(batch: &crate::store::Batch) -> ErrorPage {
    ErrorPage::new(
        axum::http::StatusCode::FORBIDDEN,
        Text::new("quickcategories-error-not-your-batch-title"),
        Text::new("quickcategories-error-not-your-batch")
            .user(&batch.creator.name, platform::Gender::Unknown),
    )
}

fn no_such_batch(id: u64) -> ErrorPage {
    ErrorPage::not_found(Text::new("quickcategories-error-no-batch").arg(id))
}

/// Formats Unix seconds as `YYYY-MM-DD HH:MM UTC` (no time zone database needed).
pub(crate) fn format_time(seconds: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(seconds) {
        Ok(moment) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02} UTC",
            moment.year(),
            u8::from(moment.month()),
            moment.day(),
            moment.hour(),
            moment.minute()
        ),
        // Outside the years -9999 to 9999, which no stored time (all read from the clock) reaches.
        Err(_) => format!("{seconds} s after 1970-01-01 00:00 UTC"),
    }
}

#[cfg(test)]
mod tests {
    use super::format_time;

    #[test]
    fn times_are_formatted_in_utc() {
        assert_eq!(format_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_time(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(format_time(1_795_910_400 + 3_660), "2026-11-29 01:01 UTC");
        assert_eq!(format_time(-1), "1969-12-31 23:59 UTC");
    }

    #[test]
    fn times_beyond_the_calendar_are_shown_as_seconds() {
        assert_eq!(
            format_time(i64::MAX),
            "9223372036854775807 s after 1970-01-01 00:00 UTC"
        );
    }
}
