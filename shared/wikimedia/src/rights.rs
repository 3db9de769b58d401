//! What a user may do on the wiki where a tool acts: rights, groups and block, as that wiki's
//! `meta=userinfo` says.
//!
//! The OAuth profile describes the user on the login wiki (Meta-Wiki); a rollbacker on Wikidata
//! need not be one on Meta, and a block on one wiki is not a block on another. So every check
//! of a right, a group or a block asks the wiki being edited. `login::User::rights_on` caches
//! the answer in the session for [`CACHE_SECONDS`].

use serde::{Deserialize, Serialize};

use crate::mediawiki::{MediaWiki, MediaWikiError};

/// How long a wiki's answer is trusted before it is asked again: short enough that a new right
/// or a block takes effect within minutes, long enough that a busy user does not ask the wiki
/// on every click.
pub const CACHE_SECONDS: i64 = 300;

/// A user's rights, groups and block on one wiki.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WikiRights {
    #[serde(rename = "g", default)]
    pub groups: Vec<String>,
    #[serde(rename = "r", default)]
    pub rights: Vec<String>,
    /// Blocked from the whole wiki (a partial block stops only some pages or namespaces, which
    /// the wiki itself enforces at edit time).
    #[serde(rename = "b", default, skip_serializing_if = "std::ops::Not::not")]
    pub blocked: bool,
}

#[derive(Deserialize)]
struct UserinfoAnswer {
    query: UserinfoQuery,
}

#[derive(Deserialize)]
struct UserinfoQuery {
    userinfo: Userinfo,
}

#[derive(Deserialize)]
struct Userinfo {
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    rights: Vec<String>,
    #[serde(default)]
    blockid: Option<u64>,
    #[serde(default)]
    blockpartial: bool,
}

impl WikiRights {
    /// Asks the wiki (as the client's user) for the user's rights, groups and block.
    pub async fn fetch(wiki: &MediaWiki) -> Result<Self, MediaWikiError> {
        let answer: UserinfoAnswer = wiki
            .get(&[
                ("action", "query"),
                ("meta", "userinfo"),
                ("uiprop", "rights|groups|blockinfo"),
            ])
            .await?;
        let info = answer.query.userinfo;
        Ok(Self {
            groups: info.groups,
            rights: info.rights,
            blocked: info.blockid.is_some() && !info.blockpartial,
        })
    }

    pub fn has_right(&self, right: &str) -> bool {
        self.rights.iter().any(|r| r == right)
    }

    pub fn in_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
    }

    /// Only the rights and groups a tool checks: a sysop's full lists would not fit in a cookie.
    pub fn keep_only(mut self, rights: &[String], groups: &[String]) -> Self {
        self.rights.retain(|right| rights.contains(right));
        self.groups.retain(|group| groups.contains(group));
        self
    }
}
