//! The access token a background run acts with: opened from the store, and refreshed when it
//! is about to expire or the wiki refused it. The wiki rotates refresh tokens (the old one is
//! revoked), so only one runner refreshes a run's tokens at a time: it takes the run's refresh
//! lock in the store, and the others wait and then use the tokens it stored.

use std::time::Duration;

use platform::login::oauth::{OAuthError, OAuthProvider};
use platform::security::sealing::SealingKey;
use secrecy::{ExposeSecret, SecretString};

use crate::reason::RunReason;
use crate::store::{BatchStore, RunId, SealedCredentials, Store, StoreError, now};

/// Refresh this long before the access token expires, so it does not expire mid-command.
const EXPIRY_MARGIN_SECONDS: i64 = 60;
/// How long one runner may hold a run's refresh lock (a refresh is one HTTP request).
const REFRESH_LOCK_SECONDS: i64 = 30;
/// MediaWiki access tokens live an hour; assume that if the provider does not say.
const DEFAULT_ACCESS_TOKEN_SECONDS: u64 = 3600;

#[derive(Debug, thiserror::Error)]
pub enum AuthorizationError {
    /// The run was stopped meanwhile (its tokens are gone).
    #[error("the background run has stopped")]
    Stopped,
    /// The wiki no longer accepts the user's authorization: the run cannot go on.
    #[error("{0}")]
    Revoked(String),
    /// Worth trying again later (token endpoint unreachable, lock held long).
    #[error("{0}")]
    Transient(String),
    /// The database could not be read or written: nothing to do with the wiki.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An access token, and the sealed form it is stored in (to recognise it if the wiki refuses it).
#[derive(Debug)]
pub struct AccessToken {
    pub token: SecretString,
    pub sealed: String,
}

#[derive(Debug, Clone)]
pub struct Authorizations {
    pub store: Store,
    pub sealing: SealingKey,
    /// `None` when no OAuth consumer is configured: tokens cannot be refreshed.
    pub provider: Option<OAuthProvider>,
}

impl Authorizations {
    /// A usable access token for `run`. `refused`: the sealed token the wiki just refused, which
    /// must not be returned again.
    pub async fn access_token(
        &self,
        run: RunId,
        refused: Option<&str>,
    ) -> Result<AccessToken, AuthorizationError> {
        // Waiting for another runner's refresh: at most the lock's lifetime, plus a little.
        for _ in 0..=REFRESH_LOCK_SECONDS + 5 {
            let credentials = self
                .store
                .credentials(run)
                .await?
                .ok_or(AuthorizationError::Stopped)?;
            let usable = refused != Some(credentials.access_token.as_str())
                && credentials.access_expires_at - EXPIRY_MARGIN_SECONDS > now();
            if usable {
                return Ok(AccessToken {
                    token: self.open(&credentials.access_token)?,
                    sealed: credentials.access_token,
                });
            }
            if self
                .store
                .lock_refresh(run, now() + REFRESH_LOCK_SECONDS)
                .await?
            {
                return self.refresh(run, &credentials).await;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        Err(AuthorizationError::Transient(
            "another runner has been refreshing this run's tokens for too long".to_owned(),
        ))
    }

    fn open(&self, sealed: &str) -> Result<SecretString, AuthorizationError> {
        self.sealing
            .open(sealed)
            .map_err(|_| AuthorizationError::Revoked(RunReason::Unreadable.stored()))
    }

    async fn refresh(
        &self,
        run: RunId,
        credentials: &SealedCredentials,
    ) -> Result<AccessToken, AuthorizationError> {
        let Some(provider) = &self.provider else {
            return Err(AuthorizationError::Revoked(RunReason::NoConsumer.stored()));
        };
        let refresh_token = self.open(&credentials.refresh_token)?;
        let tokens = match provider.refresh(refresh_token.expose_secret()).await {
            Ok(tokens) => tokens,
            Err(OAuthError::TokenRequest(detail)) => {
                return Err(AuthorizationError::Revoked(
                    RunReason::Revoked(detail).stored(),
                ));
            }
            Err(other) => {
                // The lock runs out on its own; the next attempt refreshes again.
                return Err(AuthorizationError::Transient(other.to_string()));
            }
        };
        let lifetime = tokens
            .expires_in_seconds
            .unwrap_or(DEFAULT_ACCESS_TOKEN_SECONDS);
        let refreshed = SealedCredentials {
            access_token: self.sealing.seal(&tokens.access_token),
            // Providers may rotate the refresh token; keep the old one if they did not.
            refresh_token: tokens.refresh_token.as_deref().map_or_else(
                || credentials.refresh_token.clone(),
                |t| self.sealing.seal(t),
            ),
            access_expires_at: now().saturating_add(i64::try_from(lifetime).unwrap_or(i64::MAX)),
        };
        // The old refresh token is revoked now: the new one must reach the store. Retry a
        // database hiccup for a while rather than lose it.
        let mut delay = Duration::from_millis(200);
        let mut attempts = 0;
        loop {
            match self.store.store_credentials(run, &refreshed).await {
                Ok(()) => break,
                Err(error) if attempts < 20 => {
                    tracing::warn!(%error, run, "cannot store refreshed tokens yet; retrying");
                    attempts += 1;
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
                Err(error) => {
                    return Err(AuthorizationError::Revoked(
                        RunReason::NotStored(error.to_string()).stored(),
                    ));
                }
            }
        }
        tracing::info!(run, "access token refreshed");
        Ok(AccessToken {
            token: SecretString::from(tokens.access_token),
            sealed: refreshed.access_token,
        })
    }
}
