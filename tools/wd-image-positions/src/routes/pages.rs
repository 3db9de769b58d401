//! The pages of an item, a file, and a region: the image with its depicted things.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::header::{ACCESS_CONTROL_ALLOW_ORIGIN, CONTENT_TYPE};
use axum::http::{HeaderValue, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use platform::login::MaybeUser;
use platform::{ErrorPage, PageContext, Text};

use super::index::path_segment;
use super::{AppState, load_error};
use crate::commons::PAGE_WIDTH;
use crate::input::{EntityId, FileName, PropertyId};
use crate::labels::Label;
use crate::region::Region;
use crate::sparql;
use crate::subject::{self, Depiction, ImageView, Subject};
use crate::wikibase::NAMED_PLACE_ON_MAP;

pub(super) fn entity_or_400(text: &str) -> Result<EntityId, ErrorPage> {
    EntityId::parse(text).ok_or_else(|| {
        ErrorPage::bad_request(Text::new("wd-image-positions-error-entity-input").arg(text))
            .with_link("/", Text::new("wd-image-positions-try-another"))
    })
}

pub(super) fn property_or_400(text: &str) -> Result<PropertyId, ErrorPage> {
    PropertyId::parse(text).ok_or_else(|| {
        ErrorPage::bad_request(Text::new("wd-image-positions-error-property").arg(text))
            .with_link("/", Text::new("wd-image-positions-try-another"))
    })
}

/// Depicted things without a region, under one heading per property.
pub struct Group<'a> {
    /// "named place on map" (else "depicts").
    pub named_places: bool,
    pub depictions: Vec<&'a Depiction>,
}

/// The groups of depicted things without a region: depicts first, then named places.
pub fn groups(depictions: &[Depiction]) -> Vec<Group<'_>> {
    [false, true]
        .into_iter()
        .map(|named_places| Group {
            named_places,
            depictions: depictions
                .iter()
                .filter(|d| (d.property == NAMED_PLACE_ON_MAP) == named_places)
                .collect(),
        })
        .filter(|group| !group.depictions.is_empty())
        .collect()
}

/// Whether a label is in another language than the page (it then gets its own `lang`).
fn foreign(page: &PageContext, label: &Label) -> bool {
    label.language != page.lang()
}

#[derive(Template, WebTemplate)]
#[template(path = "subject.html")]
struct SubjectPage {
    page: PageContext,
    subject: Subject,
    /// The item page's image property.
    property: Option<String>,
    logged_in: bool,
}

impl SubjectPage {
    fn foreign(&self, label: &Label) -> bool {
        foreign(&self.page, label)
    }

    fn groups<'a>(&self, image: &'a ImageView) -> Vec<Group<'a>> {
        groups(&image.without_region)
    }
}

pub(super) async fn item(
    state: State<AppState>,
    page: PageContext,
    user: MaybeUser,
    Path(id): Path<String>,
) -> Result<Response, ErrorPage> {
    show_item(state, page, user, &id, PropertyId::image()).await
}

pub(super) async fn item_with_property(
    state: State<AppState>,
    page: PageContext,
    user: MaybeUser,
    Path((id, property)): Path<(String, String)>,
) -> Result<Response, ErrorPage> {
    let property = property_or_400(&property)?;
    show_item(state, page, user, &id, property).await
}

async fn show_item(
    State(state): State<AppState>,
    page: PageContext,
    MaybeUser(user): MaybeUser,
    id: &str,
    property: PropertyId,
) -> Result<Response, ErrorPage> {
    let id = entity_or_400(id)?;
    let subject = subject::load_item(&state.wikis, &id, &property, page.lang(), PAGE_WIDTH)
        .await
        .map_err(load_error)?;
    Ok(SubjectPage {
        page,
        subject,
        property: Some(property.to_string()),
        logged_in: user.is_some(),
    }
    .into_response())
}

/// `/file/File:A b.jpg` → `/file/A_b.jpg` (the original's normal form), the query kept.
fn normal_file_path(title: &str, uri: &Uri) -> Option<String> {
    let normal = title.replace(' ', "_");
    let normal = normal.strip_prefix("File:").unwrap_or(&normal);
    (normal != title).then(|| {
        let path = format!("/file/{}", path_segment(normal));
        match uri.query() {
            Some(query) => format!("{path}?{query}"),
            None => path,
        }
    })
}

fn file_name_or_400(title: &str) -> Result<FileName, ErrorPage> {
    FileName::new(title).ok_or_else(|| {
        ErrorPage::bad_request(Text::new("wd-image-positions-error-file-input").arg(title))
            .with_link("/", Text::new("wd-image-positions-try-another"))
    })
}

pub(super) async fn file(
    State(state): State<AppState>,
    page: PageContext,
    MaybeUser(user): MaybeUser,
    Path(title): Path<String>,
    uri: Uri,
) -> Result<Response, ErrorPage> {
    if let Some(path) = normal_file_path(&title, &uri) {
        return Ok(Redirect::permanent(&path).into_response());
    }
    let name = file_name_or_400(&title)?;
    let subject = subject::load_file(&state.wikis, &name, page.lang())
        .await
        .map_err(load_error)?;
    Ok(SubjectPage {
        page,
        subject,
        property: None,
        logged_in: user.is_some(),
    }
    .into_response())
}

#[derive(Template)]
#[template(path = "depicteds.html")]
struct DepictedsFragment<'a> {
    page: PageContext,
    depictions: &'a [Depiction],
}

impl DepictedsFragment<'_> {
    fn foreign(&self, label: &Label) -> bool {
        foreign(&self.page, label)
    }
}

/// A file's depicted things as an HTML list without the page around it, for other sites to
/// show (hence readable from any origin, as the original's was).
pub(super) async fn file_depicteds(
    State(state): State<AppState>,
    page: PageContext,
    Path(title): Path<String>,
) -> Result<Response, ErrorPage> {
    let name = file_name_or_400(&title)?;
    let subject = subject::load_file(&state.wikis, &name, page.lang())
        .await
        .map_err(load_error)?;
    let html = DepictedsFragment {
        page,
        depictions: &subject.depictions,
    }
    .render()
    .map_err(|error| ErrorPage::internal(format!("the depicted list: {error}")))?;
    Ok((
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*")),
        ],
        html,
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "region.html")]
pub(super) struct RegionPage {
    page: PageContext,
    region: String,
    property: String,
    subjects: Vec<Subject>,
    without_image: Vec<Subject>,
}

impl RegionPage {
    fn foreign(&self, label: &Label) -> bool {
        foreign(&self.page, label)
    }

    fn groups<'a>(&self, image: &'a ImageView) -> Vec<Group<'a>> {
        groups(&image.without_region)
    }
}

pub(super) async fn region(
    state: State<AppState>,
    page: PageContext,
    Path(region): Path<String>,
) -> Result<RegionPage, ErrorPage> {
    show_region(state, page, region, PropertyId::image()).await
}

pub(super) async fn region_with_property(
    state: State<AppState>,
    page: PageContext,
    Path((region, property)): Path<(String, String)>,
) -> Result<RegionPage, ErrorPage> {
    let property = property_or_400(&property)?;
    show_region(state, page, region, property).await
}

/// The items with a depicted thing at exactly this region (by the query service), each with
/// its image.
async fn show_region(
    State(state): State<AppState>,
    page: PageContext,
    region: String,
    property: PropertyId,
) -> Result<RegionPage, ErrorPage> {
    Region::parse(&region).map_err(|_| {
        ErrorPage::bad_request(Text::new("wd-image-positions-error-region").arg(&region))
            .with_link("/", Text::new("wd-image-positions-try-another"))
    })?;
    let ids = sparql::items_with_region(&state.query_service, &region)
        .await
        .map_err(|error| {
            tracing::warn!(%error, "query service failed");
            ErrorPage::bad_gateway(Text::new("wd-image-positions-error-query-service"))
        })?;
    let mut subjects = Vec::new();
    let mut without_image = Vec::new();
    for id in ids.iter().filter_map(|id| EntityId::parse(id)) {
        let subject = subject::load_item(&state.wikis, &id, &property, page.lang(), PAGE_WIDTH)
            .await
            .map_err(load_error)?;
        if subject.image.is_some() {
            subjects.push(subject);
        } else {
            without_image.push(subject);
        }
    }
    Ok(RegionPage {
        page,
        region,
        property: property.to_string(),
        subjects,
        without_image,
    })
}
