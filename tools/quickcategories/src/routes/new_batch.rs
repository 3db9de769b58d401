//! `/`: the form for a new batch, and creating it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use platform::i18n::Messages;
use platform::i18n::message_syntax::isolated;
use platform::login::{MaybeUser, User};
use platform::{ErrorPage, FormError, FormFields, PageContext, Text};

use super::{AppState, store_error};
use crate::command::{Command, LineError, PageFlags, parse_commands};
use crate::domain::{DomainError, WikiDomain, content_language};
use crate::preferences::Preferences;
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
    /// The user's suggested domains (preferences), offered for the domain field.
    suggested_domains: Vec<String>,
}

pub(super) fn domain_error(error: &DomainError) -> Text {
    match error {
        DomainError::Empty => Text::new("quickcategories-error-domain-empty"),
        DomainError::NotWikimedia(input) => {
            Text::new("quickcategories-error-domain-not-wikimedia").arg(input)
        }
    }
}

/// Why a line is not a command, as a message.
pub(super) fn line_error(error: &LineError) -> Text {
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
) -> Result<NewBatchPage, ErrorPage> {
    let preferences = match &user {
        Some(user) => state
            .store
            .preferences(&user.identity.sub)
            .await
            .map_err(store_error)?,
        None => Preferences::default(),
    };
    Ok(NewBatchPage {
        page,
        logged_in: user.is_some(),
        read_only: state.settings.read_only().map(str::to_owned),
        domain: preferences
            .default_domain
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        title: String::new(),
        commands: String::new(),
        resolve_redirects: true,
        create_missing_page: false,
        errors: Vec::new(),
        suggested_domains: suggestions(&preferences),
    })
}

/// The suggested domains of `preferences`, for a `<datalist>`.
pub(super) fn suggestions(preferences: &Preferences) -> Vec<String> {
    preferences
        .suggested_domains
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// Creates the batch, or shows the form again with every problem and everything typed.
pub(super) async fn create(
    State(state): State<AppState>,
    page: PageContext,
    user: User,
    fields: FormFields,
) -> Result<Response, ErrorPage> {
    state.refuse_if_read_only()?;
    let text = |name| fields.get(name).unwrap_or_default().to_owned();
    let mut form = NewBatchPage {
        page,
        logged_in: true,
        read_only: None,
        domain: text("domain"),
        title: text("title"),
        commands: text("commands"),
        resolve_redirects: fields.has("resolve_redirects"),
        create_missing_page: fields.has("create_missing_page"),
        errors: Vec::new(),
        suggested_domains: Vec::new(),
    };
    let domain = WikiDomain::parse(&form.domain)
        .map_err(|e| {
            form.errors
                .push(FormError::in_field("domain", domain_error(&e)))
        })
        .ok();
    form.errors.extend(check_title(&form.title));
    let commands = match parse_commands(&form.commands) {
        Ok(commands) if commands.is_empty() => {
            form.errors.push(FormError::in_field(
                "commands",
                Text::new("quickcategories-error-no-commands"),
            ));
            Vec::new()
        }
        Ok(commands) => commands,
        Err(errors) => {
            let messages = &form.page.messages;
            form.errors.extend(
                errors
                    .into_iter()
                    .map(|error| line_form_error(messages, "commands", error)),
            );
            Vec::new()
        }
    };
    if let (Some(domain), false) = (&domain, commands.is_empty()) {
        form.errors
            .extend(check_namespaces(&state, domain, &commands).await?);
    }
    let Some(domain) = domain.filter(|_| form.errors.is_empty()) else {
        form.suggested_domains = suggestions(
            &state
                .store
                .preferences(&user.identity.sub)
                .await
                .unwrap_or_default(),
        );
        return Ok((StatusCode::BAD_REQUEST, form).into_response());
    };
    let defaults = PageFlags {
        resolve_redirects: Some(form.resolve_redirects),
        create_missing_page: Some(form.create_missing_page),
    };
    store_batch(&state, &user, &domain, &form.title, commands, &defaults).await
}

/// A line of the commands (made of the field `field`) that is not a command, as the form
/// shows it, in the language of `messages`.
pub(super) fn line_form_error(
    messages: &Messages,
    field: &'static str,
    error: crate::command::ParseError,
) -> FormError {
    FormError::in_field(
        field,
        Text::new("quickcategories-error-line")
            .num(error.line)
            .html(messages.text(&line_error(&error.error)))
            .html(isolated(&error.text, None)),
    )
}

/// The batch title's problem, if it has one.
pub(super) fn check_title(title: &str) -> Option<FormError> {
    (title.chars().count() > MAX_TITLE_CHARS).then(|| {
        FormError::in_field(
            "title",
            Text::new("quickcategories-error-title-too-long").num(MAX_TITLE_CHARS),
        )
    })
}

/// Every action whose prefix is no name of the wiki's category namespace: namespace names can
/// only be checked against the wiki itself. The errors are the form's (the wiki and the
/// commands together), of no one field.
pub(super) async fn check_namespaces(
    state: &AppState,
    domain: &WikiDomain,
    commands: &[Command],
) -> Result<Vec<FormError>, ErrorPage> {
    let wiki = state.anonymous_wiki(domain.as_str()).await?;
    let mut errors = Vec::new();
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
                    errors.push(FormError::new(
                        Text::new("quickcategories-error-not-category-namespace")
                            .num(index + 1)
                            .html(isolated(&command.page, Some(&lang)))
                            .arg(action.prefix())
                            .arg(domain.as_str()),
                    ));
                }
            }
        }
        Err(error) => {
            tracing::warn!(%error, %domain, "siteinfo failed");
            errors.push(FormError::new(
                Text::new("quickcategories-error-namespaces")
                    .arg(domain.as_str())
                    .arg(error),
            ));
        }
    }
    Ok(errors)
}

/// Stores a checked batch of `user` and sends the browser to it.
pub(super) async fn store_batch(
    state: &AppState,
    user: &User,
    domain: &WikiDomain,
    title: &str,
    commands: Vec<Command>,
    defaults: &PageFlags,
) -> Result<Response, ErrorPage> {
    let batch = NewBatch {
        domain: domain.to_string(),
        title: title.trim().to_owned(),
        creator: Creator {
            name: user.identity.username.clone(),
            sub: user.identity.sub.clone(),
        },
        commands: commands
            .into_iter()
            .map(|c| c.with_defaults(defaults))
            .collect(),
    };
    let id = state.store.create_batch(batch).await.map_err(store_error)?;
    Ok(Redirect::to(&format!("/batch/{id}/")).into_response())
}
