//! The two edits the page script makes as the logged-in user: a new depicts (or named place)
//! statement, and a region qualifier on a statement. Both are CSRF-checked by the platform
//! (the script sends the token in `X-CSRF-Token`) and answer JSON, refusals too:
//! `{"error": {"code", "info"}}` with the refusal's status, `info` in the user's language.
//! (The platform's own refusals before them — CSRF, cross-origin — are its error pages.)

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use platform::login::MaybeUser;
use platform::{ErrorPage, FormFields, PageContext, Text};
use serde::Deserialize;
use serde_json::{Value, json};
use wikimedia::mediawiki::ClientOptions;

use super::{AppState, wiki_error};
use crate::input::{self, COMMONS, EntityId, WIKIDATA};
use crate::labels::Label;
use crate::region::Region;
use crate::wikibase::{self, DEPICTED_PROPERTIES, DEPICTS, DepictedValue};

/// The wiki a `{domain}` names: only Wikidata and Commons have statements this tool edits.
fn editable_domain(domain: &str) -> Result<&'static str, ErrorPage> {
    match domain {
        WIKIDATA => Ok(WIKIDATA),
        COMMONS => Ok(COMMONS),
        other => Err(ErrorPage::forbidden(
            Text::new("wd-image-positions-error-domain").arg(other),
        )),
    }
}

fn bad(text: Text) -> ErrorPage {
    ErrorPage::bad_request(text)
}

/// A statement id (`Q1$5d…`, `M7$…`) of an entity that can be on `domain`.
fn statement_on(domain: &str, statement_id: &str) -> bool {
    let Some((entity, rest)) = statement_id.split_once('$') else {
        return false;
    };
    let entity_fits = match domain {
        COMMONS => input::is_media_info_id(entity),
        _ => EntityId::parse(entity).is_some(),
    };
    entity_fits && !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

fn entity_on(domain: &str, entity: &str) -> bool {
    match domain {
        COMMONS => input::is_media_info_id(entity),
        _ => EntityId::parse(entity).is_some(),
    }
}

async fn wiki_as(
    user: MaybeUser,
    state: &AppState,
    domain: &'static str,
) -> Result<wikimedia::mediawiki::MediaWiki, ErrorPage> {
    let Some(user) = user.0 else {
        return Err(ErrorPage::new(
            StatusCode::UNAUTHORIZED,
            Text::new("wd-image-positions-error-login-title"),
            Text::new("wd-image-positions-error-login"),
        ));
    };
    user.mediawiki(
        &state.wikis.settings().api_url(domain),
        ClientOptions::default(),
    )
    .await
    .map_err(|error| wiki_error(domain, error))
}

#[derive(Debug, Deserialize)]
pub(super) struct NewStatement {
    #[serde(default)]
    entity_id: String,
    #[serde(default)]
    snaktype: String,
    #[serde(default)]
    item_id: Option<String>,
    #[serde(default)]
    property_id: Option<String>,
}

/// `POST /api/v1/add_statement/{domain}`: a new statement on `entity_id` (a depicted item, or
/// "unknown value" / "no value"); answers `{"depicted": {statement_id, property_id,
/// snaktype, item_id?, label}}`.
pub(super) async fn add_statement(
    State(state): State<AppState>,
    page: PageContext,
    user: MaybeUser,
    Path(domain): Path<String>,
    form: FormFields,
) -> Result<Response, ErrorPage> {
    let form = form.deserialize()?;
    let answer = new_statement(&state, &page, user, &domain, form).await;
    Ok(json_answer(&page, answer))
}

async fn new_statement(
    state: &AppState,
    page: &PageContext,
    user: MaybeUser,
    domain: &str,
    form: NewStatement,
) -> Result<Value, ErrorPage> {
    let domain = editable_domain(domain)?;
    if !entity_on(domain, &form.entity_id) {
        return Err(bad(
            Text::new("wd-image-positions-error-entity-input").arg(&form.entity_id)
        ));
    }
    let property = form.property_id.as_deref().unwrap_or(DEPICTS);
    if !DEPICTED_PROPERTIES.contains(&property) {
        return Err(bad(
            Text::new("wd-image-positions-error-property").arg(property)
        ));
    }
    let item = form
        .item_id
        .as_deref()
        .map(str::trim)
        .filter(|i| !i.is_empty());
    let value = match (form.snaktype.as_str(), item) {
        ("value", Some(text)) => {
            let id = input::entity_from_input(text)
                .ok()
                .filter(|id| id.as_str().starts_with('Q'))
                .ok_or_else(|| bad(Text::new("wd-image-positions-error-item-input").arg(text)))?;
            DepictedValue::Item(id.to_string())
        }
        ("value", None) => return Err(bad(Text::new("wd-image-positions-error-item-missing"))),
        ("somevalue", None) => DepictedValue::SomeValue,
        ("novalue", None) => DepictedValue::NoValue,
        (snaktype, _) => {
            return Err(bad(
                Text::new("wd-image-positions-error-snaktype").arg(snaktype)
            ));
        }
    };
    let wiki = wiki_as(user, state, domain).await?;
    let statement_id = wikibase::create_statement(&wiki, &form.entity_id, property, &value)
        .await
        .map_err(|error| wiki_error(domain, error))?;
    let label = depicted_label(state, page, &value).await?;
    let mut depicted = json!({
        "statement_id": statement_id,
        "property_id": property,
        "snaktype": form.snaktype,
        "label": {"language": label.language, "value": label.value},
    });
    if let DepictedValue::Item(id) = &value {
        depicted["item_id"] = json!(id);
    }
    Ok(json!({ "depicted": depicted }))
}

async fn depicted_label(
    state: &AppState,
    page: &PageContext,
    value: &DepictedValue,
) -> Result<Label, ErrorPage> {
    let wikidata = state
        .wikis
        .anonymous(WIKIDATA)
        .await
        .map_err(super::load_error)?;
    let failed = |error| wiki_error(WIKIDATA, error);
    Ok(match value {
        DepictedValue::Item(id) => {
            wikibase::labels(&wikidata, std::slice::from_ref(id), page.lang())
                .await
                .map_err(failed)?
                .remove(id)
                .unwrap_or_else(|| Label::id(id))
        }
        DepictedValue::SomeValue => {
            wikibase::snak_messages(&wikidata, page.lang())
                .await
                .map_err(failed)?
                .some_value
        }
        DepictedValue::NoValue => {
            wikibase::snak_messages(&wikidata, page.lang())
                .await
                .map_err(failed)?
                .no_value
        }
    })
}

#[derive(Debug, Deserialize)]
pub(super) struct NewRegion {
    #[serde(default)]
    statement_id: String,
    #[serde(default)]
    iiif_region: String,
    #[serde(default)]
    qualifier_hash: Option<String>,
}

/// `POST /api/v2/add_qualifier/{domain}`: the statement's region qualifier set to
/// `iiif_region` (replacing the one with `qualifier_hash`, if given); answers
/// `{"qualifier_hash": …}`.
pub(super) async fn add_qualifier(
    State(state): State<AppState>,
    page: PageContext,
    user: MaybeUser,
    Path(domain): Path<String>,
    form: FormFields,
) -> Result<Response, ErrorPage> {
    let form = form.deserialize()?;
    let answer = new_region(&state, user, &domain, form).await;
    Ok(json_answer(&page, answer))
}

async fn new_region(
    state: &AppState,
    user: MaybeUser,
    domain: &str,
    form: NewRegion,
) -> Result<Value, ErrorPage> {
    let domain = editable_domain(domain)?;
    if !statement_on(domain, &form.statement_id) {
        return Err(bad(
            Text::new("wd-image-positions-error-statement").arg(&form.statement_id)
        ));
    }
    Region::parse(&form.iiif_region)
        .map_err(|_| bad(Text::new("wd-image-positions-error-region").arg(&form.iiif_region)))?;
    let hash = form
        .qualifier_hash
        .as_deref()
        .filter(|hash| !hash.is_empty());
    if hash.is_some_and(|hash| !hash.chars().all(|c| c.is_ascii_hexdigit())) {
        return Err(bad(
            Text::new("wd-image-positions-error-statement").arg(&form.statement_id)
        ));
    }
    let wiki = wiki_as(user, state, domain).await?;
    let qualifier_hash = wikibase::set_region(&wiki, &form.statement_id, &form.iiif_region, hash)
        .await
        .map_err(|error| wiki_error(domain, error))?;
    Ok(json!({ "qualifier_hash": qualifier_hash }))
}

/// The answer, or the refusal as JSON: `{"error": {"code", "info"}}` with its status; `code`
/// is the message key without the tool's or the platform's prefix (`wiki-permission` for the
/// wiki's refusal, `no-entity`), `info` the message in the user's language.
fn json_answer(page: &PageContext, answer: Result<Value, ErrorPage>) -> Response {
    match answer {
        Ok(value) => Json(value).into_response(),
        Err(error) => {
            let message = &error.message;
            let code = message
                .key
                .trim_start_matches("wd-image-positions-")
                .trim_start_matches("platform-")
                .trim_start_matches("error-");
            let info = page.messages.plain(message.key, &message.args);
            (
                error.status,
                Json(json!({"error": {"code": code, "info": info}})),
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_ids_must_belong_to_the_domain() {
        assert!(statement_on(
            WIKIDATA,
            "Q1$5D2D3E4A-0000-4000-8000-000000000000"
        ));
        assert!(statement_on(COMMONS, "M7$abc-def"));
        assert!(!statement_on(COMMONS, "Q1$abc"));
        assert!(!statement_on(WIKIDATA, "M7$abc"));
        assert!(!statement_on(WIKIDATA, "Q1"));
        assert!(!statement_on(WIKIDATA, "Q1$"));
        assert!(!statement_on(WIKIDATA, "Q1$a&action=delete"));
    }
}
