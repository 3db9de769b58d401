//! A fake Wikibase for [`FakeWiki`](crate::FakeWiki)'s Action API, and a fake SPARQL endpoint.
//!
//! [`FakeWikibase`] holds entities (items, lexemes, MediaInfo…) with statements and revisions
//! and answers, when plugged into [`FakeWiki::on_api`](crate::FakeWiki::on_api):
//!
//! - `wbgetentities` (`props=info|claims`, at most 50 ids, as Wikibase allows without
//!   `apihighlimits`: more is the wiki's `toomanyvalues` error), MediaInfo's statements under
//!   `statements` and `[]` for none (T222159), as Wikibase does;
//! - `wbeditentity` with `data` whose `claims` replace statements by id: refused with
//!   `editconflict` unless `baserevid` is the entity's latest revision (this fake does not merge
//!   edits, so a test sees every conflict); an edit changing nothing answers `nochange`; every
//!   edit is recorded ([`FakeWikibase::edits`]);
//! - `wbformatvalue` (`generate=text/html`: strings escaped in a span, items as links relative
//!   to the wiki, as Wikibase's are) and `wbformatentities` (labels as links);
//! - `action=query&titles=File:…`: the page id of a file, whose MediaInfo entity is `M<id>`.
//!
//! [`FakeSparql`] is a query service on a local port: it answers every query with the results
//! the test set, or with an error status, and records the queries.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Map, Value, json};

use crate::fake_wiki::{ApiRequest, api_error};

/// Ids per `wbgetentities` request Wikibase allows a user without `apihighlimits`.
pub const MAX_IDS_PER_REQUEST: usize = 50;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One `wbeditentity` the fake applied.
#[derive(Debug, Clone)]
pub struct RecordedEdit {
    pub entity: String,
    /// The `data` parameter, parsed.
    pub data: Value,
    pub base_revision: u64,
    pub new_revision: u64,
    pub summary: String,
    /// The `bot` parameter, if the tool sent one.
    pub bot: Option<String>,
    pub maxlag: Option<String>,
    /// The user whose token came with the edit.
    pub user: Option<String>,
}

#[derive(Default)]
struct WikibaseState {
    /// Entity JSON as `wbgetentities` gives it (`formatversion=2`), by id.
    entities: BTreeMap<String, Value>,
    /// File title → page id.
    files: BTreeMap<String, u64>,
    labels: BTreeMap<String, String>,
    last_revision: u64,
    edits: Vec<RecordedEdit>,
    edit_error: Option<(String, String)>,
    format_value_requests: usize,
}

/// Entities with statements and revisions; clones are handles to the same data.
#[derive(Clone, Default)]
pub struct FakeWikibase {
    state: Arc<Mutex<WikibaseState>>,
}

impl std::fmt::Debug for FakeWikibase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeWikibase").finish_non_exhaustive()
    }
}

/// A statement whose value is a string, as Wikibase's JSON writes it.
pub fn string_statement(id: &str, property: &str, value: &str, rank: &str) -> Value {
    json!({
        "id": id,
        "type": "statement",
        "rank": rank,
        "mainsnak": {
            "snaktype": "value",
            "property": property,
            "datatype": "string",
            "datavalue": {"type": "string", "value": value},
        },
    })
}

/// A statement whose value is an item.
pub fn item_statement(id: &str, property: &str, item: &str, rank: &str) -> Value {
    json!({
        "id": id,
        "type": "statement",
        "rank": rank,
        "mainsnak": {
            "snaktype": "value",
            "property": property,
            "datatype": "wikibase-item",
            "datavalue": {"type": "wikibase-entityid", "value": {"entity-type": "item", "id": item}},
        },
    })
}

/// `statement` with a qualifier `property` = `item` added (e.g. a reason for its rank).
pub fn with_item_qualifier(mut statement: Value, property: &str, item: &str) -> Value {
    let snak = json!({
        "snaktype": "value", "property": property, "datatype": "wikibase-item",
        "datavalue": {"type": "wikibase-entityid", "value": {"entity-type": "item", "id": item}},
    });
    statement["qualifiers"][property] = json!([snak]);
    if !statement["qualifiers-order"].is_array() {
        statement["qualifiers-order"] = json!([]);
    }
    if let Some(order) = statement["qualifiers-order"].as_array_mut() {
        order.push(json!(property));
    }
    statement
}

/// Statements grouped by their main snak's property, as `claims` are.
fn grouped(statements: Vec<Value>) -> Value {
    let mut groups: Map<String, Value> = Map::new();
    for statement in statements {
        let property = statement["mainsnak"]["property"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let group = groups.entry(property).or_insert_with(|| json!([]));
        if let Some(group) = group.as_array_mut() {
            group.push(statement);
        }
    }
    Value::Object(groups)
}

impl FakeWikibase {
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> MutexGuard<'_, WikibaseState> {
        lock(&self.state)
    }

    /// Adds an item, property or lexeme (by its id's letter) with these statements, at a new
    /// revision; returns the revision.
    pub fn add_entity(&self, id: &str, statements: Vec<Value>) -> u64 {
        let kind = match id.chars().next() {
            Some('P') => "property",
            Some('L') if id.contains("-S") => "sense",
            Some('L') if id.contains("-F") => "form",
            Some('L') => "lexeme",
            _ => "item",
        };
        let mut state = self.state();
        state.last_revision += 1;
        let revision = state.last_revision;
        state.entities.insert(
            id.to_owned(),
            json!({"type": kind, "id": id, "lastrevid": revision, "claims": grouped(statements)}),
        );
        revision
    }

    /// Adds the file `title` (`File:…`) with page id `page_id` and its MediaInfo entity
    /// `M<page_id>` with these statements (`[]` when there are none, as Wikibase writes it).
    pub fn add_media_info(&self, title: &str, page_id: u64, statements: Vec<Value>) -> u64 {
        let id = format!("M{page_id}");
        let mut state = self.state();
        state.last_revision += 1;
        let revision = state.last_revision;
        let statements = if statements.is_empty() {
            json!([])
        } else {
            grouped(statements)
        };
        state.entities.insert(
            id.clone(),
            json!({"type": "mediainfo", "id": id, "lastrevid": revision, "statements": statements}),
        );
        state.files.insert(title.to_owned(), page_id);
        revision
    }

    /// The label `wbformatentities` and item values show for `id`.
    pub fn set_label(&self, id: &str, label: &str) {
        self.state().labels.insert(id.to_owned(), label.to_owned());
    }

    /// Someone else edits the entity: its revision moves on, its statements stay.
    pub fn edit_elsewhere(&self, id: &str) -> u64 {
        let mut state = self.state();
        state.last_revision += 1;
        let revision = state.last_revision;
        if let Some(entity) = state.entities.get_mut(id) {
            entity["lastrevid"] = json!(revision);
        }
        revision
    }

    /// Every `wbeditentity` from now on is refused with this API error.
    pub fn fail_edits_with(&self, code: &str, info: &str) {
        self.state().edit_error = Some((code.to_owned(), info.to_owned()));
    }

    pub fn entity(&self, id: &str) -> Option<Value> {
        self.state().entities.get(id).cloned()
    }

    pub fn revision_of(&self, id: &str) -> Option<u64> {
        self.entity(id)?["lastrevid"].as_u64()
    }

    /// The statement with this id, wherever it is.
    pub fn statement(&self, statement_id: &str) -> Option<Value> {
        let state = self.state();
        state.entities.values().find_map(|entity| {
            statements_of(entity)
                .into_iter()
                .find(|s| s["id"] == statement_id)
                .cloned()
        })
    }

    pub fn rank_of(&self, statement_id: &str) -> Option<String> {
        self.statement(statement_id)?["rank"]
            .as_str()
            .map(str::to_owned)
    }

    /// Every edit applied so far, in order.
    pub fn edits(&self) -> Vec<RecordedEdit> {
        self.state().edits.clone()
    }

    /// How many `wbformatvalue` requests were answered (to see the tool's cache work).
    pub fn format_value_requests(&self) -> usize {
        self.state().format_value_requests
    }

    /// The answer to an Action API request, or `None` for requests that are not Wikibase's:
    /// `fake.on_api(move |request| wikibase.answer(request))`.
    pub fn answer(&self, request: &ApiRequest) -> Option<Value> {
        match request.param("action")? {
            "wbgetentities" => Some(self.get_entities(request)),
            "wbeditentity" => Some(self.edit_entity(request)),
            "wbformatvalue" => Some(self.format_value(request)),
            "wbformatentities" => Some(self.format_entities(request)),
            "query" if request.param("titles").is_some() => Some(self.query_titles(request)),
            _ => None,
        }
    }

    fn get_entities(&self, request: &ApiRequest) -> Value {
        let ids: Vec<&str> = request
            .param("ids")
            .unwrap_or_default()
            .split('|')
            .collect();
        if ids.len() > MAX_IDS_PER_REQUEST {
            return api_error(
                "toomanyvalues",
                "Too many values supplied for parameter \"ids\". The limit is 50.",
            );
        }
        let state = self.state();
        let entities: Map<String, Value> = ids
            .iter()
            .map(|id| {
                let entity = state
                    .entities
                    .get(*id)
                    .cloned()
                    .unwrap_or_else(|| json!({"id": id, "missing": true}));
                ((*id).to_owned(), entity)
            })
            .collect();
        json!({"entities": entities, "success": 1})
    }

    fn edit_entity(&self, request: &ApiRequest) -> Value {
        let mut state = self.state();
        if let Some((code, info)) = &state.edit_error {
            return api_error(code, info);
        }
        let id = request.param("id").unwrap_or_default().to_owned();
        let Some(current) = state.entities.get(&id).map(|e| e["lastrevid"].as_u64()) else {
            return api_error("no-such-entity", "Could not find an entity with the ID.");
        };
        let base: Option<u64> = request.param("baserevid").and_then(|b| b.parse().ok());
        if base.is_none() || base != current {
            return api_error(
                "editconflict",
                "Edit conflict: the entity was changed meanwhile.",
            );
        }
        let Ok(data) = serde_json::from_str::<Value>(request.param("data").unwrap_or_default())
        else {
            return api_error("invalid-json", "Could not parse the data.");
        };
        let claims: Vec<Value> = match &data["claims"] {
            Value::Array(list) => list.clone(),
            Value::Object(groups) => groups
                .values()
                .filter_map(Value::as_array)
                .flatten()
                .cloned()
                .collect(),
            _ => Vec::new(),
        };
        let Some(entity) = state.entities.get_mut(&id) else {
            return api_error("no-such-entity", "Could not find an entity with the ID.");
        };
        let mut changed = false;
        for claim in claims {
            let Some(existing) = statements_of_mut(entity)
                .into_iter()
                .find(|s| s["id"] == claim["id"])
            else {
                return api_error(
                    "modification-failed",
                    "A statement of the data is not on the entity.",
                );
            };
            if *existing != claim {
                *existing = claim;
                changed = true;
            }
        }
        let base_revision = current.unwrap_or_default();
        if !changed {
            return json!({"entity": {"id": id, "lastrevid": base_revision, "nochange": ""}, "success": 1});
        }
        state.last_revision += 1;
        let revision = state.last_revision;
        if let Some(entity) = state.entities.get_mut(&id) {
            entity["lastrevid"] = json!(revision);
        }
        state.edits.push(RecordedEdit {
            entity: id.clone(),
            data,
            base_revision,
            new_revision: revision,
            summary: request.param("summary").unwrap_or_default().to_owned(),
            bot: request.param("bot").map(str::to_owned),
            maxlag: request.param("maxlag").map(str::to_owned),
            user: request.user.clone(),
        });
        json!({"entity": {"id": id, "lastrevid": revision}, "success": 1})
    }

    fn label_link(state: &WikibaseState, id: &str) -> String {
        let label = state.labels.get(id).map_or(id, String::as_str);
        format!(
            "<a title=\"{id}\" href=\"/wiki/{id}\">{}</a>",
            escape(label)
        )
    }

    fn format_value(&self, request: &ApiRequest) -> Value {
        let mut state = self.state();
        state.format_value_requests += 1;
        let Ok(value) =
            serde_json::from_str::<Value>(request.param("datavalue").unwrap_or_default())
        else {
            return api_error("baddatavalue", "Could not parse the data value.");
        };
        let html = match value["type"].as_str() {
            Some("string") => format!(
                "<span class=\"wb-string\">{}</span>",
                escape(value["value"].as_str().unwrap_or_default())
            ),
            Some("wikibase-entityid") => {
                Self::label_link(&state, value["value"]["id"].as_str().unwrap_or_default())
            }
            _ => escape(&value["value"].to_string()),
        };
        json!({"result": html})
    }

    fn format_entities(&self, request: &ApiRequest) -> Value {
        let state = self.state();
        let formatted: Map<String, Value> = request
            .param("ids")
            .unwrap_or_default()
            .split('|')
            .filter(|id| !id.is_empty())
            .map(|id| (id.to_owned(), json!(Self::label_link(&state, id))))
            .collect();
        json!({"wbformatentities": formatted})
    }

    fn query_titles(&self, request: &ApiRequest) -> Value {
        let state = self.state();
        let title = request.param("titles").unwrap_or_default();
        let page = match state.files.get(title) {
            Some(page_id) => json!({"pageid": page_id, "ns": 6, "title": title}),
            None => json!({"ns": 6, "title": title, "missing": true}),
        };
        json!({"batchcomplete": true, "query": {"pages": [page]}})
    }
}

/// Every statement of an entity, flattened (MediaInfo keeps them under `statements`).
pub fn statements_of(entity: &Value) -> Vec<&Value> {
    let groups = if entity["type"] == "mediainfo" {
        &entity["statements"]
    } else {
        &entity["claims"]
    };
    groups
        .as_object()
        .into_iter()
        .flat_map(|groups| groups.values())
        .filter_map(Value::as_array)
        .flatten()
        .collect()
}

fn statements_of_mut(entity: &mut Value) -> Vec<&mut Value> {
    let key = if entity["type"] == "mediainfo" {
        "statements"
    } else {
        "claims"
    };
    match entity.get_mut(key) {
        Some(Value::Object(groups)) => groups
            .values_mut()
            .filter_map(Value::as_array_mut)
            .flatten()
            .collect(),
        _ => Vec::new(),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[derive(Default)]
struct SparqlState {
    results: Value,
    failure: Option<(u16, String)>,
    queries: Vec<String>,
    user_agents: Vec<String>,
}

/// A SPARQL endpoint on a local port (`POST /sparql` with a `query` form field).
#[derive(Clone)]
pub struct FakeSparql {
    url: String,
    state: Arc<Mutex<SparqlState>>,
}

impl std::fmt::Debug for FakeSparql {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeSparql")
            .field("url", &self.url)
            .finish()
    }
}

impl FakeSparql {
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(SparqlState {
            results: json!({"head": {"vars": ["statement"]}, "results": {"bindings": []}}),
            ..SparqlState::default()
        }));
        let app = Router::new()
            .route("/sparql", post(sparql))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake query service binds");
        let address = listener.local_addr().expect("fake query service address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            url: format!("http://{address}/sparql"),
            state,
        }
    }

    /// `http://127.0.0.1:<port>/sparql`, for `TOOL_SPARQL_URL`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every query is answered with these SPARQL JSON results from now on.
    pub fn set_results(&self, results: Value) {
        let mut state = lock(&self.state);
        state.results = results;
        state.failure = None;
    }

    /// Results selecting `vars`, one row per binding map: `[("statement", uri)]` pairs are
    /// bound as URIs.
    pub fn set_uri_rows(&self, vars: &[&str], rows: &[Vec<(&str, &str)>]) {
        let bindings: Vec<Value> = rows
            .iter()
            .map(|row| {
                let map: Map<String, Value> = row
                    .iter()
                    .map(|(name, uri)| ((*name).to_owned(), json!({"type": "uri", "value": uri})))
                    .collect();
                Value::Object(map)
            })
            .collect();
        self.set_results(json!({"head": {"vars": vars}, "results": {"bindings": bindings}}));
    }

    /// Every query is answered with this status and text (as a syntax error is).
    pub fn fail_with(&self, status: u16, text: &str) {
        lock(&self.state).failure = Some((status, text.to_owned()));
    }

    pub fn queries(&self) -> Vec<String> {
        lock(&self.state).queries.clone()
    }

    pub fn user_agents(&self) -> Vec<String> {
        lock(&self.state).user_agents.clone()
    }
}

async fn sparql(
    State(state): State<Arc<Mutex<SparqlState>>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let fields: BTreeMap<String, String> = serde_urlencoded::from_str(&body).unwrap_or_default();
    let mut state = lock(&state);
    state
        .queries
        .push(fields.get("query").cloned().unwrap_or_default());
    let agent = headers
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    state.user_agents.push(agent);
    if let Some((status, text)) = &state.failure {
        let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (status, text.clone()).into_response();
    }
    (
        [("content-type", "application/sparql-results+json")],
        state.results.to_string(),
    )
        .into_response()
}
