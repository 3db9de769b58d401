//! The MediaWiki OAuth 2 provider, seen from a tool: authorization URL (code flow with PKCE S256
//! and a random state), code exchange, token refresh and the user's profile.
//!
//! Endpoints below `rest_url` (default meta.wikimedia.org's `rest.php`):
//! `/oauth2/authorize`, `/oauth2/access_token`, `/oauth2/resource/profile`.

use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, PkceCodeChallenge, PkceCodeVerifier, RefreshToken, TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize};

use wikimedia::user_agent::{UserAgent, http_client_builder};

/// `[oauth]` / `TOOL_OAUTH__*`: the tool's OAuth 2 consumer. Without id and secret, login is off.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct OAuthConfig {
    pub client_id: Option<String>,
    pub client_secret: Option<SecretString>,
    pub rest_url: String,
}

impl Default for OAuthConfig {
    fn default() -> Self {
        Self {
            client_id: None,
            client_secret: None,
            rest_url: "https://meta.wikimedia.org/w/rest.php".to_owned(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    #[error("OAuth endpoint URL {0:?} is not a URL")]
    BadUrl(String),
    #[error("could not build the HTTP client: {0}")]
    HttpClient(String),
    /// The wiki answered and refused (bad code, refresh token revoked or expired).
    #[error("the wiki did not accept the authorization: {0}")]
    TokenRequest(String),
    /// The token endpoint could not be reached or gave no usable answer; worth trying again.
    #[error("the wiki's token endpoint could not be reached: {0}")]
    TokenEndpoint(String),
    #[error("the wiki did not give the user's profile: {0}")]
    Profile(String),
}

type ConfiguredClient =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// A configured OAuth 2 consumer.
#[derive(Debug, Clone)]
pub struct OAuthProvider {
    client: ConfiguredClient,
    profile_url: String,
    /// The login wiki's Action API, beside its REST API (`…/w/api.php`).
    api_url: String,
    http: reqwest::Client,
}

/// Where to send the user, and what to keep in the session until they come back.
#[derive(Debug)]
pub struct AuthorizationRequest {
    pub url: String,
    pub state: String,
    pub pkce_verifier: String,
}

/// Tokens from the token endpoint.
#[derive(Clone)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    /// Seconds the access token is valid for, if the provider said.
    pub expires_in_seconds: Option<u64>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &"[redacted]")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field("expires_in_seconds", &self.expires_in_seconds)
            .finish()
    }
}

/// The profile the provider reports for the token's user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The central (global) user id; MediaWiki sends it as a number or string.
    #[serde(deserialize_with = "string_or_number")]
    pub sub: String,
    pub username: String,
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub rights: Vec<String>,
    #[serde(default)]
    pub blocked: bool,
}

fn string_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Text(String),
        Number(u64),
    }
    Ok(match Either::deserialize(deserializer)? {
        Either::Text(text) => text,
        Either::Number(number) => number.to_string(),
    })
}

impl OAuthProvider {
    /// `None` when the consumer is not configured (no id or no secret).
    pub fn from_config(
        config: &OAuthConfig,
        user_agent: &UserAgent,
    ) -> Result<Option<Self>, OAuthError> {
        let (Some(id), Some(secret)) = (&config.client_id, &config.client_secret) else {
            return Ok(None);
        };
        let base = config.rest_url.trim_end_matches('/');
        let url = |path: &str| format!("{base}{path}");
        let auth_url = AuthUrl::new(url("/oauth2/authorize"))
            .map_err(|_| OAuthError::BadUrl(url("/oauth2/authorize")))?;
        let token_url = TokenUrl::new(url("/oauth2/access_token"))
            .map_err(|_| OAuthError::BadUrl(url("/oauth2/access_token")))?;
        let client = BasicClient::new(ClientId::new(id.clone()))
            .set_client_secret(ClientSecret::new(secret.expose_secret().to_owned()))
            // MediaWiki accepts the credentials in the body; no Basic auth header needed.
            .set_auth_type(AuthType::RequestBody)
            .set_auth_uri(auth_url)
            .set_token_uri(token_url);
        // No redirects: a token endpoint that redirects is misconfigured or hostile (SSRF).
        let http = http_client_builder(user_agent)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| OAuthError::HttpClient(error.to_string()))?;
        Ok(Some(Self {
            client,
            profile_url: url("/oauth2/resource/profile"),
            api_url: match base.strip_suffix("rest.php") {
                Some(script_path) => format!("{script_path}api.php"),
                None => format!("{base}/api.php"),
            },
            http,
        }))
    }

    /// The login wiki's Action API (`https://meta.wikimedia.org/w/api.php` by default).
    pub fn api_url(&self) -> &str {
        &self.api_url
    }

    /// A fresh authorization request: random state and PKCE S256 verifier.
    pub fn authorization_request(&self) -> AuthorizationRequest {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state) = self
            .client
            .authorize_url(CsrfToken::new_random)
            .set_pkce_challenge(challenge)
            .url();
        AuthorizationRequest {
            url: url.into(),
            state: state.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        }
    }

    pub async fn exchange_code(
        &self,
        code: &str,
        pkce_verifier: &str,
    ) -> Result<Tokens, OAuthError> {
        let response = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(token_error)?;
        Ok(tokens(&response))
    }

    pub async fn refresh(&self, refresh_token: &str) -> Result<Tokens, OAuthError> {
        let response = self
            .client
            .exchange_refresh_token(&RefreshToken::new(refresh_token.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(token_error)?;
        Ok(tokens(&response))
    }

    pub async fn profile(&self, access_token: &str) -> Result<Profile, OAuthError> {
        let response = self
            .http
            .get(&self.profile_url)
            .bearer_auth(access_token)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|error| OAuthError::Profile(error.to_string()))?;
        response
            .json::<Profile>()
            .await
            .map_err(|error| OAuthError::Profile(error.to_string()))
    }
}

impl OAuthError {
    /// Whether trying again later may succeed (the endpoint was unreachable, slow or broken),
    /// as opposed to a refusal that stays a refusal.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::TokenEndpoint(_) | Self::HttpClient(_))
    }
}

/// A refusal by the wiki, or a failure to talk to it. The standard OAuth error codes
/// (`invalid_grant`, `invalid_client`…) are refusals; `server_error`, `temporarily_unavailable`
/// and anything else, like an HTML error page or a timeout, mean the endpoint is in trouble.
fn token_error<RE>(
    error: oauth2::RequestTokenError<RE, oauth2::basic::BasicErrorResponse>,
) -> OAuthError
where
    RE: std::error::Error + 'static,
{
    use oauth2::basic::BasicErrorResponseType as Code;
    match error {
        oauth2::RequestTokenError::ServerResponse(response)
            if !matches!(response.error(), Code::Extension(_)) =>
        {
            OAuthError::TokenRequest(response.to_string())
        }
        other => OAuthError::TokenEndpoint(other.to_string()),
    }
}

fn tokens(response: &impl TokenResponse) -> Tokens {
    Tokens {
        access_token: response.access_token().secret().clone(),
        refresh_token: response.refresh_token().map(|token| token.secret().clone()),
        expires_in_seconds: response.expires_in().map(|duration| duration.as_secs()),
    }
}
