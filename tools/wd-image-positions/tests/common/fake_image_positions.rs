//! What Wikidata Image Positions needs of Wikidata and Commons beyond [`FakeWikibase`]: files
//! with `imageinfo` (size, type, thumbnails, `extmetadata`), labels in several languages
//! (`wbgetentities&props=labels`), the wiki's names for "unknown value" and "no value"
//! (`meta=allmessages`), and the two edits the tool makes, applied to the `FakeWikibase`'s
//! entities and recorded: `wbsetqualifier` and `wbcreateclaim`.
//!
//! Plug it in before the `FakeWikibase` (whose `query&titles=` answer would otherwise take the
//! `imageinfo` requests): `fake.on_api(move |r| positions.answer(r).or_else(|| wikibase.answer(r)))`.
//! [`FakeImagePositions::serving_images`] serves the files' images on a local port, for
//! browser tests.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::{Map, Value, json};
use sha2::Digest;

use test_support::{ApiRequest, FakeWikibase, api_error, statements_of};

/// A file of the fake Commons.
#[derive(Debug, Clone)]
struct FakeFile {
    page_id: u64,
    width: u64,
    height: u64,
    /// `extmetadata` fields and their values.
    metadata: Vec<(String, String)>,
}

/// One `wbsetqualifier` the fake applied.
#[derive(Debug, Clone)]
pub struct RecordedQualifier {
    pub statement_id: String,
    pub property: String,
    /// The `value` parameter as sent (JSON: a quoted string).
    pub value: String,
    pub snak_hash: Option<String>,
    pub summary: String,
    pub user: Option<String>,
}

/// One `wbcreateclaim` the fake applied.
#[derive(Debug, Clone)]
pub struct RecordedStatement {
    pub entity: String,
    pub property: String,
    pub snaktype: String,
    /// The `value` parameter as sent, for `snaktype=value`.
    pub value: Option<String>,
    /// The id the fake gave the new statement.
    pub statement_id: String,
    pub user: Option<String>,
}

#[derive(Default)]
struct State {
    /// By title (`File:A b.jpg`).
    files: BTreeMap<String, FakeFile>,
    /// Entity id → language → label.
    labels: BTreeMap<String, BTreeMap<String, String>>,
    qualifiers: Vec<RecordedQualifier>,
    statements: Vec<RecordedStatement>,
    edit_error: Option<(String, String)>,
}

/// Commons files, labels and statement edits; clones are handles to the same data.
#[derive(Clone)]
pub struct FakeImagePositions {
    wikibase: FakeWikibase,
    /// Where image URLs point: `{image_base}/{name}` and `{image_base}/{width}px-{name}`.
    image_base: String,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for FakeImagePositions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeImagePositions")
            .field("image_base", &self.image_base)
            .finish_non_exhaustive()
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl FakeImagePositions {
    /// Edits go to the entities of `wikibase`; image URLs point at `image_base`.
    pub fn new(wikibase: FakeWikibase, image_base: &str) -> Self {
        Self {
            wikibase,
            image_base: image_base.to_owned(),
            state: Arc::default(),
        }
    }

    /// With the images served on a local port (every image an SVG picture of 800 × 600).
    pub async fn serving_images(wikibase: FakeWikibase) -> Self {
        let app = Router::new().route("/images/{name}", get(image));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake image server binds");
        let address = listener.local_addr().expect("fake image server address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self::new(wikibase, &format!("http://{address}/images"))
    }

    /// The origin images come from (for the tool's content security policy).
    pub fn image_origin(&self) -> String {
        url::Url::parse(&self.image_base)
            .map(|url| url.origin().ascii_serialization())
            .unwrap_or_default()
    }

    /// Adds `File:<name>` (page id `page_id`, so its MediaInfo entity is `M<page_id>`) of
    /// `width` × `height` pixels with these `extmetadata` fields.
    pub fn add_file(
        &self,
        name: &str,
        page_id: u64,
        width: u64,
        height: u64,
        metadata: &[(&str, &str)],
    ) {
        lock(&self.state).files.insert(
            format!("File:{}", name.replace('_', " ")),
            FakeFile {
                page_id,
                width,
                height,
                metadata: metadata
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            },
        );
    }

    /// The labels of entity `id`, as language → text pairs.
    pub fn set_labels(&self, id: &str, labels: &[(&str, &str)]) {
        lock(&self.state).labels.insert(
            id.to_owned(),
            labels
                .iter()
                .map(|(language, text)| ((*language).to_owned(), (*text).to_owned()))
                .collect(),
        );
    }

    /// Every edit from now on is refused with this API error.
    pub fn fail_edits_with(&self, code: &str, info: &str) {
        lock(&self.state).edit_error = Some((code.to_owned(), info.to_owned()));
    }

    pub fn qualifier_edits(&self) -> Vec<RecordedQualifier> {
        lock(&self.state).qualifiers.clone()
    }

    pub fn created_statements(&self) -> Vec<RecordedStatement> {
        lock(&self.state).statements.clone()
    }

    /// The answer to an Action API request, or `None` for the ones this fake leaves to others.
    pub fn answer(&self, request: &ApiRequest) -> Option<Value> {
        match request.param("action")? {
            "query" if request.param("prop") == Some("imageinfo") => Some(self.image_info(request)),
            "query" if request.param("meta") == Some("allmessages") => Some(snak_messages(request)),
            "wbgetentities" if request.param("props") == Some("labels") => {
                Some(self.labels(request))
            }
            "wbsetqualifier" => Some(self.set_qualifier(request)),
            "wbcreateclaim" => Some(self.create_claim(request)),
            _ => None,
        }
    }

    fn image_info(&self, request: &ApiRequest) -> Value {
        let state = lock(&self.state);
        let language = request.param("iiextmetadatalanguage").unwrap_or("en");
        let thumb_bound: u64 = request
            .param("iiurlwidth")
            .and_then(|w| w.parse().ok())
            .unwrap_or(0);
        let pages: Vec<Value> = request
            .param("titles")
            .unwrap_or_default()
            .split('|')
            .map(|asked| {
                let title = asked.replace('_', " ");
                let Some(file) = state.files.get(&title) else {
                    return json!({"ns": 6, "title": title, "missing": true});
                };
                let name = title.trim_start_matches("File:").replace(' ', "_");
                let url = format!("{}/{name}", self.image_base);
                let mut info = json!({
                    "url": url,
                    "descriptionurl": format!("https://commons.wikimedia.org/wiki/File:{name}"),
                    "width": file.width,
                    "height": file.height,
                    "size": file.width * file.height,
                    "mime": if name.ends_with(".png") { "image/png" } else { "image/jpeg" },
                });
                if thumb_bound > 0 {
                    // Scaled down to the width asked for, never up, as MediaWiki does.
                    let width = thumb_bound.min(file.width);
                    let height = (file.height * width).div_ceil(file.width.max(1));
                    let thumb = |w: u64| format!("{}/{w}px-{name}", self.image_base);
                    info["thumburl"] = json!(thumb(width));
                    info["thumbwidth"] = json!(width);
                    info["thumbheight"] = json!(height);
                    if width < file.width {
                        info["responsiveUrls"] =
                            json!({"1.5": thumb(width * 3 / 2), "2": thumb(width * 2)});
                    }
                }
                let metadata: Map<String, Value> = file
                    .metadata
                    .iter()
                    .map(|(field, value)| {
                        (field.clone(), json!({"value": value, "source": "commons-desc-page", "lang": language}))
                    })
                    .collect();
                info["extmetadata"] = Value::Object(metadata);
                json!({"pageid": file.page_id, "ns": 6, "title": title, "imagerepository": "local", "imageinfo": [info]})
            })
            .collect();
        json!({"batchcomplete": true, "query": {"pages": pages}})
    }

    fn labels(&self, request: &ApiRequest) -> Value {
        let state = lock(&self.state);
        let languages: Vec<&str> = request
            .param("languages")
            .map(|l| l.split('|').collect())
            .unwrap_or_default();
        let entities: Map<String, Value> = request
            .param("ids")
            .unwrap_or_default()
            .split('|')
            .map(|id| {
                let entity = match state.labels.get(id) {
                    Some(labels) => {
                        let labels: Map<String, Value> = labels
                            .iter()
                            .filter(|(language, _)| {
                                languages.is_empty() || languages.contains(&language.as_str())
                            })
                            .map(|(language, text)| {
                                (
                                    language.clone(),
                                    json!({"language": language, "value": text}),
                                )
                            })
                            .collect();
                        json!({"type": "item", "id": id, "labels": labels})
                    }
                    None if self.wikibase.entity(id).is_some() => {
                        json!({"type": "item", "id": id, "labels": {}})
                    }
                    None => json!({"id": id, "missing": ""}),
                };
                (id.to_owned(), entity)
            })
            .collect();
        json!({"entities": entities, "success": 1})
    }

    fn refusal(&self) -> Option<Value> {
        lock(&self.state)
            .edit_error
            .as_ref()
            .map(|(code, info)| api_error(code, info))
    }

    /// Puts `statements` back on entity `id` (an item's `claims` or a file's `statements`).
    fn replace_statements(&self, id: &str, statements: Vec<Value>) {
        if let Some(page_id) = id.strip_prefix('M').and_then(|p| p.parse::<u64>().ok()) {
            let title = lock(&self.state)
                .files
                .iter()
                .find(|(_, file)| file.page_id == page_id)
                .map(|(title, _)| title.clone())
                .unwrap_or_default();
            self.wikibase.add_media_info(&title, page_id, statements);
        } else {
            self.wikibase.add_entity(id, statements);
        }
    }

    fn set_qualifier(&self, request: &ApiRequest) -> Value {
        if let Some(refusal) = self.refusal() {
            return refusal;
        }
        let statement_id = request.param("claim").unwrap_or_default().to_owned();
        let property = request.param("property").unwrap_or_default().to_owned();
        let raw_value = request.param("value").unwrap_or_default().to_owned();
        let Ok(value) = serde_json::from_str::<Value>(&raw_value) else {
            return api_error("invalid-snak", "The value is not JSON.");
        };
        let entity_id = statement_id
            .split('$')
            .next()
            .unwrap_or_default()
            .to_owned();
        let Some(entity) = self.wikibase.entity(&entity_id) else {
            return api_error("no-such-entity", "Could not find an entity with the ID.");
        };
        let mut statements: Vec<Value> = statements_of(&entity).into_iter().cloned().collect();
        let Some(statement) = statements.iter_mut().find(|s| s["id"] == statement_id) else {
            return api_error("no-such-claim", "Could not find the statement.");
        };
        let hash = snak_hash(&property, &raw_value);
        let snak = json!({"snaktype": "value", "property": property, "hash": hash,
            "datavalue": {"type": "string", "value": value}, "datatype": "string"});
        let snak_hash_param = request.param("snakhash").map(str::to_owned);
        let qualifiers = &mut statement["qualifiers"][property.as_str()];
        if !qualifiers.is_array() {
            *qualifiers = json!([]);
        }
        let list = qualifiers.as_array_mut().expect("an array");
        match &snak_hash_param {
            Some(old) => match list.iter_mut().find(|q| q["hash"] == old.as_str()) {
                Some(existing) => *existing = snak,
                None => {
                    return api_error(
                        "no-such-qualifier",
                        "Could not find the qualifier with the hash.",
                    );
                }
            },
            None => list.push(snak),
        }
        if !statement["qualifiers-order"].is_array() {
            statement["qualifiers-order"] = json!([]);
        }
        if let Some(order) = statement["qualifiers-order"].as_array_mut()
            && !order.iter().any(|p| p == property.as_str())
        {
            order.push(json!(property));
        }
        let claim = statement.clone();
        self.replace_statements(&entity_id, statements);
        lock(&self.state).qualifiers.push(RecordedQualifier {
            statement_id,
            property,
            value: raw_value,
            snak_hash: snak_hash_param,
            summary: request.param("summary").unwrap_or_default().to_owned(),
            user: request.user.clone(),
        });
        let revision = self.wikibase.revision_of(&entity_id).unwrap_or_default();
        json!({"success": 1, "pageinfo": {"lastrevid": revision}, "claim": claim})
    }

    fn create_claim(&self, request: &ApiRequest) -> Value {
        if let Some(refusal) = self.refusal() {
            return refusal;
        }
        let entity_id = request.param("entity").unwrap_or_default().to_owned();
        let property = request.param("property").unwrap_or_default().to_owned();
        let snaktype = request.param("snaktype").unwrap_or_default().to_owned();
        let existing = self.wikibase.entity(&entity_id);
        let is_known_file = entity_id
            .strip_prefix('M')
            .and_then(|p| p.parse::<u64>().ok())
            .is_some_and(|page_id| {
                lock(&self.state)
                    .files
                    .values()
                    .any(|f| f.page_id == page_id)
            });
        if existing.is_none() && !is_known_file {
            return api_error("no-such-entity", "Could not find an entity with the ID.");
        }
        let mut snak =
            json!({"snaktype": snaktype, "property": property, "datatype": "wikibase-item"});
        let raw_value = request.param("value").map(str::to_owned);
        match (snaktype.as_str(), &raw_value) {
            ("value", Some(raw)) => {
                let Ok(value) = serde_json::from_str::<Value>(raw) else {
                    return api_error("invalid-snak", "The value is not JSON.");
                };
                snak["datavalue"] = json!({"type": "wikibase-entityid", "value": value});
            }
            ("somevalue" | "novalue", None) => {}
            _ => return api_error("invalid-snak", "Invalid snak."),
        }
        let mut statements: Vec<Value> = existing
            .as_ref()
            .map(|entity| statements_of(entity).into_iter().cloned().collect())
            .unwrap_or_default();
        let count = lock(&self.state).statements.len() + 1;
        let statement_id = format!("{entity_id}$00000000-0000-4000-8000-{count:012}");
        let statement =
            json!({"id": statement_id, "type": "statement", "rank": "normal", "mainsnak": snak});
        statements.push(statement.clone());
        self.replace_statements(&entity_id, statements);
        lock(&self.state).statements.push(RecordedStatement {
            entity: entity_id.clone(),
            property,
            snaktype,
            value: raw_value,
            statement_id,
            user: request.user.clone(),
        });
        let revision = self.wikibase.revision_of(&entity_id).unwrap_or_default();
        json!({"success": 1, "pageinfo": {"lastrevid": revision}, "claim": statement})
    }
}

/// A hash for a snak, stable for the same property and value as Wikibase's are.
fn snak_hash(property: &str, value: &str) -> String {
    let digest = sha2::Sha256::digest(format!("{property}={value}").as_bytes());
    digest[..20].iter().map(|b| format!("{b:02x}")).collect()
}

/// `meta=allmessages` for Wikibase's names of "unknown value" and "no value" (English, or
/// German for `amlang=de`).
fn snak_messages(request: &ApiRequest) -> Value {
    let german = request.param("amlang") == Some("de");
    let messages: Vec<Value> = request
        .param("ammessages")
        .unwrap_or_default()
        .split('|')
        .map(|name| {
            let content = match (name, german) {
                ("wikibase-snakview-variations-somevalue-label", false) => "unknown value",
                ("wikibase-snakview-variations-somevalue-label", true) => "unbekannter Wert",
                ("wikibase-snakview-variations-novalue-label", false) => "no value",
                ("wikibase-snakview-variations-novalue-label", true) => "kein Wert",
                _ => return json!({"name": name, "missing": true}),
            };
            json!({"name": name, "content": content})
        })
        .collect();
    json!({"batchcomplete": true, "query": {"allmessages": messages}})
}

async fn image() -> impl IntoResponse {
    (
        [(CONTENT_TYPE, "image/svg+xml")],
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"600\"><rect width=\"800\" height=\"600\" fill=\"#8ab\"/><circle cx=\"400\" cy=\"300\" r=\"120\" fill=\"#fc3\"/></svg>",
    )
}
