//! The batch pages: statements from a pasted list or a SPARQL query, changed all the same way
//! (collective) or each to a rank of its own (individual); and the page of results, per entity.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use platform::i18n::Messages;
use platform::i18n::message_syntax::isolated;
use platform::login::{MaybeUser, User};
use platform::{ErrorPage, FormError, FormFields, PageContext, Text};

use super::edit::parse_reason;
use super::{AppState, set_rank_key, value_language, wikibase_error};
use crate::batch::{self, EntityOutcome, Outcome};
use crate::batch_parse::{
    Instruction, LineError, LineProblem, QueryResults, QueryShapeError, instructions_from_query,
    parse_individual_lines, parse_statement_list, statements_from_query,
};
use crate::rank::{Rank, RankChange};
use crate::summary::Action;
use crate::wikis::Wiki;
use wikimedia::sparql::SparqlError;

/// Where a batch's statements come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    List,
    Query,
}

impl Source {
    pub(super) fn parse(text: &str) -> Result<Self, ErrorPage> {
        match text {
            "list" => Ok(Self::List),
            "query" => Ok(Self::Query),
            _ => Err(ErrorPage::not_found(Text::new("platform-no-page"))),
        }
    }

    pub(super) fn as_str(self) -> &'static str {
        match self {
            Self::List => "list",
            Self::Query => "query",
        }
    }
}

/// A rank in a path; 400 naming the three otherwise.
pub(super) fn parse_rank(text: &str) -> Result<Rank, ErrorPage> {
    Rank::parse(text).map_err(|_| {
        ErrorPage::bad_request(Text::new("ranker-error-not-a-rank").html(isolated(text, None)))
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "batch.html")]
pub(super) struct BatchPage {
    page: PageContext,
    logged_in: bool,
    wiki: Wiki,
    source: Source,
    collective: bool,
    /// The list, or the query, as typed.
    text: String,
    reason: String,
    summary: String,
    errors: Vec<FormError>,
}

impl BatchPage {
    fn set_rank_key(&self, rank: &Rank) -> &'static str {
        set_rank_key(*rank)
    }

    fn ranks(&self) -> [Rank; 3] {
        Rank::ALL
    }

    fn is_query(&self) -> bool {
        self.source == Source::Query
    }

    /// The address this form (mode) posts to, without a rank.
    fn base(&self) -> String {
        let mode = if self.collective {
            "collective"
        } else {
            "individual"
        };
        format!(
            "/batch/{}/{mode}/{}/",
            self.source.as_str(),
            self.wiki.domain()
        )
    }

    /// The same batch mode with the other source, and the other mode with this source.
    fn other_source(&self) -> String {
        let source = match self.source {
            Source::List => Source::Query,
            Source::Query => Source::List,
        };
        let mode = if self.collective {
            "collective"
        } else {
            "individual"
        };
        format!("/batch/{}/{mode}/{}/", source.as_str(), self.wiki.domain())
    }

    fn other_mode(&self) -> String {
        let mode = if self.collective {
            "individual"
        } else {
            "collective"
        };
        format!(
            "/batch/{}/{mode}/{}/",
            self.source.as_str(),
            self.wiki.domain()
        )
    }

    fn field(&self) -> &'static str {
        match (self.source, self.collective) {
            (Source::Query, _) => "query",
            (Source::List, true) => "statement_ids",
            (Source::List, false) => "commands",
        }
    }
}

/// The wiki of a batch path, which must have a query service for a query batch.
fn batch_wiki(state: &AppState, source: Source, domain: &str) -> Result<Wiki, ErrorPage> {
    let wiki = state.wiki(domain)?;
    if source == Source::Query && !wiki.has_query_service() {
        return Err(ErrorPage::bad_request(
            Text::new("ranker-error-no-query-service").arg(wiki.domain()),
        ));
    }
    Ok(wiki)
}

fn empty_form(
    page: PageContext,
    logged_in: bool,
    wiki: Wiki,
    source: Source,
    collective: bool,
) -> BatchPage {
    BatchPage {
        page,
        logged_in,
        wiki,
        source,
        collective,
        text: String::new(),
        reason: String::new(),
        summary: String::new(),
        errors: Vec::new(),
    }
}

pub(super) async fn collective_form(
    State(state): State<AppState>,
    page: PageContext,
    MaybeUser(user): MaybeUser,
    Path((source, wiki)): Path<(String, String)>,
) -> Result<BatchPage, ErrorPage> {
    let source = Source::parse(&source)?;
    let wiki = batch_wiki(&state, source, &wiki)?;
    Ok(empty_form(page, user.is_some(), wiki, source, true))
}

pub(super) async fn individual_form(
    State(state): State<AppState>,
    page: PageContext,
    MaybeUser(user): MaybeUser,
    Path((source, wiki)): Path<(String, String)>,
) -> Result<BatchPage, ErrorPage> {
    let source = Source::parse(&source)?;
    let wiki = batch_wiki(&state, source, &wiki)?;
    Ok(empty_form(page, user.is_some(), wiki, source, false))
}

pub(super) async fn collective_set(
    State(state): State<AppState>,
    page: PageContext,
    user: User,
    Path((source, wiki, rank)): Path<(String, String, String)>,
    fields: FormFields,
) -> Result<Response, ErrorPage> {
    let rank = parse_rank(&rank)?;
    run_form(
        state,
        page,
        user,
        (source, wiki),
        Some(RankChange::Set(rank)),
        fields,
    )
    .await
}

pub(super) async fn collective_increment(
    State(state): State<AppState>,
    page: PageContext,
    user: User,
    Path(path): Path<(String, String)>,
    fields: FormFields,
) -> Result<Response, ErrorPage> {
    run_form(state, page, user, path, Some(RankChange::Increment), fields).await
}

pub(super) async fn individual_run(
    State(state): State<AppState>,
    page: PageContext,
    user: User,
    Path(path): Path<(String, String)>,
    fields: FormFields,
) -> Result<Response, ErrorPage> {
    run_form(state, page, user, path, None, fields).await
}

/// The posted batch form: parsed (or the query run) and checked, then run; or shown again with
/// every problem and everything typed. `change` is `None` for individual ranks.
async fn run_form(
    state: AppState,
    page: PageContext,
    user: User,
    (source, wiki): (String, String),
    change: Option<RankChange>,
    fields: FormFields,
) -> Result<Response, ErrorPage> {
    let source = Source::parse(&source)?;
    let wiki = batch_wiki(&state, source, &wiki)?;
    let mut form = empty_form(page, true, wiki.clone(), source, change.is_some());
    let text_field = form.field();
    form.text = fields.get(text_field).unwrap_or_default().to_owned();
    form.reason = fields.get("reason").unwrap_or_default().trim().to_owned();
    form.summary = fields.get("summary").unwrap_or_default().to_owned();

    let reason = match change {
        Some(change) => parse_reason(&form.reason, change, &wiki)
            .map_err(|error| form.errors.push(FormError::in_field("reason", error)))
            .ok()
            .flatten(),
        None => None,
    };
    // A query service that cannot be reached is not the user's fault: 502, the form kept.
    let mut status = StatusCode::BAD_REQUEST;
    let parsed = match source {
        Source::List => match change {
            Some(change) => parse_statement_list(&form.text, change, reason.as_ref()),
            None => parse_individual_lines(&form.text, &wiki),
        },
        Source::Query => {
            let selected = match state.query_service.select(&form.text).await {
                Ok(json) => QueryResults::from_json(&json)
                    .and_then(|results| match change {
                        Some(change) => {
                            statements_from_query(&results, &wiki, change, reason.as_ref())
                        }
                        None => instructions_from_query(&results, &wiki),
                    })
                    .map_err(QueryError::Shape),
                Err(error) => Err(QueryError::Service(error)),
            };
            selected.unwrap_or_else(|error| {
                if let QueryError::Service(SparqlError::Unreachable(detail)) = &error {
                    tracing::warn!(%detail, "query service unreachable");
                    status = StatusCode::BAD_GATEWAY;
                }
                form.errors
                    .push(FormError::in_field(text_field, sparql_error(error)));
                Ok(Vec::new())
            })
        }
    };
    let instructions: Vec<Instruction> = match parsed {
        Ok(instructions) => instructions,
        Err(lines) => {
            let messages = &form.page.messages;
            form.errors.extend(
                lines
                    .into_iter()
                    .map(|line| line_form_error(messages, text_field, line)),
            );
            Vec::new()
        }
    };
    if instructions.is_empty() && form.errors.is_empty() {
        form.errors.push(FormError::in_field(
            text_field,
            Text::new("ranker-error-empty-batch"),
        ));
    }
    if !form.errors.is_empty() {
        return Ok((status, form).into_response());
    }

    let action = match change {
        Some(change) => Action::from_change(change, reason),
        None => Action::Individual,
    };
    let client = state.as_user(&user, &wiki).await?;
    // In a task of its own: should the request time out or the browser go away, the batch
    // still goes on to its end rather than stopping between two entities.
    let task = {
        let wiki = wiki.clone();
        let summary = form.summary.clone();
        tokio::spawn(
            async move { batch::run(&client, &wiki, instructions, &action, &summary).await },
        )
    };
    let outcomes = task
        .await
        .map_err(ErrorPage::internal)?
        .map_err(wikibase_error(&wiki))?;
    let page = form.page;
    Ok(results_page(&state, page, wiki, outcomes)
        .await?
        .into_response())
}

/// Why a query gave no batch: the service's failure, or results of the wrong shape.
enum QueryError {
    Service(SparqlError),
    Shape(QueryShapeError),
}

fn sparql_error(error: QueryError) -> Text {
    match error {
        QueryError::Service(SparqlError::Refused { status, text }) => {
            Text::new("ranker-error-query-refused")
                .arg(status)
                .html(isolated(&text, None))
        }
        QueryError::Service(SparqlError::Unreachable(_)) => {
            Text::new("ranker-error-query-unreachable")
        }
        QueryError::Shape(shape) => match shape {
            QueryShapeError::MissingVariable(variable) => {
                Text::new("ranker-error-query-variable").arg(format!("?{variable}"))
            }
            QueryShapeError::NotResults => Text::new("ranker-error-query-not-select"),
        },
    }
}

/// A bad line of the field `field` as the form shows it, in the language of `messages`.
fn line_form_error(messages: &Messages, field: &'static str, error: LineError) -> FormError {
    let text = match &error.problem {
        LineProblem::NotAStatement(_) => Text::new("ranker-line-not-a-statement"),
        LineProblem::MissingRank => Text::new("ranker-line-missing-rank"),
        LineProblem::NotARank(rank) => {
            Text::new("ranker-line-not-a-rank").html(isolated(rank, None))
        }
        LineProblem::NotAnItem(item) => {
            Text::new("ranker-line-not-an-item").html(isolated(item, None))
        }
        LineProblem::ReasonForNormalRank => Text::new("ranker-error-reason-with-normal"),
        LineProblem::NoReasonsOnWiki => Text::new("ranker-line-no-reasons"),
        LineProblem::TooManyFields => Text::new("ranker-line-too-many-fields"),
        LineProblem::Twice { first } => Text::new("ranker-line-twice").num(*first),
        LineProblem::MissingBinding(variable) => {
            Text::new("ranker-line-missing-binding").arg(format!("?{variable}"))
        }
    };
    FormError::in_field(
        field,
        Text::new("ranker-error-line")
            .num(error.line)
            .html(messages.text(&text))
            .html(isolated(&error.text, None)),
    )
}

/// One entity's line of the results.
pub(super) struct ResultRow {
    entity: String,
    label: String,
    outcome: Outcome,
    not_found: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "batch_results.html")]
pub(super) struct ResultsPage {
    page: PageContext,
    wiki: Wiki,
    rows: Vec<ResultRow>,
    edited: usize,
    unchanged: usize,
    failed: usize,
}

impl ResultsPage {
    fn count(&self, number: &usize) -> usize {
        *number
    }

    fn entity_url(&self, entity: &str) -> String {
        self.wiki.page_url(&format!("Special:EntityPage/{entity}"))
    }

    fn diff_url(&self, revision: &u64) -> String {
        self.wiki.diff_url(*revision)
    }

    fn revision_url(&self, revision: &u64) -> String {
        self.wiki.revision_url(*revision)
    }

    fn foreign(&self, text: &str) -> String {
        isolated(text, None)
    }
}

/// The results of a batch, each entity with its label (read anonymously; the ids stand in for
/// labels the wiki could not give).
async fn results_page(
    state: &AppState,
    page: PageContext,
    wiki: Wiki,
    outcomes: Vec<EntityOutcome>,
) -> Result<ResultsPage, ErrorPage> {
    let ids: Vec<String> = outcomes.iter().map(|o| o.entity.to_string()).collect();
    let client = state.anonymous(&wiki).await?;
    let labels = state
        .formatter
        .entities(&client, wiki.domain(), &value_language(&page), &ids)
        .await
        .unwrap_or_else(|error| {
            tracing::info!(%error, "labels could not be formatted");
            Default::default()
        });
    let count =
        |wanted: fn(&Outcome) -> bool| outcomes.iter().filter(|o| wanted(&o.outcome)).count();
    let edited = count(|o| matches!(o, Outcome::Edited { .. }));
    let unchanged = count(|o| matches!(o, Outcome::NoChange { .. }));
    let failed = outcomes.len() - edited - unchanged;
    let rows = outcomes
        .into_iter()
        .map(|outcome| ResultRow {
            label: labels.html(outcome.entity.as_str()),
            entity: outcome.entity.to_string(),
            outcome: outcome.outcome,
            not_found: outcome.not_found.iter().map(ToString::to_string).collect(),
        })
        .collect();
    Ok(ResultsPage {
        page,
        wiki,
        rows,
        edited,
        unchanged,
        failed,
    })
}
