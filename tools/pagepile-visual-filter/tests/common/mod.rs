//! What PagePile Visual Filter's tests share besides test-support: a fake Commons, which no other
//! tool's tests need.

#![allow(dead_code)] // Each test binary uses its own part of it.

mod fake_commons;

pub use fake_commons::FakeCommons;
