//! The start page: three ways in (an item, a file, a region), each sent to its page.

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use platform::{ErrorPage, FormError, FormFields, PageContext, Text};
use serde::Deserialize;

use crate::input::{self, PropertyId};
use crate::region::Region;

/// What the user typed, kept to fill the form again.
#[derive(Debug, Default, Deserialize)]
pub(super) struct Typed {
    #[serde(default)]
    item_id: Option<String>,
    #[serde(default)]
    property_id: Option<String>,
    #[serde(default)]
    image_title: Option<String>,
    #[serde(default)]
    iiif_region: Option<String>,
    /// The "IIIF manifest" button of the item form.
    #[serde(default)]
    manifest: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "index.html")]
pub(super) struct IndexPage {
    page: PageContext,
    typed: Typed,
    error: Option<FormError>,
}

impl IndexPage {
    fn value<'a>(&self, field: &'a Option<String>) -> &'a str {
        field.as_deref().unwrap_or_default()
    }
}

pub(super) async fn show(page: PageContext) -> IndexPage {
    IndexPage {
        page,
        typed: Typed::default(),
        error: None,
    }
}

/// Where the form leads: an item's page (or its IIIF manifest), a file's page, a region's
/// page; input that names none of them shows the form again with the error and what was typed.
pub(super) async fn go(page: PageContext, form: FormFields) -> Result<Response, ErrorPage> {
    let typed: Typed = form.deserialize()?;
    Ok(match destination(&typed) {
        Ok(Some(path)) => Redirect::to(&path).into_response(),
        Ok(None) => Redirect::to("/").into_response(),
        Err(error) => (
            StatusCode::BAD_REQUEST,
            IndexPage {
                page,
                typed,
                error: Some(error),
            },
        )
            .into_response(),
    })
}

fn filled(field: &Option<String>) -> Option<&str> {
    field
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

fn destination(typed: &Typed) -> Result<Option<String>, FormError> {
    let property = match filled(&typed.property_id) {
        Some(text) => Some(PropertyId::parse(text).ok_or_else(|| {
            FormError::in_field(
                "property_id",
                Text::new("wd-image-positions-error-property").arg(text),
            )
        })?),
        None => None,
    };
    if let Some(text) = filled(&typed.item_id) {
        let id = input::entity_from_input(text).map_err(|_| {
            FormError::in_field(
                "item_id",
                Text::new("wd-image-positions-error-entity-input").arg(text),
            )
        })?;
        let path = match (&property, typed.manifest.is_some()) {
            (Some(property), true) => format!("/iiif/{id}/{property}/manifest.json"),
            (None, true) => format!("/iiif/{id}/P18/manifest.json"),
            (Some(property), false) => format!("/item/{id}/{property}"),
            (None, false) => format!("/item/{id}"),
        };
        return Ok(Some(path));
    }
    if let Some(text) = filled(&typed.image_title) {
        let name = input::file_from_input(text).map_err(|_| {
            FormError::in_field(
                "image_title",
                Text::new("wd-image-positions-error-file-input").arg(text),
            )
        })?;
        return Ok(Some(format!("/file/{}", path_segment(&name.url_form()))));
    }
    if let Some(text) = filled(&typed.iiif_region) {
        Region::parse(text).map_err(|_| {
            FormError::in_field(
                "iiif_region",
                Text::new("wd-image-positions-error-region").arg(text),
            )
        })?;
        let path = format!("/iiif_region/{}", path_segment(text));
        return Ok(Some(match &property {
            Some(property) => format!("{path}/{property}"),
            None => path,
        }));
    }
    Ok(None)
}

/// `text` as one segment of a path (`/`, `?`, `#`, `%` and spaces encoded).
pub(super) fn path_segment(text: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'/')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'\\')
        .add(b'`')
        .add(b'{')
        .add(b'}');
    percent_encoding::utf8_percent_encode(text, SEGMENT).to_string()
}
