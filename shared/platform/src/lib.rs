//! The platform every tool in this workspace is built on.
//!
//! A tool's `main` reads its [`config`], builds a [`Platform`] from it, wraps its own routes with
//! [`Platform::router`] and calls [`Platform::serve`]. Everything Toolforge expects of a web
//! service (port, health check, graceful shutdown, logs on stdout, a policy user agent) and
//! everything users expect of a page (layout, error pages, sessions, CSRF protection) is here,
//! once.

// Dependencies run one way, leaves first: language, message_syntax → i18n → error → sealing →
// session → csrf → cross_origin; oauth → refresh; mediawiki → rights, sitematrix; user_agent →
// pagepile; security_headers → health; language_choice; all of those → login → pages →
// language_menu, logout_page → pipeline → app.
pub mod app;
pub mod config;
pub mod cross_origin;
pub mod csrf;
pub mod error;
pub mod health;
pub mod i18n;
pub mod language;
pub mod language_choice;
pub mod language_menu;
pub mod login;
pub mod logout_page;
pub mod mediawiki;
pub mod message_syntax;
pub mod oauth;
pub mod pagepile;
pub mod pages;
pub mod pipeline;
pub mod refresh;
pub mod rights;
pub mod sealing;
pub mod security_headers;
pub mod serve;
pub mod session;
pub mod sitematrix;
pub mod telemetry;
pub mod user_agent;

pub use app::{Platform, PlatformError};
pub use error::ErrorPage;
pub use i18n::{Gender, Text};
pub use pages::PageContext;
pub use rights::WikiRights;
pub use session::Session;
pub use user_agent::{ToolInfo, UserAgent};
