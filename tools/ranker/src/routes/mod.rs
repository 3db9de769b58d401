//! Ranker's pages: the start page, the edit page of one entity's statements of one property,
//! the batch pages, and the original tool's addresses that moved.

mod batches;
mod edit;
mod index;
mod legacy;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use platform::i18n::Catalog;
use platform::i18n::message_syntax::isolated;
use platform::login::User;
use platform::{ErrorPage, PageContext, Platform, Text, UserAgent};
use wikimedia::mediawiki::{ClientOptions, MediaWiki, MediaWikiError};

use crate::format_cache::Formatter;
use crate::rank::Rank;
use crate::settings::Settings;
use crate::wikibase::WikibaseError;
use crate::wikis::{Wiki, Wikis};
use wikimedia::sparql::QueryService;

/// `maxlag` of every edit: a lagged wiki is reported, not added to (the Maxlag manual asks
/// tools that edit to send it).
const EDIT_MAXLAG_SECONDS: u32 = 5;

/// What every handler shares, built once at start.
#[derive(Debug, Clone)]
pub(crate) struct AppState {
    settings: Arc<Settings>,
    wikis: Arc<Wikis>,
    formatter: Formatter,
    query_service: QueryService,
    user_agent: UserAgent,
    /// The interface languages, for the original tool's settings form.
    catalog: Arc<Catalog>,
}

pub(crate) fn router(platform: &Platform, settings: &Settings) -> Result<Router, reqwest::Error> {
    let state = AppState {
        settings: Arc::new(settings.clone()),
        wikis: Arc::new(settings.wiki_list()),
        formatter: Formatter::new(
            settings.format_cache_entries,
            Duration::from_secs(settings.format_cache_seconds),
        ),
        query_service: QueryService::new(&settings.sparql_url, platform.user_agent())?,
        user_agent: platform.user_agent().clone(),
        catalog: platform.catalog().clone(),
    };
    Ok(Router::new()
        .route("/", get(index::show).post(index::go_to_edit))
        .route("/edit/{wiki}/{entity}/{property}/", get(edit::show))
        .route(
            "/edit/{wiki}/{entity}/{property}/set/{rank}",
            post(edit::set_rank),
        )
        .route(
            "/edit/{wiki}/{entity}/{property}/increment",
            post(edit::increment),
        )
        // The start page's batch form posts the wiki here and is sent on to the batch page.
        .route("/batch/{source}/{mode}/", post(index::go_to_batch))
        .route(
            "/batch/{source}/collective/{wiki}/",
            get(batches::collective_form),
        )
        .route(
            "/batch/{source}/collective/{wiki}/set/{rank}",
            post(batches::collective_set),
        )
        .route(
            "/batch/{source}/collective/{wiki}/increment",
            post(batches::collective_increment),
        )
        .route(
            "/batch/{source}/individual/{wiki}/",
            get(batches::individual_form).post(batches::individual_run),
        )
        .merge(legacy::routes())
        .with_state(state))
}

impl AppState {
    /// The configured wiki with this domain; 400 for any other.
    fn wiki(&self, domain: &str) -> Result<Wiki, ErrorPage> {
        self.wikis.find(domain).cloned().ok_or_else(|| {
            ErrorPage::bad_request(
                Text::new("ranker-error-unknown-wiki")
                    .html(isolated(domain, None))
                    .arg(self.wikis.domains()),
            )
        })
    }

    /// A client that is not logged in, for pages anyone may read.
    async fn anonymous(&self, wiki: &Wiki) -> Result<MediaWiki, ErrorPage> {
        let options = ClientOptions {
            concurrency: 4,
            ..ClientOptions::default()
        };
        MediaWiki::anonymous(
            &self.settings.api_url(wiki.domain()),
            &self.user_agent,
            options,
        )
        .await
        .map_err(wiki_error(wiki))
    }

    /// A client acting as the user, for edits (and what an edit reads first).
    async fn as_user(&self, user: &User, wiki: &Wiki) -> Result<MediaWiki, ErrorPage> {
        let options = ClientOptions {
            concurrency: 1,
            // A batch waits out a short lag rather than failing entity after entity.
            retry_limit: 3,
            maxlag: Some(EDIT_MAXLAG_SECONDS),
        };
        user.mediawiki(&self.settings.api_url(wiki.domain()), options)
            .await
            .map_err(wiki_error(wiki))
    }
}

/// The wiki's refusal or failure as the platform's page for it.
fn wiki_error(wiki: &Wiki) -> impl Fn(MediaWikiError) -> ErrorPage + '_ {
    |error| ErrorPage::from_wiki(wiki.domain(), &error)
}

fn wikibase_error(wiki: &Wiki) -> impl Fn(WikibaseError) -> ErrorPage + '_ {
    |error| match error {
        WikibaseError::Wiki(error) => ErrorPage::from_wiki(wiki.domain(), &error),
        WikibaseError::Shape(error) => {
            tracing::warn!(%error, "unexpected entity data");
            ErrorPage::bad_gateway(Text::new("platform-wiki-unreachable").arg(wiki.domain()))
        }
    }
}

/// The language formatted values and labels are asked for in: the page's own, so that a value
/// reads like the words around it.
fn value_language(page: &PageContext) -> String {
    page.messages.code().to_owned()
}

/// The message naming a rank.
fn rank_key(rank: Rank) -> &'static str {
    match rank {
        Rank::Preferred => "ranker-rank-preferred",
        Rank::Normal => "ranker-rank-normal",
        Rank::Deprecated => "ranker-rank-deprecated",
    }
}

/// The message of the button that sets a rank.
fn set_rank_key(rank: Rank) -> &'static str {
    match rank {
        Rank::Preferred => "ranker-set-preferred",
        Rank::Normal => "ranker-set-normal",
        Rank::Deprecated => "ranker-set-deprecated",
    }
}
