//! The web platform every tool in this workspace is built on.
//!
//! A tool's `main` reads its [`config`], builds a [`Platform`] from it, wraps its own routes with
//! [`Platform::router`] and calls [`Platform::serve`]. Everything Toolforge expects of a web
//! service (port, health check, graceful shutdown, logs on stdout) and everything users expect
//! of a page (layout, messages in their language, error pages, sessions, CSRF protection,
//! login) is here, once. Clients of Wikimedia's services (the Action API, rights, the site
//! matrix, PagePile, the query service, Wikibase) are the `wikimedia` crate's; Toolforge's
//! database service, ToolsDB, is `toolsdb` here (feature `toolsdb`).
//!
//! The folders are layers, each using only those before it (`tests/module_order.rs`):
//! `i18n` → `error` → `security` → `login` → `pages` → `serving`; `config`, `telemetry` and
//! `toolsdb` stand apart (the configuration names the OAuth settings, so it comes after `login`).

pub mod config;
pub mod error;
pub mod i18n;
pub mod login;
pub mod pages;
pub mod security;
pub mod serving;
pub mod telemetry;
#[cfg(feature = "toolsdb")]
pub mod toolsdb;

pub use error::ErrorPage;
pub use i18n::{Gender, Text};
pub use pages::PageContext;
pub use pages::form::{FormError, FormFields};
pub use security::session::Session;
pub use serving::app::{Platform, PlatformError};
pub use wikimedia::{ToolInfo, UserAgent, tool_info};
