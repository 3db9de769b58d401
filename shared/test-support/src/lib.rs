//! Test helpers shared by every tool. A dev-dependency only: nothing here ships.

mod browser;
mod client;
mod config;
mod fake_pagepile;
mod fake_wiki;
mod fake_wikibase;
pub mod i18n;
mod layout;
mod mariadb;
mod oauth_bridge;
mod proxy;
mod real_wiki;
mod site_matrix;

pub use browser::{Browser, DESKTOP_WIDTH, PHONE_WIDTH, screenshot_dir, serve};
pub use client::{TestClient, TestResponse};
pub use config::config;
pub use fake_pagepile::{FakePagePile, FakePile};
pub use fake_wiki::{ApiRequest, FakeUser, FakeWiki, TOKEN, TokenFailure, api_error, token_of};
pub use fake_wikibase::{
    FakeSparql, FakeWikibase, RecordedEdit, item_statement, statements_of, string_statement,
    with_item_qualifier,
};
pub use layout::documentation_link;
pub use mariadb::{TestDatabase, test_database};
pub use oauth_bridge::OAuthBridge;
pub use proxy::TcpProxy;
pub use real_wiki::{Language, RealWiki, Role, WikiSession};
pub use site_matrix::{SITES, site_matrix};
