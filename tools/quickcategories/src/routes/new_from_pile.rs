//! `/batch/new/pagepile`: a batch that applies one line of actions to every page of a PagePile.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use platform::login::{MaybeUser, User};
use platform::{ErrorPage, FormError, FormFields, PageContext, Text};
use serde::Deserialize;

use super::AppState;
use super::new_batch::{check_namespaces, check_title, line_error, line_form_error, store_batch};
use crate::command::{PageFlags, parse_commands, parse_line};
use crate::domain::WikiDomain;
use platform::i18n::message_syntax::isolated;
use wikimedia::pagepile::PagePileError;

#[derive(Template, WebTemplate)]
#[template(path = "new_from_pile.html")]
pub(super) struct PileBatchPage {
    page: PageContext,
    logged_in: bool,
    read_only: Option<String>,
    pile: String,
    actions: String,
    title: String,
    resolve_redirects: bool,
    create_missing_page: bool,
    errors: Vec<FormError>,
}

impl PileBatchPage {
    /// The form again with `error`, answered with `status`.
    fn refused(mut self, status: StatusCode, error: FormError) -> Response {
        self.errors.push(error);
        (status, self).into_response()
    }
}

#[derive(Deserialize)]
pub(super) struct PileQuery {
    /// The original's links (and PagePile's own) fill in the pile's number.
    #[serde(default)]
    page_pile_id: Option<String>,
}

pub(super) async fn form(
    State(state): State<AppState>,
    page: PageContext,
    MaybeUser(user): MaybeUser,
    Query(query): Query<PileQuery>,
) -> PileBatchPage {
    PileBatchPage {
        page,
        logged_in: user.is_some(),
        read_only: state.settings.read_only().map(str::to_owned),
        pile: query.page_pile_id.unwrap_or_default(),
        actions: String::new(),
        title: String::new(),
        resolve_redirects: true,
        create_missing_page: false,
        errors: Vec::new(),
    }
}

/// Creates the batch, or shows the form again with what is wrong and everything typed. The
/// form is checked before PagePile is asked, and the pile before the wiki.
pub(super) async fn create(
    State(state): State<AppState>,
    page: PageContext,
    user: User,
    fields: FormFields,
) -> Result<Response, ErrorPage> {
    state.refuse_if_read_only()?;
    let text = |name| fields.get(name).unwrap_or_default().to_owned();
    let mut form = PileBatchPage {
        page,
        logged_in: true,
        read_only: None,
        pile: text("page_pile_id").trim().to_owned(),
        actions: text("actions"),
        title: text("title"),
        resolve_redirects: fields.has("resolve_redirects"),
        create_missing_page: fields.has("create_missing_page"),
        errors: Vec::new(),
    };
    let pile_id = match form.pile.parse::<u64>() {
        Ok(id) if id > 0 => Some(id),
        _ if form.pile.is_empty() => {
            form.errors.push(FormError::in_field(
                "page_pile_id",
                Text::new("quickcategories-error-pile-missing"),
            ));
            None
        }
        _ => {
            form.errors.push(FormError::in_field(
                "page_pile_id",
                Text::new("quickcategories-error-pile-number").arg(&form.pile),
            ));
            None
        }
    };
    form.errors.extend(check_title(&form.title));
    if form.actions.trim().is_empty() {
        form.errors.push(FormError::in_field(
            "actions",
            Text::new("quickcategories-error-actions-missing"),
        ));
    } else if let Err(error) = parse_line(&format!("Page|{}", form.actions)) {
        form.errors.push(FormError::in_field(
            "actions",
            Text::new("quickcategories-error-actions")
                .html(form.page.messages.text(&line_error(&error)))
                .html(isolated(&form.actions, None)),
        ));
    }
    let Some(pile_id) = pile_id.filter(|_| form.errors.is_empty()) else {
        return Ok((StatusCode::BAD_REQUEST, form).into_response());
    };

    let pile = match state.pagepile.load(pile_id).await {
        Ok(pile) => pile,
        Err(PagePileError::NoSuchPile) => {
            return Ok(form.refused(
                StatusCode::NOT_FOUND,
                FormError::in_field(
                    "page_pile_id",
                    Text::new("quickcategories-error-pile-not-found").num(pile_id),
                ),
            ));
        }
        Err(error) => {
            tracing::warn!(%error, pile_id, "PagePile failed");
            return Ok(form.refused(
                StatusCode::BAD_GATEWAY,
                Text::new("quickcategories-error-pagepile-unreachable")
                    .arg(error)
                    .into(),
            ));
        }
    };
    let matrix = state.site_matrix().await?;
    let Some(domain) = matrix
        .domain(&pile.wiki)
        .and_then(|domain| WikiDomain::parse(domain).ok())
    else {
        return Ok(form.refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            FormError::in_field(
                "page_pile_id",
                Text::new("quickcategories-error-pile-wiki-unknown")
                    .num(pile_id)
                    .arg(&pile.wiki),
            ),
        ));
    };
    if pile.pages.is_empty() {
        return Ok(form.refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            FormError::in_field(
                "page_pile_id",
                Text::new("quickcategories-error-pile-empty").num(pile_id),
            ),
        ));
    }

    let lines: String = pile
        .pages
        .iter()
        .map(|page| format!("{page}|{}\n", form.actions.trim()))
        .collect();
    let commands = match parse_commands(&lines) {
        Ok(commands) => commands,
        Err(errors) => {
            let messages = &form.page.messages;
            form.errors.extend(
                errors
                    .into_iter()
                    .map(|error| line_form_error(messages, "actions", error)),
            );
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, form).into_response());
        }
    };
    // Every command has the same actions: the first one stands for all.
    form.errors
        .extend(check_namespaces(&state, &domain, &commands[..1]).await?);
    if !form.errors.is_empty() {
        return Ok((StatusCode::BAD_REQUEST, form).into_response());
    }
    let defaults = PageFlags {
        resolve_redirects: Some(form.resolve_redirects),
        create_missing_page: Some(form.create_missing_page),
    };
    store_batch(&state, &user, &domain, &form.title, commands, &defaults).await
}
