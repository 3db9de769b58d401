//! The health check Toolforge probes (`health-check-path` / `health_check_http`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::security::headers;

pub const PATH: &str = "/healthz";

/// 200 with an empty body: the process is up and serving. It deliberately checks nothing
/// else (no upstream wiki, no database), so that an outage elsewhere does not make Kubernetes
/// restart a tool that could still show a helpful error page. It is routed outside the
/// request pipeline (probes every second stay out of the access log), so it sets the security
/// headers itself.
pub async fn healthz() -> Response {
    let mut response = StatusCode::OK.into_response();
    headers::apply(response.headers_mut());
    response
}
