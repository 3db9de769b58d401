//! Addresses of the original that the platform now serves elsewhere. (`GET /logout`, where
//! the original logged out, is the platform's page with the logout button.)

use axum::response::Redirect;

/// The original's settings page chose the interface language, which the platform's language
/// menu does now.
pub(super) async fn settings() -> Redirect {
    Redirect::permanent("/language")
}
