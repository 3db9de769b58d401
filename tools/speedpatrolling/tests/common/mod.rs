//! The fake wiki SpeedPatrolling's tests share: a list of unpatrolled edits it serves and
//! changes as the tool patrols, rolls back or skips them.

#![allow(dead_code)] // Each test binary uses its own part of it.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use test_support::{ApiRequest, api_error};

#[derive(Clone)]
pub struct Edit {
    pub revision: u64,
    pub page: u64,
    pub title: &'static str,
    pub user: &'static str,
    pub added: &'static str,
}

pub const fn edit(
    revision: u64,
    page: u64,
    title: &'static str,
    user: &'static str,
    added: &'static str,
) -> Edit {
    Edit {
        revision,
        page,
        title,
        user,
        added,
    }
}

/// The fake wiki's unpatrolled edits (newest first), the user's Babel languages, and canned
/// refusals for patrol and rollback.
#[derive(Clone, Default)]
pub struct Wiki {
    pub edits: Arc<Mutex<Vec<Edit>>>,
    pub babel: Arc<Mutex<Vec<&'static str>>>,
    pub patrol_error: Arc<Mutex<Option<(&'static str, &'static str)>>>,
    pub rollback_error: Arc<Mutex<Option<(&'static str, &'static str)>>>,
}

impl Wiki {
    pub fn edits(&self) -> Vec<Edit> {
        self.edits.lock().expect("lock").clone()
    }

    pub fn find(&self, revision: u64) -> Option<Edit> {
        self.edits().into_iter().find(|e| e.revision == revision)
    }

    pub fn answer(&self, request: &ApiRequest) -> Option<Value> {
        let revision = |name: &str| request.param(name).and_then(|r| r.parse::<u64>().ok());
        if request.has(&[
            ("list", "recentchanges"),
            ("rcshow", "unpatrolled"),
            ("rctype", "edit"),
        ]) {
            let changes: Vec<Value> = self
                .edits()
                .iter()
                .map(|e| json!({"type": "edit", "ns": 0, "title": e.title, "pageid": e.page, "revid": e.revision, "old_revid": e.revision - 1, "user": e.user}))
                .collect();
            return Some(json!({"batchcomplete": true, "query": {"recentchanges": changes}}));
        }
        if request.has(&[("action", "compare"), ("torelative", "prev")]) {
            let edit = self.find(revision("fromrev")?)?;
            let body = format!(
                "<tr><td class=\"diff-marker\"></td><td class=\"diff-deletedline\"><div>old</div></td>\
                 <td class=\"diff-marker\">+</td><td class=\"diff-addedline\"><div>{}</div></td></tr>",
                edit.added
            );
            return Some(json!({"compare": {
                "fromid": edit.page, "fromrevid": edit.revision - 1, "fromtitle": edit.title, "fromuser": "Earlier Editor", "fromcomment": "earlier summary",
                "toid": edit.page, "torevid": edit.revision, "totitle": edit.title, "touser": edit.user, "tocomment": format!("summary of {}", edit.revision),
                "body": body,
            }}));
        }
        if request.has(&[("prop", "revisions")]) {
            let edit = self.find(revision("revids")?)?;
            return Some(
                json!({"query": {"pages": [{"pageid": edit.page, "ns": 0, "title": edit.title, "revisions": [{"revid": edit.revision, "parentid": edit.revision - 1, "user": edit.user}]}]}}),
            );
        }
        if request.has(&[("meta", "babel")]) {
            let languages: serde_json::Map<String, Value> = self
                .babel
                .lock()
                .expect("lock")
                .iter()
                .map(|l| ((*l).to_owned(), json!("N")))
                .collect();
            return Some(json!({"query": {"babel": languages}}));
        }
        if request.has(&[("action", "patrol")]) {
            if let Some((code, text)) = *self.patrol_error.lock().expect("lock") {
                return Some(api_error(code, text));
            }
            let revision = revision("revid")?;
            self.edits
                .lock()
                .expect("lock")
                .retain(|e| e.revision != revision);
            return Some(json!({"patrol": {"rcid": revision, "ns": 0, "title": "x"}}));
        }
        if request.has(&[("action", "rollback")]) {
            if let Some((code, text)) = *self.rollback_error.lock().expect("lock") {
                return Some(api_error(code, text));
            }
            let (title, user) = (
                request.param("title")?.to_owned(),
                request.param("user")?.to_owned(),
            );
            self.edits
                .lock()
                .expect("lock")
                .retain(|e| !(e.title == title && e.user == user));
            return Some(
                json!({"rollback": {"title": title, "pageid": 1, "summary": "Reverted", "revid": 999, "old_revid": 1, "last_revid": 2}}),
            );
        }
        None
    }
}
