//! Access to a MediaWiki Action API through `mwapi`, with the tool's user agent; its refusals
//! are read into [`MediaWikiError`] (the `error` module).

use serde::de::DeserializeOwned;

pub use crate::error::MediaWikiError;
use crate::user_agent::{UserAgent, http_client_builder};

/// An Action API client for one wiki.
#[derive(Debug, Clone)]
pub struct MediaWiki {
    api: mwapi::Client,
}

/// How an anonymous client behaves.
#[derive(Debug, Clone, Copy)]
pub struct ClientOptions {
    /// Requests in flight at once from this process.
    pub concurrency: usize,
    /// How often to retry after rate limiting or lag before giving up; interactive pages
    /// should not keep a user waiting.
    pub retry_limit: u32,
    /// `maxlag` sent with every request; `None` for interactive reads (see the Maxlag manual).
    pub maxlag: Option<u32>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            concurrency: 1,
            retry_limit: 1,
            maxlag: None,
        }
    }
}

impl MediaWiki {
    /// A client that is not logged in, for reading public data.
    pub async fn anonymous(
        api_url: &str,
        user_agent: &UserAgent,
        options: ClientOptions,
    ) -> Result<Self, MediaWikiError> {
        let builder_user_agent = user_agent.clone();
        let api = mwapi::Client::builder(api_url)
            // mwapi sets its own default user agent on the builder it is given, so ours is
            // passed both ways: for the builder's timeouts and as the explicit user agent.
            .set_http_client(move || http_client_builder(&builder_user_agent))
            .set_user_agent(user_agent.as_str())
            .set_concurrency(options.concurrency.max(1))
            .set_retry_limit(options.retry_limit)
            // Messages are shown to users as text, so ask for plain text.
            .set_errorformat(mwapi::ErrorFormat::Plaintext)
            .build()
            .await?;
        Ok(Self { api })
    }

    /// A client acting as the user whose OAuth 2 access token this is (sent as
    /// `Authorization: Bearer`; mwapi then also asserts `assert=user`).
    pub async fn authenticated(
        api_url: &str,
        user_agent: &UserAgent,
        access_token: &str,
        options: ClientOptions,
    ) -> Result<Self, MediaWikiError> {
        let builder_user_agent = user_agent.clone();
        let mut builder = mwapi::Client::builder(api_url)
            .set_http_client(move || http_client_builder(&builder_user_agent))
            .set_user_agent(user_agent.as_str())
            .set_oauth2_token(access_token)
            .set_concurrency(options.concurrency.max(1))
            .set_retry_limit(options.retry_limit)
            .set_errorformat(mwapi::ErrorFormat::Plaintext);
        if let Some(maxlag) = options.maxlag {
            builder = builder.set_maxlag(maxlag);
        }
        Ok(Self {
            api: builder.build().await?,
        })
    }

    /// An API POST with a token of `token_type` (`csrf`, `patrol`, `rollback`…); mwapi fetches
    /// the token, caches it, and fetches it again once if the wiki calls it bad.
    pub async fn post_with_token<T: DeserializeOwned>(
        &self,
        token_type: &str,
        params: &[(&str, &str)],
    ) -> Result<T, MediaWikiError> {
        let value: serde_json::Value = self.api.post_with_token(token_type, params).await?;
        serde_json::from_value(value)
            .map_err(|error| MediaWikiError::UnexpectedResponse(error.to_string()))
    }

    /// An API GET request, its answer deserialized into `T`.
    pub async fn get<T: DeserializeOwned>(
        &self,
        params: &[(&str, &str)],
    ) -> Result<T, MediaWikiError> {
        let value = self.api.get_value(params).await?;
        serde_json::from_value(value)
            .map_err(|error| MediaWikiError::UnexpectedResponse(error.to_string()))
    }
}
