//! Edit summaries. They are not interface messages: they stay in English, the wikis' common
//! language, whatever language the interface is in (as the original tool writes them), so that
//! everyone reading an entity's history reads the same words.

use crate::ids::ItemId;
use crate::rank::{Rank, RankChange};
use crate::wikis::Wiki;

/// What an edit did to its statements, for its summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Every statement got this rank, perhaps with this reason.
    Set {
        rank: Rank,
        reason: Option<ItemId>,
    },
    Increment,
    /// Each statement got a rank of its own (the individual batches).
    Individual,
}

impl Action {
    pub fn from_change(change: RankChange, reason: Option<ItemId>) -> Self {
        match change {
            RankChange::Set(rank) => Self::Set { rank, reason },
            RankChange::Increment => Self::Increment,
        }
    }
}

/// `Set rank of 4 statements to preferred (reason: [[Q71533355]]): the user's words`.
pub fn summary(action: &Action, statements: usize, wiki: &Wiki, custom: &str) -> String {
    let counted = if statements == 1 {
        "1 statement".to_owned()
    } else {
        format!("{statements} statements")
    };
    let mut summary = match action {
        Action::Set { rank, reason } => {
            let mut text = format!("Set rank of {counted} to {rank}");
            if let Some(reason) = reason {
                text.push_str(&format!(
                    " (reason: [[{}{reason}]])",
                    wiki.item_link_prefix()
                ));
            }
            text
        }
        Action::Increment => format!("Incremented rank of {counted}"),
        Action::Individual => format!("Edited rank of {counted}"),
    };
    let custom = custom.trim();
    if !custom.is_empty() {
        summary.push_str(": ");
        summary.push_str(custom);
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(rank: Rank, reason: Option<&str>) -> Action {
        Action::Set {
            rank,
            reason: reason.map(|r| ItemId::parse(r).expect("item")),
        }
    }

    #[test]
    fn summaries_say_what_was_done_to_how_many() {
        let wikidata = Wiki::new("www.wikidata.org");
        let commons = Wiki::new("commons.wikimedia.org");
        let test_commons = Wiki::new("test-commons.wikimedia.org");
        for (action, count, wiki, custom, expected) in [
            (
                set(Rank::Preferred, None),
                1,
                &wikidata,
                "",
                "Set rank of 1 statement to preferred",
            ),
            (
                set(Rank::Deprecated, None),
                2,
                &wikidata,
                " ",
                "Set rank of 2 statements to deprecated",
            ),
            (
                set(Rank::Normal, None),
                3,
                &wikidata,
                "custom",
                "Set rank of 3 statements to normal: custom",
            ),
            (
                set(Rank::Preferred, Some("Q71533355")),
                4,
                &wikidata,
                "",
                "Set rank of 4 statements to preferred (reason: [[Q71533355]])",
            ),
            (
                set(Rank::Deprecated, Some("Q41755623")),
                1,
                &commons,
                " why ",
                "Set rank of 1 statement to deprecated (reason: [[d:Special:EntityPage/Q41755623]]): why",
            ),
            (
                set(Rank::Preferred, Some("Q1")),
                2,
                &test_commons,
                "",
                "Set rank of 2 statements to preferred (reason: [[testwikidata:Special:EntityPage/Q1]])",
            ),
            (
                Action::Increment,
                1,
                &wikidata,
                "",
                "Incremented rank of 1 statement",
            ),
            (
                Action::Increment,
                2,
                &wikidata,
                "custom",
                "Incremented rank of 2 statements: custom",
            ),
            (
                Action::Individual,
                1,
                &wikidata,
                "",
                "Edited rank of 1 statement",
            ),
            (
                Action::Individual,
                5,
                &wikidata,
                "x",
                "Edited rank of 5 statements: x",
            ),
        ] {
            assert_eq!(summary(&action, count, wiki, custom), expected);
        }
    }

    #[test]
    fn actions_from_changes() {
        assert_eq!(
            Action::from_change(RankChange::Increment, None),
            Action::Increment
        );
        assert_eq!(
            Action::from_change(RankChange::Set(Rank::Normal), None),
            set(Rank::Normal, None)
        );
    }
}
