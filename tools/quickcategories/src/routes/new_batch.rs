//! `/`: the form for a new batch, and creating it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use platform::login::{MaybeUser, User};
use platform::{ErrorPage, PageContext};

use super::{AppState, store_error};
use crate::command::{PageFlags, parse_commands};
use crate::domain::WikiDomain;
use crate::store::{BatchStore, Creator, NewBatch};

/// Longest batch title accepted.
pub const MAX_TITLE_CHARS: usize = 800;

#[derive(Template, WebTemplate)]
#[template(path = "new_batch.html")]
pub(super) struct NewBatchPage {
    page: PageContext,
    logged_in: bool,
    read_only: Option<String>,
    domain: String,
    title: String,
    commands: String,
    resolve_redirects: bool,
    create_missing_page: bool,
    errors: Vec<String>,
}

pub(super) async fn form(
    State(state): State<AppState>,
    page: PageContext,
    MaybeUser(user): MaybeUser,
) -> NewBatchPage {
    NewBatchPage {
        page,
        logged_in: user.is_some(),
        read_only: state.settings.read_only().map(str::to_owned),
        domain: String::new(),
        title: String::new(),
        commands: String::new(),
        resolve_redirects: true,
        create_missing_page: false,
        errors: Vec::new(),
    }
}

/// Creates the batch, or shows the form again with every problem and everything typed.
pub(super) async fn create(
    State(state): State<AppState>,
    page: PageContext,
    user: User,
    body: String,
) -> Result<Response, ErrorPage> {
    state.refuse_if_read_only()?;
    let fields: Vec<(String, String)> = serde_urlencoded::from_str(&body).unwrap_or_default();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut form = NewBatchPage {
        page,
        logged_in: true,
        read_only: None,
        domain: field("domain"),
        title: field("title"),
        commands: field("commands"),
        resolve_redirects: fields.iter().any(|(n, _)| n == "resolve_redirects"),
        create_missing_page: fields.iter().any(|(n, _)| n == "create_missing_page"),
        errors: Vec::new(),
    };
    let domain = WikiDomain::parse(&form.domain)
        .map_err(|e| form.errors.push(e.to_string()))
        .ok();
    if form.title.chars().count() > MAX_TITLE_CHARS {
        form.errors.push(format!(
            "The title is longer than {MAX_TITLE_CHARS} characters."
        ));
    }
    let commands = match parse_commands(&form.commands) {
        Ok(commands) if commands.is_empty() => {
            form.errors
                .push("Please enter at least one command.".to_owned());
            Vec::new()
        }
        Ok(commands) => commands,
        Err(errors) => {
            form.errors.extend(
                errors
                    .iter()
                    .map(|e| format!("Line {}: {} (“{}”)", e.line, e.error, e.text)),
            );
            Vec::new()
        }
    };
    // Namespace prefixes can only be checked against the wiki itself.
    if let (Some(domain), false) = (&domain, commands.is_empty()) {
        let wiki = state.anonymous_wiki(domain.as_str()).await?;
        match state
            .siteinfo
            .category_namespace(domain.as_str(), &wiki)
            .await
        {
            Ok(namespace) => {
                for (index, command) in commands.iter().enumerate() {
                    for action in command
                        .actions
                        .iter()
                        .filter(|a| !namespace.is_category_prefix(a.prefix()))
                    {
                        form.errors.push(format!(
                            "Command {} ({}): “{}” is not a name of the category namespace on {domain}.",
                            index + 1,
                            command.page,
                            action.prefix()
                        ));
                    }
                }
            }
            Err(error) => {
                tracing::warn!(%error, %domain, "siteinfo failed");
                form.errors.push(format!(
                    "{domain} could not be asked about its namespaces: {error}"
                ));
            }
        }
    }
    let Some(domain) = domain.filter(|_| form.errors.is_empty()) else {
        return Ok((StatusCode::BAD_REQUEST, form).into_response());
    };
    let defaults = PageFlags {
        resolve_redirects: Some(form.resolve_redirects),
        create_missing_page: Some(form.create_missing_page),
    };
    let batch = NewBatch {
        domain: domain.to_string(),
        title: form.title.trim().to_owned(),
        creator: Creator {
            name: user.identity.username.clone(),
            sub: user.identity.sub.clone(),
        },
        commands: commands
            .into_iter()
            .map(|c| c.with_defaults(&defaults))
            .collect(),
    };
    let id = state.store.create_batch(batch).await.map_err(store_error)?;
    Ok(Redirect::to(&format!("/batch/{id}/")).into_response())
}
