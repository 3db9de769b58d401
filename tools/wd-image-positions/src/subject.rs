//! What a page shows about an item or a file: its image, and every depicted thing with its
//! label and, if it has one, its region. Loaded from Wikidata and Commons, anonymously.

use std::collections::HashMap;
use std::sync::Arc;

use platform::UserAgent;
use wikimedia::mediawiki::{ClientOptions, MediaWiki, MediaWikiError};

use crate::commons::{self, ImageInfo};
use crate::input::{COMMONS, EntityId, FileName, PropertyId, WIKIDATA};
use crate::labels::Label;
use crate::region::{PercentBox, Region};
use crate::settings::Settings;
use crate::wikibase::{self, Depicted, DepictedValue, ImageValue};

/// Why a page cannot be shown.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("Wikidata has no entity {0}")]
    NoSuchEntity(String),
    #[error("Commons has no file {0}")]
    NoSuchFile(String),
    #[error("{property} has a {kind} value, not a file name")]
    WrongValueType { property: String, kind: String },
    #[error("{domain}: {error}")]
    Wiki {
        domain: &'static str,
        error: MediaWikiError,
    },
}

/// Anonymous clients of the wikis, with this tool's user agent.
#[derive(Debug, Clone)]
pub struct Wikis {
    settings: Arc<Settings>,
    user_agent: UserAgent,
}

impl Wikis {
    pub fn new(settings: Arc<Settings>, user_agent: UserAgent) -> Self {
        Self {
            settings,
            user_agent,
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub async fn anonymous(&self, domain: &'static str) -> Result<MediaWiki, LoadError> {
        MediaWiki::anonymous(
            &self.settings.api_url(domain),
            &self.user_agent,
            ClientOptions::default(),
        )
        .await
        .map_err(|error| LoadError::Wiki { domain, error })
    }
}

fn on(domain: &'static str) -> impl Fn(MediaWikiError) -> LoadError {
    move |error| LoadError::Wiki { domain, error }
}

/// A depicted thing as a page shows it.
#[derive(Debug, Clone)]
pub struct Depiction {
    pub statement_id: String,
    pub property: String,
    /// The depicted item; `None` for "unknown value" and "no value".
    pub item_id: Option<String>,
    pub label: Label,
    /// The region, if it has one this tool can read.
    pub region: Option<Region>,
    /// The region qualifier as written (shown when it cannot be read).
    pub region_text: Option<String>,
    pub qualifier_hash: Option<String>,
}

impl Depiction {
    /// The depicted item's concept URI (what IIIF annotations and links point to).
    pub fn item_uri(&self) -> Option<String> {
        self.item_id
            .as_ref()
            .map(|id| format!("http://www.wikidata.org/entity/{id}"))
    }

    /// The depicted item's page.
    pub fn item_url(&self) -> Option<String> {
        self.item_id
            .as_ref()
            .map(|id| format!("https://www.wikidata.org/wiki/Special:EntityPage/{id}"))
    }

    /// The region qualifier cannot be read (it is listed with the depicted things without one).
    pub fn has_unreadable_region(&self) -> bool {
        self.region.is_none() && self.region_text.is_some()
    }
}

/// A depicted thing's box on the image.
#[derive(Debug, Clone)]
pub struct RegionBox {
    pub depiction: Depiction,
    pub percent: PercentBox,
    /// `left`, `top`, `width`, `height` as CSS lengths.
    pub css: [String; 4],
}

/// An image with the depicted things on it and below it.
#[derive(Debug, Clone)]
pub struct ImageView {
    pub info: ImageInfo,
    /// Largest first, so that smaller boxes are drawn on top.
    pub boxes: Vec<RegionBox>,
    pub without_region: Vec<Depiction>,
}

impl ImageView {
    fn new(info: ImageInfo, depictions: &[Depiction]) -> Self {
        let mut boxes: Vec<RegionBox> = depictions
            .iter()
            .filter_map(|depiction| {
                let percent = depiction
                    .region
                    .as_ref()?
                    .percent_box(info.width, info.height);
                Some(RegionBox {
                    depiction: depiction.clone(),
                    css: percent.css(),
                    percent,
                })
            })
            .collect();
        boxes.sort_by(|a, b| b.percent.area().total_cmp(&a.percent.area()));
        let without_region = depictions
            .iter()
            .filter(|depiction| depiction.region.is_none())
            .cloned()
            .collect();
        Self {
            info,
            boxes,
            without_region,
        }
    }
}

/// An item or a file, with its image (an item may have none).
#[derive(Debug, Clone)]
pub struct Subject {
    /// `Q…` for an item, `M…` for a file.
    pub entity_id: String,
    /// Where the entity is edited.
    pub domain: &'static str,
    /// The item's label (files are shown by their name).
    pub label: Option<Label>,
    pub image: Option<ImageView>,
    pub depictions: Vec<Depiction>,
}

/// An item of Wikidata with the image its `property` names (`thumbnail_width` wide), and the
/// things its image depicts, labelled in `language`.
pub async fn load_item(
    wikis: &Wikis,
    id: &EntityId,
    property: &PropertyId,
    language: &str,
    thumbnail_width: u32,
) -> Result<Subject, LoadError> {
    let wikidata = wikis.anonymous(WIKIDATA).await?;
    let entity = wikibase::entity(&wikidata, id.as_str())
        .await
        .map_err(on(WIKIDATA))?
        .ok_or_else(|| LoadError::NoSuchEntity(id.to_string()))?;
    let image_name = match wikibase::image_value(&entity, property.as_str()) {
        ImageValue::None => None,
        ImageValue::File(name) => Some(name),
        ImageValue::WrongType(kind) => {
            return Err(LoadError::WrongValueType {
                property: property.to_string(),
                kind,
            });
        }
    };
    let depicted = wikibase::depicteds(&entity);
    let (depictions, mut labels) =
        label_depicteds(&wikidata, depicted, &[id.to_string()], language).await?;
    let image = match image_name.as_deref().and_then(FileName::new) {
        Some(name) => {
            let commons = wikis.anonymous(COMMONS).await?;
            let info = commons::image_info(&commons, &name, thumbnail_width, language)
                .await
                .map_err(on(COMMONS))?
                .ok_or_else(|| LoadError::NoSuchFile(name.as_str().to_owned()))?;
            Some(ImageView::new(info, &depictions))
        }
        None => None,
    };
    Ok(Subject {
        entity_id: id.to_string(),
        domain: WIKIDATA,
        label: labels.remove(id.as_str()),
        image,
        depictions,
    })
}

/// A file of Commons with the things its structured data says it depicts.
pub async fn load_file(
    wikis: &Wikis,
    name: &FileName,
    language: &str,
) -> Result<Subject, LoadError> {
    let commons = wikis.anonymous(COMMONS).await?;
    let info = commons::image_info(&commons, name, commons::PAGE_WIDTH, language)
        .await
        .map_err(on(COMMONS))?
        .ok_or_else(|| LoadError::NoSuchFile(name.as_str().to_owned()))?;
    let entity_id = info.media_info_id();
    // A file nobody has added structured data to has no MediaInfo entity yet.
    let depicted = wikibase::entity(&commons, &entity_id)
        .await
        .map_err(on(COMMONS))?
        .map(|entity| wikibase::depicteds(&entity))
        .unwrap_or_default();
    let wikidata = wikis.anonymous(WIKIDATA).await?;
    let (depictions, _) = label_depicteds(&wikidata, depicted, &[], language).await?;
    Ok(Subject {
        entity_id,
        domain: COMMONS,
        label: None,
        image: Some(ImageView::new(info, &depictions)),
        depictions,
    })
}

/// The depicted things with their labels (and the labels of `more` ids, returned too).
async fn label_depicteds(
    wikidata: &MediaWiki,
    depicted: Vec<Depicted>,
    more: &[String],
    language: &str,
) -> Result<(Vec<Depiction>, HashMap<String, Label>), LoadError> {
    let mut ids: Vec<String> = more.to_vec();
    ids.extend(depicted.iter().filter_map(|d| match &d.value {
        DepictedValue::Item(id) => Some(id.clone()),
        _ => None,
    }));
    let labels = wikibase::labels(wikidata, &ids, language)
        .await
        .map_err(on(WIKIDATA))?;
    let needs_messages = depicted
        .iter()
        .any(|d| !matches!(d.value, DepictedValue::Item(_)));
    let messages = if needs_messages {
        Some(
            wikibase::snak_messages(wikidata, language)
                .await
                .map_err(on(WIKIDATA))?,
        )
    } else {
        None
    };
    let depictions = depicted
        .into_iter()
        .map(|d| {
            let (item_id, label) = match (&d.value, &messages) {
                (DepictedValue::Item(id), _) => (
                    Some(id.clone()),
                    labels.get(id).cloned().unwrap_or_else(|| Label::id(id)),
                ),
                (DepictedValue::SomeValue, Some(messages)) => (None, messages.some_value.clone()),
                (DepictedValue::NoValue, Some(messages)) => (None, messages.no_value.clone()),
                (_, None) => (None, Label::id("?")),
            };
            Depiction {
                region: d
                    .region
                    .as_deref()
                    .and_then(|text| Region::parse(text).ok()),
                region_text: d.region,
                statement_id: d.statement_id,
                property: d.property,
                item_id,
                label,
                qualifier_hash: d.qualifier_hash,
            }
        })
        .collect();
    Ok((depictions, labels))
}
