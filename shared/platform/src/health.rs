//! The health check Toolforge probes (`health-check-path` / `health_check_http`).

use axum::http::StatusCode;

pub const PATH: &str = "/healthz";

/// 200 with an empty body: the process is up and serving. It deliberately checks nothing
/// else (no upstream wiki, no database), so that an outage elsewhere does not make Kubernetes
/// restart a tool that could still show a helpful error page.
pub async fn healthz() -> StatusCode {
    StatusCode::OK
}
