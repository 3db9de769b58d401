//! `/`: the form for a new batch, and creating it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use platform::login::{MaybeUser, User};
use platform::{ErrorPage, PageContext, Text};

use super::{AppState, foreign_html, store_error};
use crate::command::{LineError, PageFlags, parse_commands};
use crate::domain::{DomainError, WikiDomain, content_language};
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
    errors: Vec<FormError>,
}

/// A problem with what was sent, shown above the form in the reader's language.
#[derive(Debug)]
pub(super) enum FormError {
    /// About the whole form.
    Form(Text),
    /// A line of the commands that is not a command: its number, its text and why.
    Line {
        line: usize,
        text: String,
        error: Text,
    },
}

impl NewBatchPage {
    /// An error as HTML in this page's language.
    fn error(&self, error: &FormError) -> askama::filters::Safe<String> {
        let messages = &self.page.messages;
        askama::filters::Safe(match error {
            FormError::Form(text) => messages.text(text),
            FormError::Line { line, text, error } => messages.text(
                &Text::new("quickcategories-error-line")
                    .num(*line)
                    .html(messages.text(error))
                    .html(foreign_html(text, None)),
            ),
        })
    }
}

fn domain_error(error: &DomainError) -> Text {
    match error {
        DomainError::Empty => Text::new("quickcategories-error-domain-empty"),
        DomainError::NotWikimedia(input) => {
            Text::new("quickcategories-error-domain-not-wikimedia").arg(input)
        }
    }
}

/// Why a line is not a command, as a message.
fn line_error(error: &LineError) -> Text {
    match error {
        LineError::EmptyTitle => Text::new("quickcategories-line-empty-title"),
        LineError::TitleTooLong => {
            Text::new("quickcategories-line-title-too-long").num(crate::command::MAX_TITLE_BYTES)
        }
        LineError::TitleCharacter(c) => Text::new("quickcategories-line-title-character").arg(c),
        LineError::NoActions => Text::new("quickcategories-line-no-actions"),
        LineError::NotAnAction(field) => Text::new("quickcategories-line-not-an-action").arg(field),
        LineError::NoNamespace(field) => Text::new("quickcategories-line-no-namespace").arg(field),
        LineError::EmptyCategory(field) => {
            Text::new("quickcategories-line-empty-category").arg(field)
        }
        LineError::CategoryCharacter(field, c) => {
            Text::new("quickcategories-line-category-character")
                .arg(field)
                .arg(c)
        }
        LineError::SortKeyMarkup(field, markup) => {
            Text::new("quickcategories-line-sort-key-markup")
                .arg(field)
                .arg(markup)
        }
        LineError::RemoveSortKeyRule(field) => {
            Text::new("quickcategories-line-remove-sort-key").arg(field)
        }
        LineError::TooManyHashes(field) => {
            Text::new("quickcategories-line-too-many-hashes").arg(field)
        }
        LineError::CategoryTwice(category) => {
            Text::new("quickcategories-line-category-twice").arg(category)
        }
        LineError::UnknownFlag(flag) => Text::new("quickcategories-line-unknown-flag").arg(flag),
        LineError::BadFlagValue(flag) => Text::new("quickcategories-line-bad-flag-value").arg(flag),
    }
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
        .map_err(|e| form.errors.push(FormError::Form(domain_error(&e))))
        .ok();
    if form.title.chars().count() > MAX_TITLE_CHARS {
        form.errors.push(FormError::Form(
            Text::new("quickcategories-error-title-too-long").num(MAX_TITLE_CHARS),
        ));
    }
    let commands = match parse_commands(&form.commands) {
        Ok(commands) if commands.is_empty() => {
            form.errors.push(FormError::Form(Text::new(
                "quickcategories-error-no-commands",
            )));
            Vec::new()
        }
        Ok(commands) => commands,
        Err(errors) => {
            form.errors
                .extend(errors.into_iter().map(|e| FormError::Line {
                    line: e.line,
                    error: line_error(&e.error),
                    text: e.text,
                }));
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
                let lang = content_language(domain.as_str());
                for (index, command) in commands.iter().enumerate() {
                    for action in command
                        .actions
                        .iter()
                        .filter(|a| !namespace.is_category_prefix(a.prefix()))
                    {
                        form.errors.push(FormError::Form(
                            Text::new("quickcategories-error-not-category-namespace")
                                .num(index + 1)
                                .html(foreign_html(&command.page, Some(&lang)))
                                .arg(action.prefix())
                                .arg(domain.as_str()),
                        ));
                    }
                }
            }
            Err(error) => {
                tracing::warn!(%error, %domain, "siteinfo failed");
                form.errors.push(FormError::Form(
                    Text::new("quickcategories-error-namespaces")
                        .arg(domain.as_str())
                        .arg(error),
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
