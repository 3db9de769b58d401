//! The background runner: a process (Procfile `runner`) that runs the commands of batches their
//! creators started "in the background", with the OAuth authorization each creator gave for it.
//!
//! Each turn of the loop claims one command of the running batch that waited longest (claims
//! are atomic, so several runners share the work without running a command twice), runs it as
//! the batch's creator and stores the outcome. What can go wrong, and what happens then:
//!
//! - the wiki cannot be reached: the command is tried again with growing delays, then put back
//!   and the batch waits a few minutes;
//! - the wiki is lagged or read-only: the command is put back and the batch waits;
//! - the user is blocked, or the authorization was revoked: the command is put back and the run
//!   stops with the reason, shown on the batch page;
//! - the database is down: the runner waits and tries again; an outcome not stored yet is kept
//!   and stored when the database is back;
//! - the runner dies: the commands it had claimed are planned again by the next heartbeat of any
//!   runner. Running a command twice changes nothing the second time (adding a category that is
//!   there, removing one that is not), so nothing is done twice on the wiki.
//!
//! SIGTERM: the command in progress is finished and stored, then the process exits 0.
//! In read-only mode (`TOOL_READ_ONLY_REASON`) the runner claims nothing.

mod authorization;
pub mod disposition;
pub mod liveness;
pub mod slice;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use platform::UserAgent;
use platform::login::oauth::OAuthProvider;
use platform::security::sealing::SealingKey;
use rand::RngCore;
use secrecy::ExposeSecret;
use tokio::sync::watch;
use wikimedia::mediawiki::{ClientOptions, MediaWiki, MediaWikiError};

pub use authorization::AuthorizationError;
use authorization::{AccessToken, Authorizations};
use disposition::{Disposition, disposition};
pub use liveness::Liveness;

use crate::execute;
use crate::reason::RunReason;
use crate::settings::Settings;
use crate::siteinfo::SiteinfoCache;
use crate::store::{BatchStore, Claim, CommandId, Outcome, RunId, Store, StoreError, now};

/// How often a runner tells the store it is alive (and plans again what dead runners left).
const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(10);
/// Attempts of one command while the wiki cannot be reached, before the batch waits.
const TRANSIENT_ATTEMPTS: u32 = 4;
/// How long a batch waits after the wiki could not be reached for all those attempts.
const UNREACHABLE_WAIT_SECONDS: i64 = 300;
/// How long a batch waits when the wiki is lagged (maxlag) or read-only.
/// Longest wait between attempts to reach the database.
const MAX_DATABASE_BACKOFF: Duration = Duration::from_secs(30);
/// After SIGTERM, how long an outcome not stored yet is still tried (Toolforge kills after 15 s).
const SHUTDOWN_STORE_GRACE: Duration = Duration::from_secs(10);

/// What the runner needs; built by `quickcategories::runner`.
#[derive(Debug, Clone)]
pub struct Runner {
    id: String,
    store: Store,
    settings: Arc<Settings>,
    user_agent: UserAgent,
    siteinfo: SiteinfoCache,
    authorizations: Authorizations,
    liveness: Option<Liveness>,
    idle: Duration,
    /// Backoff before the first retry of a transient wiki error (tests make it short).
    retry_delay: Duration,
}

/// How processing one claimed command ended.
enum Processed {
    Stored,
    /// Put back (the batch waits, the run stopped, or the runner is stopping).
    Released,
    /// The outcome could not be stored before shutdown: the command stays pending and is
    /// planned again (running it again changes nothing).
    Abandoned,
}

impl Runner {
    pub fn new(
        store: Store,
        settings: Arc<Settings>,
        user_agent: UserAgent,
        sealing: SealingKey,
        provider: Option<OAuthProvider>,
    ) -> Self {
        let mut id = [0_u8; 8];
        rand::thread_rng().fill_bytes(&mut id);
        let id = id.iter().map(|b| format!("{b:02x}")).collect::<String>();
        let idle = Duration::from_secs(settings.runner.idle_seconds.max(1));
        Self {
            id: format!("runner-{id}"),
            authorizations: Authorizations {
                store: store.clone(),
                sealing,
                provider,
            },
            store,
            settings,
            user_agent,
            siteinfo: SiteinfoCache::default(),
            liveness: None,
            idle,
            retry_delay: Duration::from_secs(1),
        }
    }

    /// Proves liveness through this file on every turn of the loop.
    pub fn with_liveness(mut self, liveness: Liveness) -> Self {
        self.liveness = Some(liveness);
        self
    }

    /// Shorter waits (tests and benchmarks).
    pub fn with_timing(mut self, idle: Duration, retry_delay: Duration) -> Self {
        self.idle = idle;
        self.retry_delay = retry_delay;
        self
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    fn touch(&self) {
        if let Some(liveness) = &self.liveness {
            liveness.touch();
        }
    }

    /// Runs until `stop` becomes true; the command in progress is finished first.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        tracing::info!(runner = %self.id, "runner started");
        // Registered before the first claim: another runner's heartbeat takes a claim by a
        // runner it does not know for one whose runner is gone.
        let mut database_backoff = Duration::from_millis(500);
        while !stopping(&stop) {
            self.touch();
            match self.store.heartbeat(&self.id).await {
                Ok(replanned) => {
                    log_replanned(replanned);
                    break;
                }
                Err(error) => {
                    tracing::warn!(%error, "cannot register the runner yet; trying again");
                    sleep_unless_stopped(database_backoff, &mut stop).await;
                    database_backoff = (database_backoff * 2).min(MAX_DATABASE_BACKOFF);
                }
            }
        }
        let heartbeat = tokio::spawn(heartbeats(self.store.clone(), self.id.clone()));
        let mut clients = ClientCache::default();
        // Set when a claim failed: its transaction may have committed with the answer lost,
        // leaving a command pending under this runner's name that nobody runs.
        let mut claim_lost = false;
        if let Some(reason) = self.settings.read_only() {
            tracing::warn!(
                reason,
                "read-only: no command runs until the setting is removed"
            );
        }
        while !stopping(&stop) {
            self.touch();
            if self.settings.read_only().is_some() {
                // Still alive for the health check, but no edits (the web pages say why).
                sleep_unless_stopped(self.idle, &mut stop).await;
                continue;
            }
            if claim_lost {
                match self.store.release_claims_of(&self.id).await {
                    Ok(released) => {
                        if released > 0 {
                            tracing::info!(released, "put back the commands of lost claims");
                        }
                        claim_lost = false;
                    }
                    Err(error) => {
                        tracing::warn!(%error, "cannot put back the commands of lost claims yet");
                    }
                }
            }
            let wait = match self.store.claim_background_command(&self.id).await {
                Ok(Some(claim)) => {
                    database_backoff = Duration::from_millis(500);
                    match self.process(claim, &mut clients, &mut stop).await {
                        Processed::Stored | Processed::Released => continue,
                        Processed::Abandoned => break,
                    }
                }
                Ok(None) => self.idle,
                Err(error) => {
                    claim_lost = true;
                    tracing::warn!(%error, "cannot claim a command; trying again");
                    let wait = database_backoff;
                    database_backoff = (database_backoff * 2).min(MAX_DATABASE_BACKOFF);
                    wait
                }
            };
            sleep_unless_stopped(wait, &mut stop).await;
        }
        heartbeat.abort();
        if let Some(liveness) = &self.liveness {
            liveness.clear();
        }
        if let Err(error) = self.store.unregister_runner(&self.id).await {
            tracing::warn!(%error, "cannot unregister the runner; its heartbeat will time out");
        }
        tracing::info!(runner = %self.id, "runner stopped");
    }

    async fn process(
        &self,
        claim: Claim,
        clients: &mut ClientCache,
        stop: &mut watch::Receiver<bool>,
    ) -> Processed {
        let command_id = claim.command.id;
        let mut refused: Option<String> = None;
        let mut attempt = 0;
        let mut delay = self.retry_delay;
        let outcome = loop {
            attempt += 1;
            self.touch();
            let token = match self
                .authorizations
                .access_token(claim.run, refused.as_deref())
                .await
            {
                Ok(token) => token,
                Err(AuthorizationError::Stopped) => return self.release(command_id).await,
                Err(AuthorizationError::Revoked(reason)) => {
                    return self.stop_run(claim.run, command_id, &reason).await;
                }
                Err(AuthorizationError::Store(error)) => {
                    // The database, not the wiki: the runner can record nothing meanwhile, so it
                    // waits for the database and goes on with this command, rather than making
                    // the batch wait five minutes for a database blip. Not counted as an attempt.
                    tracing::warn!(run = claim.run, command = command_id, %error, "database unavailable; retrying");
                    attempt -= 1;
                    if !self.backoff(&mut delay, stop).await {
                        return self.release(command_id).await;
                    }
                    continue;
                }
                Err(AuthorizationError::Transient(reason)) => {
                    let reason = RunReason::RenewalPending(reason).stored();
                    if let Some(gave_up) = self
                        .try_again(&claim, attempt, &mut delay, stop, &reason)
                        .await
                    {
                        return gave_up;
                    }
                    continue;
                }
            };
            let tried = self.execute(&claim, &token, clients).await;
            match disposition(tried) {
                Disposition::Store(outcome) => break outcome,
                Disposition::Reauthorize(_) if refused.is_none() => {
                    clients.forget(claim.run);
                    refused = Some(token.sealed);
                }
                Disposition::Reauthorize(_) => {
                    return self
                        .stop_run(claim.run, command_id, &RunReason::RenewedRefused.stored())
                        .await;
                }
                Disposition::Retry(reason) => {
                    tracing::warn!(run = claim.run, command = command_id, attempt, %reason, "wiki unreachable");
                    let reason = RunReason::Unreachable(reason).stored();
                    if let Some(gave_up) = self
                        .try_again(&claim, attempt, &mut delay, stop, &reason)
                        .await
                    {
                        return gave_up;
                    }
                }
                Disposition::Wait { seconds, reason } => {
                    return self
                        .wait(claim.run, command_id, seconds, &reason.stored())
                        .await;
                }
                Disposition::Blocked(info) => {
                    let reason = RunReason::Blocked(info).stored();
                    return self.stop_run(claim.run, command_id, &reason).await;
                }
            }
        };
        self.store_outcome(claim.run, command_id, &outcome, stop)
            .await
    }

    /// Runs the command once as the run's user.
    async fn execute(
        &self,
        claim: &Claim,
        token: &AccessToken,
        clients: &mut ClientCache,
    ) -> Result<Outcome, MediaWikiError> {
        let wiki = match clients.get(claim.run, &token.sealed) {
            Some(wiki) => wiki,
            None => {
                let options = ClientOptions {
                    maxlag: Some(5),
                    ..ClientOptions::default()
                };
                let wiki = MediaWiki::authenticated(
                    &self.settings.api_url(&claim.domain),
                    &self.user_agent,
                    token.token.expose_secret(),
                    options,
                )
                .await;
                let wiki = wiki?;
                clients.insert(claim.run, token.sealed.clone(), wiki.clone());
                wiki
            }
        };
        let namespace = self
            .siteinfo
            .category_namespace(&claim.domain, &wiki)
            .await?;
        execute::run(
            &wiki,
            &namespace,
            claim.batch,
            &claim.command.command,
            claim.watchlist,
        )
        .await
    }

    /// After a transient failure: `None` once the delay before the next attempt has passed;
    /// else (attempts used up, or the runner stopping) the command goes back, the batch waits,
    /// and that is the result.
    async fn try_again(
        &self,
        claim: &Claim,
        attempt: u32,
        delay: &mut Duration,
        stop: &mut watch::Receiver<bool>,
        reason: &str,
    ) -> Option<Processed> {
        if attempt < TRANSIENT_ATTEMPTS && self.backoff(delay, stop).await {
            return None;
        }
        Some(
            self.wait(
                claim.run,
                claim.command.id,
                UNREACHABLE_WAIT_SECONDS,
                reason,
            )
            .await,
        )
    }

    /// Sleeps before the next attempt; `false` if the runner is stopping instead.
    async fn backoff(&self, delay: &mut Duration, stop: &mut watch::Receiver<bool>) -> bool {
        let wait = *delay;
        *delay = (*delay * 2).min(Duration::from_secs(60));
        self.touch();
        sleep_unless_stopped(wait, stop).await
    }

    async fn release(&self, command: CommandId) -> Processed {
        // If this keeps failing, the heartbeat sweep plans the command again once its claim
        // is older than the lease, or this runner is gone.
        persist("put the command back", || {
            self.store.release_command(command)
        })
        .await;
        Processed::Released
    }

    async fn wait(&self, run: RunId, command: CommandId, seconds: i64, reason: &str) -> Processed {
        tracing::info!(run, seconds, reason, "batch waits");
        // The command goes back first: whoever sees the batch waiting sees it planned.
        let released = self.release(command).await;
        persist("note the wait", || {
            self.store.suspend_run(run, now() + seconds, reason)
        })
        .await;
        released
    }

    async fn stop_run(&self, run: RunId, command: CommandId, reason: &str) -> Processed {
        tracing::info!(run, reason, "background run stops");
        let released = self.release(command).await;
        persist("stop the run", || async {
            self.store.stop_run(run, None, reason).await.map(|_| ())
        })
        .await;
        released
    }

    /// Stores the outcome, waiting for the database if it is down: the edit is made, so the
    /// outcome must not be lost. Gives up only when stopping and the grace period is over.
    async fn store_outcome(
        &self,
        run: RunId,
        command: CommandId,
        outcome: &Outcome,
        stop: &mut watch::Receiver<bool>,
    ) -> Processed {
        let mut delay = Duration::from_millis(200);
        let mut stopping_since: Option<tokio::time::Instant> = None;
        loop {
            match self.store.finish_command(command, outcome).await {
                Ok(()) => break,
                Err(error) => {
                    tracing::warn!(%error, command, "cannot store the outcome yet; retrying");
                    if stopping(stop) {
                        let since = *stopping_since.get_or_insert_with(tokio::time::Instant::now);
                        if since.elapsed() >= SHUTDOWN_STORE_GRACE {
                            tracing::error!(
                                command,
                                "stopping without the outcome stored; the command will run again"
                            );
                            return Processed::Abandoned;
                        }
                    }
                    self.touch();
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
            }
        }
        if let Err(error) = self.store.end_run_if_done(run).await {
            // The next command's turn (or the next runner) ends it.
            log_store_error(&error);
        }
        Processed::Stored
    }
}

fn log_store_error(error: &StoreError) {
    tracing::warn!(%error, "store failed");
}

/// Attempts of a store write before giving up on it (deadlocks and short outages pass).
const PERSIST_ATTEMPTS: u32 = 8;

/// Runs a store write, retrying with growing delays (about 25 s in all) when it fails.
async fn persist<F, Fut>(what: &str, mut write: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), StoreError>>,
{
    let mut delay = Duration::from_millis(100);
    for attempt in 1..=PERSIST_ATTEMPTS {
        match write().await {
            Ok(()) => return true,
            Err(error) if attempt < PERSIST_ATTEMPTS => {
                tracing::warn!(%error, attempt, "cannot {what} yet; retrying");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            Err(error) => tracing::error!(%error, "cannot {what}; giving up"),
        }
    }
    false
}

/// Whether the runner is asked to stop: `true` was sent, or the sender is gone.
fn stopping(stop: &watch::Receiver<bool>) -> bool {
    *stop.borrow() || stop.has_changed().is_err()
}

/// `false` if the runner was asked to stop during the wait.
async fn sleep_unless_stopped(wait: Duration, stop: &mut watch::Receiver<bool>) -> bool {
    let stopped = tokio::select! {
        () = tokio::time::sleep(wait) => false,
        _ = stop.wait_for(|stopping| *stopping) => true,
    };
    !stopped && !stopping(stop)
}

fn log_replanned(replanned: u64) {
    if replanned > 0 {
        tracing::info!(
            replanned,
            "planned again the commands of runners that are gone"
        );
    }
}

/// Heartbeats after the first one (which `Runner::run` sends before claiming anything).
async fn heartbeats(store: Store, runner: String) {
    loop {
        tokio::time::sleep(HEARTBEAT_INTERVAL).await;
        match store.heartbeat(&runner).await {
            Ok(replanned) => log_replanned(replanned),
            Err(error) => tracing::warn!(%error, "heartbeat failed"),
        }
    }
}

/// API clients by run, reused while the access token stays the same (mwapi caches the CSRF
/// token per client, so a batch's edits need no token request each).
#[derive(Debug, Default)]
struct ClientCache {
    clients: HashMap<RunId, (String, MediaWiki)>,
}

impl ClientCache {
    const MAX: usize = 64;

    fn get(&self, run: RunId, sealed_token: &str) -> Option<MediaWiki> {
        self.clients
            .get(&run)
            .filter(|(token, _)| token == sealed_token)
            .map(|(_, wiki)| wiki.clone())
    }

    fn insert(&mut self, run: RunId, sealed_token: String, wiki: MediaWiki) {
        if self.clients.len() >= Self::MAX {
            self.clients.clear();
        }
        self.clients.insert(run, (sealed_token, wiki));
    }

    fn forget(&mut self, run: RunId) {
        self.clients.remove(&run);
    }
}
