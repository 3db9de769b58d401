//! What SpeedPatrolling remembers per user, in their session cookie: skipped revisions, pages and
//! users skipped again and again (which are then left out), what they acted on, and the scripts
//! they read. It is capped so the whole cookie stays under the browsers' 4 KB limit.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// Session key of the state.
pub const SESSION_KEY: &str = "patrolling";
/// After this many skips without ever acting on it, a page or user is left out.
pub const SKIPS_TO_IGNORE: u8 = 3;
/// The state's JSON must fit in this many bytes. The login (two OAuth tokens, ~1.9 KB) and the
/// CSRF token share the cookie; encryption and base64 add about 40 %.
pub const MAX_STATE_BYTES: usize = 400;

/// A user, remembered by a short hash of their name: names may be 255 bytes long, and the state
/// only needs to recognise them again.
pub type UserKey = u32;

pub fn user_key(username: &str) -> UserKey {
    // FNV-1a, 32 bit: stable across versions (unlike std's hasher) and plenty for recognising.
    username.bytes().fold(0x811c_9dc5u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatrolState {
    /// Revisions skipped, newest last.
    #[serde(rename = "s", default)]
    skipped_revisions: VecDeque<u64>,
    /// Pages skipped, with how often, most recent last.
    #[serde(rename = "p", default)]
    page_skips: VecDeque<(u64, u8)>,
    /// Users skipped, with how often, most recent last.
    #[serde(rename = "u", default)]
    user_skips: VecDeque<(UserKey, u8)>,
    /// Pages acted on (patrolled or rolled back): never left out.
    #[serde(rename = "ap", default)]
    acted_pages: VecDeque<u64>,
    #[serde(rename = "au", default)]
    acted_users: VecDeque<UserKey>,
    /// Scripts the user reads; `None` until chosen or guessed from Babel.
    #[serde(rename = "sc", default)]
    scripts: Option<Vec<String>>,
    /// Whether `scripts` is the user's own choice rather than the guess.
    #[serde(rename = "c", default)]
    scripts_chosen: bool,
}

fn bump<K: PartialEq + Copy>(list: &mut VecDeque<(K, u8)>, key: K) {
    let count = match list.iter().position(|(k, _)| *k == key) {
        Some(index) => list.remove(index).map_or(0, |(_, count)| count),
        None => 0,
    };
    list.push_back((key, count.saturating_add(1)));
}

fn remember<K: PartialEq>(list: &mut VecDeque<K>, key: K) {
    list.retain(|k| *k != key);
    list.push_back(key);
}

impl PatrolState {
    /// The user skipped revision `revision` of page `page` by `user`.
    pub fn skip(&mut self, revision: u64, page: u64, user: &str) {
        remember(&mut self.skipped_revisions, revision);
        bump(&mut self.page_skips, page);
        bump(&mut self.user_skips, user_key(user));
        self.trim();
    }

    /// The user patrolled or rolled back an edit of `page` by `user`.
    pub fn acted(&mut self, page: u64, user: &str) {
        remember(&mut self.acted_pages, page);
        remember(&mut self.acted_users, user_key(user));
        self.trim();
    }

    /// Whether an unpatrolled edit should be offered to this user.
    pub fn wants(&self, revision: u64, page: u64, user: &str) -> bool {
        let user = user_key(user);
        let ignored_page = !self.acted_pages.contains(&page)
            && self
                .page_skips
                .iter()
                .any(|(p, count)| *p == page && *count >= SKIPS_TO_IGNORE);
        let ignored_user = !self.acted_users.contains(&user)
            && self
                .user_skips
                .iter()
                .any(|(u, count)| *u == user && *count >= SKIPS_TO_IGNORE);
        !self.skipped_revisions.contains(&revision) && !ignored_page && !ignored_user
    }

    pub fn scripts(&self) -> Option<&[String]> {
        self.scripts.as_deref()
    }

    pub fn scripts_chosen(&self) -> bool {
        self.scripts_chosen
    }

    /// Remembers the scripts the user reads: `chosen` on the settings page, or guessed.
    pub fn set_scripts(&mut self, scripts: Vec<String>, chosen: bool) {
        self.scripts = Some(scripts);
        self.scripts_chosen = chosen;
        self.trim();
    }

    pub fn encoded_len(&self) -> usize {
        serde_json::to_string(self).map_or(usize::MAX, |json| json.len())
    }

    /// Forgets the oldest entries until the state fits in [`MAX_STATE_BYTES`]: skipped revisions
    /// beyond the ten most recent first (recent changes move on anyway), then from whichever of
    /// the other lists is longest, then the last revisions.
    fn trim(&mut self) {
        while self.encoded_len() > MAX_STATE_BYTES {
            if self.skipped_revisions.len() > 10 {
                self.skipped_revisions.pop_front();
                continue;
            }
            let lengths = [
                self.page_skips.len(),
                self.user_skips.len(),
                self.acted_pages.len(),
                self.acted_users.len(),
            ];
            let longest = (0..lengths.len()).max_by_key(|&i| lengths[i]).unwrap_or(0);
            let dropped = match longest {
                _ if lengths[longest] == 0 => self.skipped_revisions.pop_front().is_some(),
                0 => self.page_skips.pop_front().is_some(),
                1 => self.user_skips.pop_front().is_some(),
                2 => self.acted_pages.pop_front().is_some(),
                _ => self.acted_users.pop_front().is_some(),
            };
            if !dropped {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipped_revisions_are_not_offered_again() {
        let mut state = PatrolState::default();
        state.skip(100, 1, "Alice");
        assert!(!state.wants(100, 1, "Alice"));
        assert!(
            state.wants(101, 1, "Alice"),
            "one skip does not ignore the page"
        );
    }

    #[test]
    fn pages_and_users_skipped_repeatedly_are_left_out() {
        let mut state = PatrolState::default();
        for revision in 1..=3 {
            state.skip(revision, 7, "Vandal");
        }
        assert!(!state.wants(10, 7, "Someone"), "page 7 is ignored");
        assert!(!state.wants(11, 8, "Vandal"), "the user is ignored");
        assert!(state.wants(12, 8, "Someone"));
    }

    #[test]
    fn acting_on_a_page_or_user_keeps_them_in() {
        let mut state = PatrolState::default();
        for revision in 1..=3 {
            state.skip(revision, 7, "Vandal");
        }
        state.acted(7, "Vandal");
        assert!(state.wants(10, 7, "Vandal"));
    }

    #[test]
    fn state_stays_within_its_budget_however_much_is_skipped() {
        let mut state = PatrolState::default();
        state.set_scripts(
            crate::scripts::OFFERED
                .iter()
                .map(|&s| s.to_owned())
                .collect(),
            true,
        );
        for n in 0..2000u64 {
            state.skip(
                9_000_000_000 + n,
                100_000_000 + n,
                &format!("User {n} {}", "x".repeat(200)),
            );
            state.acted(200_000_000 + n, &format!("Other {n}"));
            assert!(
                state.encoded_len() <= MAX_STATE_BYTES,
                "{} after {n}",
                state.encoded_len()
            );
        }
        // Recent history survives the trimming.
        assert!(!state.wants(9_000_001_999, 1, "x"));
        assert!(state.scripts().is_some());
    }

    #[test]
    fn user_keys_are_stable() {
        assert_eq!(user_key(""), 0x811c_9dc5);
        assert_eq!(user_key("a"), 0xe40c_292c);
        assert_ne!(user_key("Alice"), user_key("Bob"));
    }
}
