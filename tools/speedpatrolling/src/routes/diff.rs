//! Picking the next edit, showing it, and the three buttons: patrol, rollback, skip.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use platform::i18n::message_syntax::isolated;
use platform::login::User;
use platform::{ErrorPage, PageContext, Session, Text};
use wikimedia::MediaWikiError;
use wikimedia::mediawiki::MediaWiki;

use super::{load_state, readable_scripts, update_state, wiki_as, wiki_error};
use crate::scripts;
use crate::settings::Settings;
use crate::wiki::{self, Candidate};

/// At most this many candidate diffs are fetched to find one in a readable script.
const MAX_SCRIPT_CHECKS: usize = 10;

#[derive(Template, WebTemplate)]
#[template(path = "nothing.html")]
struct NothingPage {
    page: PageContext,
    checked_scripts: usize,
}

/// Redirects to the next edit this user wants to see, or says there is none.
pub(super) async fn next(
    State(settings): State<Settings>,
    page: PageContext,
    session: Session,
    user: User,
) -> Result<Response, ErrorPage> {
    let wiki = wiki_as(&user, &settings).await?;
    let readable = readable_scripts(&wiki, &user, &session).await;
    let state = load_state(&session);
    let candidates: Vec<Candidate> = wiki::unpatrolled_edits(&wiki)
        .await
        .map_err(wiki_error(&settings))?
        .into_iter()
        .filter(|c| state.wants(c.revision, c.page, &c.user))
        .collect();
    let mut checked = 0;
    for candidate in candidates.into_iter().take(MAX_SCRIPT_CHECKS) {
        checked += 1;
        if is_readable(&wiki, candidate.revision, &readable)
            .await
            .map_err(wiki_error(&settings))?
        {
            return Ok(Redirect::to(&format!("/diff/{}/", candidate.revision)).into_response());
        }
    }
    Ok(NothingPage {
        page,
        checked_scripts: checked,
    }
    .into_response())
}

async fn is_readable(
    wiki: &MediaWiki,
    revision: u64,
    readable: &[String],
) -> Result<bool, MediaWikiError> {
    let diff = wiki::diff(wiki, revision).await?;
    Ok(scripts::is_readable(
        &scripts::added_text(&diff.body),
        readable,
    ))
}

/// A user name with the page it links to: contributions for IPs and temporary accounts.
pub(super) struct UserLink {
    name: String,
    url: String,
}

impl UserLink {
    fn new(settings: &Settings, name: &str) -> Self {
        let target = if wiki::is_anonymous(name) {
            format!("Special:Contributions/{name}")
        } else {
            format!("User:{name}")
        };
        Self {
            name: name.to_owned(),
            url: settings.page_url(&target),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "diff.html")]
pub(super) struct DiffPage {
    page: PageContext,
    revision: u64,
    title: String,
    title_url: String,
    old_user: Option<UserLink>,
    new_user: UserLink,
    old_comment: String,
    new_comment: String,
    /// Rows of the diff table, HTML made by the wiki.
    diff_html: String,
    can_rollback: bool,
}

impl DiffPage {
    /// An edit summary as HTML for a message parameter, its direction its own.
    fn wiki_text(&self, text: &str) -> String {
        isolated(text, None)
    }
}

pub(super) async fn show(
    State(settings): State<Settings>,
    page: PageContext,
    user: User,
    Path(revision): Path<String>,
) -> Result<DiffPage, ErrorPage> {
    let revision = parse_revision(&revision)?;
    let wiki = wiki_as(&user, &settings).await?;
    let diff = wiki::diff(&wiki, revision)
        .await
        .map_err(wiki_error(&settings))?;
    Ok(DiffPage {
        page,
        revision: diff.revision,
        title_url: settings.page_url(&diff.title),
        title: diff.title,
        old_user: diff
            .old_user
            .as_deref()
            .map(|name| UserLink::new(&settings, name)),
        new_user: UserLink::new(&settings, &diff.new_user),
        old_comment: diff.old_comment,
        new_comment: diff.new_comment,
        diff_html: crate::diff_html::sanitized_rows(&diff.body),
        can_rollback: super::rights_on_wiki(&user, &settings)
            .await?
            .has_right("rollback"),
    })
}

fn parse_revision(text: &str) -> Result<u64, ErrorPage> {
    text.parse::<u64>()
        .ok()
        .filter(|&id| id > 0)
        .ok_or_else(|| ErrorPage::bad_request(Text::new("speedpatrolling-bad-revision").arg(text)))
}

/// The revision named in the URL, looked up on the wiki as the user (page and author are never
/// taken from the form).
async fn revision_as(
    settings: &Settings,
    user: &User,
    revision: &str,
) -> Result<(MediaWiki, u64, wiki::Revision), ErrorPage> {
    let revision = parse_revision(revision)?;
    let wiki = wiki_as(user, settings).await?;
    let info = wiki::revision(&wiki, revision)
        .await
        .map_err(wiki_error(settings))?
        .ok_or_else(|| {
            ErrorPage::not_found(Text::new("speedpatrolling-no-such-revision").arg(revision))
        })?;
    Ok((wiki, revision, info))
}

pub(super) async fn patrol(
    State(settings): State<Settings>,
    session: Session,
    user: User,
    Path(revision): Path<String>,
) -> Result<Redirect, ErrorPage> {
    let (wiki, revision, info) = revision_as(&settings, &user, &revision).await?;
    wiki::patrol(&wiki, revision)
        .await
        .map_err(wiki_error(&settings))?;
    update_state(&session, |state| state.acted(info.page, &info.user));
    Ok(Redirect::to("/diff/"))
}

pub(super) async fn rollback(
    State(settings): State<Settings>,
    session: Session,
    user: User,
    Path(revision): Path<String>,
) -> Result<Redirect, ErrorPage> {
    if !super::rights_on_wiki(&user, &settings)
        .await?
        .has_right("rollback")
    {
        return Err(ErrorPage::new(
            StatusCode::FORBIDDEN,
            Text::new("speedpatrolling-no-rollback-right-title"),
            Text::new("speedpatrolling-no-rollback-right"),
        ));
    }
    let (wiki, _, info) = revision_as(&settings, &user, &revision).await?;
    wiki::rollback(&wiki, &info.title, &info.user)
        .await
        .map_err(wiki_error(&settings))?;
    update_state(&session, |state| state.acted(info.page, &info.user));
    Ok(Redirect::to("/diff/"))
}

pub(super) async fn skip(
    State(settings): State<Settings>,
    session: Session,
    user: User,
    Path(revision): Path<String>,
) -> Result<Redirect, ErrorPage> {
    let (_, revision, info) = revision_as(&settings, &user, &revision).await?;
    update_state(&session, |state| {
        state.skip(revision, info.page, &info.user)
    });
    Ok(Redirect::to("/diff/"))
}
