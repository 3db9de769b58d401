//! Running rank changes: per entity, the changed statements are worked out from the entity as
//! the wiki has it now and saved in one `wbeditentity` with that revision as the base, so an
//! edit made meanwhile is never overwritten. A batch goes entity by entity and reports each.

use std::collections::HashMap;

use wikimedia::error::Retry;
use wikimedia::mediawiki::MediaWiki;

use crate::batch_parse::Instruction;
use crate::ids::{EntityId, StatementId};
use crate::statements::{Entity, Statement, StatementError, edit_data};
use crate::summary::{Action, summary};
use crate::wikibase::{self, EditOutcome, WikibaseError};
use crate::wikis::Wiki;

/// The statements of `entity` that `instructions` change, changed; and the instructions'
/// statements the entity does not have.
pub fn changed_statements(
    entity: &Entity,
    instructions: &[Instruction],
    wiki: &Wiki,
) -> Result<(Vec<Statement>, Vec<StatementId>), StatementError> {
    let mut changed = Vec::new();
    let mut not_found = Vec::new();
    for instruction in instructions {
        let Some(statement) = entity
            .statements
            .iter()
            .find(|s| same_statement(&instruction.statement, s.id()))
        else {
            not_found.push(instruction.statement.clone());
            continue;
        };
        let rank = instruction.change.apply(statement.rank());
        if let Some(new) = statement.with_rank(rank, instruction.reason.as_ref(), wiki)? {
            changed.push(new);
        }
    }
    Ok((changed, not_found))
}

/// Whether `wanted` names the statement whose id the wiki writes `actual`: the entity part
/// may be in another case (`q42$…`), the part after `$` must match exactly.
fn same_statement(wanted: &StatementId, actual: &str) -> bool {
    match (wanted.as_str().split_once('$'), actual.split_once('$')) {
        (Some((entity, guid)), Some((actual_entity, actual_guid))) => {
            entity.eq_ignore_ascii_case(actual_entity) && guid == actual_guid
        }
        _ => false,
    }
}

/// What happened to one entity of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Edited {
        revision: u64,
        statements: usize,
    },
    /// Every statement had its rank already.
    NoChange {
        revision: u64,
    },
    /// The entity was edited between reading and saving; nothing was saved.
    Conflict,
    /// The wiki has no such entity.
    Missing,
    /// The wiki refused the edit, with its message.
    Error(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityOutcome {
    pub entity: EntityId,
    pub outcome: Outcome,
    /// Statements of the batch the entity does not have.
    pub not_found: Vec<StatementId>,
}

/// The instructions grouped by entity, entities in the order they first appear.
pub fn by_entity(instructions: Vec<Instruction>) -> Vec<(EntityId, Vec<Instruction>)> {
    let mut groups: Vec<(EntityId, Vec<Instruction>)> = Vec::new();
    let mut index: HashMap<EntityId, usize> = HashMap::new();
    for instruction in instructions {
        let entity = instruction.statement.entity().clone();
        match index.get(&entity) {
            Some(&i) => groups[i].1.push(instruction),
            None => {
                index.insert(entity.clone(), groups.len());
                groups.push((entity, vec![instruction]));
            }
        }
    }
    groups
}

/// Runs a batch as the user (`client`): all entities are read first (50 per request), then
/// edited one after another. Fails as a whole only if reading fails; an entity's failed edit is
/// its outcome.
pub async fn run(
    client: &MediaWiki,
    wiki: &Wiki,
    instructions: Vec<Instruction>,
    action: &Action,
    custom_summary: &str,
) -> Result<Vec<EntityOutcome>, WikibaseError> {
    let groups = by_entity(instructions);
    let ids: Vec<EntityId> = groups.iter().map(|(id, _)| id.clone()).collect();
    let mut entities = wikibase::get_entities(client, &ids).await?;
    let mut outcomes = Vec::with_capacity(groups.len());
    for (id, instructions) in groups {
        let Some(Some(entity)) = entities.remove(&id) else {
            outcomes.push(EntityOutcome {
                entity: id,
                outcome: Outcome::Missing,
                not_found: Vec::new(),
            });
            continue;
        };
        let (changed, not_found) = changed_statements(&entity, &instructions, wiki)?;
        let outcome = save(client, wiki, &entity, &changed, action, custom_summary).await;
        outcomes.push(EntityOutcome {
            entity: id,
            outcome,
            not_found,
        });
    }
    Ok(outcomes)
}

/// Saves `changed` on `entity` as of the revision it was read at.
pub async fn save(
    client: &MediaWiki,
    wiki: &Wiki,
    entity: &Entity,
    changed: &[Statement],
    action: &Action,
    custom_summary: &str,
) -> Outcome {
    if changed.is_empty() {
        return Outcome::NoChange {
            revision: entity.last_revision,
        };
    }
    let summary = summary(action, changed.len(), wiki, custom_summary);
    let result = wikibase::edit_entity(
        client,
        &entity.id,
        &edit_data(changed),
        entity.last_revision,
        &summary,
    )
    .await;
    match result {
        Ok(EditOutcome::Edited { revision }) => Outcome::Edited {
            revision,
            statements: changed.len(),
        },
        Ok(EditOutcome::NoChange { revision }) => Outcome::NoChange { revision },
        Ok(EditOutcome::Conflict) => Outcome::Conflict,
        // A refusal of this entity's edit is shown in the wiki's own words; anything else (the
        // wiki unreachable or busy) says what happened.
        Err(error) => match error.info() {
            Some(info) if error.retry() == Retry::No => Outcome::Error(info.to_owned()),
            _ => {
                tracing::warn!(%error, entity = %entity.id, "batch edit failed");
                Outcome::Error(error.to_string())
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ids::ItemId;
    use crate::rank::{Rank, RankChange};

    fn entity() -> Entity {
        let statement =
            |id: &str, rank: &str| json!({"id": id, "rank": rank, "mainsnak": {"property": "P1"}});
        Entity::from_json(
            EntityId::parse("Q1").expect("id"),
            &json!({"lastrevid": 10, "claims": {"P1": [
                statement("Q1$a", "normal"), statement("Q1$b", "preferred"), statement("Q1$c", "deprecated"),
            ]}}),
        )
        .expect("ok")
        .expect("exists")
    }

    fn instruction(id: &str, change: RankChange, reason: Option<&str>) -> Instruction {
        Instruction {
            statement: StatementId::parse(id).expect("statement"),
            change,
            reason: reason.map(|r| ItemId::parse(r).expect("item")),
        }
    }

    #[test]
    fn only_statements_whose_rank_changes_are_sent() {
        let wiki = Wiki::new("www.wikidata.org");
        let (changed, not_found) = changed_statements(
            &entity(),
            &[
                instruction("Q1$a", RankChange::Increment, None),
                instruction("q1$b", RankChange::Increment, None),
                instruction("Q1$c", RankChange::Set(Rank::Normal), None),
                instruction("Q1$A", RankChange::Increment, None),
                instruction("Q1$zzz", RankChange::Increment, None),
            ],
            &wiki,
        )
        .expect("ok");
        let ranks: Vec<(&str, Rank)> = changed.iter().map(|s| (s.id(), s.rank())).collect();
        assert_eq!(ranks, [("Q1$a", Rank::Preferred), ("Q1$c", Rank::Normal)]);
        let not_found: Vec<&str> = not_found.iter().map(StatementId::as_str).collect();
        assert_eq!(
            not_found,
            ["Q1$A", "Q1$zzz"],
            "the part after $ is compared exactly"
        );
    }

    #[test]
    fn a_reason_the_wiki_cannot_hold_is_an_error() {
        let result = changed_statements(
            &entity(),
            &[instruction(
                "Q1$a",
                RankChange::Set(Rank::Preferred),
                Some("Q5"),
            )],
            &Wiki::new("test.wikidata.org"),
        );
        assert!(result.is_err());
    }

    #[test]
    fn instructions_are_grouped_by_entity_in_first_seen_order() {
        let groups = by_entity(vec![
            instruction("Q2$a", RankChange::Increment, None),
            instruction("Q1$a", RankChange::Increment, None),
            instruction("q2$b", RankChange::Increment, None),
        ]);
        let shape: Vec<(&str, usize)> = groups
            .iter()
            .map(|(id, i)| (id.as_str(), i.len()))
            .collect();
        assert_eq!(shape, [("Q2", 2), ("Q1", 1)]);
    }
}
