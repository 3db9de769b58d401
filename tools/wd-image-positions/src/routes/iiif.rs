//! IIIF: an item's manifest and annotation list, readable from any origin (they are public
//! data, and IIIF viewers run on other sites).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header::ACCESS_CONTROL_ALLOW_ORIGIN;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use platform::{ErrorPage, PageContext, Text};
use serde_json::Value;

use super::pages::{entity_or_400, property_or_400};
use super::{AppState, load_error, origin};
use crate::commons::IIIF_THUMBNAIL_WIDTH;
use crate::iiif::{self, Annotated, Base};
use crate::subject::{self, Subject};

fn cross_origin_json(value: Value) -> Response {
    (
        [(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"))],
        Json(value),
    )
        .into_response()
}

/// The original's short addresses name the image property P18.
pub(super) async fn manifest_of_image(Path(id): Path<String>) -> Result<Redirect, ErrorPage> {
    let id = entity_or_400(&id)?;
    Ok(Redirect::permanent(&format!(
        "/iiif/{id}/P18/manifest.json"
    )))
}

pub(super) async fn annotations_of_image(Path(id): Path<String>) -> Result<Redirect, ErrorPage> {
    let id = entity_or_400(&id)?;
    Ok(Redirect::permanent(&format!(
        "/iiif/{id}/P18/list/annotations.json"
    )))
}

/// The item with its image, or the 404 of an item without one.
async fn item_with_image(
    state: &AppState,
    page: &PageContext,
    id: &str,
    property: &str,
    thumbnail_width: u32,
) -> Result<Subject, ErrorPage> {
    let id = entity_or_400(id)?;
    let property = property_or_400(property)?;
    let subject = subject::load_item(&state.wikis, &id, &property, page.lang(), thumbnail_width)
        .await
        .map_err(load_error)?;
    if subject.image.is_none() {
        return Err(ErrorPage::not_found(
            Text::new("wd-image-positions-no-image")
                .arg(&id)
                .arg(&property),
        ));
    }
    Ok(subject)
}

pub(super) async fn manifest(
    State(state): State<AppState>,
    page: PageContext,
    headers: HeaderMap,
    Path((id, property)): Path<(String, String)>,
) -> Result<Response, ErrorPage> {
    let subject = item_with_image(&state, &page, &id, &property, IIIF_THUMBNAIL_WIDTH).await?;
    let Some(image) = subject.image else {
        return Err(ErrorPage::internal("an item with an image has none"));
    };
    let label = subject
        .label
        .unwrap_or_else(|| crate::labels::Label::id(&subject.entity_id));
    let base = Base::new(&origin(&headers), &subject.entity_id, &property);
    Ok(cross_origin_json(iiif::manifest(
        &base,
        &label,
        &image.info,
    )))
}

pub(super) async fn annotations(
    State(state): State<AppState>,
    page: PageContext,
    headers: HeaderMap,
    Path((id, property)): Path<(String, String)>,
) -> Result<Response, ErrorPage> {
    let subject = item_with_image(&state, &page, &id, &property, IIIF_THUMBNAIL_WIDTH).await?;
    let Some(image) = &subject.image else {
        return Err(ErrorPage::internal("an item with an image has none"));
    };
    let label = subject
        .label
        .clone()
        .unwrap_or_else(|| crate::labels::Label::id(&subject.entity_id));
    let uris: Vec<(String, &subject::Depiction)> = subject
        .depictions
        .iter()
        .filter_map(|depiction| Some((depiction.item_uri()?, depiction)))
        .collect();
    let annotated: Vec<Annotated<'_>> = uris
        .iter()
        .map(|(uri, depiction)| Annotated {
            statement_id: &depiction.statement_id,
            item_uri: uri,
            label: &depiction.label,
            region: depiction.region.as_ref(),
        })
        .collect();
    let base = Base::new(&origin(&headers), &subject.entity_id, &property);
    Ok(cross_origin_json(iiif::annotation_list(
        &base,
        &label,
        &annotated,
        image.info.width,
        image.info.height,
    )))
}
