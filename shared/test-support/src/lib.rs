//! Test helpers shared by every tool. A dev-dependency only: nothing here ships.

mod client;

pub use client::{TestClient, TestResponse};
