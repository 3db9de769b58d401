//! Statement ranks, and the two ways the tool changes them.

use std::fmt;

/// A statement's rank, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rank {
    Deprecated,
    Normal,
    Preferred,
}

/// A text that is no rank.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a rank: {0}")]
pub struct NotARank(pub String);

impl Rank {
    pub const ALL: [Rank; 3] = [Rank::Preferred, Rank::Normal, Rank::Deprecated];

    /// The rank as Wikibase's JSON and the tool's URLs write it (lower case, exactly).
    pub fn parse(text: &str) -> Result<Self, NotARank> {
        match text {
            "deprecated" => Ok(Self::Deprecated),
            "normal" => Ok(Self::Normal),
            "preferred" => Ok(Self::Preferred),
            other => Err(NotARank(other.to_owned())),
        }
    }

    /// The rank of a query result, `http://wikiba.se/ontology#PreferredRank`.
    pub fn from_uri(uri: &str) -> Result<Self, NotARank> {
        match uri {
            "http://wikiba.se/ontology#DeprecatedRank" => Ok(Self::Deprecated),
            "http://wikiba.se/ontology#NormalRank" => Ok(Self::Normal),
            "http://wikiba.se/ontology#PreferredRank" => Ok(Self::Preferred),
            other => Err(NotARank(other.to_owned())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deprecated => "deprecated",
            Self::Normal => "normal",
            Self::Preferred => "preferred",
        }
    }

    /// One step up, staying at the top: deprecated → normal → preferred → preferred.
    pub fn incremented(self) -> Self {
        match self {
            Self::Deprecated => Self::Normal,
            Self::Normal | Self::Preferred => Self::Preferred,
        }
    }
}

impl fmt::Display for Rank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What happens to each chosen statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankChange {
    /// Every statement gets this rank.
    Set(Rank),
    /// Every statement goes one rank up ([`Rank::incremented`]).
    Increment,
}

impl RankChange {
    /// The rank a statement of rank `current` gets.
    pub fn apply(self, current: Rank) -> Rank {
        match self {
            Self::Set(rank) => rank,
            Self::Increment => current.incremented(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn increment_saturates_at_preferred() {
        for (rank, expected) in [
            (Rank::Deprecated, Rank::Normal),
            (Rank::Normal, Rank::Preferred),
            (Rank::Preferred, Rank::Preferred),
        ] {
            assert_eq!(rank.incremented(), expected, "{rank}");
            assert_eq!(RankChange::Increment.apply(rank), expected);
            assert_eq!(
                RankChange::Set(Rank::Deprecated).apply(rank),
                Rank::Deprecated
            );
        }
    }

    #[test]
    fn ranks_parse_exactly() {
        for rank in Rank::ALL {
            assert_eq!(Rank::parse(rank.as_str()), Ok(rank));
        }
        for bad in ["Deprecated", "NORMAL", "best", "truth", "", " normal"] {
            assert_eq!(Rank::parse(bad), Err(NotARank(bad.to_owned())));
        }
    }

    #[test]
    fn rank_uris() {
        for (uri, rank) in [
            (
                "http://wikiba.se/ontology#DeprecatedRank",
                Some(Rank::Deprecated),
            ),
            ("http://wikiba.se/ontology#NormalRank", Some(Rank::Normal)),
            (
                "http://wikiba.se/ontology#PreferredRank",
                Some(Rank::Preferred),
            ),
            ("http://wikiba.se/ontology#BestRank", None),
            ("preferred", None),
        ] {
            assert_eq!(Rank::from_uri(uri).ok(), rank, "{uri}");
        }
    }
}
