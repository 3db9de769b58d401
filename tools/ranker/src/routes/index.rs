//! `/`: the form that picks a wiki, an entity and a property, and the choice of a batch mode.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use platform::i18n::message_syntax::isolated;
use platform::login::MaybeUser;
use platform::{ErrorPage, FormError, FormFields, PageContext, Text};
use serde::Deserialize;

use super::{AppState, wiki_error};
use crate::ids::{EntityId, PropertyId};
use crate::wikibase;
use crate::wikis::{Wiki, Wikis};

/// A wiki as a form offers it.
pub(super) struct WikiOption {
    pub(super) domain: String,
    pub(super) name_key: Option<&'static str>,
    pub(super) selected: bool,
}

pub(super) fn wiki_options(wikis: &Wikis, selected: &str) -> Vec<WikiOption> {
    wikis
        .iter()
        .map(|wiki| WikiOption {
            domain: wiki.domain().to_owned(),
            name_key: wiki.name_key(),
            selected: wiki.domain() == selected,
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "index.html")]
pub(super) struct IndexPage {
    page: PageContext,
    logged_in: bool,
    wikis: Vec<WikiOption>,
    entity_id: String,
    property_id: String,
    errors: Vec<FormError>,
}

/// The original tool's start page took its fields from the query string too (links on wikis
/// use it), so this one does.
#[derive(Debug, Deserialize)]
pub(super) struct Prefill {
    wiki: Option<String>,
    entity_id: Option<String>,
    property_id: Option<String>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    page: PageContext,
    MaybeUser(user): MaybeUser,
    Query(prefill): Query<Prefill>,
) -> IndexPage {
    IndexPage {
        page,
        logged_in: user.is_some(),
        wikis: wiki_options(&state.wikis, prefill.wiki.as_deref().unwrap_or_default()),
        entity_id: prefill.entity_id.unwrap_or_default(),
        property_id: prefill.property_id.unwrap_or_default(),
        errors: Vec::new(),
    }
}

/// Sends the browser to the edit page of the entity and property typed in; on Commons a
/// `File:` title is looked up and becomes its MediaInfo id. A bad field shows the form again,
/// with everything typed and every problem.
pub(super) async fn go_to_edit(
    State(state): State<AppState>,
    page: PageContext,
    MaybeUser(user): MaybeUser,
    form: FormFields,
) -> Result<Response, ErrorPage> {
    let (domain, entity_text, property_text) = (
        form.get("wiki").unwrap_or_default().to_owned(),
        form.get("entity_id").unwrap_or_default().trim().to_owned(),
        form.get("property_id")
            .unwrap_or_default()
            .trim()
            .to_owned(),
    );
    let mut errors = Vec::new();
    let wiki = state.wikis.find(&domain).cloned();
    if wiki.is_none() {
        errors.push(FormError::in_field(
            "wiki",
            Text::new("ranker-error-unknown-wiki")
                .html(isolated(&domain, None))
                .arg(state.wikis.domains()),
        ));
    }
    let entity = match &wiki {
        Some(wiki) => resolve_entity(&state, wiki, &entity_text)
            .await?
            .map_err(|error| errors.push(FormError::in_field("entity_id", error)))
            .ok(),
        None => None,
    };
    let property = PropertyId::parse(&property_text)
        .map_err(|_| {
            errors.push(FormError::in_field(
                "property_id",
                Text::new("ranker-error-not-a-property").html(isolated(&property_text, None)),
            ))
        })
        .ok();
    match (wiki, entity, property) {
        (Some(wiki), Some(entity), Some(property)) if errors.is_empty() => Ok(Redirect::to(
            &format!("/edit/{}/{entity}/{property}/", wiki.domain()),
        )
        .into_response()),
        _ => Ok((
            StatusCode::BAD_REQUEST,
            IndexPage {
                page,
                logged_in: user.is_some(),
                wikis: wiki_options(&state.wikis, &domain),
                entity_id: entity_text,
                property_id: property_text,
                errors,
            },
        )
            .into_response()),
    }
}

/// The entity an entity field names: an id, or on a Commons a `File:` title. The outer error
/// is the wiki failing; the inner one what is wrong with the text.
async fn resolve_entity(
    state: &AppState,
    wiki: &Wiki,
    text: &str,
) -> Result<Result<EntityId, Text>, ErrorPage> {
    if let Ok(id) = EntityId::parse(text) {
        return Ok(Ok(id));
    }
    if wiki.is_commons() && text.starts_with("File:") {
        let client = state.anonymous(wiki).await?;
        return Ok(wikibase::media_info_of(&client, text)
            .await
            .map_err(wiki_error(wiki))?
            .ok_or_else(|| {
                Text::new("ranker-error-no-such-file")
                    .html(isolated(text, None))
                    .arg(wiki.domain())
            }));
    }
    Ok(Err(
        Text::new("ranker-error-not-an-entity").html(isolated(text, None))
    ))
}

/// `POST /batch/{source}/{mode}/` with a `wiki` field: the batch page of that wiki.
pub(super) async fn go_to_batch(
    State(state): State<AppState>,
    Path((source, mode)): Path<(String, String)>,
    form: FormFields,
) -> Result<Redirect, ErrorPage> {
    let source = super::batches::Source::parse(&source)?;
    if !matches!(mode.as_str(), "collective" | "individual") {
        return Err(ErrorPage::not_found(Text::new("platform-no-page")));
    }
    let wiki = state.wiki(form.get("wiki").unwrap_or_default())?;
    Ok(Redirect::to(&format!(
        "/batch/{}/{mode}/{}/",
        source.as_str(),
        wiki.domain()
    )))
}
