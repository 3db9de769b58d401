//! Refreshing a session's OAuth tokens once, however many requests need it at the same time.
//!
//! MediaWiki rotates refresh tokens: a refresh revokes the refresh token it used and the access
//! token issued with it. Two requests of one browser (two tabs, a page and its form) that both
//! find the access token about to expire would each spend the same refresh token, and the
//! second would be refused and log the user out. So refreshes go through one [`Refresher`] per
//! process: requests carrying the same refresh token share one flight (the first starts it, the
//! others wait for its result), and the result stays known for [`REMEMBER`] so that a request
//! that arrives later with the old cookie picks up the new tokens instead of spending a dead
//! refresh token.
//!
//! The refresh runs in a task of its own, started when its flight is made: if the request that
//! started it is cancelled (the browser went away, the request timed out), the answer still
//! arrives and is kept for the next request, since the old refresh token is gone at the wiki
//! either way. (A flight that ran inside the first request's future would be dropped with it,
//! and the next request would spend the rotated token a second time.)

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use tokio::sync::watch;

use crate::login::oauth::{OAuthError, OAuthProvider, Tokens};

/// How long the tokens a refresh gave are kept for latecomers with the old refresh token.
pub const REMEMBER: Duration = Duration::from_secs(600);

/// How one refresh ended.
#[derive(Debug, Clone)]
pub enum RefreshOutcome {
    Renewed(Tokens),
    /// The wiki refused the refresh token (revoked, expired, or already spent elsewhere).
    Refused(String),
    /// The token endpoint could not be reached or broke; the next request tries again.
    Unavailable(String),
}

/// One refresh under way or done: its task sends the outcome, every request waits for it.
#[derive(Clone)]
struct Flight(watch::Receiver<Option<RefreshOutcome>>);

impl Flight {
    /// Starts the refresh at once, in a task the requests only wait for.
    fn start(provider: &OAuthProvider, refresh_token: &str) -> Self {
        let (sender, receiver) = watch::channel(None);
        let provider = provider.clone();
        let refresh_token = refresh_token.to_owned();
        tokio::spawn(async move {
            let outcome = match provider.refresh(&refresh_token).await {
                Ok(tokens) => RefreshOutcome::Renewed(tokens),
                Err(error) => classify(error),
            };
            // No receiver left means the flight was forgotten: nobody needs the answer.
            let _ = sender.send(Some(outcome));
        });
        Self(receiver)
    }

    async fn outcome(&self) -> RefreshOutcome {
        let mut receiver = self.0.clone();
        match receiver.wait_for(Option::is_some).await {
            Ok(outcome) => outcome.clone().unwrap_or_else(|| {
                RefreshOutcome::Unavailable("the refresh gave no answer".to_owned())
            }),
            // The task ended without sending: it panicked.
            Err(_) => RefreshOutcome::Unavailable("the refresh task failed".to_owned()),
        }
    }

    fn same(&self, other: &Self) -> bool {
        self.0.same_channel(&other.0)
    }
}

/// The refreshes of this process, by refresh token (hashed: the map holds no token).
#[derive(Default)]
pub struct Refresher {
    flights: Mutex<HashMap<[u8; 32], (Instant, Flight)>>,
}

impl std::fmt::Debug for Refresher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Refresher")
            .field("remembered", &self.lock().len())
            .finish()
    }
}

impl Refresher {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], (Instant, Flight)>> {
        // Plain data: usable after a panic elsewhere.
        self.flights
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Renews `refresh_token` at `provider`, or joins the renewal already under way or just
    /// done for it.
    pub async fn refresh(&self, provider: &OAuthProvider, refresh_token: &str) -> RefreshOutcome {
        let key: [u8; 32] = Sha256::digest(refresh_token.as_bytes()).into();
        let flight = {
            let mut flights = self.lock();
            let now = Instant::now();
            flights.retain(|_, (started, _)| now.duration_since(*started) < REMEMBER);
            flights
                .entry(key)
                .or_insert_with(|| (now, Flight::start(provider, refresh_token)))
                .1
                .clone()
        };
        let outcome = flight.outcome().await;
        if matches!(outcome, RefreshOutcome::Unavailable(_)) {
            // Forget a failure to reach the wiki, so the next request tries again.
            let mut flights = self.lock();
            if flights
                .get(&key)
                .is_some_and(|(_, current)| current.same(&flight))
            {
                flights.remove(&key);
            }
        }
        outcome
    }
}

fn classify(error: OAuthError) -> RefreshOutcome {
    if error.is_transient() {
        RefreshOutcome::Unavailable(error.to_string())
    } else {
        RefreshOutcome::Refused(error.to_string())
    }
}
