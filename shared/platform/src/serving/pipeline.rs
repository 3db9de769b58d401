//! The platform's work around every request (but `/healthz`), as one middleware, in this order:
//!
//! 1. cross-origin check (`cross_origin`): a refused request never touches the session;
//! 2. session (`session`): loaded from the cookie, available to handlers as an extension;
//! 3. CSRF check (`csrf`) of every state-changing request, and
//! 4. the tool's routes (inside the panic catcher), both within one deadline: a client that
//!    sends a form's body slowly gets the same 408 as a slow handler;
//! 5. error pages (`pages::render_errors`): any error response as a page in the layout;
//! 6. the session cookie written back, only if the session changed;
//! 7. security headers (`security_headers`);
//! 8. one access-log line.
//!
//! Each step is a function of its own module; they are one layer rather than eight because
//! every layer on an axum router costs an allocation and a boxed future per request
//! (`docs/performance.md`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::header::{ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_SECURITY_POLICY};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::login::Login;
use crate::pages::language_choice::Wishes;
use crate::pages::{self, Site};
use crate::security::session::{Session, SessionSettings};
use crate::security::{cross_origin, csrf, headers};

/// What the pipeline needs, built once at start.
#[derive(Debug)]
pub struct Pipeline {
    pub site: Arc<Site>,
    pub sessions: SessionSettings,
    pub login: Option<Arc<Login>>,
    /// The tool's content security policy (`headers::ContentSecurityPolicy`), replacing the
    /// narrowest default.
    pub content_security_policy: HeaderValue,
    /// The deadline of the CSRF check's body read and the handler together.
    pub request_timeout: Duration,
}

/// The middleware (`axum::middleware::from_fn_with_state`).
pub async fn run(State(pipeline): State<Arc<Pipeline>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    // Cheap clones (no allocation): a standard method, and a URI whose parts are shared bytes.
    let method = request.method().clone();
    let uri = request.uri().clone();
    let path = uri.path();
    let site = &pipeline.site;

    // For an error page's language: cheap clones (the header's bytes are shared).
    let accept_language = request.headers().get(ACCEPT_LANGUAGE).cloned();
    let wishes = Wishes {
        query: uri.query(),
        accept_language: accept_language.as_ref(),
    };
    let mut response = if let Some(refusal) = cross_origin::refusal(&request) {
        pages::render_errors(site, wishes, None, path, refusal.into_response()).await
    } else {
        let mut request = request;
        let session = Session::load(&pipeline.sessions, request.headers());
        let extensions = request.extensions_mut();
        extensions.insert(session.clone());
        extensions.insert(site.clone());
        if let Some(login) = &pipeline.login {
            extensions.insert(login.clone());
        }
        let checked_and_handled = async {
            match csrf::check(request, &session).await {
                Ok(request) => next.run(request).await,
                Err(refused) => refused,
            }
        };
        // An empty 408: `render_errors` makes it the timeout page.
        let response = tokio::time::timeout(pipeline.request_timeout, checked_and_handled)
            .await
            .unwrap_or_else(|_elapsed| StatusCode::REQUEST_TIMEOUT.into_response());
        let mut response = pages::render_errors(site, wishes, Some(&session), path, response).await;
        if session.token_shown() {
            response
                .headers_mut()
                .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        session.write_back(&pipeline.sessions, &mut response);
        response
    };
    headers::apply(response.headers_mut());
    response.headers_mut().insert(
        CONTENT_SECURITY_POLICY,
        pipeline.content_security_policy.clone(),
    );
    // The access log: path only, never the query (it may carry user input not meant for logs).
    tracing::info!(
        %method,
        path,
        status = response.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}
