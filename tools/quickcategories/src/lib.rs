//! QuickCategories: add and remove categories on pages of any Wikimedia wiki, in batches.

pub mod command;
pub mod store;
pub mod wikitext;
