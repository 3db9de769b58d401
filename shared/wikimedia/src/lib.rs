//! Clients of Wikimedia's services, for every tool in this workspace.
//!
//! Each client is built from the tool's [`UserAgent`] (the Wikimedia User-Agent policy) and has
//! no other way to be built, so no request leaves without it. A wiki's refusal arrives as a
//! [`MediaWikiError`] variant named after what happened (blocked, protected page, edit conflict,
//! …), read once here from MediaWiki's error codes, so tools match variants and never codes.
//!
//! MediaWiki's title rules that hold on every wiki are [`title`]'s, so every form checks a title
//! the same way before a wiki is asked.
//!
//! Modules, leaves first: `user_agent` → `error` → `mediawiki` → `rights`, `sitematrix`,
//! `wikibase`; `user_agent` → `pagepile`, `sparql`; `title` uses none.

pub mod error;
pub mod mediawiki;
pub mod pagepile;
pub mod rights;
pub mod sitematrix;
pub mod sparql;
pub mod title;
pub mod user_agent;
pub mod wikibase;

pub use error::MediaWikiError;
pub use mediawiki::{ClientOptions, MediaWiki};
pub use rights::WikiRights;
pub use user_agent::{ToolInfo, UserAgent};
