//! What Lexeme Forms' tests share besides test-support: a fake Wikidata holding lexemes, which
//! no other tool's tests need.

#![allow(dead_code)] // Each test binary uses its own part of it.

mod fake_lexemes;

pub use fake_lexemes::FakeLexemes;
