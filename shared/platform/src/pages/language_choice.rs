//! Which language a request is answered in. In order: `?uselang=` for this request alone
//! (`qqx` shows message keys), the language stored in the session by the language menu
//! (`language_menu`), the browser's `Accept-Language`, English. Whatever is chosen falls back
//! along MediaWiki's chains to a language with translations (`language`).
//!
//! The choice is made where messages are needed (a page, an error page), not for every request:
//! a stylesheet or a redirect costs nothing here.

use std::sync::Arc;

use axum::http::HeaderValue;

use crate::i18n::language;
use crate::i18n::{Catalog, Messages};
use crate::security::session::Session;

/// The session key of the stored choice.
pub const SESSION_KEY: &str = "lang";

/// What a request says about its language: its query string and `Accept-Language`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wishes<'a> {
    pub query: Option<&'a str>,
    pub accept_language: Option<&'a HeaderValue>,
}

/// The messages for this request (see the module's documentation).
pub fn choose(catalog: &Arc<Catalog>, wishes: Wishes<'_>, session: Option<&Session>) -> Messages {
    let uselang = wishes.query.and_then(uselang);
    let stored: Option<String> = session.and_then(|session| session.get(SESSION_KEY));
    let accepted = wishes
        .accept_language
        .and_then(|value| value.to_str().ok())
        .map(language::accepted)
        .unwrap_or_default();
    if uselang.is_none() && stored.is_none() && accepted.is_empty() {
        return Messages::source(catalog.clone());
    }
    let wanted = uselang
        .iter()
        .chain(stored.iter())
        .chain(accepted.iter())
        .map(String::as_str);
    Messages::choose(catalog, wanted)
}

/// The `uselang` of a query string, normalized.
fn uselang(query: &str) -> Option<String> {
    if !query.contains("uselang=") {
        return None;
    }
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .ok()?
        .into_iter()
        .find(|(name, _)| name == "uselang")
        .and_then(|(_, code)| language::normalize(&code))
}
