//! Between a tool and a [`RealWiki`]: the tool sends OAuth 2 bearer tokens, as to Wikimedia's
//! wikis, which Debian's MediaWiki cannot read (it has no OAuth extension). The bridge takes an
//! access token the [`FakeWiki`]'s provider issued, finds the user it was issued to, and sends
//! the request on in that user's bot-password session; the answer comes back as the wiki gave
//! it. So the tool's code is the same as in production, and everything behind the token —
//! rights, blocks, tokens per type, errors, rate limits — is the real wiki's.
//!
//! What the bridge stands in for is the OAuth extension's session provider
//! (`src/SessionProvider.php` of `wikimedia/mediawiki-extensions-OAuth`, `provideSessionInfo`):
//! a request without `Authorization` is anonymous; a token the provider does not know (expired,
//! revoked, made up) is answered `mwoauth-invalid-authorization`, in the error format the
//! request asked for; a token of a user the wiki has no account for is answered
//! `mwoauth-invalid-authorization-invalid-user`. What it cannot show: the consumer's grants
//! (a bot password with every grant stands in for them) and central accounts across wikis.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::FakeWiki;
use crate::real_wiki::{Cookies, RealWiki, Role};

/// The running bridge; it serves until the test's runtime ends.
#[derive(Debug, Clone)]
pub struct OAuthBridge {
    url: String,
}

#[derive(Clone)]
struct Bridge {
    wiki: RealWiki,
    provider: FakeWiki,
}

impl OAuthBridge {
    /// Starts a bridge on a free local port to `wiki`, reading tokens from `provider`.
    pub async fn start(wiki: &RealWiki, provider: &FakeWiki) -> Self {
        let app = Router::new().fallback(forward).with_state(Bridge {
            wiki: wiki.clone(),
            provider: provider.clone(),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bridge binds");
        let address = listener.local_addr().expect("bridge address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            url: format!("http://{address}"),
        }
    }

    /// `http://127.0.0.1:<port>`: the wiki's address as the tool sees it.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn api_url(&self) -> String {
        format!("{}/w/api.php", self.url)
    }
}

/// The request's parameters, query and form, for the error format it asked for.
fn params(uri: &axum::http::Uri, headers: &HeaderMap, body: &[u8]) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> =
        serde_urlencoded::from_str(uri.query().unwrap_or_default()).unwrap_or_default();
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
    if form {
        params.extend(
            serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default(),
        );
    }
    params
}

/// An Action API error as MediaWiki formats it: `errorformat=bc` (the default) gives one
/// `error` object with `info`, any other format a list of `errors` with `text`.
fn api_error(params: &[(String, String)], code: &str, text: &str) -> Response {
    let format = params
        .iter()
        .find(|(name, _)| name == "errorformat")
        .map_or("bc", |(_, value)| value.as_str());
    let body: Value = if format == "bc" {
        json!({"error": {"code": code, "info": text}})
    } else {
        json!({"errors": [{"code": code, "text": text, "module": "main"}]})
    };
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

async fn forward(
    State(bridge): State<Bridge>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let cookies = match headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
    {
        None => Cookies::default(),
        Some(value) => {
            let user = value
                .strip_prefix("Bearer ")
                .and_then(|token| bridge.provider.access_token_user(token));
            let Some(user) = user else {
                return api_error(
                    &params(&uri, &headers, &body),
                    "mwoauth-invalid-authorization",
                    "The authorization headers in your request are not valid: Invalid access token",
                );
            };
            let Some(role) = Role::from_username(&user) else {
                return api_error(
                    &params(&uri, &headers, &body),
                    "mwoauth-invalid-authorization-invalid-user",
                    "The authorization headers in your request are for a user that does not exist here",
                );
            };
            bridge.wiki.cookies(role).await
        }
    };
    let passed: Vec<(reqwest::header::HeaderName, String)> = [
        header::CONTENT_TYPE,
        header::USER_AGENT,
        header::ACCEPT,
        header::ACCEPT_LANGUAGE,
    ]
    .into_iter()
    .filter_map(|name| {
        let value = headers.get(&name)?.to_str().ok()?.to_owned();
        Some((name, value))
    })
    .collect();
    let path_and_query = uri.path_and_query().map_or("/", |pq| pq.as_str());
    let (status, content_type, body) = bridge
        .wiki
        .forward(method, path_and_query, &passed, body.to_vec(), &cookies)
        .await;
    let mut response = (status, body).into_response();
    if let Some(content_type) = content_type.and_then(|value| value.parse().ok()) {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type);
    }
    response
}
