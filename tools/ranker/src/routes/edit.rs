//! `/edit/{wiki}/{entity}/{property}/`: one entity's statements of one property, each with a
//! checkbox, and the buttons that set the rank of the checked ones or increment it.

use std::collections::HashSet;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use platform::i18n::message_syntax::isolated;
use platform::login::{MaybeUser, User};
use platform::{ErrorPage, FormError, FormFields, PageContext, Text};
use serde::Deserialize;

use super::{AppState, rank_key, set_rank_key, value_language, wiki_error, wikibase_error};
use crate::batch::changed_statements;
use crate::batch_parse::Instruction;
use crate::ids::{EntityId, ItemId, PropertyId, StatementId};
use crate::rank::{Rank, RankChange};
use crate::statements::{Entity, edit_data};
use crate::summary::{Action, summary};
use crate::wikibase::{self, EditOutcome};
use crate::wikis::Wiki;

/// One statement as the page lists it.
pub(super) struct StatementRow {
    id: String,
    rank: Rank,
    /// The value as the wiki formats it (HTML, links made spans), or "unknown value" / "no
    /// value" in the page's language.
    value: String,
    /// Labels (HTML) of the reasons for its rank.
    reasons: Vec<String>,
    checked: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "edit.html")]
pub(super) struct EditPage {
    page: PageContext,
    logged_in: bool,
    wiki: Wiki,
    entity: EntityId,
    property: PropertyId,
    entity_label: String,
    property_label: String,
    base_revision: u64,
    rows: Vec<StatementRow>,
    reason: String,
    summary: String,
    errors: Vec<FormError>,
    /// After a save: the new revision.
    saved: Option<u64>,
    /// After a save that changed nothing.
    unchanged: bool,
}

impl EditPage {
    fn rank_key(&self, rank: &Rank) -> &'static str {
        rank_key(*rank)
    }

    fn set_rank_key(&self, rank: &Rank) -> &'static str {
        set_rank_key(*rank)
    }

    fn ranks(&self) -> [Rank; 3] {
        Rank::ALL
    }

    fn action(&self, rest: &str) -> String {
        format!(
            "/edit/{}/{}/{}/{rest}",
            self.wiki.domain(),
            self.entity,
            self.property
        )
    }

    fn set_action(&self, rank: &Rank) -> String {
        self.action(&format!("set/{rank}"))
    }

    fn entity_url(&self) -> String {
        self.wiki
            .page_url(&format!("Special:EntityPage/{}", self.entity))
    }

    fn diff_url(&self, revision: &u64) -> String {
        self.wiki.diff_url(*revision)
    }

    fn wiki_name(&self) -> String {
        match self.wiki.name_key() {
            Some(key) => self.page.msg(key).to_string(),
            None => isolated(self.wiki.domain(), None),
        }
    }
}

/// What the page says after a save (the browser is sent back to the page).
#[derive(Debug, Deserialize)]
pub(super) struct AfterSave {
    saved: Option<u64>,
    unchanged: Option<String>,
}

/// The path's wiki, entity and property, parsed; 400 with the reason otherwise.
fn parse_path(
    state: &AppState,
    (wiki, entity, property): &(String, String, String),
) -> Result<(Wiki, EntityId, PropertyId), ErrorPage> {
    let wiki = state.wiki(wiki)?;
    let entity = EntityId::parse(entity).map_err(|_| {
        ErrorPage::bad_request(Text::new("ranker-error-not-an-entity").html(isolated(entity, None)))
    })?;
    let property = PropertyId::parse(property).map_err(|_| {
        ErrorPage::bad_request(
            Text::new("ranker-error-not-a-property").html(isolated(property, None)),
        )
    })?;
    Ok((wiki, entity, property))
}

/// What the user chose on the form, kept to show it again.
#[derive(Debug, Default)]
struct Choice {
    checked: HashSet<String>,
    reason: String,
    summary: String,
}

pub(super) async fn show(
    State(state): State<AppState>,
    page: PageContext,
    MaybeUser(user): MaybeUser,
    Path(path): Path<(String, String, String)>,
    Query(after): Query<AfterSave>,
) -> Result<EditPage, ErrorPage> {
    let (wiki, entity, property) = parse_path(&state, &path)?;
    let mut edit_page = load(
        &state,
        page,
        user.is_some(),
        wiki,
        entity,
        property,
        Choice::default(),
    )
    .await?;
    edit_page.saved = after.saved;
    edit_page.unchanged = after.unchanged.is_some();
    Ok(edit_page)
}

/// The page with the entity as the wiki has it now (read anonymously: reading needs no login).
async fn load(
    state: &AppState,
    page: PageContext,
    logged_in: bool,
    wiki: Wiki,
    id: EntityId,
    property: PropertyId,
    choice: Choice,
) -> Result<EditPage, ErrorPage> {
    let client = state.anonymous(&wiki).await?;
    let entity = wikibase::get_entities(&client, std::slice::from_ref(&id))
        .await
        .map_err(wikibase_error(&wiki))?
        .remove(&id)
        .flatten()
        .ok_or_else(|| no_such_entity(&wiki, &id))?;
    let statements: Vec<_> = entity.statements_of(&property).collect();
    let lang = value_language(&page);

    let values: Vec<(&str, &serde_json::Value)> = statements
        .iter()
        .filter_map(|s| Some((s.property(), s.main_snak().get("datavalue")?)))
        .collect();
    let mut formatted = state
        .formatter
        .values(&client, wiki.domain(), &lang, &values)
        .await
        .into_iter();

    let mut label_ids = vec![id.to_string(), property.to_string()];
    label_ids.extend(statements.iter().flat_map(|s| s.reasons(&wiki)));
    let labels = state
        .formatter
        .entities(&client, wiki.domain(), &lang, &label_ids)
        .await
        .unwrap_or_else(|error| {
            tracing::info!(%error, "labels could not be formatted");
            Default::default()
        });

    let rows = statements
        .iter()
        .map(|statement| {
            let value = match statement.main_snak()["snaktype"].as_str() {
                Some("somevalue") => page.msg("ranker-value-unknown").to_string(),
                Some("novalue") => page.msg("ranker-value-none").to_string(),
                _ => formatted
                    .next()
                    .flatten()
                    .map(|html| html.to_string())
                    .unwrap_or_else(|| page.msg("ranker-value-unformatted").to_string()),
            };
            StatementRow {
                id: statement.id().to_owned(),
                rank: statement.rank(),
                value,
                reasons: statement
                    .reasons(&wiki)
                    .iter()
                    .map(|reason| labels.html(reason))
                    .collect(),
                checked: choice.checked.contains(statement.id()),
            }
        })
        .collect();
    Ok(EditPage {
        entity_label: labels.html(id.as_str()),
        property_label: labels.html(property.as_str()),
        page,
        logged_in,
        wiki,
        entity: id,
        property,
        base_revision: entity.last_revision,
        rows,
        reason: choice.reason,
        summary: choice.summary,
        errors: Vec::new(),
        saved: None,
        unchanged: false,
    })
}

fn no_such_entity(wiki: &Wiki, id: &EntityId) -> ErrorPage {
    ErrorPage::not_found(
        Text::new("ranker-error-no-such-entity")
            .arg(id)
            .arg(wiki.domain()),
    )
}

pub(super) async fn set_rank(
    State(state): State<AppState>,
    page: PageContext,
    user: User,
    Path((wiki, entity, property, rank)): Path<(String, String, String, String)>,
    form: FormFields,
) -> Result<Response, ErrorPage> {
    let rank = super::batches::parse_rank(&rank)?;
    change(
        state,
        page,
        user,
        (wiki, entity, property),
        RankChange::Set(rank),
        form,
    )
    .await
}

pub(super) async fn increment(
    State(state): State<AppState>,
    page: PageContext,
    user: User,
    Path(path): Path<(String, String, String)>,
    form: FormFields,
) -> Result<Response, ErrorPage> {
    change(state, page, user, path, RankChange::Increment, form).await
}

/// The reason field checked against the change and the wiki: `None` if it is empty.
pub(super) fn parse_reason(
    text: &str,
    change: RankChange,
    wiki: &Wiki,
) -> Result<Option<ItemId>, Text> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let item = ItemId::parse(text)
        .map_err(|_| Text::new("ranker-error-not-an-item").html(isolated(text, None)))?;
    match change {
        RankChange::Increment => Err(Text::new("ranker-error-reason-with-increment")),
        RankChange::Set(Rank::Normal) => Err(Text::new("ranker-error-reason-with-normal")),
        RankChange::Set(_) if !wiki.has_reasons() => {
            Err(Text::new("ranker-error-no-reasons-on-wiki").arg(wiki.domain()))
        }
        RankChange::Set(_) => Ok(Some(item)),
    }
}

async fn change(
    state: AppState,
    page: PageContext,
    user: User,
    path: (String, String, String),
    change: RankChange,
    form: FormFields,
) -> Result<Response, ErrorPage> {
    let (wiki, id, property) = parse_path(&state, &path)?;
    let base_revision: u64 = form
        .get("base_revision_id")
        .unwrap_or_default()
        .parse()
        .map_err(|_| ErrorPage::bad_request(Text::new("ranker-error-no-base-revision")))?;
    // Checkboxes arrive as `statement=<id>`; the original tool's form named each checkbox
    // after its statement, and forms written for it keep working.
    let checked: Vec<String> = form
        .iter()
        .filter_map(|(name, value)| match name {
            "statement" => Some(value.to_owned()),
            other if StatementId::parse(other).is_ok() => Some(other.to_owned()),
            _ => None,
        })
        .collect();
    let choice = Choice {
        checked: checked.iter().cloned().collect(),
        reason: form.get("reason").unwrap_or_default().trim().to_owned(),
        summary: form.get("summary").unwrap_or_default().to_owned(),
    };
    let mut errors = Vec::new();
    let reason = parse_reason(&choice.reason, change, &wiki)
        .map_err(|error| errors.push(FormError::in_field("reason", error)))
        .ok()
        .flatten();
    if checked.is_empty() {
        errors.push(FormError::in_field(
            "statement",
            Text::new("ranker-error-nothing-chosen"),
        ));
    }
    if !errors.is_empty() {
        let mut edit_page = load(&state, page, true, wiki, id, property, choice).await?;
        edit_page.errors = errors;
        return Ok((StatusCode::BAD_REQUEST, edit_page).into_response());
    }

    let client = state.as_user(&user, &wiki).await?;
    let entity: Entity = wikibase::get_entities(&client, std::slice::from_ref(&id))
        .await
        .map_err(wikibase_error(&wiki))?
        .remove(&id)
        .flatten()
        .ok_or_else(|| no_such_entity(&wiki, &id))?;
    let page_path = format!("/edit/{}/{id}/{property}/", wiki.domain());
    if entity.last_revision != base_revision {
        return Err(edit_conflict(base_revision, &page_path));
    }
    let of_property: HashSet<&str> = entity.statements_of(&property).map(|s| s.id()).collect();
    let instructions: Vec<Instruction> = checked
        .iter()
        .filter_map(|text| StatementId::parse(text).ok())
        .filter(|statement| of_property.contains(statement.as_str()))
        .map(|statement| Instruction {
            statement,
            change,
            reason: reason.clone(),
        })
        .collect();
    if instructions.len() != checked.len() {
        return Err(ErrorPage::bad_request(
            Text::new("ranker-error-not-statements-of")
                .arg(&property)
                .arg(&id),
        ));
    }
    let (changed, _) = changed_statements(&entity, &instructions, &wiki)
        .map_err(|error| ErrorPage::bad_request(Text::new("ranker-error-wiki-data").arg(error)))?;
    if changed.is_empty() {
        return Ok(Redirect::to(&format!("{page_path}?unchanged=1")).into_response());
    }
    let summary = summary(
        &Action::from_change(change, reason),
        changed.len(),
        &wiki,
        &choice.summary,
    );
    match wikibase::edit_entity(&client, &id, &edit_data(&changed), base_revision, &summary)
        .await
        .map_err(wiki_error(&wiki))?
    {
        EditOutcome::Edited { revision } => {
            Ok(Redirect::to(&format!("{page_path}?saved={revision}")).into_response())
        }
        EditOutcome::NoChange { .. } => {
            Ok(Redirect::to(&format!("{page_path}?unchanged=1")).into_response())
        }
        EditOutcome::Conflict => Err(edit_conflict(base_revision, &page_path)),
    }
}

/// 409: the entity was edited after the user loaded the page. Nothing is saved; the page is
/// offered again with the entity as it is now.
fn edit_conflict(base_revision: u64, page_path: &str) -> ErrorPage {
    ErrorPage::new(
        StatusCode::CONFLICT,
        Text::new("ranker-edit-conflict-title"),
        Text::new("ranker-edit-conflict").arg(base_revision),
    )
    .with_link(page_path, Text::new("ranker-edit-conflict-reload"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_go_with_preferred_or_deprecated_rank_on_wikis_that_have_them() {
        let wikidata = Wiki::new("www.wikidata.org");
        let test = Wiki::new("test.wikidata.org");
        let preferred = RankChange::Set(Rank::Preferred);
        let key = |result: Result<Option<ItemId>, Text>| match result {
            Ok(item) => Ok(item.map(|i| i.to_string())),
            Err(text) => Err(text.key),
        };
        for (text, change, wiki, expected) in [
            ("", preferred, &wikidata, Ok(None)),
            ("  ", RankChange::Increment, &wikidata, Ok(None)),
            (" Q5 ", preferred, &wikidata, Ok(Some("Q5".to_owned()))),
            (
                "Q5",
                RankChange::Set(Rank::Deprecated),
                &wikidata,
                Ok(Some("Q5".to_owned())),
            ),
            (
                "Q5",
                RankChange::Set(Rank::Normal),
                &wikidata,
                Err("ranker-error-reason-with-normal"),
            ),
            (
                "Q5",
                RankChange::Increment,
                &wikidata,
                Err("ranker-error-reason-with-increment"),
            ),
            (
                "Q5",
                preferred,
                &test,
                Err("ranker-error-no-reasons-on-wiki"),
            ),
            ("P5", preferred, &wikidata, Err("ranker-error-not-an-item")),
        ] {
            assert_eq!(key(parse_reason(text, change, wiki)), expected, "{text:?}");
        }
    }
}
